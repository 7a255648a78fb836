/**
 * Live status of the served components, for the front page: the database answers, and each
 * component's own `checkHealth` passes, each within a short timeout so a hanging dependency
 * cannot hang the front page. The same checks `/health/ready` runs.
 */
import { sql } from 'kysely';
import type { Component } from '../../platform/component.ts';
import type { Platform } from '../../platform/platform.ts';

/** `UP` when the check passed in time, `DOWN` when it threw or timed out. */
export type HealthState = 'UP' | 'DOWN';

/** Result of the front page's checks. */
export interface StatusReport {
  /** The database answered `select 1`. */
  database: HealthState;
  /** Per component name: its own check passed and the database is up. */
  components: Record<string, HealthState>;
}

/** Default time one check may take before it counts as DOWN, in milliseconds. */
export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

/** Resolves to UP when `check` settles successfully within `timeoutMs`, else DOWN. Never throws. */
async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<HealthState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthState>((resolve) => {
    timer = setTimeout(() => resolve('DOWN'), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then(
          () => 'UP' as const,
          () => 'DOWN' as const,
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the database check and every component's `checkHealth` concurrently.
 *
 * A component without `checkHealth` is UP when the database is; a component whose check
 * throws, or takes longer than `timeoutMs`, is DOWN; every component is DOWN when the database
 * is down (they all keep their state there).
 *
 * @param components the components to report on (usually `platform.components` less the portal)
 * @param timeoutMs time each check may take, in milliseconds
 */
export async function checkComponents(
  platform: Platform,
  components: readonly Component[],
  timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS,
): Promise<StatusReport> {
  const [database, ...own] = await Promise.all([
    probe(() => sql`select 1 as ok`.execute(platform.db.kysely), timeoutMs),
    ...components.map((c) => (c.checkHealth ? probe(() => c.checkHealth!(platform), timeoutMs) : Promise.resolve<HealthState>('UP'))),
  ]);
  const result: Record<string, HealthState> = {};
  components.forEach((c, i) => {
    result[c.name] = database === 'UP' && own[i] === 'UP' ? 'UP' : 'DOWN';
  });
  return { database: database ?? 'DOWN', components: result };
}
