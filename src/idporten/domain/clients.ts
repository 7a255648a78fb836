/**
 * ID-porten client registrations: Digdir's rules for a new client. The admin API
 * (`/idporten/clients`, built on top of this) and `grunnmur client create` call these; the
 * provider reads the stored clients through its adapter on every request.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_func_clientreg (spec §1 "Client registration")
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { Database } from '../../platform/db/database.ts';
import { validateOrganisasjonsnummer } from '../../platform/identifiers/index.ts';
import { idportenError } from '../errors.ts';
import { findIdportenClient, insertIdportenClient } from '../store/clients-store.ts';
import {
  APPLICATION_TYPES,
  DEFAULT_LIFETIMES,
  IDPORTEN_GRANT_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type ApplicationType,
  type IdportenClient,
  type IdportenGrantType,
  type TokenEndpointAuthMethod,
} from './types.ts';

/** At most this many keys in a client's JWKS (Digdir's limit). */
export const MAX_CLIENT_KEYS = 5;
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
  /** Only `idporten`. */
  integration_type?: string;
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
  /** For the client_secret methods; default: 43 random base64url characters. */
  client_secret?: string;
  /** For `private_key_jwt`: 1–5 public keys, each with a `kid`. */
  jwks?: { keys: JWK[] };
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
  const client = checkIdportenClient(input, options);
  if (!(await insertIdportenClient(db, client))) {
    throw idportenError('IDPORTEN_CLIENT_EXISTS', `A client with client_id ${client.client_id} already exists`);
  }
  return client;
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
 * Validates a registration and fills its defaults, without storing it.
 *
 * @throws AppError `IDPORTEN_INVALID_CLIENT` (400) with `extra.problems`
 */
export function checkIdportenClient(input: IdportenClientInput, options: CreateIdportenClientOptions): IdportenClient {
  const problems: ClientProblem[] = [];
  const bad = (field: string, message: string): void => {
    problems.push({ field, message });
  };
  const obj = (input ?? {}) as unknown as Record<string, unknown>;

  const clientId = obj.client_id === undefined ? randomUUID() : obj.client_id;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) bad('client_id', 'must be 1–255 letters, digits or ._:-');

  const name = obj.client_name;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) bad('client_name', 'must be 1–200 characters');

  const orgno = typeof obj.client_orgno === 'string' ? validateOrganisasjonsnummer(obj.client_orgno) : undefined;
  if (!orgno || !orgno.valid) {
    bad('client_orgno', `must be a valid organisasjonsnummer${orgno && !orgno.valid ? ` (${orgno.problems.map((p) => p.message).join('; ')})` : ''}`);
  }

  if (obj.integration_type !== undefined && obj.integration_type !== 'idporten') bad('integration_type', 'must be idporten');

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
  if (obj.frontchannel_logout_uri !== undefined) {
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
  const secretMethod = method === 'client_secret_basic' || method === 'client_secret_post';

  let secret: string | undefined;
  if (obj.client_secret !== undefined) {
    if (!secretMethod) bad('client_secret', `only with client_secret_basic or client_secret_post (not ${method})`);
    else if (typeof obj.client_secret !== 'string' || obj.client_secret.length < MIN_CLIENT_SECRET_LENGTH || !/^[\x21-\x7E]+$/.test(obj.client_secret)) {
      bad('client_secret', `must be at least ${MIN_CLIENT_SECRET_LENGTH} printable ASCII characters`);
    } else secret = obj.client_secret;
  } else if (secretMethod) {
    secret = randomBytes(32).toString('base64url');
  }

  let jwks: { keys: JWK[] } | undefined;
  if (obj.jwks !== undefined) {
    const keys = (obj.jwks as { keys?: unknown } | null)?.keys;
    if (method !== 'private_key_jwt') bad('jwks', 'only with private_key_jwt');
    else if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_CLIENT_KEYS) bad('jwks', `must be {"keys": [...]} with 1–${MAX_CLIENT_KEYS} keys`);
    else {
      keys.forEach((key: unknown, i) => {
        const k = key as Record<string, unknown>;
        if (typeof k !== 'object' || k === null || (k.kty !== 'RSA' && k.kty !== 'EC')) bad(`jwks.keys[${i}]`, 'must be an RSA or EC public JWK');
        else if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'].some((m) => m in k)) bad(`jwks.keys[${i}]`, 'must not hold private key material');
        else if (typeof k.kid !== 'string' || !/^[A-Za-z0-9._-]{1,255}$/.test(k.kid)) bad(`jwks.keys[${i}].kid`, 'must be 1–255 letters, digits or ._-');
      });
      jwks = { keys: keys as JWK[] };
    }
  } else if (method === 'private_key_jwt') {
    bad('jwks', 'private_key_jwt needs at least one public key');
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
  const now = new Date(options.now ?? Date.now()).toISOString();
  const client: IdportenClient = {
    client_id: clientId as string,
    client_name: (name as string).trim(),
    client_orgno: obj.client_orgno as string,
    integration_type: 'idporten',
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
    created: now,
    last_updated: now,
  };
  if (frontchannelLogoutUri !== undefined) client.frontchannel_logout_uri = frontchannelLogoutUri;
  if (secret !== undefined) client.client_secret = secret;
  if (jwks !== undefined) client.jwks = jwks;
  return client;
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
