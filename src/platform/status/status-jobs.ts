/**
 * The platform checks its own health on a schedule, and forgets old checks.
 *
 * - `platform.status.check`, every {@link STATUS_CHECK_INTERVAL_MS}: runs the kernel's
 *   database check and every served component's `checkHealth` (`runHealthChecks`, the same
 *   checks as `/health/ready`, each within 2 s) and stores one row per component in
 *   `platform_health_checks`. It is a recurring durable job (`JobQueue.every`): each slot of
 *   time has one job, whatever the number of processes on the database, so the check runs once
 *   per interval platform-wide; the row's primary key (component, slot) makes a repeated run
 *   (a worker that died after writing) a no-op.
 * - `platform.status.purge`, daily: deletes checks older than {@link STATUS_RETENTION_MS}
 *   (400 days, so the calendar year on the status page is always covered).
 *
 * @see https://status.digdir.no Status Digdir, the model of the status page
 */
import { runHealthChecks, type HealthState } from '../health.ts';
import type { Job } from '../jobs/job-queue.ts';
import type { Platform } from '../platform.ts';
import { DATABASE_CHECK, MAX_CHECK_ERROR_LENGTH, purgeHealthChecks, recordHealthChecks, type HealthCheck } from './health-checks.ts';

/** How often the platform checks itself, ms (one minute). */
export const STATUS_CHECK_INTERVAL_MS = 60_000;

/** How long checks are kept, ms (400 days: the calendar year so far, with room to spare). */
export const STATUS_RETENTION_MS = 400 * 86_400_000;

/** How often old checks are purged, ms (daily). */
export const STATUS_PURGE_INTERVAL_MS = 86_400_000;

/** Queue of the scheduled health check. */
export const STATUS_CHECK_QUEUE = 'platform.status.check';

/** Queue of the daily purge of old checks. */
export const STATUS_PURGE_QUEUE = 'platform.status.purge';

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > MAX_CHECK_ERROR_LENGTH ? `${text.slice(0, MAX_CHECK_ERROR_LENGTH - 1)}…` : text;
}

/**
 * Start of the slot a check run stands for. A run is due at the start of its slot
 * (`JobQueue.every`); one that runs later than its slot's end (every process was stopped, or it
 * was retried) stands for the slot it runs in, so a check never speaks for time it did not see.
 *
 * @param scheduledSlotAt start of the slot the job was scheduled for, or undefined
 */
export function slotOf(checkedAt: number, intervalMs: number, scheduledSlotAt?: number): number {
  if (scheduledSlotAt !== undefined && checkedAt < scheduledSlotAt + intervalMs) return scheduledSlotAt;
  return Math.floor(checkedAt / intervalMs) * intervalMs;
}

/**
 * Runs every check once and stores the results as one slot.
 *
 * A component's state is `UP` when its own `checkHealth` passed (or it has none) and the
 * database answered, as on the front page; its error is its own check's message, or the
 * database's when only that failed.
 *
 * @param options `intervalMs` of the slot (default {@link STATUS_CHECK_INTERVAL_MS});
 *   `slotAt` the slot the run was scheduled for (see {@link slotOf}); `now` a clock for tests
 * @returns the checks stored (empty when the slot was already recorded by another run)
 */
export async function runStatusCheck(
  platform: Pick<Platform, 'db' | 'components'> & Partial<Pick<Platform, 'log'>>,
  options: { intervalMs?: number; slotAt?: number; now?: () => number } = {},
): Promise<HealthCheck[]> {
  const intervalMs = options.intervalMs ?? STATUS_CHECK_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const checkedAt = now();
  const slotAt = slotOf(checkedAt, intervalMs, options.slotAt);
  const errors = new Map<string, string>();
  const report = await runHealthChecks(platform, platform.components, {
    onFailure: (name, err) => {
      // A check that timed out may still fail later: keep the first reason.
      if (!errors.has(name)) errors.set(name, message(err));
    },
  });
  const row = (component: string, state: HealthState, error: string | null): HealthCheck => ({
    component,
    slotAt,
    intervalMs,
    checkedAt,
    state,
    error: state === 'UP' ? null : (error ?? 'failed'),
  });
  const dbError = errors.get(DATABASE_CHECK) ?? null;
  const checks: HealthCheck[] = [row(DATABASE_CHECK, report.database, dbError)];
  for (const c of platform.components) {
    if (c.name === DATABASE_CHECK) continue;
    const own = report.checks[c.name] ?? 'UP';
    const state: HealthState = own === 'UP' && report.database === 'UP' ? 'UP' : 'DOWN';
    const error = own === 'DOWN' ? (errors.get(c.name) ?? null) : dbError === null ? null : `database: ${dbError}`;
    checks.push(row(c.name, state, error));
  }
  const written = await recordHealthChecks(platform.db, checks);
  if (written === 0) return [];
  for (const c of checks) if (c.state === 'DOWN') platform.log?.warn({ check: c.component, error: c.error }, 'status: health check failed');
  return checks;
}

/** The slot a recurring job was scheduled for, from its idempotency key `queue@slot`. */
function scheduledSlot(job: Job, intervalMs: number): number | undefined {
  const slot = Number(job.idempotencyKey?.slice(job.idempotencyKey.lastIndexOf('@') + 1));
  return Number.isSafeInteger(slot) ? slot * intervalMs : undefined;
}

/**
 * Registers the scheduled health check and the purge of old checks on the platform's job
 * queue, and schedules both (`JobQueue.every`; safe to call from every process at start).
 *
 * @param options `intervalMs` between checks (default {@link STATUS_CHECK_INTERVAL_MS});
 *   `retentionMs` how long checks are kept (default {@link STATUS_RETENTION_MS})
 */
export async function registerStatusChecks(
  platform: Pick<Platform, 'db' | 'components' | 'jobs' | 'log'>,
  options: { intervalMs?: number; retentionMs?: number } = {},
): Promise<void> {
  const intervalMs = options.intervalMs ?? STATUS_CHECK_INTERVAL_MS;
  const retentionMs = options.retentionMs ?? STATUS_RETENTION_MS;
  // A failed run (the database refused the write) is retried within the interval, not after
  // the queue's default backoff of up to an hour, which would stop the schedule that long.
  platform.jobs.register(
    STATUS_CHECK_QUEUE,
    async (job) => {
      await runStatusCheck(platform, { intervalMs, slotAt: scheduledSlot(job, intervalMs) });
    },
    { backoffBaseMs: Math.min(1000, intervalMs), backoffMaxMs: intervalMs },
  );
  platform.jobs.register(STATUS_PURGE_QUEUE, async () => {
    await purgeHealthChecks(platform.db, Date.now() - retentionMs);
  });
  await platform.jobs.every(STATUS_CHECK_QUEUE, intervalMs);
  await platform.jobs.every(STATUS_PURGE_QUEUE, STATUS_PURGE_INTERVAL_MS);
}
