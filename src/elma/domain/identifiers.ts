/**
 * Identifiers of the SMP: participant, document type and process, and the eFormidling and DPI
 * values ELMA registers.
 *
 * Rules (Peppol Policy for use of Identifiers 4.x, "PFUOI"): an identifier is written
 * `<scheme>::<value>`; participant schemes and values compare case-insensitively (stored and
 * compared lower-cased), document-type and process values case-sensitively. Length limits:
 * participant value 50, document-type value 500, process value 200 characters.
 *
 * @see specs/eformidling-elma-einnsyn.md §1.2 (processes, document types), §2 (ELMA/SMP)
 * @see https://docs.peppol.eu/edelivery/policies/PEPPOL-EDN-Policy-for-use-of-identifiers-4.3.0-2024-10-23.pdf
 */
import { elmaError } from '../errors.ts';

/** Participant identifier scheme of Peppol and ELMA (ISO 6523 ICD + identifier). */
export const PARTICIPANT_SCHEME = 'iso6523-actorid-upis';
/** ISO 6523 ICD of the Norwegian organisasjonsnummer (replaced 9908 in ELMA, spec §2). */
export const ICD_ORGNR = '0192';
/** Document-type identifier scheme (Peppol "QName + sub-type"): the one used here for every document type. */
export const DOCUMENT_SCHEME = 'busdox-docid-qns';
/** Process identifier scheme (Peppol's, the one vefa-peppol's lookup client defaults to). */
export const PROCESS_SCHEME = 'cenbii-procid-ubl';

/** Longest participant identifier value (PFUOI). */
export const MAX_PARTICIPANT_VALUE_LENGTH = 50;
/** Longest document-type identifier value (PFUOI). */
export const MAX_DOCUMENT_VALUE_LENGTH = 500;
/** Longest process identifier value (PFUOI). */
export const MAX_PROCESS_VALUE_LENGTH = 200;

/** Transport profile of DPO (eFormidling between agencies, carried on Altinn), production and staging (spec §2). */
export const TRANSPORT_BDXR_ALTINN = 'bdxr-transport-altinn';
/** Transport profile of Peppol AS4 (the DPI mailbox providers' access points). */
export const TRANSPORT_PEPPOL_AS4 = 'peppol-transport-as4-v2_0';

/** An identifier with its scheme. */
export interface SchemedIdentifier {
  scheme: string;
  value: string;
}

/** eFormidling document types (spec §1.2, `message.md`). */
export const EFORMIDLING_DOCUMENT_TYPES = {
  arkivmelding: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
  arkivmelding_kvittering: 'urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering',
  innsynskrav: 'urn:no:difi:einnsyn:xsd::innsynskrav',
  publisering: 'urn:no:difi:einnsyn:xsd::publisering',
  einnsyn_kvittering: 'urn:no:difi:einnsyn:xsd::einnsyn_kvittering',
} as const;

/** The ten arkivmelding sectors of `urn:no:difi:profile:arkivmelding:<sector>:ver1.0` (spec §1.2). */
export const ARKIVMELDING_SECTORS = [
  'administrasjon',
  'planByggOgGeodata',
  'helseSosialOgOmsorg',
  'oppvekstOgUtdanning',
  'kulturIdrettOgFritid',
  'trafikkReiserOgSamferdsel',
  'naturOgMiljoe',
  'naeringsutvikling',
  'skatterOgAvgifter',
  'tekniskeTjenester',
] as const;

/** One arkivmelding sector. */
export type ArkivmeldingSector = (typeof ARKIVMELDING_SECTORS)[number];

/** The arkivmelding process of a sector. */
export function arkivmeldingProcess(sector: ArkivmeldingSector): string {
  return `urn:no:difi:profile:arkivmelding:${sector}:ver1.0`;
}

/** eFormidling processes other than the arkivmelding sectors (spec §1.2). */
export const EFORMIDLING_PROCESSES = {
  arkivmeldingResponse: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
  innsynskrav: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0',
  einnsynJournalpost: 'urn:no:difi:profile:einnsyn:journalpost:ver1.0',
  einnsynMeeting: 'urn:no:difi:profile:einnsyn:meeting:ver1.0',
  einnsynResponse: 'urn:no:difi:profile:einnsyn:response:ver1.0',
} as const;

/**
 * DPI (Digital postkasse til innbyggere, the Peppol-based "innbyggerpost" of 2020) document
 * types and processes, as in Digdir's examples (`resources/begrep/sikkerDigitalPost/nyinf/eksempler`).
 */
export const DPI_IDENTIFIERS = {
  digitalDocument: 'urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:digital::1.0',
  utskriftDocument: 'urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:utskrift::1.0',
  digitalProcess: 'urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:digital:ver1.0',
  utskriftProcess: 'urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:utskrift:ver1.0',
} as const;

/** Printable US-ASCII without space: what identifier schemes and values here may hold. */
const IDENTIFIER_CHARS = /^[\x21-\x7e]+$/;

/**
 * Splits `<scheme>::<value>` at the first `::`.
 *
 * @returns null when there is no `::`, or the scheme or value is empty
 */
export function splitIdentifier(text: string): SchemedIdentifier | null {
  const at = text.indexOf('::');
  if (at <= 0 || at + 2 >= text.length) return null;
  return { scheme: text.slice(0, at), value: text.slice(at + 2) };
}

/** The participant identifier of an organisasjonsnummer: `{scheme: iso6523-actorid-upis, value: 0192:<orgnr>}`. */
export function participantOfOrgnr(orgnr: string): SchemedIdentifier {
  return { scheme: PARTICIPANT_SCHEME, value: `${ICD_ORGNR}:${orgnr}` };
}

/** The lower-cased `<scheme>::<value>` key a participant is stored and compared under (PFUOI: case-insensitive). */
export function participantKey(id: SchemedIdentifier): string {
  return `${id.scheme}::${id.value}`.toLowerCase();
}

/**
 * Parses a participant identifier from an SMP path segment (already percent-decoded).
 *
 * @returns the identifier, lower-cased (participants compare case-insensitively)
 * @throws AppError `ELMA_INVALID_PARTICIPANT_IDENTIFIER` (400) when it is not `<scheme>::<value>`
 *   of printable ASCII
 */
export function parseParticipantIdentifier(text: string): SchemedIdentifier {
  const id = splitIdentifier(text);
  if (!id || !IDENTIFIER_CHARS.test(text)) {
    throw elmaError('ELMA_INVALID_PARTICIPANT_IDENTIFIER', 'A participant identifier is written <scheme>::<value>, e.g. iso6523-actorid-upis::0192:991825827');
  }
  return { scheme: id.scheme.toLowerCase(), value: id.value.toLowerCase() };
}

/**
 * Parses a document-type identifier from an SMP path segment (already percent-decoded).
 * The scheme is compared case-insensitively (lower-cased); the value is kept as written.
 *
 * @throws AppError `ELMA_INVALID_DOCUMENT_IDENTIFIER` (400) when it is not `<scheme>::<value>`
 *   of printable ASCII
 */
export function parseDocumentIdentifier(text: string): SchemedIdentifier {
  const id = splitIdentifier(text);
  if (!id || !IDENTIFIER_CHARS.test(text)) {
    throw elmaError('ELMA_INVALID_DOCUMENT_IDENTIFIER', `A document identifier is written <scheme>::<value>, e.g. ${DOCUMENT_SCHEME}::${EFORMIDLING_DOCUMENT_TYPES.arkivmelding}`);
  }
  return { scheme: id.scheme.toLowerCase(), value: id.value };
}

/**
 * Checks an identifier value from a request body: printable ASCII without spaces, at most `max`
 * characters.
 *
 * @returns a problem in words, or null when the value is fine
 */
export function identifierValueProblem(value: string, max: number): string | null {
  if (value.length === 0) return 'is empty';
  if (value.length > max) return `is longer than ${max} characters`;
  if (!IDENTIFIER_CHARS.test(value)) return 'may hold only printable US-ASCII characters without spaces';
  return null;
}
