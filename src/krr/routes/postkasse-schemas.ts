/**
 * JSON schemas of the mailbox-provider API (validation, serialization, OpenAPI), with the real
 * register's field names (`personidentifikator`, `postkasseadresse`,
 * `postkasseleverandoerAdresse`, `sertifikat`) and answer fields (`status`, `beskrivelse`).
 *
 * Field contents (the identifiers, the address, the certificate) are checked by the domain, so
 * they answer with the register's own codes (`UGYLDIG_PERSONNUMMER`, …), not a schema error.
 */
import { POSTKASSE_FEILKODER } from '../domain/postkasse/outcome.ts';

const personidentifikator = { type: 'string', description: 'The citizen: fødselsnummer or D-number (11 digits)' } as const;
const postkasseadresse = {
  type: 'string',
  description: "The citizen's address at the provider (`kari.nordmann#AB12`); 1–254 characters without spaces",
} as const;
const postkasseleverandoerAdresse = {
  type: 'string',
  description: "The provider's organisasjonsnummer. Optional: the caller is the token's consumer; when given it must be that organisation",
} as const;
const sertifikat = {
  type: 'string',
  description:
    "X.509 encryption certificate for this mailbox, base64 DER (or PEM): issued by the trusted CA to the provider's organisation number, valid now, keyEncipherment. " +
    "Absent: the provider's registered certificate is published for the mailbox",
} as const;

/** Body of OpprettOgVelgPostkasse. */
export const opprettOgVelgPostkasseBody = {
  type: 'object',
  required: ['personidentifikator', 'postkasseadresse'],
  properties: { personidentifikator, postkasseadresse, postkasseleverandoerAdresse, sertifikat },
} as const;

/** Body of OppdaterPostkasse: a new address and/or certificate. */
export const oppdaterPostkasseBody = {
  type: 'object',
  required: ['personidentifikator'],
  anyOf: [{ required: ['postkasseadresse'] }, { required: ['sertifikat'] }],
  properties: {
    personidentifikator,
    postkasseadresse,
    postkasseleverandoerAdresse,
    sertifikat: { ...sertifikat, type: ['string', 'null'], description: `${sertifikat.description}. null removes the mailbox's own certificate` },
  },
} as const;

/** Body of SlettPostkasse and HentPostkasse. */
export const personBody = {
  type: 'object',
  required: ['personidentifikator'],
  properties: { personidentifikator, postkasseleverandoerAdresse },
} as const;

/** A mailbox entry as the provider sees it. */
export const postkasseSchema = {
  type: 'object',
  required: ['personidentifikator', 'postkasseadresse', 'postkasseleverandoerAdresse'],
  properties: {
    personidentifikator,
    postkasseadresse,
    postkasseleverandoerAdresse: { type: 'string', description: "The provider's organisasjonsnummer" },
    sertifikat: { type: 'string', description: "The mailbox's own certificate, base64 DER; absent when the provider's certificate is used" },
  },
} as const;

/** Answer `OK`. */
export const okResponse = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['OK'] },
    postkasse: { ...postkasseSchema, description: 'The entry after the operation (SlettPostkasse: as it was)' },
  },
} as const;

/**
 * Answer `FEILET`, with the reason code, for one HTTP status. Keyed by media type, so a
 * problem+json error with the same status (a body that fails the schema: 400
 * `PLATFORM_VALIDATION_FAILED`) is serialized as itself, not forced into this shape.
 */
export function feiletResponse(description: string) {
  return {
    description,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['status', 'beskrivelse'],
          properties: {
            status: { type: 'string', enum: ['FEILET'] },
            beskrivelse: { type: 'string', enum: [...POSTKASSE_FEILKODER], description: 'The reason code (the register\'s "Kodeverk for beskrivelse")' },
            melding: { type: 'string', description: "Grunnmur's explanation in English (not in the real answer)" },
          },
        },
      },
    },
  } as const;
}
