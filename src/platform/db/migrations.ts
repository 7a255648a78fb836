/**
 * Per-component migrations, run at start (and by `grunnmur migrate`).
 *
 * Each component lists its migrations in order; they run through Kysely's `Migrator` with a
 * migration table per component (`<component>_migrations`), so components evolve
 * independently. The migrator's lock makes concurrent starts of several processes safe.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { platformError } from '../errors.ts';
import type { Database, Engine } from './database.ts';

/** One migration step. Names sort in the order they run (`0001_jobs`, `0002_outbox`…). */
export interface ComponentMigration {
  name: string;
  /** Applies the change. `engine` picks engine-specific column types (see `columnTypes`). */
  up(db: Kysely<any>, engine: Engine): Promise<void>;
}

/** The migrations of one component. */
export interface ComponentMigrations {
  /** Component name; also the prefix of its tables and of its migration table. */
  component: string;
  migrations: ComponentMigration[];
}

/**
 * Applies every pending migration of each component, in the given component order.
 *
 * @returns the names of the migrations applied now, as `component/name`
 * @throws AppError `PLATFORM_MIGRATION_FAILED` naming the component and migration that failed
 */
export async function runMigrations(db: Database, components: ComponentMigrations[]): Promise<string[]> {
  const applied: string[] = [];
  // Kysely's migrator looks for its tables in every schema on the search path unless told
  // which one; pin it to the current schema so databases in other schemas never interfere.
  let schema: string | undefined;
  if (db.engine === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely);
    schema = rows[0]?.schema;
  }
  for (const { component, migrations } of components) {
    if (!/^[a-z][a-z0-9_]*$/.test(component)) throw new Error(`bad component name ${component}`);
    const provider: MigrationProvider = {
      getMigrations: async () =>
        Object.fromEntries(
          migrations.map((m): [string, Migration] => [m.name, { up: (k: Kysely<any>) => m.up(k, db.engine) }]),
        ),
    };
    const migrator = new Migrator({
      db: db.kysely,
      provider,
      migrationTableName: `${component}_migrations`,
      migrationLockTableName: `${component}_migrations_lock`,
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    let { error, results } = await migrator.migrateToLatest();
    // Kysely's migrator lists the tables (and their columns' sequences) of *every* schema to see
    // whether its own tables exist; another schema dropped or altered at that moment (parallel
    // test runs, another process migrating) fails the listing with 3F000 invalid_schema_name,
    // 42P01 undefined_table or 42703 undefined_column. Nothing was migrated then (no results);
    // listing again is safe.
    for (let attempt = 1; attempt < 5 && isListingRace(error, results, schema); attempt++) {
      ({ error, results } = await migrator.migrateToLatest());
    }
    for (const r of results ?? []) if (r.status === 'Success') applied.push(`${component}/${r.migrationName}`);
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
      throw platformError('PLATFORM_MIGRATION_FAILED', `Migration ${component}/${failed} failed: ${(error as Error).message ?? error}`, {
        cause: error,
      });
    }
  }
  return applied;
}

function isListingRace(error: unknown, results: readonly unknown[] | undefined, ownSchema: string | undefined): boolean {
  const e = error as { code?: string } | undefined;
  if (!e) return false;
  if ((e.code === '42P01' || e.code === '42703') && (results === undefined || results.length === 0)) return true;
  return isOtherSchemaVanished(error, ownSchema);
}

function isOtherSchemaVanished(error: unknown, ownSchema: string | undefined): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (!e || e.code !== '3F000') return false;
  const named = /schema "([^"]+)" does not exist/.exec(e.message ?? '')?.[1];
  return named !== undefined && named !== ownSchema;
}
