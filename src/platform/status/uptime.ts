/**
 * Uptime and incidents, computed from the stored health checks (`health-checks.ts`).
 *
 * The model is Digdir's own status page, Status Digdir (https://status.digdir.no): the state
 * of each common component now, its measured uptime, and the incidents (hendelser) when it
 * failed. Digdir reports uptime as a percentage per period: the annual report's figure for the
 * common components was 99.92 % (issue 8), and Kontaktregisteret's statistics show uptime per
 * month against an SLA of 99.90 % per month
 * (https://samarbeid.digdir.no/kontaktregisteret/kontaktregisteret/994).
 *
 * The rules, decided here:
 * - **Windows**: the last 24 hours, the last 30 days (30 × 24 h), and the calendar year so far:
 *   from 1 January 00:00 Norwegian time (Europe/Oslo, UTC+1 in January) to now — the period of
 *   the annual report's figure. Checks are kept 400 days, so the year is always covered.
 * - **Time-weighted**: each check stands for its slot (`[slotAt, slotAt + intervalMs)`, one
 *   check interval). Uptime = time covered by `UP` checks ÷ time covered by any check, within
 *   the window (slots cut at the window's edges). Time that no check stands for — before the
 *   first check, while every process was stopped, while the database itself was down (a check
 *   cannot be written then) — is **unknown**: neither up nor down, and left out of the
 *   percentage. A window with no check at all has no percentage (`null`, shown as unknown).
 * - **Incidents**: a run of failed checks of one component in consecutive slots is one
 *   incident. It starts at the first failed slot and ends where the last failed slot ends (the
 *   next check passed there, or checks stopped); it is **ongoing** while its last failed check is
 *   the component's latest and the next check is not yet due past one more interval. A slot
 *   without a check ends an incident: what happened in it is unknown. Its error is the message of
 *   its first failed check.
 */
import type { LocalizedText } from '../component.ts';
import type { Database } from '../db/database.ts';
import { DATABASE_CHECK, latestHealthChecks, listHealthChecks, sumWindows, type CheckState, type HealthCheck } from './health-checks.ts';

/** The three windows the status page shows. */
export type WindowId = '24h' | '30d' | 'year';

/** One window, `[from, to)` in epoch ms. */
export interface UptimeWindow {
  id: WindowId;
  from: number;
  to: number;
}

/** Uptime of one component in one window. Durations in ms. */
export interface WindowUptime {
  /** Time covered by passed checks. */
  upMs: number;
  /** Time covered by failed checks. */
  downMs: number;
  /** Time of the window no check stands for. */
  unknownMs: number;
  /** `upMs / (upMs + downMs) × 100`, unrounded; null when no check stands for any of the window. */
  uptimePercent: number | null;
}

/** The state of a component now: its latest check, or `UNKNOWN` when there is none recent. */
export type CurrentState = CheckState | 'UNKNOWN';

/** One component as the status page shows it. */
export interface ComponentStatus {
  /** Component name, or `database` for the kernel's database check. */
  name: string;
  title: LocalizedText;
  /** Its latest check's state; `UNKNOWN` when the latest check is older than two intervals or there is none. */
  state: CurrentState;
  /** When the latest check within the last 24 hours ran (epoch ms), or null. */
  lastCheckedAt: number | null;
  /** The latest check's error when it failed, else null. */
  lastError: string | null;
  uptime: Record<WindowId, WindowUptime>;
}

/** Consecutive failed checks of one component. Times in epoch ms, durations in ms. */
export interface Incident {
  component: string;
  /** Start of the first failed check's slot. */
  start: number;
  /** End of the last failed check's slot; null while ongoing. */
  end: number | null;
  ongoing: boolean;
  /** `end − start`, or `now − start` while ongoing. */
  durationMs: number;
  /** How many failed checks it is made of. */
  failedChecks: number;
  /** Error message of the first failed check. */
  error: string | null;
}

/** Everything the status page and `/status.json` show. */
export interface StatusReport {
  /** When the report was computed (epoch ms). */
  generatedAt: number;
  /** How often the platform checks, ms. */
  intervalMs: number;
  windows: UptimeWindow[];
  components: ComponentStatus[];
  /** Incidents that started within the longest window, newest first, at most {@link MAX_INCIDENTS}. */
  incidents: Incident[];
}

/** Most incidents a report lists. */
export const MAX_INCIDENTS = 100;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Title of the kernel's database check on the status page. */
export const databaseCheckTitle: LocalizedText = {
  nb: 'Database (plattformen)',
  nn: 'Database (plattforma)',
  en: 'Database (platform)',
};

const osloYear = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Oslo', year: 'numeric' });

/**
 * 1 January 00:00 in Norway of the year `now` falls in, as epoch ms. Norway is on CET (UTC+1)
 * all of January, so that is 31 December 23:00 UTC of the year before.
 */
export function startOfOsloYear(now: number): number {
  const year = Number(osloYear.format(now));
  return Date.UTC(year, 0, 1) - HOUR_MS;
}

/**
 * The windows of the status page at `now`: last 24 hours, last 30 days, and the calendar year
 * so far in Norwegian time (see the module comment).
 */
export function uptimeWindows(now: number): UptimeWindow[] {
  return [
    { id: '24h', from: now - DAY_MS, to: now },
    { id: '30d', from: now - 30 * DAY_MS, to: now },
    { id: 'year', from: startOfOsloYear(now), to: now },
  ];
}

/**
 * Uptime of one window from its totals.
 *
 * @param totals time covered by passed and by failed checks within the window, ms
 * @param window the window (its length less the covered time is unknown)
 */
export function windowUptime(totals: { upMs: number; downMs: number } | undefined, window: { from: number; to: number }): WindowUptime {
  const upMs = totals?.upMs ?? 0;
  const downMs = totals?.downMs ?? 0;
  const known = upMs + downMs;
  return {
    upMs,
    downMs,
    unknownMs: Math.max(0, window.to - window.from - known),
    uptimePercent: known > 0 ? (upMs / known) * 100 : null,
  };
}

/**
 * A percentage cut (not rounded) to `decimals` places, so that 100 means no failed check at
 * all and 99.999… never shows as 100. Exact for durations in ms (integer arithmetic).
 *
 * @param upMs time up, ms; `knownMs` time up or down, ms (> 0)
 */
export function truncatedPercent(upMs: number, knownMs: number, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  const hundredths = (BigInt(Math.round(upMs)) * 100n * scale) / BigInt(Math.round(knownMs));
  return Number(hundredths) / Number(scale);
}

/**
 * Groups failed checks into incidents (see the module comment).
 *
 * @param failed failed checks, any order
 * @param latestSlot per component, the start of its latest check's slot (any state)
 * @param now epoch ms
 * @returns incidents, newest start first
 */
export function groupIncidents(failed: readonly HealthCheck[], latestSlot: ReadonlyMap<string, number>, now: number): Incident[] {
  const sorted = [...failed].sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : a.slotAt - b.slotAt));
  const incidents: Incident[] = [];
  let run: HealthCheck[] = [];
  const close = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (!first || !last) return;
    const end = last.slotAt + last.intervalMs;
    const ongoing = latestSlot.get(last.component) === last.slotAt && now < end + last.intervalMs;
    incidents.push({
      component: first.component,
      start: first.slotAt,
      end: ongoing ? null : end,
      ongoing,
      durationMs: (ongoing ? Math.max(now, first.slotAt) : end) - first.slotAt,
      failedChecks: run.length,
      error: first.error,
    });
    run = [];
  };
  for (const check of sorted) {
    const prev = run[run.length - 1];
    if (prev && (prev.component !== check.component || prev.slotAt + prev.intervalMs !== check.slotAt)) close();
    run.push(check);
  }
  close();
  return incidents.sort((a, b) => b.start - a.start || (a.component < b.component ? -1 : 1));
}

/** Options of {@link loadStatusReport}. */
export interface StatusReportOptions {
  /** The time to report at, epoch ms (default now). */
  now?: number;
  /** The check interval, ms (shown; the stored checks carry their own). */
  intervalMs: number;
  /**
   * The components to show, in order (the database check is always first). Components with
   * checks in the windows but not listed here follow, by name.
   */
  components: ReadonlyArray<{ name: string; title: LocalizedText }>;
}

/**
 * Computes the status report from the stored checks: each component's state now, its uptime in
 * each window of {@link uptimeWindows}, and the incidents within the longest window.
 */
export async function loadStatusReport(db: Database, options: StatusReportOptions): Promise<StatusReport> {
  const now = options.now ?? Date.now();
  const windows = uptimeWindows(now);
  const earliest = Math.min(...windows.map((w) => w.from));
  // The latest check is looked for in the last 24 hours only (a check older than two intervals
  // is stale anyway), so finding it reads a day of rows rather than a year.
  const recent = now - DAY_MS;
  const [totals, latest, failed] = await Promise.all([
    sumWindows(db, windows),
    latestHealthChecks(db, recent),
    listHealthChecks(db, { from: earliest, to: now + 1, state: 'DOWN' }),
  ]);

  const listed = [{ name: DATABASE_CHECK, title: databaseCheckTitle }, ...options.components.filter((c) => c.name !== DATABASE_CHECK)];
  const names = new Set(listed.map((c) => c.name));
  const others = [...new Set([...totals.keys(), ...latest.keys()])].filter((n) => !names.has(n)).sort();
  const all = [...listed, ...others.map((name) => ({ name, title: { nb: name, nn: name, en: name } }))];

  const components = all.map((c): ComponentStatus => {
    const last = latest.get(c.name);
    const fresh = last !== undefined && now < last.slotAt + 2 * last.intervalMs;
    const sums = totals.get(c.name);
    const uptime = Object.fromEntries(windows.map((w, i) => [w.id, windowUptime(sums?.[i], w)])) as Record<WindowId, WindowUptime>;
    return {
      name: c.name,
      title: c.title,
      state: fresh ? last.state : 'UNKNOWN',
      lastCheckedAt: last?.checkedAt ?? null,
      lastError: last?.state === 'DOWN' ? last.error : null,
      uptime,
    };
  });
  const latestSlot = new Map([...latest].map(([name, check]) => [name, check.slotAt]));
  const incidents = groupIncidents(failed, latestSlot, now).slice(0, MAX_INCIDENTS);
  return { generatedAt: now, intervalMs: options.intervalMs, windows, components, incidents };
}
