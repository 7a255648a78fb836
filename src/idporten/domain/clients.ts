/**
 * ID-porten client registrations: Digdir's rules for a new client. The admin API
 * (`/idporten/clients`, built on top of this) and `grunnmur client create` call these; the
 * provider reads the stored clients through its adapter on every request.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_func_clientreg (spec §1 "Client registration")
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { checkClientJwks, ClientJwksError, MAX_CLIENT_KEYS } from '../../platform/auth/index.ts';
import type { Database } from '../../platform/db/database.ts';
import { validateOrganisasjonsnummer } from '../../platform/identifiers/index.ts';
import { idportenError } from '../errors.ts';
import { findIdportenClient, findKidOwners, insertIdportenClient, isUniqueViolation } from '../store/clients-store.ts';
import {
  APPLICATION_TYPES,
  CLIENT_SECRET_LIFETIME_S,
  DEFAULT_LIFETIMES,
  IDPORTEN_GRANT_TYPES,
  IDPORTEN_INTEGRATION_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type ApplicationType,
  type IdportenClient,
  type IdportenGrantType,
  type IdportenIntegrationType,
  type TokenEndpointAuthMethod,
} from './types.ts';

/** At most this many keys in a client's JWKS (Digdir's limit; the kernel's key rules). */
export { MAX_CLIENT_KEYS };
/** Longest `authorization_lifetime`, in seconds (one year). */
export const MAX_AUTHORIZATION_LIFETIME_S = 365 * 86_400;
/** Longest `access_token_lifetime`, in seconds (2 h). */
export const MAX_ACCESS_TOKEN_LIFETIME_S = 7200;
/** Shortest accepted client secret, in characters. */
export const MIN_CLIENT_SECRET_LENGTH = 32;

/** What a caller gives to create a client; everything but name and orgno has a default. */
export interface IdportenClientInput {
  /** Default: a new UUID (Digdir assigns it). Letters, digits and `._:-`, at most 255. */
  client_id?: string;
  client_name: string;
  client_orgno: string;
  /** `idporten` (default) or `api_klient`; cannot change. */
  integration_type?: string;
  /** Name shown on the login pages; at most 200 characters. */
  display_name?: string | null;
  /** Free text; at most 2000 characters. */
  description?: string | null;
  /** The service's home page (absolute http(s) URL). */
  client_uri?: string | null;
  /** Default `web`. */
  application_type?: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  frontchannel_logout_uri?: string;
  frontchannel_logout_session_required?: boolean;
  /** Default `["openid", "profile"]`; `openid` is added when missing. */
  scopes?: string[];
  /** Default `["authorization_code"]`. */
  grant_types?: string[];
  /** Default `client_secret_basic`. */
  token_endpoint_auth_method?: string;
  /** For the client_secret methods; default: 43 random base64url characters. Lives 360 days. */
  client_secret?: string;
  /**
   * For `private_key_jwt`: 1–5 public RSA keys, each with a `kid` unique across all clients (the
   * kernel's key rules, `platform/auth/client-jwks.ts`); stored with `exp` (default one year).
   */
  jwks?: { keys: Array<JWK | Record<string, unknown>> };
  authorization_lifetime?: number;
  access_token_lifetime?: number;
  refresh_token_lifetime?: number;
  sso_disabled?: boolean;
  /** `S256` (default) or `none` (opt out of PKCE). */
  code_challenge_method?: string;
}

/** Options of {@link createIdportenClient}. */
export interface CreateIdportenClientOptions {
  /** `test` allows `http://localhost` (and 127.0.0.1 / [::1]) redirect URIs, like Digdir's TEST. */
  mode: 'test' | 'production';
  /** Epoch ms of `created` (default now). */
  now?: number;
  /**
   * The registration being replaced (PUT): its `client_id`, `client_orgno`, `integration_type`
   * and `created` stay; its secret stays while the method is a secret method (Digdir: "secret is
   * not reset by changes, but removed when the method changes to something other than
   * client_secret_*"); its keys stay while the method is `private_key_jwt` and no `jwks` is given.
   */
  current?: IdportenClient;
}

/** One broken rule of a registration. */
export interface ClientProblem {
  field: string;
  message: string;
}

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,255}$/;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,255}$/;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks a new client against Digdir's rules and stores it.
 *
 * Rules: `client_orgno` a valid organisasjonsnummer; `integration_type` `idporten`; redirect
 * URIs absolute, without fragment, `https` (plain `http` only to localhost in test mode; other
 * schemes only for `native` apps), at least one; `post_logout_redirect_uris` and
 * `frontchannel_logout_uri` likewise, the latter on the host of a redirect URI; grant types
 * `authorization_code` (required) and `refresh_token`; `none` authentication only for `browser`
 * and `native` clients; a secret only with the secret methods (at least 32 characters); 1–5
 * public keys with `kid` only with `private_key_jwt`; lifetimes positive integers (access ≤ 7200 s,
 * authorization ≤ 1 year, refresh ≤ authorization).
 *
 * @returns the stored client, with its `client_secret` when one was generated
 * @throws AppError `IDPORTEN_INVALID_CLIENT` (400) with `extra.problems` [{field, message}];
 *   `IDPORTEN_CLIENT_EXISTS` (409) when `client_id` is taken. Nothing is written on error.
 * @see spec §1 "Client registration"
 */
export async function createIdportenClient(
  db: Database,
  input: IdportenClientInput,
  options: CreateIdportenClientOptions,
): Promise<IdportenClient> {
  return storeNewIdportenClient(db, checkIdportenClient(input, options));
}

/**
 * Stores a checked new client (with its `kid`s).
 *
 * @throws AppError `IDPORTEN_CLIENT_EXISTS` (409), `IDPORTEN_KID_IN_USE` (409). Nothing is
 *   written on error.
 */
export async function storeNewIdportenClient(db: Database, client: IdportenClient): Promise<IdportenClient> {
  await checkKidsFree(db, client);
  let inserted: boolean;
  try {
    inserted = await insertIdportenClient(db, client);
  } catch (err) {
    // A concurrent registration took one of the kids between the check and the insert.
    if (isUniqueViolation(err)) throw kidInUse(kidsOf(client));
    throw err;
  }
  if (!inserted) throw idportenError('IDPORTEN_CLIENT_EXISTS', `A client with client_id ${client.client_id} already exists`);
  return client;
}

/**
 * Refuses keys whose `kid` another ID-porten client has registered.
 *
 * @throws AppError `IDPORTEN_KID_IN_USE` (409)
 */
export async function checkKidsFree(db: Database, client: IdportenClient): Promise<void> {
  const taken = await findKidOwners(db, kidsOf(client), client.client_id);
  if (taken.size > 0) throw kidInUse([...taken.keys()]);
}

function kidsOf(client: IdportenClient): string[] {
  return (client.jwks?.keys ?? []).map((k) => k.kid as string);
}

function kidInUse(kids: string[]) {
  return idportenError(
    'IDPORTEN_KID_IN_USE',
    `kid ${kids.map((k) => `"${k}"`).join(', ')} is registered on another client; a kid is unique across all ID-porten clients`,
    { extra: { kids } },
  );
}

/**
 * The client with this id, active or not.
 *
 * @throws AppError `IDPORTEN_CLIENT_NOT_FOUND` (404)
 */
export async function getIdportenClient(db: Database, clientId: string): Promise<IdportenClient> {
  const client = await findIdportenClient(db, clientId);
  if (!client) throw idportenError('IDPORTEN_CLIENT_NOT_FOUND', `No ID-porten client ${clientId}`);
  return client;
}

/**
 * Validates a registration and fills its defaults, without storing it. With `options.current`
 * it validates a replacement (PUT) of that client by the same rules.
 *
 * @throws AppError `IDPORTEN_INVALID_CLIENT` (400) with `extra.problems`
 */
export function checkIdportenClient(input: IdportenClientInput, options: CreateIdportenClientOptions): IdportenClient {
  const problems: ClientProblem[] = [];
  const bad = (field: string, message: string): void => {
    problems.push({ field, message });
  };
  const obj = (input ?? {}) as unknown as Record<string, unknown>;
  const current = options.current;
  const nowMs = options.now ?? Date.now();

  let clientId: unknown;
  if (current) {
    clientId = current.client_id;
    if (obj.client_id !== undefined && obj.client_id !== current.client_id) bad('client_id', 'cannot change (it is the client in the path)');
  } else {
    clientId = obj.client_id === undefined ? randomUUID() : obj.client_id;
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) bad('client_id', 'must be 1–255 letters, digits or ._:-');
  }

  const name = obj.client_name;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) bad('client_name', 'must be 1–200 characters');

  let clientOrgno = obj.client_orgno;
  if (current) {
    if (clientOrgno !== undefined && clientOrgno !== current.client_orgno) bad('client_orgno', 'cannot change');
    clientOrgno = current.client_orgno;
  } else {
    const orgno = typeof clientOrgno === 'string' ? validateOrganisasjonsnummer(clientOrgno) : undefined;
    if (!orgno || !orgno.valid) {
      bad('client_orgno', `must be a valid organisasjonsnummer${orgno && !orgno.valid ? ` (${orgno.problems.map((p) => p.message).join('; ')})` : ''}`);
    }
  }

  let integrationType = (obj.integration_type ?? current?.integration_type ?? 'idporten') as IdportenIntegrationType;
  if (!IDPORTEN_INTEGRATION_TYPES.includes(integrationType)) {
    bad(
      'integration_type',
      `must be ${IDPORTEN_INTEGRATION_TYPES.join(' or ')} (Maskinporten's types maskinporten, krr and eformidling are registered at /selvbetjening/api/v1/clients; ansattporten is not served)`,
    );
    integrationType = 'idporten';
  } else if (current && integrationType !== current.integration_type) {
    bad('integration_type', `cannot change (the client is ${current.integration_type})`);
  }

  const optionalText = (field: string, max: number): string | undefined => {
    const value = obj[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' || value.length > max) {
      bad(field, `must be at most ${max} characters`);
      return undefined;
    }
    return value;
  };
  const displayName = optionalText('display_name', 200);
  const description = optionalText('description', 2000);
  const clientUri = optionalText('client_uri', 2000);
  if (clientUri !== undefined && (!URL.canParse(clientUri) || !/^https?:$/.test(new URL(clientUri).protocol))) bad('client_uri', 'must be an absolute http(s) URL');

  const applicationType = (obj.application_type ?? 'web') as ApplicationType;
  if (!APPLICATION_TYPES.includes(applicationType)) bad('application_type', `must be one of ${APPLICATION_TYPES.join(', ')}`);

  const uriList = (field: string, value: unknown, required: boolean): string[] => {
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || (required && value.length === 0)) {
      bad(field, required ? 'must be a non-empty array of URIs' : 'must be an array of URIs');
      return [];
    }
    value.forEach((uri, i) => {
      const problem = uriProblem(uri, applicationType, options.mode);
      if (problem) bad(`${field}[${i}]`, problem);
    });
    if (new Set(value).size !== value.length) bad(field, 'must not list a URI twice');
    return value as string[];
  };
  const redirectUris = uriList('redirect_uris', obj.redirect_uris, true);
  const postLogoutRedirectUris = uriList('post_logout_redirect_uris', obj.post_logout_redirect_uris, false);

  let frontchannelLogoutUri: string | undefined;
  if (obj.frontchannel_logout_uri !== undefined && obj.frontchannel_logout_uri !== null && obj.frontchannel_logout_uri !== '') {
    const problem = uriProblem(obj.frontchannel_logout_uri, 'web', options.mode);
    if (problem) bad('frontchannel_logout_uri', problem);
    else {
      frontchannelLogoutUri = obj.frontchannel_logout_uri as string;
      const host = new URL(frontchannelLogoutUri).hostname;
      const hosts = redirectUris.flatMap((u) => (URL.canParse(u) ? [new URL(u).hostname] : []));
      if (!hosts.includes(host)) bad('frontchannel_logout_uri', 'must be on the host of one of the redirect_uris');
    }
  }
  const sessionRequired = obj.frontchannel_logout_session_required ?? false;
  if (typeof sessionRequired !== 'boolean') bad('frontchannel_logout_session_required', 'must be a boolean');

  let scopes = (obj.scopes ?? ['openid', 'profile']) as string[];
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && SCOPE.test(s))) {
    bad('scopes', 'must be an array of scope names (printable ASCII, no spaces, quotes or backslashes)');
    scopes = [];
  } else if (!scopes.includes('openid')) {
    scopes = ['openid', ...scopes];
  }
  scopes = [...new Set(scopes)];

  const grantTypes = (obj.grant_types ?? ['authorization_code']) as IdportenGrantType[];
  if (!Array.isArray(grantTypes) || !grantTypes.every((g) => IDPORTEN_GRANT_TYPES.includes(g))) {
    bad('grant_types', `may only hold ${IDPORTEN_GRANT_TYPES.join(', ')}`);
  } else if (!grantTypes.includes('authorization_code')) {
    bad('grant_types', 'must include authorization_code');
  }

  const method = (obj.token_endpoint_auth_method ?? 'client_secret_basic') as TokenEndpointAuthMethod;
  if (!TOKEN_ENDPOINT_AUTH_METHODS.includes(method)) {
    bad('token_endpoint_auth_method', `must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`);
  } else if (method === 'none' && applicationType === 'web') {
    bad('token_endpoint_auth_method', 'none is only for browser and native clients; a web client authenticates');
  }
  const secretMethod = isSecretMethod(method);

  // The secret: given (create only), kept (PUT while the method stays a secret method), or new.
  let secret: string | undefined;
  let secretExpiresAt: number | undefined;
  if (obj.client_secret !== undefined) {
    if (current) bad('client_secret', 'cannot be set by a change; rotate it with POST /idporten/clients/{client_id}/secret');
    else if (!secretMethod) bad('client_secret', `only with client_secret_basic or client_secret_post (not ${method})`);
    else if (typeof obj.client_secret !== 'string' || obj.client_secret.length < MIN_CLIENT_SECRET_LENGTH || !/^[\x21-\x7E]+$/.test(obj.client_secret)) {
      bad('client_secret', `must be at least ${MIN_CLIENT_SECRET_LENGTH} printable ASCII characters`);
    } else ({ secret, expiresAt: secretExpiresAt } = newClientSecret(nowMs, obj.client_secret));
  } else if (secretMethod && current?.client_secret !== undefined) {
    secret = current.client_secret;
    secretExpiresAt = current.client_secret_expires_at;
  } else if (secretMethod) {
    ({ secret, expiresAt: secretExpiresAt } = newClientSecret(nowMs));
  }

  // The keys: given (checked by the kernel's rules), kept (PUT while private_key_jwt), or none.
  let jwks: { keys: JWK[] } | undefined;
  if (obj.jwks !== undefined) {
    const keys = (obj.jwks as { keys?: unknown } | null)?.keys;
    if (method !== 'private_key_jwt') bad('jwks', 'only with private_key_jwt');
    else if (!Array.isArray(keys) || keys.length === 0) bad('jwks', `must be {"keys": [...]} with 1–${MAX_CLIENT_KEYS} keys`);
    else {
      const checked = checkKeys({ keys: keys as Array<Record<string, unknown>> }, nowMs);
      if ('problem' in checked) bad(checked.problem.field, checked.problem.message);
      else jwks = { keys: checked.keys };
    }
  } else if (method === 'private_key_jwt' && (current?.jwks?.keys.length ?? 0) > 0) {
    jwks = current!.jwks;
  } else if (method === 'private_key_jwt') {
    bad('jwks', current ? 'private_key_jwt needs at least one public key: send jwks, or POST them to /idporten/clients/{client_id}/jwks first' : 'private_key_jwt needs at least one public key');
  }

  const lifetime = (field: keyof typeof DEFAULT_LIFETIMES, max: number): number => {
    const value = obj[field] ?? DEFAULT_LIFETIMES[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
      bad(field, `must be a whole number of seconds from 1 to ${max}`);
      return DEFAULT_LIFETIMES[field];
    }
    return value;
  };
  const authorizationLifetime = lifetime('authorization_lifetime', MAX_AUTHORIZATION_LIFETIME_S);
  const accessTokenLifetime = lifetime('access_token_lifetime', MAX_ACCESS_TOKEN_LIFETIME_S);
  const refreshTokenLifetime = lifetime('refresh_token_lifetime', MAX_AUTHORIZATION_LIFETIME_S);
  if (refreshTokenLifetime > authorizationLifetime) bad('refresh_token_lifetime', 'must not be longer than authorization_lifetime');

  const ssoDisabled = obj.sso_disabled ?? false;
  if (typeof ssoDisabled !== 'boolean') bad('sso_disabled', 'must be a boolean');
  const pkce = obj.code_challenge_method ?? 'S256';
  if (pkce !== 'S256' && pkce !== 'none') bad('code_challenge_method', 'must be S256 or none');

  if (problems.length > 0) {
    throw idportenError('IDPORTEN_INVALID_CLIENT', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { extra: { problems } });
  }
  const now = new Date(nowMs).toISOString();
  const client: IdportenClient = {
    client_id: clientId as string,
    client_name: (name as string).trim(),
    client_orgno: clientOrgno as string,
    integration_type: integrationType,
    application_type: applicationType,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    frontchannel_logout_session_required: sessionRequired as boolean,
    scopes,
    grant_types: [...new Set(grantTypes)],
    token_endpoint_auth_method: method,
    authorization_lifetime: authorizationLifetime,
    access_token_lifetime: accessTokenLifetime,
    refresh_token_lifetime: refreshTokenLifetime,
    sso_disabled: ssoDisabled as boolean,
    code_challenge_method: pkce as 'S256' | 'none',
    active: true,
    created: current?.created ?? now,
    last_updated: now,
  };
  if (current?.supplier_orgno !== undefined) client.supplier_orgno = current.supplier_orgno;
  if (displayName !== undefined) client.display_name = displayName;
  if (description !== undefined) client.description = description;
  if (clientUri !== undefined) client.client_uri = clientUri;
  if (frontchannelLogoutUri !== undefined) client.frontchannel_logout_uri = frontchannelLogoutUri;
  if (secret !== undefined) client.client_secret = secret;
  if (secretExpiresAt !== undefined) client.client_secret_expires_at = secretExpiresAt;
  if (jwks !== undefined) client.jwks = jwks;
  return client;
}

/**
 * The keys whose `exp` (epoch seconds) is still ahead of `now` (epoch ms); keys without `exp`
 * are kept. The provider offers only these for `private_key_jwt`.
 */
export function unexpiredKeys(keys: readonly JWK[], now: number): JWK[] {
  return keys.filter((k) => {
    const exp = (k as { exp?: unknown }).exp;
    return typeof exp !== 'number' || exp * 1000 > now;
  });
}

/** Whether the method authenticates with the client secret. */
export function isSecretMethod(method: TokenEndpointAuthMethod): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}

/**
 * A new client secret (43 random base64url characters unless given) and its expiry, 360 days
 * after `now`.
 *
 * @param now epoch ms
 * @returns `expiresAt` in epoch seconds (RFC 7591 `client_secret_expires_at`)
 */
export function newClientSecret(now: number, given?: string): { secret: string; expiresAt: number } {
  return { secret: given ?? randomBytes(32).toString('base64url'), expiresAt: Math.floor(now / 1000) + CLIENT_SECRET_LIFETIME_S };
}

/**
 * Checks a posted key set by the kernel's rules (`platform/auth/client-jwks.ts`): at most 5 RSA
 * public keys, `kid` of `[A-Za-z0-9._-]`, once per set, `exp` at most one year ahead.
 *
 * @param now epoch ms of the posting
 * @returns the keys to store (each with `exp`, epoch seconds), or the first broken rule as a
 *   problem (`field` `jwks.keys[i]`, or `jwks` for the whole set)
 */
export function checkKeys(jwks: { keys: Array<Record<string, unknown>> }, now: number): { keys: JWK[] } | { problem: ClientProblem } {
  try {
    return { keys: checkClientJwks(jwks, now).map((k) => k.jwk) };
  } catch (err) {
    if (!(err instanceof ClientJwksError)) throw err;
    return { problem: { field: err.index === undefined ? 'jwks' : `jwks.keys[${err.index}]`, message: err.message } };
  }
}

/** Why a redirect-type URI is not acceptable, or undefined when it is. */
function uriProblem(value: unknown, applicationType: ApplicationType, mode: 'test' | 'production'): string | undefined {
  if (typeof value !== 'string' || value.length > 2000 || !URL.canParse(value)) return 'must be an absolute URI of at most 2000 characters';
  const url = new URL(value);
  if (url.hash !== '' || value.includes('#')) return 'must not have a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    if (LOCAL_HOSTS.has(url.hostname) && (mode === 'test' || applicationType === 'native')) return undefined;
    return mode === 'test' ? 'must be https (plain http only to localhost)' : 'must be https (plain http only to localhost, in test mode or for native apps)';
  }
  if (applicationType === 'native' && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return undefined;
  return applicationType === 'native' ? 'must be https, http://localhost or a reverse-domain custom scheme' : 'must be https';
}
