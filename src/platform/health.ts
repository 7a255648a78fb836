/**
 * Health checks: the database answers, and each served component's own `checkHealth` passes,
 * all run concurrently, each within a timeout so that a hanging dependency cannot hang the
 * caller. `/health/ready` and the front page's live status both use this.
 */
import { sql } from 'kysely';
import type { Component } from './component.ts';
import type { Platform } from './platform.ts';

/** `UP` when a check passed in time, `DOWN` when it threw or timed out. */
export type HealthState = 'UP' | 'DOWN';

/** Result of {@link runHealthChecks}. */
export interface HealthReport {
  /** The database answered `select 1`. */
  database: HealthState;
  /** Per component name, for components that have a `checkHealth`: its own result. */
  checks: Record<string, HealthState>;
}

/** Default time one check may take before it counts as DOWN, in milliseconds. */
export const HEALTH_CHECK_TIMEOUT_MS = 2000;

/** Resolves to UP when `check` settles successfully within `timeoutMs`, else DOWN. Never throws. */
async function probe(check: () => Promise<unknown>, timeoutMs: number, onFailure: (err: unknown) => void): Promise<HealthState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthState>((resolve) => {
    timer = setTimeout(() => {
      onFailure(new Error(`timed out after ${timeoutMs} ms`));
      resolve('DOWN');
    }, timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then(
          () => 'UP' as const,
          (err: unknown) => {
            onFailure(err);
            return 'DOWN' as const;
          },
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the database check and the `checkHealth` of every given component that has one,
 * concurrently.
 *
 * @param components the components to check (usually `platform.components`)
 * @param options `timeoutMs` per check (default {@link HEALTH_CHECK_TIMEOUT_MS});
 *   `onFailure(name, err)` is told of each failed or timed-out check (`name` is `database` or
 *   the component's name), e.g. to log it
 * @returns the database's state and each checked component's own state; never throws
 */
export async function runHealthChecks(
  platform: Pick<Platform, 'db'>,
  components: readonly Component[],
  options: { timeoutMs?: number; onFailure?: (name: string, err: unknown) => void } = {},
): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? HEALTH_CHECK_TIMEOUT_MS;
  const onFailure = options.onFailure ?? (() => {});
  const checked = components.filter((c) => c.checkHealth);
  const [database, ...own] = await Promise.all([
    probe(() => sql`select 1 as ok`.execute(platform.db.kysely), timeoutMs, (err) => onFailure('database', err)),
    ...checked.map((c) => probe(() => c.checkHealth!(platform as Platform), timeoutMs, (err) => onFailure(c.name, err))),
  ]);
  const checks: Record<string, HealthState> = {};
  checked.forEach((c, i) => {
    checks[c.name] = own[i] ?? 'DOWN';
  });
  return { database: database ?? 'DOWN', checks };
}
