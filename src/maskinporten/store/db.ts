/**
 * The Maskinporten tables' typed Kysely handle on the platform database.
 */
import type { Database } from '../../platform/db/database.ts';
import type { MaskinportenDb } from './tables.ts';

/** `db.kysely` typed with the Maskinporten tables. */
export function maskinportenDb(db: Database): MaskinportenDb {
  return db.kysely as MaskinportenDb;
}
