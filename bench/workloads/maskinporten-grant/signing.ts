/**
 * Signing the `maskinporten-grant` assertions and form bodies, for the feed (feed.ts) and its
 * worker thread (signer-worker.ts). RS256 with `node:crypto` and a `KeyObject` imported once.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Side } from '../../lib/workload.ts';

/** `exp − iat` of every assertion, seconds (ours accepts ≤ 120). */
export const ASSERTION_LIFETIME_S = 110;

/** What our server reports to the harness (see ours.ts). */
export interface OursDetails {
  clientId: string;
  kid: string;
  /** The client's private key (made for this run only). */
  privateJwk: JsonWebKey;
  /** `<PUBLIC_URL>/maskinporten/` (the issuer, trailing slash). */
  audience: string;
  /** Space-separated scopes the client asks for. */
  scope: string;
  /** `/maskinporten/token`. */
  tokenPath: string;
}

/** What the peer reports to the harness (see peer.ts). */
export interface PeerDetails {
  clientId: string;
  kid: string;
  privateJwk: JsonWebKey;
  /** The peer's issuer identifier (accepted as assertion `aud`). */
  audience: string;
  scope: string;
  /** The resource indicator that makes the peer issue a JWT access token (its default). */
  resource: string;
  /** `/token`. */
  tokenPath: string;
}

/** A request to the worker: sign `count` bodies for `side` with this `iat` (epoch seconds). */
export interface SignJob {
  id: number;
  side: Side;
  details: unknown;
  iat: number;
  count: number;
}

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const JWT_BEARER_CLIENT_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A signer for one side: header, key and the shapes of claims and body. */
export interface Signer {
  header: string;
  key: KeyObject;
  claims: (iat: number) => Record<string, unknown>;
  body: (jwt: string) => string;
}

/** The signer of `side`, from what its server reported. */
export function makeSigner(side: Side, details: unknown): Signer {
  if (side === 'ours') {
    const d = details as OursDetails;
    const prefix = `grant_type=${encodeURIComponent(JWT_BEARER_GRANT)}&assertion=`;
    return {
      header: b64url({ alg: 'RS256', kid: d.kid }),
      key: createPrivateKey({ key: d.privateJwk, format: 'jwk' }),
      // Exactly the claims Maskinporten expects: any unknown claim is refused (spec §3).
      claims: (iat) => ({ aud: d.audience, iss: d.clientId, scope: d.scope, iat, exp: iat + ASSERTION_LIFETIME_S, jti: randomUUID() }),
      body: (jwt) => prefix + jwt,
    };
  }
  const d = details as PeerDetails;
  const prefix =
    `grant_type=client_credentials&client_id=${encodeURIComponent(d.clientId)}&scope=${encodeURIComponent(d.scope)}` +
    `&client_assertion_type=${encodeURIComponent(JWT_BEARER_CLIENT_ASSERTION)}&client_assertion=`;
  return {
    header: b64url({ alg: 'RS256', kid: d.kid }),
    key: createPrivateKey({ key: d.privateJwk, format: 'jwk' }),
    // RFC 7523 §3 client authentication: iss = sub = client_id, aud = the issuer.
    claims: (iat) => ({ aud: d.audience, iss: d.clientId, sub: d.clientId, iat, exp: iat + ASSERTION_LIFETIME_S, jti: randomUUID() }),
    body: (jwt) => prefix + jwt,
  };
}

/** One compact RS256 JWT with fresh claims (a new `jti`). */
export function signJwt(s: Signer, iat: number): string {
  const input = `${s.header}.${b64url(s.claims(iat))}`;
  return `${input}.${sign('sha256', Buffer.from(input), s.key).toString('base64url')}`;
}

/** `count` form bodies, each with a freshly signed assertion. */
export function signBodies(s: Signer, iat: number, count: number): string[] {
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = s.body(signJwt(s, iat));
  return out;
}

/** RS256 signatures per second on this thread's core (≈ 0.2 s of signing, with a throw-away key). */
export function measureSigningRate(): number {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const s: Signer = { header: b64url({ alg: 'RS256', kid: 'k' }), key, claims: (iat) => ({ iat, jti: randomUUID() }), body: (j) => j };
  for (let i = 0; i < 30; i++) signJwt(s, 0);
  const n = 500;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) signJwt(s, 0);
  return (n * 1000) / (performance.now() - t0);
}
