/**
 * The relying-party kit: how a service Grunnmur hosts for citizens (MinProfil, the digital
 * mailbox) logs its users in through this Grunnmur's ID-porten, as any OpenID Connect relying
 * party would: a confidential `web` client (`client_secret_basic`), the authorization-code flow
 * with PKCE (S256), `state` and `nonce`, `acr_values`, through `openid-client`; server-side
 * sessions in the relying party's own tables (`rp-sessions.ts`), ID-porten's end session at
 * logout, and its front-channel logout.
 *
 * **Client registration.** At start the kit makes sure ID-porten knows the client
 * (`rp-client.ts`). The secret is read from the registration (at most {@link RP_CONFIG_TTL_MS}
 * old), so a process picks up a secret another process renewed.
 *
 * **Transport.** When ID-porten is served by this process, discovery, token and JWKS requests go
 * through Fastify's `inject` (no socket, works before the server listens and in tests);
 * otherwise over HTTP to `PUBLIC_URL`.
 *
 * **Step-up.** {@link RelyingParty.login} takes the level to ask for; ID-porten logs the user in
 * again when its SSO session is at a lower level than `acr_values` asks for (see ID-porten's
 * README, "acr_values"), so no `prompt=login` is needed.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_guide_idporten
 * @see https://openid.net/specs/openid-connect-frontchannel-1_0.html front-channel logout
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import * as oc from 'openid-client';
import { randomBytes } from 'node:crypto';
import { validateFodselsnummer } from '../../platform/identifiers/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { html } from '../../platform/ui/html.ts';
import type { Acr } from '../domain/types.ts';
import { idportenIssuer } from '../provider/create-provider.ts';
import { findIdportenClient } from '../store/clients-store.ts';
import { ensureRpClient, type RpClientRegistration } from './rp-client.ts';
import {
  checkCsrf,
  cookieKey,
  createSession,
  endSession,
  endSessionsOfSid,
  loadSession,
  purgeEnded,
  rememberGotoUrl,
  startLogin,
  takeLoginOf,
  wellFormedCookie,
  type NewRpSession,
  type RpErrors,
  type RpSession,
  type RpSessionContext,
} from './rp-sessions.ts';
import { ensureRpSecret, type RpTables } from './rp-store.ts';

/** How long a discovered configuration (and the secret read with it) is reused, in ms. */
export const RP_CONFIG_TTL_MS = 60_000;

/** What a relying party is. */
export interface RelyingPartyOptions {
  /** Name in log lines, e.g. `MinProfil`. */
  name: string;
  /** The registration wanted at ID-porten; `redirect_uris[0]` is the callback, `post_logout_redirect_uris[0]` the page after logout. */
  client: RpClientRegistration;
  /** Path prefix of the relying party's pages (the `Path` of its cookies), e.g. `/krr/minprofil`. */
  path: string;
  /** Prefix of its tables (made by `createRpTables` in its migrations), e.g. `krr_minprofil`. */
  tablePrefix: string;
  /** Names of its cookies: the login under way, and the session. */
  cookies: { login: string; session: string };
  /** Bound into its CSRF tokens, e.g. `krr-minprofil-form`. */
  csrfPurpose: string;
  /** Levels accepted in the ID token. */
  acceptedAcr: readonly Acr[];
  /** Its own error codes for the kit's three failures. */
  errors: RpErrors;
  /** Scopes asked for (default `openid profile`). */
  scope?: string;
  /** The clock, epoch ms (default `Date.now`). */
  now?: () => number;
  /** Logger (default the platform's). */
  log?: Logger;
}

/** What {@link RelyingParty.login} asks ID-porten for. */
export interface LoginRequest {
  /** `acr_values`: the lowest level wanted. */
  acr: Acr;
  /** Kept with the login and put on the session; the relying party decides what it means. */
  gotoUrl: string | null;
  /** `ui_locales`. */
  lang: string;
  /** `prompt` (e.g. `login` to force a new login); none by default. */
  prompt?: 'login';
}

/** A relying party at this Grunnmur's ID-porten (see the module comment). */
export interface RelyingParty {
  /** ID-porten's issuer, `<PUBLIC_URL>/idporten`. */
  readonly issuer: string;
  readonly clientId: string;
  /** Its tables. */
  readonly tables: RpTables;
  /**
   * ID-porten's configuration (discovery, client id and secret), kept {@link RP_CONFIG_TTL_MS}.
   *
   * @throws the relying party's `unavailable` error
   */
  configuration(): Promise<oc.Configuration>;
  /** Forgets the configuration (e.g. after `invalid_client`: the secret may have been renewed). */
  forget(): void;
  /** The live session of the request's session cookie, or undefined. */
  sessionOf(request: FastifyRequest): Promise<RpSession | undefined>;
  /** @throws the relying party's `csrfMismatch` error */
  checkCsrf(session: RpSession, posted: unknown): void;
  /** Keeps a (checked) `gotoUrl` on the session. */
  rememberGotoUrl(session: RpSession, gotoUrl: string): Promise<void>;
  /**
   * Starts a login: stores it (state, nonce, PKCE verifier) under a new login cookie and
   * answers 303 to ID-porten's authorization endpoint.
   *
   * @throws the relying party's `unavailable` error
   */
  login(reply: FastifyReply, request: LoginRequest): Promise<FastifyReply>;
  /**
   * Finishes a login at the callback: takes this browser's login under way (once), redeems the
   * code (PKCE, state, nonce, `iss`, ID-token signature), checks `pid` and `acr`, ends this
   * browser's earlier session, and sets the new session's cookie. The caller answers (a 303).
   *
   * @returns the new session (its `gotoUrl` is the login's)
   * @throws the relying party's `loginFailed` error, or `unavailable`
   */
  callback(request: FastifyRequest, reply: FastifyReply): Promise<RpSession>;
  /**
   * Logs out: ends the session (after its CSRF token, posted as `csrf`, is checked), clears the
   * session cookie, and gives ID-porten's end-session URL (with `id_token_hint` and the
   * post-logout redirect), or the local page after logout when there is no session or ID-porten
   * is unavailable. A wrong CSRF token changes nothing.
   *
   * @returns where to send the browser (303)
   * @throws the relying party's `csrfMismatch` error
   */
  logout(request: FastifyRequest, reply: FastifyReply, lang: string): Promise<string>;
  /** ID-porten's front-channel logout (`?iss&sid`): ends the sessions of `sid`; an empty page ID-porten alone may frame. */
  frontchannelLogout(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  /** Starts a session without a login (tests, and the callback); the cookie value. */
  createSession(s: NewRpSession, now?: number): Promise<string>;
  /** Deletes ended logins and sessions; how many rows went. */
  purgeEnded(now?: number): Promise<number>;
}

/** Request options of `openid-client` that `customFetch` receives. */
type FetchOptions = Parameters<oc.CustomFetch>[1];

/** A `fetch` for `openid-client` that answers through `app.inject` (same process, no socket). */
export function injectFetch(app: FastifyInstance, publicUrl: string): oc.CustomFetch {
  const origin = new URL(publicUrl).origin;
  return async (url: string, options: FetchOptions) => {
    const u = new URL(url);
    if (u.origin !== origin) return fetch(url, options as RequestInit);
    const headers = Object.fromEntries(new Headers(options.headers as ConstructorParameters<typeof Headers>[0]).entries());
    const body = options.body;
    const res = await app.inject({
      method: (options.method ?? 'GET') as 'GET',
      url: `${u.pathname}${u.search}`,
      headers,
      ...(body === undefined || body === null ? {} : { payload: typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : Buffer.from(body as ArrayBuffer) }),
    });
    const out = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    return new Response(res.statusCode === 204 || res.statusCode === 304 ? null : res.rawPayload, { status: res.statusCode, headers: out });
  };
}

/**
 * Builds a relying party: makes its CSRF key (shared by every process through its secrets
 * table) and registers its client at ID-porten (a failure is logged: login is then unavailable
 * until the next start).
 */
export async function createRelyingParty(app: FastifyInstance, platform: Platform, options: RelyingPartyOptions): Promise<RelyingParty> {
  const now = options.now ?? Date.now;
  const log = options.log ?? platform.log;
  const tables: RpTables = { db: platform.db.kysely, prefix: options.tablePrefix };
  const csrfKey = await ensureRpSecret(tables, 'csrf_key', () => randomBytes(32).toString('base64url'), now());
  const ctx: RpSessionContext = { tables, errors: options.errors, csrfKey, csrfPurpose: options.csrfPurpose };
  const clientId = options.client.client_id;
  try {
    const done = await ensureRpClient(platform, options.client, now());
    if (done !== 'unchanged') log.info(`${options.name}'s ID-porten client ${done}`);
  } catch (err) {
    log.warn({ err }, `${options.name} could not register its ID-porten client; login is unavailable`);
  }

  const issuer = idportenIssuer(platform.config);
  const local = platform.components.some((c) => c.name === 'idporten');
  const customFetch = local ? injectFetch(app, platform.config.PUBLIC_URL) : undefined;
  const insecure = issuer.startsWith('http:');
  const callbackUrl = options.client.redirect_uris[0]!;
  const loggedOutUrl = options.client.post_logout_redirect_uris?.[0];
  const loggedOutPath = loggedOutUrl ? new URL(loggedOutUrl).pathname : options.path;
  const cookieOptions = { path: options.path, httpOnly: true, sameSite: 'lax' as const, secure: platform.config.PUBLIC_URL.startsWith('https:') };
  const accepted = options.acceptedAcr as readonly string[];
  let cached: { config: oc.Configuration; until: number } | undefined;

  const rp: RelyingParty = {
    issuer,
    clientId,
    tables,
    forget: () => {
      cached = undefined;
    },
    async configuration() {
      if (cached && cached.until > Date.now()) return cached.config;
      let config: oc.Configuration;
      try {
        const client = await findIdportenClient(platform.db, clientId);
        if (!client?.active || client.client_secret === undefined) throw new Error(`${options.name} is not registered at ID-porten`);
        config = await oc.discovery(new URL(issuer), client.client_id, undefined, oc.ClientSecretBasic(client.client_secret), {
          ...(insecure ? { execute: [oc.allowInsecureRequests] } : {}),
          ...(customFetch ? { [oc.customFetch]: customFetch } : {}),
        });
      } catch (cause) {
        log.warn({ err: cause }, `${options.name}: ID-porten is not available`);
        throw options.errors.unavailable('ID-porten is not available right now. Try again later.', { cause });
      }
      if (customFetch) config[oc.customFetch] = customFetch;
      cached = { config, until: Date.now() + RP_CONFIG_TTL_MS };
      return config;
    },

    sessionOf: (request) => loadSession(ctx, request.cookies[options.cookies.session], now()),
    checkCsrf: (session, posted) => checkCsrf(ctx, session, posted),
    rememberGotoUrl: (session, gotoUrl) => rememberGotoUrl(tables, session, gotoUrl),
    createSession: (s, at = now()) => createSession(tables, s, at),
    purgeEnded: (at = now()) => purgeEnded(tables, at),

    async login(reply, request) {
      const config = await rp.configuration();
      const verifier = oc.randomPKCECodeVerifier();
      const state = oc.randomState();
      const nonce = oc.randomNonce();
      const cookie = await startLogin(tables, { state, nonce, code_verifier: verifier, goto_url: request.gotoUrl }, now());
      const authorize = oc.buildAuthorizationUrl(config, {
        redirect_uri: callbackUrl,
        scope: options.scope ?? 'openid profile',
        response_type: 'code',
        code_challenge: await oc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        acr_values: request.acr,
        ui_locales: request.lang,
        ...(request.prompt ? { prompt: request.prompt } : {}),
      });
      reply.setCookie(options.cookies.login, cookie, cookieOptions);
      return reply.header('cache-control', 'no-store').redirect(authorize.href, 303);
    },

    async callback(request, reply) {
      const query = request.query as Record<string, unknown>;
      reply.clearCookie(options.cookies.login, cookieOptions);
      const login = await takeLoginOf(ctx, request.cookies[options.cookies.login], query.state, now());
      if (typeof query.error === 'string') {
        throw options.errors.loginFailed(query.error === 'access_denied' ? 'The login was cancelled' : 'ID-porten answered with an error');
      }
      const config = await rp.configuration();
      const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      let tokens: Awaited<ReturnType<typeof oc.authorizationCodeGrant>>;
      try {
        tokens = await oc.authorizationCodeGrant(config, new URL(`${callbackUrl}${search}`), {
          pkceCodeVerifier: login.code_verifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
      } catch (cause) {
        if ((cause as { error?: string }).error === 'invalid_client') rp.forget();
        log.warn({ err: cause }, `${options.name}: the code could not be redeemed`);
        throw options.errors.loginFailed('The answer from ID-porten could not be verified', { cause });
      }
      const claims = tokens.claims();
      const pid = typeof claims?.pid === 'string' ? claims.pid : '';
      const acr = typeof claims?.acr === 'string' ? claims.acr : '';
      if (!validateFodselsnummer(pid).valid || !accepted.includes(acr)) {
        throw options.errors.loginFailed('The ID token has no valid pid or too low a level (acr)');
      }
      // A new login (e.g. a step-up) replaces this browser's earlier session.
      const earlier = wellFormedCookie(request.cookies[options.cookies.session]);
      if (earlier) await endSession(tables, cookieKey(earlier));
      const sid = typeof claims?.sid === 'string' ? claims.sid : null;
      const value = await createSession(tables, { pid, acr, idToken: tokens.id_token!, sid, gotoUrl: login.goto_url }, now());
      reply.setCookie(options.cookies.session, value, cookieOptions);
      return (await loadSession(ctx, value, now()))!;
    },

    async logout(request, reply, lang) {
      const session = await rp.sessionOf(request);
      if (session) {
        // A forged logout (another site's form) ends nothing, not even the cookie.
        checkCsrf(ctx, session, ((request.body ?? {}) as Record<string, unknown>).csrf);
        await endSession(tables, session.key);
      }
      reply.clearCookie(options.cookies.session, cookieOptions);
      if (!session) return loggedOutPath;
      if (!loggedOutUrl) return loggedOutPath;
      try {
        const config = await rp.configuration();
        return oc.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: loggedOutUrl, ui_locales: lang }).href;
      } catch {
        // ID-porten is unavailable (logged): the local session is ended all the same.
        return loggedOutPath;
      }
    },

    async frontchannelLogout(request, reply) {
      const query = request.query as Record<string, unknown>;
      if (query.iss === issuer && typeof query.sid === 'string' && query.sid.length > 0 && query.sid.length <= 200) {
        const ended = await endSessionsOfSid(tables, query.sid);
        if (ended > 0) log.debug({ ended }, `${options.name} sessions ended by front-channel logout`);
      }
      // Shown in an iframe of ID-porten's logout page (same origin as ID-porten's issuer).
      reply.removeHeader('x-frame-options');
      reply.header('content-security-policy', `default-src 'none'; frame-ancestors ${new URL(issuer).origin}`);
      return reply
        .code(200)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(html`<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Logget ut</title></head><body></body></html>`.value);
    },
  };
  return rp;
}
