/**
 * MinProfil's login sessions, kept in the database so any process serves the next request.
 *
 * The browser holds a random 256-bit value in an HttpOnly cookie; the database holds only its
 * SHA-256, so a read of the table gives no usable cookie. A session ends after
 * {@link SESSION_IDLE_MS} without a request, {@link SESSION_MAX_MS} after the login, at logout,
 * or when ID-porten's front-channel logout names its `sid`. A login under way (sent to
 * ID-porten, not yet back) is likewise a row keyed by the hash of its own cookie, so the answer
 * from ID-porten is only taken in the browser that started the login, once, within
 * {@link LOGIN_LIFETIME_MS}.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../../../platform/db/database.ts';
import { minprofilError } from '../errors.ts';
import { CODE_WINDOW_MS } from './profile.ts';
import {
  deleteSession,
  deleteSessionsBySid,
  findLiveSession,
  insertLogin,
  insertSession,
  minprofilDb,
  purgeExpired,
  setSessionGotoUrl,
  takeLogin,
  touchSession,
} from '../store/minprofil-store.ts';
import type { MinprofilLoginRow, MinprofilSessionRow } from '../store/tables.ts';

/** Idle end of a session, in ms (30 min, as ID-porten's SSO session). */
export const SESSION_IDLE_MS = 30 * 60_000;
/** Absolute end of a session after the login, in ms (2 h). */
export const SESSION_MAX_MS = 2 * 3_600_000;
/** How long a login may take at ID-porten, in ms (30 min, ID-porten's login lifetime). */
export const LOGIN_LIFETIME_MS = 30 * 60_000;

/** A new random cookie value (256 bits, base64url). */
export function newCookieValue(): string {
  return randomBytes(32).toString('base64url');
}

/** The key a cookie value is stored under. */
export function cookieKey(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A cookie value of the right shape, or undefined. */
export function wellFormedCookie(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** A logged-in citizen. */
export interface MinprofilSession {
  /** The key of the session row (hash of the cookie). */
  key: string;
  pid: string;
  acr: string;
  idToken: string;
  gotoUrl: string | null;
  /** The CSRF token of this session's forms. */
  csrf: string;
}

function csrfOf(csrfKey: string, key: string): string {
  return createHmac('sha256', csrfKey).update(`krr-minprofil-form:${key}`).digest('base64url');
}

function toSession(row: MinprofilSessionRow, csrfKey: string): MinprofilSession {
  return { key: row.id, pid: row.pid, acr: row.acr, idToken: row.id_token, gotoUrl: row.goto_url, csrf: csrfOf(csrfKey, row.id) };
}

/** Stores a login under way; the cookie value for the browser. */
export async function startLogin(db: Database, login: Omit<MinprofilLoginRow, 'id' | 'created_at' | 'expires_at'>, now: number): Promise<string> {
  const value = newCookieValue();
  await insertLogin(minprofilDb(db), { ...login, id: cookieKey(value), created_at: now, expires_at: now + LOGIN_LIFETIME_MS });
  return value;
}

/**
 * Takes the login under way of this browser (by its cookie), once.
 *
 * @throws AppError `MINPROFIL_LOGIN_FAILED` (400) when there is none, it expired, or `state`
 *   is not its state
 */
export async function takeLoginOf(db: Database, cookie: unknown, state: unknown, now: number): Promise<MinprofilLoginRow> {
  const value = wellFormedCookie(cookie);
  const login = value ? await takeLogin(minprofilDb(db), cookieKey(value), now) : undefined;
  if (!login) throw minprofilError('MINPROFIL_LOGIN_FAILED', 'No login is under way in this browser (it expired, or was started elsewhere). Log in again.');
  const a = Buffer.from(login.state);
  const b = Buffer.from(typeof state === 'string' ? state : '');
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw minprofilError('MINPROFIL_LOGIN_FAILED', 'The answer from ID-porten belongs to another login. Log in again.');
  return login;
}

/** Starts a session after a login; the cookie value for the browser. */
export async function createSession(
  db: Database,
  s: { pid: string; acr: string; idToken: string; sid: string | null; gotoUrl: string | null },
  now: number,
): Promise<string> {
  const value = newCookieValue();
  await insertSession(minprofilDb(db), {
    id: cookieKey(value),
    pid: s.pid,
    acr: s.acr,
    id_token: s.idToken,
    sid: s.sid,
    goto_url: s.gotoUrl,
    created_at: now,
    last_seen_at: now,
    expires_at: now + SESSION_MAX_MS,
  });
  return value;
}

/** The live session of a cookie (its idle clock starts again), or undefined. */
export async function loadSession(db: Database, cookie: unknown, csrfKey: string, now: number): Promise<MinprofilSession | undefined> {
  const value = wellFormedCookie(cookie);
  if (!value) return undefined;
  const key = cookieKey(value);
  const row = await findLiveSession(minprofilDb(db), key, now, SESSION_IDLE_MS);
  if (!row) return undefined;
  await touchSession(minprofilDb(db), key, now);
  return toSession(row, csrfKey);
}

/**
 * Checks a posted form's CSRF token against the session's.
 *
 * @throws AppError `MINPROFIL_CSRF_MISMATCH` (403)
 */
export function checkCsrf(session: MinprofilSession, posted: unknown): void {
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(typeof posted === 'string' ? posted : '');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw minprofilError('MINPROFIL_CSRF_MISMATCH', 'The form does not belong to this session. Reload the page and try again.');
  }
}

/** Keeps a checked `gotoUrl` on the session. */
export async function rememberGotoUrl(db: Database, session: MinprofilSession, gotoUrl: string): Promise<void> {
  await setSessionGotoUrl(minprofilDb(db), session.key, gotoUrl);
  session.gotoUrl = gotoUrl;
}

/** Ends a session. */
export async function endSession(db: Database, session: MinprofilSession): Promise<void> {
  await deleteSession(minprofilDb(db), session.key);
}

/** Ends the sessions of ID-porten's session `sid` (front-channel logout); how many ended. */
export async function endSessionsOfSid(db: Database, sid: string): Promise<number> {
  return deleteSessionsBySid(minprofilDb(db), sid);
}

/**
 * Deletes ended logins and sessions, and changes waiting for a code that are of no more use
 * (the recurring job `krr.minprofil.purge`); how many rows went.
 */
export async function purgeEnded(db: Database, now: number): Promise<number> {
  return purgeExpired(minprofilDb(db), now, SESSION_IDLE_MS, CODE_WINDOW_MS);
}
