/**
 * The durable-job acceptance tests with real worker processes (testing/worker-process.ts)
 * sharing one database: a killed worker's job is run again after its lease expires, and two
 * processes never run the same job at the same time.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { JobQueue, jobsMigrations } from './job-queue.ts';
import type { WorkerProcessOptions } from './testing/worker-process.ts';

const log = pino({ level: 'silent' });
const migrations = [{ component: 'platform', migrations: jobsMigrations }];
const workerScript = fileURLToPath(new URL('./testing/worker-process.ts', import.meta.url));

/** A running worker process and the lines it has printed. */
interface Worker {
  child: ChildProcess;
  exited: Promise<unknown>;
  /** Resolves with the first printed line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

function startWorker(options: WorkerProcessOptions): Worker {
  const child = spawn(process.execPath, [workerScript, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  return {
    child,
    exited,
    waitForLine(pattern, timeoutMs = 15_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker ${options.workerId} printed no line matching ${pattern}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then(() => reject(new Error(`worker ${options.workerId} exited before printing ${pattern}`)));
      });
    },
  };
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

for (const engine of testEngines()) {
  describe(`durable jobs across processes on ${engine}`, () => {
    let db: TestDatabase | undefined;
    const workers: Worker[] = [];
    afterEach(async () => {
      for (const w of workers.splice(0)) {
        if (w.child.exitCode === null && w.child.signalCode === null) {
          w.child.kill('SIGKILL');
          await w.exited;
        }
      }
      await db?.close();
      db = undefined;
    });

    it('a durable job whose worker process is killed mid-run is run again after its lease expires', async () => {
      db = await createTestDatabase(engine, migrations, { file: true });
      const leaseMs = 1000;
      const parent = new JobQueue(db, { leaseMs, pollIntervalMs: 50, concurrency: 1, log, workerId: 'parent' });
      const { id } = await parent.enqueue({ queue: 'test.block', payload: { step: 'deliver' } });

      const crashing = startWorker({ url: db.url, workerId: 'crashing', leaseMs, pollIntervalMs: 20, concurrency: 2 });
      workers.push(crashing);
      assert.equal(await crashing.waitForLine(/^running /), `running ${id} 1`);
      const claimed = await parent.get(id);
      assert.equal(claimed?.state, 'running');
      assert.equal(claimed?.leasedBy, 'crashing');
      crashing.child.kill('SIGKILL');
      await crashing.exited;

      let runs = 0;
      parent.register('test.block', async (job) => {
        runs++;
        assert.deepEqual(job.payload, { step: 'deliver' });
      });
      await waitFor(async () => {
        await parent.runDue();
        return (await parent.get(id))?.state === 'succeeded';
      }, 'the job to be run again after its lease expired');
      const record = await parent.get(id);
      assert.equal(record?.attempts, 2);
      assert.equal(record?.leasedBy, 'parent');
      assert.equal(runs, 1);
    });

    it(`two processes on one ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite file'} never run the same job at the same time`, async () => {
      db = await createTestDatabase(engine, migrations, { file: true });
      await db.kysely.schema
        .createTable('test_job_runs')
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('worker', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint', (c) => c.notNull())
        .execute();
      const producer = new JobQueue(db, { leaseMs: 5000, pollIntervalMs: 50, concurrency: 1, log });
      const total = 200;
      const ids = await db.kysely.transaction().execute(async (trx) => {
        const out: string[] = [];
        for (let i = 0; i < total; i++) out.push((await producer.enqueue({ queue: 'test.record', payload: { i } }, trx)).id);
        return out;
      });

      for (const workerId of ['worker-1', 'worker-2']) {
        workers.push(startWorker({ url: db.url, workerId, leaseMs: 5000, pollIntervalMs: 20, concurrency: 4 }));
      }
      const kysely = db.kysely;
      await waitFor(async () => {
        const row = await kysely
          .selectFrom('platform_jobs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('state', '=', 'succeeded')
          .executeTakeFirstOrThrow();
        return Number(row.n) === total;
      }, `all ${total} jobs to succeed`);
      for (const w of workers) w.child.kill('SIGTERM');
      for (const w of workers) await w.exited;

      const runs = await kysely.selectFrom('test_job_runs').selectAll().execute();
      const byJob = new Map<string, Array<{ worker: string; started_at: number; ended_at: number }>>();
      for (const run of runs) {
        const list = byJob.get(run.job_id as string) ?? [];
        list.push({ worker: run.worker as string, started_at: Number(run.started_at), ended_at: Number(run.ended_at) });
        byJob.set(run.job_id as string, list);
      }
      for (const [jobId, list] of byJob) {
        const sorted = list.sort((a, b) => a.started_at - b.started_at);
        for (let i = 1; i < sorted.length; i++) {
          assert.ok(sorted[i]!.started_at >= sorted[i - 1]!.ended_at, `job ${jobId} ran twice at the same time: ${JSON.stringify(sorted)}`);
        }
      }
      assert.deepEqual([...byJob.keys()].sort(), [...ids].sort(), 'every job ran');
      assert.equal(runs.length, total, 'every job ran exactly once');
      const attempts = await kysely.selectFrom('platform_jobs').select('attempts').where('attempts', '!=', 1).execute();
      assert.deepEqual(attempts, []);
      // which worker ran how many (not asserted: it depends on scheduling)
      const perWorker = new Map<string, number>();
      for (const run of runs) perWorker.set(run.worker as string, (perWorker.get(run.worker as string) ?? 0) + 1);
      process.stderr.write(`# ${engine}: jobs per worker ${JSON.stringify(Object.fromEntries(perWorker))}\n`);
    });
  });
}
