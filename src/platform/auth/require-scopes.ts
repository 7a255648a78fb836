/**
 * Protecting a route with a Maskinporten token: a Fastify hook that reads `Authorization:
 * Bearer …`, verifies the token with the process's {@link TokenVerifier} and hands the verified
 * token (with the consumer organisation) to the route as `request.maskinporten`.
 *
 * Failures answer problem+json with the RFC 6750 challenge in `WWW-Authenticate`:
 * 401 `AUTH_TOKEN_MISSING` (`Bearer realm="…"`), 401 `AUTH_TOKEN_INVALID` / `AUTH_TOKEN_EXPIRED`
 * (`error="invalid_token"`), 403 `AUTH_INSUFFICIENT_SCOPE` (`error="insufficient_scope"`,
 * `scope="…"`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750 Bearer token usage
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { maskinportenIssuer, type Config } from '../config.ts';
import { AppError, platformError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { authError, withChallenge } from './errors.ts';
import { localJwks, remoteJwks } from './jwks-source.ts';
import { IDPORTEN_SECURITY_SCHEME, ownIdportenIssuer } from './idporten-issuer.ts';
import { TokenVerifier, type MaskinportenToken } from './token-verifier.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified Maskinporten token, set by {@link requireScopes} (undefined on unprotected routes). */
    maskinporten?: MaskinportenToken;
  }
}

/** Name of the bearer security scheme in the OpenAPI documents. */
export const MASKINPORTEN_SECURITY_SCHEME = 'maskinporten';

/** Options of {@link requireScopes}. */
export interface RequireScopesOptions {
  /** True: any one of the scopes is enough. Default false: the token must carry all of them. */
  anyOf?: boolean;
  /** When set, the token's `aud` must contain this value (or one of these). */
  audience?: string | readonly string[];
  /** The `realm` of the challenge. Default: `PUBLIC_URL`. */
  realm?: string;
}

/** A Fastify `onRequest` / `preHandler` hook. */
export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const verifiers = new WeakMap<Platform, TokenVerifier>();

/**
 * The process's verifier of Maskinporten tokens (one per platform, made on first use), for the
 * issuer {@link maskinportenIssuer} names: with `MASKINPORTEN_ISSUER` unset, the own
 * Maskinporten's keys from the key store; otherwise the JWKS fetched from
 * `MASKINPORTEN_JWKS_URL` or `<issuer>jwk`.
 */
export function getTokenVerifier(platform: Platform): TokenVerifier {
  let verifier = verifiers.get(platform);
  if (!verifier) {
    const issuer = maskinportenIssuer(platform.config);
    const log = platform.log.child({ module: 'auth' });
    const jwksUrl = maskinportenJwksUrl(platform.config);
    const jwks = jwksUrl === undefined ? localJwks(platform.keys, issuer, { log }) : remoteJwks(new URL(jwksUrl), { log });
    verifier = new TokenVerifier({ issuer, jwks });
    verifiers.set(platform, verifier);
  }
  return verifier;
}

/**
 * The JWKS URL of a remote Maskinporten (`MASKINPORTEN_JWKS_URL`, else `<MASKINPORTEN_ISSUER>jwk`),
 * or undefined when the own Maskinporten's keys are read from the database.
 */
export function maskinportenJwksUrl(config: Pick<Config, 'PUBLIC_URL' | 'MASKINPORTEN_ISSUER' | 'MASKINPORTEN_JWKS_URL'>): string | undefined {
  if (config.MASKINPORTEN_ISSUER === undefined) return undefined;
  return config.MASKINPORTEN_JWKS_URL ?? `${maskinportenIssuer(config)}jwk`;
}

/**
 * A hook that admits a request only with a valid Maskinporten token carrying the scopes, and puts
 * the verified token on `request.maskinporten`. Use it as `onRequest` (checked before the body
 * is read or validated) or as `preHandler`.
 *
 * @example
 * app.get('/krr/rest/v2/personer', {
 *   onRequest: requireScopes(platform, ['krr:global/kontaktinformasjon.read']),
 *   schema: { ...bearerSecurity(['krr:global/kontaktinformasjon.read']), … },
 * }, async (request) => lookup(getMaskinportenToken(request).consumerOrgno, …));
 *
 * @param platform the platform (its verifier is made on the first call)
 * @param scopes scopes the token must carry (all, or one with `anyOf`); may be empty
 * @param options `anyOf`, `audience`, `realm`
 * @throws AppError (to the error handler) `AUTH_TOKEN_MISSING` 401, `AUTH_TOKEN_INVALID` 401,
 *   `AUTH_TOKEN_EXPIRED` 401, `AUTH_INSUFFICIENT_SCOPE` 403 (each with `WWW-Authenticate`),
 *   `AUTH_JWKS_UNAVAILABLE` 503
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 Authorization request header field
 */
export function requireScopes(platform: Platform, scopes: readonly string[], options: RequireScopesOptions = {}): AuthHook {
  const verifier = getTokenVerifier(platform);
  const realm = options.realm ?? platform.config.PUBLIC_URL;
  const required = [...scopes];
  const verifyOptions = { requiredScopes: required, anyOf: options.anyOf ?? false, audience: options.audience };
  return async function requireMaskinportenScopes(request: FastifyRequest): Promise<void> {
    try {
      const token = bearerToken(request.headers.authorization);
      request.maskinporten = await verifier.verify(token, verifyOptions);
    } catch (err) {
      throw err instanceof AppError ? withChallenge(err, realm, required) : err;
    }
  };
}

/**
 * The verified token of a route protected by {@link requireScopes}.
 *
 * @throws AppError `PLATFORM_INTERNAL` when the route has no such hook (a programming error)
 */
export function getMaskinportenToken(request: FastifyRequest): MaskinportenToken {
  const token = request.maskinporten;
  if (!token) throw platformError('PLATFORM_INTERNAL', `Route ${request.routeOptions.url ?? request.url} reads a Maskinporten token but has no requireScopes hook`);
  return token;
}

/**
 * The OpenAPI security requirement of a route protected by {@link requireScopes}, to spread into
 * its schema: `{ security: [{ maskinporten: scopes }] }` (OpenAPI 3.1 lets an HTTP bearer
 * requirement list the scopes it needs).
 */
export function bearerSecurity(scopes: readonly string[]): { security: Array<Record<string, string[]>> } {
  return { security: [{ [MASKINPORTEN_SECURITY_SCHEME]: [...scopes] }] };
}

/**
 * The `components.securitySchemes` of the OpenAPI documents: `maskinporten`, an HTTP bearer
 * scheme whose tokens come from the configured Maskinporten.
 */
export function openApiSecuritySchemes(
  config: Pick<Config, 'PUBLIC_URL' | 'MASKINPORTEN_ISSUER'>,
): Record<string, { type: 'http'; scheme: 'bearer'; bearerFormat: string; description: string }> {
  const issuer = maskinportenIssuer(config);
  return {
    [MASKINPORTEN_SECURITY_SCHEME]: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: `Maskinporten access token issued by ${issuer} (JWT-bearer grant at ${issuer}token); the route lists the scopes it requires.`,
    },
    [IDPORTEN_SECURITY_SCHEME]: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: `ID-porten access token (a logged-in person, \`pid\`) issued by ${ownIdportenIssuer(config)}; the route lists the scopes it requires.`,
    },
  };
}

/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 9110 §11.1).
 *
 * @param kind whose token the resource wants, named in the error
 * @throws AppError `AUTH_TOKEN_MISSING` when there is no header or it uses another scheme;
 *   `AUTH_TOKEN_INVALID` when the credentials are not one `b64token`
 */
export function bearerToken(header: string | undefined, kind: 'Maskinporten' | 'ID-porten' = 'Maskinporten'): string {
  if (header === undefined || header.trim() === '') throw authError('AUTH_TOKEN_MISSING', `This resource requires ${article(kind)} ${kind} bearer token`);
  const match = /^\s*(\S+)(?:\s+(.*?))?\s*$/.exec(header);
  if (!match || match[1]?.toLowerCase() !== 'bearer') {
    throw authError('AUTH_TOKEN_MISSING', `This resource requires ${article(kind)} ${kind} bearer token (Authorization: Bearer <token>)`);
  }
  const token = match[2] ?? '';
  if (!B64TOKEN.test(token)) throw authError('AUTH_TOKEN_INVALID', 'The Authorization header does not carry one bearer token');
  return token;
}

/** "a" or "an" before a token kind's name. */
function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}
