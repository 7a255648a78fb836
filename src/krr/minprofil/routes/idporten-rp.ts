/**
 * MinProfil as an OpenID Connect relying party of this Grunnmur's ID-porten: a confidential
 * `web` client (`client_secret_basic`), server-side authorization-code flow with PKCE (S256),
 * `state` and `nonce`, `acr_values=idporten-loa-substantial`, through `openid-client`.
 *
 * **Client registration.** At start MinProfil makes sure ID-porten knows it as client
 * {@link MINPROFIL_CLIENT_ID} (owner Digdir, 991825827): redirect URI
 * `<PUBLIC_URL>/krr/minprofil/callback`, post-logout redirect `<PUBLIC_URL>/krr/minprofil/logget-ut`,
 * front-channel logout `<PUBLIC_URL>/krr/minprofil/frontchannel-logout` (with `sid`). It uses
 * ID-porten's exported domain functions (`createIdportenClient`, `checkIdportenClient`,
 * `updateIdportenClient`, `findIdportenClient`), as Digdir's servicedesk would register its own
 * service, so it works wherever ID-porten's tables are in the same database (one process, or
 * several on one PostgreSQL). A changed `PUBLIC_URL`, a deleted client or a secret with less
 * than 30 days left is set right at the next start. The secret is read from the registration
 * (at most {@link RP_CONFIG_TTL_MS} old), so a process picks up a secret another process
 * renewed.
 *
 * **Transport.** When ID-porten is served by this process, discovery, token and JWKS requests
 * go through Fastify's `inject` (no socket, works before the server listens and in tests);
 * otherwise over HTTP to `PUBLIC_URL`.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_guide_idporten
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as oc from 'openid-client';
import type { Platform } from '../../../platform/platform.ts';
import { AppError } from '../../../platform/errors.ts';
import {
  checkIdportenClient,
  CLIENT_SECRET_LIFETIME_S,
  createIdportenClient,
  findIdportenClient,
  idportenIssuer,
  updateIdportenClient,
  type IdportenClient,
  type IdportenClientInput,
} from '../../../idporten/index.ts';
import { DIGDIR_ORGNR } from '../../../registers/index.ts';
import { minprofilError } from '../errors.ts';
import { minprofilUrls } from '../paths.ts';

/** MinProfil's client id at ID-porten. */
export const MINPROFIL_CLIENT_ID = 'krr-minprofil';
/** The level MinProfil asks for. */
export const MINPROFIL_ACR = 'idporten-loa-substantial';
/** Levels MinProfil accepts in the ID token. */
export const ACCEPTED_ACR = ['idporten-loa-substantial', 'idporten-loa-high'] as const;
/** How long a discovered configuration (and the secret read with it) is reused, in ms. */
export const RP_CONFIG_TTL_MS = 60_000;
/** A secret with less than this left (ms) is renewed at start (30 days). */
const SECRET_RENEW_MS = 30 * 86_400_000;


/** The registration MinProfil wants at ID-porten. */
function wantedClient(publicUrl: string): IdportenClientInput {
  const urls = minprofilUrls(publicUrl);
  return {
    client_id: MINPROFIL_CLIENT_ID,
    client_name: 'MinProfil',
    display_name: 'Digitaliseringsdirektoratet',
    description: 'Kontakt- og reservasjonsregisteret: se og endre kontaktinformasjonen din',
    client_orgno: DIGDIR_ORGNR,
    client_uri: urls.base,
    application_type: 'web',
    redirect_uris: [urls.callback],
    post_logout_redirect_uris: [urls.loggedOut],
    frontchannel_logout_uri: urls.frontchannel,
    frontchannel_logout_session_required: true,
    scopes: ['openid', 'profile'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Makes sure ID-porten has MinProfil's client, as wanted for this `PUBLIC_URL`.
 *
 * @returns what was done
 * @throws AppError from ID-porten's registry (`IDPORTEN_INVALID_CLIENT` when `PUBLIC_URL` is
 *   plain http outside test mode), or a database error when ID-porten's tables are absent
 */
export async function ensureMinprofilClient(platform: Platform, now: number = Date.now()): Promise<'created' | 'updated' | 'unchanged'> {
  const mode = platform.config.GRUNNMUR_MODE;
  const wanted = wantedClient(platform.config.PUBLIC_URL);
  const existing = await findIdportenClient(platform.db, MINPROFIL_CLIENT_ID);
  if (!existing) {
    try {
      await createIdportenClient(platform.db, wanted, { mode, now });
      return 'created';
    } catch (err) {
      // Another process registered it first.
      if (err instanceof AppError && err.code === 'IDPORTEN_CLIENT_EXISTS') return 'unchanged';
      throw err;
    }
  }
  const secretEnding = existing.client_secret_expires_at !== undefined && existing.client_secret_expires_at * 1000 - now < SECRET_RENEW_MS;
  const current =
    existing.active &&
    existing.client_secret !== undefined &&
    !secretEnding &&
    sameList(existing.redirect_uris, wanted.redirect_uris) &&
    sameList(existing.post_logout_redirect_uris, wanted.post_logout_redirect_uris ?? []) &&
    existing.frontchannel_logout_uri === wanted.frontchannel_logout_uri &&
    existing.client_uri === wanted.client_uri;
  if (current) return 'unchanged';
  const checked = checkIdportenClient(wanted, { mode, now, current: existing });
  const renewed: IdportenClient = { ...checked, active: true };
  if (secretEnding || renewed.client_secret === undefined) {
    // Digdir's form: 43 random base64url characters, living CLIENT_SECRET_LIFETIME_S.
    renewed.client_secret = randomBytes(32).toString('base64url');
    renewed.client_secret_expires_at = Math.floor(now / 1000) + CLIENT_SECRET_LIFETIME_S;
  }
  await updateIdportenClient(platform.db, renewed);
  return 'updated';
}

/** Request options of `openid-client` that `customFetch` receives. */
type FetchOptions = Parameters<oc.CustomFetch>[1];

/** A `fetch` for `openid-client` that answers through `app.inject` (same process, no socket). */
function injectFetch(app: FastifyInstance, publicUrl: string): oc.CustomFetch {
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

/** MinProfil's view of ID-porten: its OIDC configuration, discovered and kept for a while. */
export interface MinprofilRp {
  /** The issuer, `<PUBLIC_URL>/idporten`. */
  readonly issuer: string;
  /**
   * The configuration (discovery, client id and secret).
   *
   * @throws AppError `MINPROFIL_IDPORTEN_UNAVAILABLE` (503)
   */
  configuration(): Promise<oc.Configuration>;
  /** Forgets the configuration (e.g. after `invalid_client`: the secret may have been renewed). */
  forget(): void;
}

/** The relying party of this process. */
export function minprofilRp(app: FastifyInstance, platform: Platform): MinprofilRp {
  const issuer = idportenIssuer(platform.config);
  const local = platform.components.some((c) => c.name === 'idporten');
  const customFetch = local ? injectFetch(app, platform.config.PUBLIC_URL) : undefined;
  const insecure = issuer.startsWith('http:');
  let cached: { config: oc.Configuration; until: number } | undefined;
  return {
    issuer,
    forget: () => {
      cached = undefined;
    },
    async configuration() {
      if (cached && cached.until > Date.now()) return cached.config;
      let config: oc.Configuration;
      try {
        const client = await findIdportenClient(platform.db, MINPROFIL_CLIENT_ID);
        if (!client?.active || client.client_secret === undefined) throw new Error('MinProfil is not registered at ID-porten');
        config = await oc.discovery(new URL(issuer), client.client_id, undefined, oc.ClientSecretBasic(client.client_secret), {
          ...(insecure ? { execute: [oc.allowInsecureRequests] } : {}),
          ...(customFetch ? { [oc.customFetch]: customFetch } : {}),
        });
      } catch (cause) {
        platform.log.warn({ err: cause }, 'MinProfil: ID-porten is not available');
        throw minprofilError('MINPROFIL_IDPORTEN_UNAVAILABLE', 'ID-porten is not available right now. Try again later.', { cause });
      }
      if (customFetch) config[oc.customFetch] = customFetch;
      cached = { config, until: Date.now() + RP_CONFIG_TTL_MS };
      return config;
    },
  };
}
