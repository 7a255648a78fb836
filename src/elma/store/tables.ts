/**
 * Row types of the ELMA component's tables (see `migrations.ts`). Times are epoch milliseconds.
 */
import type { Kysely } from 'kysely';

/** One row of `elma_participants`: a registered participant. */
export interface ElmaParticipantRow {
  /** Lower-cased `<scheme>::<value>`, e.g. `iso6523-actorid-upis::0192:991825827`. */
  participant_key: string;
  /** Participant identifier scheme, lower-cased. */
  scheme: string;
  /** Participant identifier value, lower-cased (`0192:<orgnr>`). */
  value: string;
  /** The organisasjonsnummer. */
  orgnr: string;
  /** The access-point provider that registered the participant (the write token's consumer). */
  registered_by: string;
  /** Grows by one on every change; signed documents are cached per version. */
  version: number;
  created_at: number;
  updated_at: number;
}

/** One row of `elma_documents`: a document type a participant receives. */
export interface ElmaDocumentRow {
  participant_key: string;
  /** Document identifier scheme, lower-cased (`busdox-docid-qns`). */
  document_scheme: string;
  /** Document identifier value, case kept. */
  document_value: string;
  /** Order of the document type in the participant's registration. */
  position: number;
  /** The processes and their endpoints, JSON of `ElmaProcess[]` (see `wire-types.ts`). */
  processes: string;
}

/** The single row of `elma_signing_certificate`: the certificate and key ELMA signs ServiceMetadata with. */
export interface ElmaSigningCertificateRow {
  /** Always `smp`. */
  id: string;
  /** PEM. */
  certificate_pem: string;
  /** PKCS#8 PEM, unencrypted (like the test CA's keys in `platform_pki_cas`). */
  private_key_pem: string;
  serial_number: string;
  not_after_at: number;
  created_at: number;
}

/** The single row of `elma_seed_state`: when the seeded participants were registered. */
export interface ElmaSeedStateRow {
  id: number;
  completed_at: number;
}

/** The ELMA tables. */
export interface ElmaTables {
  elma_participants: ElmaParticipantRow;
  elma_documents: ElmaDocumentRow;
  elma_signing_certificate: ElmaSigningCertificateRow;
  elma_seed_state: ElmaSeedStateRow;
}

/** Kysely over the ELMA tables. */
export type ElmaDb = Kysely<ElmaTables>;
