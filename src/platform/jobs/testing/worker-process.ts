/**
 * A job worker run as its own process by `job-queue.process.test.ts` (started with
 * `process.execPath`). It opens the database by URL, registers the test handlers and runs the
 * worker loop until SIGTERM (clean stop) or SIGKILL (the crash the tests simulate).
 *
 * Usage: `node worker-process.ts '<json WorkerProcessOptions>'`. Writes one line per event to
 * stdout: `ready`, and `running <jobId> <attempt>` when a `test.block` job starts.
 *
 * Handlers:
 * - `test.block`: announces itself and never finishes (until the process dies or stops);
 * - `test.record`: waits 0–5 ms and inserts `(job_id, worker, attempt, started_at, ended_at)`
 *   into `test_job_runs` (a table the test creates).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { openDatabase } from '../../db/database.ts';
import { JobQueue } from '../job-queue.ts';

/** The JSON the test passes as the first argument. */
export interface WorkerProcessOptions {
  /** DATABASE_URL of the test database. */
  url: string;
  workerId: string;
  leaseMs: number;
  pollIntervalMs: number;
  concurrency: number;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as WorkerProcessOptions;
  const log = pino({ level: 'warn' }, pino.destination(2));
  const db = await openDatabase(options.url, { poolSize: options.concurrency + 2 });
  const jobs = new JobQueue(db, {
    leaseMs: options.leaseMs,
    pollIntervalMs: options.pollIntervalMs,
    concurrency: options.concurrency,
    log,
    workerId: options.workerId,
  });

  jobs.register('test.block', async (job, { signal }) => {
    process.stdout.write(`running ${job.id} ${job.attempts}\n`);
    await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
  });

  jobs.register('test.record', async (job) => {
    const startedAt = Date.now();
    await sleep(Math.floor(Math.random() * 6));
    const endedAt = Date.now();
    await db.kysely
      .insertInto('test_job_runs')
      .values({ job_id: job.id, worker: options.workerId, attempt: job.attempts, started_at: startedAt, ended_at: endedAt })
      .execute();
  });

  process.on('SIGTERM', () => {
    void (async () => {
      await jobs.stop();
      await db.close();
      process.exit(0);
    })();
  });

  jobs.start();
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`worker-process failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
