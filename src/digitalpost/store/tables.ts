/**
 * Row types of the Digital postkasse component's tables (all prefixed `digitalpost_`). Times are
 * epoch milliseconds; flags are 0/1; JSON is text; binary is a Buffer.
 *
 * Three roles share these tables, as in the real four-corner model (spec `krr-dpi-esign.md` §2):
 * - **corner 2** (the DPI access point senders talk to): `digitalpost_messages`, their packages
 *   and their transport statuses, and the receipts waiting for each sender (`digitalpost_receipts`);
 * - **corner 3/4** (the mailbox providers and the print provider, each a tenant with its own
 *   keys): `digitalpost_provider_keys`, the filed letters (`digitalpost_letters`,
 *   `digitalpost_documents`), notifications and print jobs.
 */
import type { Kysely } from 'kysely';

/** A provider's decryption key and its certificate (one row per certificate; old ones stay). */
export interface ProviderKeyRow {
  /** The provider's organisasjonsnummer. */
  orgnr: string;
  /** Certificate serial number, hex, lower case (matches the CMS RecipientInfo's serial). */
  serial: string;
  certificate_pem: string;
  private_key_pem: string;
  not_after_at: number;
  created_at: number;
}

/** Corner-2 transport status of a message (`GET /messages/out/{messageId}/statuses`). */
export type TransportStatus = 'OPPRETTET' | 'SENDT' | 'FEILET';

/** Processing state of a message at the receiving provider. */
export type MessageState = 'MOTTATT' | 'BEHANDLET' | 'FEILET';

/** A DPI message (`digital` or `utskrift`) a sender submitted to corner 2. */
export interface MessageRow {
  /** `documentIdentification.instanceIdentifier` of the SBD (lower-case UUID). */
  message_id: string;
  conversation_id: string;
  /** `digital` or `utskrift`. */
  type: 'digital' | 'utskrift';
  /** Sender orgnr: `avsender.virksomhetsidentifikator` (the JWS signer's org). */
  sender_orgnr: string;
  /** Orgnr of the Maskinporten token's `consumer` that submitted it. */
  consumer_orgnr: string;
  /** Receiver provider orgnr (SBD receiver, `0192:<orgnr>`). */
  receiver_orgnr: string;
  /** `avsender.avsenderidentifikator`, when given. */
  avsenderidentifikator: string | null;
  /** The `kanal` query parameter given at submit, when given. */
  kanal: string | null;
  /** The signed SBD (compact JWS) exactly as submitted. */
  forretningsmelding: string;
  /** The CMS-encrypted ASiC-E (DER), as submitted. */
  dokumentpakke: Buffer;
  state: MessageState;
  /** eFormidling's message id when the hosted integration point sent it, else null. */
  eformidling_message_id: string | null;
  created_at: number;
  updated_at: number;
}

/** One transport status of a message (append-only; unique per message and status). */
export interface MessageStatusRow {
  message_id: string;
  status: TransportStatus;
  beskrivelse: string | null;
  timestamp: number;
}

/** A receipt (kvittering or feil) waiting for the original sender (`GET /messages/in`). */
export interface ReceiptRow {
  /** The receipt SBD's own instanceIdentifier (lower-case UUID). */
  message_id: string;
  /** The message the receipt is about. */
  ref_message_id: string;
  conversation_id: string;
  /** Orgnr the receipt is for (the original sender). */
  receiver_orgnr: string;
  /** Orgnr of the provider that issued it. */
  issuer_orgnr: string;
  /** `leveringskvittering`, `aapningskvittering`, `varslingfeiletkvittering`, `mottakskvittering`, `returpostkvittering` or `feil`. */
  type: string;
  avsenderidentifikator: string | null;
  kanal: string | null;
  /** The signed receipt SBD (compact JWS, signed by the provider). */
  forretningsmelding: string;
  /** 1 once the sender marked it read (`POST /messages/in/{id}/read`). */
  read: number;
  created_at: number;
}

/** A letter filed in a citizen's digital mailbox by a mailbox provider. */
export interface LetterRow {
  /** Our id of the letter (UUID), used in page URLs. */
  id: string;
  /** The DPI message it came from (unique: a message is filed once). */
  message_id: string;
  conversation_id: string;
  provider_orgnr: string;
  postkasseadresse: string;
  personidentifikator: string;
  sender_orgnr: string;
  sender_name: string;
  avsenderidentifikator: string | null;
  ikkesensitivtittel: string;
  spraak: string;
  /** 3 or 4: the ID-porten level (substantial/high) needed to open it. */
  sikkerhetsnivaa: number;
  /** Hidden from the mailbox before this time (ms). */
  visible_from: number;
  /** 1 when the sender asked for an opening receipt. */
  aapningskvittering: number;
  /** First opening, or null. */
  opened_at: number | null;
  /** JSON of the message's `varsler`, or null. */
  varsler: string | null;
  created_at: number;
}

/** A document of a filed letter (decrypted; the manifest's order, main document first). */
export interface DocumentRow {
  letter_id: string;
  position: number;
  filename: string;
  mime_type: string;
  tittel: string | null;
  hoveddokument: number;
  content: Buffer;
  size: number;
}

/** One notification to send (e-mail or SMS) for a letter, on one repetition day. */
export interface NotificationRow {
  id: string;
  letter_id: string;
  kanal: 'epost' | 'sms';
  /** Address (e-mail) or number (mobile); null when none is known (fails with varslingfeilet). */
  address: string | null;
  text: string;
  /** Day offset from `visible_from` (0 = the day the letter becomes visible). */
  repetisjon: number;
  due_at: number;
  state: 'VENTER' | 'SENDT' | 'FEILET' | 'AVBRUTT';
  outbox_id: string | null;
  beskrivelse: string | null;
  updated_at: number;
}

/** A letter the print provider has taken (an `utskrift` message), with its rendered PDF. */
export interface PrintJobRow {
  message_id: string;
  conversation_id: string;
  sender_orgnr: string;
  /** JSON of `mottaker` (the postal address). */
  mottaker: string;
  /** JSON of `retur`. */
  retur: string;
  utskriftstype: string;
  posttype: string | null;
  /** The printable PDF (address block page + documents). */
  pdf: Buffer;
  pages: number;
  state: 'MOTTATT' | 'POSTLAGT' | 'RETURNERT';
  created_at: number;
  updated_at: number;
}

/** All tables of the component. */
export interface DigitalpostTables {
  digitalpost_provider_keys: ProviderKeyRow;
  digitalpost_messages: MessageRow;
  digitalpost_message_statuses: MessageStatusRow;
  digitalpost_receipts: ReceiptRow;
  digitalpost_letters: LetterRow;
  digitalpost_documents: DocumentRow;
  digitalpost_notifications: NotificationRow;
  digitalpost_print_jobs: PrintJobRow;
}

export type DigitalpostDb = Kysely<DigitalpostTables>;
