/**
 * The `oidc-provider` instance behind ID-porten, configured with Digdir's semantics:
 * code flow only, PKCE S256 unless the client opted out, `state` and `nonce` required, `iss` in
 * the authorization response, PAR with 120 s `request_uri`s, pairwise `sub`, `pid`/`acr`/`amr`/
 * `locale` in the ID token, JWT access tokens with Digdir's claims, per-client lifetimes, and
 * every artefact in the database.
 *
 * @see spec §1 "ID-porten protocol facts"; oidc-provider docs/README.md "Configuration options"
 */
import { errors, interactionPolicy, Provider, type KoaContextWithOIDC } from 'oidc-provider';
import type { JWK } from 'jose';
import type { Platform } from '../../platform/platform.ts';
import { unexpiredKeys } from '../domain/clients.ts';
import { ACR_VALUES, type Acr, type IdportenClient } from '../domain/types.ts';
import { findGrantContext, oidcDbAdapter, saveGrantContext } from '../store/payloads-store.ts';
import { pairwiseSub } from './pairwise.ts';
import { renderProviderError } from '../views/error-page.ts';
import { renderLoggedOutPage } from '../views/logout-page.ts';
import { introspectionAllowed, finishIntrospection } from './introspection.ts';
import { OPENID_SCOPES, type ScopeRegistry } from './scope-registry.ts';
import { enterSsoSession, extendSessionPayload, sessionTtl, ssoGroupOf, touchSsoSession } from './sso-session.ts';

/** Where ID-porten is served. */
export const IDPORTEN_PATH = '/idporten';

/**
 * The usage counter of logins: component `idporten`, event `login`, one per authorization code
 * issued (a successful authorization, with a login or by SSO), counted with the code.
 */
export const LOGIN_STATS_EVENT = 'login';

/**
 * Endpoint paths under {@link IDPORTEN_PATH}, as close to the real ones as oidc-provider allows
 * (`https://idporten.no/token`, `/par`, `/jwks.json`, `https://login.idporten.no/authorize`,
 * `/logout`). Introspection: `/token/introspect`, the default of the Connect2id server that the
 * new ID-porten runs on (Digdir does not document the path; the old platform used `/tokeninfo`).
 */
export const PROVIDER_ROUTES = {
  authorization: '/authorize',
  token: '/token',
  pushed_authorization_request: '/par',
  userinfo: '/userinfo',
  jwks: '/jwks.json',
  end_session: '/logout',
  revocation: '/revoke',
  introspection: '/token/introspect',
} as const;

/** `resource` of access tokens when the client asked for none; their `aud` is then `"unspecified"`. */
export const UNSPECIFIED_RESOURCE = 'urn:grunnmur:idporten:unspecified';

/** Lifetime of a pushed authorization request's `request_uri`, in seconds (Digdir: 120). */
export const PAR_LIFETIME_S = 120;
/** Lifetime of an authorization code, in seconds. */
export const AUTHORIZATION_CODE_LIFETIME_S = 60;
/** Lifetime of an ID token, in seconds. */
export const ID_TOKEN_LIFETIME_S = 120;
/** Longest SSO session, in seconds (spec §1: 120 min maximum). */
export { SESSION_MAX_LIFETIME_S, SSO_INACTIVITY_S } from './sso-session.ts';
/** How long a login page may be left open before the login is gone, in seconds. */
export const INTERACTION_LIFETIME_S = 1800;
/** UI locales ID-porten accepts in `ui_locales` (and gives as `locale`). */
export const UI_LOCALES = ['nb', 'nn', 'en', 'se'] as const;
export { INTROSPECTION_SCOPE } from './introspection.ts';

/** Extra client metadata Grunnmur keeps on each client (Digdir's fields oidc-provider has no name for). */
const EXTRA_CLIENT_METADATA = [
  'client_orgno',
  'integration_type',
  'frontchannel_logout_uri',
  'frontchannel_logout_session_required',
  'authorization_lifetime',
  'access_token_lifetime',
  'refresh_token_lifetime',
  'sso_disabled',
  'code_challenge_method',
  'idporten_scopes',
] as const;

/** The ID-porten issuer: `<PUBLIC_URL>/idporten`, without a trailing slash like `https://idporten.no`. */
export function idportenIssuer(config: { PUBLIC_URL: string }): string {
  return `${config.PUBLIC_URL}${IDPORTEN_PATH}`;
}

/** What the provider needs besides the platform. */
export interface ProviderSecrets {
  /** Cookie signing keys, newest first, shared by every process. */
  cookieKeys: string[];
  /** Salt of the pairwise `sub`, shared by every process. */
  pairwiseSalt: string;
}

/** What the provider reads from other components. */
export interface ProviderDeps {
  /** Maskinporten's scope registry (`at_max_age`, `enforced_aud_for_introspection`); without it no scope caps and no API-scope introspection. */
  scopes?: ScopeRegistry;
}

/** Epoch seconds now (oidc-provider's clock: `Date.now`). */
function epochNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** The access token's lifetime when the scope registry has never been read and API scopes are asked for, in seconds. */
export const UNKNOWN_SCOPE_CAP_S = 120;

/**
 * Lifetime of an access token, in seconds: the client's `access_token_lifetime`, capped by the
 * lowest `at_max_age` of its scopes (ID-porten's own `openid`/`profile` have none). When the
 * registry was never read, API scopes are capped at {@link UNKNOWN_SCOPE_CAP_S}.
 *
 * @see spec §1 "Lifetimes"
 */
export function accessTokenLifetime(clientLifetimeS: number, scope: string | undefined, scopes: ScopeRegistry | undefined): number {
  const names = [...scopeSet(scope)];
  let lifetime = clientLifetimeS;
  if (scopes && names.some((n) => !OPENID_SCOPES.has(n))) {
    const cap = scopes.loaded ? scopes.atMaxAge(names) : UNKNOWN_SCOPE_CAP_S;
    if (cap !== undefined) lifetime = Math.min(lifetime, cap);
  }
  return Math.max(1, lifetime);
}

/** The settings of the long-lived (session) cookie; also used to clear it at logout. */
export function sessionCookieOptions(config: { PUBLIC_URL: string }): Record<string, unknown> {
  return { httpOnly: true, sameSite: 'lax', secure: new URL(config.PUBLIC_URL).protocol === 'https:' };
}

/**
 * Maps a stored client to oidc-provider client metadata; deactivated clients do not exist for
 * the provider.
 */
export function toProviderMetadata(client: IdportenClient): Record<string, unknown> | undefined {
  if (!client.active) return undefined;
  return {
    client_id: client.client_id,
    client_name: client.client_name,
    ...(client.client_secret !== undefined ? { client_secret: client.client_secret } : {}),
    // oidc-provider refuses an expired secret at the token endpoint (invalid_client); secrets live 360 days.
    ...(client.client_secret !== undefined && client.client_secret_expires_at !== undefined ? { client_secret_expires_at: client.client_secret_expires_at } : {}),
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris,
    grant_types: client.grant_types,
    response_types: ['code'],
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    // Expired keys (their exp passed) no longer authenticate the client.
    ...(client.jwks !== undefined ? { jwks: { keys: unexpiredKeys(client.jwks.keys, Date.now()) } } : {}),
    application_type: client.application_type === 'native' ? 'native' : 'web',
    // oidc-provider checks the OpenID scopes (openid, profile) against this list; API scopes
    // are checked against the resource server (getResourceServerInfo).
    scope: client.scopes.filter((s) => s === 'openid' || s === 'profile').join(' '),
    idporten_scopes: client.scopes,
    client_orgno: client.client_orgno,
    integration_type: client.integration_type,
    ...(client.frontchannel_logout_uri !== undefined ? { frontchannel_logout_uri: client.frontchannel_logout_uri } : {}),
    frontchannel_logout_session_required: client.frontchannel_logout_session_required,
    authorization_lifetime: client.authorization_lifetime,
    access_token_lifetime: client.access_token_lifetime,
    refresh_token_lifetime: client.refresh_token_lifetime,
    sso_disabled: client.sso_disabled,
    code_challenge_method: client.code_challenge_method,
  };
}

/** One of Grunnmur's extra metadata values of an oidc-provider client instance. */
export function clientExtra<T = unknown>(client: any, name: (typeof EXTRA_CLIENT_METADATA)[number]): T {
  const camel = name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return (client?.[camel] ?? client?.[name]) as T;
}

/** Rank of a level of assurance (higher is stronger). */
export function acrRank(acr: string | undefined): number {
  return acr === undefined ? -1 : ACR_VALUES.indexOf(acr as Acr);
}

/**
 * The lowest level the request accepts, from `acr_values` (a space-separated list of acceptable
 * levels); undefined when it names none.
 */
export function requiredAcr(acrValues: unknown): Acr | undefined {
  if (typeof acrValues !== 'string' || acrValues.trim() === '') return undefined;
  const listed = acrValues.split(' ').filter((v): v is Acr => ACR_VALUES.includes(v as Acr));
  listed.sort((a, b) => acrRank(a) - acrRank(b));
  return listed[0];
}

/** The `locale` of a login: the first of `ui_locales` ID-porten supports, else `nb`. */
export function localeFrom(uiLocales: unknown): string {
  if (typeof uiLocales !== 'string') return 'nb';
  for (const tag of uiLocales.split(' ')) {
    const primary = tag.toLowerCase().split('-')[0];
    if ((UI_LOCALES as readonly string[]).includes(primary ?? '')) return primary!;
    if (primary === 'no') return 'nb';
  }
  return 'nb';
}

/** The scopes of a space-separated scope string. */
function scopeSet(scope: unknown): Set<string> {
  return new Set(typeof scope === 'string' ? scope.split(' ').filter((s) => s.length > 0) : []);
}

/**
 * Builds the provider.
 *
 * @param platform the platform (database, config, logger)
 * @param signingJwk the issuer's current private signing JWK (from `KeyStore.exportPrivateJwk`)
 * @param secrets cookie keys and pairwise salt shared by every process
 */
export function createIdportenProvider(platform: Platform, signingJwk: JWK, secrets: ProviderSecrets, deps: ProviderDeps = {}): Provider {
  const { config, db } = platform;
  const issuer = idportenIssuer(config);
  const publicUrl = new URL(config.PUBLIC_URL);
  const alg = signingJwk.alg ?? 'RS256';
  const sub = (pid: string, clientId: string): string => pairwiseSub(pid, clientId, secrets.pairwiseSalt);

  // --- the login prompt: Digdir's step-up -------------------------------------------------
  const { Check, base } = interactionPolicy as any;
  const policy = base();
  const login = policy.get('login');
  login.checks.push(
    // A session at a lower level than acr_values asks for: log in again (step-up).
    new Check('acr_too_low', 'the session is at a lower level of assurance than requested', (ctx: KoaContextWithOIDC) => {
      const wanted = requiredAcr(ctx.oidc.params.acr_values);
      if (wanted === undefined || ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      return acrRank(ctx.oidc.session.acr) >= acrRank(wanted) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );

  const configuration: Record<string, unknown> = {
    adapter: oidcDbAdapter(
      db,
      toProviderMetadata,
      { PushedAuthorizationRequest: PAR_LIFETIME_S },
      // Usage statistics (issue 8): a login is an authorization code issued at the end of a
      // successful authorization (also by SSO), counted in the transaction that stores the code.
      { AuthorizationCode: (trx) => platform.stats.increment('idporten', LOGIN_STATS_EVENT, 1, { executor: trx }) },
    ),
    clients: [],
    jwks: { keys: [signingJwk] },
    acrValues: [...ACR_VALUES],
    // acr, amr and auth_time ride on the openid scope so the ID token always has them.
    claims: {
      openid: ['sub', 'pid', 'locale', 'acr', 'amr', 'auth_time'],
      profile: ['pid', 'locale'],
      sid: null,
      iss: null,
    },
    scopes: ['openid', 'profile'],
    // ID-porten puts pid and locale in the ID token, also in the code flow.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    subjectTypes: ['public'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: alg,
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    clockTolerance: 10,
    cookies: {
      keys: secrets.cookieKeys,
      names: { session: '_idporten_session', interaction: '_idporten_interaction', resume: '_idporten_resume' },
      long: sessionCookieOptions(config),
      short: { httpOnly: true, sameSite: 'lax', secure: publicUrl.protocol === 'https:' },
    },
    discovery: {
      ui_locales_supported: [...UI_LOCALES],
      claims_locales_supported: undefined,
      // Front-channel logout is Grunnmur's own (routes/logout-routes.ts), so oidc-provider does
      // not announce it (OpenID Connect Front-Channel Logout 1.0 §3).
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
    },
    // Client assertions (private_key_jwt) with the keys the client registry accepts: RSA only.
    enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS384', 'RS512'] },
    extraClientMetadata: { properties: [...EXTRA_CLIENT_METADATA] },
    // Checked at /authorize and /par after the client and redirect URI are known, so a failure
    // goes back to the client as an OAuth error (RFC 6749 §4.1.2.1).
    extraParams: {
      state: async (ctx: KoaContextWithOIDC, value: unknown) => {
        if (typeof value !== 'string' || value.length === 0) throw new errors.InvalidRequest("missing required parameter 'state'");
      },
      nonce: async (ctx: KoaContextWithOIDC, value: unknown) => {
        if (typeof value !== 'string' || value.length === 0) throw new errors.InvalidRequest("missing required parameter 'nonce'");
      },
      // oidc-provider checks only openid/profile against the client; an API scope the client is
      // not registered for would be dropped from the token without a word. ID-porten refuses it.
      scope: async (_ctx: KoaContextWithOIDC, value: unknown, client: any) => {
        if (value === undefined) return;
        const registered = new Set(clientExtra<string[]>(client, 'idporten_scopes') ?? []);
        const unknown = String(value)
          .split(' ')
          .filter((s) => s !== '' && !OPENID_SCOPES.has(s) && s !== 'offline_access' && !registered.has(s));
        if (unknown.length > 0) throw new errors.InvalidScope(`scope not registered for this client: ${unknown.join(' ')}`, unknown[0]);
      },
      acr_values: async (ctx: KoaContextWithOIDC, value: unknown) => {
        if (value === undefined) return;
        const unknown = String(value)
          .split(' ')
          .filter((v) => !ACR_VALUES.includes(v as Acr));
        if (unknown.length > 0) {
          throw new errors.InvalidRequest(`acr_values not supported: ${unknown.join(' ')} (supported: ${ACR_VALUES.join(' ')})`);
        }
      },
      // Not a check of ui_locales: the last extraParams validator is the one hook oidc-provider
      // offers at /authorize after the client and parameters are checked and before the account
      // is loaded from the session; there the SSO session is applied (sso-session.ts).
      ui_locales: async (ctx: KoaContextWithOIDC, _value: unknown, client: any) => {
        if (ctx.oidc.route !== 'authorization' || !ctx.oidc.session) return;
        enterSsoSession(ctx.oidc.session, ssoGroupOf(client.clientId, clientExtra<boolean>(client, 'sso_disabled') === true), epochNow());
      },
    },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      claimsParameter: { enabled: false },
      introspection: {
        enabled: true,
        // The token's scopes must name the caller (enforced_aud_for_introspection); that the
        // caller holds idporten:token.introspection is checked around the endpoint
        // (finishIntrospection), so a caller without it gets 403, not active: false.
        allowedPolicy: async (_ctx: KoaContextWithOIDC, caller: any, token: any) =>
          introspectionAllowed(deps.scopes, caller.clientId, { client_id: token.clientId, scope: token.scope }),
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // GET|POST /logout is Grunnmur's own route (routes/logout-routes.ts: checks, front-channel
      // logout page). oidc-provider's /logout/confirm stays for its own use: when a different
      // person logs in on a browser with a session, it ends that session first.
      rpInitiatedLogout: {
        enabled: true,
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = renderLoggedOutPage(ctx);
        },
      },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string[]) => oneOf ?? UNSPECIFIED_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx: KoaContextWithOIDC, resource: string, client: any) => {
          // Any resource may be named (Digdir does not register resource servers for ID-porten
          // tokens); the token's scopes are the client's registered API scopes that were asked for.
          const registered = clientExtra<string[]>(client, 'idporten_scopes') ?? [];
          const apiScopes = registered.join(' ');
          // ttl.AccessToken is synchronous: read the scopes' at_max_age before the token is made.
          if (deps.scopes && ctx?.oidc?.route === 'token') await deps.scopes.prime(registered);
          return {
            scope: apiScopes,
            audience: resource === UNSPECIFIED_RESOURCE ? 'unspecified' : resource,
            accessTokenTTL: clientExtra<number>(client, 'access_token_lifetime'),
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          };
        },
      },
    },
    extraTokenClaims: async (ctx: KoaContextWithOIDC, token: any) => {
      if (token.kind !== 'AccessToken') return undefined;
      const client = token.client ?? ctx.oidc.client;
      const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
      return {
        client_amr: client.clientAuthMethod,
        consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${clientExtra<string>(client, 'client_orgno')}` },
        ...(token.accountId ? { pid: token.accountId } : {}),
        ...(source?.acr ? { acr: source.acr } : {}),
      };
    },
    pairwiseIdentifier: async (_ctx: KoaContextWithOIDC, accountId: string, client: any) => sub(accountId, client.clientId),
    // Tokens with only openid/profile die with the session at logout; others live on (spec §1).
    expiresWithSession: async (_ctx: KoaContextWithOIDC, code: any) => [...scopeSet(code.scope)].every((s) => s === 'openid' || s === 'profile'),
    // Refresh tokens to clients registered with refresh_token, without offline_access.
    issueRefreshToken: async (_ctx: KoaContextWithOIDC, client: any) => client.grantTypeAllowed('refresh_token'),
    // Every use gives a new refresh token: refresh_token_lifetime works as an inactivity limit.
    rotateRefreshToken: true,
    pkce: { required: (_ctx: KoaContextWithOIDC, client: any) => clientExtra(client, 'code_challenge_method') !== 'none' },
    routes: PROVIDER_ROUTES,
    ttl: {
      AccessToken: (_ctx: KoaContextWithOIDC, token: any, client: any) =>
        accessTokenLifetime(token.resourceServer?.accessTokenTTL ?? clientExtra<number>(client, 'access_token_lifetime') ?? 120, token.scope, deps.scopes),
      AuthorizationCode: AUTHORIZATION_CODE_LIFETIME_S,
      IdToken: ID_TOKEN_LIFETIME_S,
      RefreshToken: (ctx: KoaContextWithOIDC, token: any, client: any) => {
        const inactivity = clientExtra<number>(client, 'refresh_token_lifetime') ?? 600;
        // Never past the grant (authorization_lifetime).
        const grant = ctx?.oidc?.entities?.Grant;
        const grantLeft = grant?.exp ? grant.exp - Math.floor(Date.now() / 1000) : inactivity;
        return Math.max(1, Math.min(inactivity, grantLeft));
      },
      Grant: (_ctx: KoaContextWithOIDC, _grant: unknown, client: any) => clientExtra<number>(client, 'authorization_lifetime') ?? 7200,
      // Until the inactivity deadline or the newest login's maximum (sso-session.ts).
      Session: (_ctx: KoaContextWithOIDC, session: any) => sessionTtl(session, epochNow()),
      Interaction: INTERACTION_LIFETIME_S,
    },
    interactions: {
      url: async (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `${config.PUBLIC_URL}${IDPORTEN_PATH}/login/${interaction.uid}`,
      policy,
    },
    findAccount: async (ctx: KoaContextWithOIDC, id: string) => ({
      accountId: id,
      async claims() {
        const grantId: string | undefined =
          ctx.oidc.entities.Grant?.jti ??
          ctx.oidc.entities.AuthorizationCode?.grantId ??
          ctx.oidc.entities.RefreshToken?.grantId ??
          ctx.oidc.entities.AccessToken?.grantId;
        const context = grantId ? await findGrantContext(db, grantId) : undefined;
        // sub is made pairwise by oidc-provider (pairwiseIdentifier), per client.
        return { sub: id, pid: id, locale: context?.locale ?? 'nb' };
      },
    }),
    // ID-porten has no consent screen: the grant covers what the client asked for and may ask for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const clientId: string = oidc.client.clientId;
      const grantId: string | undefined = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(clientId);
      const found = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      // A grant of another person (an earlier sign-in of this session's SSO group ended and
      // someone else logged in) is not reused.
      const grant = found && found.accountId === oidc.session.accountId ? found : new oidc.provider.Grant({ clientId, accountId: oidc.session.accountId });
      // The session was used by an authentication request now (30 min inactivity, sso-session.ts).
      touchSsoSession(oidc.session, ssoGroupOf(clientId, clientExtra<boolean>(oidc.client, 'sso_disabled') === true), epochNow());
      const requested = scopeSet(oidc.params.scope);
      const openidScopes = [...requested].filter((s) => s === 'openid' || s === 'profile');
      if (openidScopes.length > 0) grant.addOIDCScope(openidScopes.join(' '));
      for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {}) as Array<[string, { scopes: Set<string> }]>) {
        const scopes = [...requested].filter((s) => server.scopes.has(s));
        if (scopes.length > 0) grant.addResourceScope(indicator, scopes.join(' '));
      }
      const id = await grant.save();
      const lifetime = clientExtra<number>(oidc.client, 'authorization_lifetime') ?? 7200;
      await saveGrantContext(db, id, { locale: localeFrom(oidc.params.ui_locales) }, lifetime);
      return grant;
    },
    renderError: async (ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }, error: unknown) => {
      renderProviderError(ctx, out, error, platform);
    },
  };

  const provider = new Provider(issuer, configuration);
  extendSessionPayload(provider);
  // The mount (routes/provider-routes.ts) sets X-Forwarded-Proto/-Host from PUBLIC_URL and
  // X-Forwarded-For from Fastify's request.ip (which honours TRUST_PROXY).
  provider.proxy = true;

  // Every client is pairwise (Digdir: sub per client). oidc-provider would demand a
  // sector_identifier_uri for clients whose redirect URIs are on several hosts, which Digdir
  // does not have; the clients are therefore registered as `public` and report `pairwise` here
  // (a setter that ignores the schema's value, and a getter), so oidc-provider applies
  // pairwiseIdentifier to the ID token, the access token and id_token_hint checks.
  Object.defineProperty(provider.Client.prototype, 'subjectType', {
    configurable: true,
    get: () => 'pairwise',
    set: () => {},
  });

  // sid in the ID token only for clients registered with frontchannel_logout_session_required
  // (oidc-provider ties it to back-channel logout, which ID-porten does not have).
  provider.Client.prototype.includeSid = function includeSid(this: any): boolean {
    return clientExtra<boolean>(this, 'frontchannel_logout_session_required') === true;
  };

  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route as string | undefined;
    if (route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      const body = ctx.body as Record<string, unknown>;
      // The sub is pairwise for every client (computed per client, see pairwise.ts).
      body.subject_types_supported = ['pairwise'];
      // Introspection callers must authenticate (they need idporten:token.introspection).
      body.introspection_endpoint_auth_methods_supported = (body.token_endpoint_auth_methods_supported as string[]).filter((m) => m !== 'none');
    } else if (route === 'pushed_authorization_request' && ctx.status === 201 && ctx.body && typeof ctx.body === 'object') {
      (ctx.body as Record<string, unknown>).expires_in = PAR_LIFETIME_S;
    } else if (route === 'introspection') {
      await finishIntrospection(ctx, { platform, issuer, scopes: deps.scopes });
    }
  });
  provider.on('server_error', (_ctx: unknown, err: unknown) => platform.log.error({ err, component: 'idporten' }, 'oidc-provider server error'));
  return provider;
}
