/**
 * Protecting a route with an ID-porten access token: the logged-in person's own data
 * ("brukerstyrt datadeling", e.g. KRR's `GET /rest/v1/person`). The token is verified like a
 * Maskinporten token ({@link TokenVerifier}: signature with the issuer's JWKS, `iss`, `exp`/`iat`
 * ±10 s, scopes, audience rule) against this Grunnmur's ID-porten issuer (`<PUBLIC_URL>/idporten`,
 * keys from the key store), and must also carry `typ: at+jwt` (RFC 9068) and a `pid`.
 *
 * Failures are the same problem+json answers as {@link requireScopes}'s: 401 `AUTH_TOKEN_MISSING`,
 * 401 `AUTH_TOKEN_INVALID` (also: no `pid`), 401 `AUTH_TOKEN_EXPIRED`, 403
 * `AUTH_INSUFFICIENT_SCOPE`, each with its `WWW-Authenticate` challenge.
 *
 * @see https://docs.digdir.no/docs/Kontaktregisteret/Brukerspesifikt-oppslag_rest
 * @see https://www.rfc-editor.org/rfc/rfc9068 JWT profile for OAuth 2.0 access tokens
 */
import type { FastifyRequest } from 'fastify';
import { AppError, platformError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { authError, withChallenge } from './errors.ts';
import { IDPORTEN_SECURITY_SCHEME, ownIdportenIssuer } from './idporten-issuer.ts';
import { localJwks } from './jwks-source.ts';
import { bearerToken, type AuthHook, type RequireScopesOptions } from './require-scopes.ts';
import { TokenVerifier, type MaskinportenToken } from './token-verifier.ts';

/** A verified ID-porten access token: the client's organisation, its scopes and the person. */
export type IdportenToken = MaskinportenToken & {
  /** The logged-in person's fødselsnummer or D-number. */
  pid: string;
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified ID-porten token, set by {@link requireIdportenScopes}. */
    idporten?: IdportenToken;
  }
}

const verifiers = new WeakMap<Platform, TokenVerifier>();

/** The process's verifier of this Grunnmur's ID-porten access tokens (made on first use). */
export function getIdportenTokenVerifier(platform: Platform): TokenVerifier {
  let verifier = verifiers.get(platform);
  if (!verifier) {
    const issuer = ownIdportenIssuer(platform.config);
    verifier = new TokenVerifier({ issuer, jwks: localJwks(platform.keys, issuer, { log: platform.log.child({ module: 'auth' }) }), typ: 'at+jwt' });
    verifiers.set(platform, verifier);
  }
  return verifier;
}

/**
 * A hook that admits a request only with a valid ID-porten access token that names a person
 * and carries the scopes (all, or one with `anyOf`), and puts it on `request.idporten`. Use it
 * as `onRequest`.
 *
 * @throws AppError (to the error handler) `AUTH_TOKEN_MISSING` 401, `AUTH_TOKEN_INVALID` 401
 *   (also for a token without `pid`), `AUTH_TOKEN_EXPIRED` 401, `AUTH_INSUFFICIENT_SCOPE` 403,
 *   `AUTH_JWKS_UNAVAILABLE` 503
 */
export function requireIdportenScopes(platform: Platform, scopes: readonly string[], options: RequireScopesOptions = {}): AuthHook {
  const verifier = getIdportenTokenVerifier(platform);
  const realm = options.realm ?? platform.config.PUBLIC_URL;
  const required = [...scopes];
  const verifyOptions = { requiredScopes: required, anyOf: options.anyOf ?? false, audience: options.audience };
  return async function requireIdportenToken(request: FastifyRequest): Promise<void> {
    try {
      const token = bearerToken(request.headers.authorization, 'ID-porten');
      const verified = await verifier.verify(token, verifyOptions);
      if (typeof verified.pid !== 'string' || verified.pid.length === 0) throw authError('AUTH_TOKEN_INVALID', 'The token does not name a logged-in person (no pid)');
      request.idporten = verified as IdportenToken;
    } catch (err) {
      throw err instanceof AppError ? withChallenge(err, realm, required) : err;
    }
  };
}

/**
 * The verified token of a route protected by {@link requireIdportenScopes}.
 *
 * @throws AppError `PLATFORM_INTERNAL` when the route has no such hook (a programming error)
 */
export function getIdportenToken(request: FastifyRequest): IdportenToken {
  const token = request.idporten;
  if (!token) throw platformError('PLATFORM_INTERNAL', `Route ${request.routeOptions.url ?? request.url} reads an ID-porten token but has no requireIdportenScopes hook`);
  return token;
}

/** The OpenAPI security requirement of a route protected by {@link requireIdportenScopes}. */
export function idportenBearerSecurity(scopes: readonly string[]): { security: Array<Record<string, string[]>> } {
  return { security: [{ [IDPORTEN_SECURITY_SCHEME]: [...scopes] }] };
}
