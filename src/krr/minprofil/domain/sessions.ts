/**
 * MinProfil's login sessions: ID-porten's relying-party kit (`rp-sessions.ts` there: hashed
 * cookies, idle and absolute ends, logins bound to their browser) on MinProfil's own tables
 * `krr_minprofil_logins`, `krr_minprofil_sessions` and `krr_minprofil_secrets`.
 */
import { createRpSession, type NewRpSession, type RpSession } from '../../../idporten/index.ts';
import type { Database } from '../../../platform/db/database.ts';
import { purgeEndedPendingChanges, minprofilDb } from '../store/minprofil-store.ts';
import { CODE_WINDOW_MS } from './profile.ts';

export { cookieKey, RP_SESSION_IDLE_MS as SESSION_IDLE_MS, RP_SESSION_MAX_MS as SESSION_MAX_MS, RP_LOGIN_LIFETIME_MS as LOGIN_LIFETIME_MS } from '../../../idporten/index.ts';

/** Prefix of MinProfil's session tables. */
export const MINPROFIL_TABLES = 'krr_minprofil';

/** A logged-in citizen. */
export type MinprofilSession = RpSession;

/** Starts a session without a login (tests); the cookie value for the browser. */
export async function createSession(db: Database, s: NewRpSession, now: number): Promise<string> {
  return createRpSession({ db: db.kysely, prefix: MINPROFIL_TABLES }, s, now);
}

/**
 * Deletes changes waiting for a code that are of no more use (part of the recurring job
 * `krr.minprofil.purge`, with the kit's purge of ended logins and sessions); how many rows went.
 */
export async function purgeEndedChanges(db: Database, now: number): Promise<number> {
  return purgeEndedPendingChanges(minprofilDb(db), now, CODE_WINDOW_MS);
}
