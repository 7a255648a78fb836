/**
 * Sending the scheduled notifications (`schedule.ts`) through the platform outbox, and telling
 * the sender when one fails.
 *
 * A row's life: `VENTER` (due at `due_at`) → handed to the outbox (still `VENTER`, `outbox_id`
 * set) → `SENDT` once the outbox reports it delivered (`sent` over SMTP / the SMS gateway, or
 * `stored` in the dev outbox), or `FEILET`. A row not yet handed over becomes `AVBRUTT` when its
 * letter has been opened: reminders are for unread letters ("Varslinger … sendes kun til
 * innbygger dersom innbygger ikke har gjort seg kjent med brevet").
 *
 * A notification fails (`FEILET`, with `beskrivelse`) when
 * - no address is known for the channel (the message gave none and KRR has none), or the outbox
 *   refuses the address (`OUTBOX_INVALID_RECIPIENT`) or the text: then every remaining row of
 *   that channel of the letter fails at once, since the address is the same on all days;
 * - the outbox gives up delivering it (its message `failed`: an SMTP 5xx, or retries used up),
 *   or has not confirmed delivery within {@link DELIVERY_CONFIRMATION_TIMEOUT_MS}: that row only.
 *
 * Each failure of a channel the sender ordered yields one `varslingfeiletkvittering`
 * (`varslingskanal` `epost`/`sms`, `beskrivelse`, `tidspunkt`), issued with `issueReceipt` in
 * the transaction that marks the failure. The citizen-default e-mail (no `varsler`) fails
 * silently: the sender did not order it.
 *
 * Handing over is crash-safe: the outbox message is written in the transaction that sets
 * `outbox_id`, with the row id as the outbox's idempotency key, so a run that dies and runs
 * again never queues a notification twice.
 *
 * Differences from the real providers: notifications go out at any hour (Digipost and e-Boks
 * send only in the daytime, e-Boks from 07:00 to 23:00); e-mail comes from `SMTP_FROM`, not
 * from the provider's own address.
 *
 * @see https://docs.digdir.no/dpi_forretningsmelding_index.html VarslingFeiletKvittering
 * @see schemas/dpi/innbyggerpost_dpi_varslingfeiletkvittering_1_0.schema.json ("Det skal sendes en kvittering for hver forekomst av en feilsituasjon i en spesifisert kanal … seinest dagen etter at varslingen var bestilt")
 * @see specs/krr-dpi-esign.md §2 receipts
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AppError } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import { issueReceipt, type ReceiptSubject } from '../domain/receipts.ts';
import type { LetterRow, NotificationRow } from '../store/tables.ts';
import { DAY_MS, letterFacts, orderedVarsler, type Varslingskanal } from './schedule.ts';
import { emailSubject } from './texts.ts';

/** Job queue of the recurring notification run. */
export const NOTIFICATION_QUEUE = 'digitalpost.notifications';

/** How often the notification run starts, in milliseconds. */
export const NOTIFICATION_INTERVAL_MS = 5_000;

/**
 * How long a notification handed to the outbox may stay undelivered before it counts as failed
 * (ms). The outbox gives up far sooner (10 attempts, backoff at most 1 h); this catches a
 * delivery job lost without a verdict, and keeps the schema's "seinest dagen etter".
 */
export const DELIVERY_CONFIRMATION_TIMEOUT_MS = DAY_MS;

/** The component name the outbox records as sender. */
export const OUTBOX_COMPONENT = 'digitalpost';

/** Rows read per query. */
const BATCH = 100;
/** Most rows one run looks at per step; the next run takes the rest. */
const MAX_PER_RUN = 2_000;

/** What one run did. */
export interface NotificationRunResult {
  /** Rows handed to the outbox. */
  handedOver: number;
  /** Rows the outbox confirmed delivered (`SENDT`). */
  sent: number;
  /** Rows that failed (`FEILET`). */
  failed: number;
  /** Rows skipped because the letter was opened (`AVBRUTT`). */
  cancelled: number;
}

const CHANNEL_NAME = {
  epost: { anAddress: 'en e-postadresse', theAddress: 'e-postadressen', notice: 'E-postvarselet' },
  sms: { anAddress: 'et mobiltelefonnummer', theAddress: 'mobiltelefonnummeret', notice: 'SMS-varselet' },
} as const satisfies Record<Varslingskanal, unknown>;

/**
 * Registers the handler of {@link NOTIFICATION_QUEUE} and makes it recurring every
 * {@link NOTIFICATION_INTERVAL_MS}. Call once per process in the component's `onStart`.
 */
export async function registerNotificationJobs(platform: Platform): Promise<void> {
  platform.jobs.register(NOTIFICATION_QUEUE, async (_job, ctx) => {
    const result = await runNotifications(platform, Date.now(), ctx.log);
    if (result.handedOver + result.sent + result.failed + result.cancelled > 0) ctx.log.info(result, 'digitalpost notifications');
  });
  await platform.jobs.every(NOTIFICATION_QUEUE, NOTIFICATION_INTERVAL_MS);
}

/**
 * One notification run: hands every due `VENTER` row to the outbox (or cancels or fails it, see
 * the module comment), then records the outbox's verdict on the rows handed over earlier. A row
 * whose processing throws (a database error) is logged and left for the next run.
 *
 * @param now epoch ms: rows with `due_at <= now` are due (tests pass a later time to reach
 *   repetition days)
 */
export async function runNotifications(platform: Platform, now: number = Date.now(), log?: Logger): Promise<NotificationRunResult> {
  const logger = log ?? platform.log.child({ component: 'digitalpost', module: 'notifications' });
  const result: NotificationRunResult = { handedOver: 0, sent: 0, failed: 0, cancelled: 0 };
  const db = platform.db.kysely;

  await forEachRow(
    (after) => {
      let q = db
        .selectFrom('digitalpost_notifications')
        .select(['id', 'due_at'])
        .where('state', '=', 'VENTER')
        .where('outbox_id', 'is', null)
        .where('due_at', '<=', now);
      if (after) q = q.where((eb) => eb.or([eb('due_at', '>', after.due_at), eb.and([eb('due_at', '=', after.due_at), eb('id', '>', after.id)])]));
      return q.orderBy('due_at').orderBy('id').limit(BATCH).execute();
    },
    async (row) => {
      const outcome = await handOver(platform, row.id, now);
      if (outcome === 'handed-over') result.handedOver++;
      else if (outcome === 'cancelled') result.cancelled++;
      else if (typeof outcome === 'number') result.failed += outcome;
    },
    logger,
  );

  await forEachRow(
    (after) => {
      let q = db
        .selectFrom('digitalpost_notifications as n')
        .innerJoin('platform_outbox as o', 'o.id', 'n.outbox_id')
        .select(['n.id as id', 'n.due_at as due_at'])
        .where('n.state', '=', 'VENTER')
        .where('n.outbox_id', 'is not', null)
        .where('n.due_at', '<=', now)
        .where((eb) => eb.or([eb('o.status', '!=', 'queued'), eb('n.updated_at', '<', now - DELIVERY_CONFIRMATION_TIMEOUT_MS)]));
      if (after) q = q.where((eb) => eb.or([eb('n.due_at', '>', after.due_at), eb.and([eb('n.due_at', '=', after.due_at), eb('n.id', '>', after.id)])]));
      return q.orderBy('n.due_at').orderBy('n.id').limit(BATCH).execute();
    },
    async (row) => {
      const outcome = await recordVerdict(platform, row.id, now);
      if (outcome === 'sent') result.sent++;
      else if (outcome === 'failed') result.failed++;
    },
    logger,
  );
  return result;
}

/** Keyset-paged loop over rows ordered by (`due_at`, `id`), at most {@link MAX_PER_RUN}. */
async function forEachRow<R extends { id: string; due_at: number | string }>(
  page: (after: { id: string; due_at: number } | null) => Promise<R[]>,
  each: (row: R) => Promise<void>,
  log: Logger,
): Promise<void> {
  let after: { id: string; due_at: number } | null = null;
  for (let seen = 0; seen < MAX_PER_RUN; ) {
    const rows = await page(after);
    for (const row of rows) {
      try {
        await each(row);
      } catch (err) {
        log.error({ err, notificationId: row.id }, 'digitalpost notification: processing failed; retried on the next run');
      }
    }
    seen += rows.length;
    if (rows.length < BATCH) return;
    const last = rows[rows.length - 1]!;
    after = { id: last.id, due_at: Number(last.due_at) };
  }
}

/** Reads a notification row for update (row lock on PostgreSQL; SQLite's write transaction is serial). */
async function lockRow(platform: Platform, trx: Kysely<any>, id: string): Promise<NotificationRow | undefined> {
  const q = trx.selectFrom('digitalpost_notifications').selectAll().where('id', '=', id);
  return (await (platform.db.engine === 'postgres' ? q.forUpdate() : q).executeTakeFirst()) as NotificationRow | undefined;
}

async function findLetter(trx: Kysely<any>, id: string): Promise<LetterRow | undefined> {
  return (await trx.selectFrom('digitalpost_letters').selectAll().where('id', '=', id).executeTakeFirst()) as LetterRow | undefined;
}

/**
 * Hands one due row to the outbox in one transaction. Returns `'handed-over'`, `'cancelled'`,
 * the number of rows failed, or `'gone'` when another run took the row first.
 */
async function handOver(platform: Platform, id: string, now: number): Promise<'handed-over' | 'cancelled' | 'gone' | number> {
  return platform.db.kysely.transaction().execute(async (trx) => {
    const row = await lockRow(platform, trx, id);
    if (!row || row.state !== 'VENTER' || row.outbox_id !== null) return 'gone';
    const letter = await findLetter(trx, row.letter_id);
    if (!letter) {
      await setState(trx, row.id, { state: 'FEILET', beskrivelse: 'Brevet finnes ikke lenger', updated_at: now });
      return 1;
    }
    if (letter.opened_at !== null) {
      await setState(trx, row.id, { state: 'AVBRUTT', beskrivelse: 'Brevet er åpnet: varselet sendes ikke', updated_at: now });
      return 'cancelled';
    }
    const names = CHANNEL_NAME[row.kanal];
    if (row.address === null) {
      return failChannel(platform, trx, letter, row.kanal, `${names.notice} ble ikke sendt: verken meldingen eller Kontaktregisteret har ${names.anAddress}`, now);
    }
    let outboxId: string;
    try {
      const sent =
        row.kanal === 'epost'
          ? await platform.outbox.sendEmail(
              { to: row.address, subject: emailSubject(letterFacts(platform, letter)), text: row.text, component: OUTBOX_COMPONENT, idempotencyKey: row.id },
              trx,
            )
          : await platform.outbox.sendSms({ to: row.address, text: row.text, component: OUTBOX_COMPONENT, idempotencyKey: row.id }, trx);
      outboxId = sent.id;
    } catch (err) {
      // The outbox checks address and text before it writes anything, so the transaction is intact.
      if (!(err instanceof AppError) || !err.code.startsWith('OUTBOX_')) throw err;
      const what = err.code === 'OUTBOX_INVALID_RECIPIENT' ? `${names.theAddress} er ugyldig` : `teksten ble avvist (${err.message})`;
      return failChannel(platform, trx, letter, row.kanal, `${names.notice} ble ikke sendt: ${what}`, now);
    }
    await trx
      .updateTable('digitalpost_notifications')
      .set({ outbox_id: outboxId, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    return 'handed-over';
  });
}

/** Records the outbox's verdict on one handed-over row in one transaction. */
async function recordVerdict(platform: Platform, id: string, now: number): Promise<'sent' | 'failed' | 'gone'> {
  return platform.db.kysely.transaction().execute(async (trx) => {
    const row = await lockRow(platform, trx, id);
    if (!row || row.state !== 'VENTER' || row.outbox_id === null) return 'gone';
    const outbox = (await trx.selectFrom('platform_outbox').select(['status', 'error']).where('id', '=', row.outbox_id).executeTakeFirst()) as
      | { status: string; error: string | null }
      | undefined;
    const status = outbox?.status ?? 'failed';
    if (status === 'sent' || status === 'stored') {
      await setState(trx, row.id, { state: 'SENDT', updated_at: now });
      return 'sent';
    }
    if (status === 'queued' && Number(row.updated_at) >= now - DELIVERY_CONFIRMATION_TIMEOUT_MS) return 'gone';
    const names = CHANNEL_NAME[row.kanal];
    const reason =
      status === 'queued'
        ? `${names.notice} er ikke bekreftet levert innen ${DELIVERY_CONFIRMATION_TIMEOUT_MS / 3_600_000} timer`
        : `${names.notice} kunne ikke leveres${outbox?.error ? `: ${redact(outbox.error)}` : ''}`;
    await setState(trx, row.id, { state: 'FEILET', beskrivelse: reason, updated_at: now });
    const letter = await findLetter(trx, row.letter_id);
    if (letter && orderedVarsler(letter.varsler)[row.kanal] !== null) await issueVarslingFeilet(platform, trx, letter, row.kanal, reason, now);
    return 'failed';
  });
}

/**
 * An outbox error as it may go to the sender: addresses and phone numbers (an SMTP reply may
 * echo the recipient, who may be the citizen's KRR address) replaced, at most 300 characters.
 */
function redact(error: string): string {
  return error
    .replace(/<?[^\s<>@]+@[^\s<>@]+>?/g, '<adresse>')
    .replace(/\+?\d[\d -]{6,}\d/g, '<nummer>')
    .slice(0, 300);
}

async function setState(trx: Kysely<any>, id: string, values: Partial<Pick<NotificationRow, 'state' | 'beskrivelse' | 'updated_at'>>): Promise<void> {
  await trx.updateTable('digitalpost_notifications').set(values).where('id', '=', id).execute();
}

/**
 * Fails every row of `kanal` of the letter not yet handed over, and, when the sender ordered
 * that channel, issues one `varslingfeiletkvittering`. Returns the number of rows failed.
 */
async function failChannel(platform: Platform, trx: Kysely<any>, letter: LetterRow, kanal: Varslingskanal, beskrivelse: string, now: number): Promise<number> {
  const result = await trx
    .updateTable('digitalpost_notifications')
    .set({ state: 'FEILET', beskrivelse, updated_at: now })
    .where('letter_id', '=', letter.id)
    .where('kanal', '=', kanal)
    .where('state', '=', 'VENTER')
    .where('outbox_id', 'is', null)
    .executeTakeFirst();
  const failed = Number(result.numUpdatedRows);
  if (failed > 0 && orderedVarsler(letter.varsler)[kanal] !== null) await issueVarslingFeilet(platform, trx, letter, kanal, beskrivelse, now);
  return failed;
}

/**
 * Issues a `varslingfeiletkvittering` for the letter's message (fields `varslingskanal`,
 * `beskrivelse`; `issueReceipt` adds `avsender`, `mottaker` and `tidspunkt`). A letter whose
 * message row is gone gets none (logged): there is no one to send it to.
 */
async function issueVarslingFeilet(platform: Platform, trx: Kysely<any>, letter: LetterRow, kanal: Varslingskanal, beskrivelse: string, now: number): Promise<void> {
  const message = (await trx
    .selectFrom('digitalpost_messages')
    .select(['message_id', 'conversation_id', 'sender_orgnr', 'receiver_orgnr', 'avsenderidentifikator', 'kanal'])
    .where('message_id', '=', letter.message_id)
    .executeTakeFirst()) as ReceiptSubject | undefined;
  if (!message) {
    platform.log.warn({ component: 'digitalpost', letterId: letter.id }, 'digitalpost notification failed, but the letter has no message to send a varslingfeiletkvittering for');
    return;
  }
  await issueReceipt(platform, trx, { type: 'varslingfeiletkvittering', message, fields: { varslingskanal: kanal, beskrivelse }, now });
}
