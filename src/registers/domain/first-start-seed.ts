/**
 * Seeding the registers when Grunnmur starts, repairing a seed that crashed while other
 * processes were serving, and the readiness check that tells a load balancer the population is
 * not complete yet.
 *
 * Why a durable job: when two processes start together on an empty PostgreSQL database, one
 * seeds and the other serves. If the seeding one dies (SIGKILL, OOM, a lost node), the seed
 * state is left unfinished and nothing running would ever restart it: a crashed seed is only
 * seen as crashed once its heartbeat is older than {@link SEED_STALE_MS}, and `onStart` has
 * long finished by then. So a process that finds another one seeding enqueues a
 * {@link SEED_JOB_QUEUE} job due a little after the heartbeat window; whichever process claims
 * it restarts the seed if it crashed, ends quietly if it completed, and fails (to be retried
 * with backoff) while the other process is still alive and seeding.
 */
import type { Logger } from 'pino';
import type { Job } from '../../platform/jobs/job-queue.ts';
import { PermanentJobError } from '../../platform/jobs/job-queue.ts';
import { AppError } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import type { Database } from '../../platform/db/database.ts';
import { registersError } from '../errors.ts';
import { getSeedStatus, SEED_STALE_MS, seedPopulation, type SeedPopulationOptions } from './population.ts';

/** Queue of the job that finishes (restarts) a seed another process left unfinished. */
export const SEED_JOB_QUEUE = 'registers.seed';

/**
 * Delay of the seed job after it is enqueued, in ms: the heartbeat window plus 5 s, so a seed
 * whose process died just after it was seen alive already counts as crashed when the job runs.
 */
export const SEED_JOB_DELAY_MS = SEED_STALE_MS + 5_000;

/**
 * Backoff of the seed job while another process is still seeding, in ms: the n-th retry waits
 * `min(SEED_JOB_BACKOFF_MAX_MS, SEED_JOB_BACKOFF_BASE_MS · 2^(n-1))` (jittered down by up to half).
 */
export const SEED_JOB_BACKOFF_BASE_MS = 15_000;
/** Longest wait between two runs of the seed job, in ms (5 min). */
export const SEED_JOB_BACKOFF_MAX_MS = 300_000;
/** Runs of the seed job before it is dead-lettered: with the backoff above, about three days of a live seed. */
export const SEED_JOB_MAX_ATTEMPTS = 1000;

/** The seed this process is configured with (`SEED_PERSONS`, `SEED_ORGS`, `SEED`). */
function configuredSeed(platform: Platform): SeedPopulationOptions {
  return { persons: platform.config.SEED_PERSONS, orgs: platform.config.SEED_ORGS, seed: platform.config.SEED };
}

function isCode(err: unknown, ...codes: string[]): err is AppError {
  return err instanceof AppError && codes.includes(err.code);
}

/**
 * Seeds the configured population, logging an info line when the seed is claimed
 * ("seeding N persons and M organisations…") and one when it is done, with its duration.
 *
 * @throws AppError from {@link seedPopulation}
 */
async function seedAndLog(platform: Platform, log: Logger, restartedCrashedSeed: boolean): Promise<void> {
  const options = configuredSeed(platform);
  const started = Date.now();
  const result = await seedPopulation(platform.db, {
    ...options,
    onClaimed: () => {
      log.info(
        { persons: options.persons, orgs: options.orgs, seed: options.seed, restartedCrashedSeed },
        `seeding ${options.persons} persons and ${options.orgs} organisations…`,
      );
    },
  });
  const ms = Date.now() - started;
  log.info({ ...result, seed: options.seed, ms, restartedCrashedSeed }, `seeded the registers in ${(ms / 1000).toFixed(1)} s`);
}

/**
 * Enqueues the seed job for the unfinished seed attempt that started at `startedAt` (epoch
 * ms). Idempotent: every process that sees the same attempt enqueues the same job (key
 * `registers.seed:<startedAt>`).
 */
async function enqueueSeedJob(platform: Platform, log: Logger, startedAt: number): Promise<void> {
  const { id, created } = await platform.jobs.enqueue({
    queue: SEED_JOB_QUEUE,
    payload: { startedAt },
    idempotencyKey: `${SEED_JOB_QUEUE}:${startedAt}`,
    delayMs: SEED_JOB_DELAY_MS,
    maxAttempts: SEED_JOB_MAX_ATTEMPTS,
  });
  log.info(
    { jobId: id, created, delayMs: SEED_JOB_DELAY_MS },
    'another process is seeding the registers; a registers.seed job restarts the seed if that process dies',
  );
}

/**
 * The handler of {@link SEED_JOB_QUEUE}: finishes quietly when the seed completed (or the
 * registers hold rows no seed wrote, which it never touches), restarts a crashed seed with this
 * process's configured options, and throws `REGISTERS_SEED_IN_PROGRESS` while another process's
 * heartbeat is fresh, so the job is retried with backoff.
 *
 * @throws AppError `REGISTERS_SEED_IN_PROGRESS` while another process is seeding (retried);
 *   `PermanentJobError` for invalid seed options (dead-lettered at once)
 */
export async function runSeedJob(platform: Platform, log: Logger): Promise<void> {
  const status = await getSeedStatus(platform.db);
  switch (status.state) {
    case 'complete':
      return;
    case 'foreign-rows':
      log.warn('registers hold rows that no seed wrote; the registers.seed job leaves them alone');
      return;
    case 'in-progress':
      throw registersError('REGISTERS_SEED_IN_PROGRESS', `Another process is still seeding the registers (seed "${status.seed}"); retrying later`);
    case 'crashed':
    case 'empty':
      break;
  }
  try {
    await seedAndLog(platform, log, status.state === 'crashed');
  } catch (err) {
    if (isCode(err, 'REGISTERS_ALREADY_SEEDED')) return;
    if (isCode(err, 'REGISTERS_INVALID_SEED_OPTIONS')) throw new PermanentJobError(err.message, { cause: err });
    throw err;
  }
}

/**
 * `onStart` of the registers component. Registers the {@link SEED_JOB_QUEUE} handler (every
 * process, so any of them can repair a crashed seed), then:
 * - a completed seed: nothing;
 * - rows no seed wrote: a warning, no seed;
 * - empty, or a crashed seed: seeds `SEED_PERSONS` persons and `SEED_ORGS` organisations from
 *   `SEED` (a crashed seed is cleared and restarted), logging the start and the duration;
 * - another process seeding (fresh heartbeat, or it claimed the seed first): enqueues the seed
 *   job and serves.
 *
 * @throws AppError from {@link seedPopulation} other than "already seeded" / "in progress"
 */
export async function seedOnFirstStart(platform: Platform): Promise<void> {
  const log = platform.log.child({ component: 'registers' });
  platform.jobs.register(SEED_JOB_QUEUE, (_job: Job, ctx) => runSeedJob(platform, ctx.log), {
    backoffBaseMs: SEED_JOB_BACKOFF_BASE_MS,
    backoffMaxMs: SEED_JOB_BACKOFF_MAX_MS,
  });
  const status = await getSeedStatus(platform.db);
  switch (status.state) {
    case 'complete':
      return;
    case 'foreign-rows':
      log.warn('registers hold rows that no seed wrote; not seeding');
      return;
    case 'in-progress':
      await enqueueSeedJob(platform, log, status.startedAt);
      return;
    case 'crashed':
    case 'empty':
      break;
  }
  try {
    await seedAndLog(platform, log, status.state === 'crashed');
  } catch (err) {
    if (isCode(err, 'REGISTERS_ALREADY_SEEDED')) {
      log.info({ code: err.code }, 'registers seeded by another process');
      return;
    }
    if (isCode(err, 'REGISTERS_SEED_IN_PROGRESS')) {
      // Another process claimed the seed between our look and our claim.
      const now = await getSeedStatus(platform.db);
      if (now.state === 'in-progress' || now.state === 'crashed') await enqueueSeedJob(platform, log, now.startedAt);
      return;
    }
    throw err;
  }
}

/**
 * Readiness of the registers (`Component.checkHealth`, run by `/health/ready` and the front
 * page): DOWN while a seed is unfinished, because lookups would then miss persons and
 * organisations that will exist.
 *
 * @throws AppError `REGISTERS_NOT_READY` (503) while another process is seeding, or after a
 *   seed crashed and before it is restarted
 */
export async function checkRegistersReady(db: Database): Promise<void> {
  const status = await getSeedStatus(db);
  if (status.state === 'in-progress') {
    throw registersError(
      'REGISTERS_NOT_READY',
      `The registers are being seeded (seed "${status.seed}", started ${new Date(status.startedAt).toISOString()}); they are ready when the seed completes`,
    );
  }
  if (status.state === 'crashed') {
    throw registersError(
      'REGISTERS_NOT_READY',
      `A seed of the registers stopped unfinished (seed "${status.seed}", last heartbeat ${new Date(status.heartbeatAt).toISOString()}); ` +
        'it is restarted by the registers.seed job or the next start',
    );
  }
}
