/**
 * SQL of MinID: accounts (`idporten_minid_accounts`) and logins between the password and the
 * second factor (`idporten_minid_logins`). Counters change with single `UPDATE … SET x = x + 1`
 * statements and single-use steps with `UPDATE … WHERE used_at IS NULL`, so concurrent requests
 * in several processes neither lose a count nor use a code twice. No rules are decided here.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';

/** `idporten_minid_accounts`: one MinID account. */
export interface MinidAccountRow {
  /** Fødselsnummer or D-number (11 digits). */
  pid: string;
  /** Argon2id PHC string. */
  password_hash: string;
  /** E.164 mobile number (`+47…`). */
  mobile: string;
  /** Base32 TOTP secret, or null when no authenticator app is set up. */
  totp_secret: string | null;
  /** Last accepted TOTP time step (a code is not accepted twice), or null. */
  totp_last_step: number | null;
  /** Failed attempts (password or code) since the last complete login or lock. */
  failed_attempts: number;
  /** Epoch ms until which the account is locked, or null. */
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

/** `idporten_minid_logins`: a MinID login whose password was right, waiting for the second factor. */
export interface MinidLoginRow {
  /** oidc-provider interaction uid (the login). */
  uid: string;
  pid: string;
  /** `otc` (SMS code) or `totp` (authenticator app). */
  factor: string;
  /** HMAC-SHA-256 of the SMS code (base64url), or null for TOTP. */
  code_hash: string | null;
  /** Epoch ms the SMS code expires, or null for TOTP. */
  code_expires_at: number | null;
  /** Wrong codes entered in this login. */
  code_attempts: number;
  /** Epoch ms the second factor was accepted (the row is then spent), or null. */
  used_at: number | null;
  created_at: number;
  /** Epoch ms after which the row is dead (the login's lifetime). */
  expires_at: number;
}

/** The MinID tables. */
export interface MinidTables {
  idporten_minid_accounts: MinidAccountRow;
  idporten_minid_logins: MinidLoginRow;
}

type MinidDb = Kysely<MinidTables>;

function minidDb(db: Database | Kysely<any>): MinidDb {
  return ('kysely' in db ? db.kysely : db) as MinidDb;
}

/** pg gives bigint columns as numbers (see database.ts); SQLite may too. Normalises both. */
function toAccount(row: MinidAccountRow): MinidAccountRow {
  return {
    ...row,
    failed_attempts: Number(row.failed_attempts),
    totp_last_step: row.totp_last_step === null ? null : Number(row.totp_last_step),
    locked_until: row.locked_until === null ? null : Number(row.locked_until),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

function toLogin(row: MinidLoginRow): MinidLoginRow {
  return {
    ...row,
    code_expires_at: row.code_expires_at === null ? null : Number(row.code_expires_at),
    code_attempts: Number(row.code_attempts),
    used_at: row.used_at === null ? null : Number(row.used_at),
    created_at: Number(row.created_at),
    expires_at: Number(row.expires_at),
  };
}

/** The account of a person, or undefined. */
export async function findMinidAccountRow(db: Database, pid: string): Promise<MinidAccountRow | undefined> {
  const row = await minidDb(db).selectFrom('idporten_minid_accounts').selectAll().where('pid', '=', pid).executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

/**
 * Inserts an account.
 *
 * @returns false when the person already has one (nothing written)
 */
export async function insertMinidAccountRow(db: Database, row: MinidAccountRow): Promise<boolean> {
  const result = await minidDb(db)
    .insertInto('idporten_minid_accounts')
    .values(row)
    .onConflict((oc) => oc.column('pid').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Replaces the password hash. */
export async function updateMinidPasswordHash(db: Database, pid: string, passwordHash: string, now: number): Promise<void> {
  await minidDb(db).updateTable('idporten_minid_accounts').set({ password_hash: passwordHash, updated_at: now }).where('pid', '=', pid).execute();
}

/** Sets (or with null removes) the TOTP secret; the last accepted step is forgotten. */
export async function updateMinidTotpSecret(db: Database, pid: string, secret: string | null, now: number): Promise<void> {
  await minidDb(db)
    .updateTable('idporten_minid_accounts')
    .set({ totp_secret: secret, totp_last_step: null, updated_at: now })
    .where('pid', '=', pid)
    .execute();
}

/**
 * Counts one failed attempt; the attempt that reaches `max` locks the account until
 * `lockUntil` and starts the count again. One statement, so concurrent failures all count.
 */
export async function recordMinidFailure(db: Database, pid: string, max: number, lockUntil: number, now: number): Promise<void> {
  await minidDb(db)
    .updateTable('idporten_minid_accounts')
    .set({
      failed_attempts: sql<number>`case when failed_attempts + 1 >= ${max} then 0 else failed_attempts + 1 end`,
      locked_until: sql<number | null>`case when failed_attempts + 1 >= ${max} then ${lockUntil} else locked_until end`,
      updated_at: now,
    })
    .where('pid', '=', pid)
    .execute();
}

/** Clears the failure count (after a complete login). */
export async function resetMinidFailures(db: Database, pid: string, now: number): Promise<void> {
  await minidDb(db)
    .updateTable('idporten_minid_accounts')
    .set({ failed_attempts: 0, updated_at: now })
    .where('pid', '=', pid)
    .where('failed_attempts', '>', 0)
    .execute();
}

/**
 * Records a TOTP step as used, if it is newer than the last one.
 *
 * @returns false when the step (or a newer one) was used already (a replayed code)
 */
export async function claimMinidTotpStep(db: Database, pid: string, step: number, now: number): Promise<boolean> {
  const result = await minidDb(db)
    .updateTable('idporten_minid_accounts')
    .set({ totp_last_step: step, updated_at: now })
    .where('pid', '=', pid)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Starts (or restarts) the second-factor step of a login: any earlier row of the same login is
 * replaced, so only the newest code counts. Expired rows of other logins are deleted on the way.
 *
 * @param executor a transaction, so the row and its SMS are written together
 */
export async function upsertMinidLogin(executor: Kysely<any>, row: MinidLoginRow): Promise<void> {
  const kdb = minidDb(executor);
  await kdb.deleteFrom('idporten_minid_logins').where('expires_at', '<', row.created_at).execute();
  const { uid: _uid, ...rest } = row;
  await kdb
    .insertInto('idporten_minid_logins')
    .values(row)
    .onConflict((oc) => oc.column('uid').doUpdateSet(rest))
    .execute();
}

/** The second-factor step of a login, or undefined. */
export async function findMinidLogin(db: Database, uid: string): Promise<MinidLoginRow | undefined> {
  const row = await minidDb(db).selectFrom('idporten_minid_logins').selectAll().where('uid', '=', uid).executeTakeFirst();
  return row ? toLogin(row) : undefined;
}

/**
 * Replaces the SMS code of a live login (switch from TOTP, or a new code); the wrong-code count
 * is kept.
 *
 * @returns false when the login is spent or gone
 */
export async function replaceMinidLoginCode(
  executor: Kysely<any>,
  uid: string,
  codeHash: string,
  codeExpiresAt: number,
): Promise<boolean> {
  const result = await minidDb(executor)
    .updateTable('idporten_minid_logins')
    .set({ factor: 'otc', code_hash: codeHash, code_expires_at: codeExpiresAt })
    .where('uid', '=', uid)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Counts a wrong code in a login. @returns the count after this one (0 when the row is gone) */
export async function recordMinidLoginWrongCode(db: Database, uid: string): Promise<number> {
  const row = await minidDb(db)
    .updateTable('idporten_minid_logins')
    .set({ code_attempts: sql<number>`code_attempts + 1` })
    .where('uid', '=', uid)
    .returning('code_attempts')
    .executeTakeFirst();
  return row ? Number(row.code_attempts) : 0;
}

/**
 * Spends a login's second factor: succeeds once, only while unused, unexpired and with fewer
 * than `maxAttempts` wrong codes.
 *
 * @returns false when another request spent it first, or it is dead
 */
export async function consumeMinidLogin(db: Database, uid: string, maxAttempts: number, now: number): Promise<boolean> {
  const result = await minidDb(db)
    .updateTable('idporten_minid_logins')
    .set({ used_at: now })
    .where('uid', '=', uid)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('code_attempts', '<', maxAttempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a login's second-factor step (start over). */
export async function deleteMinidLogin(db: Database, uid: string): Promise<void> {
  await minidDb(db).deleteFrom('idporten_minid_logins').where('uid', '=', uid).execute();
}
