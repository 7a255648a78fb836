import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { Stats, statsMigrations } from './stats.ts';

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
  });
}
