/**
 * Kysely queries over the KRR tables. No rules here: the domain decides what to ask and what
 * an answer means.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type {
  KrrDb,
  KrrLookupPersonRow,
  KrrLookupRow,
  KrrPersonRow,
  KrrProviderRow,
  KrrSeedStateRow,
  KrrTables,
  ProviderRole,
} from './tables.ts';

/** The KRR tables of a database, or of a transaction on it. */
export function krrDb(db: Database | Kysely<any>): KrrDb {
  return ('kysely' in db ? db.kysely : db) as KrrDb;
}

/** Rows written per multi-row INSERT (well under SQLite's 32 766 parameters for these tables). */
/**
 * Reads the persons asked for (their rows only: the mailbox providers' certificates come from
 * `domain/provider-certificates.ts`) and writes the lookup's audit entry (`krr_lookups` and one
 * `krr_lookup_persons` row per person) atomically: either both happen or neither.
 *
 * - PostgreSQL: ONE statement (data-modifying CTEs, which run with the query as one atomic
 *   statement), the identifiers as one `text[]` parameter (`= ANY($1)`, `unnest($1)`): one round
 *   trip, whatever the number of persons.
 * - SQLite: one `BEGIN IMMEDIATE` transaction of three statements, the identifiers as one JSON
 *   array parameter (`json_each`), so no statement has more than a handful of parameters.
 *
 * @param ids distinct personidentifikatorer (1..1000, already checked)
 * @returns the register rows of those persons that are in the register (any order)
 * @see https://www.postgresql.org/docs/current/queries-with.html#QUERIES-WITH-MODIFYING
 */
export async function findPersonsAndLogLookup(db: Database, lookup: KrrLookupRow, ids: readonly string[]): Promise<KrrPersonRow[]> {
  const k = krrDb(db);
  if (db.engine === 'postgres') {
    const { rows } = await sql<KrrPersonRow>`
      with logged as (
        insert into krr_lookups (id, looked_up_at, endpoint, consumer_orgno, supplier_orgno, client_id, scope, request_id, antall)
        values (${lookup.id}, ${lookup.looked_up_at}, ${lookup.endpoint}, ${lookup.consumer_orgno}, ${lookup.supplier_orgno},
                ${lookup.client_id}, ${lookup.scope}, ${lookup.request_id}, ${lookup.antall})
      ), logged_persons as (
        insert into krr_lookup_persons (lookup_id, personidentifikator, looked_up_at)
        select ${lookup.id}, id, ${lookup.looked_up_at}::bigint from unnest(${ids}::text[]) as id
      )
      select p.* from krr_persons p where p.personidentifikator = any(${ids}::text[])`.execute(k);
    return rows;
  }
  const json = JSON.stringify(ids);
  return k.transaction().execute(async (trx) => {
    const { rows } = await sql<KrrPersonRow>`
      select p.* from krr_persons p where p.personidentifikator in (select value from json_each(${json}))`.execute(trx);
    await trx.insertInto('krr_lookups').values(lookup).execute();
    await sql`
      insert into krr_lookup_persons (lookup_id, personidentifikator, looked_up_at)
      select ${lookup.id}, value, ${lookup.looked_up_at} from json_each(${json})`.execute(trx);
    return rows;
  });
}

const INSERT_CHUNK = 500;

/** Inserts rows in multi-row INSERTs of {@link INSERT_CHUNK}. */
async function insertChunked<T extends keyof KrrTables>(db: KrrDb, table: T, rows: readonly KrrTables[T][]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db.insertInto(table).values(rows.slice(i, i + INSERT_CHUNK) as any).execute();
  }
}

/** Inserts person rows (seeding). */
export async function insertPersons(db: KrrDb, rows: readonly KrrPersonRow[]): Promise<void> {
  await insertChunked(db, 'krr_persons', rows);
}

/** One lookup of a person, with who made it. */
export interface PersonLookupRow {
  lookup_id: string;
  looked_up_at: number;
  endpoint: string;
  consumer_orgno: string;
  supplier_orgno: string | null;
  client_id: string;
  scope: string;
}

/** Lookups of one person, newest first, at most `limit`, optionally only since `since` (epoch ms). */
export async function listLookupsOfPerson(
  db: KrrDb,
  personidentifikator: string,
  options: { since?: number; limit: number },
): Promise<PersonLookupRow[]> {
  let query = db
    .selectFrom('krr_lookup_persons as lp')
    .innerJoin('krr_lookups as l', 'l.id', 'lp.lookup_id')
    .select(['l.id as lookup_id', 'lp.looked_up_at', 'l.endpoint', 'l.consumer_orgno', 'l.supplier_orgno', 'l.client_id', 'l.scope'])
    .where('lp.personidentifikator', '=', personidentifikator);
  if (options.since !== undefined) query = query.where('lp.looked_up_at', '>=', options.since);
  return query.orderBy('lp.looked_up_at', 'desc').orderBy('l.id').limit(options.limit).execute();
}

/** Row counts of the audit log (for tests and health views). */
export async function countLookups(db: KrrDb): Promise<{ lookups: number; persons: number }> {
  const a = await db.selectFrom('krr_lookups').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const b = await db.selectFrom('krr_lookup_persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { lookups: Number(a.n), persons: Number(b.n) };
}

/** Every provider. */
export async function listProviders(db: KrrDb): Promise<KrrProviderRow[]> {
  return db.selectFrom('krr_providers').selectAll().orderBy('orgnr').execute();
}

/** The provider (mailbox or print) with this organisasjonsnummer; undefined when there is none. */
export async function findProvider(db: KrrDb, orgnr: string): Promise<KrrProviderRow | undefined> {
  return db.selectFrom('krr_providers').selectAll().where('orgnr', '=', orgnr).executeTakeFirst();
}

/**
 * One person's row, if the person is in the register. With `forUpdate` (pass true on
 * PostgreSQL, inside a write transaction) the row is read `FOR UPDATE`, so concurrent changes of
 * one person wait for each other; SQLite's write transactions (`BEGIN IMMEDIATE`) are serial anyway.
 */
export async function findPersonRow(db: KrrDb, personidentifikator: string, forUpdate = false): Promise<KrrPersonRow | undefined> {
  const query = db.selectFrom('krr_persons').selectAll().where('personidentifikator', '=', personidentifikator);
  return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

/** The provider with `rolle`, first by orgnr; undefined when there is none. */
export async function findProviderByRole(db: KrrDb, rolle: ProviderRole): Promise<KrrProviderRow | undefined> {
  return db.selectFrom('krr_providers').selectAll().where('rolle', '=', rolle).orderBy('orgnr').executeTakeFirst();
}

/** Inserts a provider unless one with its orgnr exists; true when this call inserted it. */
export async function insertProviderIfAbsent(db: KrrDb, row: KrrProviderRow): Promise<boolean> {
  const result = await db
    .insertInto('krr_providers')
    .values(row)
    .onConflict((oc) => oc.column('orgnr').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** The seed state row, if a seed completed. */
export async function findSeedState(db: KrrDb): Promise<KrrSeedStateRow | undefined> {
  return db.selectFrom('krr_seed_state').selectAll().where('id', '=', 1).executeTakeFirst();
}

/**
 * Claims the seed: inserts the state row unless it exists. On PostgreSQL a concurrent claim
 * waits for the first transaction and then inserts nothing; SQLite transactions are serial.
 *
 * @returns true when this call claimed it
 */
export async function claimSeedState(db: KrrDb, row: KrrSeedStateRow): Promise<boolean> {
  const result = await db
    .insertInto('krr_seed_state')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Whether `krr_persons` has any row. */
export async function hasPersons(db: KrrDb): Promise<boolean> {
  return (await db.selectFrom('krr_persons').select('personidentifikator').limit(1).executeTakeFirst()) !== undefined;
}
