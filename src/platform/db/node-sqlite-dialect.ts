/**
 * Kysely's `SqliteDialect` on Node's built-in `node:sqlite`, through a small adapter object
 * shaped like the better-sqlite3 interface Kysely expects. No native addon is needed.
 *
 * The file is opened in WAL mode with a busy timeout, so several processes can share it
 * (one writer at a time; writers wait up to `busyTimeoutMs`).
 *
 * Prepared statements are cached per connection, keyed by their SQL text (a bounded LRU,
 * {@link DEFAULT_STATEMENT_CACHE_SIZE}), because Kysely prepares every query it runs and
 * `sqlite3_prepare_v2` was ~5 % of a Maskinporten token. Reusing a statement is safe here: `all`
 * and `run` bind, step to the end and reset within one synchronous call, so no two queries ever
 * share a statement's state; SQLite re-prepares a cached statement by itself after a schema
 * change (`sqlite3_prepare_v2` semantics). `iterate` (Kysely's `stream()`) keeps the statement
 * open across awaits, so it gets a fresh, uncached statement. Closing the database finalizes
 * every statement, cached or not; an evicted one is finalized when it is garbage-collected.
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

function toSqliteAll(parameters: ReadonlyArray<unknown>): SqlValue[] {
  const out = new Array<SqlValue>(parameters.length);
  for (let i = 0; i < parameters.length; i++) out[i] = toSqlite(parameters[i]);
  return out;
}

class NodeSqliteStatement implements SqliteStatement {
  readonly #raw: DatabaseSync;
  readonly #sql: string;
  readonly #stmt: StatementSync;
  readonly reader: boolean;
  constructor(raw: DatabaseSync, sql: string) {
    this.#raw = raw;
    this.#sql = sql;
    this.#stmt = raw.prepare(sql);
    this.reader = this.#stmt.columns().length > 0;
  }
  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#stmt.all(...toSqliteAll(parameters));
  }
  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#stmt.run(...toSqliteAll(parameters));
  }
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    // A fresh statement: an iterator outlives this call, and the cached one may run meanwhile.
    return this.#raw.prepare(this.#sql).iterate(...toSqliteAll(parameters)) as IterableIterator<unknown>;
  }
}

/** Prepared statements kept per connection by default (least recently used evicted first). */
export const DEFAULT_STATEMENT_CACHE_SIZE = 500;

/**
 * A bounded LRU of prepared statements by SQL text (a `Map` keeps insertion order: a hit is
 * moved to the end, the first entry is the least recently used).
 */
class StatementCache {
  readonly #raw: DatabaseSync;
  readonly #max: number;
  readonly #entries = new Map<string, NodeSqliteStatement>();
  constructor(raw: DatabaseSync, max: number) {
    this.#raw = raw;
    this.#max = max;
  }
  get(sql: string): NodeSqliteStatement {
    const hit = this.#entries.get(sql);
    if (hit !== undefined) {
      this.#entries.delete(sql);
      this.#entries.set(sql, hit);
      return hit;
    }
    const stmt = new NodeSqliteStatement(this.#raw, sql);
    if (this.#max === 0) return stmt;
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(sql, stmt);
    return stmt;
  }
  get size(): number {
    return this.#entries.size;
  }
  clear(): void {
    this.#entries.clear();
  }
}

/** Options of {@link openNodeSqlite}. */
export interface NodeSqliteOptions {
  /** File path, or `:memory:`. */
  filename: string;
  /** How long a writer waits for the lock, in milliseconds (default 10 000). */
  busyTimeoutMs?: number;
  /** Prepared statements cached, by SQL text (default {@link DEFAULT_STATEMENT_CACHE_SIZE}; 0 = none). */
  statementCacheSize?: number;
}

/**
 * Opens a `node:sqlite` database with the pragmas Grunnmur relies on: WAL journal,
 * `synchronous=NORMAL`, foreign keys on, busy timeout.
 *
 * @returns the raw database, the Kysely adapter object wrapping it, and the number of statements
 *   its cache holds (for tests)
 */
export function openNodeSqlite(options: NodeSqliteOptions): {
  raw: DatabaseSync;
  adapter: SqliteDatabase;
  cachedStatements: () => number;
} {
  const raw = new DatabaseSync(options.filename, { timeout: options.busyTimeoutMs ?? 10_000 });
  if (options.filename !== ':memory:') raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  const statements = new StatementCache(raw, Math.max(0, options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE));
  const adapter: SqliteDatabase = {
    close: () => {
      statements.clear();
      raw.close();
    },
    prepare: (sql: string) => statements.get(sql),
  };
  return { raw, adapter, cachedStatements: () => statements.size };
}

/** A Kysely dialect for an opened `node:sqlite` database (see {@link openNodeSqlite}). */
export function nodeSqliteDialect(adapter: SqliteDatabase): SqliteDialect {
  return new SqliteDialect({ database: adapter });
}
