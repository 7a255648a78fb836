/**
 * The `node:sqlite` adapter's prepared-statement cache: one statement per SQL text and
 * connection, bounded, correct across schema changes, transactions and streaming, finalized on
 * close. SQLite only: the cache is this dialect's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from './database.ts';
import { openNodeSqlite } from './node-sqlite-dialect.ts';

/** Rows as plain objects (`node:sqlite` answers null-prototype objects). */
function plain(rows: unknown[]): unknown[] {
  return rows.map((row) => ({ ...(row as object) }));
}

function openMemory(statementCacheSize?: number) {
  const opened = openNodeSqlite({ filename: ':memory:', ...(statementCacheSize !== undefined ? { statementCacheSize } : {}) });
  opened.raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  opened.raw.exec("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  return opened;
}

describe('node:sqlite prepared-statement cache', () => {
  it('prepares a SQL text once and answers each run with its own parameters', () => {
    const { adapter, cachedStatements } = openMemory();
    const q = 'SELECT name FROM t WHERE id = ?';
    assert.deepEqual(plain(adapter.prepare(q).all([1])), [{ name: 'a' }]);
    assert.deepEqual(plain(adapter.prepare(q).all([2])), [{ name: 'b' }]);
    assert.equal(adapter.prepare(q), adapter.prepare(q));
    assert.equal(cachedStatements(), 1);
    adapter.close();
  });

  it('keeps at most statementCacheSize statements, evicting the least recently used', () => {
    const { adapter, cachedStatements } = openMemory(2);
    const a = adapter.prepare('SELECT 1 AS v');
    const b = adapter.prepare('SELECT 2 AS v');
    assert.equal(adapter.prepare('SELECT 1 AS v'), a, 'a hit makes the statement the most recently used');
    adapter.prepare('SELECT 3 AS v');
    assert.equal(cachedStatements(), 2);
    assert.equal(adapter.prepare('SELECT 1 AS v'), a, 'the recently used one stays');
    assert.notEqual(adapter.prepare('SELECT 2 AS v'), b, 'the least recently used one was evicted and is prepared again');
    assert.deepEqual(plain(b.all([])), [{ v: 2 }], 'an evicted statement still works for whoever holds it');
    adapter.close();
  });

  it('caches nothing with statementCacheSize 0', () => {
    const { adapter, cachedStatements } = openMemory(0);
    assert.notEqual(adapter.prepare('SELECT 1 AS v'), adapter.prepare('SELECT 1 AS v'));
    assert.equal(cachedStatements(), 0);
    adapter.close();
  });

  it('answers a cached SELECT * with a column added after it was cached', () => {
    const { raw, adapter } = openMemory();
    const q = 'SELECT * FROM t WHERE id = ?';
    assert.deepEqual(plain(adapter.prepare(q).all([1])), [{ id: 1, name: 'a' }]);
    raw.exec("ALTER TABLE t ADD COLUMN extra TEXT NOT NULL DEFAULT 'x'");
    assert.deepEqual(plain(adapter.prepare(q).all([1])), [{ id: 1, name: 'a', extra: 'x' }]);
    adapter.close();
  });

  it('streams a query with a statement of its own, so running the same query meanwhile does not disturb it', () => {
    const { adapter } = openMemory();
    const q = 'SELECT id FROM t WHERE id >= ? ORDER BY id';
    const iterator = adapter.prepare(q).iterate([1]);
    assert.deepEqual({ ...(iterator.next().value as object) }, { id: 1 });
    assert.deepEqual(plain(adapter.prepare(q).all([3])), [{ id: 3 }]);
    assert.deepEqual(plain([...iterator]), [{ id: 2 }, { id: 3 }]);
    adapter.close();
  });

  it('finalizes cached statements when the database is closed', () => {
    const { adapter } = openMemory();
    const stmt = adapter.prepare('SELECT name FROM t');
    adapter.close();
    assert.throws(() => stmt.all([]), /finalized|not open/);
  });

  it('rolls a failed transaction back and commits the next, through the cached BEGIN IMMEDIATE, ROLLBACK and COMMIT', async () => {
    const db = await openDatabase('sqlite::memory:');
    try {
      await db.kysely.schema.createTable('x').addColumn('id', 'integer', (c) => c.primaryKey()).execute();
      for (let round = 0; round < 3; round++) {
        await assert.rejects(
          db.kysely.transaction().execute(async (trx) => {
            await trx.insertInto('x').values({ id: 100 + round }).execute();
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        await db.kysely.transaction().execute(async (trx) => {
          await trx.insertInto('x').values({ id: round }).execute();
        });
        // A second insert of the same key fails inside a transaction, which rolls back whole.
        await assert.rejects(
          db.kysely.transaction().execute(async (trx) => {
            await trx.insertInto('x').values({ id: 200 + round }).execute();
            await trx.insertInto('x').values({ id: round }).execute();
          }),
          /UNIQUE/,
        );
      }
      const rows = await db.kysely.selectFrom('x').select('id').orderBy('id').execute();
      assert.deepEqual(plain(rows), [{ id: 0 }, { id: 1 }, { id: 2 }]);
    } finally {
      await db.close();
    }
  });
});
