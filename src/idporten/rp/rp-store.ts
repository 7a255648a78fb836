/**
 * Kysely queries of a relying party's own tables: `<prefix>_secrets`, `<prefix>_logins` and
 * `<prefix>_sessions`. The tables belong to the relying party (the component that logs its users
 * in through ID-porten), not to ID-porten: each creates them in its own migrations with
 * {@link createRpTables}, so they carry its table prefix (`krr_minprofil_…`, `digitalpost_pages_…`).
 * No rules here: `rp-sessions.ts` decides what to write and when.
 */
import type { Kysely } from 'kysely';

/** A per-installation secret (made by the first process, shared by all). */
export interface RpSecretRow {
  /** e.g. `csrf_key`. */
  name: string;
  value: string;
  created_at: number;
}

/** A login under way: sent to ID-porten, not yet back. Keyed by the hash of the browser's cookie. */
export interface RpLoginRow {
  /** SHA-256 (hex) of the random value in the login cookie. */
  id: string;
  state: string;
  nonce: string;
  code_verifier: string;
  /** Where to go after the login (the relying party's choice of meaning), or null. */
  goto_url: string | null;
  created_at: number;
  expires_at: number;
}

/** A logged-in browser. Keyed by the hash of its session cookie. */
export interface RpSessionRow {
  /** SHA-256 (hex) of the random value in the cookie; the value itself is never stored. */
  id: string;
  /** The person (ID token `pid`). */
  pid: string;
  /** The level of the login (ID token `acr`). */
  acr: string;
  /** The ID token, as `id_token_hint` for ID-porten's end session. */
  id_token: string;
  /** ID-porten's session id for this client (`sid`), for front-channel logout; null when absent. */
  sid: string | null;
  goto_url: string | null;
  created_at: number;
  last_seen_at: number;
  /** Absolute end (login + the session's maximum); the idle end is `last_seen_at` + the idle time. */
  expires_at: number;
}

/** A relying party's tables: a database (or transaction) and the prefix of its table names. */
export interface RpTables {
  db: Kysely<any>;
  /** Table-name prefix, e.g. `krr_minprofil` for `krr_minprofil_sessions`. */
  prefix: string;
}

/**
 * Creates the three tables of a relying party (for a component's migration). It runs inside
 * applied migrations (MinProfil's `0900_minprofil`, the mailbox's `0900_digitalpost_pages`): never
 * change what it creates; a new column needs a new migration in each relying party.
 *
 * @param prefix table-name prefix: lower-case letters, digits and `_`, starting with the
 *   component's name
 */
export async function createRpTables(db: Kysely<any>, prefix: string): Promise<void> {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`bad table prefix ${prefix}`);
  await db.schema
    .createTable(`${prefix}_secrets`)
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(`${prefix}_logins`)
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('goto_url', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex(`${prefix}_logins_expires_idx`).on(`${prefix}_logins`).column('expires_at').execute();
  await db.schema
    .createTable(`${prefix}_sessions`)
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pid', 'varchar(11)', (c) => c.notNull())
    .addColumn('acr', 'text', (c) => c.notNull())
    .addColumn('id_token', 'text', (c) => c.notNull())
    .addColumn('sid', 'text')
    .addColumn('goto_url', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex(`${prefix}_sessions_sid_idx`).on(`${prefix}_sessions`).column('sid').execute();
  await db.schema.createIndex(`${prefix}_sessions_expires_idx`).on(`${prefix}_sessions`).column('expires_at').execute();
}

// --- secrets -----------------------------------------------------------------------------------

/** The secret `name`, made with `make()` and stored by the first caller of any process. */
export async function ensureRpSecret(t: RpTables, name: string, make: () => string, now: number): Promise<string> {
  await t.db
    .insertInto(`${t.prefix}_secrets`)
    .values({ name, value: make(), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await t.db.selectFrom(`${t.prefix}_secrets`).select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return (row as { value: string }).value;
}

// --- logins ----------------------------------------------------------------------------------------

/** Stores a login under way. */
export async function insertLogin(t: RpTables, row: RpLoginRow): Promise<void> {
  await t.db.insertInto(`${t.prefix}_logins`).values(row).execute();
}

/**
 * Takes (reads and deletes) a login under way, once: of two concurrent callbacks one gets it.
 *
 * @returns the row, or undefined when there is none or it has expired
 */
export async function takeLogin(t: RpTables, id: string, now: number): Promise<RpLoginRow | undefined> {
  return t.db.transaction().execute(async (trx) => {
    const row = (await trx.selectFrom(`${t.prefix}_logins`).selectAll().where('id', '=', id).executeTakeFirst()) as RpLoginRow | undefined;
    if (!row) return undefined;
    const deleted = await trx.deleteFrom(`${t.prefix}_logins`).where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1 || Number(row.expires_at) <= now) return undefined;
    return row;
  });
}

// --- sessions ------------------------------------------------------------------------------------

/** Stores a new session. */
export async function insertSession(t: RpTables, row: RpSessionRow): Promise<void> {
  await t.db.insertInto(`${t.prefix}_sessions`).values(row).execute();
}

/** The session, if it is live at `now` (before its absolute end and its idle end). */
export async function findLiveSession(t: RpTables, id: string, now: number, idleMs: number): Promise<RpSessionRow | undefined> {
  return (await t.db
    .selectFrom(`${t.prefix}_sessions`)
    .selectAll()
    .where('id', '=', id)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', now - idleMs)
    .executeTakeFirst()) as RpSessionRow | undefined;
}

/** Marks the session as used at `now` (its idle clock starts again). */
export async function touchSession(t: RpTables, id: string, now: number): Promise<void> {
  await t.db.updateTable(`${t.prefix}_sessions`).set({ last_seen_at: now }).where('id', '=', id).execute();
}

/** Sets the session's `goto_url`. */
export async function setSessionGotoUrl(t: RpTables, id: string, gotoUrl: string): Promise<void> {
  await t.db.updateTable(`${t.prefix}_sessions`).set({ goto_url: gotoUrl }).where('id', '=', id).execute();
}

/** Ends a session. */
export async function deleteSession(t: RpTables, id: string): Promise<void> {
  await t.db.deleteFrom(`${t.prefix}_sessions`).where('id', '=', id).execute();
}

/** Ends every session of ID-porten's session `sid`; the number ended. */
export async function deleteSessionsBySid(t: RpTables, sid: string): Promise<number> {
  const result = await t.db.deleteFrom(`${t.prefix}_sessions`).where('sid', '=', sid).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes expired logins, and sessions past their absolute or idle end; the number of rows deleted. */
export async function purgeExpiredLoginsAndSessions(t: RpTables, now: number, idleMs: number): Promise<number> {
  const a = await t.db.deleteFrom(`${t.prefix}_logins`).where('expires_at', '<=', now).executeTakeFirst();
  const b = await t.db
    .deleteFrom(`${t.prefix}_sessions`)
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
    .executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}
