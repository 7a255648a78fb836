/**
 * The scheduled health check on both engines: each run stores one row per served component and
 * one for the database; two platforms on one database run it once per slot; old checks are
 * purged after 400 days.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { createPlatform, type RunningPlatform } from '../boot.ts';
import type { Component } from '../component.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { listHealthChecks, recordHealthChecks, type HealthCheck } from './health-checks.ts';
import { runStatusCheck, slotOf, STATUS_CHECK_INTERVAL_MS, STATUS_CHECK_QUEUE, STATUS_RETENTION_MS } from './status-jobs.ts';

const DAY = 86_400_000;

function fake(name: string, checkHealth?: Component['checkHealth']): Component {
  return {
    name,
    title: { nb: name, en: name },
    description: { nb: name, en: name },
    paths: [`/${name}`],
    migrations: [],
    plugin: async () => {},
    ...(checkHealth ? { checkHealth } : {}),
  };
}

const everything = { from: 0, to: Number.MAX_SAFE_INTEGER };

describe('the slot a check stands for', () => {
  it('is the slot the job was scheduled for while that slot lasts', () => {
    assert.equal(slotOf(120_500, 60_000, 120_000), 120_000);
    assert.equal(slotOf(179_999, 60_000, 120_000), 120_000);
  });

  it('is the slot the check runs in when the job runs after its slot ended (processes were down)', () => {
    assert.equal(slotOf(600_001, 60_000, 120_000), 600_000);
    assert.equal(slotOf(600_001, 60_000), 600_000);
  });
});

for (const engine of testEngines()) {
  describe(`scheduled health checks on ${engine}`, () => {
    let t: TestPlatform | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('stores one row per served component and one for the database per run, with the failure message', async () => {
      const components = [
        fake('healthy', async () => {}),
        fake('failing', async () => {
          throw new Error('down on purpose');
        }),
        fake('unchecked'),
      ];
      t = await createTestPlatform(engine, components);
      const scheduled = await t.platform.jobs.list({ queue: STATUS_CHECK_QUEUE });
      assert.equal(scheduled.length, 1, 'scheduled at start');

      await t.platform.jobs.runDue();
      const rows = await listHealthChecks(t.platform.db, everything);
      assert.deepEqual(rows.map((r) => [r.component, r.state, r.error]).sort(), [
        ['database', 'UP', null],
        ['failing', 'DOWN', 'down on purpose'],
        ['healthy', 'UP', null],
        ['unchecked', 'UP', null],
      ]);
      const [first] = rows;
      assert.ok(first);
      for (const r of rows) {
        assert.equal(r.slotAt, first.slotAt, 'one slot per run');
        assert.equal(r.intervalMs, STATUS_CHECK_INTERVAL_MS);
        assert.equal(r.slotAt % STATUS_CHECK_INTERVAL_MS, 0);
        assert.ok(r.checkedAt >= r.slotAt && r.checkedAt < r.slotAt + STATUS_CHECK_INTERVAL_MS);
      }
      const jobs = await t.platform.jobs.list({ queue: STATUS_CHECK_QUEUE });
      assert.equal(jobs.filter((j) => j.state === 'succeeded').length, 1);
      const next = jobs.filter((j) => j.state === 'queued');
      assert.equal(next.length, 1, 'the run scheduled the next slot');
      assert.ok(next[0]!.runAt > first.slotAt);
    });

    it('writes nothing when a slot is run a second time (a worker died after writing)', async () => {
      t = await createTestPlatform(engine, [fake('healthy', async () => {})]);
      const slotAt = Math.floor(Date.now() / STATUS_CHECK_INTERVAL_MS) * STATUS_CHECK_INTERVAL_MS;
      const first = await runStatusCheck(t.platform, { slotAt, now: () => slotAt + 1 });
      assert.equal(first.length, 2);
      const again = await runStatusCheck(t.platform, { slotAt, now: () => slotAt + 2 });
      assert.deepEqual(again, []);
      assert.equal((await listHealthChecks(t.platform.db, everything)).length, 2);
    });

    it('purges checks older than 400 days and keeps the rest', async () => {
      t = await createTestPlatform(engine, []);
      const now = Date.now();
      const old: HealthCheck = { component: 'old', slotAt: now - STATUS_RETENTION_MS - DAY, intervalMs: 60_000, checkedAt: 0, state: 'UP', error: null };
      const kept: HealthCheck = { ...old, slotAt: now - STATUS_RETENTION_MS + DAY };
      await recordHealthChecks(t.platform.db, [old, kept]);
      await t.platform.jobs.runDue();
      const left = await listHealthChecks(t.platform.db, { ...everything, component: 'old' });
      assert.deepEqual(
        left.map((r) => r.slotAt),
        [kept.slotAt],
      );
    });
  });

  describe(`two platforms on one ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite file'}`, () => {
    let db: TestDatabase | undefined;
    const platforms: RunningPlatform[] = [];
    afterEach(async () => {
      for (const p of platforms.splice(0)) await p.close();
      await db?.close();
      db = undefined;
    });

    it('run the scheduled check once per slot', async () => {
      // Slots are wall-clock minutes: start clear of a minute boundary, so the slot scheduled at
      // start and the one forced below cannot fall into the same minute.
      const toBoundary = STATUS_CHECK_INTERVAL_MS - (Date.now() % STATUS_CHECK_INTERVAL_MS);
      if (toBoundary < 10_000) await new Promise((r) => setTimeout(r, toBoundary + 100));
      db = await createTestDatabase(engine, [], { file: true });
      let runs = 0;
      const counted = fake('counted', async () => {
        runs++;
      });
      const components = [counted, fake('other', async () => {})];
      const config = loadConfig({ JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', DATABASE_URL: db.url });
      const log = pino({ level: 'silent' });
      // Each platform has its own connection (pool), as two processes would.
      for (let i = 0; i < 2; i++) {
        const own = await openDatabase(db.url);
        platforms.push(await createPlatform({ config, components, db: own, log }));
      }
      const [a, b] = platforms as [RunningPlatform, RunningPlatform];
      const jobs = () => a.jobs.list({ queue: STATUS_CHECK_QUEUE });
      const keys = (await jobs()).map((j) => j.idempotencyKey);
      assert.equal(new Set(keys).size, keys.length, 'both starts scheduled the same slot: one job');

      // PostgreSQL: both race for the due job. SQLite: one after the other — node:sqlite waits
      // for a lock synchronously, so two connections in one process cannot wait on each other
      // (across processes the job queue's own process test covers it).
      const runBoth = async () => {
        if (engine === 'postgres') await Promise.all([a.jobs.runDue(), b.jobs.runDue()]);
        else for (const p of [b, a]) await p.jobs.runDue();
      };
      await runBoth();
      // The next slot, due now as if a minute had passed; both platforms race for it.
      await a.db.kysely.updateTable('platform_jobs').set({ run_at: 0 }).where('queue', '=', STATUS_CHECK_QUEUE).where('state', '=', 'queued').execute();
      await runBoth();

      const rows = await listHealthChecks(a.db, everything);
      const slots = new Map<number, string[]>();
      for (const r of rows) slots.set(r.slotAt, [...(slots.get(r.slotAt) ?? []), r.component]);
      assert.ok(slots.size >= 2, `two slots checked, got ${slots.size}`);
      for (const [slot, names] of slots) assert.deepEqual(names.sort(), ['counted', 'database', 'other'], `slot ${slot}: one row per component`);
      const succeeded = (await jobs()).filter((j) => j.state === 'succeeded');
      assert.equal(succeeded.length, slots.size, 'one job run per slot');
      assert.equal(runs, slots.size, 'each component was checked once per slot, by one of the two platforms');
      const workers = new Set(succeeded.map((j) => j.leasedBy));
      assert.ok([...workers].every((w) => w === a.jobs.workerId || w === b.jobs.workerId));
    });
  });
}
