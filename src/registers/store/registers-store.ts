/**
 * Kysely queries over the registers component's tables. No rules here: the domain decides.
 */
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { OrganisationRow, PersonRow, RegistersDb, RoleRow, SeedStateRow } from './tables.ts';

function k(db: Database): RegistersDb {
  return db.kysely as RegistersDb;
}

/** The person with this pid, or undefined. */
export async function findPerson(db: Database, pid: string): Promise<PersonRow | undefined> {
  return k(db).selectFrom('registers_persons').selectAll().where('pid', '=', pid).executeTakeFirst();
}

/** Persons ordered by pid, `limit` from `offset`. */
export async function listPersons(db: Database, offset: number, limit: number): Promise<PersonRow[]> {
  return k(db).selectFrom('registers_persons').selectAll().orderBy('pid').limit(limit).offset(offset).execute();
}

/** Persons with these pids (any order). */
export async function findPersons(db: Database, pids: readonly string[]): Promise<PersonRow[]> {
  if (pids.length === 0) return [];
  return k(db).selectFrom('registers_persons').selectAll().where('pid', 'in', pids).execute();
}

/** Number of persons. */
export async function countPersons(db: Database): Promise<number> {
  const row = await k(db).selectFrom('registers_persons').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Row counts of the three data tables. */
export async function countRows(db: Database): Promise<{ persons: number; organisations: number; roles: number }> {
  const count = async (table: 'registers_persons' | 'registers_organisations' | 'registers_roles') => {
    const row = await k(db)
      .selectFrom(table)
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return { persons: await count('registers_persons'), organisations: await count('registers_organisations'), roles: await count('registers_roles') };
}

/** True when the persons or organisations table holds any row. */
export async function hasAnyRows(db: Database): Promise<boolean> {
  const p = await k(db).selectFrom('registers_persons').select('pid').limit(1).executeTakeFirst();
  if (p) return true;
  const o = await k(db).selectFrom('registers_organisations').select('orgnr').limit(1).executeTakeFirst();
  return o !== undefined;
}

/** The organisation (enhet or underenhet) with this orgnr, or undefined. */
export async function findOrganisation(db: Database, orgnr: string): Promise<OrganisationRow | undefined> {
  return k(db).selectFrom('registers_organisations').selectAll().where('orgnr', '=', orgnr).executeTakeFirst();
}

/** Organisations with these orgnrs (any order). */
export async function findOrganisations(db: Database, orgnrs: readonly string[]): Promise<OrganisationRow[]> {
  if (orgnrs.length === 0) return [];
  return k(db).selectFrom('registers_organisations').selectAll().where('orgnr', 'in', orgnrs).execute();
}

/** Filters of {@link searchOrganisations}. */
export interface OrganisationFilter {
  underenheter: boolean;
  /** Lower-cased substring of navn. */
  navnSok?: string;
  organisasjonsformer?: readonly string[];
  overordnetEnhet?: string;
}

/** One page of organisations matching `filter`, ordered by navn then orgnr, with the total. */
export async function searchOrganisations(
  db: Database,
  filter: OrganisationFilter,
  offset: number,
  limit: number,
): Promise<{ rows: OrganisationRow[]; total: number }> {
  let q = k(db).selectFrom('registers_organisations').where('er_underenhet', '=', filter.underenheter ? 1 : 0);
  if (filter.navnSok) {
    const escaped = filter.navnSok.replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<boolean>`navn_sok like ${`%${escaped}%`} escape '\\'`);
  }
  if (filter.organisasjonsformer && filter.organisasjonsformer.length > 0) q = q.where('organisasjonsform', 'in', filter.organisasjonsformer);
  if (filter.overordnetEnhet) q = q.where('overordnet_enhet', '=', filter.overordnetEnhet);
  const totalRow = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('navn').orderBy('orgnr').limit(limit).offset(offset).execute();
  return { rows, total: Number(totalRow.n) };
}

/** The roles registered on an organisation, ordered by role group order then rekkefolge. */
export async function listRoles(db: Database, orgnr: string): Promise<RoleRow[]> {
  return k(db).selectFrom('registers_roles').selectAll().where('orgnr', '=', orgnr).orderBy('rolle').orderBy('rekkefolge').execute();
}

/** The seed-state row, or undefined before the first seed. */
export async function findSeedState(db: Database): Promise<SeedStateRow | undefined> {
  return k(db).selectFrom('registers_seed_state').selectAll().where('id', '=', 1).executeTakeFirst();
}

/**
 * Claims the seed: inserts the state row (id 1). Returns false when another row exists
 * (a concurrent claim won).
 */
export async function claimSeedState(db: Database, state: Omit<SeedStateRow, 'id' | 'completed_at'>): Promise<boolean> {
  const result = await k(db)
    .insertInto('registers_seed_state')
    .values({ id: 1, ...state, completed_at: null })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Refreshes the heartbeat of the running seed. */
export async function touchSeedState(db: RegistersDb, now: number): Promise<void> {
  await db.updateTable('registers_seed_state').set({ heartbeat_at: now }).where('id', '=', 1).execute();
}

/** Marks the seed complete. */
export async function completeSeedState(db: Database, now: number): Promise<void> {
  await k(db).updateTable('registers_seed_state').set({ completed_at: now, heartbeat_at: now }).where('id', '=', 1).execute();
}

/**
 * Deletes every row of the registers tables and the seed state whose heartbeat is
 * `staleHeartbeatAt` (so two processes cannot both restart the same stale seed), in one
 * transaction. Returns false when the state row changed meanwhile.
 */
export async function clearStaleSeed(db: Database, staleHeartbeatAt: number): Promise<boolean> {
  return k(db)
    .transaction()
    .execute(async (trx) => {
      const deleted = await trx
        .deleteFrom('registers_seed_state')
        .where('id', '=', 1)
        .where('completed_at', 'is', null)
        .where('heartbeat_at', '=', staleHeartbeatAt)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return false;
      await trx.deleteFrom('registers_roles').execute();
      await trx.deleteFrom('registers_organisations').execute();
      await trx.deleteFrom('registers_persons').execute();
      return true;
    });
}
