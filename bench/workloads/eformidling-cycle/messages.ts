/**
 * What both sides of `eformidling-cycle` send and what the servers announce: the 10 KB payload,
 * the arkivmelding SBD a sender creates, and the multipart body of `POST
 * /eformidling/api/messages/out/multipart` (the SBD part, then one file). Pure functions with no
 * import from `src/`, so the harness process loads none of the platform.
 *
 * @see Next Move REST docs, "Create and send a message with multipart/form-data"
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** Bytes of every message's payload (the one file of ours' message, the `bytea` of the peer's row): 10 KB. */
export const PAYLOAD_BYTES = 10 * 1024;

/**
 * The payload: random bytes, made once per process. Incompressible on purpose: ours deflates the
 * file into the ASiC-E and PostgreSQL would compress a compressible `bytea` in TOAST, so neither
 * side gets to store fewer bytes than the other.
 */
export const PAYLOAD: Buffer = randomBytes(PAYLOAD_BYTES);

/**
 * The file's name in ours' message and its MIME type: the arkivmelding's primary document
 * (`hoveddokument`), which validation requires to be `arkivmelding.xml`.
 */
export const FILE_NAME = 'arkivmelding.xml';
export const FILE_TYPE = 'application/xml';

/** `Content-Type` of a popped message (the integration point's). */
export const ASICE_MIME_TYPE = 'application/vnd.etsi.asic-e+zip';

/** Path of the peer's one-cycle endpoint. */
export const PEER_CYCLE_PATH = '/cycle';

/** Who sends what to whom (from ours' ELMA: a receiver registered for the process and document type). */
export interface SbdTemplate {
  /** Sender's organisasjonsnummer (the sender token's consumer). */
  sender: string;
  /** Receiver's organisasjonsnummer (the receiver token's consumer). */
  receiver: string;
  /** `documentIdentification.standard` (the arkivmelding document type). */
  standard: string;
  /** The ConversationId scope's `identifier` (the arkivmelding process). */
  process: string;
}

/** What ours announces (`announceListening` details). */
export interface OursDetails {
  /** The Next Move API's base path (`/eformidling/api`). */
  basePath: string;
  /** Maskinporten access tokens (`eformidling:integrasjonspunkt`, 6 h) of the sender and the receiver. */
  tokens: { sender: string; receiver: string };
  sbd: SbdTemplate;
  /** Seconds the self-check cycle took (start-up, delivery job cold). */
  selfCheckSeconds: number;
  database: 'sqlite' | 'postgres';
}

/** What the peer announces. */
export interface PeerDetails {
  path: string;
  database: 'sqlite' | 'postgres';
}

/** An arkivmelding SBD (JSON) with a new `messageId` and `conversationId`, as a sender's archive system makes it. */
export function arkivmeldingSbd(t: SbdTemplate, messageId: string = randomUUID(), conversationId: string = randomUUID()): Record<string, unknown> {
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${t.sender}` } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${t.receiver}` } }],
      documentIdentification: { standard: t.standard, typeVersion: '1.0', instanceIdentifier: messageId, type: 'arkivmelding' },
      businessScope: { scope: [{ type: 'ConversationId', instanceIdentifier: conversationId, identifier: t.process }] },
    },
    arkivmelding: { sikkerhetsnivaa: '3', hoveddokument: FILE_NAME },
  };
}

/**
 * A `multipart/form-data` body: the `sbd` part (JSON) first, then the payload as the file
 * `arkivmelding.xml` (part name = the file's title). The payload is not copied: the body is three
 * buffers to be written in order.
 *
 * @returns the parts, their total length in bytes, and the `Content-Type` with the boundary
 */
export function multipartMessage(sbd: unknown, payload: Buffer = PAYLOAD): { parts: Buffer[]; length: number; contentType: string } {
  const boundary = `grunnmurbench${randomUUID().replaceAll('-', '')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name=sbd\r\nContent-Type: application/json;charset=UTF-8\r\n\r\n${JSON.stringify(sbd)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="Arkivmelding"; filename="${FILE_NAME}"\r\nContent-Type: ${FILE_TYPE}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { parts: [head, payload, tail], length: head.length + payload.length + tail.length, contentType: `multipart/form-data; boundary=${boundary}` };
}
