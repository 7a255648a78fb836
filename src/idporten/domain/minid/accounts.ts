/**
 * MinID accounts: creation, the password check with lockout, password change and the
 * authenticator-app (TOTP) secret.
 *
 * Lockout: {@link MINID_MAX_FAILED_ATTEMPTS} failed attempts in a row (a wrong password or a
 * wrong one-time code; only a complete login clears the count) lock the account for
 * {@link MINID_LOCK_DURATION_MS}. The count lives in the database, so it holds across processes.
 *
 * No user enumeration: an unknown fødselsnummer, a wrong password and a locked account all give
 * `{ ok: false }`, and each costs one Argon2id computation (an unknown account's password is
 * checked against a dummy hash; a locked account's password is still checked).
 *
 * @see spec §2 "MinID"; Digdir publishes no thresholds ("blocked due to repeated unsuccessful
 *   attempts"), so these are Grunnmur's (README "MinID")
 */
import { validateFodselsnummer } from '../../../platform/identifiers/index.ts';
import type { Config } from '../../../platform/config.ts';
import type { Database } from '../../../platform/db/database.ts';
import { normaliseMobile } from '../../../platform/outbox/outbox.ts';
import { idportenError } from '../../errors.ts';
import {
  findMinidAccountRow,
  insertMinidAccountRow,
  recordMinidFailure,
  updateMinidPasswordHash,
  updateMinidTotpSecret,
  type MinidAccountRow,
} from '../../store/minid-store.ts';
import { dummyHash, hashPassword, needsRehash, OWASP_ARGON2_PARAMS, passwordProblems, verifyPassword, type Argon2Params, type PasswordProblem } from './password.ts';
import { base32Decode } from './totp.ts';

/** Failed attempts in a row (password or code) that lock an account. */
export const MINID_MAX_FAILED_ATTEMPTS = 5;
/** How long a lock lasts, in ms (1 hour). */
export const MINID_LOCK_DURATION_MS = 3_600_000;

/** How MinID hashes passwords (from config). */
export interface MinidSettings {
  argon2: Argon2Params;
}

/** The settings from config: `MINID_ARGON2_MEMORY_KIB`, `MINID_ARGON2_PASSES`, one lane. */
export function minidSettings(config: Pick<Config, 'MINID_ARGON2_MEMORY_KIB' | 'MINID_ARGON2_PASSES'>): MinidSettings {
  return { argon2: { memoryKiB: config.MINID_ARGON2_MEMORY_KIB, passes: config.MINID_ARGON2_PASSES, parallelism: 1 } };
}

/** A MinID account as the domain shows it (never the password hash or TOTP secret). */
export interface MinidAccount {
  /** Fødselsnummer or D-number. */
  pid: string;
  /** E.164 mobile number. */
  mobile: string;
  /** Whether an authenticator app (TOTP) is set up. */
  totp: boolean;
  /** Failed attempts since the last complete login or lock. */
  failedAttempts: number;
  /** Epoch ms until which the account is locked, or null. */
  lockedUntil: number | null;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms. */
  updatedAt: number;
}

function toMinidAccount(row: MinidAccountRow): MinidAccount {
  return {
    pid: row.pid,
    mobile: row.mobile,
    totp: row.totp_secret !== null,
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Whether an account is locked at `now` (epoch ms). */
export function isLocked(account: { lockedUntil: number | null } | { locked_until: number | null }, now: number): boolean {
  const until = 'lockedUntil' in account ? account.lockedUntil : account.locked_until;
  return until !== null && until > now;
}

/** What a new account needs. */
export interface MinidAccountInput {
  /** Fødselsnummer or D-number (the caller checks that the person is in Folkeregisteret). */
  pid: string;
  password: string;
  /** Mobile number for one-time codes (`+47…`, or 8 digits starting with 4 or 9). */
  mobile: string;
  /** Optional base32 TOTP secret (authenticator app). */
  totpSecret?: string;
}

/** One broken rule of a new account or password. */
export interface MinidAccountProblem {
  field: 'pid' | 'password' | 'mobile' | 'totpSecret';
  problem: 'invalid' | PasswordProblem;
}

/**
 * The rules a new account breaks: a valid fødselsnummer/D-number (synthetic ones included), the
 * password policy ({@link passwordProblems}), a valid mobile number, a base32 TOTP secret of at
 * least 16 bytes.
 */
export function minidAccountProblems(input: MinidAccountInput): MinidAccountProblem[] {
  const problems: MinidAccountProblem[] = [];
  if (typeof input.pid !== 'string' || !validateFodselsnummer(input.pid).valid) problems.push({ field: 'pid', problem: 'invalid' });
  for (const p of passwordProblems(typeof input.password === 'string' ? input.password : '')) problems.push({ field: 'password', problem: p });
  try {
    normaliseMobile(input.mobile);
  } catch {
    problems.push({ field: 'mobile', problem: 'invalid' });
  }
  if (input.totpSecret !== undefined && (base32Decode(input.totpSecret)?.length ?? 0) < 16) problems.push({ field: 'totpSecret', problem: 'invalid' });
  return problems;
}

/**
 * Creates a MinID account (registration, the test-mode activation page, tests, seeding).
 *
 * @param settings Argon2id parameters (default OWASP's)
 * @param now epoch ms
 * @returns the account
 * @throws AppError `IDPORTEN_MINID_INVALID_ACCOUNT` (400) with `extra.problems` ({@link MinidAccountProblem}[]);
 *   `IDPORTEN_MINID_ACCOUNT_EXISTS` (409) when the person has one. Nothing is written then.
 */
export async function createMinidAccount(
  db: Database,
  input: MinidAccountInput,
  settings: MinidSettings = { argon2: OWASP_ARGON2_PARAMS },
  now: number = Date.now(),
): Promise<MinidAccount> {
  const problems = minidAccountProblems(input);
  if (problems.length > 0) {
    throw idportenError('IDPORTEN_MINID_INVALID_ACCOUNT', `The MinID account breaks ${problems.length} rule(s)`, { extra: { problems } });
  }
  const row: MinidAccountRow = {
    pid: input.pid,
    password_hash: await hashPassword(input.password, settings.argon2),
    mobile: normaliseMobile(input.mobile),
    totp_secret: input.totpSecret === undefined ? null : input.totpSecret.replace(/[\s=]/g, '').toUpperCase(),
    totp_last_step: null,
    failed_attempts: 0,
    locked_until: null,
    created_at: now,
    updated_at: now,
  };
  if (!(await insertMinidAccountRow(db, row))) {
    throw idportenError('IDPORTEN_MINID_ACCOUNT_EXISTS', 'This person already has a MinID account');
  }
  return toMinidAccount(row);
}

/** The account of a person, or undefined. */
export async function findMinidAccount(db: Database, pid: string): Promise<MinidAccount | undefined> {
  const row = await findMinidAccountRow(db, pid);
  return row ? toMinidAccount(row) : undefined;
}

/** The outcome of a password check: the account, or one answer for every failure. */
export type PasswordCheck = { ok: true; account: MinidAccount } | { ok: false };

/**
 * Checks a fødselsnummer and password. A wrong password counts as a failed attempt (the
 * attempt that reaches {@link MINID_MAX_FAILED_ATTEMPTS} locks the account); a right one does
 * not clear the count (only a complete login does, see `verifySecondFactor`), so knowing the
 * password does not give unlimited code guesses. A hash made with other parameters is re-made
 * with the current ones.
 *
 * @returns `{ ok: true, account }`, or `{ ok: false }` alike for an unknown person, a wrong
 *   password and a locked account (no user enumeration)
 */
export async function checkMinidPassword(db: Database, pid: string, password: string, settings: MinidSettings, now: number = Date.now()): Promise<PasswordCheck> {
  const row = typeof pid === 'string' && pid.length === 11 ? await findMinidAccountRow(db, pid) : undefined;
  if (!row) {
    await verifyPassword(password, await dummyHash(settings.argon2));
    return { ok: false };
  }
  const valid = await verifyPassword(password, row.password_hash);
  if (isLocked(row, now)) return { ok: false };
  if (!valid) {
    await recordMinidFailure(db, pid, MINID_MAX_FAILED_ATTEMPTS, now + MINID_LOCK_DURATION_MS, now);
    return { ok: false };
  }
  if (needsRehash(row.password_hash, settings.argon2)) {
    await updateMinidPasswordHash(db, pid, await hashPassword(password, settings.argon2), now);
  }
  return { ok: true, account: toMinidAccount(row) };
}

/** The outcome of a password change. */
export type PasswordChange = { ok: true } | { ok: false; reason: 'rejected' } | { ok: false; reason: 'policy'; problems: PasswordProblem[] };

/**
 * Changes a password after checking the old one like a login ({@link checkMinidPassword}: a
 * wrong old password counts as a failed attempt, and every failure looks the same).
 *
 * @returns `{ ok: true }`; `{ ok: false, reason: 'policy', problems }` when the new password
 *   breaks the policy (checked first, nothing counted); `{ ok: false, reason: 'rejected' }` for
 *   an unknown person, a wrong old password or a locked account
 */
export async function changeMinidPassword(
  db: Database,
  input: { pid: string; oldPassword: string; newPassword: string },
  settings: MinidSettings,
  now: number = Date.now(),
): Promise<PasswordChange> {
  const problems = passwordProblems(input.newPassword);
  if (problems.length > 0) return { ok: false, reason: 'policy', problems };
  const check = await checkMinidPassword(db, input.pid, input.oldPassword, settings, now);
  if (!check.ok) return { ok: false, reason: 'rejected' };
  await updateMinidPasswordHash(db, input.pid, await hashPassword(input.newPassword, settings.argon2), now);
  return { ok: true };
}

/**
 * Sets the account's TOTP secret (after the user proved it with a code, see the TOTP page).
 *
 * @param secret base32, at least 16 bytes; null removes the authenticator app
 */
export async function setMinidTotpSecret(db: Database, pid: string, secret: string | null, now: number = Date.now()): Promise<void> {
  await updateMinidTotpSecret(db, pid, secret === null ? null : secret.replace(/[\s=]/g, '').toUpperCase(), now);
}
