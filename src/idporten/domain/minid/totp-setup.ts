/**
 * Setting up an authenticator app (TOTP) on a MinID account, in two steps without server-side
 * state:
 *
 * 1. The person proves the password ({@link checkMinidPassword}, with its lockout); a new secret
 *    is made and a one-time code is sent by SMS to the registered mobile. The page gets a setup
 *    token: the pid, secret, hashed SMS code and expiry, MACed with the installation's code key.
 * 2. The person enters a code from the app (proves the secret is in the app) and the SMS code
 *    (proves the phone is theirs, so a stolen password alone cannot add a factor). Wrong codes
 *    count towards the account's lock. Then the secret is stored.
 *
 * @see RFC 6238; README "MinID" for how this differs from the real MinID profile pages
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Database } from '../../../platform/db/database.ts';
import { findMinidAccountRow, recordMinidFailure } from '../../store/minid-store.ts';
import { checkMinidPassword, isLocked, MINID_LOCK_DURATION_MS, MINID_MAX_FAILED_ATTEMPTS, setMinidTotpSecret, type MinidSettings } from './accounts.ts';
import { MINID_CODE_LIFETIME_MS, newOneTimeCode, oneTimeCodeSms, type SecondFactorDeps } from './second-factor.ts';
import { matchTotp, newTotpSecret, totpUri } from './totp.ts';

/** Lifetime of a setup token, in ms (the SMS code's lifetime). */
export const TOTP_SETUP_LIFETIME_MS = MINID_CODE_LIFETIME_MS;

interface SetupClaims {
  pid: string;
  secret: string;
  /** HMAC of the SMS code. */
  sms: string;
  /** Epoch ms. */
  exp: number;
}

function mac(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}

function smsCodeHash(key: string, pid: string, secret: string, code: string): string {
  return mac(key, `minid-totp-setup:${pid}:${secret}:${code}`);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readToken(key: string, token: string, now: number): SetupClaims | undefined {
  const [payload, tag] = typeof token === 'string' ? token.split('.') : [];
  if (!payload || !tag || !safeEqual(tag, mac(key, `minid-totp-token:${payload}`))) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as SetupClaims;
    return claims.exp > now ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** Step 1's result: the secret to show, its `otpauth://` URI and the setup token, or a failure like a login's. */
export type TotpSetupStart = { ok: true; secret: string; uri: string; token: string; mobile: string } | { ok: false };

/**
 * Step 1: checks the password and sends an SMS code to the account's mobile.
 *
 * @param now epoch ms
 * @returns the new secret, URI, token and the account's mobile (E.164); `{ ok: false }` alike
 *   for an unknown person, a wrong password and a locked account
 */
export async function startTotpSetup(
  deps: SecondFactorDeps,
  input: { pid: string; password: string; lang: 'nb' | 'nn' | 'en' },
  settings: MinidSettings,
  now: number = Date.now(),
): Promise<TotpSetupStart> {
  const check = await checkMinidPassword(deps.db, input.pid, input.password, settings, now);
  if (!check.ok) return { ok: false };
  const secret = newTotpSecret();
  const code = newOneTimeCode();
  const claims: SetupClaims = { pid: input.pid, secret, sms: smsCodeHash(deps.codeKey, input.pid, secret, code), exp: now + TOTP_SETUP_LIFETIME_MS };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  await deps.db.kysely.transaction().execute((trx) => deps.sendSms({ to: check.account.mobile, text: oneTimeCodeSms(code, input.lang) }, trx));
  return { ok: true, secret, uri: totpUri(secret), token: `${payload}.${mac(deps.codeKey, `minid-totp-token:${payload}`)}`, mobile: check.account.mobile };
}

/** The secret and URI a valid setup token carries (to show step 2 again), or undefined. */
export function readTotpSetup(codeKey: string, token: string, now: number = Date.now()): { secret: string; uri: string } | undefined {
  const claims = readToken(codeKey, token, now);
  return claims ? { secret: claims.secret, uri: totpUri(claims.secret) } : undefined;
}

/** Step 2's result. */
export type TotpSetupConfirm = { ok: true; pid: string } | { ok: false; reason: 'expired' | 'wrong_app_code' | 'wrong_sms_code' };

/**
 * Step 2: checks the token, the SMS code and a code from the app, then stores the secret.
 *
 * @param db the database
 * @param now epoch ms
 * @returns `{ ok: true, pid }`; `expired` for a bad or expired token or a locked account;
 *   `wrong_sms_code` / `wrong_app_code` (each counted as a failed attempt on the account)
 */
export async function confirmTotpSetup(
  deps: { db: Database; codeKey: string },
  input: { token: string; appCode: string; smsCode: string },
  now: number = Date.now(),
): Promise<TotpSetupConfirm> {
  const claims = readToken(deps.codeKey, input.token, now);
  if (!claims) return { ok: false, reason: 'expired' };
  const account = await findMinidAccountRow(deps.db, claims.pid);
  if (!account || isLocked(account, now)) return { ok: false, reason: 'expired' };
  const fail = async (reason: 'wrong_app_code' | 'wrong_sms_code'): Promise<TotpSetupConfirm> => {
    await recordMinidFailure(deps.db, claims.pid, MINID_MAX_FAILED_ATTEMPTS, now + MINID_LOCK_DURATION_MS, now);
    return { ok: false, reason };
  };
  if (!safeEqual(claims.sms, smsCodeHash(deps.codeKey, claims.pid, claims.secret, input.smsCode.replace(/\s/g, '')))) return fail('wrong_sms_code');
  if (matchTotp(claims.secret, input.appCode.replace(/\s/g, ''), now, null) === undefined) return fail('wrong_app_code');
  await setMinidTotpSecret(deps.db, claims.pid, claims.secret, now);
  return { ok: true, pid: claims.pid };
}
