/**
 * The stored health checks behind the status page: `platform_health_checks`, one row per
 * component per check run, written by the scheduled check (`status-jobs.ts`) and read back as
 * uptime per window and as the failed checks incidents are made of (`uptime.ts`).
 *
 * A row stands for one *slot*: the check run scheduled at `slot_at` (epoch ms, a multiple of
 * `interval_ms`) tells the state of the component for `[slot_at, slot_at + interval_ms)`. One row
 * per component and slot (the primary key), so a run repeated after a crash, or by a second
 * process, cannot count twice. Times are epoch milliseconds, as everywhere in the database.
 *
 * Aggregation happens in SQL (portable: `case`, `sum`, no `least`/`greatest`), so a year of
 * one-minute checks (about 525,000 rows per component) is summed by the database rather than
 * loaded into the process.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { ComponentMigration } from '../db/migrations.ts';

/** Result of one check of one component: `UP` when it passed in time, `DOWN` otherwise. */
export type CheckState = 'UP' | 'DOWN';

/** One stored check. Times are epoch milliseconds. */
export interface HealthCheck {
  /** Component name (`krr`, `eformidling`…), or `database` for the kernel's own database check. */
  component: string;
  /** Start of the slot this check stands for (a multiple of `intervalMs`). */
  slotAt: number;
  /** Length of the slot, ms: the check stands for `[slotAt, slotAt + intervalMs)`. */
  intervalMs: number;
  /** When the check actually ran. */
  checkedAt: number;
  state: CheckState;
  /** Why the check failed (the error's message, at most 2000 characters); null when `UP`. */
  error: string | null;
}

/** Time a component spent in each state within one window, ms. */
export interface WindowTotals {
  /** Time covered by `UP` checks. */
  upMs: number;
  /** Time covered by `DOWN` checks. */
  downMs: number;
}

/** Name of the kernel's own check in the table and in the report (as in `/health/ready`'s `checks`). */
export const DATABASE_CHECK = 'database';

/** Longest error message stored, in characters. */
export const MAX_CHECK_ERROR_LENGTH = 2000;

interface HealthCheckTables {
  platform_health_checks: {
    component: string;
    slot_at: number;
    interval_ms: number;
    checked_at: number;
    state: CheckState;
    error: string | null;
  };
}

/** Migrations of `platform_health_checks`; registered as the kernel module `platform_status`. */
export const statusMigrations: ComponentMigration[] = [
  {
    name: '0001_health_checks',
    async up(db) {
      await db.schema
        .createTable('platform_health_checks')
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('slot_at', 'bigint', (c) => c.notNull())
        .addColumn('interval_ms', 'bigint', (c) => c.notNull().check(sql`interval_ms > 0`))
        .addColumn('checked_at', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('UP', 'DOWN')`))
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('platform_health_checks_pk', ['component', 'slot_at'])
        .execute();
      // Window sums and the retention purge read by time; incidents read the failed checks by time.
      await db.schema.createIndex('platform_health_checks_slot').on('platform_health_checks').columns(['slot_at']).execute();
      await db.schema.createIndex('platform_health_checks_state').on('platform_health_checks').columns(['state', 'slot_at']).execute();
    },
  },
];

function k(db: Database | Kysely<any>): Kysely<HealthCheckTables> {
  return ('kysely' in db ? db.kysely : db) as Kysely<HealthCheckTables>;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0);
}

function toCheck(row: Record<string, unknown>): HealthCheck {
  return {
    component: row.component as string,
    slotAt: num(row.slot_at),
    intervalMs: num(row.interval_ms),
    checkedAt: num(row.checked_at),
    state: row.state as CheckState,
    error: (row.error as string | null) ?? null,
  };
}

/**
 * Stores the checks of one run. A component that already has a check for the same slot keeps
 * it (the first run of a slot wins), so a repeated run changes nothing.
 *
 * @param checks the run's checks (usually all with the same `slotAt`)
 * @returns how many rows were written (0 when the slot was already recorded)
 */
export async function recordHealthChecks(db: Database | Kysely<any>, checks: readonly HealthCheck[]): Promise<number> {
  if (checks.length === 0) return 0;
  const rows = checks.map((c) => ({
    component: c.component,
    slot_at: c.slotAt,
    interval_ms: c.intervalMs,
    checked_at: c.checkedAt,
    state: c.state,
    error: c.error === null ? null : c.error.slice(0, MAX_CHECK_ERROR_LENGTH),
  }));
  const result = await k(db)
    .insertInto('platform_health_checks')
    .values(rows)
    .onConflict((oc) => oc.columns(['component', 'slot_at']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Deletes the checks whose slot started before `before` (epoch ms).
 *
 * @returns how many rows were deleted
 */
export async function purgeHealthChecks(db: Database | Kysely<any>, before: number): Promise<number> {
  const result = await k(db).deleteFrom('platform_health_checks').where('slot_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Checks in `[from, to)` by slot start, oldest first, optionally of one state or component.
 * For tests and small ranges: a year of checks is summed with {@link sumWindows} instead.
 */
export async function listHealthChecks(
  db: Database | Kysely<any>,
  filter: { from: number; to: number; state?: CheckState; component?: string },
): Promise<HealthCheck[]> {
  let query = k(db).selectFrom('platform_health_checks').selectAll().where('slot_at', '>=', filter.from).where('slot_at', '<', filter.to);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.component) query = query.where('component', '=', filter.component);
  const rows = await query.orderBy('component').orderBy('slot_at').execute();
  return rows.map((r) => toCheck(r as Record<string, unknown>));
}

/**
 * Slots are at most this long for the window sums: a check whose slot started this long before
 * a window can still reach into it. Generous (a day), it only widens the index range scanned.
 */
const MAX_SLOT_MS = 86_400_000;

/**
 * Time-weighted totals per component for several windows, in one pass over the table: each
 * check adds the part of its slot `[slot_at, slot_at + interval_ms)` that lies inside the
 * window `[from, to)` to `upMs` or `downMs` by its state. Time no check stands for is in
 * neither (the caller calls it unknown).
 *
 * Assumes the slots of one component do not overlap, which holds while the check interval is
 * the same for all rows (one row per slot start, slots a multiple of the interval).
 *
 * @param windows the windows, each `[from, to)` in epoch ms
 * @returns per component name, the totals of each window in the order given (components with
 *   no check in any window are absent)
 */
export async function sumWindows(
  db: Database | Kysely<any>,
  windows: ReadonlyArray<{ from: number; to: number }>,
): Promise<Map<string, WindowTotals[]>> {
  const out = new Map<string, WindowTotals[]>();
  if (windows.length === 0) return out;
  const earliest = Math.min(...windows.map((w) => w.from));
  const latest = Math.max(...windows.map((w) => w.to));
  const end = sql`slot_at + interval_ms`;
  // The part of a slot inside [from, to), when it overlaps; `cast … as bigint` types the
  // parameters for PostgreSQL (SQLite takes it as integer affinity).
  const overlap = (from: number, to: number, state: CheckState) => {
    const f = sql`cast(${from} as bigint)`;
    const t = sql`cast(${to} as bigint)`;
    return sql`sum(case when state = ${state} and slot_at < ${t} and ${end} > ${f}
      then (case when ${end} > ${t} then ${t} else ${end} end) - (case when slot_at < ${f} then ${f} else slot_at end)
      else 0 end)`;
  };
  const columns = windows.flatMap((w, i) => [
    sql`${overlap(w.from, w.to, 'UP')} as ${sql.ref(`up_${i}`)}`,
    sql`${overlap(w.from, w.to, 'DOWN')} as ${sql.ref(`down_${i}`)}`,
  ]);
  const { rows } = await sql<Record<string, unknown>>`select component, ${sql.join(columns)}
    from platform_health_checks
    where slot_at >= cast(${earliest - MAX_SLOT_MS} as bigint) and slot_at < cast(${latest} as bigint)
    group by component`.execute(k(db));
  for (const row of rows) {
    out.set(
      row.component as string,
      windows.map((_, i) => ({ upMs: num(row[`up_${i}`]), downMs: num(row[`down_${i}`]) })),
    );
  }
  return out;
}

/**
 * The latest check of each component whose slot started at or after `since` (epoch ms).
 *
 * @returns per component name, its latest check
 */
export async function latestHealthChecks(db: Database | Kysely<any>, since: number): Promise<Map<string, HealthCheck>> {
  const kysely = k(db);
  const latest = kysely
    .selectFrom('platform_health_checks')
    .select(['component', (eb) => eb.fn.max('slot_at').as('slot_at')])
    .where('slot_at', '>=', since)
    .groupBy('component')
    .as('latest');
  const rows = await kysely
    .selectFrom('platform_health_checks as c')
    .innerJoin(latest, (join) => join.onRef('latest.component', '=', 'c.component').onRef('latest.slot_at', '=', 'c.slot_at'))
    .selectAll('c')
    .execute();
  return new Map(rows.map((r) => [r.component as string, toCheck(r as Record<string, unknown>)]));
}
