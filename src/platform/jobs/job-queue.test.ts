import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { AppError } from '../errors.ts';
import { JobQueue, PermanentJobError, jobsMigrations, type Job } from './job-queue.ts';

const log = pino({ level: 'silent' });
const migrations = [{ component: 'platform', migrations: jobsMigrations }];

function queue(db: TestDatabase, options: { leaseMs?: number; pollIntervalMs?: number; concurrency?: number; registry?: Registry } = {}): JobQueue {
  return new JobQueue(db, {
    leaseMs: options.leaseMs ?? 60_000,
    pollIntervalMs: options.pollIntervalMs ?? 60_000,
    concurrency: options.concurrency ?? 4,
    log,
    ...(options.registry ? { metrics: options.registry } : {}),
  });
}

async function countJobs(db: TestDatabase): Promise<number> {
  const row = await db.kysely.selectFrom('platform_jobs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function assertAppError(code: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}

for (const engine of testEngines()) {
  describe(`JobQueue on ${engine}`, () => {
    let db: TestDatabase;
    const queues: JobQueue[] = [];
    beforeEach(async () => {
      db = await createTestDatabase(engine, migrations);
    });
    afterEach(async () => {
      for (const q of queues.splice(0)) await q.stop();
      await db.close();
    });

    it('runs an enqueued job once with its payload and marks it succeeded', async () => {
      const jobs = queue(db);
      const seen: Job[] = [];
      jobs.register('test.echo', async (job) => {
        seen.push(job);
      });
      const { id, created } = await jobs.enqueue({ queue: 'test.echo', payload: { hello: 'verden', n: 1 } });
      assert.equal(created, true);
      assert.equal((await jobs.get(id))?.state, 'queued');

      assert.equal(await jobs.runDue(), 1);
      assert.equal(seen.length, 1);
      assert.deepEqual(seen[0]?.payload, { hello: 'verden', n: 1 });
      assert.equal(seen[0]?.attempts, 1);
      const record = await jobs.get(id);
      assert.equal(record?.state, 'succeeded');
      assert.equal(record?.attempts, 1);
      assert.equal(record?.lastError, null);
      assert.equal(typeof record?.finishedAt, 'number');
      assert.equal(await jobs.runDue(), 0);
    });

    it('does not run a job before its runAt', async () => {
      const jobs = queue(db);
      let ran = 0;
      jobs.register('test.later', async () => {
        ran++;
      });
      await jobs.enqueue({ queue: 'test.later', payload: null, delayMs: 3_600_000 });
      assert.equal(await jobs.runDue(), 0);
      assert.equal(ran, 0);
    });

    it('the started worker loop runs a job enqueued in this process without waiting for the poll interval', async () => {
      const jobs = queue(db, { pollIntervalMs: 600_000 });
      queues.push(jobs);
      jobs.register('test.loop', async () => {});
      jobs.start();
      await sleep(20); // let the first (empty) poll pass, so only the wake-up can run the job
      const { id } = await jobs.enqueue({ queue: 'test.loop', payload: 1 });
      await waitFor(async () => (await jobs.get(id))?.state === 'succeeded', 'the job to succeed');
      await jobs.stop();
    });

    it('retries a failing job with exponential backoff, then dead-letters it after maxAttempts', async () => {
      const jobs = queue(db);
      let calls = 0;
      jobs.register(
        'test.flaky',
        async () => {
          calls++;
          throw new Error(`boom ${calls}`);
        },
        { backoffBaseMs: 60_000, backoffMaxMs: 3_600_000 },
      );
      const { id } = await jobs.enqueue({ queue: 'test.flaky', payload: {}, maxAttempts: 3 });

      let before = Date.now();
      assert.equal(await jobs.runDue(), 1);
      let record = await jobs.get(id);
      assert.equal(record?.state, 'queued');
      assert.equal(record?.attempts, 1);
      assert.equal(record?.lastError, 'boom 1');
      assert.equal(record?.leasedBy, null);
      // attempt 1: base·2^0 = 60 s, jittered to [30 s, 60 s]
      assert.ok(record!.runAt >= before + 30_000 && record!.runAt <= Date.now() + 60_000, `runAt ${record!.runAt - before}`);

      assert.equal(await jobs.runDue(), 0, 'not due before its backoff');
      await db.kysely.updateTable('platform_jobs').set({ run_at: 0 }).where('id', '=', id).execute();
      before = Date.now();
      assert.equal(await jobs.runDue(), 1);
      record = await jobs.get(id);
      assert.equal(record?.state, 'queued');
      assert.equal(record?.attempts, 2);
      // attempt 2: base·2^1 = 120 s, jittered to [60 s, 120 s]
      assert.ok(record!.runAt >= before + 60_000 && record!.runAt <= Date.now() + 120_000, `runAt ${record!.runAt - before}`);

      await db.kysely.updateTable('platform_jobs').set({ run_at: 0 }).where('id', '=', id).execute();
      assert.equal(await jobs.runDue(), 1);
      record = await jobs.get(id);
      assert.equal(record?.state, 'dead');
      assert.equal(record?.attempts, 3);
      assert.equal(record?.lastError, 'boom 3');
      assert.equal(typeof record?.finishedAt, 'number');
      await db.kysely.updateTable('platform_jobs').set({ run_at: 0 }).where('id', '=', id).execute();
      assert.equal(await jobs.runDue(), 0, 'a dead job is never run again');
      assert.equal(calls, 3);
    });

    it('dead-letters at once when the handler throws PermanentJobError', async () => {
      const jobs = queue(db);
      let calls = 0;
      jobs.register('test.permanent', async () => {
        calls++;
        throw new PermanentJobError('recipient does not exist');
      });
      const { id } = await jobs.enqueue({ queue: 'test.permanent', payload: {} });
      assert.equal(await jobs.runDue(), 1);
      const record = await jobs.get(id);
      assert.equal(record?.state, 'dead');
      assert.equal(record?.attempts, 1);
      assert.equal(record?.lastError, 'PermanentJobError: recipient does not exist');
      assert.equal(calls, 1);
    });

    it("dead-letters a job not run within its ttl with last_error 'expired', without running it", async () => {
      const jobs = queue(db);
      let calls = 0;
      jobs.register('test.ttl', async () => {
        calls++;
      });
      const { id } = await jobs.enqueue({ queue: 'test.ttl', payload: {}, ttlMs: 1 });
      await sleep(10);
      assert.equal(await jobs.runDue(), 0);
      assert.equal(calls, 0);
      const record = await jobs.get(id);
      assert.equal(record?.state, 'dead');
      assert.equal(record?.lastError, 'expired');
    });

    it("dead-letters a failing job as 'expired' when its next retry would come after its ttl", async () => {
      const jobs = queue(db);
      jobs.register(
        'test.ttl-retry',
        async () => {
          throw new Error('down');
        },
        { backoffBaseMs: 3_600_000, backoffMaxMs: 3_600_000 },
      );
      const { id } = await jobs.enqueue({ queue: 'test.ttl-retry', payload: {}, ttlMs: 60_000 });
      assert.equal(await jobs.runDue(), 1);
      const record = await jobs.get(id);
      assert.equal(record?.state, 'dead');
      assert.equal(record?.lastError, 'expired');
    });

    it('a second enqueue with the same idempotency key returns the same id, created=false, and changes nothing', async () => {
      const jobs = queue(db);
      const first = await jobs.enqueue({ queue: 'test.idem', payload: { v: 1 }, idempotencyKey: 'order-42', maxAttempts: 5 });
      const before = await jobs.get(first.id);
      const second = await jobs.enqueue({
        queue: 'test.other',
        payload: { v: 2 },
        idempotencyKey: 'order-42',
        delayMs: 3_600_000,
        maxAttempts: 1,
      });
      assert.deepEqual(second, { id: first.id, created: false });
      assert.deepEqual(await jobs.get(first.id), before);
      assert.equal(await countJobs(db), 1);
      // also inside a transaction
      const third = await db.kysely.transaction().execute((trx) => jobs.enqueue({ queue: 'test.idem', payload: 3, idempotencyKey: 'order-42' }, trx));
      assert.deepEqual(third, { id: first.id, created: false });
      assert.equal(await countJobs(db), 1);
    });

    it('a job enqueued inside a rolled-back transaction does not exist; one in a committed transaction does', async () => {
      const jobs = queue(db);
      await db.kysely.schema.createTable('test_things').addColumn('id', 'text', (c) => c.primaryKey()).execute();
      await assert.rejects(
        db.kysely.transaction().execute(async (trx) => {
          await trx.insertInto('test_things').values({ id: 'a' }).execute();
          await jobs.enqueue({ queue: 'test.tx', payload: { id: 'a' } }, trx);
          throw new Error('rollback');
        }),
        /rollback/,
      );
      assert.equal(await countJobs(db), 0);
      const { id } = await db.kysely.transaction().execute(async (trx) => {
        await trx.insertInto('test_things').values({ id: 'b' }).execute();
        return jobs.enqueue({ queue: 'test.tx', payload: { id: 'b' } }, trx);
      });
      assert.equal((await jobs.get(id))?.state, 'queued');
      assert.equal(await countJobs(db), 1);
    });

    it('every() keeps exactly one pending instance per slot, even when called by several workers, and enqueues the next slot after a run', async () => {
      const interval = 3_600_000;
      const a = queue(db);
      const b = queue(db);
      let runs = 0;
      a.register('test.tick', async (job) => {
        runs++;
        assert.deepEqual(job.payload, { what: 'rotate' });
      });
      await Promise.all([a.every('test.tick', interval, { what: 'rotate' }), b.every('test.tick', interval, { what: 'rotate' })]);
      await a.every('test.tick', interval, { what: 'rotate' });
      const pending = await a.list({ queue: 'test.tick', state: 'queued' });
      assert.equal(pending.length, 1);
      const slot = Number(pending[0]!.idempotencyKey!.split('@')[1]);
      assert.equal(pending[0]!.idempotencyKey, `test.tick@${slot}`);

      assert.equal(await a.runDue(), 1);
      assert.equal(runs, 1);
      const next = await a.list({ queue: 'test.tick', state: 'queued' });
      assert.equal(next.length, 1);
      assert.ok(next[0]!.idempotencyKey === `test.tick@${slot + 1}` || next[0]!.idempotencyKey === `test.tick@${slot + 2}`);
      assert.ok(next[0]!.runAt > Date.now() - interval && next[0]!.runAt % interval === 0);
      assert.deepEqual(next[0]!.payload, { what: 'rotate' });

      // a process starting again in the same slot adds nothing
      await b.every('test.tick', interval, { what: 'rotate' });
      assert.equal((await a.list({ queue: 'test.tick', state: 'queued' })).length, 1);
      assert.equal(await a.runDue(), 0);
    });

    it('does not claim jobs of queues this process has no handler for', async () => {
      const jobs = queue(db);
      jobs.register('test.mine', async () => {});
      const { id } = await jobs.enqueue({ queue: 'test.theirs', payload: {} });
      assert.equal(await jobs.runDue(), 0);
      assert.equal((await jobs.get(id))?.state, 'queued');
    });

    it('a worker whose lease was taken over cannot overwrite the new owner’s outcome', async () => {
      const slow = queue(db);
      const fast = queue(db);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const startedP = new Promise<void>((resolve) => (started = resolve));
      slow.register('test.steal', async () => {
        started();
        await released;
        throw new Error('late failure from the old owner');
      });
      fast.register('test.steal', async () => {});
      const { id } = await slow.enqueue({ queue: 'test.steal', payload: {} });
      const slowRun = slow.runDue();
      await startedP;
      assert.equal((await slow.get(id))?.leasedBy, slow.workerId);
      // the old owner's lease runs out (as if its heartbeats had stopped)
      await db.kysely.updateTable('platform_jobs').set({ lease_until: Date.now() - 1 }).where('id', '=', id).execute();
      assert.equal(await fast.runDue(), 1);
      release();
      await slowRun;
      const record = await fast.get(id);
      assert.equal(record?.state, 'succeeded');
      assert.equal(record?.attempts, 2);
      assert.equal(record?.leasedBy, fast.workerId);
      assert.equal(record?.lastError, null);
    });

    it('extends the lease while a long handler runs, so the job is not claimed by another worker', async () => {
      const owner = queue(db, { leaseMs: 600 });
      const other = queue(db, { leaseMs: 600 });
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      let started!: () => void;
      const startedP = new Promise<void>((resolve) => (started = resolve));
      owner.register('test.long', async () => {
        started();
        await finished;
      });
      let stolen = 0;
      other.register('test.long', async () => {
        stolen++;
      });
      const { id } = await owner.enqueue({ queue: 'test.long', payload: {} });
      const run = owner.runDue();
      await startedP;
      const firstLease = (await owner.get(id))!.leaseUntil!;
      await waitFor(async () => ((await owner.get(id))?.leaseUntil ?? 0) > firstLease, 'a heartbeat to extend the lease');
      assert.equal(await other.runDue(), 0);
      assert.equal(stolen, 0);
      finish();
      await run;
      assert.equal((await owner.get(id))?.state, 'succeeded');
    });

    it('counts outcomes in jobs_completed_total', async () => {
      const registry = new Registry();
      const jobs = queue(db, { registry });
      jobs.register('test.metric', async (job) => {
        if (job.payload === 'fail') throw new PermanentJobError('no');
      });
      await jobs.enqueue({ queue: 'test.metric', payload: 'ok' });
      await jobs.enqueue({ queue: 'test.metric', payload: 'fail' });
      assert.equal(await jobs.runDue(), 2);
      const metric = await registry.getSingleMetric('jobs_completed_total')!.get();
      const value = (outcome: string) => metric.values.find((v) => v.labels.outcome === outcome && v.labels.queue === 'test.metric')?.value;
      assert.equal(value('succeeded'), 1);
      assert.equal(value('dead'), 1);
    });

    it('rejects an empty queue name and a payload that is not JSON with PLATFORM_JOB_INVALID, and writes nothing', async () => {
      const jobs = queue(db);
      await assert.rejects(jobs.enqueue({ queue: '', payload: {} }), assertAppError('PLATFORM_JOB_INVALID'));
      await assert.rejects(jobs.enqueue({ queue: 'test.bad', payload: { n: 1n } }), assertAppError('PLATFORM_JOB_INVALID'));
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await assert.rejects(jobs.enqueue({ queue: 'test.bad', payload: circular }), assertAppError('PLATFORM_JOB_INVALID'));
      await assert.rejects(jobs.enqueue({ queue: 'test.bad', payload: undefined }), assertAppError('PLATFORM_JOB_INVALID'));
      await assert.rejects(jobs.enqueue({ queue: 'test.bad', payload: {}, maxAttempts: 0 }), assertAppError('PLATFORM_JOB_INVALID'));
      await assert.rejects(jobs.enqueue({ queue: 'test.bad', payload: {}, runAt: 1, delayMs: 1 }), assertAppError('PLATFORM_JOB_INVALID'));
      assert.equal(await countJobs(db), 0);
      assert.throws(() => {
        jobs.register('test.dup', async () => {});
        jobs.register('test.dup', async () => {});
      }, assertAppError('PLATFORM_JOB_INVALID'));
    });
  });
}
