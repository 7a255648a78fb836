/**
 * Kysely queries of MinProfil: its own tables (`krr_minprofil_*`) and the person's row in
 * `krr_persons`. No rules here: the domain decides what to write and when.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.ts';
import type { KrrPersonRow } from '../../store/tables.ts';
import type { MinprofilDb, MinprofilLoginRow, MinprofilPendingChangeRow, MinprofilSessionRow } from './tables.ts';

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

// --- logins and sessions -------------------------------------------------------------------------

/** Stores a login under way. */
export async function insertLogin(db: MinprofilDb, row: MinprofilLoginRow): Promise<void> {
  await db.insertInto('krr_minprofil_logins').values(row).execute();
}

/**
 * Takes (reads and deletes) a login under way, once: of two concurrent callbacks one gets it.
 *
 * @returns the row, or undefined when there is none or it has expired
 */
export async function takeLogin(db: MinprofilDb, id: string, now: number): Promise<MinprofilLoginRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('krr_minprofil_logins').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const deleted = await trx.deleteFrom('krr_minprofil_logins').where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1 || Number(row.expires_at) <= now) return undefined;
    return row;
  });
}

/** Stores a new session. */
export async function insertSession(db: MinprofilDb, row: MinprofilSessionRow): Promise<void> {
  await db.insertInto('krr_minprofil_sessions').values(row).execute();
}

/** The session, if it is live at `now` (before its absolute end and its idle end). */
export async function findLiveSession(db: MinprofilDb, id: string, now: number, idleMs: number): Promise<MinprofilSessionRow | undefined> {
  return db
    .selectFrom('krr_minprofil_sessions')
    .selectAll()
    .where('id', '=', id)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', now - idleMs)
    .executeTakeFirst();
}

/** Marks the session as used at `now` (its idle clock starts again). */
export async function touchSession(db: MinprofilDb, id: string, now: number): Promise<void> {
  await db.updateTable('krr_minprofil_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

/** Sets the session's `gotoUrl`. */
export async function setSessionGotoUrl(db: MinprofilDb, id: string, gotoUrl: string): Promise<void> {
  await db.updateTable('krr_minprofil_sessions').set({ goto_url: gotoUrl }).where('id', '=', id).execute();
}

/** Ends a session. */
export async function deleteSession(db: MinprofilDb, id: string): Promise<void> {
  await db.deleteFrom('krr_minprofil_sessions').where('id', '=', id).execute();
}

/** Ends every session of ID-porten's session `sid`; the number ended. */
export async function deleteSessionsBySid(db: MinprofilDb, sid: string): Promise<number> {
  const result = await db.deleteFrom('krr_minprofil_sessions').where('sid', '=', sid).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes expired logins and sessions, and changes whose code expired more than `pendingKeepMs`
 * ago (kept that long for the hourly limit on codes sent); the number of rows deleted.
 */
export async function purgeExpired(db: MinprofilDb, now: number, idleMs: number, pendingKeepMs: number): Promise<number> {
  const a = await db.deleteFrom('krr_minprofil_logins').where('expires_at', '<=', now).executeTakeFirst();
  const b = await db
    .deleteFrom('krr_minprofil_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
    .executeTakeFirst();
  const c = await db.deleteFrom('krr_minprofil_pending_changes').where('expires_at', '<=', now - pendingKeepMs).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows) + Number(c.numDeletedRows);
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
 * (with `expires_at` no later than now) until {@link purgeExpired} removes it after the hourly
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

