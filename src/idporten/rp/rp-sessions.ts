/**
 * A relying party's login sessions, kept in the database so any process serves the next request.
 *
 * The browser holds a random 256-bit value in an HttpOnly cookie; the database holds only its
 * SHA-256, so a read of the table gives no usable cookie. A session ends after
 * {@link SESSION_IDLE_MS} without a request, {@link SESSION_MAX_MS} after the login, at logout,
 * or when ID-porten's front-channel logout names its `sid`. A login under way (sent to
 * ID-porten, not yet back) is likewise a row keyed by the hash of its own cookie, so the answer
 * from ID-porten is only taken in the browser that started the login, once, within
 * {@link LOGIN_LIFETIME_MS} — the binding of a login to its browser that the 2020 ID-porten
 * incident lacked (ARCHITECTURE.md, principle 6).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppError, AppErrorOptions } from '../../platform/errors.ts';
import {
  deleteSession,
  deleteSessionsBySid,
  findLiveSession,
  insertLogin,
  insertSession,
  purgeExpiredLoginsAndSessions,
  setSessionGotoUrl,
  takeLogin,
  touchSession,
  type RpLoginRow,
  type RpSessionRow,
  type RpTables,
} from './rp-store.ts';

/** Idle end of a session, in ms (30 min, as ID-porten's SSO session). */
export const SESSION_IDLE_MS = 30 * 60_000;
/** Absolute end of a session after the login, in ms (2 h). */
export const SESSION_MAX_MS = 2 * 3_600_000;
/** How long a login may take at ID-porten, in ms (30 min, ID-porten's login lifetime). */
export const LOGIN_LIFETIME_MS = 30 * 60_000;

/**
 * How a relying party names its errors: each is one of its own catalogued codes (the pages show
 * the code), so the kit never invents codes of its own.
 */
export interface RpErrors {
  /** No login under way in this browser, a foreign `state`, an error answer, or a token that fails its checks (400). */
  loginFailed(message: string, options?: AppErrorOptions): AppError;
  /** A posted form without the session's CSRF token (403). */
  csrfMismatch(message: string): AppError;
  /** ID-porten cannot be reached, or the client is not registered there (503). */
  unavailable(message: string, options?: AppErrorOptions): AppError;
}

/** A logged-in citizen. */
export interface RpSession {
  /** The key of the session row (hash of the cookie). */
  key: string;
  pid: string;
  acr: string;
  idToken: string;
  sid: string | null;
  gotoUrl: string | null;
  /** The CSRF token of this session's forms. */
  csrf: string;
}

/** A new random cookie value (256 bits, base64url). */
export function newCookieValue(): string {
  return randomBytes(32).toString('base64url');
}

/** The key a cookie value is stored under (SHA-256, hex). */
export function cookieKey(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A cookie value of the right shape, or undefined. */
export function wellFormedCookie(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** What the session functions of one relying party share. */
export interface RpSessionContext {
  tables: RpTables;
  errors: RpErrors;
  /** HMAC key of the CSRF tokens (per installation). */
  csrfKey: string;
  /** Bound into every CSRF token, so one relying party's token is no good at another: e.g. `krr-minprofil-form`. */
  csrfPurpose: string;
}

function csrfOf(ctx: RpSessionContext, key: string): string {
  return createHmac('sha256', ctx.csrfKey).update(`${ctx.csrfPurpose}:${key}`).digest('base64url');
}

function toSession(ctx: RpSessionContext, row: RpSessionRow): RpSession {
  return { key: row.id, pid: row.pid, acr: row.acr, idToken: row.id_token, sid: row.sid, gotoUrl: row.goto_url, csrf: csrfOf(ctx, row.id) };
}

/** Stores a login under way; the cookie value for the browser. */
export async function startLogin(tables: RpTables, login: Omit<RpLoginRow, 'id' | 'created_at' | 'expires_at'>, now: number): Promise<string> {
  const value = newCookieValue();
  await insertLogin(tables, { ...login, id: cookieKey(value), created_at: now, expires_at: now + LOGIN_LIFETIME_MS });
  return value;
}

/**
 * Takes the login under way of this browser (by its cookie), once.
 *
 * @throws the relying party's `loginFailed` error when there is none, it expired, or `state` is
 *   not its state
 */
export async function takeLoginOf(ctx: RpSessionContext, cookie: unknown, state: unknown, now: number): Promise<RpLoginRow> {
  const value = wellFormedCookie(cookie);
  const login = value ? await takeLogin(ctx.tables, cookieKey(value), now) : undefined;
  if (!login) throw ctx.errors.loginFailed('No login is under way in this browser (it expired, or was started elsewhere). Log in again.');
  const a = Buffer.from(login.state);
  const b = Buffer.from(typeof state === 'string' ? state : '');
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw ctx.errors.loginFailed('The answer from ID-porten belongs to another login. Log in again.');
  return login;
}

/** What a new session holds. */
export interface NewRpSession {
  pid: string;
  acr: string;
  idToken: string;
  sid: string | null;
  gotoUrl: string | null;
}

/** Starts a session after a login; the cookie value for the browser. */
export async function createSession(tables: RpTables, s: NewRpSession, now: number): Promise<string> {
  const value = newCookieValue();
  await insertSession(tables, {
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
export async function loadSession(ctx: RpSessionContext, cookie: unknown, now: number): Promise<RpSession | undefined> {
  const value = wellFormedCookie(cookie);
  if (!value) return undefined;
  const key = cookieKey(value);
  const row = await findLiveSession(ctx.tables, key, now, SESSION_IDLE_MS);
  if (!row) return undefined;
  await touchSession(ctx.tables, key, now);
  return toSession(ctx, row);
}

/**
 * Checks a posted form's CSRF token against the session's (constant time).
 *
 * @throws the relying party's `csrfMismatch` error
 */
export function checkCsrf(ctx: RpSessionContext, session: RpSession, posted: unknown): void {
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(typeof posted === 'string' ? posted : '');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw ctx.errors.csrfMismatch('The form does not belong to this session. Reload the page and try again.');
  }
}

/** Keeps a `gotoUrl` on the session. */
export async function rememberGotoUrl(tables: RpTables, session: RpSession, gotoUrl: string): Promise<void> {
  await setSessionGotoUrl(tables, session.key, gotoUrl);
  session.gotoUrl = gotoUrl;
}

/** Ends a session (by its key). */
export async function endSession(tables: RpTables, key: string): Promise<void> {
  await deleteSession(tables, key);
}

/** Ends the sessions of ID-porten's session `sid` (front-channel logout); how many ended. */
export async function endSessionsOfSid(tables: RpTables, sid: string): Promise<number> {
  return deleteSessionsBySid(tables, sid);
}

/** Deletes ended logins and sessions; how many rows went. */
export async function purgeEnded(tables: RpTables, now: number): Promise<number> {
  return purgeExpiredLoginsAndSessions(tables, now, SESSION_IDLE_MS);
}
