/**
 * Kysely queries over `maskinporten_used_jti`, the grant replay register shared by every
 * process on the database. The primary key `(client_id, jti)` is the check: of two processes
 * inserting the same pair at the same time exactly one inserts (PostgreSQL makes the second wait
 * for the first's commit, then skips; SQLite's write lock orders them), so a grant is accepted once.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { MaskinportenTables } from './tables.ts';

/**
 * The SQL text of {@link recordUsedJti}'s insert, per database handle (the text depends on the
 * dialect: `?` or `$1` placeholders). Built by Kysely once, not for every token.
 */
const insertUsedJtiSql = new WeakMap<Kysely<MaskinportenTables>, string>();

function insertSql(db: Kysely<MaskinportenTables>): string {
  let text = insertUsedJtiSql.get(db);
  if (text === undefined) {
    text = db
      .insertInto('maskinporten_used_jti')
      .values({ client_id: '', jti: '', expires: 0 })
      .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
      .compile().sql;
    insertUsedJtiSql.set(db, text);
  }
  return text;
}

/**
 * Records a grant's replay key unless it is already recorded for this client: one
 * `INSERT … ON CONFLICT DO NOTHING`, atomic on its own (no transaction needed).
 *
 * @param db the database or a transaction
 * @param row `expires` = epoch ms after which the row may be purged (the grant's `exp` plus skew)
 * @returns true when this call recorded it; false when it was there already (a replay)
 */
export async function recordUsedJti(
  db: Kysely<MaskinportenTables>,
  row: { clientId: string; jti: string; expires: number },
): Promise<boolean> {
  // Parameters in the order of the columns in `values` above.
  const result = await db.executeQuery(CompiledQuery.raw(insertSql(db), [row.clientId, row.jti, row.expires]));
  return Number(result.numAffectedRows ?? 0n) > 0;
}

/**
 * Deletes replay rows whose grants can no longer be presented (`expires` ≤ `now`).
 *
 * @param now epoch ms
 * @returns how many rows were deleted
 */
export async function purgeUsedJtis(db: Kysely<MaskinportenTables>, now: number): Promise<number> {
  const result = await db.deleteFrom('maskinporten_used_jti').where('expires', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Number of replay rows (for tests and diagnostics). */
export async function countUsedJtis(db: Kysely<MaskinportenTables>): Promise<number> {
  const row = await db
    .selectFrom('maskinporten_used_jti')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
