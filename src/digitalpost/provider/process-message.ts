/**
 * The receiving provider's handling of a DPI message (the job on `digitalpost.provider`). The
 * provider is a party of its own: it trusts nothing corner 2 checked and verifies everything
 * again, with its own keys:
 *
 * 1. the JWS (test CA, not revoked) and the SBD (schema, header, print addresses), as at
 *    acceptance (`created_at`); the SBD's receiver is this provider;
 * 2. the JWS certificate is the sender's, and the `maskinportentoken` was valid when the message
 *    was accepted (a token that has expired since is fine), has `digitalpostinnbygger:send` and
 *    was issued to the sender;
 * 3. the fingerprint; then the package is decrypted with the provider's keys and the ASiC-E's
 *    XAdES signature verified (`openDokumentpakke`); its signer is the sender;
 * 4. `digital` (a mailbox provider): the mailbox `mottaker.postkasseadresse` (and the
 *    manifest's `personidentifikator`, when the package names one) among the citizens KRR lists
 *    at this provider; the person must be `AKTIV`. In ONE transaction, only while the message is
 *    `MOTTATT`: the letter and its documents are filed, its notifications scheduled, a
 *    `leveringskvittering` issued, the letter counted in the usage statistics
 *    (`digitalpost`/`letter`), the message set `BEHANDLET`. A letter is filed once
 *    (`digitalpost_letters.message_id` is unique; a re-run job finds the message `BEHANDLET`).
 * 5. `utskrift` (the print provider): the PDF is rendered; in one transaction the print job
 *    (`MOTTATT`), a `mottakskvittering`, the message `BEHANDLET` and the follow-up job on
 *    `digitalpost.print` (the letter is posted a little later: `leveringskvittering`, and for an
 *    undeliverable address `returpostkvittering`, see `print-jobs.ts`).
 *
 * Anything that fails a check becomes a `feil` receipt (feiltype `KLIENT` when the sender must
 * fix it, `SERVER` when the provider failed; `detaljer` says why) and the message `FEILET`;
 * nothing is filed. An unexpected error is retried by the job queue; on the job's last attempt
 * it becomes a `feil` with feiltype `SERVER`, so the sender always hears back.
 *
 * @see spec `krr-dpi-esign.md` §2; issue 7 "Mailbox providers"
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findMailbox } from '../../krr/index.ts';
import { AppError } from '../../platform/errors.ts';
import { PermanentJobError, type Job } from '../../platform/jobs/job-queue.ts';
import type { Platform } from '../../platform/platform.ts';
import { findOrganisationName } from '../../registers/index.ts';
import { checkFingerprint } from '../corner2/checks/check-fingerprint.ts';
import { checkMaskinportentoken, tokenVerifierAt } from '../corner2/checks/check-maskinportentoken.ts';
import { checkSbd, type ParsedDpiMessage } from '../corner2/checks/check-sbd.ts';
import { trustedCaPems, verifyForretningsmelding } from '../corner2/accept-message.ts';
import { osloMidnight } from '../corner2/oslo-time.ts';
import { openDokumentpakke, type OpenedDokumentpakke } from '../crypto/index.ts';
import { issueReceipt, type ReceiptSubject } from '../domain/receipts.ts';
import { scheduleNotifications } from '../notifications/index.ts';
import { renderPrintPdf, type Postadresse, type Retur } from '../print/index.ts';
import { digitalpostDb } from '../store/digitalpost-store.ts';
import type { LetterRow, MessageRow } from '../store/tables.ts';
import { providerKeys } from './keys.ts';

/**
 * The usage counter of letters filed in citizens' digital mailboxes: component `digitalpost`,
 * event `letter`, counted once per letter in the filing transaction (step 4).
 */
export const LETTER_STATS_EVENT = 'letter';

/** Queue of the print provider's follow-up (posting) of a print job (payload `{ messageId }`). */
export const PRINT_QUEUE = 'digitalpost.print';

/** Default delay between the print provider's `mottakskvittering` and the posting, in ms. */
export const DEFAULT_PRINT_DELAY_MS = 60_000;

/** Options of the provider's processing. */
export interface ProviderOptions {
  /** Delay of the posting after `mottakskvittering`, ms (default {@link DEFAULT_PRINT_DELAY_MS}). */
  printDelayMs?: number;
}

/** A failed check: becomes a `feil` receipt. */
export class Rejection extends Error {
  readonly feiltype: 'KLIENT' | 'SERVER';
  constructor(feiltype: 'KLIENT' | 'SERVER', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Rejection';
    this.feiltype = feiltype;
  }
}

/** The columns of a message a receipt needs. */
export function receiptSubject(message: Pick<MessageRow, 'message_id' | 'conversation_id' | 'sender_orgnr' | 'receiver_orgnr' | 'avsenderidentifikator' | 'kanal'>): ReceiptSubject {
  return {
    message_id: message.message_id,
    conversation_id: message.conversation_id,
    sender_orgnr: message.sender_orgnr,
    receiver_orgnr: message.receiver_orgnr,
    avsenderidentifikator: message.avsenderidentifikator,
    kanal: message.kanal,
  };
}

/**
 * A check's AppError as a Rejection: a 4xx is the sender's fault (`KLIENT`); an unusable key of
 * the provider's is its own (`SERVER`). Anything else (a database or PKI hiccup, Maskinporten's
 * keys unavailable) is undefined: the job is retried, and becomes a `SERVER` feil only on its
 * last attempt.
 */
function asRejection(err: unknown): Rejection | undefined {
  if (err instanceof Rejection) return err;
  if (!(err instanceof AppError)) return undefined;
  if (err.status < 500) return new Rejection('KLIENT', err.message, { cause: err });
  if (err.code === 'DIGITALPOST_CMS_INVALID_KEY') return new Rejection('SERVER', `The provider's key store is broken: ${err.message}`, { cause: err });
  return undefined;
}

/** Reads the message row inside a transaction, locked on PostgreSQL (SQLite's write transaction is serial). */
async function lockMessage(platform: Platform, trx: Kysely<any>, messageId: string): Promise<MessageRow | undefined> {
  let query = digitalpostDb(trx).selectFrom('digitalpost_messages').selectAll().where('message_id', '=', messageId);
  if (platform.db.engine === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The message's state moves on (and `updated_at`). */
async function setState(trx: Kysely<any>, messageId: string, state: MessageRow['state'], now: number): Promise<void> {
  await digitalpostDb(trx).updateTable('digitalpost_messages').set({ state, updated_at: now }).where('message_id', '=', messageId).execute();
}

/**
 * Verifies a message as its receiving provider (steps 1–3 of the module comment).
 *
 * @returns the parsed message and the opened package
 * @throws Rejection for every failed check
 */
export async function verifyAsProvider(platform: Platform, message: MessageRow): Promise<{ parsed: ParsedDpiMessage; opened: OpenedDokumentpakke }> {
  const at = Number(message.created_at);
  let parsed: ParsedDpiMessage;
  try {
    const verified = await verifyForretningsmelding(platform, message.forretningsmelding, at);
    parsed = checkSbd(verified.payload);
    if (parsed.receiverOrgnr !== message.receiver_orgnr) throw new Rejection('KLIENT', `The message is addressed to 0192:${parsed.receiverOrgnr}, not to this provider (0192:${message.receiver_orgnr})`);
    if (verified.orgnr !== parsed.senderOrgnr) {
      throw new Rejection('KLIENT', `The forretningsmelding is signed by ${verified.orgnr === null ? 'no organisation' : `0192:${verified.orgnr}`}, not by the sender 0192:${parsed.senderOrgnr}`);
    }
    await checkMaskinportentoken(tokenVerifierAt(platform, at), parsed.maskinportentoken, parsed.senderOrgnr);
    checkFingerprint(parsed.dokumentpakkefingeravtrykk, message.dokumentpakke);
  } catch (err) {
    throw asRejection(err) ?? err;
  }
  const keys = await providerKeys(platform, message.receiver_orgnr);
  if (keys.length === 0) throw new Rejection('SERVER', `The provider 0192:${message.receiver_orgnr} has no decryption key`);
  let opened: OpenedDokumentpakke;
  try {
    opened = await openDokumentpakke(message.dokumentpakke, keys, { caCertificatesPem: await trustedCaPems(platform), now: new Date(at) });
  } catch (err) {
    throw asRejection(err) ?? err;
  }
  if (opened.signerOrgnr !== parsed.senderOrgnr) {
    throw new Rejection('KLIENT', `The document package is signed (XAdES) by ${opened.signerOrgnr === null ? 'no organisation' : `0192:${opened.signerOrgnr}`}, not by the sender 0192:${parsed.senderOrgnr}`);
  }
  return { parsed, opened };
}

/**
 * When a letter becomes visible (`digitalpost_letters.visible_from`, epoch ms): its virkning —
 * `virkningstidspunkt`, else `virkningsdato` at 00:00 Europe/Oslo — but never before the provider
 * files it (`now`). A virkning in the past (or none) makes the letter visible at once, dated
 * when it arrived: it sorts as a new letter, and the notifications' repetition days count from
 * then (day 7 is a week after delivery, not due at once).
 *
 * @param body the business message (`digital`), schema-valid
 * @param now the filing time, epoch ms
 * @see schema `innbyggerpost_dpi_digital_1_0` (`virkningstidspunkt`, `virkningsdato`);
 *   `commons.schema.json` `repetisjoner` ("dagerEtter=0 betyr samme dag som virkningsdato")
 */
export function visibleFrom(body: Record<string, any>, now: number): number {
  let virkning = Number.NaN;
  if (typeof body.virkningstidspunkt === 'string') virkning = Date.parse(body.virkningstidspunkt);
  else if (typeof body.virkningsdato === 'string') virkning = osloMidnight(body.virkningsdato);
  return Number.isFinite(virkning) && virkning > now ? virkning : now;
}

/**
 * The job of `digitalpost.provider`: processes one message as its receiving provider (see the
 * module comment). Idempotent: a message that is no longer `MOTTATT` is left alone.
 *
 * @throws PermanentJobError for a payload without a known message; other errors are retried
 */
export async function processMessage(platform: Platform, job: Job, options: ProviderOptions = {}): Promise<void> {
  const messageId = (job.payload as { messageId?: unknown } | null)?.messageId;
  if (typeof messageId !== 'string') throw new PermanentJobError('digitalpost.provider: payload without messageId');
  const k = digitalpostDb(platform.db);
  const message = await k.selectFrom('digitalpost_messages').selectAll().where('message_id', '=', messageId).executeTakeFirst();
  if (!message) throw new PermanentJobError(`digitalpost.provider: no message ${messageId}`);
  if (message.state !== 'MOTTATT') return;
  try {
    const { parsed, opened } = await verifyAsProvider(platform, message);
    if (parsed.type === 'digital') await fileLetter(platform, message, parsed, opened);
    else await takePrintJob(platform, message, parsed, opened, options);
  } catch (err) {
    let rejection = asRejection(err);
    if (!rejection) {
      if (job.attempts < job.maxAttempts) throw err;
      platform.log.error({ err, messageId }, 'digitalpost: a message failed on the provider’s last attempt');
      // The cause stays in the log: the sender sees no internals.
      rejection = new Rejection('SERVER', `The provider could not process the message after ${job.attempts} attempts (internal error; job ${job.id})`, { cause: err });
    }
    await rejectMessage(platform, message, rejection);
  }
}

/**
 * Records a failed message: in one transaction, while it is `MOTTATT`, a `feil` receipt
 * (feiltype and `detaljer` from the rejection) and the state `FEILET`.
 */
export async function rejectMessage(platform: Platform, message: MessageRow, rejection: Rejection, now = Date.now()): Promise<void> {
  await digitalpostDb(platform.db)
    .transaction()
    .execute(async (trx) => {
      const row = await lockMessage(platform, trx, message.message_id);
      if (!row || row.state !== 'MOTTATT') return;
      await issueReceipt(platform, trx, { type: 'feil', message: receiptSubject(row), fields: { feiltype: rejection.feiltype, detaljer: rejection.message }, now });
      await setState(trx, row.message_id, 'FEILET', now);
    });
}

/** Step 4: files a `digital` letter in the citizen's mailbox. */
async function fileLetter(platform: Platform, message: MessageRow, parsed: ParsedDpiMessage, opened: OpenedDokumentpakke): Promise<void> {
  const body = parsed.body;
  const postkasseadresse = String(body.mottaker.postkasseadresse);
  const manifestMottaker = opened.manifest.mottaker;
  if (manifestMottaker?.postkasseadresse !== undefined && manifestMottaker.postkasseadresse !== postkasseadresse) {
    throw new Rejection('KLIENT', `The package's manifest names the mailbox ${JSON.stringify(manifestMottaker.postkasseadresse)}, the message ${JSON.stringify(postkasseadresse)}`);
  }
  const personidentifikator = manifestMottaker?.personidentifikator ?? (typeof body.mottaker.personidentifikator === 'string' ? body.mottaker.personidentifikator : undefined);
  const mailbox = await findMailbox(platform.db, { providerOrgnr: message.receiver_orgnr, postkasseadresse, ...(personidentifikator === undefined ? {} : { personidentifikator }) });
  if (!mailbox) {
    throw new Rejection(
      'KLIENT',
      `No mailbox ${JSON.stringify(postkasseadresse)}${personidentifikator === undefined ? '' : ' of the person named in the package'} at the provider 0192:${message.receiver_orgnr}`,
    );
  }
  if (mailbox.status !== 'AKTIV') throw new Rejection('KLIENT', `The owner of the mailbox ${JSON.stringify(postkasseadresse)} is ${mailbox.status} in KRR`);
  const senderName = (await findOrganisationName(platform.db, parsed.senderOrgnr)) ?? `0192:${parsed.senderOrgnr}`;
  const now = Date.now();
  const letter: LetterRow = {
    id: randomUUID(),
    message_id: message.message_id,
    conversation_id: message.conversation_id,
    provider_orgnr: message.receiver_orgnr,
    postkasseadresse,
    personidentifikator: mailbox.personidentifikator,
    sender_orgnr: parsed.senderOrgnr,
    sender_name: senderName.slice(0, 255),
    avsenderidentifikator: parsed.avsenderidentifikator,
    ikkesensitivtittel: String(body.ikkesensitivtittel),
    spraak: String(body.spraak).toLowerCase(),
    sikkerhetsnivaa: Number(body.sikkerhetsnivaa),
    visible_from: visibleFrom(body, now),
    aapningskvittering: body.aapningskvittering === true ? 1 : 0,
    opened_at: null,
    varsler: body.varsler === undefined ? null : JSON.stringify(body.varsler),
    created_at: now,
  };
  await digitalpostDb(platform.db)
    .transaction()
    .execute(async (trx) => {
      const row = await lockMessage(platform, trx, message.message_id);
      if (!row || row.state !== 'MOTTATT') return;
      const inserted = await trx
        .insertInto('digitalpost_letters')
        .values(letter)
        .onConflict((oc) => oc.column('message_id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) {
        // Usage statistics (issue 8): one letter filed in a digital mailbox, counted with it.
        await platform.stats.increment('digitalpost', LETTER_STATS_EVENT, 1, { executor: trx, at: now });
        await trx
          .insertInto('digitalpost_documents')
          .values(
            opened.documents.map((d, position) => ({
              letter_id: letter.id,
              position,
              filename: d.filename,
              mime_type: d.mimeType,
              tittel: d.tittel,
              hoveddokument: d.hoveddokument ? 1 : 0,
              content: Buffer.from(d.content.buffer, d.content.byteOffset, d.content.byteLength),
              size: d.content.byteLength,
            })),
          )
          .execute();
        await scheduleNotifications(platform, trx, letter, now);
        await issueReceipt(platform, trx, { type: 'leveringskvittering', message: receiptSubject(row), now });
      }
      await setState(trx, row.message_id, 'BEHANDLET', now);
    });
}

/** Step 5: the print provider takes an `utskrift` letter. */
async function takePrintJob(platform: Platform, message: MessageRow, parsed: ParsedDpiMessage, opened: OpenedDokumentpakke, options: ProviderOptions): Promise<void> {
  const body = parsed.body;
  const senderName = (await findOrganisationName(platform.db, parsed.senderOrgnr)) ?? `0192:${parsed.senderOrgnr}`;
  const now = Date.now();
  const { pdf, pages } = await renderPrintPdf({
    mottaker: body.mottaker as Postadresse,
    retur: body.retur as Retur,
    avsenderNavn: senderName,
    documents: opened.documents.map((d) => ({ filename: d.filename, mimeType: d.mimeType, content: d.content, tittel: d.tittel })),
    utskriftstype: body.utskriftstype,
    posttype: body.posttype ?? null,
    now: new Date(now),
  });
  await digitalpostDb(platform.db)
    .transaction()
    .execute(async (trx) => {
      const row = await lockMessage(platform, trx, message.message_id);
      if (!row || row.state !== 'MOTTATT') return;
      const inserted = await trx
        .insertInto('digitalpost_print_jobs')
        .values({
          message_id: message.message_id,
          conversation_id: message.conversation_id,
          sender_orgnr: parsed.senderOrgnr,
          mottaker: JSON.stringify(body.mottaker),
          retur: JSON.stringify(body.retur),
          utskriftstype: String(body.utskriftstype),
          posttype: typeof body.posttype === 'string' ? body.posttype : null,
          pdf: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength),
          pages,
          state: 'MOTTATT',
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .returning('message_id')
        .executeTakeFirst();
      if (inserted) {
        await issueReceipt(platform, trx, { type: 'mottakskvittering', message: receiptSubject(row), now });
        await platform.jobs.enqueue(
          { queue: PRINT_QUEUE, payload: { messageId: message.message_id }, idempotencyKey: `${PRINT_QUEUE}:${message.message_id}`, delayMs: options.printDelayMs ?? DEFAULT_PRINT_DELAY_MS },
          trx,
        );
      }
      await setState(trx, row.message_id, 'BEHANDLET', now);
    });
}
