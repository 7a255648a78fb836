/**
 * JSON schemas of the KRR API (request validation, response serialization, OpenAPI), with the
 * real service's field names.
 *
 * The list's length (1–1000) and the identifiers' validity are checked by the domain
 * (`KRR_LOOKUP_EMPTY`, `KRR_LOOKUP_TOO_MANY_IDS`, `KRR_INVALID_PERSONIDENTIFIKATOR`), not by the
 * schema, so those errors carry their own codes and name entries by position.
 */

const timestamp = { type: 'string', format: 'date-time', description: 'ISO 8601, UTC, milliseconds' } as const;
const jaNei = { type: 'string', enum: ['JA', 'NEI'] } as const;

/** `kontaktinformasjon`. */
export const kontaktinformasjonSchema = {
  type: 'object',
  properties: {
    epostadresse: { type: 'string' },
    epostadresse_oppdatert: timestamp,
    epostadresse_sist_verifisert: timestamp,
    epostadresse_sist_validert: { ...timestamp, description: 'Last confirmed with a one-time code sent to the address' },
    epostadresse_duplisert: { ...jaNei, description: 'JA: the same address is registered on other persons' },
    mobiltelefonnummer: { type: 'string' },
    mobiltelefonnummer_oppdatert: timestamp,
    mobiltelefonnummer_sist_verifisert: timestamp,
    mobiltelefonnummer_sist_validert: timestamp,
    mobiltelefonnummer_duplisert: jaNei,
  },
} as const;

/** One person of an answer; property order is the wire order. */
export const personSchema = {
  type: 'object',
  required: ['personidentifikator', 'status'],
  properties: {
    personidentifikator: { type: 'string', description: 'Fødselsnummer or D-number' },
    reservasjon: { ...jaNei, description: 'Always returned for persons in the register, whatever the scopes' },
    reservasjonstidspunkt: { ...timestamp, description: 'When the person reserved; only when reservasjon is JA' },
    reservasjon_oppdatert: timestamp,
    status: { type: 'string', enum: ['AKTIV', 'SLETTET', 'IKKE_REGISTRERT'] },
    varslingsstatus: {
      type: 'string',
      enum: ['KAN_VARSLES', 'KAN_IKKE_VARSLES'],
      description: 'eForvaltningsforskriften §32 (18 months); scope krr:global/kontaktinformasjon.read',
    },
    kontaktinformasjon: { ...kontaktinformasjonSchema, description: 'Scope krr:global/kontaktinformasjon.read; AKTIV persons only' },
    digital_post: {
      type: 'object',
      description: 'Scope krr:global/digitalpost.read; AKTIV persons with a mailbox',
      properties: { postkasseadresse: { type: 'string' }, postkasseleverandoeradresse: { type: 'string' } },
    },
    sertifikat: { type: 'string', description: "The mailbox provider's X.509 encryption certificate, base64 DER" },
    spraak: { type: 'string', enum: ['nb', 'nn', 'en', 'se'] },
    spraak_oppdatert: timestamp,
  },
} as const;

/** Body of the lookups. */
export const personerRequestSchema = {
  type: 'object',
  required: ['personidentifikatorer'],
  properties: {
    personidentifikatorer: {
      type: 'array',
      items: { type: 'string' },
      description: '1 to 1000 fødselsnumre or D-numbers; duplicates are answered once',
    },
  },
} as const;

/** Body of v2's lookup: v1's, plus `inkluderIkkeRegistrerte`. */
export const personerV2RequestSchema = {
  type: 'object',
  required: ['personidentifikatorer'],
  properties: {
    ...personerRequestSchema.properties,
    inkluderIkkeRegistrerte: { type: 'boolean', description: 'true: persons not in the register are answered as IKKE_REGISTRERT; false (default): left out' },
  },
} as const;

/** Answer of the lookups. */
export const personerResponseSchema = {
  type: 'object',
  required: ['personer'],
  properties: { personer: { type: 'array', items: personSchema } },
} as const;

/** Answer of `printSertifikat`. */
export const printSertifikatResponseSchema = {
  type: 'object',
  required: ['postkasseleverandoerAdresse', 'x509Sertifikat'],
  properties: {
    postkasseleverandoerAdresse: { type: 'string', description: "The print provider's organisasjonsnummer" },
    x509Sertifikat: { type: 'string', description: "The print provider's X.509 encryption certificate, base64 DER" },
  },
} as const;
