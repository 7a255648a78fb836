/**
 * The portal's own table: daily snapshots of the statistics page's `beholdning` figures
 * (`portal_statistics_gauges`), one row per figure and day (UTC), the day's latest measurement.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { ComponentMigration } from '../../platform/db/migrations.ts';
import type { GaugeSnapshot } from '../domain/statistics-table.ts';

interface PortalTables {
  portal_statistics_gauges: {
    indikator: string;
    /** `YYYY-MM-DD`, UTC. */
    day: string;
    value: number;
    /** When it was measured, epoch ms. */
    measured_at: number;
  };
}

function portalDb(db: Database): Kysely<PortalTables> {
  return db.kysely as Kysely<PortalTables>;
}

/** Migrations of the portal's tables. */
export const portalMigrations: ComponentMigration[] = [
  {
    name: '0001_statistics_gauges',
    async up(db) {
      await db.schema
        .createTable('portal_statistics_gauges')
        .addColumn('indikator', 'varchar(64)', (c) => c.notNull())
        .addColumn('day', 'varchar(10)', (c) => c.notNull())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .addColumn('measured_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('portal_statistics_gauges_pk', ['indikator', 'day'])
        .execute();
    },
  },
];

/**
 * Stores a figure's value for a day, unless a later measurement of that day is stored already
 * (so a late, older run never overwrites a newer one).
 *
 * @param measuredAt epoch ms
 */
export async function saveGaugeSnapshot(db: Database, snapshot: GaugeSnapshot, measuredAt: number): Promise<void> {
  await portalDb(db)
    .insertInto('portal_statistics_gauges')
    .values({ indikator: snapshot.indikator, day: snapshot.day, value: snapshot.value, measured_at: measuredAt })
    .onConflict((oc) =>
      oc
        .columns(['indikator', 'day'])
        .doUpdateSet({ value: snapshot.value, measured_at: measuredAt })
        .where('portal_statistics_gauges.measured_at', '<=', measuredAt),
    )
    .execute();
}

/** Every stored snapshot, by figure and day. */
export async function listGaugeSnapshots(db: Database): Promise<GaugeSnapshot[]> {
  const rows = await portalDb(db).selectFrom('portal_statistics_gauges').select(['indikator', 'day', 'value']).orderBy('indikator').orderBy('day').execute();
  return rows.map((r) => ({ indikator: r.indikator, day: r.day, value: Number(r.value) }));
}
