/**
 * ID-porten's SSO session on top of oidc-provider's `Session`:
 *
 * - **30 min inactivity**, counted between authentication requests: `lastAuthTs` is set by each
 *   authorization request that reaches a logged-in account (SSO or a fresh login); a request
 *   more than {@link SSO_INACTIVITY_S} after it finds the session ended. oidc-provider has no
 *   sliding inactivity of its own: the stored session's lifetime ({@link sessionTtl}) ends at
 *   the inactivity deadline, and {@link enterSsoSession} checks it again on every request.
 * - **120 min maximum** from the login ({@link SESSION_MAX_LIFETIME_S}): a sign-in older than
 *   that is dropped and the person logs in again.
 * - **`sso_disabled` clients** get an isolated ("egoistic") session: the session cookie keeps one
 *   identity per SSO group (`common`, or `client:<client_id>` for each `sso_disabled` client).
 *   oidc-provider sees only the identity of the request's group in the session's top-level
 *   fields (`accountId`, `acr`, `amr`, `loginTs`); the others wait in `ssoGroups`. So a login
 *   to an `sso_disabled` client gives no other client SSO, and it gets none from them, but it
 *   keeps its own SSO for its next login within the time limits. Inactivity and maximum timers
 *   are the cookie's, shared by all groups, as Digdir describes. Logout stays global (every
 *   client of every group; see `end-session.ts`).
 *
 * All times here are epoch **seconds**, like oidc-provider's.
 *
 * @see spec §1 "SSO session and logout"; https://docs.digdir.no/docs/idporten/oidc/oidc_func_sso,
 *   https://docs.digdir.no/docs/idporten/oidc/oidc_func_nosso
 */
import { randomBytes } from 'node:crypto';
import type { Provider } from 'oidc-provider';

/** SSO inactivity limit, in seconds: 30 min between authentication requests (spec §1). */
export const SSO_INACTIVITY_S = 1800;
/** Longest SSO session from the login, in seconds: 120 min (spec §1). */
export const SESSION_MAX_LIFETIME_S = 7200;
/** The SSO group of every client not registered with `sso_disabled`. */
export const COMMON_SSO_GROUP = 'common';

/** Fields Grunnmur adds to oidc-provider's stored `Session` payload. */
export const SESSION_EXTRA_PAYLOAD = ['lastAuthTs', 'ssoGroup', 'ssoGroups'] as const;

/** One signed-in identity of a session. */
export interface SsoIdentity {
  accountId: string;
  acr?: string;
  amr?: string[];
  /** Epoch seconds of the login. */
  loginTs: number;
  transient?: boolean;
}

/** The SSO group of a client: its own for `sso_disabled`, else the common one. */
export function ssoGroupOf(clientId: string, ssoDisabled: boolean): string {
  return ssoDisabled ? `client:${clientId}` : COMMON_SSO_GROUP;
}

/** Adds {@link SESSION_EXTRA_PAYLOAD} to what oidc-provider stores of a session. Call once, right after `new Provider`. */
export function extendSessionPayload(provider: Provider): void {
  const Session = provider.Session;
  const base: string[] = Session.IN_PAYLOAD;
  Object.defineProperty(Session, 'IN_PAYLOAD', { configurable: true, get: () => [...base, ...SESSION_EXTRA_PAYLOAD] });
}

function identityOf(session: any): SsoIdentity | undefined {
  if (typeof session.accountId !== 'string' || typeof session.loginTs !== 'number') return undefined;
  const identity: SsoIdentity = { accountId: session.accountId, loginTs: session.loginTs };
  if (session.acr !== undefined) identity.acr = session.acr;
  if (session.amr !== undefined) identity.amr = session.amr;
  if (session.transient) identity.transient = true;
  return identity;
}

/** Removes the top-level identity (the session proxy's set trap refuses an empty accountId). */
function clearIdentity(session: any): void {
  for (const field of ['accountId', 'acr', 'amr', 'loginTs', 'transient']) delete session[field];
  session.touched = true;
}

/**
 * At an authorization request, before oidc-provider loads the account: ends a session idle
 * for more than {@link SSO_INACTIVITY_S}, drops identities older than {@link
 * SESSION_MAX_LIFETIME_S}, and puts the identity of the client's SSO group (or none: the
 * person must log in) in the session's top-level fields.
 *
 * An ended session gets a new `uid`, so tokens that die with the session (openid/profile
 * only) die with it, as when its stored row expires.
 *
 * @param session oidc-provider's session of the request (mutated)
 * @param group the client's {@link ssoGroupOf}
 * @param nowS epoch seconds
 */
export function enterSsoSession(session: any, group: string, nowS: number): void {
  if (session.accountId === undefined && session.ssoGroups === undefined) return;
  if (typeof session.lastAuthTs === 'number' && nowS - session.lastAuthTs > SSO_INACTIVITY_S) {
    clearIdentity(session);
    session.ssoGroups = undefined;
    session.ssoGroup = undefined;
    session.lastAuthTs = undefined;
    session.authorizations = undefined;
    session.uid = randomBytes(16).toString('base64url');
    return;
  }
  const groups: Record<string, SsoIdentity> = { ...(session.ssoGroups ?? {}) };
  const current = identityOf(session);
  if (current) groups[session.ssoGroup ?? COMMON_SSO_GROUP] = current;
  for (const [name, identity] of Object.entries(groups)) {
    if (nowS - identity.loginTs > SESSION_MAX_LIFETIME_S) delete groups[name];
  }
  const mine = groups[group];
  delete groups[group];
  session.ssoGroups = Object.keys(groups).length > 0 ? groups : undefined;
  session.ssoGroup = group;
  if (!mine) {
    if (session.accountId !== undefined) clearIdentity(session);
    return;
  }
  if (current && current.accountId === mine.accountId && current.loginTs === mine.loginTs) return;
  session.loginAccount({ accountId: mine.accountId, loginTs: mine.loginTs, acr: mine.acr, amr: mine.amr, transient: mine.transient === true });
}

/**
 * At an authorization request that reached a logged-in account (SSO or a fresh login): the
 * session was used now, by this group.
 */
export function touchSsoSession(session: any, group: string, nowS: number): void {
  session.lastAuthTs = nowS;
  session.ssoGroup = group;
}

/**
 * oidc-provider's `ttl.Session`: seconds until the stored session ends, at the inactivity
 * deadline or at the maximum of its newest identity, whichever comes first (at least 1).
 */
export function sessionTtl(session: any, nowS: number): number {
  const last = typeof session.lastAuthTs === 'number' ? session.lastAuthTs : nowS;
  let deadline = last + SSO_INACTIVITY_S;
  const logins: number[] = [];
  if (typeof session.accountId === 'string' && typeof session.loginTs === 'number') logins.push(session.loginTs);
  for (const identity of Object.values((session.ssoGroups ?? {}) as Record<string, SsoIdentity>)) logins.push(identity.loginTs);
  if (logins.length > 0) deadline = Math.min(deadline, Math.max(...logins) + SESSION_MAX_LIFETIME_S);
  return Math.max(1, deadline - nowS);
}

/** Every identity the session holds (its top-level one and those of other SSO groups). */
export function sessionIdentities(session: any): SsoIdentity[] {
  const all = Object.values((session.ssoGroups ?? {}) as Record<string, SsoIdentity>);
  const current = identityOf(session);
  return current ? [current, ...all] : all;
}
