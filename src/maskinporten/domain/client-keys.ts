/**
 * A client's public keys (`/clients/{client_id}/jwks`): POST and PUT both replace the whole set.
 *
 * Rules, each checked on every key before anything is written:
 * 1. at most 5 keys (`MASKINPORTEN_TOO_MANY_KEYS`);
 * 2. public keys only: a JWK with `d`, `p`, `q`, `dp`, `dq`, `qi`, `oth` or `k` is refused, so a
 *    private key posted by mistake is never stored (`MASKINPORTEN_PRIVATE_KEY_MATERIAL`);
 * 3. `kid` chosen by the customer: letters, digits and `._-`, at most 255 characters
 *    (`MASKINPORTEN_INVALID_KID`), once per set (`MASKINPORTEN_DUPLICATE_KID`), and unique across
 *    all clients (`MASKINPORTEN_KID_IN_USE`, 409);
 * 4. RSA signing keys only: `kty: RSA`, modulus of 2048 to 8192 bits, `alg` RS256/RS384/RS512
 *    when given, `use: sig` when given; an `x5c` certificate, when given, must hold the same key
 *    (`MASKINPORTEN_UNSUPPORTED_KEY`);
 * 5. `exp` (epoch seconds, as Digdir stores it on each JWK): at most one year after posting and
 *    not in the past; absent means one year (`MASKINPORTEN_INVALID_KEY_EXPIRY`).
 *
 * Decisions (README "Self-service API"): Digdir's pages disagree on the algorithm ("RS256 with
 * 2048-bit keys only" vs RS256/384/512); the grant accepts RS256/384/512, so a key may say any of
 * them, and keys longer than 2048 bits are accepted. `alg` and `use` may be left out (Digdir says
 * "always send kty, alg, use, e, n"; a JWK exported by jose has neither).
 *
 * @see specs/idporten-maskinporten.md §1 "Client registration" (keys at most 1 year, kid rules)
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin ("Bruk av asymmetrisk nøkkel")
 * @see nais/digdirator `jwk-updater` README: "The JWK itself also has an exp parameter … implicitly
 *   set to 1 year in the future (which is also the maximum value)"
 */
import { createPublicKey, X509Certificate, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import type { Database } from '../../platform/db/database.ts';
import { maskinportenError } from '../errors.ts';
import { deleteClientKeys, findClientKeys, insertClientKeys, listClientKeys } from '../store/clients-store.ts';
import { maskinportenDb } from '../store/db.ts';
import { updateClientRow } from '../store/clients-store.ts';
import type { ClientKeyRow } from '../store/tables.ts';
import type { Actor } from './actor.ts';
import { activeClientRow, visibleClientRow } from './clients.ts';
import type { NowOption } from './scopes.ts';
import type { ClientJwks, ClientKey } from './types.ts';

/** Most keys a client may have. */
export const MAX_CLIENT_KEYS = 5;
/** Key algorithms a registered key may name (those the JWT-bearer grant accepts). */
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
 * Replaces the client's keys with `jwks` (an empty set removes them all).
 *
 * @returns the stored set, each key with its `exp` (epoch seconds)
 * @throws AppError `MASKINPORTEN_CLIENT_NOT_FOUND` (404), `MASKINPORTEN_CLIENT_INACTIVE` (409),
 *   `MASKINPORTEN_TOO_MANY_KEYS`, `MASKINPORTEN_PRIVATE_KEY_MATERIAL`, `MASKINPORTEN_INVALID_KID`,
 *   `MASKINPORTEN_DUPLICATE_KID`, `MASKINPORTEN_UNSUPPORTED_KEY`, `MASKINPORTEN_INVALID_KEY_EXPIRY`
 *   (400), `MASKINPORTEN_KID_IN_USE` (409)
 */
export async function setClientKeys(db: Database, clientId: string, jwks: JwksInput, actor: Actor, options: NowOption = {}): Promise<ClientJwks> {
  const k = maskinportenDb(db);
  await activeClientRow(k, clientId, actor);
  const now = options.now ?? Date.now();
  const rows = checkJwks(jwks, clientId, now);
  const taken = (await findClientKeys(k, rows.map((r) => r.kid))).filter((key) => key.client_id !== clientId);
  if (taken.length > 0) throw kidInUse(taken.map((t) => t.kid));
  try {
    await k.transaction().execute(async (trx) => {
      await deleteClientKeys(trx, clientId);
      await insertClientKeys(trx, rows);
      await updateClientRow(trx, clientId, { last_updated: now });
    });
  } catch (err) {
    // A concurrent registration took one of the kids between the check and the insert.
    if (isUniqueViolation(err)) throw kidInUse(rows.map((r) => r.kid));
    throw err;
  }
  return toJwks(await listClientKeys(k, clientId));
}

/**
 * The client's registered keys (expired ones included, each with its `exp`).
 *
 * @throws AppError `MASKINPORTEN_CLIENT_NOT_FOUND` (404)
 */
export async function getClientKeys(db: Database, clientId: string, actor: Actor): Promise<ClientJwks> {
  const k = maskinportenDb(db);
  await visibleClientRow(k, clientId, actor);
  return toJwks(await listClientKeys(k, clientId));
}

/**
 * Checks a posted set and returns the rows to store (pure; see the rules in the file header).
 *
 * @param now epoch ms of the posting
 */
export function checkJwks(jwks: JwksInput, clientId: string, now: number): ClientKeyRow[] {
  if (jwks.keys.length > MAX_CLIENT_KEYS) {
    throw maskinportenError('MASKINPORTEN_TOO_MANY_KEYS', `A client has at most ${MAX_CLIENT_KEYS} keys; the set has ${jwks.keys.length}`);
  }
  const seen = new Set<string>();
  return jwks.keys.map((jwk, i) => {
    const row = checkJwk(jwk, i, clientId, now);
    if (seen.has(row.kid)) throw maskinportenError('MASKINPORTEN_DUPLICATE_KID', `keys[${i}]: kid "${row.kid}" appears twice in the set`);
    seen.add(row.kid);
    return row;
  });
}

function checkJwk(jwk: Record<string, unknown>, i: number, clientId: string, now: number): ClientKeyRow {
  const at = `keys[${i}]`;
  const secret = PRIVATE_MEMBERS.filter((m) => m in jwk);
  if (secret.length > 0) {
    throw maskinportenError(
      'MASKINPORTEN_PRIVATE_KEY_MATERIAL',
      `${at}: the JWK holds private key members (${secret.join(', ')}); post the public key only, and treat this private key as exposed`,
    );
  }
  const kid = jwk.kid;
  if (typeof kid !== 'string' || !KID.test(kid)) {
    throw maskinportenError('MASKINPORTEN_INVALID_KID', `${at}: kid must be 1–255 letters, digits, '.', '_' or '-'`);
  }
  const unsupported = (why: string): never => {
    throw maskinportenError('MASKINPORTEN_UNSUPPORTED_KEY', `${at} (${kid}): ${why}`);
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
      throw maskinportenError('MASKINPORTEN_INVALID_KEY_EXPIRY', `${at} (${kid}): exp must be whole epoch seconds`);
    }
    expires = jwk.exp * 1000;
    if (expires <= now) throw maskinportenError('MASKINPORTEN_INVALID_KEY_EXPIRY', `${at} (${kid}): exp is in the past`);
    if (expires > latest) {
      throw maskinportenError(
        'MASKINPORTEN_INVALID_KEY_EXPIRY',
        `${at} (${kid}): exp is more than one year after posting; the latest allowed is ${Math.floor(latest / 1000)} (${new Date(latest).toISOString()})`,
      );
    }
  }
  const stored: JWK = {};
  for (const member of ['kty', 'kid', 'alg', 'use', 'key_ops', 'n', 'e', 'x5c', 'x5t', 'x5t#S256'] as const) {
    if (jwk[member] !== undefined) (stored as Record<string, unknown>)[member] = jwk[member];
  }
  (stored as Record<string, unknown>).exp = Math.floor(expires / 1000);
  return { kid, client_id: clientId, jwk: JSON.stringify(stored), created: now, expires };
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

function toJwks(keys: ClientKey[]): ClientJwks {
  if (keys.length === 0) return { keys: [] };
  const created = Math.min(...keys.map((k) => k.created));
  const lastUpdated = Math.max(...keys.map((k) => k.created));
  return {
    created: new Date(created).toISOString(),
    last_updated: new Date(lastUpdated).toISOString(),
    keys: keys.map((k) => ({ ...k.jwk, exp: Math.floor(k.expires / 1000) })),
  };
}

function kidInUse(kids: string[]) {
  return maskinportenError('MASKINPORTEN_KID_IN_USE', `kid ${kids.map((k) => `"${k}"`).join(', ')} is registered on another client; a kid is unique across all clients`);
}

/** A primary-key or unique violation on PostgreSQL (23505) or SQLite. */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return e?.code === '23505' || (typeof e?.message === 'string' && /UNIQUE constraint failed|PRIMARY KEY/i.test(e.message));
}
