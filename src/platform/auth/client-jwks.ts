/**
 * Digdir's rules for the public keys a client registers (`/clients/{client_id}/jwks`), shared by
 * the Maskinporten and ID-porten client registries. Pure: it checks a posted JWK Set and returns
 * the keys to store; each registry maps a broken rule to its own error code and keeps `kid`s
 * unique across its clients.
 *
 * Rules, each checked on every key in order, the first broken one is reported:
 * 1. at most 5 keys (`TOO_MANY_KEYS`);
 * 2. public keys only: a JWK with `d`, `p`, `q`, `dp`, `dq`, `qi`, `oth` or `k` is refused, so a
 *    private key posted by mistake is never stored (`PRIVATE_KEY_MATERIAL`);
 * 3. `kid` chosen by the customer: letters, digits and `._-`, at most 255 characters
 *    (`INVALID_KID`), once per set (`DUPLICATE_KID`);
 * 4. RSA signing keys only: `kty: RSA`, modulus of 2048 to 8192 bits, `alg` RS256/RS384/RS512
 *    when given, `use: sig` when given, `key_ops` only `verify`; an `x5c` certificate, when given,
 *    must hold the same key (`UNSUPPORTED_KEY`);
 * 5. `exp` (epoch seconds, as Digdir stores it on each JWK): at most one year after posting and
 *    not in the past; absent means one year (`INVALID_KEY_EXPIRY`).
 *
 * Digdir's pages disagree on the algorithm ("RS256 with 2048-bit keys only" vs RS256/384/512);
 * keys may name any of the three and be longer than 2048 bits. `alg` and `use` may be left out
 * (Digdir says "always send kty, alg, use, e, n"; a JWK exported by jose has neither).
 *
 * @see specs/idporten-maskinporten.md §1 "Client registration" (keys at most 1 year, kid rules)
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin ("Bruk av asymmetrisk nøkkel")
 * @see nais/digdirator `jwk-updater` README: "The JWK itself also has an exp parameter … implicitly
 *   set to 1 year in the future (which is also the maximum value)"
 */
import { createPublicKey, X509Certificate, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';

/** Most keys a client may have. */
export const MAX_CLIENT_KEYS = 5;
/** Key algorithms a registered key may name. */
export const CLIENT_KEY_ALGORITHMS = ['RS256', 'RS384', 'RS512'] as const;
const KID = /^[A-Za-z0-9._-]{1,255}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const MIN_MODULUS_BITS = 2048;
const MAX_MODULUS_BITS = 8192;

/** A posted JWK Set: `{ keys: [...] }`. Members are checked here, not trusted. */
export interface JwksInput {
  keys: Array<Record<string, unknown>>;
}

/** The rule a posted key set broke (see the file header). */
export type ClientJwksRule = 'TOO_MANY_KEYS' | 'PRIVATE_KEY_MATERIAL' | 'INVALID_KID' | 'DUPLICATE_KID' | 'UNSUPPORTED_KEY' | 'INVALID_KEY_EXPIRY';

/** A broken key rule. Registries catch it and throw their own catalogued error with `message`. */
export class ClientJwksError extends Error {
  /** Which rule. */
  readonly rule: ClientJwksRule;
  /** Index of the offending key in `keys`, when one key broke the rule. */
  readonly index: number | undefined;

  constructor(rule: ClientJwksRule, message: string, index?: number) {
    super(message);
    this.name = 'ClientJwksError';
    this.rule = rule;
    this.index = index;
  }
}

/** A checked key, ready to store. */
export interface CheckedClientKey {
  kid: string;
  /** The public JWK as stored: the known public members only, plus `exp` (epoch seconds). */
  jwk: JWK & { exp: number };
  /** Epoch ms when the key stops being accepted. */
  expires: number;
}

/**
 * The latest `exp` a key posted at `now` may have: the same time one calendar year later.
 *
 * @param now epoch ms
 * @returns epoch ms
 */
export function maxKeyExpiry(now: number): number {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.getTime();
}

/**
 * Checks a posted set (pure; see the rules in the file header). An empty set passes (a registry
 * decides whether a client may have no keys).
 *
 * @param now epoch ms of the posting
 * @returns the keys to store, in the posted order
 * @throws ClientJwksError naming the first broken rule
 */
export function checkClientJwks(jwks: JwksInput, now: number): CheckedClientKey[] {
  if (jwks.keys.length > MAX_CLIENT_KEYS) {
    throw new ClientJwksError('TOO_MANY_KEYS', `A client has at most ${MAX_CLIENT_KEYS} keys; the set has ${jwks.keys.length}`);
  }
  const seen = new Set<string>();
  return jwks.keys.map((jwk, i) => {
    const key = checkJwk(jwk, i, now);
    if (seen.has(key.kid)) throw new ClientJwksError('DUPLICATE_KID', `keys[${i}]: kid "${key.kid}" appears twice in the set`, i);
    seen.add(key.kid);
    return key;
  });
}

function checkJwk(jwk: Record<string, unknown>, i: number, now: number): CheckedClientKey {
  const at = `keys[${i}]`;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new ClientJwksError('UNSUPPORTED_KEY', `${at}: must be a JWK object`, i);
  }
  const secret = PRIVATE_MEMBERS.filter((m) => m in jwk);
  if (secret.length > 0) {
    throw new ClientJwksError(
      'PRIVATE_KEY_MATERIAL',
      `${at}: the JWK holds private key members (${secret.join(', ')}); post the public key only, and treat this private key as exposed`,
      i,
    );
  }
  const kid = jwk.kid;
  if (typeof kid !== 'string' || !KID.test(kid)) {
    throw new ClientJwksError('INVALID_KID', `${at}: kid must be 1–255 letters, digits, '.', '_' or '-'`, i);
  }
  const unsupported = (why: string): never => {
    throw new ClientJwksError('UNSUPPORTED_KEY', `${at} (${kid}): ${why}`, i);
  };
  if (jwk.kty !== 'RSA') unsupported(`kty must be "RSA" (got ${JSON.stringify(jwk.kty)})`);
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') unsupported('an RSA key needs n and e');
  if (!BASE64URL.test(jwk.n as string) || !BASE64URL.test(jwk.e as string)) unsupported('n and e are not a valid RSA public key (base64url without padding)');
  if (jwk.alg !== undefined && !(CLIENT_KEY_ALGORITHMS as readonly unknown[]).includes(jwk.alg)) {
    unsupported(`alg must be one of ${CLIENT_KEY_ALGORITHMS.join(', ')}`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') unsupported('use must be "sig"');
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.every((op) => op === 'verify'))) {
    unsupported('key_ops may only hold "verify"');
  }
  let modulusBits = 0;
  let publicDer: Buffer;
  try {
    const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as JsonWebKey, format: 'jwk' });
    modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    publicDer = key.export({ type: 'spki', format: 'der' });
  } catch {
    return unsupported('n and e are not a valid RSA public key (base64url without padding)');
  }
  if (modulusBits < MIN_MODULUS_BITS || modulusBits > MAX_MODULUS_BITS) {
    unsupported(`the RSA modulus has ${modulusBits} bits; ${MIN_MODULUS_BITS} to ${MAX_MODULUS_BITS} are accepted`);
  }
  if (jwk.x5c !== undefined) checkX5c(jwk.x5c, publicDer, unsupported);
  const latest = maxKeyExpiry(now);
  let expires = latest;
  if (jwk.exp !== undefined) {
    if (typeof jwk.exp !== 'number' || !Number.isInteger(jwk.exp)) {
      throw new ClientJwksError('INVALID_KEY_EXPIRY', `${at} (${kid}): exp must be whole epoch seconds`, i);
    }
    expires = jwk.exp * 1000;
    if (expires <= now) throw new ClientJwksError('INVALID_KEY_EXPIRY', `${at} (${kid}): exp is in the past`, i);
    if (expires > latest) {
      throw new ClientJwksError(
        'INVALID_KEY_EXPIRY',
        `${at} (${kid}): exp is more than one year after posting; the latest allowed is ${Math.floor(latest / 1000)} (${new Date(latest).toISOString()})`,
        i,
      );
    }
  }
  const stored: Record<string, unknown> = {};
  for (const member of ['kty', 'kid', 'alg', 'use', 'key_ops', 'n', 'e', 'x5c', 'x5t', 'x5t#S256'] as const) {
    if (jwk[member] !== undefined) stored[member] = jwk[member];
  }
  stored.exp = Math.floor(expires / 1000);
  return { kid, jwk: stored as JWK & { exp: number }, expires };
}

/** The first `x5c` certificate (base64 DER) must carry the JWK's public key. */
function checkX5c(x5c: unknown, publicDer: Buffer, unsupported: (why: string) => never): void {
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => typeof c === 'string')) unsupported('x5c must be a non-empty list of base64 certificates');
  let certKey: Buffer;
  try {
    const cert = new X509Certificate(Buffer.from((x5c as string[])[0]!, 'base64'));
    certKey = cert.publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    return unsupported('x5c[0] is not a base64 DER X.509 certificate');
  }
  if (!certKey.equals(publicDer)) unsupported('the x5c certificate holds another key than n and e');
}
