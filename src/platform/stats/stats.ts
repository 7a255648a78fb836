/**
 * Usage statistics: counters per component and event, by calendar day (UTC). They back the
 * annual-report table (logins in ID-porten, lookups in KRR, letters, messages, tokens…),
 * which is built from these rows, never from estimates.
 *
 * A counter row is `(component, event, day) → count`. Two ways to count:
 * - `increment` upserts the row at once, in the caller's transaction when one is given, so a
 *   counted event and its data commit together;
 * - `incrementBuffered` adds to a per-process buffer that is written every
 *   {@link STATS_FLUSH_INTERVAL_MS} (one upsert per counter and day, whatever the number of
 *   events) and on `close()` (the platform's). For hot paths: every upsert of a counter row
 *   takes that row's lock (PostgreSQL) or the write lock (SQLite), so counting each event in its
 *   own transaction serializes every process's events of the day on one row. The trade-off: a
 *   process that dies without closing (crash, SIGKILL) loses at most the last interval's counts
 *   of its buffered counters, and another process sees them up to one interval late. The
 *   counters are statistics, not records: whatever must not be lost is written by the caller in
 *   its own transaction.
 */
import { sql, type Kysely } from 'kysely';
import { platformError } from '../errors.ts';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { ComponentMigration } from '../db/migrations.ts';

interface StatsTables {
  platform_stats: { component: string; event: string; day: string; count: number };
}

/** One counter row. `day` is `YYYY-MM-DD` (UTC). */
export interface StatsRow {
  component: string;
  event: string;
  day: string;
  count: number;
}

const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

/** How often buffered counts are written, ms (see {@link Stats.incrementBuffered}). */
export const STATS_FLUSH_INTERVAL_MS = 1000;

/** Options of {@link Stats}. */
export interface StatsOptions {
  /** How often buffered counts are written, ms (default {@link STATS_FLUSH_INTERVAL_MS}). */
  flushIntervalMs?: number;
  /** Where a failed background flush is reported (the counts are kept and written later). */
  log?: Pick<Logger, 'warn'>;
}

interface Pending {
  component: string;
  event: string;
  day: string;
  count: number;
}

/** Migrations of the `platform_stats` table. */
export const statsMigrations: ComponentMigration[] = [
  {
    name: '0001_stats',
    async up(db) {
      await db.schema
        .createTable('platform_stats')
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('platform_stats_pk', ['component', 'event', 'day'])
        .execute();
      await db.schema.createIndex('platform_stats_day').on('platform_stats').columns(['day']).execute();
    },
  },
];

/** `YYYY-MM-DD` of an epoch-ms time, in UTC. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Usage counters on the platform database. */
export class Stats {
  readonly #db: Database;
  readonly #flushIntervalMs: number;
  readonly #log: Pick<Logger, 'warn'> | undefined;
  /** Buffered counts by `component \0 event \0 day`. */
  #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(db: Database, options: StatsOptions = {}) {
    this.#db = db;
    this.#flushIntervalMs = options.flushIntervalMs ?? STATS_FLUSH_INTERVAL_MS;
    this.#log = options.log;
  }

  /**
   * Adds `by` to the counter of `component`/`event` for the day of `at`.
   *
   * @param component lower-case component name (`idporten`, `krr`)
   * @param event lower-case event name (`login`, `lookup.person`)
   * @param by amount, a positive whole number (default 1)
   * @param options `at` epoch ms (default now); `executor` a transaction to count inside
   * @throws AppError `PLATFORM_STATS_INVALID` for a bad name or amount
   */
  async increment(
    component: string,
    event: string,
    by = 1,
    options: { at?: number; executor?: Kysely<any> } = {},
  ): Promise<void> {
    checkCounter(component, event, by);
    await upsert((options.executor ?? this.#db.kysely) as Kysely<StatsTables>, component, event, utcDay(options.at ?? Date.now()), by);
  }

  /**
   * Adds `by` to the counter of `component`/`event` for the day of `at` in this process's
   * buffer; the buffer is written within {@link STATS_FLUSH_INTERVAL_MS}, by {@link flush}, and
   * by {@link close}. Not part of any transaction: use it for counts that may be lost in a
   * crash (at most one interval's), never for records (see the module comment).
   *
   * @param component lower-case component name (`maskinporten`)
   * @param event lower-case event name (`token`)
   * @param by amount, a positive whole number (default 1)
   * @param options `at` epoch ms (default now)
   * @throws AppError `PLATFORM_STATS_INVALID` for a bad name or amount (nothing is buffered)
   */
  incrementBuffered(component: string, event: string, by = 1, options: { at?: number } = {}): void {
    checkCounter(component, event, by);
    this.#buffer(component, event, utcDay(options.at ?? Date.now()), by);
  }

  #buffer(component: string, event: string, day: string, by: number): void {
    const key = `${component}\u0000${event}\u0000${day}`;
    const entry = this.#pending.get(key);
    if (entry) entry.count += by;
    else this.#pending.set(key, { component, event, day, count: by });
    if (this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush().catch((err: unknown) => this.#log?.warn({ err }, 'usage statistics: buffered counts not written, retrying'));
      }, this.#flushIntervalMs).unref();
    }
  }

  /**
   * Writes the buffered counts now: one upsert per counter and day. Counts that could not be
   * written stay buffered (and are retried). Flushes run one at a time.
   *
   * @throws the database's error when a write failed
   */
  flush(): Promise<void> {
    const run = this.#flushing.then(() => this.#writePending());
    this.#flushing = run.catch(() => {});
    return run;
  }

  /**
   * Stops the flush timer and writes the buffered counts (the platform's `close()` calls this,
   * before it closes the database). Counts buffered after this are written only by
   * {@link flush}.
   *
   * @throws the database's error when the last counts could not be written
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  async #writePending(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const k = this.#db.kysely as Kysely<StatsTables>;
    const entries = [...batch.values()];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Pending;
      try {
        await upsert(k, entry.component, entry.event, entry.day, entry.count);
      } catch (err) {
        for (const failed of entries.slice(i)) this.#buffer(failed.component, failed.event, failed.day, failed.count);
        throw err;
      }
    }
  }

  /**
   * Counter rows, ordered by day, component, event. This process's buffered counts are
   * written first, so they are included.
   *
   * @param filter optional component, event and an inclusive day range (`YYYY-MM-DD`)
   */
  async list(filter: { component?: string; event?: string; fromDay?: string; toDay?: string } = {}): Promise<StatsRow[]> {
    await this.flush();
    const k = this.#db.kysely as Kysely<StatsTables>;
    let q = k.selectFrom('platform_stats').selectAll();
    if (filter.component) q = q.where('component', '=', filter.component);
    if (filter.event) q = q.where('event', '=', filter.event);
    if (filter.fromDay) q = q.where('day', '>=', filter.fromDay);
    if (filter.toDay) q = q.where('day', '<=', filter.toDay);
    const rows = await q.orderBy('day').orderBy('component').orderBy('event').execute();
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  /**
   * Totals per component/event for each calendar year (`YYYY`), for the annual-report table.
   * This process's buffered counts are written first, so they are included.
   */
  async totalsByYear(): Promise<Array<{ year: string; component: string; event: string; count: number }>> {
    await this.flush();
    const k = this.#db.kysely as Kysely<StatsTables>;
    const year = sql<string>`substr(day, 1, 4)`;
    const rows = await k
      .selectFrom('platform_stats')
      .select([year.as('year'), 'component', 'event', (eb) => eb.fn.sum<number | string>('count').as('count')])
      .groupBy([year, 'component', 'event'])
      .orderBy(year)
      .orderBy('component')
      .orderBy('event')
      .execute();
    return rows.map((r) => ({ year: r.year, component: r.component, event: r.event, count: Number(r.count) }));
  }
}

function checkCounter(component: string, event: string, by: number): void {
  if (!NAME.test(component) || !NAME.test(event)) {
    throw platformError('PLATFORM_STATS_INVALID', `Invalid statistics counter name ${component}/${event}`);
  }
  if (!Number.isSafeInteger(by) || by < 1) throw platformError('PLATFORM_STATS_INVALID', `Invalid statistics amount ${by}`);
}

async function upsert(k: Kysely<StatsTables>, component: string, event: string, day: string, by: number): Promise<void> {
  await k
    .insertInto('platform_stats')
    .values({ component, event, day, count: by })
    .onConflict((oc) => oc.columns(['component', 'event', 'day']).doUpdateSet((eb) => ({ count: eb('platform_stats.count', '+', by) })))
    .execute();
}
