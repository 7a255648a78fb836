/**
 * Usage statistics: counters per component and event, by calendar day (UTC). They back the
 * annual-report table (logins in ID-porten, lookups in KRR, letters, messages, tokens…),
 * which is built from these rows, never from estimates.
 *
 * A counter row is `(component, event, day) → count`; `increment` upserts it, in the caller's
 * transaction when one is given, so a counted event and its data commit together.
 */
import { sql, type Kysely } from 'kysely';
import { platformError } from '../errors.ts';
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

  constructor(db: Database) {
    this.#db = db;
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
    if (!NAME.test(component) || !NAME.test(event)) {
      throw platformError('PLATFORM_STATS_INVALID', `Invalid statistics counter name ${component}/${event}`);
    }
    if (!Number.isSafeInteger(by) || by < 1) throw platformError('PLATFORM_STATS_INVALID', `Invalid statistics amount ${by}`);
    const k = (options.executor ?? this.#db.kysely) as Kysely<StatsTables>;
    const day = utcDay(options.at ?? Date.now());
    await k
      .insertInto('platform_stats')
      .values({ component, event, day, count: by })
      .onConflict((oc) =>
        oc.columns(['component', 'event', 'day']).doUpdateSet((eb) => ({ count: eb('platform_stats.count', '+', by) })),
      )
      .execute();
  }

  /**
   * Counter rows, ordered by day, component, event.
   *
   * @param filter optional component, event and an inclusive day range (`YYYY-MM-DD`)
   */
  async list(filter: { component?: string; event?: string; fromDay?: string; toDay?: string } = {}): Promise<StatsRow[]> {
    const k = this.#db.kysely as Kysely<StatsTables>;
    let q = k.selectFrom('platform_stats').selectAll();
    if (filter.component) q = q.where('component', '=', filter.component);
    if (filter.event) q = q.where('event', '=', filter.event);
    if (filter.fromDay) q = q.where('day', '>=', filter.fromDay);
    if (filter.toDay) q = q.where('day', '<=', filter.toDay);
    const rows = await q.orderBy('day').orderBy('component').orderBy('event').execute();
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  /** Totals per component/event for each calendar year (`YYYY`), for the annual-report table. */
  async totalsByYear(): Promise<Array<{ year: string; component: string; event: string; count: number }>> {
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
