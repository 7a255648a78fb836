/**
 * Fast multi-row inserts for seeding: one prepared statement text per chunk of rows, with
 * as many rows per statement as the engine's parameter limit allows.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { Engine } from '../../platform/db/database.ts';

/**
 * Parameters per statement we allow ourselves: PostgreSQL's protocol limit is 65 535,
 * SQLite's default `SQLITE_MAX_VARIABLE_NUMBER` is 32 766 (since 3.32).
 */
const MAX_PARAMS: Record<Engine, number> = { postgres: 65_000, sqlite: 32_000 };

/**
 * Inserts `rows` (each an array of values in `columns` order) into `table` with as few
 * statements as the parameter limit allows. Runs on the given executor (pass a transaction
 * to make the chunk atomic).
 *
 * @param db a Kysely instance or transaction
 * @param engine picks placeholder syntax and parameter limit
 * @param table a `registers_…` table name (trusted, not user input)
 * @param columns column names (trusted, not user input)
 * @param rows values; booleans must already be 0/1
 */
export async function insertRows(
  db: Kysely<any>,
  engine: Engine,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS[engine] / columns.length));
  const head = `insert into ${table} (${columns.join(', ')}) values `;
  for (let start = 0; start < rows.length; start += perStatement) {
    const slice = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of slice) {
      const marks: string[] = [];
      for (const value of row) {
        params.push(value);
        marks.push(engine === 'postgres' ? `$${params.length}` : '?');
      }
      tuples.push(`(${marks.join(',')})`);
    }
    await db.executeQuery(CompiledQuery.raw(head + tuples.join(','), params));
  }
}
