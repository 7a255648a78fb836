/**
 * Durable jobs: one table (`platform_jobs`) shared by every process on the database, with
 * lease-based claiming, heartbeats, exponential backoff, time-to-live, a dead-letter state,
 * idempotency keys and recurring jobs. eFormidling, DPI delivery, notifications, webhooks and
 * the outbox all send through it.
 *
 * The guarantees (see README.md beside this file):
 * - a job is run by at most one worker at a time: claiming is one atomic statement
 *   (`FOR UPDATE SKIP LOCKED` on PostgreSQL, a `BEGIN IMMEDIATE` transaction on SQLite), and a
 *   claimed job is leased for `leaseMs`, extended by a heartbeat while its handler runs;
 * - a job whose worker died is claimed again once its lease has expired (at-least-once);
 * - a worker whose lease was lost cannot record an outcome: every outcome write is guarded by
 *   `leased_by = me AND attempts = myAttempt`.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { AppError, catalogueError, type ErrorCodeInfo } from '../errors.ts';
import type { Database } from '../db/database.ts';
import type { ComponentMigration } from '../db/migrations.ts';

/** A job as its handler sees it. Times are epoch milliseconds. */
export interface Job {
  id: string;
  /** Queue name; the handler registered for it runs the job. */
  queue: string;
  /** The JSON payload given to {@link JobQueue.enqueue} (parsed). */
  payload: unknown;
  /** Runs so far, including the current one (1 on the first run). */
  attempts: number;
  /** After this many failed runs the job is dead-lettered. */
  maxAttempts: number;
  idempotencyKey: string | null;
  createdAt: number;
  /** Earliest time the job may run (moved forward by retries). */
  runAt: number;
  /** The job is dead-lettered with `last_error = 'expired'` when not succeeded by then; null = never. */
  expiresAt: number | null;
}

/** A job with its bookkeeping, as {@link JobQueue.get} and {@link JobQueue.list} return it. */
export interface JobRecord extends Job {
  /** `queued` (waiting or retrying), `running` (leased), `succeeded`, `dead` (dead-lettered). */
  state: 'queued' | 'running' | 'succeeded' | 'dead';
  /** Message of the last failure (`'expired'` when the TTL ran out); null after success. */
  lastError: string | null;
  /** Worker id of the last claimer. */
  leasedBy: string | null;
  /** End of the current lease (epoch ms) while running. */
  leaseUntil: number | null;
  /** When the job reached `succeeded` or `dead` (epoch ms). */
  finishedAt: number | null;
}

/** Options of {@link JobQueue.enqueue}. */
export interface EnqueueOptions {
  /** Queue name: 1–200 characters of `A–Z a–z 0–9 . _ : -`. */
  queue: string;
  /** Any JSON-serialisable value (stored as JSON text). */
  payload: unknown;
  /** At most one job per key, ever: a second enqueue returns the first job's id and changes nothing. */
  idempotencyKey?: string;
  /** Earliest run time, epoch ms (default: now). Not together with `delayMs`. */
  runAt?: number;
  /** Run no earlier than this many ms from now. Not together with `runAt`. */
  delayMs?: number;
  /** Failed runs before the job is dead-lettered (default 10, 1–1000). */
  maxAttempts?: number;
  /** The job is dead-lettered (`'expired'`) if not succeeded within this many ms of creation. */
  ttlMs?: number;
}

/** What a handler gets besides the job. */
export interface JobContext {
  /** Aborted when the lease is lost (another worker may run the job now) or the queue stops. */
  signal: AbortSignal;
  /** Logger bound to the job id, queue and attempt. */
  log: import('pino').Logger;
}

/**
 * Runs one job. Resolving marks it succeeded; throwing schedules a retry with backoff (or
 * dead-letters it after `maxAttempts`); throwing {@link PermanentJobError} dead-letters at once.
 * Handlers must be idempotent: a job whose worker dies mid-run is run again.
 */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<void>;

/** Thrown by a handler for a failure no retry can fix: the job is dead-lettered at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Error codes of the job queue. */
export const jobErrors = {
  PLATFORM_JOB_INVALID: { status: 500, title: 'Invalid job or job queue option' },
} as const satisfies Record<string, ErrorCodeInfo>;

function invalid(message: string, detail?: string): AppError {
  return catalogueError(jobErrors, 'PLATFORM_JOB_INVALID', message, detail ? { detail } : {});
}

/** The migrations of `platform_jobs`; the lead adds them to the `platform` component. */
export const jobsMigrations: ComponentMigration[] = [
  {
    name: '0001_jobs',
    async up(db) {
      await db.schema
        .createTable('platform_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('queued', 'running', 'succeeded', 'dead')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('idempotency_key', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        // Recurring jobs (JobQueue.every): the interval, so whichever worker runs an instance
        // enqueues the next slot.
        .addColumn('recur_ms', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('leased_by', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('finished_at', 'bigint')
        .execute();
      await db.schema.createIndex('platform_jobs_idempotency_key').unique().on('platform_jobs').column('idempotency_key').execute();
      await db.schema.createIndex('platform_jobs_due').on('platform_jobs').columns(['state', 'queue', 'run_at']).execute();
      await db.schema.createIndex('platform_jobs_lease').on('platform_jobs').columns(['state', 'lease_until']).execute();
      await db.schema.createIndex('platform_jobs_created').on('platform_jobs').columns(['queue', 'created_at']).execute();
    },
  },
];

interface JobRow {
  id: string;
  queue: string;
  payload: string;
  state: JobRecord['state'];
  attempts: number;
  max_attempts: number;
  idempotency_key: string | null;
  created_at: number;
  run_at: number;
  expires_at: number | null;
  recur_ms: number | null;
  last_error: string | null;
  leased_by: string | null;
  lease_until: number | null;
  finished_at: number | null;
}

interface Registration {
  handler: JobHandler;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

interface ActiveJob {
  controller: AbortController;
  done: Promise<boolean>;
}

/** Options of the {@link JobQueue} constructor. */
export interface JobQueueOptions {
  /** Lease of a claimed job, in ms; extended every `leaseMs / 3` while the handler runs. */
  leaseMs: number;
  /** How often an idle worker looks for due jobs, in ms. */
  pollIntervalMs: number;
  /** Jobs this process runs at the same time. */
  concurrency: number;
  log: Logger;
  /** When given, `jobs_completed_total{queue,outcome}` and `jobs_running{queue}` are registered here. */
  metrics?: Registry;
  /** Names this worker in `leased_by` (default `<hostname>:<pid>:<random>`). */
  workerId?: string;
}

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const MAX_ERROR_LENGTH = 2000;

/**
 * The durable job queue of one process. Jobs live in `platform_jobs`; any process on the same
 * database may run any job whose queue it has {@link register}ed a handler for.
 *
 * @example
 * const jobs = new JobQueue(db, { leaseMs: 30_000, pollIntervalMs: 500, concurrency: 4, log });
 * jobs.register('krr.notify', async (job, { signal }) => { await send(job.payload, signal); });
 * jobs.start();
 * await db.kysely.transaction().execute(async (trx) => {
 *   await trx.insertInto('krr_changes').values(change).execute();
 *   await jobs.enqueue({ queue: 'krr.notify', payload: { id: change.id } }, trx);
 * });
 */
export class JobQueue {
  readonly #db: Database;
  readonly #leaseMs: number;
  readonly #pollIntervalMs: number;
  readonly #concurrency: number;
  readonly #log: Logger;
  readonly #workerId: string;
  readonly #handlers = new Map<string, Registration>();
  readonly #active = new Map<string, ActiveJob>();
  readonly #completed: Counter<'queue' | 'outcome'> | undefined;
  readonly #runningGauge: Gauge<'queue'> | undefined;
  #running = false;
  #stopping = false;
  #loopDone: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;
  #wakePending = false;

  /**
   * @param db the database holding `platform_jobs` (see {@link jobsMigrations})
   * @throws AppError `PLATFORM_JOB_INVALID` when an option is out of range
   */
  constructor(
    db: Database,
    options: { leaseMs: number; pollIntervalMs: number; concurrency: number; log: Logger; metrics?: Registry; workerId?: string },
  ) {
    if (!Number.isInteger(options.leaseMs) || options.leaseMs < 30) throw invalid('leaseMs must be an integer of at least 30 ms');
    if (!Number.isInteger(options.pollIntervalMs) || options.pollIntervalMs < 1) throw invalid('pollIntervalMs must be a positive integer');
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw invalid('concurrency must be a positive integer');
    this.#db = db;
    this.#leaseMs = options.leaseMs;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#concurrency = options.concurrency;
    this.#log = options.log;
    this.#workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const registry = options.metrics;
    if (registry) {
      this.#completed =
        (registry.getSingleMetric('jobs_completed_total') as Counter<'queue' | 'outcome'> | undefined) ??
        new Counter({
          name: 'jobs_completed_total',
          help: 'Job runs ended, by queue and outcome (succeeded, retry, dead, expired)',
          labelNames: ['queue', 'outcome'],
          registers: [registry],
        });
      this.#runningGauge =
        (registry.getSingleMetric('jobs_running') as Gauge<'queue'> | undefined) ??
        new Gauge({ name: 'jobs_running', help: 'Jobs running in this process, by queue', labelNames: ['queue'], registers: [registry] });
    }
  }

  /** This worker's id, as written to `leased_by`. */
  get workerId(): string {
    return this.#workerId;
  }

  /**
   * Adds a job. Without `executor` the job is committed on return; with a transaction it
   * commits (or rolls back) with that transaction.
   *
   * @param executor a Kysely transaction to enqueue atomically with other writes
   * @returns the job id, and `created: false` when a job with the same `idempotencyKey`
   *   already existed (its id is returned and nothing is changed)
   * @throws AppError `PLATFORM_JOB_INVALID` for an empty or malformed queue name, a payload
   *   that is not JSON-serialisable, both `runAt` and `delayMs`, or an out-of-range number
   */
  async enqueue(options: EnqueueOptions, executor?: Kysely<any>): Promise<{ id: string; created: boolean }> {
    const now = Date.now();
    const { queue } = options;
    if (typeof queue !== 'string' || !QUEUE_NAME.test(queue)) {
      throw invalid('Invalid job queue name', 'A queue name is 1–200 characters of A–Z a–z 0–9 . _ : - and starts with a letter or digit');
    }
    const payload = serialisePayload(options.payload);
    const key = options.idempotencyKey;
    if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > 500)) {
      throw invalid('idempotencyKey must be a string of 1–500 characters');
    }
    if (options.runAt !== undefined && options.delayMs !== undefined) throw invalid('Give runAt or delayMs, not both');
    if (options.runAt !== undefined && !Number.isSafeInteger(options.runAt)) throw invalid('runAt must be epoch milliseconds (an integer)');
    if (options.delayMs !== undefined && (!Number.isSafeInteger(options.delayMs) || options.delayMs < 0)) {
      throw invalid('delayMs must be a non-negative integer');
    }
    const maxAttempts = options.maxAttempts ?? 10;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1000) throw invalid('maxAttempts must be an integer from 1 to 1000');
    if (options.ttlMs !== undefined && (!Number.isSafeInteger(options.ttlMs) || options.ttlMs < 1)) {
      throw invalid('ttlMs must be a positive integer');
    }
    const runAt = options.runAt ?? now + (options.delayMs ?? 0);
    const result = await this.#insert(executor ?? this.#db.kysely, {
      queue,
      payload,
      idempotencyKey: key ?? null,
      maxAttempts,
      createdAt: now,
      runAt,
      expiresAt: options.ttlMs === undefined ? null : now + options.ttlMs,
      recurMs: null,
    });
    if (result.created && runAt <= Date.now()) this.#wake();
    return result;
  }

  /**
   * Registers the handler of a queue. Only queues with a handler are claimed by this process.
   *
   * @param options `backoffBaseMs` (default 1000) and `backoffMaxMs` (default 1 h): a failed
   *   run `n` is retried after `min(max, base·2^(n-1))`, jittered down by up to half
   * @throws AppError `PLATFORM_JOB_INVALID` when the queue already has a handler or a name/option is bad
   */
  register(queue: string, handler: JobHandler, options: { backoffBaseMs?: number; backoffMaxMs?: number } = {}): void {
    if (typeof queue !== 'string' || !QUEUE_NAME.test(queue)) throw invalid('Invalid job queue name');
    if (this.#handlers.has(queue)) throw invalid(`Queue ${queue} already has a handler`);
    const backoffBaseMs = options.backoffBaseMs ?? 1000;
    const backoffMaxMs = options.backoffMaxMs ?? 3_600_000;
    if (!Number.isSafeInteger(backoffBaseMs) || backoffBaseMs < 1) throw invalid('backoffBaseMs must be a positive integer');
    if (!Number.isSafeInteger(backoffMaxMs) || backoffMaxMs < backoffBaseMs) throw invalid('backoffMaxMs must be at least backoffBaseMs');
    this.#handlers.set(queue, { handler, backoffBaseMs, backoffMaxMs });
    this.#wake();
  }

  /**
   * Makes `queue` recurring every `intervalMs`. Time is cut into slots
   * (`slot = floor(now / intervalMs)`); each slot has at most one job, with idempotency key
   * `${queue}@${slot}`, so any number of processes may call this at start. The current slot's
   * job is due at once; when an instance ends (succeeded or dead) the worker that ran it
   * enqueues the next slot's job, due at the slot's start. The handler is registered separately.
   *
   * @param payload JSON payload of every instance (default null)
   * @throws AppError `PLATFORM_JOB_INVALID` for a bad queue name, interval or payload
   */
  async every(queue: string, intervalMs: number, payload: unknown = null): Promise<void> {
    if (typeof queue !== 'string' || !QUEUE_NAME.test(queue)) throw invalid('Invalid job queue name');
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) throw invalid('intervalMs must be a positive integer');
    const json = serialisePayload(payload);
    const slot = Math.floor(Date.now() / intervalMs);
    const result = await this.#insertSlot(this.#db.kysely, queue, json, 10, intervalMs, slot);
    if (result.created) this.#wake();
  }

  /**
   * Starts the worker loop: poll every `pollIntervalMs`, claim up to the free concurrency
   * slots, run them. Wakes at once after an enqueue in this process and when a job ends.
   * Idempotent.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = false;
    this.#loopDone = this.#loop();
  }

  /**
   * Stops claiming, aborts the running handlers' signals and waits for them to end, at most
   * `min(leaseMs, 10 s)`. Nothing is released: a handler that fails because of the abort has
   * its failure not recorded, its lease simply expires and another worker runs the job again.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    this.#wakeUp?.();
    await this.#loopDone;
    this.#loopDone = undefined;
    const pending = [...this.#active.values()];
    for (const job of pending) job.controller.abort(new Error('job queue stopping'));
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(pending.map((j) => j.done)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, Math.min(this.#leaseMs, 10_000));
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Claims and runs every job that is due now (and every expired lease), `concurrency` at a
   * time, until none is left; jobs that become due during the call (retries, next slots) are
   * left for later. For tests and the CLI; the worker loop need not be started.
   *
   * @returns how many handlers ran (expired jobs dead-lettered without running are not counted)
   */
  async runDue(): Promise<number> {
    const dueBefore = Date.now();
    let ran = 0;
    for (;;) {
      const rows = await this.#claim(this.#concurrency, dueBefore);
      if (rows.length === 0) return ran;
      const results = await Promise.all(rows.map((row) => this.#track(row)));
      ran += results.filter(Boolean).length;
    }
  }

  /** The job with this id, or undefined. */
  async get(id: string): Promise<JobRecord | undefined> {
    const row = (await this.#db.kysely.selectFrom('platform_jobs').selectAll().where('id', '=', id).executeTakeFirst()) as JobRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /**
   * Jobs, newest first.
   *
   * @param filter `queue`, `state`, and `limit` (default 100, at most 10 000)
   */
  async list(filter: { queue?: string; state?: JobRecord['state']; limit?: number } = {}): Promise<JobRecord[]> {
    let query = this.#db.kysely.selectFrom('platform_jobs').selectAll();
    if (filter.queue !== undefined) query = query.where('queue', '=', filter.queue);
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    const limit = Math.max(1, Math.min(10_000, Math.floor(filter.limit ?? 100)));
    const rows = (await query.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute()) as JobRow[];
    return rows.map(toRecord);
  }

  async #insert(
    executor: Kysely<any>,
    job: {
      queue: string;
      payload: string;
      idempotencyKey: string | null;
      maxAttempts: number;
      createdAt: number;
      runAt: number;
      expiresAt: number | null;
      recurMs: number | null;
    },
  ): Promise<{ id: string; created: boolean }> {
    const id = randomUUID();
    const inserted = await executor
      .insertInto('platform_jobs')
      .values({
        id,
        queue: job.queue,
        payload: job.payload,
        state: 'queued',
        attempts: 0,
        max_attempts: job.maxAttempts,
        idempotency_key: job.idempotencyKey,
        created_at: job.createdAt,
        run_at: job.runAt,
        expires_at: job.expiresAt,
        recur_ms: job.recurMs,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id, created: true };
    const existing = await executor
      .selectFrom('platform_jobs')
      .select('id')
      .where('idempotency_key', '=', job.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { id: existing.id as string, created: false };
  }

  #insertSlot(executor: Kysely<any>, queue: string, payload: string, maxAttempts: number, intervalMs: number, slot: number) {
    return this.#insert(executor, {
      queue,
      payload,
      idempotencyKey: `${queue}@${slot}`,
      maxAttempts,
      createdAt: Date.now(),
      runAt: slot * intervalMs,
      expiresAt: null,
      recurMs: intervalMs,
    });
  }

  /**
   * Leases up to `limit` jobs of the registered queues that are due by `dueBefore`, or whose
   * lease has expired: one statement, so two workers never claim the same job.
   */
  async #claim(limit: number, dueBefore: number): Promise<JobRow[]> {
    const queues = [...this.#handlers.keys()];
    if (queues.length === 0 || limit <= 0) return [];
    const now = Date.now();
    const postgres = this.#db.engine === 'postgres';
    const claim = async (executor: Kysely<any>): Promise<Record<string, unknown>[]> => {
      let due = executor
        .selectFrom('platform_jobs')
        .select('id')
        .where('queue', 'in', queues)
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'queued'), eb('run_at', '<=', dueBefore)]),
            eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)]),
          ]),
        )
        .orderBy('run_at')
        .limit(limit);
      if (postgres) due = due.forUpdate().skipLocked();
      const rows = await executor
        .updateTable('platform_jobs')
        .set({ state: 'running', leased_by: this.#workerId, lease_until: now + this.#leaseMs, attempts: sql`attempts + 1` })
        .where('id', 'in', due)
        .returningAll()
        .execute();
      return rows as Record<string, unknown>[];
    };
    // SQLite: the db layer begins transactions with BEGIN IMMEDIATE, so the claim holds the
    // single write lock from its first read.
    const rows = postgres ? await claim(this.#db.kysely) : await this.#db.kysely.transaction().execute(claim);
    return rows.map(normaliseRow).sort((a, b) => a.run_at - b.run_at);
  }

  #track(row: JobRow): Promise<boolean> {
    const controller = new AbortController();
    const done = this.#run(row, controller)
      .catch((err: unknown) => {
        this.#log.error({ err, jobId: row.id, queue: row.queue }, 'job bookkeeping failed');
        return false;
      })
      .finally(() => {
        this.#active.delete(row.id);
        this.#runningGauge?.dec({ queue: row.queue });
        this.#wake();
      });
    this.#active.set(row.id, { controller, done });
    this.#runningGauge?.inc({ queue: row.queue });
    return done;
  }

  /** Runs one claimed job and records its outcome. Returns whether the handler ran. */
  async #run(row: JobRow, controller: AbortController): Promise<boolean> {
    const job = toJob(row);
    const log = this.#log.child({ jobId: job.id, queue: job.queue, attempt: job.attempts });
    const registration = this.#handlers.get(job.queue);
    if (!registration) throw new Error(`claimed job of unregistered queue ${job.queue}`);
    if (job.expiresAt !== null && Date.now() > job.expiresAt) {
      await this.#settle(row, { state: 'dead', last_error: 'expired' }, 'expired', log);
      return false;
    }
    if (job.attempts > job.maxAttempts) {
      // The worker of the last allowed attempt died (its lease expired): do not run it again.
      await this.#settle(row, { state: 'dead', last_error: row.last_error ?? 'lease expired on the last attempt' }, 'dead', log);
      return false;
    }

    const heartbeat = this.#startHeartbeat(row, controller, log);
    let failure: { error: unknown } | undefined;
    try {
      await registration.handler(job, { signal: controller.signal, log });
    } catch (error) {
      failure = { error };
    } finally {
      heartbeat.stop();
    }

    if (!failure) {
      await this.#settle(row, { state: 'succeeded', last_error: null }, 'succeeded', log);
      return true;
    }
    if (controller.signal.aborted && this.#stopping) {
      log.info('job interrupted by stop; its lease will expire and it will run again');
      return true;
    }
    const now = Date.now();
    const message = errorMessage(failure.error);
    const permanent = failure.error instanceof PermanentJobError;
    if (permanent || job.attempts >= job.maxAttempts) {
      log.warn({ err: failure.error }, permanent ? 'job failed permanently; dead-lettered' : 'job failed on its last attempt; dead-lettered');
      await this.#settle(row, { state: 'dead', last_error: message }, 'dead', log);
      return true;
    }
    const runAt = now + backoffMs(job.attempts, registration.backoffBaseMs, registration.backoffMaxMs);
    if (job.expiresAt !== null && runAt > job.expiresAt) {
      log.warn({ err: failure.error }, 'job failed and cannot be retried before it expires; dead-lettered');
      await this.#settle(row, { state: 'dead', last_error: 'expired' }, 'expired', log);
      return true;
    }
    log.warn({ err: failure.error, retryAt: runAt }, 'job failed; will retry');
    const updated = await this.#guarded(this.#db.kysely, row, {
      state: 'queued',
      run_at: runAt,
      last_error: message,
      leased_by: null,
      lease_until: null,
    });
    if (updated) this.#completed?.inc({ queue: job.queue, outcome: 'retry' });
    else log.warn('lease was lost before the failure could be recorded');
    return true;
  }

  /** Ends a job (succeeded or dead) and, for a recurring job, enqueues the next slot. */
  async #settle(
    row: JobRow,
    values: { state: 'succeeded' | 'dead'; last_error: string | null },
    outcome: 'succeeded' | 'dead' | 'expired',
    log: Logger,
  ): Promise<void> {
    const updated = await this.#db.kysely.transaction().execute(async (trx) => {
      const ok = await this.#guarded(trx, row, { ...values, finished_at: Date.now(), lease_until: null });
      if (ok && row.recur_ms !== null) {
        const next = Math.floor(Date.now() / row.recur_ms) + 1;
        await this.#insertSlot(trx, row.queue, row.payload, row.max_attempts, row.recur_ms, next);
      }
      return ok;
    });
    if (updated) this.#completed?.inc({ queue: row.queue, outcome });
    else log.warn({ outcome }, 'lease was lost before the outcome could be recorded; another worker owns the job');
  }

  /** Updates the job only while this worker still holds the lease of this attempt. */
  async #guarded(executor: Kysely<any>, row: JobRow, values: Record<string, unknown>): Promise<boolean> {
    const result = await executor
      .updateTable('platform_jobs')
      .set(values)
      .where('id', '=', row.id)
      .where('state', '=', 'running')
      .where('leased_by', '=', this.#workerId)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Extends the lease every `leaseMs / 3`; aborts the handler's signal when the lease is lost. */
  #startHeartbeat(row: JobRow, controller: AbortController, log: Logger): { stop(): void } {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const beat = async () => {
      if (stopped) return;
      try {
        const kept = await this.#guarded(this.#db.kysely, row, { lease_until: Date.now() + this.#leaseMs });
        if (!kept && !stopped) {
          log.warn('lease lost; aborting the handler');
          controller.abort(new Error('job lease lost'));
          return;
        }
      } catch (err) {
        log.warn({ err }, 'lease heartbeat failed');
      }
      if (!stopped) timer = setTimeout(beat, Math.max(10, Math.floor(this.#leaseMs / 3)));
    };
    timer = setTimeout(beat, Math.max(10, Math.floor(this.#leaseMs / 3)));
    return {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      const free = this.#concurrency - this.#active.size;
      if (free > 0) {
        try {
          const rows = await this.#claim(free, Date.now());
          for (const row of rows) void this.#track(row);
          if (rows.length === free && this.#running) continue;
        } catch (err) {
          this.#log.error({ err }, 'claiming jobs failed');
        }
      }
      if (!this.#running) break;
      await this.#sleep();
    }
  }

  #sleep(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#wakePending) {
        this.#wakePending = false;
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.#pollIntervalMs);
      this.#wakeUp = done;
    });
  }

  #wake(): void {
    if (!this.#running) return;
    if (this.#wakeUp) this.#wakeUp();
    else this.#wakePending = true;
  }
}

/** `min(max, base·2^(attempts-1))`, jittered to between half and all of it; at least 1 ms. */
function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.max(1, Math.round(exp / 2 + (Math.random() * exp) / 2));
}

function serialisePayload(payload: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (cause) {
    throw invalid('Job payload is not JSON-serialisable', cause instanceof Error ? cause.message : String(cause));
  }
  if (json === undefined) throw invalid('Job payload is not JSON-serialisable', `got ${typeof payload}`);
  return json;
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

function normaliseRow(raw: Record<string, unknown>): JobRow {
  return {
    id: raw.id as string,
    queue: raw.queue as string,
    payload: raw.payload as string,
    state: raw.state as JobRow['state'],
    attempts: num(raw.attempts),
    max_attempts: num(raw.max_attempts),
    idempotency_key: (raw.idempotency_key as string | null) ?? null,
    created_at: num(raw.created_at),
    run_at: num(raw.run_at),
    expires_at: numOrNull(raw.expires_at),
    recur_ms: numOrNull(raw.recur_ms),
    last_error: (raw.last_error as string | null) ?? null,
    leased_by: (raw.leased_by as string | null) ?? null,
    lease_until: numOrNull(raw.lease_until),
    finished_at: numOrNull(raw.finished_at),
  };
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    queue: row.queue,
    payload: JSON.parse(row.payload) as unknown,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
    runAt: row.run_at,
    expiresAt: row.expires_at,
  };
}

function toRecord(raw: JobRow): JobRecord {
  const row = normaliseRow(raw as unknown as Record<string, unknown>);
  return {
    ...toJob(row),
    state: row.state,
    lastError: row.last_error,
    leasedBy: row.leased_by,
    leaseUntil: row.lease_until,
    finishedAt: row.finished_at,
  };
}
