/**
 * Rule: the access token is a JWT signed with the issuer's current key (rotated by the
 * platform; retired keys stay in the JWKS until the tokens they signed have expired). Its header
 * is `{alg, kid}` as the real one (no `typ`), and its claims are:
 * - always `iss`, `client_id`, `client_amr` (`private_key_jwt` for `kid`, `virksomhetssertifikat`
 *   for `x5c`), `scope` (the granted scopes, space-separated), `token_type: "Bearer"`, `iat`,
 *   `exp`, `jti`, and `consumer: {authority: "iso6523-actorid-upis", ID: "0192:<orgno>"}` (the
 *   customer on delegated tokens, else the client's organisation);
 * - on delegated tokens also `supplier` (the client's organisation) and `delegation_source`;
 * - `aud` when `resource` was sent (one value as a string, several as an array), `pid` when
 *   `pid` was sent, and `authorization_details` on system-user tokens.
 * Lifetime: the client's `access_token_lifetime`, capped by the lowest `at_max_age` of the
 * granted scopes and by {@link MAX_ACCESS_TOKEN_LIFETIME_S}.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_token ("The access token")
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_systembruker ("Respons")
 * @see specs/idporten-maskinporten.md §3 "Access token"
 */
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KeyStore } from '../../../platform/keys/key-store.ts';
import type { Client, Scope } from '../types.ts';
import { ISO6523_AUTHORITY, SYSTEMUSER_TYPE } from './check-authorization-details.ts';


/**
 * Longest access-token lifetime this issuer ever signs, seconds (24 h); also the longest a client
 * may be registered with. The issuer is registered with it, so a rotated-out key stays in the
 * JWKS at least this long.
 */
export const MAX_ACCESS_TOKEN_LIFETIME_S = 86_400;

/** `{authority, ID}` naming an organisation in ISO 6523 notation (`ID` = `0192:<orgno>`). */
export interface OrganisationIdentifier {
  authority: typeof ISO6523_AUTHORITY;
  ID: string;
}

/** The system-user entry of a token's `authorization_details`. */
export interface SystemUserAuthorizationDetail {
  type: typeof SYSTEMUSER_TYPE;
  /** The customer's system users for this system (Grunnmur: one, derived from client and customer). */
  systemuser_id: string[];
  systemuser_org: OrganisationIdentifier;
  /** The vendor's system in Altinn's system register (Grunnmur: `<client orgno>_<client_id>`). */
  system_id: string;
}

/** The claims of a Maskinporten access token. */
export interface AccessTokenClaims {
  aud?: string | string[];
  scope: string;
  iss: string;
  client_amr: 'private_key_jwt' | 'virksomhetssertifikat';
  token_type: 'Bearer';
  /** Seconds since the epoch. */
  exp: number;
  /** Seconds since the epoch. */
  iat: number;
  client_id: string;
  jti: string;
  consumer: OrganisationIdentifier;
  supplier?: OrganisationIdentifier;
  delegation_source?: string;
  pid?: string;
  authorization_details?: SystemUserAuthorizationDetail[];
}

/** What the grant decided. */
export interface AccessTokenRequest {
  issuer: string;
  client: Client;
  clientAmr: AccessTokenClaims['client_amr'];
  scopes: readonly Scope[];
  /** The token's consumer: the customer on delegated tokens, else the client's organisation. */
  consumerOrgno: string;
  /** Set on delegated tokens: where the delegation was made. */
  delegationSource?: string;
  resource?: readonly string[];
  pid?: string;
  /** The customer's organisation on system-user tokens. */
  systemUserOrgno?: string;
  /** Epoch ms. */
  now: number;
}

/** `{authority: "iso6523-actorid-upis", ID: "0192:<orgno>"}`. */
export function organisationIdentifier(orgno: string): OrganisationIdentifier {
  return { authority: ISO6523_AUTHORITY, ID: `0192:${orgno}` };
}

/**
 * The token's lifetime, seconds: the client's `access_token_lifetime`, capped by the lowest
 * `at_max_age` of the scopes and by {@link MAX_ACCESS_TOKEN_LIFETIME_S}; at least 1.
 */
export function accessTokenLifetime(client: Client, scopes: readonly Scope[]): number {
  let lifetime = Math.min(client.access_token_lifetime, MAX_ACCESS_TOKEN_LIFETIME_S);
  for (const scope of scopes) {
    if (scope.at_max_age !== undefined && scope.at_max_age > 0) lifetime = Math.min(lifetime, scope.at_max_age);
  }
  return Math.max(1, Math.floor(lifetime));
}

/**
 * A system user's stable id for (client, customer), shaped as a UUID (version 8, RFC 9562):
 * the same pair always gets the same id, as one system user per customer and system would.
 */
export function systemUserId(clientId: string, customerOrgno: string): string {
  const h = createHash('sha256').update(`grunnmur-systemuser\u0000${clientId}\u0000${customerOrgno}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x80;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Builds and signs the access token.
 *
 * @returns the compact JWT, its claims, and its lifetime in seconds
 * @throws AppError `KEYS_NO_CURRENT_KEY` when no signing key can be had (503)
 */
export async function issueAccessToken(
  keys: KeyStore,
  req: AccessTokenRequest,
): Promise<{ token: string; claims: AccessTokenClaims; expiresIn: number }> {
  const expiresIn = accessTokenLifetime(req.client, req.scopes);
  const iat = Math.floor(req.now / 1000);
  const claims: AccessTokenClaims = {
    scope: req.scopes.map((s) => s.name).join(' '),
    iss: req.issuer,
    client_amr: req.clientAmr,
    token_type: 'Bearer',
    exp: iat + expiresIn,
    iat,
    client_id: req.client.client_id,
    jti: randomBytes(32).toString('base64url'),
    consumer: organisationIdentifier(req.consumerOrgno),
  };
  if (req.resource && req.resource.length > 0) {
    claims.aud = req.resource.length === 1 ? (req.resource[0] as string) : [...req.resource];
  }
  if (req.delegationSource !== undefined) {
    claims.supplier = organisationIdentifier(req.client.client_orgno);
    claims.delegation_source = req.delegationSource;
  }
  if (req.pid !== undefined) claims.pid = req.pid;
  if (req.systemUserOrgno !== undefined) {
    claims.authorization_details = [
      {
        type: SYSTEMUSER_TYPE,
        systemuser_id: [systemUserId(req.client.client_id, req.systemUserOrgno)],
        systemuser_org: organisationIdentifier(req.systemUserOrgno),
        system_id: `${req.client.client_orgno}_${req.client.client_id}`,
      },
    ];
  }
  const key = await keys.getSigningKey(req.issuer);
  const token = await new SignJWT(claims as unknown as Record<string, unknown>)
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .sign(key.privateKey);
  return { token, claims, expiresIn };
}
