/**
 * Kysely queries over `registers_lookup_log`, the audit log of Folkeregisteret person lookups.
 */
import type { Database } from '../../platform/db/database.ts';
import type { LookupLogRow, RegistersDb } from './tables.ts';

function k(db: Database): RegistersDb {
  return db.kysely as RegistersDb;
}

/** Writes one lookup (committed when this resolves: the statement runs in its own transaction). */
export async function insertLookup(db: Database, row: LookupLogRow): Promise<void> {
  await k(db).insertInto('registers_lookup_log').values(row).execute();
}

/** Lookups, newest first; only those of `pid` when given. */
export async function listLookups(db: Database, filter: { pid?: string } = {}): Promise<LookupLogRow[]> {
  let query = k(db).selectFrom('registers_lookup_log').selectAll();
  if (filter.pid !== undefined) query = query.where('pid', '=', filter.pid);
  return query.orderBy('looked_up_at', 'desc').orderBy('id').execute();
}
