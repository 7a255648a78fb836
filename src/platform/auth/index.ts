/**
 * Maskinporten bearer-token checks for every Grunnmur API: verify the token against the
 * issuer's JWKS, check scopes, hand the consumer organisation to the route. See README.md.
 */
export { authErrors, authError, bearerChallenge, withChallenge, type AuthErrorCode } from './errors.ts';
export {
  CachedJwks,
  JwksUnavailableError,
  localJwks,
  remoteJwks,
  type CachedJwksOptions,
  type JwksSource,
} from './jwks-source.ts';
export {
  MAX_TOKEN_LENGTH,
  TOKEN_ALGORITHMS,
  TOKEN_CLOCK_SKEW_S,
  TokenVerifier,
  toMaskinportenToken,
  type Iso6523Identifier,
  type MaskinportenClaims,
  type MaskinportenToken,
  type TokenVerifierOptions,
  type VerifyOptions,
} from './token-verifier.ts';
export {
  MASKINPORTEN_SECURITY_SCHEME,
  bearerSecurity,
  bearerToken,
  getMaskinportenToken,
  getTokenVerifier,
  maskinportenJwksUrl,
  openApiSecuritySchemes,
  requireScopes,
  type AuthHook,
  type RequireScopesOptions,
} from './require-scopes.ts';
export { maskinportenIssuer, ownMaskinportenIssuer } from '../config.ts';
export { IDPORTEN_SECURITY_SCHEME, ownIdportenIssuer } from './idporten-issuer.ts';
export {
  getIdportenToken,
  getIdportenTokenVerifier,
  idportenBearerSecurity,
  requireIdportenScopes,
  type IdportenToken,
} from './require-idporten.ts';
export {
  CLIENT_KEY_ALGORITHMS,
  ClientJwksError,
  MAX_CLIENT_KEYS,
  checkClientJwks,
  maxKeyExpiry,
  type CheckedClientKey,
  type ClientJwksRule,
  type JwksInput,
} from './client-jwks.ts';
