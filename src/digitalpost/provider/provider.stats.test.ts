/**
 * The usage counter of Digital postkasse (`digitalpost`/`letter`, the statistics page's
 * "letters sent to digital mailboxes"): counted once per letter, in the provider's filing
 * transaction. A re-run job, two workers at once, a letter that fails the provider's checks, a
 * print letter and a filing transaction that rolls back count nothing more. On both databases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { testEngines } from '../../platform/db/testing.ts';
import type { Job } from '../../platform/jobs/job-queue.ts';
import { acceptMessage, DPI_SCOPE, PROVIDER_QUEUE } from '../corner2/index.ts';
import { buildMessage, createDpiTestPlatform, DIGDIR, EBOKS_ORGNR, type TestPlatform } from '../corner2/testing.ts';
import { LETTER_STATS_EVENT, processMessage } from './process-message.ts';

/** A job as the queue hands it to the handler. */
function providerJob(messageId: string, attempts = 1, maxAttempts = 10): Job {
  return { id: randomUUID(), queue: PROVIDER_QUEUE, payload: { messageId }, attempts, maxAttempts, idempotencyKey: null, createdAt: Date.now(), runAt: Date.now(), expiresAt: null };
}

for (const engine of testEngines()) {
  describe(`Digital postkasse usage counter on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createDpiTestPlatform(engine);
    });
    after(async () => t?.close());

    const db = () => t.platform.db.kysely;

    /** Letters counted, all days. */
    async function counted(): Promise<number> {
      return (await t.platform.stats.list({ component: 'digitalpost', event: LETTER_STATS_EVENT })).reduce((n, r) => n + r.count, 0);
    }

    /** A digital letter accepted by corner 2 (its provider job not run). */
    async function accepted(options: Parameters<typeof buildMessage>[1] = {}): Promise<string> {
      const message = await buildMessage(t.platform, options);
      await acceptMessage(t.platform, { consumerOrgnr: DIGDIR, scopes: [DPI_SCOPE], ...message });
      return message.messageId;
    }

    async function letters(messageId: string): Promise<number> {
      return (await db().selectFrom('digitalpost_letters').select('id').where('message_id', '=', messageId).execute()).length;
    }

    it('counts a filed letter once; a re-run of the job counts nothing more', async () => {
      const before = await counted();
      const id = await accepted();
      assert.equal(await counted(), before, 'accepted by corner 2 is not filed yet');
      await processMessage(t.platform, providerJob(id));
      assert.equal(await letters(id), 1);
      assert.equal(await counted(), before + 1);
      await processMessage(t.platform, providerJob(id));
      assert.equal(await counted(), before + 1);
    });

    it('counts once when two workers file the same letter at the same time', async () => {
      const before = await counted();
      const id = await accepted({ receiver: EBOKS_ORGNR });
      await Promise.all([processMessage(t.platform, providerJob(id)), processMessage(t.platform, providerJob(id))]);
      assert.equal(await letters(id), 1);
      assert.equal(await counted(), before + 1);
    });

    it('counts nothing for a letter the provider refuses, nor for a print letter', async () => {
      const before = await counted();
      const refused = await accepted({ mottaker: { postkasseadresse: 'finnes.ikke#0000' } });
      await processMessage(t.platform, providerJob(refused));
      assert.equal(await letters(refused), 0);
      const print = await accepted({ type: 'utskrift' });
      await processMessage(t.platform, providerJob(print));
      assert.equal(await counted(), before);
    });

    it('counts nothing when the filing transaction rolls back, and once when the job runs again', async () => {
      const before = await counted();
      const id = await accepted();
      // Issuing the leveringskvittering fails inside the filing transaction, after the count.
      await sql`alter table digitalpost_receipts rename to digitalpost_receipts_away`.execute(db());
      try {
        await assert.rejects(processMessage(t.platform, providerJob(id, 1, 3)));
      } finally {
        await sql`alter table digitalpost_receipts_away rename to digitalpost_receipts`.execute(db());
      }
      assert.equal(await letters(id), 0, 'rolled back');
      assert.equal(await counted(), before, 'the count rolled back with the letter');
      await processMessage(t.platform, providerJob(id, 2, 3));
      assert.equal(await letters(id), 1);
      assert.equal(await counted(), before + 1);
    });
  });
}
