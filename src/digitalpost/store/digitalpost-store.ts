/**
 * Access to the Digital postkasse tables through Kysely. Rules live in the domain, corner-2 and
 * provider modules; this file only types the database.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { DigitalpostDb, DigitalpostTables } from './tables.ts';

/** The Digital postkasse tables of a database (or a transaction on it). */
export function digitalpostDb(db: Database | Kysely<any>): DigitalpostDb {
  return ('kysely' in db ? db.kysely : db) as DigitalpostDb;
}

/** A transaction over the Digital postkasse tables. */
export type DigitalpostTrx = Transaction<DigitalpostTables>;
