/**
 * Verifies a Maskinporten access token (a JWT signed by the issuer) the way a resource server
 * must: signature against the issuer's JWKS, `iss`, `exp`/`iat`/`nbf` within ±10 s, the
 * scopes the API demands, optionally `aud`; and hands the API a typed token with the consumer
 * organisation.
 *
 * Every failure of the token is an {@link AppError} of {@link authErrors} (401/403), never a 500:
 * a token is caller input.
 *
 * @see specs/idporten-maskinporten.md §3 "Access token"
 * @see https://www.rfc-editor.org/rfc/rfc9068 JWT profile for OAuth 2.0 access tokens (checks of a resource server)
 * @see https://www.rfc-editor.org/rfc/rfc8725 JWT best current practices (algorithm allow-list)
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { AppError } from '../errors.ts';
import { authError } from './errors.ts';
import { JwksUnavailableError, type JwksSource } from './jwks-source.ts';

/** Clock skew allowed on `exp`, `iat` and `nbf`, in seconds (Maskinporten's own ±10 s). */
export const TOKEN_CLOCK_SKEW_S = 10;

/**
 * Signature algorithms accepted: Maskinporten's RS256/RS384/RS512, and ES256 because a Grunnmur
 * with `KEY_ALGORITHM=ES256` signs with it. Never `none` or HMAC (RFC 8725 §3.1).
 */
export const TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256'] as const;

/** Longest token accepted, in characters (a Maskinporten token is about 1 KiB). */
export const MAX_TOKEN_LENGTH = 16_384;

/**
 * Tokens whose signature was verified are kept (at most this many, least recently verified
 * dropped first), so an API client that sends the same token on every call, as a Maskinporten
 * client does for the token's lifetime, costs one signature check instead of one per request.
 * A kept token still gets every time, issuer and audience check on each use.
 */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * A kept token is verified again, signature and all, after this many seconds: a key withdrawn
 * from the issuer's JWKS stops accepting its tokens within this time (or at their `exp`, if sooner).
 */
export const VERIFIED_TOKEN_RECHECK_S = 300;

/** ISO 6523 identifier of an organisation, as in `consumer` and `supplier`. */
export interface Iso6523Identifier {
  /** Always `iso6523-actorid-upis`. */
  authority: string;
  /** `<ICD>:<identifier>`, e.g. `0192:991825827` (ICD 0192 = Norwegian organisasjonsnummer). */
  ID: string;
}

/** The claims of a Maskinporten access token. */
export interface MaskinportenClaims extends JWTPayload {
  iss: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Issue time, epoch seconds. */
  iat: number;
  client_id: string;
  /** How the client authenticated: `private_key_jwt`, `virksomhetssertifikat`, … */
  client_amr?: string;
  /** Granted scopes, space-separated. */
  scope?: string;
  token_type?: string;
  consumer: Iso6523Identifier;
  /** The supplier acting for the consumer (delegated tokens). */
  supplier?: Iso6523Identifier;
  /** Altinn issuer URL of the delegation (delegated tokens). */
  delegation_source?: string;
  /** End user's fødselsnummer (end-user-restricted tokens). */
  pid?: string;
  /** RFC 9396 rich authorization details (e.g. `urn:altinn:systemuser`). */
  authorization_details?: unknown[];
}

/** A verified Maskinporten access token, as handed to a route. */
export interface MaskinportenToken {
  /** `client_id` of the integration that asked for the token. */
  clientId: string;
  /** Organisasjonsnummer (9 digits) of the consumer, from `consumer.ID` `0192:<orgno>`. */
  consumerOrgno: string;
  /** Organisasjonsnummer of the supplier on delegated tokens, from `supplier.ID`. */
  supplierOrgno?: string;
  /** Granted scopes. */
  scopes: string[];
  /** End user's fødselsnummer on end-user-restricted tokens. */
  pid?: string;
  /** `aud` as a list, when the token has one (`["unspecified"]` when no resource was asked for). */
  audience?: string[];
  /** Every claim of the token. */
  claims: MaskinportenClaims;
}

/** What a route demands of a token. */
export interface VerifyOptions {
  /** Scopes the token must carry (all of them, or one of them with `anyOf`). */
  requiredScopes?: readonly string[];
  /** True: one of `requiredScopes` is enough. Default false: all are required. */
  anyOf?: boolean;
  /**
   * When set, `aud` must contain this value (or one of these values). When not set, a token with
   * an `aud` other than `"unspecified"` is refused: it was made for another API (RFC 8707 §2).
   */
  audience?: string | readonly string[];
}

/** Options of {@link TokenVerifier}. */
export interface TokenVerifierOptions {
  /** The issuer whose tokens are accepted; `iss` may have or lack its trailing slash. */
  issuer: string;
  /** The issuer's keys. */
  jwks: JwksSource;
  /** Clock, epoch ms (default `Date.now`); tests pass their own. */
  now?: () => number;
  /**
   * When set, the JWS header's `typ` must be this (e.g. `at+jwt` for ID-porten's access tokens,
   * RFC 9068 §2.1). Maskinporten's tokens carry no `typ`, so its verifier sets none.
   */
  typ?: string;
}

/**
 * Checks Maskinporten access tokens of one issuer. One per process (the JWKS cache lives in it).
 */
export class TokenVerifier {
  /** The issuer, as configured. */
  readonly issuer: string;
  readonly #issuers: string[];
  readonly #jwks: JwksSource;
  readonly #now: () => number;
  readonly #typ: string | undefined;
  /** token → its verified claims and when the signature was checked (epoch ms). */
  readonly #verified = new Map<string, { payload: JWTPayload; checkedAt: number }>();

  constructor(options: TokenVerifierOptions) {
    this.issuer = options.issuer;
    const bare = options.issuer.replace(/\/+$/, '');
    // Digdir's pages write Maskinporten's issuer both with and without the trailing slash (spec §3).
    this.#issuers = [...new Set([options.issuer, bare, `${bare}/`])];
    this.#jwks = options.jwks;
    this.#now = options.now ?? Date.now;
    this.#typ = options.typ;
  }

  /**
   * Verifies a token and returns it typed.
   *
   * @param token the compact JWT from `Authorization: Bearer …`
   * @param options required scopes (all, or any with `anyOf`) and an optional audience
   * @returns the verified token with the consumer's organisasjonsnummer
   * @throws AppError `AUTH_TOKEN_INVALID` (401) when the token is malformed, has a bad or unknown
   *   signature key, a disallowed `alg`, another issuer, `iat`/`nbf` more than 10 s in the future,
   *   a wrong audience (or any audience but `"unspecified"` when the API names none) or claims
   *   that are not a Maskinporten token's;
   *   `AUTH_TOKEN_EXPIRED` (401) when `exp` is more than 10 s past;
   *   `AUTH_INSUFFICIENT_SCOPE` (403) when a required scope is missing;
   *   `AUTH_JWKS_UNAVAILABLE` (503) when the issuer's keys cannot be read at all
   */
  async verify(token: string, options: VerifyOptions = {}): Promise<MaskinportenToken> {
    const claims = await this.#verifyJwt(token, options.audience);
    const verified = toMaskinportenToken(claims);
    checkScopes(verified.scopes, options.requiredScopes ?? [], options.anyOf ?? false);
    return verified;
  }

  async #verifyJwt(token: string, audience: string | readonly string[] | undefined): Promise<MaskinportenClaims> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) {
      throw invalid('The token is not a signed JWT (JWS compact serialization)');
    }
    const now = this.#now();
    // A token verified before skips the decoding and the signature check (see #keptValid).
    let payload = this.#keptValid(token, audience, now);
    if (payload === undefined) payload = await this.#verifySignedJwt(token, audience, now);
    // A token restricted to an audience (RFC 8707 `resource` → `aud`) is for that API only: an API
    // that names no audience of its own accepts only tokens without one (or Digdir's "unspecified").
    if (audience === undefined && payload.aud !== undefined) {
      const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      const foreign = auds.filter((a) => a !== 'unspecified');
      if (foreign.length > 0) {
        throw invalid(`The token is restricted to the audience ${foreign.join(', ')}, not this API; ask Maskinporten for a token without resource`);
      }
    }
    // jose checks iat only together with maxTokenAge; Maskinporten's rule is iat ≤ now + 10 s.
    if ((payload.iat as number) > now / 1000 + TOKEN_CLOCK_SKEW_S) {
      throw invalid(`The token's iat is more than ${TOKEN_CLOCK_SKEW_S} s in the future`);
    }
    return payload as MaskinportenClaims;
  }

  /** The full verification of a token not kept: shape, header, issuer, then jose's `jwtVerify`. */
  async #verifySignedJwt(token: string, audience: string | readonly string[] | undefined, now: number): Promise<JWTPayload> {
    let alg: unknown;
    let kid: unknown;
    let unverified: JWTPayload;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
      unverified = decodeJwt(token);
    } catch {
      throw invalid('The token is not a signed JWT (JWS compact serialization)');
    }
    if (typeof alg !== 'string' || !(TOKEN_ALGORITHMS as readonly string[]).includes(alg)) {
      throw invalid(`The token's alg ${String(alg)} is not accepted; use one of ${TOKEN_ALGORITHMS.join(', ')}`);
    }
    if (typeof kid !== 'string' || kid.length === 0) throw invalid('The token header has no kid');
    // Checked before the keys are looked up, so a foreign token cannot trigger a JWKS refresh.
    if (typeof unverified.iss !== 'string' || !this.#issuers.includes(unverified.iss)) {
      throw invalid(`The token was not issued by ${this.issuer}`);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks.getKey, {
        issuer: this.#issuers,
        algorithms: [...TOKEN_ALGORITHMS],
        clockTolerance: TOKEN_CLOCK_SKEW_S,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'iat'],
        ...(this.#typ === undefined ? {} : { typ: this.#typ }),
        ...(audience === undefined ? {} : { audience: typeof audience === 'string' ? audience : [...audience] }),
      }));
    } catch (err) {
      throw fromJoseError(err, kid);
    }
    this.#keep(token, payload, now);
    return payload;
  }

  /**
   * The claims of a kept token when they pass jose's time and audience checks as `jwtVerify`
   * would make them now (`exp`, `nbf` with the clock skew; `aud`); undefined when the token is
   * not kept, is due for a new signature check, or fails a check (the full verification then
   * runs and gives the exact error).
   */
  #keptValid(token: string, audience: string | readonly string[] | undefined, now: number): JWTPayload | undefined {
    const kept = this.#verified.get(token);
    if (kept === undefined) return undefined;
    const nowS = Math.floor(now / 1000);
    const { payload } = kept;
    const fresh = now - kept.checkedAt < VERIFIED_TOKEN_RECHECK_S * 1000;
    const timely = (payload.exp as number) > nowS - TOKEN_CLOCK_SKEW_S && (payload.nbf === undefined || (payload.nbf as number) <= nowS + TOKEN_CLOCK_SKEW_S);
    if (!fresh || !timely) {
      this.#verified.delete(token);
      return undefined;
    }
    if (audience !== undefined) {
      const wanted = typeof audience === 'string' ? [audience] : audience;
      const auds = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!auds.some((a) => wanted.includes(a))) return undefined;
    }
    return payload;
  }

  /** Keeps a token whose signature and claims were verified at `now` (epoch ms). */
  #keep(token: string, payload: JWTPayload, now: number): void {
    if (this.#verified.size >= VERIFIED_TOKEN_CACHE_SIZE) this.#verified.delete(this.#verified.keys().next().value as string);
    this.#verified.set(token, { payload, checkedAt: now });
  }
}

/**
 * The typed token from verified claims.
 *
 * @throws AppError `AUTH_TOKEN_INVALID` when `client_id`, `consumer`, `supplier`, `scope` or `pid`
 *   do not have a Maskinporten token's shape
 */
export function toMaskinportenToken(claims: MaskinportenClaims): MaskinportenToken {
  if (typeof claims.client_id !== 'string' || claims.client_id.length === 0) throw invalid('The token has no client_id');
  const consumerOrgno = orgnoOf(claims.consumer, 'consumer');
  if (consumerOrgno === undefined) throw invalid('The token has no consumer');
  const supplierOrgno = orgnoOf(claims.supplier, 'supplier');
  if (claims.scope !== undefined && typeof claims.scope !== 'string') throw invalid('The token scope is not a string');
  if (claims.pid !== undefined && typeof claims.pid !== 'string') throw invalid('The token pid is not a string');
  const aud = claims.aud;
  const token: MaskinportenToken = {
    clientId: claims.client_id,
    consumerOrgno,
    scopes: (claims.scope ?? '').split(' ').filter((s) => s.length > 0),
    claims,
  };
  if (supplierOrgno !== undefined) token.supplierOrgno = supplierOrgno;
  if (claims.pid !== undefined) token.pid = claims.pid;
  if (aud !== undefined) token.audience = Array.isArray(aud) ? aud : [aud];
  return token;
}

/**
 * The organisasjonsnummer of an ISO 6523 identifier `{authority: "iso6523-actorid-upis", ID:
 * "0192:<orgno>"}`; the ID may have 2–4 colon-separated parts (spec §3), the orgno is the second.
 */
function orgnoOf(value: unknown, claim: string): string | undefined {
  if (value === undefined) return undefined;
  const id = value as Partial<Iso6523Identifier> | null;
  const parts = typeof id?.ID === 'string' ? id.ID.split(':') : [];
  if (
    id === null ||
    typeof id !== 'object' ||
    id.authority !== 'iso6523-actorid-upis' ||
    parts.length < 2 ||
    parts.length > 4 ||
    parts[0] !== '0192' ||
    !/^\d{9}$/.test(parts[1] ?? '')
  ) {
    throw invalid(`The token's ${claim} is not an iso6523-actorid-upis 0192:<organisasjonsnummer>`);
  }
  return parts[1];
}

/**
 * @throws AppError `AUTH_INSUFFICIENT_SCOPE` naming the scopes that are missing
 */
function checkScopes(granted: readonly string[], required: readonly string[], anyOf: boolean): void {
  if (required.length === 0) return;
  const has = new Set(granted);
  const missing = required.filter((s) => !has.has(s));
  const ok = anyOf ? missing.length < required.length : missing.length === 0;
  if (ok) return;
  const message = anyOf
    ? `The token has none of the scopes ${required.join(', ')}`
    : `The token lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  throw authError('AUTH_INSUFFICIENT_SCOPE', message, { extra: { requiredScopes: [...required], anyOf } });
}

function invalid(message: string, cause?: unknown): AppError {
  return authError('AUTH_TOKEN_INVALID', message, cause === undefined ? {} : { cause });
}

/** jose's verification errors → 401s; a JWKS that cannot be read → 503; anything else is a bug. */
function fromJoseError(err: unknown, kid: string): unknown {
  if (err instanceof JwksUnavailableError) {
    // Exposed: the caller may retry, and the message names nothing internal.
    return authError('AUTH_JWKS_UNAVAILABLE', "The token issuer's keys cannot be read; try again later", { cause: err, expose: true });
  }
  if (err instanceof errors.JWTExpired) return authError('AUTH_TOKEN_EXPIRED', 'The token has expired', { cause: err });
  if (err instanceof errors.JWKSNoMatchingKey) return invalid(`The token's key ${kid} is not in the issuer's JWKS`, err);
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid('The token signature is invalid', err);
  if (err instanceof errors.JWTClaimValidationFailed) return invalid(`The token's claims are not accepted: ${err.message}`, err);
  if (err instanceof errors.JOSEError) return invalid(`The token is not accepted: ${err.message}`, err);
  return err;
}
