/**
 * MinID's second factor, after the password: a one-time code by SMS (`amr` `Minid-OTC`) or a
 * code from an authenticator app (`amr` `Minid-TOTP`).
 *
 * The step is bound to the login (oidc-provider's interaction uid): a row per login holds the
 * person and the factor, so a code proves nothing in another login, and any process can
 * continue it. The SMS code is {@link MINID_CODE_LENGTH} digits, lives
 * {@link MINID_CODE_LIFETIME_MS}, is stored only as an HMAC-SHA-256 (keyed with a per-installation
 * secret, since 10⁵ codes are trivially brute-forced from a plain hash) and is spent once.
 * {@link MINID_CODE_MAX_ATTEMPTS} wrong codes end the step (start over with the password); every
 * wrong code also counts towards the account's lock (`MINID_MAX_FAILED_ATTEMPTS`).
 *
 * @see spec §2 "MinID": "an SMS one-time code (5 characters)"; the test environment's static
 *   code `12345` shows the characters are digits
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.ts';
import {
  claimMinidTotpStep,
  consumeMinidLogin,
  deleteMinidLogin,
  findMinidAccountRow,
  findMinidLogin,
  recordMinidFailure,
  recordMinidLoginWrongCode,
  replaceMinidLoginCode,
  resetMinidFailures,
  upsertMinidLogin,
} from '../../store/minid-store.ts';
import { isLocked, MINID_LOCK_DURATION_MS, MINID_MAX_FAILED_ATTEMPTS, type MinidAccount } from './accounts.ts';
import { matchTotp } from './totp.ts';

/** Digits of an SMS one-time code. */
export const MINID_CODE_LENGTH = 5;
/** Lifetime of an SMS one-time code, in ms (5 min). */
export const MINID_CODE_LIFETIME_MS = 300_000;
/** Wrong codes in one login before it must start over. */
export const MINID_CODE_MAX_ATTEMPTS = 3;
/** How long the second-factor step of a login lives, in ms (the login's own lifetime, 30 min). */
export const MINID_STEP_LIFETIME_MS = 1_800_000;

/** `amr` of an SMS one-time code login. */
export const AMR_MINID_OTC = 'Minid-OTC';
/** `amr` of an authenticator-app (TOTP) login. */
export const AMR_MINID_TOTP = 'Minid-TOTP';

/** Sends an SMS in the caller's transaction (the platform outbox's `sendSms`). */
export type SmsSender = (msg: { to: string; text: string }, executor: Kysely<any>) => Promise<unknown>;

/** What the second-factor functions need. */
export interface SecondFactorDeps {
  db: Database;
  /** Key of the code HMACs (shared by every process). */
  codeKey: string;
  sendSms: SmsSender;
}

/** A new SMS one-time code: {@link MINID_CODE_LENGTH} uniformly random digits. */
export function newOneTimeCode(): string {
  return String(randomInt(0, 10 ** MINID_CODE_LENGTH)).padStart(MINID_CODE_LENGTH, '0');
}

/** HMAC-SHA-256 of a code bound to its login, base64url. */
export function oneTimeCodeHash(codeKey: string, uid: string, code: string): string {
  return createHmac('sha256', codeKey).update(`minid-otc:${uid}:${code}`).digest('base64url');
}

/** The mobile number with all but the last 2 digits hidden: `+47 ••• •• •67`. */
export function maskMobile(mobile: string): string {
  return `${mobile.startsWith('+47') ? '+47 ' : ''}••• •• •${mobile.slice(-2)}`;
}

/**
 * The SMS text of a code, in the page language.
 *
 * @param lang `nb`, `nn` or `en`
 */
export function oneTimeCodeSms(code: string, lang: 'nb' | 'nn' | 'en'): string {
  const minutes = MINID_CODE_LIFETIME_MS / 60_000;
  if (lang === 'en') return `Your MinID one-time code is ${code}. It is valid for ${minutes} minutes. Never share it with anyone.`;
  if (lang === 'nn') return `Eingongskoden din for MinID er ${code}. Han gjeld i ${minutes} minutt. Ikkje gje han til nokon.`;
  return `Engangskoden din for MinID er ${code}. Den gjelder i ${minutes} minutter. Ikke gi den til noen.`;
}

/** Which second factor a login uses. */
export type SecondFactor = 'otc' | 'totp';

/**
 * Starts the second factor of a login whose password was right: TOTP when the account has an
 * authenticator app (unless `factor: 'otc'` is asked for), else a new SMS code, written with its
 * SMS in one transaction. Any earlier step of the same login is replaced.
 *
 * @param now epoch ms
 * @returns the factor, and the masked mobile number for the page
 */
export async function startSecondFactor(
  deps: SecondFactorDeps,
  input: { uid: string; account: MinidAccount; lang: 'nb' | 'nn' | 'en'; factor?: SecondFactor },
  now: number = Date.now(),
): Promise<{ factor: SecondFactor; maskedMobile: string }> {
  const factor: SecondFactor = input.factor ?? (input.account.totp ? 'totp' : 'otc');
  const code = factor === 'otc' ? newOneTimeCode() : undefined;
  await deps.db.kysely.transaction().execute(async (trx) => {
    await upsertMinidLogin(trx, {
      uid: input.uid,
      pid: input.account.pid,
      factor,
      code_hash: code === undefined ? null : oneTimeCodeHash(deps.codeKey, input.uid, code),
      code_expires_at: code === undefined ? null : now + MINID_CODE_LIFETIME_MS,
      code_attempts: 0,
      used_at: null,
      created_at: now,
      expires_at: now + MINID_STEP_LIFETIME_MS,
    });
    if (code !== undefined) await deps.sendSms({ to: input.account.mobile, text: oneTimeCodeSms(code, input.lang) }, trx);
  });
  return { factor, maskedMobile: maskMobile(input.account.mobile) };
}

/** The second-factor step of a login as the code page sees it, or undefined when there is none to continue. */
export async function findSecondFactor(db: Database, uid: string, now: number = Date.now()): Promise<{ factor: SecondFactor; maskedMobile: string; attemptsLeft: number } | undefined> {
  const step = await findMinidLogin(db, uid);
  if (!step || step.used_at !== null || step.expires_at <= now || step.code_attempts >= MINID_CODE_MAX_ATTEMPTS) return undefined;
  const account = await findMinidAccountRow(db, step.pid);
  if (!account) return undefined;
  return { factor: step.factor as SecondFactor, maskedMobile: maskMobile(account.mobile), attemptsLeft: MINID_CODE_MAX_ATTEMPTS - step.code_attempts };
}

/**
 * Sends a new SMS code in a live step (the user asked for SMS instead of the app, or for a new
 * code). The login's wrong-code count is kept.
 *
 * @returns false when the step is gone, spent or dead (start over)
 */
export async function resendOneTimeCode(deps: SecondFactorDeps, uid: string, lang: 'nb' | 'nn' | 'en', now: number = Date.now()): Promise<boolean> {
  const step = await findMinidLogin(deps.db, uid);
  if (!step || step.used_at !== null || step.expires_at <= now || step.code_attempts >= MINID_CODE_MAX_ATTEMPTS) return false;
  const account = await findMinidAccountRow(deps.db, step.pid);
  if (!account || isLocked(account, now)) return false;
  const code = newOneTimeCode();
  return deps.db.kysely.transaction().execute(async (trx) => {
    if (!(await replaceMinidLoginCode(trx, uid, oneTimeCodeHash(deps.codeKey, uid, code), now + MINID_CODE_LIFETIME_MS))) return false;
    await deps.sendSms({ to: account.mobile, text: oneTimeCodeSms(code, lang) }, trx);
    return true;
  });
}

/**
 * The outcome of a code: the person and `amr`; a wrong code with the attempts left; or
 * `restart` when the step is gone, expired, spent, out of attempts or the account is locked.
 */
export type SecondFactorResult =
  | { ok: true; pid: string; amr: string[] }
  | { ok: false; reason: 'wrong'; attemptsLeft: number }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'restart' };

/**
 * Checks the code of a login's second factor. A right code spends the step (once: of two
 * concurrent submissions one wins) and clears the account's failure count. A wrong code counts
 * in the login and on the account; the {@link MINID_CODE_MAX_ATTEMPTS}th ends the step.
 *
 * @param now epoch ms
 */
export async function verifySecondFactor(deps: SecondFactorDeps, uid: string, code: string, now: number = Date.now()): Promise<SecondFactorResult> {
  const { db } = deps;
  const step = await findMinidLogin(db, uid);
  if (!step || step.used_at !== null || step.expires_at <= now || step.code_attempts >= MINID_CODE_MAX_ATTEMPTS) return { ok: false, reason: 'restart' };
  const account = await findMinidAccountRow(db, step.pid);
  if (!account || isLocked(account, now)) {
    await deleteMinidLogin(db, uid);
    return { ok: false, reason: 'restart' };
  }
  const given = typeof code === 'string' ? code.replace(/\s/g, '') : '';
  let right = false;
  let totpStepMatched: number | undefined;
  if (step.factor === 'otc') {
    if (step.code_expires_at === null || step.code_expires_at <= now) return { ok: false, reason: 'expired' };
    const expected = Buffer.from(step.code_hash ?? '');
    const actual = Buffer.from(oneTimeCodeHash(deps.codeKey, uid, given));
    right = expected.length === actual.length && timingSafeEqual(expected, actual);
  } else if (account.totp_secret !== null) {
    totpStepMatched = matchTotp(account.totp_secret, given, now, account.totp_last_step);
    right = totpStepMatched !== undefined;
  }
  if (right && totpStepMatched !== undefined) right = await claimMinidTotpStep(db, step.pid, totpStepMatched, now);
  if (!right) {
    await recordMinidFailure(db, step.pid, MINID_MAX_FAILED_ATTEMPTS, now + MINID_LOCK_DURATION_MS, now);
    const attempts = await recordMinidLoginWrongCode(db, uid);
    if (attempts >= MINID_CODE_MAX_ATTEMPTS) {
      await deleteMinidLogin(db, uid);
      return { ok: false, reason: 'restart' };
    }
    return { ok: false, reason: 'wrong', attemptsLeft: MINID_CODE_MAX_ATTEMPTS - attempts };
  }
  if (!(await consumeMinidLogin(db, uid, MINID_CODE_MAX_ATTEMPTS, now))) return { ok: false, reason: 'restart' };
  await resetMinidFailures(db, step.pid, now);
  return { ok: true, pid: step.pid, amr: [step.factor === 'otc' ? AMR_MINID_OTC : AMR_MINID_TOTP] };
}
