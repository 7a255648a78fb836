import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../platform/config.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { AppError } from '../../platform/errors.ts';
import { JobQueue, jobsMigrations } from '../../platform/jobs/job-queue.ts';
import type { Platform } from '../../platform/platform.ts';
import { registersComponent } from '../index.ts';
import { registersMigrations } from '../store/migrations.ts';
import { countRows } from '../store/registers-store.ts';
import type { RegistersDb } from '../store/tables.ts';
import { FIXED_ORGANISATIONS } from './public-agencies.ts';
import { checkRegistersReady, SEED_JOB_DELAY_MS, SEED_JOB_QUEUE } from './first-start-seed.ts';
import { getSeedStatus, SEED_STALE_MS, seedPopulation } from './population.ts';

const migrations = [
  { component: 'platform_jobs', migrations: jobsMigrations },
  { component: 'registers', migrations: registersMigrations },
];

/** One process's platform: its own job queue (worker id) on the shared database, and its log lines. */
interface TestProcess {
  platform: Platform;
  jobs: JobQueue;
  logs: Array<{ level: number; msg: string; [key: string]: unknown }>;
}

function startProcess(db: TestDatabase, name: string, env: Record<string, string> = {}): TestProcess {
  const logs: TestProcess['logs'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);
  const jobs = new JobQueue(db, { leaseMs: 30_000, pollIntervalMs: 60_000, concurrency: 2, log, workerId: name });
  const config = loadConfig({}, { SEED_PERSONS: '200', SEED_ORGS: '40', SEED: 'first-start', ...env });
  const platform = { config, db, log, jobs, components: [registersComponent] } as unknown as Platform;
  return { platform, jobs, logs };
}

/** Another process is seeding: an unfinished seed-state row (with a few rows written) whose heartbeat is fresh. */
async function anotherProcessSeeding(db: TestDatabase): Promise<void> {
  await seedPopulation(db, { persons: 30, orgs: 0, seed: 'first-start' });
  await (db.kysely as RegistersDb).updateTable('registers_seed_state').set({ completed_at: null, heartbeat_at: Date.now() }).execute();
}

/** That process was SIGKILLed: its heartbeat is older than the 60 s window. */
async function itCrashed(db: TestDatabase): Promise<void> {
  await (db.kysely as RegistersDb)
    .updateTable('registers_seed_state')
    .set({ heartbeat_at: Date.now() - SEED_STALE_MS - 1000 })
    .execute();
}

/** Moves the seed job's run time to now, as if its delay had passed. */
async function makeSeedJobDue(db: TestDatabase): Promise<void> {
  await db.kysely.updateTable('platform_jobs').set({ run_at: Date.now() - 1 }).where('queue', '=', SEED_JOB_QUEUE).execute();
}

async function readiness(p: TestProcess): Promise<AppError | 'UP'> {
  try {
    await registersComponent.checkHealth!(p.platform);
    return 'UP';
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    return err;
  }
}

for (const engine of testEngines()) {
  describe(`registers first start, seed job and readiness on ${engine}`, () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase(engine, migrations);
    });
    afterEach(async () => {
      await db.close();
    });

    it('logs "seeding N persons and M organisations…" before a first-start seed and the duration when done', async () => {
      const a = startProcess(db, 'a');
      await registersComponent.onStart!(a.platform);
      const messages = a.logs.map((l) => l.msg);
      const start = messages.indexOf('seeding 200 persons and 40 organisations…');
      const done = messages.findIndex((m) => /^seeded the registers in \d+\.\d s$/.test(m));
      assert.ok(start >= 0, `no start line in ${JSON.stringify(messages)}`);
      assert.ok(done > start, `no done line after the start line in ${JSON.stringify(messages)}`);
      assert.equal(typeof a.logs[done]!.ms, 'number');
      assert.equal(a.logs[done]!.persons, 200);
      const rows = await countRows(db);
      assert.equal(rows.persons, 200);
      assert.equal(rows.organisations, 40 + FIXED_ORGANISATIONS.length);
      assert.equal((await getSeedStatus(db)).state, 'complete');
      assert.deepEqual(await a.jobs.list({ queue: SEED_JOB_QUEUE }), [], 'a process that seeds itself enqueues no seed job');
    });

    it('is DOWN with REGISTERS_NOT_READY (503) while another process is seeding or its seed crashed, UP on a complete seed', async () => {
      const b = startProcess(db, 'b');
      assert.equal(await readiness(b), 'UP', 'an empty database is not an unfinished seed');
      await anotherProcessSeeding(db);
      const seeding = await readiness(b);
      assert.ok(seeding instanceof AppError);
      assert.equal(seeding.code, 'REGISTERS_NOT_READY');
      assert.equal(seeding.status, 503);
      assert.match(seeding.message, /^The registers are being seeded \(seed "first-start", started \d{4}-\d\d-\d\dT/);
      await itCrashed(db);
      const crashed = await readiness(b);
      assert.ok(crashed instanceof AppError);
      assert.equal(crashed.code, 'REGISTERS_NOT_READY');
      assert.match(crashed.message, /^A seed of the registers stopped unfinished .*registers\.seed job/);
      await (db.kysely as RegistersDb).updateTable('registers_seed_state').set({ completed_at: Date.now() }).execute();
      assert.equal(await readiness(b), 'UP');
      await checkRegistersReady(db);
    });

    it('enqueues one delayed registers.seed job when another process is seeding, however many processes start, and changes no rows', async () => {
      await anotherProcessSeeding(db);
      const before = await countRows(db);
      const b = startProcess(db, 'b');
      const c = startProcess(db, 'c');
      const enqueuedAfter = Date.now();
      await registersComponent.onStart!(b.platform);
      await registersComponent.onStart!(c.platform);
      assert.deepEqual(await countRows(db), before);
      assert.ok(b.logs.some((l) => /^another process is seeding the registers/.test(l.msg)));
      const jobs = await b.jobs.list({ queue: SEED_JOB_QUEUE });
      assert.equal(jobs.length, 1);
      const job = jobs[0]!;
      assert.equal(job.state, 'queued');
      const startedAt = (await getSeedStatus(db)) as { startedAt: number };
      assert.equal(job.idempotencyKey, `registers.seed:${startedAt.startedAt}`);
      assert.ok(job.runAt >= enqueuedAfter + SEED_JOB_DELAY_MS, 'due only after the heartbeat window');
      assert.ok(SEED_JOB_DELAY_MS > SEED_STALE_MS);
      assert.equal(await b.jobs.runDue(), 0, 'not due yet');
    });

    it('restarts a seed whose process crashed from the registers.seed job, and readiness turns UP', async () => {
      // The clean result to compare with.
      await seedPopulation(db, { persons: 200, orgs: 40, seed: 'first-start' });
      const clean = await countRows(db);
      const cleanPids = (await (db.kysely as RegistersDb).selectFrom('registers_persons').select('pid').orderBy('pid').execute()).map((r) => r.pid);
      await db.close();
      db = await createTestDatabase(engine, migrations);

      await anotherProcessSeeding(db);
      const b = startProcess(db, 'b');
      await registersComponent.onStart!(b.platform);
      await itCrashed(db);
      assert.equal((await readiness(b)) === 'UP', false);

      await makeSeedJobDue(db);
      assert.equal(await b.jobs.runDue(), 1);
      const [job] = await b.jobs.list({ queue: SEED_JOB_QUEUE });
      assert.equal(job?.state, 'succeeded');
      assert.equal((await getSeedStatus(db)).state, 'complete');
      assert.deepEqual(await countRows(db), clean);
      const pids = (await (db.kysely as RegistersDb).selectFrom('registers_persons').select('pid').orderBy('pid').execute()).map((r) => r.pid);
      assert.deepEqual(pids, cleanPids);
      assert.equal(await readiness(b), 'UP');
      assert.ok(b.logs.some((l) => l.msg === 'seeding 200 persons and 40 organisations…' && l.restartedCrashedSeed === true));
    });

    it('fails the registers.seed job (retried with backoff) while the other process is alive, then ends without seeding once that seed completed', async () => {
      await anotherProcessSeeding(db);
      const b = startProcess(db, 'b');
      await registersComponent.onStart!(b.platform);
      await makeSeedJobDue(db);
      const before = await countRows(db);
      const ranAt = Date.now();
      assert.equal(await b.jobs.runDue(), 1);
      const [retrying] = await b.jobs.list({ queue: SEED_JOB_QUEUE });
      assert.equal(retrying?.state, 'queued');
      assert.equal(retrying?.attempts, 1);
      assert.match(retrying?.lastError ?? '', /Another process is still seeding the registers/);
      assert.ok((retrying?.runAt ?? 0) > ranAt, 'retried later, not at once');
      assert.deepEqual(await countRows(db), before);

      // The other process finishes its seed.
      await (db.kysely as RegistersDb).updateTable('registers_seed_state').set({ completed_at: Date.now() }).execute();
      await makeSeedJobDue(db);
      assert.equal(await b.jobs.runDue(), 1);
      const [done] = await b.jobs.list({ queue: SEED_JOB_QUEUE });
      assert.equal(done?.state, 'succeeded');
      assert.deepEqual(await countRows(db), before);
      assert.ok(!b.logs.some((l) => /^seeding /.test(l.msg)), 'nothing was seeded');
    });

    it('runs the registers.seed job in any process that started, not only the one that enqueued it', async () => {
      await anotherProcessSeeding(db);
      const b = startProcess(db, 'b');
      await registersComponent.onStart!(b.platform);
      await itCrashed(db);
      // A third process starts after the crash: it restarts the seed itself in onStart…
      const c = startProcess(db, 'c');
      await registersComponent.onStart!(c.platform);
      assert.equal((await getSeedStatus(db)).state, 'complete');
      // …and the pending job, run by that process, finds the seed complete.
      await makeSeedJobDue(db);
      const before = await countRows(db);
      assert.equal(await c.jobs.runDue(), 1);
      const [job] = await c.jobs.list({ queue: SEED_JOB_QUEUE });
      assert.equal(job?.state, 'succeeded');
      assert.equal(job?.leasedBy, 'c');
      assert.deepEqual(await countRows(db), before);
    });
  });
}
