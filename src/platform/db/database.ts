/**
 * The database: Kysely over the embedded `node:sqlite` (default) or PostgreSQL (`pg`), chosen
 * by `DATABASE_URL`. Every component reaches storage through the {@link Database} it is given.
 *
 * Portable schema rules every migration follows, so the same queries run on both engines:
 * - times are epoch milliseconds in `bigint` columns named `…_at` (pg's int8 is parsed to number);
 * - calendar days are `text` `YYYY-MM-DD`;
 * - flags are `integer` 0/1; JSON is `text`; binary is {@link columnTypes}`.blob`;
 * - table names start with the component name (`platform_jobs`, `registers_persons`).
 */
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection } from 'kysely';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { platformError, type AppError } from '../errors.ts';
import { openNodeSqlite } from './node-sqlite-dialect.ts';

/** `sqlite` (node:sqlite, one file) or `postgres`. */
export type Engine = 'sqlite' | 'postgres';

/** An open database. */
export interface Database {
  /** The query builder. Stores cast it to their own table types: `db.kysely as Kysely<MyTables>`. */
  readonly kysely: Kysely<any>;
  readonly engine: Engine;
  /** The URL with any password removed, safe to log and show. */
  readonly safeUrl: string;
  /** Closes the pool / file. Idempotent. */
  close(): Promise<void>;
}

/** Column types that differ between the engines. */
export function columnTypes(engine: Engine): { blob: 'bytea' | 'blob'; serial: 'bigserial' | 'integer' } {
  return engine === 'postgres' ? { blob: 'bytea', serial: 'bigserial' } : { blob: 'blob', serial: 'integer' };
}

// pg returns int8 as string by default; our int8 columns are epoch milliseconds and counters,
// far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * SQLite transactions start with `BEGIN IMMEDIATE`, so a transaction takes the write lock at
 * its start and waits on the busy timeout instead of failing with SQLITE_BUSY when it later
 * upgrades from read to write while another process writes (WAL snapshot conflict).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** Removes the password from a database URL. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** PostgreSQL: schema to put first on the search path (used by the test helper). */
  searchPath?: string;
}

/**
 * Opens the database named by `url` and checks that it answers.
 *
 * - `sqlite:<path>` opens (and creates, with its folder) a file in WAL mode;
 *   `sqlite::memory:` a private in-memory database.
 * - `postgres://…` / `postgresql://…` opens a `pg` pool.
 *
 * @throws AppError `PLATFORM_DATABASE_UNREACHABLE` (503) with the reason (e.g. `ECONNREFUSED`,
 *   `database "x" does not exist`) when the database cannot be reached or opened.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const safeUrl = redactDatabaseUrl(url);
  if (url.startsWith('sqlite:')) {
    const target = url.slice('sqlite:'.length);
    const filename = target === ':memory:' ? ':memory:' : resolve(target);
    let opened: ReturnType<typeof openNodeSqlite>;
    try {
      if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
      opened = openNodeSqlite({ filename });
    } catch (cause) {
      throw unreachable(safeUrl, cause);
    }
    const kysely = new Kysely<any>({ dialect: new ImmediateSqliteDialect({ database: opened.adapter }) });
    let closed = false;
    return {
      kysely,
      engine: 'sqlite',
      safeUrl,
      close: async () => {
        if (closed) return;
        closed = true;
        await kysely.destroy();
      },
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({
      ...pgConnectionConfig(url),
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    });
    // An idle client that loses its connection must not crash the process.
    pool.on('error', () => {});
    try {
      const client = await pool.connect();
      client.release();
    } catch (cause) {
      await pool.end().catch(() => {});
      throw unreachable(safeUrl, cause);
    }
    const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    let closed = false;
    return {
      kysely,
      engine: 'postgres',
      safeUrl,
      close: async () => {
        if (closed) return;
        closed = true;
        await kysely.destroy();
      },
    };
  }
  throw platformError('PLATFORM_DATABASE_URL_INVALID', `Unsupported DATABASE_URL ${safeUrl}: use sqlite:<file> or postgres://…`);
}

/**
 * pg client settings for a URL. Like libpq, a URL without a user name connects as the
 * operating-system user (pg itself would send no user at all when `USER` is unset).
 */
export function pgConnectionConfig(url: string): pg.ClientConfig {
  const parsed = parseConnectionString(url) as pg.ClientConfig & { options?: string };
  let user = parsed.user;
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'postgres';
    }
  }
  return { ...(parsed as pg.ClientConfig), user };
}

function unreachable(safeUrl: string, cause: unknown): AppError {
  const reason = describeCause(cause);
  return platformError('PLATFORM_DATABASE_UNREACHABLE', `Cannot reach the database at ${safeUrl}: ${reason}`, { cause });
}

/** A one-line reason for a connection failure (`ECONNREFUSED 127.0.0.1:5999`, pg's message…). */
export function describeCause(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return describeCause(cause.errors[0]);
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    return code && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message || code || cause.name;
  }
  return String(cause);
}
