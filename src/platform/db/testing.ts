/**
 * Test helper: a clean database per test on either engine.
 *
 * SQLite: a fresh private in-memory database (or a temp file when `file: true`, for tests that
 * open it from several processes). PostgreSQL (only when `TEST_DATABASE_URL` is set): a fresh
 * schema `t_<random>` on that database, dropped again by `close()`.
 *
 * @example
 * for (const engine of testEngines()) {
 *   describe(`jobs on ${engine}`, () => {
 *     let db: TestDatabase;
 *     beforeEach(async () => { db = await createTestDatabase(engine, [platformMigrations]); });
 *     afterEach(() => db.close());
 *   });
 * }
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { openDatabase, pgConnectionConfig, type Database, type Engine } from './database.ts';
import { runMigrations, type ComponentMigrations } from './migrations.ts';

function pgAdmin(url: string): pg.Client {
  return new pg.Client(pgConnectionConfig(url));
}

/** The engines the suite runs on: always `sqlite`; `postgres` when `TEST_DATABASE_URL` is set. */
export function testEngines(): Engine[] {
  return testPostgresUrl() ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** `TEST_DATABASE_URL`, or undefined. */
export function testPostgresUrl(): string | undefined {
  return loadConfig(process.env).TEST_DATABASE_URL;
}

/** A test database. `url` opens the same database from another process or pool. */
export interface TestDatabase extends Database {
  /** `DATABASE_URL` value of this database (for child processes). */
  readonly url: string;
  /** PostgreSQL schema name (postgres only). */
  readonly schema: string | undefined;
}

/**
 * Creates a clean database and runs the given migrations on it.
 *
 * @param engine which engine
 * @param migrations components whose migrations to apply (in order)
 * @param options `file: true` puts SQLite in a temp file instead of memory
 */
export async function createTestDatabase(
  engine: Engine,
  migrations: ComponentMigrations[] = [],
  options: { file?: boolean } = {},
): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = options.file ? mkdtempSync(join(tmpdir(), 'grunnmur-test-')) : undefined;
    const url = dir ? `sqlite:${join(dir, 'test.db')}` : 'sqlite::memory:';
    const db = await openDatabase(url);
    await runMigrations(db, migrations);
    return {
      ...db,
      kysely: db.kysely,
      url,
      schema: undefined,
      close: async () => {
        await db.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = testPostgresUrl();
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = pgAdmin(base);
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openDatabase(base, { searchPath: schema, poolSize: 5 });
  await runMigrations(db, migrations);
  const sep = base.includes('?') ? '&' : '?';
  return {
    ...db,
    kysely: db.kysely,
    url: `${base}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    schema,
    close: async () => {
      await db.close();
      const c = pgAdmin(base);
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

function snapshotValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bytes:${value.byteLength}:${createHash('sha256').update(value).digest('hex')}`;
  if (typeof value === 'bigint') return String(value);
  return value;
}

/**
 * Every row of every table named `<prefix>_*` (found in the catalogue) and of `platform_jobs`, by
 * table, each row as JSON with its columns in name order and the rows sorted: two snapshots are
 * `deepEqual` exactly when no row was added, removed or changed. Bytes are shown as their length
 * and SHA-256 (a 5 MiB chunk stays small), bigints as text. For the "bad input changes nothing"
 * tests.
 *
 * @param prefix a component's table prefix without the underscore, e.g. `eformidling`
 */
export async function snapshotTables(db: Database, prefix: string): Promise<Record<string, string[]>> {
  const pattern = `${prefix}!_%`;
  const { rows } =
    db.engine === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name like ${pattern} escape '!'`.execute(db.kysely)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_name like ${pattern} escape '!'`.execute(db.kysely);
  const tables = [...rows.map((r) => r.name), 'platform_jobs'].sort();
  const snapshot: Record<string, string[]> = {};
  for (const table of tables) {
    const all = (await db.kysely.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
    snapshot[table] = all.map((row) => JSON.stringify(Object.keys(row).sort().map((column) => [column, snapshotValue(row[column])]))).sort();
  }
  return snapshot;
}
