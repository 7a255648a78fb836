/**
 * Kysely queries of MinProfil: its own tables (`krr_minprofil_*`) and the person's row in
 * `krr_persons`. No rules here: the domain decides what to write and when.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.ts';
import type { KrrPersonRow } from '../../store/tables.ts';
import type { MinprofilDb, MinprofilPendingChangeRow } from './tables.ts';

/** MinProfil's tables of a database, or of a transaction on it. */
export function minprofilDb(db: Database | Kysely<any>): MinprofilDb {
  return ('kysely' in db ? db.kysely : db) as MinprofilDb;
}

// --- secrets -----------------------------------------------------------------------------------

/** The secret `name`, made with `make()` and stored by the first caller of any process. */
export async function ensureSecret(db: MinprofilDb, name: string, make: () => string, now: number): Promise<string> {
  await db
    .insertInto('krr_minprofil_secrets')
    .values({ name, value: make(), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('krr_minprofil_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}

// --- logins and sessions: ID-porten's relying-party kit (`createRelyingParty`) on these tables ---

/**
 * Deletes changes whose code expired more than `pendingKeepMs` ago (kept that long for the
 * hourly limit on codes sent); the number of rows deleted.
 */
export async function purgeEndedPendingChanges(db: MinprofilDb, now: number, pendingKeepMs: number): Promise<number> {
  const result = await db.deleteFrom('krr_minprofil_pending_changes').where('expires_at', '<=', now - pendingKeepMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// --- the person's row ----------------------------------------------------------------------------

/** Inserts a person row unless one exists; true when this call inserted it. */
export async function insertPersonIfAbsent(db: MinprofilDb, row: KrrPersonRow): Promise<boolean> {
  const result = await db
    .insertInto('krr_persons')
    .values(row)
    .onConflict((oc) => oc.column('personidentifikator').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Replaces the person's row (every column but the key). */
export async function updatePersonRow(db: MinprofilDb, row: KrrPersonRow): Promise<void> {
  const { personidentifikator, ...fields } = row;
  await db.updateTable('krr_persons').set(fields).where('personidentifikator', '=', personidentifikator).execute();
}

// --- changes waiting for a code ----------------------------------------------------------------

/** The change of `kanal` waiting for a code, if any; `lock` as for {@link findPersonRowForUpdate}. */
export async function findPendingChange(db: MinprofilDb, pid: string, kanal: string, lock: boolean): Promise<MinprofilPendingChangeRow | undefined> {
  let q = db.selectFrom('krr_minprofil_pending_changes').selectAll().where('personidentifikator', '=', pid).where('kanal', '=', kanal);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Stores (inserts or replaces) the change of a channel waiting for a code. */
export async function savePendingChange(db: MinprofilDb, row: MinprofilPendingChangeRow): Promise<void> {
  await db
    .insertInto('krr_minprofil_pending_changes')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['personidentifikator', 'kanal']).doUpdateSet({
        verdi: row.verdi,
        code_hash: row.code_hash,
        expires_at: row.expires_at,
        attempts: row.attempts,
        sent_count: row.sent_count,
        window_started_at: row.window_started_at,
        ended_at: row.ended_at,
        created_at: row.created_at,
      }),
    )
    .execute();
}

/** Counts one wrong code (in the database, so it holds across processes). */
export async function countWrongCode(db: MinprofilDb, pid: string, kanal: string): Promise<void> {
  await db
    .updateTable('krr_minprofil_pending_changes')
    .set({ attempts: sql`attempts + 1` })
    .where('personidentifikator', '=', pid)
    .where('kanal', '=', kanal)
    .execute();
}

/**
 * Ends the change of a channel waiting for a code (spent, or too many wrong codes). The row stays
 * (with `expires_at` no later than now) until {@link purgeEndedPendingChanges} removes it after the hourly
 * window, so the count of codes sent survives the end of a change.
 */
export async function endPendingChange(db: MinprofilDb, pid: string, kanal: string, now: number): Promise<void> {
  await db
    .updateTable('krr_minprofil_pending_changes')
    .set({ ended_at: now, expires_at: sql`case when expires_at < ${now} then expires_at else ${now} end` })
    .where('personidentifikator', '=', pid)
    .where('kanal', '=', kanal)
    .execute();
}

