/**
 * The outbox: e-mail and SMS sent through durable jobs. A message is written to
 * `platform_outbox` together with its job, in one transaction (or the caller's), so a message
 * is never lost and never sent without its record. The job then delivers it:
 *
 * - e-mail: over SMTP with nodemailer when `SMTP_URL` is set (status `sent`, transport `smtp`),
 *   else kept in the dev outbox (status `stored`, transport `outbox`);
 * - SMS: POSTed as JSON `{ to, from, message }` to `SMS_GATEWAY_URL` when set (with
 *   `authorization: Bearer SMS_GATEWAY_TOKEN` if given; 2xx = `sent`, anything else is retried),
 *   else stored in the dev outbox.
 *
 * In test mode `/outbox` shows the messages and `/outbox/api/messages` lists them as JSON, so
 * tests and developers can read one-time codes and links.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { ComponentMigration } from '../db/migrations.ts';
import { AppError, catalogueError, platformError, type ErrorCodeInfo } from '../errors.ts';
import { PermanentJobError, type Job, type JobContext, type JobQueue } from '../jobs/job-queue.ts';
import type { Platform } from '../platform.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { pickLang, t, type Lang } from '../ui/i18n.ts';
import { sendPage } from '../ui/layout.ts';

/** One message as stored and listed. Times are epoch milliseconds. */
export interface OutboxMessage {
  /** Time-ordered UUID (version 7). */
  id: string;
  channel: 'email' | 'sms';
  /** E-mail address (domain lower-cased) or E.164 phone number (`+4791234567`). */
  to: string;
  /** E-mail subject; null for SMS. */
  subject: string | null;
  text: string;
  /** HTML body of an e-mail, if given. */
  html: string | null;
  /** Component that sent it (`idporten`, `altinn`…). */
  component: string;
  /** `queued` until delivered; `sent` (handed to SMTP / the gateway), `stored` (dev outbox), `failed` (gave up). */
  status: 'queued' | 'sent' | 'stored' | 'failed';
  /** How it is (to be) delivered. */
  transport: 'smtp' | 'sms-gateway' | 'outbox';
  /** Last delivery error, if any. */
  error: string | null;
  createdAt: number;
  /** When it was sent or stored. */
  sentAt: number | null;
}

/** Error codes of the outbox. */
export const outboxErrors = {
  OUTBOX_INVALID_RECIPIENT: { status: 400, title: 'Invalid recipient' },
  OUTBOX_INVALID_MESSAGE: { status: 400, title: 'Invalid message' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link outboxErrors}. */
export type OutboxErrorCode = keyof typeof outboxErrors;

function outboxError(code: OutboxErrorCode, message: string, detail?: string): AppError {
  return catalogueError(outboxErrors, code, message, detail ? { detail } : {});
}

/** Job queue of e-mail deliveries. */
export const EMAIL_QUEUE = 'platform.outbox.email';
/** Job queue of SMS deliveries. */
export const SMS_QUEUE = 'platform.outbox.sms';

const MAX_EMAIL_TEXT = 1_000_000;
const MAX_SMS_TEXT = 1600;
const MAX_SUBJECT = 998;
const COMPONENT = /^[a-z][a-z0-9_-]{0,63}$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** The migrations of `platform_outbox`. */
export const outboxMigrations: ComponentMigration[] = [
  {
    name: '0001_outbox',
    async up(db) {
      await db.schema
        .createTable('platform_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'sms')`))
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('body_text', 'text', (c) => c.notNull())
        .addColumn('body_html', 'text')
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'sent', 'stored', 'failed')`))
        .addColumn('transport', 'text', (c) => c.notNull().check(sql`transport in ('smtp', 'sms-gateway', 'outbox')`))
        .addColumn('error', 'text')
        .addColumn('idempotency_key', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .execute();
      await db.schema.createIndex('platform_outbox_recipient').on('platform_outbox').columns(['recipient', 'created_at']).execute();
      await db.schema.createIndex('platform_outbox_component').on('platform_outbox').columns(['component', 'created_at']).execute();
      await db.schema.createIndex('platform_outbox_created').on('platform_outbox').column('created_at').execute();
      await db.schema
        .createIndex('platform_outbox_idempotency')
        .unique()
        .on('platform_outbox')
        .columns(['component', 'idempotency_key'])
        .execute();
    },
  },
];

/**
 * Checks and normalises an e-mail address: trimmed, domain lower-cased.
 *
 * @throws AppError `OUTBOX_INVALID_RECIPIENT` when it is not `local@domain.tld` (at most 254 characters)
 */
export function normaliseEmail(to: unknown): string {
  const value = typeof to === 'string' ? to.trim() : '';
  if (value.length > 254 || !EMAIL.test(value)) {
    throw outboxError('OUTBOX_INVALID_RECIPIENT', 'Not a valid e-mail address', 'Expected an address like ola.nordmann@example.no');
  }
  const at = value.lastIndexOf('@');
  return `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}`;
}

/**
 * Checks and normalises a mobile number to E.164: `+47` and 8 digits; 8 digits starting with 4
 * or 9 (a Norwegian mobile) become `+47…`; any other `+` and 8–15 digits is kept. Spaces and
 * hyphens are ignored.
 *
 * @throws AppError `OUTBOX_INVALID_RECIPIENT` for anything else
 * @see https://www.itu.int/rec/T-REC-E.164 E.164
 */
export function normaliseMobile(to: unknown): string {
  const value = typeof to === 'string' ? to.replace(/[\s-]/g, '') : '';
  if (/^[49]\d{7}$/.test(value)) return `+47${value}`;
  if (value.startsWith('+47') ? /^\+47\d{8}$/.test(value) : /^\+[1-9]\d{7,14}$/.test(value)) return value;
  throw outboxError(
    'OUTBOX_INVALID_RECIPIENT',
    'Not a valid mobile number',
    'Expected +47 and 8 digits, 8 digits starting with 4 or 9, or an E.164 number (+ and 8–15 digits)',
  );
}

function checkText(text: unknown, max: number): string {
  if (typeof text !== 'string' || text.trim().length === 0) throw outboxError('OUTBOX_INVALID_MESSAGE', 'The message text is empty');
  if (text.length > max) throw outboxError('OUTBOX_INVALID_MESSAGE', `The message text is longer than ${max} characters`);
  return text;
}

function checkComponent(component: unknown): string {
  if (typeof component !== 'string' || !COMPONENT.test(component)) {
    throw outboxError('OUTBOX_INVALID_MESSAGE', 'The sending component must be a lower-case component name');
  }
  return component;
}

function checkIdempotencyKey(key: unknown): string | null {
  if (key === undefined) return null;
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
    throw outboxError('OUTBOX_INVALID_MESSAGE', 'idempotencyKey must be a string of 1–200 characters');
  }
  return key;
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUID version 7 whose 12-bit `rand_a` field is a counter within the millisecond, so ids made
 * by this process sort in creation order.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9562#section-6.2 RFC 9562 §6.2, method 1
 */
function uuidv7(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface OutboxRow {
  id: string;
  channel: OutboxMessage['channel'];
  recipient: string;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  component: string;
  status: OutboxMessage['status'];
  transport: OutboxMessage['transport'];
  error: string | null;
  created_at: number | string;
  sent_at: number | string | null;
}

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    channel: row.channel,
    to: row.recipient,
    subject: row.subject,
    text: row.body_text,
    html: row.body_html,
    component: row.component,
    status: row.status,
    transport: row.transport,
    error: row.error,
    createdAt: Number(row.created_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
  };
}

/** The payload of an outbox delivery job. */
interface DeliveryPayload {
  messageId: string;
}

/**
 * Sends e-mail and SMS through durable jobs (see the module comment). One per process.
 *
 * @example
 * await outbox.sendSms({ to: '91234567', text: `Koden din er ${code}`, component: 'idporten' });
 */
export class Outbox {
  readonly #db: Database;
  readonly #jobs: JobQueue;
  readonly #config: Config;
  readonly #log: Logger;
  #smtp: Transporter | undefined;

  constructor(deps: { db: Database; jobs: JobQueue; config: Config; log: Logger }) {
    this.#db = deps.db;
    this.#jobs = deps.jobs;
    this.#config = deps.config;
    this.#log = deps.log;
  }

  /** Registers the delivery handlers on the job queues `platform.outbox.email` and `platform.outbox.sms`. */
  registerHandlers(): void {
    this.#jobs.register(EMAIL_QUEUE, (job, ctx) => this.#deliverEmail(job, ctx));
    this.#jobs.register(SMS_QUEUE, (job, ctx) => this.#deliverSms(job, ctx));
  }

  /**
   * Queues an e-mail. The message and its delivery job are committed together: in the given
   * `executor` (a transaction of the caller), else in a transaction of their own.
   *
   * @param msg `to` an e-mail address; `subject` one line of at most 998 characters; `text` the
   *   plain-text body (non-empty, at most 1 000 000 characters); `html` an optional HTML body;
   *   `component` the sender's component name; `idempotencyKey` makes a repeated call with the
   *   same key (per component) return the first message's id and send nothing more
   * @returns the message id
   * @throws AppError `OUTBOX_INVALID_RECIPIENT` for a malformed address; `OUTBOX_INVALID_MESSAGE`
   *   for an empty or multi-line subject, an empty or too long text, or a bad component name.
   *   Nothing is written then.
   */
  async sendEmail(
    msg: { to: string; subject: string; text: string; html?: string; component: string; idempotencyKey?: string },
    executor?: Kysely<any>,
  ): Promise<{ id: string }> {
    const to = normaliseEmail(msg.to);
    if (typeof msg.subject !== 'string' || msg.subject.trim().length === 0) throw outboxError('OUTBOX_INVALID_MESSAGE', 'The subject is empty');
    if (/[\r\n]/.test(msg.subject)) throw outboxError('OUTBOX_INVALID_MESSAGE', 'The subject must be one line');
    if (msg.subject.length > MAX_SUBJECT) throw outboxError('OUTBOX_INVALID_MESSAGE', `The subject is longer than ${MAX_SUBJECT} characters`);
    const text = checkText(msg.text, MAX_EMAIL_TEXT);
    if (msg.html !== undefined && (typeof msg.html !== 'string' || msg.html.length > MAX_EMAIL_TEXT)) {
      throw outboxError('OUTBOX_INVALID_MESSAGE', 'The HTML body must be a string of at most 1 000 000 characters');
    }
    return this.#write(
      {
        channel: 'email',
        recipient: to,
        subject: msg.subject,
        body_text: text,
        body_html: msg.html ?? null,
        component: checkComponent(msg.component),
        transport: this.#config.SMTP_URL ? 'smtp' : 'outbox',
        idempotency_key: checkIdempotencyKey(msg.idempotencyKey),
      },
      EMAIL_QUEUE,
      executor,
    );
  }

  /**
   * Queues an SMS, like {@link sendEmail}.
   *
   * @param msg `to` a mobile number (see {@link normaliseMobile}); `text` non-empty, at most
   *   1600 characters; `component`, `idempotencyKey` as for e-mail
   * @returns the message id
   * @throws AppError `OUTBOX_INVALID_RECIPIENT` for a malformed number; `OUTBOX_INVALID_MESSAGE`
   *   for an empty or too long text or a bad component name. Nothing is written then.
   */
  async sendSms(msg: { to: string; text: string; component: string; idempotencyKey?: string }, executor?: Kysely<any>): Promise<{ id: string }> {
    const to = normaliseMobile(msg.to);
    return this.#write(
      {
        channel: 'sms',
        recipient: to,
        subject: null,
        body_text: checkText(msg.text, MAX_SMS_TEXT),
        body_html: null,
        component: checkComponent(msg.component),
        transport: this.#config.SMS_GATEWAY_URL ? 'sms-gateway' : 'outbox',
        idempotency_key: checkIdempotencyKey(msg.idempotencyKey),
      },
      SMS_QUEUE,
      executor,
    );
  }

  /**
   * Messages, newest first.
   *
   * @param filter `to` (normalised like the send functions, so `91234567` finds `+4791234567`),
   *   `channel`, `component`, `limit` (default 50, at most 1000)
   */
  async list(filter: { channel?: 'email' | 'sms'; to?: string; component?: string; limit?: number } = {}): Promise<OutboxMessage[]> {
    let query = this.#db.kysely.selectFrom('platform_outbox').selectAll();
    if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
    if (filter.component !== undefined) query = query.where('component', '=', filter.component);
    if (filter.to !== undefined && filter.to !== '') query = query.where('recipient', '=', normaliseRecipientQuery(filter.to, filter.channel));
    const limit = Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 50)));
    const rows = (await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()) as OutboxRow[];
    return rows.map(toMessage);
  }

  /** The message with this id, or undefined. */
  async get(id: string): Promise<OutboxMessage | undefined> {
    const row = (await this.#db.kysely.selectFrom('platform_outbox').selectAll().where('id', '=', id).executeTakeFirst()) as OutboxRow | undefined;
    return row ? toMessage(row) : undefined;
  }

  async #write(
    row: Omit<OutboxRow, 'id' | 'status' | 'error' | 'created_at' | 'sent_at'> & { idempotency_key: string | null },
    queue: string,
    executor?: Kysely<any>,
  ): Promise<{ id: string }> {
    const work = async (ex: Kysely<any>): Promise<{ id: string }> => {
      const id = uuidv7();
      const inserted = await ex
        .insertInto('platform_outbox')
        .values({ ...row, id, status: 'queued', error: null, created_at: Date.now(), sent_at: null })
        .onConflict((oc) => oc.columns(['component', 'idempotency_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) {
        const existing = await ex
          .selectFrom('platform_outbox')
          .select('id')
          .where('component', '=', row.component)
          .where('idempotency_key', '=', row.idempotency_key)
          .executeTakeFirstOrThrow();
        return { id: existing.id as string };
      }
      const payload: DeliveryPayload = { messageId: id };
      await this.#jobs.enqueue({ queue, payload }, ex);
      return { id };
    };
    const result = executor ? await work(executor) : await this.#db.kysely.transaction().execute(work);
    this.#log.debug({ messageId: result.id, channel: row.channel, component: row.component }, 'message queued');
    return result;
  }

  /** Loads the message of a delivery job; returns undefined when it was already delivered. */
  async #pending(job: Job): Promise<OutboxMessage | undefined> {
    const { messageId } = job.payload as DeliveryPayload;
    const message = await this.get(messageId);
    if (!message) throw new PermanentJobError(`outbox message ${messageId} does not exist`);
    return message.status === 'queued' ? message : undefined;
  }

  async #markDelivered(id: string, status: 'sent' | 'stored', transport: OutboxMessage['transport']): Promise<void> {
    await this.#db.kysely
      .updateTable('platform_outbox')
      .set({ status, transport, error: null, sent_at: Date.now() })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  /** Records a failed try; on the last attempt (or a permanent failure) the message becomes `failed`. */
  async #markFailed(id: string, job: Job, error: string, permanent: boolean): Promise<void> {
    const final = permanent || job.attempts >= job.maxAttempts;
    await this.#db.kysely
      .updateTable('platform_outbox')
      .set(final ? { status: 'failed', error } : { error })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  async #deliverEmail(job: Job, ctx: JobContext): Promise<void> {
    const message = await this.#pending(job);
    if (!message) return;
    const smtpUrl = this.#config.SMTP_URL;
    if (!smtpUrl) {
      await this.#markDelivered(message.id, 'stored', 'outbox');
      ctx.log.info({ messageId: message.id, to: message.to }, 'e-mail stored in the dev outbox');
      return;
    }
    this.#smtp ??= nodemailer.createTransport(smtpUrl);
    try {
      await this.#smtp.sendMail({
        from: this.#config.SMTP_FROM,
        to: message.to,
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html === null ? {} : { html: message.html }),
        messageId: `<${message.id}@${messageIdDomain(this.#config.PUBLIC_URL)}>`,
      });
    } catch (err) {
      // A 5xx SMTP reply (mailbox unknown, rejected) will not change on retry.
      const code = (err as { responseCode?: number }).responseCode;
      const permanent = typeof code === 'number' && code >= 500 && code < 600;
      const text = `SMTP: ${err instanceof Error ? err.message : String(err)}`;
      await this.#markFailed(message.id, job, text, permanent);
      throw permanent ? new PermanentJobError(text, { cause: err }) : err;
    }
    await this.#markDelivered(message.id, 'sent', 'smtp');
    ctx.log.info({ messageId: message.id }, 'e-mail sent over SMTP');
  }

  async #deliverSms(job: Job, ctx: JobContext): Promise<void> {
    const message = await this.#pending(job);
    if (!message) return;
    const gatewayUrl = this.#config.SMS_GATEWAY_URL;
    if (!gatewayUrl) {
      await this.#markDelivered(message.id, 'stored', 'outbox');
      ctx.log.info({ messageId: message.id, to: message.to }, 'SMS stored in the dev outbox');
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#config.SMS_GATEWAY_TOKEN) headers.authorization = `Bearer ${this.#config.SMS_GATEWAY_TOKEN}`;
    let failure: string | undefined;
    try {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: message.to, from: this.#config.SMS_SENDER, message: message.text }),
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(30_000)]),
      });
      const body = await response.text().catch(() => '');
      if (!response.ok) failure = `SMS gateway answered ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}`;
    } catch (err) {
      failure = `SMS gateway unreachable: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (failure !== undefined) {
      await this.#markFailed(message.id, job, failure, false);
      throw new Error(failure);
    }
    await this.#markDelivered(message.id, 'sent', 'sms-gateway');
    ctx.log.info({ messageId: message.id }, 'SMS sent to the gateway');
  }
}

function messageIdDomain(publicUrl: string): string {
  try {
    return new URL(publicUrl).hostname || 'grunnmur.localhost';
  } catch {
    return 'grunnmur.localhost';
  }
}

/** A `to` filter in the stored form; a value that is neither address nor number is used as given. */
function normaliseRecipientQuery(to: string, channel: 'email' | 'sms' | undefined): string {
  try {
    if (channel === 'email' || (channel === undefined && to.includes('@'))) return normaliseEmail(to);
    return normaliseMobile(to);
  } catch {
    return to.trim();
  }
}

const pageTexts = {
  title: { nb: 'Utboks for utvikling', nn: 'Utboks for utvikling', en: 'Development outbox' },
  intro: {
    nb: 'E-post og SMS som Grunnmur har sendt eller lagret. Siden finnes bare i testmodus. Nyeste først.',
    nn: 'E-post og SMS som Grunnmur har sendt eller lagra. Sida finst berre i testmodus. Nyaste først.',
    en: 'E-mail and SMS that Grunnmur has sent or stored. This page exists in test mode only. Newest first.',
  },
  filter: { nb: 'Filtrer', nn: 'Filtrer', en: 'Filter' },
  to: { nb: 'Mottaker', en: 'Recipient' },
  channel: { nb: 'Kanal', en: 'Channel' },
  all: { nb: 'Alle', nn: 'Alle', en: 'All' },
  email: { nb: 'E-post', en: 'E-mail' },
  sms: { nb: 'SMS', en: 'SMS' },
  time: { nb: 'Tidspunkt', en: 'Time' },
  component: { nb: 'Komponent', en: 'Component' },
  message: { nb: 'Melding', en: 'Message' },
  status: { nb: 'Status', en: 'Status' },
  empty: { nb: 'Ingen meldinger.', nn: 'Ingen meldingar.', en: 'No messages.' },
  hasHtml: { nb: 'Har også en HTML-versjon (vises ikke her).', nn: 'Har òg ein HTML-versjon (blir ikkje vist her).', en: 'Also has an HTML version (not shown here).' },
  api: { nb: 'Som JSON:', en: 'As JSON:' },
  statuses: {
    queued: { nb: 'i kø', en: 'queued' },
    sent: { nb: 'sendt', en: 'sent' },
    stored: { nb: 'lagret', nn: 'lagra', en: 'stored' },
    failed: { nb: 'feilet', nn: 'feila', en: 'failed' },
  },
} as const;

interface MessagesQuery {
  to?: string;
  channel?: 'email' | 'sms' | '';
  component?: string;
  limit?: number;
}

const messagesQuerySchema = {
  type: 'object',
  properties: {
    to: { type: 'string', maxLength: 320, description: 'E-mail address or mobile number (normalised like when sending)' },
    channel: { type: 'string', enum: ['email', 'sms', ''], description: 'email or sms; empty = both' },
    component: { type: 'string', maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
    lang: { type: 'string', maxLength: 10 },
  },
} as const;

function renderMessages(messages: OutboxMessage[], lang: Lang): SafeHtml {
  if (messages.length === 0) return html`<p class="ds-paragraph">${t(pageTexts.empty, lang)}</p>`;
  return html`<table class="ds-table" data-border>
  <thead><tr>
    <th>${t(pageTexts.time, lang)}</th><th>${t(pageTexts.channel, lang)}</th><th>${t(pageTexts.to, lang)}</th>
    <th>${t(pageTexts.component, lang)}</th><th>${t(pageTexts.message, lang)}</th><th>${t(pageTexts.status, lang)}</th>
  </tr></thead>
  <tbody>
  ${messages.map(
    (m) => html`<tr id="message-${m.id}">
    <td><time datetime="${new Date(m.createdAt).toISOString()}">${new Date(m.createdAt).toISOString().replace('T', ' ').slice(0, 19)}</time></td>
    <td>${t(pageTexts[m.channel], lang)}</td>
    <td>${m.to}</td>
    <td>${m.component}</td>
    <td>${m.subject === null ? '' : html`<strong>${m.subject}</strong><br>`}<pre>${m.text}</pre>${
      m.html === null ? '' : html`<p class="ds-paragraph" data-size="sm">${t(pageTexts.hasHtml, lang)}</p>`
    }</td>
    <td>${t(pageTexts.statuses[m.status], lang)} (${m.transport})${m.error ? html`<br><small>${m.error}</small>` : ''}</td>
  </tr>`,
  )}
  </tbody>
</table>`;
}

/**
 * The dev outbox routes, registered at the root (a kernel plugin of `createHttpServer`). Only
 * when `GRUNNMUR_MODE=test`; otherwise both answer 404 problem `PLATFORM_TEST_MODE_ONLY`.
 *
 * - `GET /outbox/api/messages?to=&channel=&component=&limit=`: `{ messages: OutboxMessage[] }`,
 *   newest first (limit 1–1000, default 50).
 * - `GET /outbox?to=&channel=&lang=`: the same as an HTML page (bokmål or English).
 */
export async function outboxRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const testMode = platform.config.GRUNNMUR_MODE === 'test';
  const onlyInTestMode = async (): Promise<void> => {
    if (!testMode) throw platformError('PLATFORM_TEST_MODE_ONLY', 'The dev outbox is only available when GRUNNMUR_MODE=test');
  };

  app.get<{ Querystring: MessagesQuery }>(
    '/outbox/api/messages',
    {
      onRequest: onlyInTestMode,
      schema: {
        hide: !testMode,
        tags: ['outbox'],
        summary: 'Messages in the dev outbox (test mode only)',
        querystring: messagesQuerySchema,
      },
    },
    async (request) => ({ messages: await platform.outbox.list(listFilter(request.query)) }),
  );

  app.get<{ Querystring: MessagesQuery }>(
    '/outbox',
    { onRequest: onlyInTestMode, schema: { hide: true, querystring: messagesQuerySchema } },
    async (request: FastifyRequest<{ Querystring: MessagesQuery }>, reply) => {
      const lang = pickLang(request);
      const query = request.query;
      const messages = await platform.outbox.list({ ...listFilter(query), limit: query.limit ?? 100 });
      const body = html`<h1 class="ds-heading" data-size="lg">${t(pageTexts.title, lang)}</h1>
<p class="ds-paragraph">${t(pageTexts.intro, lang)}</p>
<form method="get" action="/outbox" class="grunnmur-filter">
  <div class="ds-field">
    <label class="ds-label" for="outbox-to">${t(pageTexts.to, lang)}</label>
    <input class="ds-input" id="outbox-to" name="to" type="text" value="${query.to ?? ''}">
  </div>
  <div class="ds-field">
    <label class="ds-label" for="outbox-channel">${t(pageTexts.channel, lang)}</label>
    <select class="ds-input" id="outbox-channel" name="channel">
      <option value="">${t(pageTexts.all, lang)}</option>
      <option value="email"${query.channel === 'email' ? html` selected` : ''}>${t(pageTexts.email, lang)}</option>
      <option value="sms"${query.channel === 'sms' ? html` selected` : ''}>${t(pageTexts.sms, lang)}</option>
    </select>
  </div>
  <input type="hidden" name="lang" value="${lang}">
  <button class="ds-button" type="submit" data-variant="secondary">${t(pageTexts.filter, lang)}</button>
</form>
${renderMessages(messages, lang)}
<p class="ds-paragraph" data-size="sm">${t(pageTexts.api, lang)} <a class="ds-link" href="/outbox/api/messages">/outbox/api/messages</a></p>`;
      return sendPage(reply, { lang, title: t(pageTexts.title, lang), body, path: '/outbox' });
    },
  );
}

function listFilter(query: MessagesQuery): { channel?: 'email' | 'sms'; to?: string; component?: string; limit?: number } {
  return {
    ...(query.channel ? { channel: query.channel } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.component ? { component: query.component } : {}),
    ...(query.limit ? { limit: query.limit } : {}),
  };
}
