/**
 * Wire shapes of the ID-porten component: a client registration in Digdir's fields.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_func_clientreg (spec §1 "Client registration")
 */
import type { JWK } from 'jose';

/** Levels of assurance ID-porten issues (`acr`). */
export const ACR_VALUES = ['idporten-loa-substantial', 'idporten-loa-high'] as const;
/** A level of assurance ID-porten issues. */
export type Acr = (typeof ACR_VALUES)[number];

/** Client authentication methods at the token endpoint (the registered one is enforced). */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
/** A client authentication method. */
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** Grant types an ID-porten client may register. */
export const IDPORTEN_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
/** A grant type of an ID-porten client. */
export type IdportenGrantType = (typeof IDPORTEN_GRANT_TYPES)[number];

/** Application types (Digdir: `web` has a backend, `browser` is a SPA, `native` an app). */
export const APPLICATION_TYPES = ['web', 'browser', 'native'] as const;
/** An application type. */
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/**
 * Integration types this registry holds: `idporten` (login) and `api_klient` (login plus API
 * scopes on behalf of the user). Both log in here; Maskinporten's types live in Maskinporten.
 */
export const IDPORTEN_INTEGRATION_TYPES = ['idporten', 'api_klient'] as const;
/** An integration type of an ID-porten client. */
export type IdportenIntegrationType = (typeof IDPORTEN_INTEGRATION_TYPES)[number];

/** Longest life of a client secret, in seconds (Digdir: 360 days). */
export const CLIENT_SECRET_LIFETIME_S = 360 * 86_400;

/** Default lifetimes of a client, in seconds (spec §1 "Lifetimes"). */
export const DEFAULT_LIFETIMES = {
  /** How long a login (grant) may be refreshed, in s. */
  authorization_lifetime: 7200,
  /** Access token lifetime, in s. */
  access_token_lifetime: 120,
  /** Refresh token inactivity lifetime, in s. */
  refresh_token_lifetime: 600,
} as const;

/** An ID-porten client registration, as stored and as the admin API will show it. */
export interface IdportenClient {
  /** Assigned at creation (a UUID unless given). */
  client_id: string;
  client_name: string;
  /** Organisasjonsnummer of the owner, 9 digits. */
  client_orgno: string;
  /** Organisasjonsnummer of the supplier managing the client for `client_orgno`, if any. */
  supplier_orgno?: string;
  /** `idporten` or `api_klient`; cannot change. */
  integration_type: IdportenIntegrationType;
  /** Name shown to the user on the login pages (Digdir: the organisation's name). */
  display_name?: string;
  /** Free text. */
  description?: string;
  /** The service's home page. */
  client_uri?: string;
  application_type: ApplicationType;
  /** Exact-match redirect URIs. */
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  frontchannel_logout_uri?: string;
  /** When true, ID tokens carry `sid` and front-channel logout sends `iss` and `sid`. */
  frontchannel_logout_session_required: boolean;
  /** Scopes the client may request (always includes `openid`). */
  scopes: string[];
  grant_types: IdportenGrantType[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  /**
   * The client secret for `client_secret_basic`/`client_secret_post`, stored as given (see
   * README, "Decisions"); absent for other methods.
   */
  client_secret?: string;
  /**
   * When `client_secret` stops being accepted, epoch **seconds** (RFC 7591); absent when the
   * client has no secret or its secret never expires (made before secrets expired).
   */
  client_secret_expires_at?: number;
  /** Public keys for `private_key_jwt` (at most 5). */
  jwks?: { keys: JWK[] };
  /** Seconds a login may be kept alive with refresh tokens. */
  authorization_lifetime: number;
  /** Access-token lifetime, in seconds. */
  access_token_lifetime: number;
  /** Refresh-token inactivity lifetime, in seconds. */
  refresh_token_lifetime: number;
  /** When true, the client's logins get an isolated session (no SSO). */
  sso_disabled: boolean;
  /** `S256` (PKCE required) or `none` (the client opted out of PKCE). */
  code_challenge_method: 'S256' | 'none';
  active: boolean;
  /** ISO 8601. */
  created: string;
  /** ISO 8601. */
  last_updated: string;
}
