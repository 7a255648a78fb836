/**
 * Row types of the eFormidling component's tables (see `migrations.ts`). Times are epoch
 * milliseconds; JSON is text; binary is a blob (bytea on PostgreSQL).
 */
import type { Kysely } from 'kysely';

/** `OUTGOING` (the sender's copy) or `INCOMING` (the receiver's queue). */
export type Direction = 'OUTGOING' | 'INCOMING';

/**
 * The state of a message row:
 * - outgoing: `DRAFT` (created, files may be attached) → `SENDING` (send accepted, a job delivers
 *   it) → `SENT` (in the receiver's queue) → `DONE` (the receiver took it); or `EXPIRED` (its
 *   time-to-live passed before delivery);
 * - incoming: `QUEUED` (in the receiver's queue; `lock_until` set by peek) → `DELIVERED`
 *   (deleted by the receiver).
 */
export type MessageState = 'DRAFT' | 'SENDING' | 'SENT' | 'DONE' | 'QUEUED' | 'DELIVERED' | 'EXPIRED';

/** One row of `eformidling_messages`: one side (outgoing or incoming) of one message. */
export interface MessageRow {
  /** Surrogate id: the conversation's `id` in the Next Move API. */
  id: number;
  /** `documentIdentification.instanceIdentifier` (UUID, lower case). */
  message_id: string;
  direction: Direction;
  /** The tenant: the sender's orgnr for outgoing, the receiver's orgnr for incoming. */
  orgnr: string;
  conversation_id: string;
  /** Sender identifier as in the SBD (`0192:<orgnr>`). */
  sender_identifier: string;
  /** Receiver identifier as in the SBD (`0192:<orgnr>` or a personidentifikator). */
  receiver_identifier: string;
  process_identifier: string;
  /** `documentIdentification.standard`. */
  document_type: string;
  /** `documentIdentification.type` (business-message name). */
  message_type: string;
  /** `DPO`, `DPI`, … */
  service_identifier: string;
  /** The SBD, JSON. */
  sbd: string;
  state: MessageState;
  /** Incoming: locked by a peek until then (epoch ms); null: not locked. */
  lock_until: number | null;
  /** Time-to-live end (from `expectedResponseDateTime`, default 24 h after creation). */
  expires_at: number;
  /** The latest status recorded (null before the first). */
  latest_status: string | null;
  /** 1 once the conversation is finished (`LEVERT`, `LEST`, `FEIL`, `LEVETID_UTLOPT`, `INNKOMMENDE_LEVERT`). */
  finished: number;
  /** Incoming: size of the ASiC-E in bytes. */
  asic_size: number | null;
  created_at: number;
  last_update: number;
}

/** One row of `eformidling_files`: a file attached to an outgoing message. */
export interface FileRow {
  message_id: string;
  /** Order of attachment, from 0. */
  position: number;
  filename: string;
  mime_type: string;
  /** `?title=` of the upload; null when none. */
  title: string | null;
  size: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
  created_at: number;
}

/** One row of `eformidling_file_chunks`: up to 1 MiB of a file's bytes. */
export interface FileChunkRow {
  message_id: string;
  position: number;
  chunk_no: number;
  data: Uint8Array;
}

/** One row of `eformidling_asic_chunks`: up to 1 MiB of an incoming message's ASiC-E. */
export interface AsicChunkRow {
  message_id: string;
  chunk_no: number;
  data: Uint8Array;
}

/** One row of `eformidling_statuses`: a status of one side of a message. */
export interface StatusRow {
  /** Increasing id; `/statuses` sorts by it. */
  id: number;
  message_id: string;
  direction: Direction;
  orgnr: string;
  conversation_id: string;
  status: string;
  description: string | null;
  last_update: number;
  /** 1 while the status waits in the tenant's status queue (`/statuses/peek`). */
  queued: number;
}

/** One row of `eformidling_subscriptions`: a webhook subscription of a tenant. */
export interface SubscriptionRow {
  id: number;
  orgnr: string;
  name: string;
  push_endpoint: string;
  /** `all`, `messages`. */
  resource: string;
  /** `all`, `status`. */
  event: string;
  /** Filter expression, or null. */
  filter: string | null;
  created_at: number;
}

/** One row of `eformidling_certificates`: the enterprise certificate a tenant signs ASiC-E with. */
export interface CertificateRow {
  orgnr: string;
  certificate_pem: string;
  /** PKCS#8 PEM, unencrypted (as the test CA keeps its keys). */
  private_key_pem: string;
  not_after_at: number;
  created_at: number;
}

/**
 * One row of `eformidling_dpi_clients`: the Maskinporten client (`client_id`) through which a
 * tenant's hosted integration point gets `digitalpostinnbygger:send` tokens for DPI.
 */
export interface DpiClientRow {
  orgnr: string;
  client_id: string;
  created_at: number;
}

/** The eFormidling tables. */
export interface EformidlingTables {
  eformidling_messages: MessageRow;
  eformidling_files: FileRow;
  eformidling_file_chunks: FileChunkRow;
  eformidling_asic_chunks: AsicChunkRow;
  eformidling_statuses: StatusRow;
  eformidling_subscriptions: SubscriptionRow;
  eformidling_certificates: CertificateRow;
  eformidling_dpi_clients: DpiClientRow;
}

/** Kysely over the eFormidling tables. */
export type EformidlingDb = Kysely<EformidlingTables>;
