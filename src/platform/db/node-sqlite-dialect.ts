/**
 * Kysely's `SqliteDialect` on Node's built-in `node:sqlite`, through a small adapter object
 * shaped like the better-sqlite3 interface Kysely expects. No native addon is needed.
 *
 * The file is opened in WAL mode with a busy timeout, so several processes can share it
 * (one writer at a time; writers wait up to `busyTimeoutMs`).
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

type SqlValue = null | number | bigint | string | Uint8Array;

function toSqlite(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return value as SqlValue;
}

class NodeSqliteStatement implements SqliteStatement {
  readonly #stmt: StatementSync;
  readonly reader: boolean;
  constructor(stmt: StatementSync) {
    this.#stmt = stmt;
    this.reader = stmt.columns().length > 0;
  }
  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#stmt.all(...parameters.map(toSqlite));
  }
  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#stmt.run(...parameters.map(toSqlite));
  }
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#stmt.iterate(...parameters.map(toSqlite)) as IterableIterator<unknown>;
  }
}

/** Options of {@link openNodeSqlite}. */
export interface NodeSqliteOptions {
  /** File path, or `:memory:`. */
  filename: string;
  /** How long a writer waits for the lock, in milliseconds (default 10 000). */
  busyTimeoutMs?: number;
}

/**
 * Opens a `node:sqlite` database with the pragmas Grunnmur relies on: WAL journal,
 * `synchronous=NORMAL`, foreign keys on, busy timeout.
 *
 * @returns the raw database and the Kysely adapter object wrapping it
 */
export function openNodeSqlite(options: NodeSqliteOptions): { raw: DatabaseSync; adapter: SqliteDatabase } {
  const raw = new DatabaseSync(options.filename, { timeout: options.busyTimeoutMs ?? 10_000 });
  if (options.filename !== ':memory:') raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  const adapter: SqliteDatabase = {
    close: () => raw.close(),
    prepare: (sql: string) => new NodeSqliteStatement(raw.prepare(sql)),
  };
  return { raw, adapter };
}

/** A Kysely dialect for an opened `node:sqlite` database (see {@link openNodeSqlite}). */
export function nodeSqliteDialect(adapter: SqliteDatabase): SqliteDialect {
  return new SqliteDialect({ database: adapter });
}
