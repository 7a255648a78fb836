/**
 * Live status of the served components, for the front page: the kernel's health checks
 * (`runHealthChecks`, the same ones `/health/ready` runs), turned into one state per component.
 */
import type { Component } from '../../platform/component.ts';
import { HEALTH_CHECK_TIMEOUT_MS, runHealthChecks, type HealthState } from '../../platform/health.ts';
import type { Platform } from '../../platform/platform.ts';

export type { HealthState } from '../../platform/health.ts';

/** Result of the front page's checks. */
export interface StatusReport {
  /** The database answered `select 1`. */
  database: HealthState;
  /** Per component name: its own check passed and the database is up. */
  components: Record<string, HealthState>;
}

/** Default time one check may take before it counts as DOWN, in milliseconds. */
export const DEFAULT_CHECK_TIMEOUT_MS = HEALTH_CHECK_TIMEOUT_MS;

/**
 * Runs the database check and every component's `checkHealth` concurrently.
 *
 * A component without `checkHealth` is UP when the database is; a component whose check
 * throws, or takes longer than `timeoutMs`, is DOWN; every component is DOWN when the database
 * is down.
 *
 * @param components the components to report on (usually `platform.components` less the portal)
 * @param timeoutMs time each check may take, in milliseconds
 */
export async function checkComponents(
  platform: Platform,
  components: readonly Component[],
  timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS,
): Promise<StatusReport> {
  const { database, checks } = await runHealthChecks(platform, components, { timeoutMs });
  const result: Record<string, HealthState> = {};
  for (const c of components) result[c.name] = database === 'UP' && (checks[c.name] ?? 'UP') === 'UP' ? 'UP' : 'DOWN';
  return { database, components: result };
}
