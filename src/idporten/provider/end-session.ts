/**
 * Ending an SSO session (RP-initiated logout, `GET|POST /idporten/logout`), with Digdir's rules:
 *
 * - `id_token_hint`: an ID token this issuer signed (any published key, also retired ones;
 *   expired is fine) whose `aud` is a known client; a malformed or foreign one is an error.
 * - `client_id`: the client, when no hint is given; with a hint it must be the hint's `aud`.
 * - `post_logout_redirect_uri`: must be registered on that client; never followed otherwise
 *   (an error page, not a redirect). It needs `id_token_hint` or `client_id`.
 * - `state`: printable ASCII (`^[\x20-\x7E]+$`), given back on the redirect.
 *
 * Every check runs before the session is touched, so a bad request changes nothing. Then the
 * session ends for every client of every SSO group (logout is global, also when an
 * `sso_disabled` client asks): the clients with a `frontchannel_logout_uri` are listed for the
 * front-channel page (`?iss=<issuer>&sid=<the client's sid>`, the initiating client too), the
 * grants whose scopes are only `openid`/`profile` are revoked with their refresh tokens (the
 * rest live on until they expire or are revoked at `/revoke`), and the session is deleted.
 *
 * @see spec §1 "SSO session and logout"; https://openid.net/specs/openid-connect-rpinitiated-1_0.html §2–3
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_func_sso (state regex, tokens at logout)
 */
import { compactVerify, createLocalJWKSet, decodeJwt, type JSONWebKeySet } from 'jose';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { OPENID_SCOPES } from './scope-registry.ts';

/** `state` Digdir accepts at logout: printable ASCII. */
export const LOGOUT_STATE_PATTERN = /^[\x20-\x7E]+$/;

/** Parameters of a logout request. */
export interface LogoutParams {
  id_token_hint?: string;
  post_logout_redirect_uri?: string;
  state?: string;
  client_id?: string;
  ui_locales?: string;
}

/** A refused logout request: an OAuth error for the error page (HTTP 400). */
export class LogoutRequestError extends Error {
  readonly error: 'invalid_request' | 'invalid_client';
  constructor(error: 'invalid_request' | 'invalid_client', description: string) {
    super(description);
    this.error = error;
  }
}

/** A checked logout request. */
export interface CheckedLogout {
  /** The client named by `id_token_hint` or `client_id`. */
  clientId?: string;
  /** `post_logout_redirect_uri` with `state`, when given (registered). */
  redirectTo?: string;
}

/**
 * Checks a logout request's parameters (see the file header).
 *
 * @param raw the query (GET) or form (POST); repeated parameters are refused
 * @param jwks the issuer's published keys (retired ones included)
 * @throws LogoutRequestError
 */
export async function checkLogoutRequest(provider: Provider, issuer: string, jwks: JSONWebKeySet, raw: Record<string, unknown>): Promise<CheckedLogout> {
  const params: LogoutParams = {};
  for (const name of ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id', 'ui_locales'] as const) {
    const value = raw[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new LogoutRequestError('invalid_request', `'${name}' parameter must not be provided twice`);
    params[name] = value;
  }
  if (params.state !== undefined && !LOGOUT_STATE_PATTERN.test(params.state)) {
    throw new LogoutRequestError('invalid_request', 'state must be printable ASCII (characters 0x20 to 0x7E)');
  }

  let clientId = params.client_id;
  if (params.id_token_hint !== undefined) {
    let aud: unknown;
    try {
      aud = decodeJwt(params.id_token_hint).aud;
    } catch {
      throw new LogoutRequestError('invalid_request', 'could not decode id_token_hint');
    }
    try {
      const { payload } = await compactVerify(params.id_token_hint, createLocalJWKSet(jwks));
      const claims = JSON.parse(new TextDecoder().decode(payload)) as { iss?: unknown };
      if (claims.iss !== issuer) throw new Error('another issuer');
    } catch {
      throw new LogoutRequestError('invalid_request', 'could not validate id_token_hint');
    }
    const audience = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
    if (typeof audience !== 'string') throw new LogoutRequestError('invalid_request', 'could not validate id_token_hint');
    if (clientId !== undefined && clientId !== audience) {
      throw new LogoutRequestError('invalid_request', 'client_id does not match the provided id_token_hint');
    }
    clientId = audience;
  }

  let client: any;
  if (clientId !== undefined) {
    client = await provider.Client.find(clientId);
    if (!client) throw new LogoutRequestError('invalid_client', 'client is invalid');
  }

  const checked: CheckedLogout = {};
  if (clientId !== undefined) checked.clientId = clientId;
  if (params.post_logout_redirect_uri !== undefined) {
    if (!client) throw new LogoutRequestError('invalid_request', 'post_logout_redirect_uri requires id_token_hint or client_id');
    if (!client.postLogoutRedirectUriAllowed(params.post_logout_redirect_uri)) {
      throw new LogoutRequestError('invalid_request', 'post_logout_redirect_uri not registered');
    }
    const target = new URL(params.post_logout_redirect_uri);
    if (params.state !== undefined) target.searchParams.set('state', params.state);
    checked.redirectTo = target.href;
  }
  return checked;
}

/** One iframe of the front-channel logout page. */
export interface FrontchannelLogout {
  clientId: string;
  /** `frontchannel_logout_uri?iss=…&sid=…`. */
  url: string;
}

/** What ending the session did. */
export interface EndedSession {
  /** Whether the browser had a session with someone logged in. */
  hadSession: boolean;
  /** The iframes to render, one per client with a `frontchannel_logout_uri`. */
  frontchannel: FrontchannelLogout[];
}

/** Whether a grant holds only `openid`/`profile` (then it dies with the session). */
function onlyOpenidScopes(grant: any): boolean {
  const scopes: string[] = [];
  if (typeof grant.openid?.scope === 'string') scopes.push(...grant.openid.scope.split(' '));
  for (const value of Object.values((grant.resources ?? {}) as Record<string, string>)) {
    if (typeof value === 'string') scopes.push(...value.split(' '));
  }
  return scopes.filter((s) => s.length > 0).every((s) => OPENID_SCOPES.has(s));
}

/**
 * Ends the browser's SSO session (if any), clears its cookie and lists the front-channel
 * logouts. Call only after {@link checkLogoutRequest}.
 *
 * @param req,res the raw request (with `X-Forwarded-Proto/Host` of `PUBLIC_URL`, so the
 *   cookie's `Secure` flag is right) and response (the cleared cookie is set on it)
 * @param cookieOptions the session cookie's settings (`sessionCookieOptions`)
 */
export async function endSession(
  provider: Provider,
  issuer: string,
  req: IncomingMessage,
  res: ServerResponse,
  cookieOptions: Record<string, unknown>,
): Promise<EndedSession> {
  const ctx = provider.createContext(req, res);
  const cookieName: string = provider.cookieName('session');
  if (!ctx.cookies.get(cookieName)) return { hadSession: false, frontchannel: [] };
  const session = await provider.Session.get(ctx);
  const hadSession = typeof session.accountId === 'string' || session.ssoGroups !== undefined;
  const frontchannel: FrontchannelLogout[] = [];
  for (const [clientId, authorization] of Object.entries((session.authorizations ?? {}) as Record<string, { sid?: string; grantId?: string }>)) {
    const client = await provider.Client.find(clientId);
    const uri: unknown = client?.frontchannelLogoutUri ?? client?.frontchannel_logout_uri;
    if (typeof uri === 'string' && authorization.sid) {
      const url = new URL(uri);
      url.searchParams.set('iss', issuer);
      url.searchParams.set('sid', authorization.sid);
      frontchannel.push({ clientId, url: url.href });
    }
    if (authorization.grantId) {
      const grant = await provider.Grant.find(authorization.grantId);
      if (grant && onlyOpenidScopes(grant)) {
        await provider.RefreshToken.revokeByGrantId(authorization.grantId);
        await provider.AuthorizationCode.revokeByGrantId(authorization.grantId);
        await grant.destroy();
      }
    }
  }
  if (!session.new) await session.destroy();
  ctx.cookies.set(cookieName, null, cookieOptions);
  return { hadSession, frontchannel };
}
