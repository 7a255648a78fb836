import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { Stats, statsMigrations } from './stats.ts';

/** The counter rows as stored, without flushing any buffer. */
async function storedRows(db: TestDatabase): Promise<Array<{ component: string; event: string; day: string; count: number }>> {
  const rows = await db.kysely.selectFrom('platform_stats').selectAll().orderBy('day').orderBy('event').execute();
  return rows.map((r) => ({ component: r.component, event: r.event, day: r.day, count: Number(r.count) }));
}

for (const engine of testEngines()) {
  describe(`usage statistics on ${engine}`, () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase(engine, [{ component: 'platform', migrations: statsMigrations }]);
    });
    afterEach(() => db.close());

    it('adds increments of the same component, event and day into one counter', async () => {
      const stats = new Stats(db);
      const at = Date.UTC(2026, 10, 29, 23, 59);
      await stats.increment('krr', 'lookup', 1, { at });
      await stats.increment('krr', 'lookup', 999, { at });
      await Promise.all(Array.from({ length: 20 }, () => stats.increment('krr', 'lookup', 1, { at })));
      await stats.increment('krr', 'lookup', 1, { at: at + 60_000 });
      assert.deepEqual(await stats.list({ component: 'krr' }), [
        { component: 'krr', event: 'lookup', day: '2026-11-29', count: 1020 },
        { component: 'krr', event: 'lookup', day: '2026-11-30', count: 1 },
      ]);
    });

    it('sums days into years', async () => {
      const stats = new Stats(db);
      await stats.increment('idporten', 'login', 5, { at: Date.UTC(2025, 0, 1) });
      await stats.increment('idporten', 'login', 7, { at: Date.UTC(2025, 11, 31) });
      await stats.increment('idporten', 'login', 2, { at: Date.UTC(2026, 0, 1) });
      const totals = (await stats.totalsByYear()).sort((a, b) => a.year.localeCompare(b.year));
      assert.deepEqual(totals, [
        { year: '2025', component: 'idporten', event: 'login', count: 12 },
        { year: '2026', component: 'idporten', event: 'login', count: 2 },
      ]);
    });

    it('rejects a bad counter name or amount with PLATFORM_STATS_INVALID and writes nothing', async () => {
      const stats = new Stats(db);
      await assert.rejects(stats.increment('KRR', 'lookup'), { code: 'PLATFORM_STATS_INVALID' });
      await assert.rejects(stats.increment('krr', 'lookup', 0), { code: 'PLATFORM_STATS_INVALID' });
      await assert.rejects(stats.increment('krr', 'lookup', 1.5), { code: 'PLATFORM_STATS_INVALID' });
      assert.deepEqual(await stats.list(), []);
    });

    it('rolls back with the transaction it counted in', async () => {
      const stats = new Stats(db);
      await assert.rejects(
        db.kysely.transaction().execute(async (trx) => {
          await stats.increment('krr', 'lookup', 3, { executor: trx });
          throw new Error('abort');
        }),
        /abort/,
      );
      assert.deepEqual(await stats.list(), []);
    });

    describe('buffered counters', () => {
      const at = Date.UTC(2026, 10, 29, 12);
      const nextDay = Date.UTC(2026, 10, 30, 1);

      it('keeps incrementBuffered counts in memory and writes one row per counter and day on flush', async () => {
        const stats = new Stats(db);
        for (let i = 0; i < 250; i++) stats.incrementBuffered('maskinporten', 'token', 1, { at });
        stats.incrementBuffered('maskinporten', 'token', 5, { at: nextDay });
        stats.incrementBuffered('krr', 'lookup', 2, { at });
        assert.deepEqual(await storedRows(db), [], 'nothing written before the flush');
        await stats.flush();
        assert.deepEqual(await storedRows(db), [
          { component: 'krr', event: 'lookup', day: '2026-11-29', count: 2 },
          { component: 'maskinporten', event: 'token', day: '2026-11-29', count: 250 },
          { component: 'maskinporten', event: 'token', day: '2026-11-30', count: 5 },
        ]);
        stats.incrementBuffered('maskinporten', 'token', 1, { at });
        await stats.increment('maskinporten', 'token', 10, { at });
        await stats.flush();
        await stats.flush();
        assert.equal((await storedRows(db)).find((r) => r.component === 'maskinporten' && r.day === '2026-11-29')?.count, 261);
        await stats.close();
      });

      it('includes this process\'s buffered counts in list and totalsByYear', async () => {
        const stats = new Stats(db);
        stats.incrementBuffered('maskinporten', 'token', 3, { at });
        assert.deepEqual(await stats.list({ component: 'maskinporten' }), [
          { component: 'maskinporten', event: 'token', day: '2026-11-29', count: 3 },
        ]);
        stats.incrementBuffered('maskinporten', 'token', 4, { at });
        assert.deepEqual(await stats.totalsByYear(), [{ year: '2026', component: 'maskinporten', event: 'token', count: 7 }]);
        await stats.close();
      });

      it('writes the buffered counts on close, for every other reader of the database', async () => {
        const stats = new Stats(db);
        stats.incrementBuffered('maskinporten', 'token', 1, { at });
        stats.incrementBuffered('maskinporten', 'token', 1, { at });
        await stats.close();
        assert.deepEqual(await new Stats(db).list(), [{ component: 'maskinporten', event: 'token', day: '2026-11-29', count: 2 }]);
      });

      it('writes the buffered counts by itself after the flush interval', async () => {
        const stats = new Stats(db, { flushIntervalMs: 20 });
        stats.incrementBuffered('maskinporten', 'token', 6, { at });
        for (let i = 0; i < 500 && (await storedRows(db)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
        assert.deepEqual(await storedRows(db), [{ component: 'maskinporten', event: 'token', day: '2026-11-29', count: 6 }]);
        await stats.close();
      });

      it('keeps the counts of a failed write and writes them with the next flush', async () => {
        const stats = new Stats(db);
        stats.incrementBuffered('maskinporten', 'token', 2, { at });
        await db.kysely.schema.alterTable('platform_stats').renameTo('platform_stats_away').execute();
        await assert.rejects(stats.flush());
        stats.incrementBuffered('maskinporten', 'token', 1, { at });
        await db.kysely.schema.alterTable('platform_stats_away').renameTo('platform_stats').execute();
        await stats.flush();
        assert.deepEqual(await storedRows(db), [{ component: 'maskinporten', event: 'token', day: '2026-11-29', count: 3 }]);
        await stats.close();
      });

      it('rejects a bad counter name or amount with PLATFORM_STATS_INVALID and buffers nothing', async () => {
        const stats = new Stats(db);
        assert.throws(() => stats.incrementBuffered('Maskinporten', 'token'), { code: 'PLATFORM_STATS_INVALID' });
        assert.throws(() => stats.incrementBuffered('maskinporten', 'token', 0), { code: 'PLATFORM_STATS_INVALID' });
        assert.throws(() => stats.incrementBuffered('maskinporten', 'token', -1), { code: 'PLATFORM_STATS_INVALID' });
        await stats.close();
        assert.deepEqual(await storedRows(db), []);
      });
    });
  });
}
