/**
 * The print provider's posting of a print job (the job on `digitalpost.print`, a little after
 * the `mottakskvittering`): the letter is handed to the (synthetic) postal service, state
 * `POSTLAGT` and a `leveringskvittering` ("physical post was handed to the postal service"). When
 * Grunnmur's postal service returns the letter (`isUndeliverable`: an address with the word
 * "Ukjent" in `adresselinje1`, or postnummer `0000`), a `returpostkvittering` follows at once and
 * the state is `RETURNERT`. One transaction, only while the print job is `MOTTATT`.
 *
 * @see Digdir's schemas `leveringskvittering`, `returpostkvittering`; `print/is-undeliverable.ts`
 */
import { PermanentJobError, type Job } from '../../platform/jobs/job-queue.ts';
import type { Platform } from '../../platform/platform.ts';
import { issueReceipt } from '../domain/receipts.ts';
import { isUndeliverable, type Postadresse } from '../print/index.ts';
import { digitalpostDb } from '../store/digitalpost-store.ts';
import { receiptSubject } from './process-message.ts';

/**
 * Posts one print job (see the module comment). Idempotent: a job no longer `MOTTATT` is left alone.
 *
 * @throws PermanentJobError for a payload without a known print job
 */
export async function postPrintJob(platform: Platform, job: Job, now = Date.now()): Promise<void> {
  const messageId = (job.payload as { messageId?: unknown } | null)?.messageId;
  if (typeof messageId !== 'string') throw new PermanentJobError('digitalpost.print: payload without messageId');
  await digitalpostDb(platform.db)
    .transaction()
    .execute(async (trx) => {
      let query = trx.selectFrom('digitalpost_print_jobs').selectAll().where('message_id', '=', messageId);
      if (platform.db.engine === 'postgres') query = query.forUpdate();
      const printJob = await query.executeTakeFirst();
      if (!printJob) throw new PermanentJobError(`digitalpost.print: no print job ${messageId}`);
      if (printJob.state !== 'MOTTATT') return;
      const message = await trx.selectFrom('digitalpost_messages').selectAll().where('message_id', '=', messageId).executeTakeFirstOrThrow();
      const subject = receiptSubject(message);
      await issueReceipt(platform, trx, { type: 'leveringskvittering', message: subject, now });
      const returned = isUndeliverable(JSON.parse(printJob.mottaker) as Postadresse);
      if (returned) await issueReceipt(platform, trx, { type: 'returpostkvittering', message: subject, now: now + 1 });
      await trx
        .updateTable('digitalpost_print_jobs')
        .set({ state: returned ? 'RETURNERT' : 'POSTLAGT', updated_at: now })
        .where('message_id', '=', messageId)
        .execute();
    });
}
