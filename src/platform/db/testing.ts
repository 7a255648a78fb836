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
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
