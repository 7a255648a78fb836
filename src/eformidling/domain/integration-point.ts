/**
 * The hosted integration point: outgoing messages (create, attach, send), delivery into the
 * receiver's queue as a signed ASiC-E, the receiver's queue (peek, pop, delete), statuses and
 * time-to-live. Every tenant is the organisation of its Maskinporten token.
 *
 * Durability: every status is stored (in the same transaction as the change it records) before
 * the request that caused it is answered; delivery runs as a platform job (`eformidling.send`,
 * at least once) whose effect is one transaction guarded by the message's state, so a re-run
 * after a crash delivers nothing twice.
 *
 * @see specs/eformidling-elma-einnsyn.md §1; README.md in this folder
 */
import { createHash } from 'node:crypto';
import { PermanentJobError, type Job } from '../../platform/jobs/job-queue.ts';
import type { Platform } from '../../platform/platform.ts';
import { acceptMessage, findDpiMessageOrigin, findReceipt, markReceiptRead, unreadReceiptsAbout } from '../../digitalpost/index.ts';
import { verifySbd } from '../../digitalpost/crypto/index.ts';
import { AppError } from '../../platform/errors.ts';
import { streamAsice, type AsicSource } from '../asic/asice.ts';
import { eformidlingError } from '../errors.ts';
import {
  claimIncoming,
  deleteFileData,
  eformidlingDb,
  findMessage,
  findMessageSide,
  insertMessageIfAbsent,
  lockMessageRow,
  readAsicChunks,
  readFileChunks,
  recordStatus,
  type EformidlingTrx,
} from '../store/eformidling-store.ts';
import type { FileRow, MessageRow, StatusRow } from '../store/tables.ts';
import { validateSbd, type ValidatedSbd } from '../validation/index.ts';
import { routeMessage, type Caller } from './routing.ts';
import { buildDpiShipment, type DpiFile } from './dpi-sender.ts';
import { CORNER2_RECEIVED, CORNER3_RECEIVED, dpiReceiptStatus } from './dpi-receipts.ts';
import { DpiTokenSource } from './dpi-token.ts';
import { signerOf } from './signing-certificates.ts';
import { FINISHING_STATUSES, STATUS_DESCRIPTIONS, type MessageStatus } from './statuses.ts';
import { enqueueWebhooks, SubscriptionCache } from './webhooks.ts';
import { osloDateTime } from './wire.ts';

/**
 * The usage counter of sent messages: component `eformidling`, event `message`, counted once
 * per message in the transaction of `sendMessage` (the statistics page's "eFormidling messages").
 */
export const MESSAGE_STATS_EVENT = 'message';
/** Job queue of DPO delivery. */
export const SEND_QUEUE = 'eformidling.send';
/** Job queue of DPI messages: handed to Digital postkasse's corner 2 (`deliverDpi`). */
export const DPI_QUEUE = 'eformidling.dpi';
/** Recurring job that ends messages whose time-to-live passed. */
export const EXPIRY_QUEUE = 'eformidling.expire';
/** Largest multipart part (`MultipartFileToLargeException` above it): 5 MiB. */
export const MAX_MULTIPART_BYTES = 5 * 1024 * 1024;
/** Bytes per stored chunk of a file or an ASiC-E. */
export const CHUNK_BYTES = 1024 * 1024;
/**
 * An upload that wrote no chunk for this long is abandoned (its process died mid-PUT): its
 * reserved name is freed and a send ignores it (ms).
 */
export const UPLOAD_STALE_MS = 10 * 60_000;

/** Settings of the integration point (from config). */
export interface IntegrationPointOptions {
  /** How long a peek locks a message (ms). */
  lockTimeoutMs: number;
  /** Time-to-live when the SBD gives no `expectedResponseDateTime` (ms). */
  defaultTtlMs: number;
  /** Largest file a PUT may stream (bytes). */
  maxFileBytes: number;
  /**
   * Test seam: called at each step boundary of a send and a delete (see {@link DeliveryStep}),
   * so a test can kill the process exactly there. Production sets none; a test sets it with
   * `integrationPointOf(platform).options.checkpoint = …` before starting the job worker.
   */
  checkpoint?: (step: DeliveryStep) => void | Promise<void>;
}

/**
 * The step boundaries of a message's way through the integration point, in order. `…:in-transaction`
 * steps run inside the step's transaction, before it commits.
 */
export type DpoDeliveryStep =
  | 'send:in-transaction'
  | 'send:committed'
  | 'deliver:start'
  | 'deliver:sendt-recorded'
  | 'deliver:asic-built'
  | 'deliver:in-transaction'
  | 'deliver:committed'
  | 'delete:in-transaction'
  | 'delete:committed';

/** Every step boundary: DPO's, and DPI's hand-over to corner 2. */
export type DeliveryStep = DpoDeliveryStep | 'dpi:handed-over';

/** Every {@link DeliveryStep}, in order. */
export const DELIVERY_STEPS: readonly DpoDeliveryStep[] = [
  'send:in-transaction',
  'send:committed',
  'deliver:start',
  'deliver:sendt-recorded',
  'deliver:asic-built',
  'deliver:in-transaction',
  'deliver:committed',
  'delete:in-transaction',
  'delete:committed',
];

/** The step boundaries of a DPI message's hand-over (`deliverDpi`), after `send:committed`. */
export const DPI_STEPS: readonly DeliveryStep[] = ['dpi:handed-over'];

/** A file as it is attached. */
export interface FileUpload {
  filename: string;
  mimeType: string;
  title: string | null;
}

const RESERVED = /^(mimetype|manifest\.xml)$/i;

/**
 * Checks a file name for the ASiC-E: 1–255 characters, no path, no control, invisible or
 * text-direction characters, no trailing space or dot (Windows drops them), not a name the
 * container uses itself.
 *
 * @throws AppError `EFORMIDLING_INVALID_FILENAME` (400)
 */
export function checkFilename(filename: string): string {
  const problem =
    filename.length === 0
      ? 'is empty'
      : filename.length > 255
        ? 'is longer than 255 characters'
        : /[\\/]/.test(filename) || filename === '.' || filename === '..'
          ? 'must be a plain file name, not a path'
          : /[\x00-\x1f\x7f]/.test(filename)
            ? 'has control characters'
            : /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(filename)
              ? 'has invisible or text-direction characters'
              : /[ .]$/.test(filename)
                ? 'ends with a space or a dot'
                : RESERVED.test(filename) || filename.toUpperCase().startsWith('META-INF')
                  ? 'is a name the ASiC-E container uses itself'
                  : null;
  if (problem) throw eformidlingError('EFORMIDLING_INVALID_FILENAME', `The filename ${problem}`);
  return filename;
}

/**
 * The form two file names are compared in: NFC and lower case, so names that would be one file
 * on a case-insensitive or normalising file system (Windows, macOS) count as duplicates.
 */
export function filenameKey(filename: string): string {
  return filename.normalize('NFC').toLowerCase();
}

/** The business message's primary document, when it names one. */
function primaryDocument(sbd: Record<string, unknown>, type: string): string | undefined {
  const business = sbd[type] as Record<string, unknown> | undefined;
  return typeof business?.hoveddokument === 'string' ? business.hoveddokument : undefined;
}

/** Where the ConversationId scope's `expectedResponseDateTime` is set (filled in when missing). */
function withExpiry(sbd: Record<string, any>, expiresAt: number, messageId: string, conversationId: string): Record<string, any> {
  const header = sbd.standardBusinessDocumentHeader;
  // UUIDs are stored, looked up and answered in lower case everywhere (RFC 4122 §3: output in
  // lower case, input case-insensitive), the SBD included, so one id is one string.
  header.documentIdentification.instanceIdentifier = messageId;
  const scopes = header.businessScope.scope as Array<Record<string, any>>;
  const conversation = scopes.find((s) => s.type === 'ConversationId');
  if (conversation) {
    conversation.instanceIdentifier = conversationId;
    const info = (conversation.scopeInformation ??= []) as Array<Record<string, unknown>>;
    if (info.length === 0) info.push({});
    if (info[0]!.expectedResponseDateTime === undefined) info[0]!.expectedResponseDateTime = osloDateTime(expiresAt);
  }
  return sbd;
}

/** The integration point of one platform (one per process). */
export class IntegrationPoint {
  readonly #platform: Platform;
  readonly #options: IntegrationPointOptions;
  readonly #subscriptions = new SubscriptionCache();
  readonly #dpiTokens: DpiTokenSource;

  constructor(platform: Platform, options: IntegrationPointOptions) {
    this.#platform = platform;
    this.#options = options;
    this.#dpiTokens = new DpiTokenSource(platform);
  }

  /** The webhook subscriptions seen by this process (routes invalidate it on change). */
  get subscriptions(): SubscriptionCache {
    return this.#subscriptions;
  }

  get options(): IntegrationPointOptions {
    return this.#options;
  }

  async #checkpoint(step: DeliveryStep): Promise<void> {
    if (this.#options.checkpoint) await this.#options.checkpoint(step);
  }

  /** Records a status and enqueues its webhooks, inside the caller's transaction. */
  async #status(trx: EformidlingTrx, side: MessageRow, status: MessageStatus, now: number, description = STATUS_DESCRIPTIONS[status]): Promise<StatusRow | null> {
    const row = await recordStatus(trx, side, status, description, now, FINISHING_STATUSES.has(status), this.#platform.db.engine);
    if (row) await enqueueWebhooks(trx, this.#platform.jobs, side, row, await this.#subscriptions.of(trx, side.orgnr));
    return row;
  }

  /**
   * `POST /api/messages/out`: validates the SBD, checks the sender is the caller and routes it.
   * The message is stored as a draft (files may be attached; nothing is sent yet).
   *
   * @returns the stored SBD (`creationDateAndTime` and `expectedResponseDateTime` filled in)
   * @throws AppError validation's codes (400), `EFORMIDLING_SENDER_NOT_CALLER` (403), routing's
   *   codes (400), `EFORMIDLING_TIME_TO_LIVE_EXCEEDED` (400), `EFORMIDLING_MESSAGE_ALREADY_EXISTS` (400)
   */
  async createMessage(caller: Caller, input: unknown, now = Date.now()): Promise<{ sbd: Record<string, unknown>; row: MessageRow }> {
    const v = validateSbd(input, { now: new Date(now) });
    return this.#create(caller, v, now);
  }

  async #create(caller: Caller, v: ValidatedSbd, now: number): Promise<{ sbd: Record<string, unknown>; row: MessageRow }> {
    if (v.sender.orgnr !== caller.orgnr) {
      throw eformidlingError('EFORMIDLING_SENDER_NOT_CALLER', `The sender ${v.sender.value} is not the organisation of the token (0192:${caller.orgnr})`);
    }
    const expiresAt = v.expectedResponseDateTime ? v.expectedResponseDateTime.getTime() : now + this.#options.defaultTtlMs;
    if (expiresAt <= now) {
      throw eformidlingError('EFORMIDLING_TIME_TO_LIVE_EXCEEDED', `ExpectedResponseDateTime ${osloDateTime(expiresAt)} has been exceeded. Please resend the message`);
    }
    const k = eformidlingDb(this.#platform.db);
    // Stored in lower case, as every lookup by id compares (a UUID is the same in either case).
    const messageId = v.messageId.toLowerCase();
    if (await findMessageSide(k, 'OUTGOING', messageId)) throw alreadyExists(v.messageId);
    const route = await routeMessage(this.#platform, caller, { receiver: v.receiver.value, process: v.process, standard: v.standard }, now);
    if (route.serviceIdentifier === 'DPI' && v.sender.onBehalfOf !== undefined) {
      // Corner 2 needs the sender, the JWS signer and the token's consumer to be one organisation;
      // sending for another (a Maskinporten delegation) is not built, so it is refused up front
      // rather than sent in the data processor's own name.
      throw eformidlingError(
        'EFORMIDLING_SERVICE_NOT_ENABLED',
        `DPI on behalf of another organisation (${v.sender.value}) is not offered by this integration point yet; send as 0192:${v.sender.orgnr}`,
      );
    }
    const sbd = withExpiry(structuredClone(v.sbd), expiresAt, messageId, v.conversationId.toLowerCase());
    const row: Omit<MessageRow, 'id'> = {
      message_id: messageId,
      direction: 'OUTGOING',
      orgnr: caller.orgnr,
      conversation_id: v.conversationId.toLowerCase(),
      sender_identifier: v.sender.value,
      receiver_identifier: v.receiver.value,
      process_identifier: v.process,
      document_type: v.standard,
      message_type: v.type,
      service_identifier: route.serviceIdentifier,
      sbd: JSON.stringify(sbd),
      state: 'DRAFT',
      lock_until: null,
      expires_at: expiresAt,
      latest_status: null,
      finished: 0,
      asic_size: null,
      created_at: now,
      last_update: now,
    };
    const id = await insertMessageIfAbsent(k, row);
    if (id === null) throw alreadyExists(v.messageId);
    return { sbd, row: { ...row, id } };
  }

  /** An outgoing message of the caller, or 404. */
  async outgoing(caller: Caller, messageId: string): Promise<MessageRow> {
    const row = await findMessage(eformidlingDb(this.#platform.db), 'OUTGOING', caller.orgnr, messageId.toLowerCase());
    if (!row) throw notFound(messageId);
    return row;
  }

  /**
   * `PUT /api/messages/out/{messageId}`: stores a file of a draft, streamed in chunks of 1 MiB
   * (memory bounded), its SHA-256 computed on the way.
   *
   * @param body the file's bytes
   * @param maxBytes limit of this upload (5 MiB for multipart parts, `maxFileBytes` for PUT)
   * @throws AppError `EFORMIDLING_MESSAGE_NOT_FOUND` (404), `EFORMIDLING_MESSAGE_ALREADY_SENT`,
   *   `EFORMIDLING_INVALID_FILENAME`, `EFORMIDLING_DUPLICATE_FILENAME`,
   *   `EFORMIDLING_MULTIPART_FILE_TOO_LARGE` (400), `EFORMIDLING_FILE_TOO_LARGE` (413);
   *   after any failure nothing of the file is kept
   */
  async attachFile(caller: Caller, messageId: string, file: FileUpload, body: AsyncIterable<Uint8Array>, maxBytes: number, multipart: boolean, now = Date.now()): Promise<void> {
    checkFilename(file.filename);
    const message = await this.outgoing(caller, messageId);
    if (message.state !== 'DRAFT') throw alreadySent(message.message_id);
    const k = eformidlingDb(this.#platform.db);
    // Reserve the name and a position (size -1 = upload in progress); the unique keys settle races.
    const position = await k.transaction().execute(async (trx) => {
      let files = await trx.selectFrom('eformidling_files').select(['position', 'filename', 'size', 'created_at']).where('message_id', '=', message.message_id).execute();
      const abandoned = files.filter((f) => filenameKey(f.filename) === filenameKey(file.filename) && Number(f.size) < 0 && Number(f.created_at) < now - UPLOAD_STALE_MS);
      for (const f of abandoned) await deleteUpload(trx, message.message_id, Number(f.position));
      files = files.filter((f) => !abandoned.includes(f));
      if (files.some((f) => filenameKey(f.filename) === filenameKey(file.filename))) throw duplicate(file.filename);
      const next = files.reduce((max, f) => Math.max(max, Number(f.position) + 1), 0);
      const row: FileRow = { message_id: message.message_id, position: next, filename: file.filename, mime_type: file.mimeType, title: file.title, size: -1, sha256: '', created_at: now };
      await trx.insertInto('eformidling_files').values(row).execute();
      return next;
    });
    const hash = createHash('sha256');
    let size = 0;
    let chunkNo = 0;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async (final: boolean) => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await k.insertInto('eformidling_file_chunks').values({ message_id: message.message_id, position, chunk_no: chunkNo++, data }).execute();
      // `created_at` of an upload in progress is its last progress (see UPLOAD_STALE_MS).
      if (!final) await k.updateTable('eformidling_files').set({ created_at: Date.now() }).where('message_id', '=', message.message_id).where('position', '=', position).where('size', '<', 0).execute();
    };
    try {
      for await (const part of body) {
        size += part.byteLength;
        if (size > maxBytes) {
          throw multipart
            ? eformidlingError(
                'EFORMIDLING_MULTIPART_FILE_TOO_LARGE',
                `The attachment named '${file.filename}' is too large. The maximum size for multipart requests is ${maxBytes} bytes. Please use the non-multipart API to avoid such problems.`,
              )
            : eformidlingError('EFORMIDLING_FILE_TOO_LARGE', `The attachment named '${file.filename}' is larger than ${maxBytes} bytes`);
        }
        hash.update(part);
        let offset = 0;
        while (offset < part.byteLength) {
          const take = Math.min(CHUNK_BYTES - pendingBytes, part.byteLength - offset);
          pending.push(part.subarray(offset, offset + take));
          pendingBytes += take;
          offset += take;
          if (pendingBytes === CHUNK_BYTES) await flush(false);
        }
      }
      await flush(true);
      // One guarded statement: a send refuses while this upload is in progress (size -1), so the
      // message cannot have left the draft state in between unless the upload was abandoned.
      const done = await k
        .updateTable('eformidling_files')
        .set({ size, sha256: hash.digest('hex') })
        .where('message_id', '=', message.message_id)
        .where('position', '=', position)
        .where(({ exists, selectFrom }) =>
          exists(selectFrom('eformidling_messages').select('id').where('message_id', '=', message.message_id).where('direction', '=', 'OUTGOING').where('state', '=', 'DRAFT')),
        )
        .executeTakeFirst()
        .then((r) => Number(r.numUpdatedRows) === 1);
      if (!done) throw alreadySent(message.message_id);
    } catch (error) {
      await k.transaction().execute((trx) => deleteUpload(trx, message.message_id, position));
      throw error;
    }
  }

  /**
   * `POST /api/messages/out/{messageId}`: sends a draft. In one transaction: the state moves to
   * sending, `OPPRETTET` is recorded, the delivery job is enqueued, and the message is counted
   * in the usage statistics (`eformidling`/`message`).
   *
   * @throws AppError `EFORMIDLING_MESSAGE_NOT_FOUND` (404), `EFORMIDLING_MESSAGE_ALREADY_SENT`,
   *   `EFORMIDLING_MISSING_FILE`, `EFORMIDLING_MISSING_PRIMARY_DOCUMENT`, `EFORMIDLING_MISSING_ARKIVMELDING`,
   *   `EFORMIDLING_TIME_TO_LIVE_EXCEEDED` (400; the message then ends as `LEVETID_UTLOPT`, stored)
   */
  async sendMessage(caller: Caller, messageId: string, now = Date.now()): Promise<void> {
    const { db, jobs } = this.#platform;
    const expired = await eformidlingDb(db).transaction().execute(async (trx) => {
      const row = await lockMessageRow(trx, db.engine, 'OUTGOING', messageId.toLowerCase());
      if (!row || row.orgnr !== caller.orgnr) throw notFound(messageId);
      if (row.state === 'EXPIRED') return Number(row.expires_at);
      if (row.state !== 'DRAFT') throw alreadySent(row.message_id);
      if (Number(row.expires_at) <= now) {
        // As the integration point's TimeToLiveHelper: the message ends as LEVETID_UTLOPT (the
        // sender sees why in its statuses) and the send is refused.
        await this.#expireInTransaction(trx, row, now);
        return Number(row.expires_at);
      }
      const files = await trx.selectFrom('eformidling_files').select(['filename', 'size', 'position', 'created_at']).where('message_id', '=', row.message_id).execute();
      const complete = files.filter((f) => Number(f.size) >= 0);
      const uploading = files.filter((f) => Number(f.size) < 0 && Number(f.created_at) >= now - UPLOAD_STALE_MS);
      if (uploading.length > 0) throw eformidlingError('EFORMIDLING_MISSING_FILE', `A file of this message is still being uploaded: ${uploading[0]!.filename}`);
      if (complete.length === 0) throw eformidlingError('EFORMIDLING_MISSING_FILE', 'There must always be at least one attachment');
      // Uploads abandoned by a process that died mid-PUT are not part of the message.
      for (const f of files) if (Number(f.size) < 0) await deleteUpload(trx, row.message_id, Number(f.position));
      const primary = primaryDocument(JSON.parse(row.sbd), row.message_type);
      if (primary !== undefined && !complete.some((f) => f.filename === primary)) {
        throw eformidlingError(
          'EFORMIDLING_MISSING_PRIMARY_DOCUMENT',
          'Missing a primary document. Please specify the hoveddokument property in the business message and verify that is equal to one of the filenames.',
        );
      }
      if (row.message_type === 'arkivmelding' && row.service_identifier === 'DPO' && !complete.some((f) => f.filename === 'arkivmelding.xml')) {
        throw eformidlingError('EFORMIDLING_MISSING_ARKIVMELDING', 'DPO message type requires arkivmelding.xml attachment');
      }
      await trx.updateTable('eformidling_messages').set({ state: 'SENDING', last_update: now }).where('id', '=', row.id).execute();
      await this.#status(trx, row, 'OPPRETTET', now);
      await jobs.enqueue(
        { queue: row.service_identifier === 'DPI' ? DPI_QUEUE : SEND_QUEUE, payload: { messageId: row.message_id }, idempotencyKey: `eformidling.send:${row.message_id}`, maxAttempts: 1000 },
        trx,
      );
      // Usage statistics (issue 8): one eFormidling message sent, counted in this transaction.
      await this.#platform.stats.increment('eformidling', MESSAGE_STATS_EVENT, 1, { executor: trx, at: now });
      await this.#checkpoint('send:in-transaction');
      return null;
    });
    if (expired !== null) {
      throw eformidlingError('EFORMIDLING_TIME_TO_LIVE_EXCEEDED', `ExpectedResponseDateTime ${osloDateTime(expired)} has been exceeded. Please resend the message`);
    }
    await this.#checkpoint('send:committed');
  }

  /**
   * `POST /api/messages/out/multipart`: create, attach each part (≤ 5 MiB), send. A failure at
   * any step deletes what was made.
   */
  async createAndSend(caller: Caller, sbd: unknown, parts: AsyncIterable<{ file: FileUpload; body: AsyncIterable<Uint8Array> }>, now = Date.now()): Promise<Record<string, unknown>> {
    const created = await this.createMessage(caller, sbd, now);
    try {
      for await (const part of parts) {
        await this.attachFile(caller, created.row.message_id, part.file, part.body, MAX_MULTIPART_BYTES, true, now);
      }
      await this.sendMessage(caller, created.row.message_id, now);
    } catch (error) {
      await this.#deleteDraft(created.row.message_id);
      throw error;
    }
    return created.sbd;
  }

  async #deleteDraft(messageId: string): Promise<void> {
    await eformidlingDb(this.#platform.db).transaction().execute(async (trx) => {
      const row = await lockMessageRow(trx, this.#platform.db.engine, 'OUTGOING', messageId);
      if (!row || row.state !== 'DRAFT') return;
      await deleteFileData(trx, messageId, true);
      await trx.deleteFrom('eformidling_messages').where('id', '=', row.id).execute();
    });
  }

  /**
   * `DELETE /api/messages/out/{messageId}`: deletes a message that was not sent (a draft).
   *
   * @throws AppError `EFORMIDLING_MESSAGE_NOT_FOUND` (404), `EFORMIDLING_MESSAGE_ALREADY_SENT` (400)
   */
  async deleteOutgoing(caller: Caller, messageId: string): Promise<void> {
    const message = await this.outgoing(caller, messageId);
    if (message.state !== 'DRAFT') throw alreadySent(message.message_id);
    await this.#deleteDraft(message.message_id);
  }

  /**
   * The `eformidling.send` job: delivers a sending message into the receiver's queue.
   *
   * 1. Expired → `LEVETID_UTLOPT` (and nothing is delivered).
   * 2. `SENDT` is recorded (once).
   * 3. The ASiC-E is built from the stored files, signed by the sender's certificate.
   * 4. One transaction, only while the message is still sending: the ASiC-E chunks, the
   *    receiver's incoming row, `MOTTATT` (sender) and `INNKOMMENDE_MOTTATT` (receiver), the
   *    files' bytes deleted, the outgoing state `SENT`.
   */
  async deliver(job: Job, now: () => number = Date.now): Promise<void> {
    const messageId = (job.payload as { messageId?: unknown })?.messageId;
    if (typeof messageId !== 'string') throw new PermanentJobError('eformidling.send: payload without messageId');
    const { db } = this.#platform;
    const k = eformidlingDb(db);
    const message = await findMessageSide(k, 'OUTGOING', messageId);
    if (!message || message.state !== 'SENDING') return;
    await this.#checkpoint('deliver:start');
    if (Number(message.expires_at) <= now()) {
      await this.expire(message.message_id, now());
      return;
    }
    await k.transaction().execute(async (trx) => {
      const row = await lockMessageRow(trx, db.engine, 'OUTGOING', messageId);
      if (row?.state === 'SENDING') await this.#status(trx, row, 'SENDT', now());
    });
    await this.#checkpoint('deliver:sendt-recorded');

    const files = await k.selectFrom('eformidling_files').selectAll().where('message_id', '=', messageId).orderBy('position').execute();
    const primary = primaryDocument(JSON.parse(message.sbd), message.message_type);
    files.sort((a, b) => (a.filename === primary ? -1 : b.filename === primary ? 1 : Number(a.position) - Number(b.position)));
    const sources: AsicSource[] = files.map((f) => ({
      name: f.filename,
      mimeType: f.mime_type,
      size: Number(f.size),
      sha256: Buffer.from(f.sha256, 'hex'),
      open: () => readFileChunks(k, messageId, Number(f.position), Number(f.size), CHUNK_BYTES),
    }));
    const signer = await signerOf(this.#platform, message.orgnr);
    const chunks: Buffer[] = [];
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let asicSize = 0;
    // Chunks of exactly CHUNK_BYTES (the last shorter): pop reads ceil(asic_size / CHUNK_BYTES).
    for await (const part of streamAsice(sources, signer, { now: new Date(now()) })) {
      asicSize += part.byteLength;
      let offset = 0;
      while (offset < part.byteLength) {
        const take = Math.min(CHUNK_BYTES - pendingBytes, part.byteLength - offset);
        pending.push(part.subarray(offset, offset + take));
        pendingBytes += take;
        offset += take;
        if (pendingBytes === CHUNK_BYTES) {
          chunks.push(Buffer.concat(pending, pendingBytes));
          pending = [];
          pendingBytes = 0;
        }
      }
    }
    if (pendingBytes > 0) chunks.push(Buffer.concat(pending, pendingBytes));
    await this.#checkpoint('deliver:asic-built');

    await k.transaction().execute(async (trx) => {
      const row = await lockMessageRow(trx, db.engine, 'OUTGOING', messageId);
      if (!row || row.state !== 'SENDING') return;
      const at = now();
      if (Number(row.expires_at) <= at) {
        await this.#expireInTransaction(trx, row, at);
        return;
      }
      const receiverOrgnr = row.receiver_identifier.startsWith('0192:') ? row.receiver_identifier.slice(5, 14) : row.receiver_identifier;
      for (let i = 0; i < chunks.length; i++) await trx.insertInto('eformidling_asic_chunks').values({ message_id: messageId, chunk_no: i, data: chunks[i]! }).execute();
      const incoming: Omit<MessageRow, 'id'> = {
        ...row,
        direction: 'INCOMING',
        orgnr: receiverOrgnr,
        state: 'QUEUED',
        lock_until: null,
        latest_status: null,
        finished: 0,
        asic_size: asicSize,
        created_at: at,
        last_update: at,
      };
      delete (incoming as Partial<MessageRow>).id;
      const incomingId = await insertMessageIfAbsent(trx as never, incoming);
      await trx.updateTable('eformidling_messages').set({ state: 'SENT', last_update: at }).where('id', '=', row.id).execute();
      await deleteFileData(trx, messageId, false);
      await this.#status(trx, row, 'MOTTATT', at);
      if (incomingId !== null) {
        await this.#status(trx, { ...incoming, id: incomingId } as MessageRow, 'INNKOMMENDE_MOTTATT', at);
        await this.#readReceipt(trx, { ...incoming, id: incomingId } as MessageRow, at);
      }
      await this.#checkpoint('deliver:in-transaction');
    });
    await this.#checkpoint('deliver:committed');
  }

  /**
   * The DPI job (`eformidling.dpi`): hands one message to Digital postkasse's corner 2, as the
   * integration point's dpi-client does (see `dpi-sender.ts` for the mapping).
   * 1. A message no longer sending is left alone; one past its time-to-live ends `LEVETID_UTLOPT`.
   * 2. The shipment is built (KRR lookup, ASiC-E, CMS, token, JWS).
   * 3. Corner 2 accepts it (one transaction there). A message corner 2 already holds for this
   *    message (a re-run after a crash) counts as accepted.
   * 4. One transaction here: `SENDT` "Hjørne 2 har mottatt meldingen" and `MOTTATT` "Hjørne 3 har
   *    mottatt meldingen" (as the integration point maps corner 2's `OPPRETTET`/`SENDT`), the
   *    files' bytes deleted, state `SENT`.
   * A refusal (AppError 4xx from the shipment or from corner 2) ends the message as `FEIL` with
   * the reason; other errors are retried by the job queue.
   */
  async deliverDpi(job: Job, now: () => number = Date.now): Promise<void> {
    const messageId = (job.payload as { messageId?: unknown })?.messageId;
    if (typeof messageId !== 'string') throw new PermanentJobError('eformidling.dpi: payload without messageId');
    const { db } = this.#platform;
    const k = eformidlingDb(db);
    const message = await findMessageSide(k, 'OUTGOING', messageId);
    if (!message || message.state !== 'SENDING') return;
    if (Number(message.expires_at) <= now()) {
      await this.expire(message.message_id, now());
      return;
    }
    const rows = await k.selectFrom('eformidling_files').selectAll().where('message_id', '=', messageId).orderBy('position').execute();
    const files: DpiFile[] = [];
    for (const f of rows) {
      const parts: Uint8Array[] = [];
      for await (const part of readFileChunks(k, messageId, Number(f.position), Number(f.size), CHUNK_BYTES)) parts.push(part);
      files.push({ filename: f.filename, mimeType: f.mime_type, title: f.title, content: Buffer.concat(parts) });
    }
    let refusal: string | undefined;
    try {
      const signer = await signerOf(this.#platform, message.orgnr);
      const shipment = await buildDpiShipment(this.#platform, { tokens: this.#dpiTokens, signer }, message, files, now());
      try {
        await acceptMessage(this.#platform, {
          consumerOrgnr: message.orgnr,
          scopes: shipment.tokenScopes,
          forretningsmelding: shipment.forretningsmelding,
          dokumentpakke: shipment.dokumentpakke,
          eformidlingMessageId: message.message_id,
          now: now(),
        });
      } catch (error) {
        // Accepted before this run crashed: corner 2 holds this message already, from this sender.
        if (!(error instanceof AppError && error.status === 409)) throw error;
        const origin = await findDpiMessageOrigin(db, message.message_id);
        if (origin?.sender_orgnr !== message.orgnr || origin.eformidling_message_id !== message.message_id) throw error;
      }
    } catch (error) {
      if (error instanceof AppError && error.status >= 400 && error.status < 500) refusal = `${error.code}: ${error.message}`;
      else throw error;
    }
    await this.#checkpoint('dpi:handed-over');
    await k.transaction().execute(async (trx) => {
      const row = await lockMessageRow(trx, db.engine, 'OUTGOING', messageId);
      if (!row || row.state !== 'SENDING') return;
      const at = now();
      await trx.updateTable('eformidling_messages').set({ state: 'SENT', last_update: at }).where('id', '=', row.id).execute();
      await deleteFileData(trx, messageId, false);
      if (refusal === undefined) await this.#handedOver(trx, row, at);
      else await this.#status(trx, row, 'FEIL', at, `Feil ved sending til digital postkasse: ${refusal}`);
    });
  }

  /**
   * The DPI receipt job (`digitalpost.receipt`): a receipt for a message this integration point
   * sent becomes its status (`dpi-receipts.ts`) and is marked read at corner 2, in one
   * transaction. The receipt's JWS is verified first (signed by a provider certificate from the
   * test CA), as the integration point's `UnpackJWT` does; the provider's reason (`detaljer` of a
   * `feil`, `beskrivelse` of a `varslingfeiletkvittering`), when it gives one, is added to the
   * status description after a colon.
   */
  async recordDpiReceipt(job: Job): Promise<void> {
    const receiptId = (job.payload as { receiptId?: unknown })?.receiptId;
    if (typeof receiptId !== 'string') throw new PermanentJobError('digitalpost.receipt: payload without receiptId');
    const { db, pki } = this.#platform;
    const receipt = await findReceipt(db, receiptId);
    if (!receipt || receipt.read === 1) return;
    const trust = { caCertificatesPem: [await pki.rootCertificatePem(), await pki.issuingCertificatePem()] };
    await eformidlingDb(db).transaction().execute(async (trx) => {
      const row = await lockMessageRow(trx, db.engine, 'OUTGOING', receipt.ref_message_id);
      if (!row || row.orgnr !== receipt.receiver_orgnr) return;
      // Receipts of one message are taken in the order they were issued, whichever job runs
      // first (two receipts issued together have two jobs that may run in parallel): every
      // unread one up to this receipt, under the message's row lock.
      const pending = await unreadReceiptsAbout(trx, receipt.ref_message_id, receipt.receiver_orgnr);
      const upTo = pending.findIndex((r) => r.message_id === receipt.message_id);
      if (upTo < 0) return;
      const at = Date.now();
      // A receipt proves corners 2 and 3 had the message: their statuses come first even when the
      // hand-over's own transaction has not run yet (a crash in between).
      await this.#handedOver(trx, row, at);
      for (const r of pending.slice(0, upTo + 1)) {
        const verified = await verifySbd(r.forretningsmelding, trust);
        const body = (verified.payload?.standardBusinessDocument?.[r.type] ?? {}) as Record<string, unknown>;
        const mapped = dpiReceiptStatus(r.type);
        // `feil` carries its reason in `detaljer`, `varslingfeiletkvittering` in `beskrivelse`.
        const reason = [body.detaljer, body.beskrivelse].find((v): v is string => typeof v === 'string' && v !== '');
        if (!(await markReceiptRead(trx, r.message_id, r.receiver_orgnr))) continue;
        await this.#status(trx, row, mapped.status, at, reason !== undefined ? `${mapped.description}: ${reason}` : mapped.description);
      }
    });
  }

  /**
   * `SENDT` (corner 2 has it) and `MOTTATT` (corner 3 has it: our corner 2 hands over in the
   * transaction that accepts), each stored once whichever of the hand-over and the first receipt
   * comes first, so the history never goes backwards.
   */
  async #handedOver(trx: EformidlingTrx, row: MessageRow, at: number): Promise<void> {
    await this.#status(trx, row, CORNER2_RECEIVED.status, at, CORNER2_RECEIVED.description);
    await this.#status(trx, row, CORNER3_RECEIVED.status, at, CORNER3_RECEIVED.description);
  }

  /**
   * An application receipt (`arkivmelding_kvittering`) reaching the original sender marks the
   * original message `LEST` (the conversation's outgoing message of the receipt's receiver).
   */
  async #readReceipt(trx: EformidlingTrx, incoming: MessageRow, at: number): Promise<void> {
    if (incoming.message_type !== 'arkivmelding_kvittering') return;
    const originals = await trx
      .selectFrom('eformidling_messages')
      .selectAll()
      .where('conversation_id', '=', incoming.conversation_id)
      .where('direction', '=', 'OUTGOING')
      .where('orgnr', '=', incoming.orgnr)
      .where('message_type', '!=', 'arkivmelding_kvittering')
      .execute();
    for (const original of originals) {
      if (original.state === 'SENT' || original.state === 'DONE') await this.#status(trx, original, 'LEST', at);
    }
  }

  async #expireInTransaction(trx: EformidlingTrx, row: MessageRow, at: number): Promise<void> {
    await trx.updateTable('eformidling_messages').set({ state: 'EXPIRED', last_update: at }).where('id', '=', row.id).execute();
    await deleteFileData(trx, row.message_id, false);
    await this.#status(trx, row, 'LEVETID_UTLOPT', at);
  }

  /**
   * Ends a message still sending whose time-to-live passed: `LEVETID_UTLOPT` for the sender,
   * nothing delivered. A message already in the receiver's queue is left to the receiver.
   *
   * @returns true when the message was expired now
   */
  async expire(messageId: string, now = Date.now()): Promise<boolean> {
    const { db } = this.#platform;
    return eformidlingDb(db).transaction().execute(async (trx) => {
      const row = await lockMessageRow(trx, db.engine, 'OUTGOING', messageId);
      if (!row || row.state !== 'SENDING' || Number(row.expires_at) > now) return false;
      await this.#expireInTransaction(trx, row, now);
      return true;
    });
  }

  /** The recurring sweep: expires every sending message whose time-to-live passed (≤ 500 per run). */
  async expireDue(now = Date.now()): Promise<number> {
    const due = await eformidlingDb(this.#platform.db)
      .selectFrom('eformidling_messages')
      .select('message_id')
      .where('state', '=', 'SENDING')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(500)
      .execute();
    let expired = 0;
    for (const { message_id } of due) if (await this.expire(message_id, now)) expired++;
    return expired;
  }

  /**
   * `GET /api/messages/in/peek`: locks the caller's oldest queued incoming message for
   * `lockTimeoutMs`.
   *
   * @returns its SBD, or null when the queue is empty (204)
   */
  async peek(caller: Caller, filters: Parameters<typeof claimIncoming>[2], now = Date.now()): Promise<Record<string, unknown> | null> {
    const row = await claimIncoming(this.#platform.db, caller.orgnr, filters, now, now + this.#options.lockTimeoutMs);
    return row ? (JSON.parse(row.sbd) as Record<string, unknown>) : null;
  }

  /** A queued incoming message of the caller, or 404 (also for another organisation's). */
  async #incoming(caller: Caller, messageId: string): Promise<MessageRow> {
    const row = await findMessage(eformidlingDb(this.#platform.db), 'INCOMING', caller.orgnr, messageId.toLowerCase());
    if (!row || row.state !== 'QUEUED') throw notFound(messageId);
    return row;
  }

  /**
   * `GET /api/messages/in/pop/{messageId}`: the ASiC-E of a locked incoming message, streamed
   * chunk by chunk.
   *
   * @throws AppError `EFORMIDLING_MESSAGE_NOT_FOUND` (404), `EFORMIDLING_MESSAGE_NOT_LOCKED` (400)
   */
  async pop(caller: Caller, messageId: string, now = Date.now()): Promise<{ size: number; stream: AsyncIterable<Uint8Array> }> {
    const row = await this.#incoming(caller, messageId);
    if (row.lock_until === null || Number(row.lock_until) < now) throw notLocked(row.message_id);
    return { size: Number(row.asic_size ?? 0), stream: readAsicChunks(eformidlingDb(this.#platform.db), row.message_id, Number(row.asic_size ?? 0), CHUNK_BYTES) };
  }

  /**
   * `DELETE /api/messages/in/{messageId}`: the receiver acknowledges a locked message. In one
   * transaction: removed from the queue (its ASiC-E deleted), `INNKOMMENDE_LEVERT` for the
   * receiver and `LEVERT` for the sender.
   *
   * @returns the message's SBD
   * @throws AppError `EFORMIDLING_MESSAGE_NOT_FOUND` (404), `EFORMIDLING_MESSAGE_NOT_LOCKED` (400)
   */
  async deleteIncoming(caller: Caller, messageId: string, now = Date.now()): Promise<Record<string, unknown>> {
    const { db } = this.#platform;
    const sbd = await eformidlingDb(db).transaction().execute(async (trx) => {
      const row = await lockMessageRow(trx, db.engine, 'INCOMING', messageId.toLowerCase());
      if (!row || row.orgnr !== caller.orgnr || row.state !== 'QUEUED') throw notFound(messageId);
      if (row.lock_until === null || Number(row.lock_until) < now) throw notLocked(row.message_id);
      await trx.updateTable('eformidling_messages').set({ state: 'DELIVERED', lock_until: null, last_update: now }).where('id', '=', row.id).execute();
      await trx.deleteFrom('eformidling_asic_chunks').where('message_id', '=', row.message_id).execute();
      await this.#status(trx, row, 'INNKOMMENDE_LEVERT', now);
      const outgoing = await lockMessageRow(trx, db.engine, 'OUTGOING', row.message_id);
      if (outgoing) {
        await this.#status(trx, outgoing, 'LEVERT', now);
        await trx.updateTable('eformidling_messages').set({ state: 'DONE' }).where('id', '=', outgoing.id).where('state', '=', 'SENT').execute();
      }
      await this.#checkpoint('delete:in-transaction');
      return JSON.parse(row.sbd) as Record<string, unknown>;
    });
    await this.#checkpoint('delete:committed');
    return sbd;
  }
}

/** Deletes one file (its row and chunks) of an outgoing message. */
async function deleteUpload(trx: EformidlingTrx, messageId: string, position: number): Promise<void> {
  await trx.deleteFrom('eformidling_file_chunks').where('message_id', '=', messageId).where('position', '=', position).execute();
  await trx.deleteFrom('eformidling_files').where('message_id', '=', messageId).where('position', '=', position).execute();
}

function notFound(messageId: string) {
  return eformidlingError('EFORMIDLING_MESSAGE_NOT_FOUND', `Message with messageId = ${messageId.slice(0, 64)} was not found`);
}
function notLocked(messageId: string) {
  return eformidlingError('EFORMIDLING_MESSAGE_NOT_LOCKED', `Message with messageId = ${messageId} was not locked`);
}
function alreadyExists(messageId: string) {
  return eformidlingError('EFORMIDLING_MESSAGE_ALREADY_EXISTS', `Message with messageId = ${messageId} already exists`);
}
function alreadySent(messageId: string) {
  return eformidlingError('EFORMIDLING_MESSAGE_ALREADY_SENT', `Message with messageId = ${messageId} has been sent already and can no longer be changed`);
}
function duplicate(filename: string) {
  return eformidlingError('EFORMIDLING_DUPLICATE_FILENAME', `Filename already exists in message: ${filename}.`);
}

