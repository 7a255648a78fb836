/**
 * Imported public keys of registered client keys, by `kid`, so a client's every grant does not
 * parse its JWK again. The registry is still read on every grant (the key row decides whether
 * the key exists, belongs to the client and is unexpired); only the import is cached, and an
 * entry is reused only while the stored JWK's modulus and exponent are unchanged.
 *
 * `node:crypto` `KeyObject`s are what `jose` accepts and itself converts to a `CryptoKey` once
 * per algorithm (a WeakMap keyed by the object), so reusing the object reuses that too.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** How long an imported key is reused, ms. */
export const CLIENT_KEY_CACHE_TTL_MS = 60_000;

/** Most keys kept; the cache is emptied when it would grow past this. */
export const CLIENT_KEY_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  n: string;
  e: string;
  key: KeyObject;
  until: number;
}

/** A per-process cache of imported RSA public keys, by `kid`. */
export class ClientKeyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;

  constructor(ttlMs: number = CLIENT_KEY_CACHE_TTL_MS) {
    this.#ttlMs = ttlMs;
  }

  /**
   * The public key of a registered JWK, imported once per `kid` and TTL.
   *
   * @param kid the key's id (unique across all clients)
   * @param jwk the registered public JWK (`kty: "RSA"`, `n`, `e`)
   * @param now epoch ms
   * @throws TypeError when the JWK is not an RSA public key Node can import
   */
  get(kid: string, jwk: JWK, now: number): KeyObject {
    const n = typeof jwk.n === 'string' ? jwk.n : '';
    const e = typeof jwk.e === 'string' ? jwk.e : '';
    const hit = this.#entries.get(kid);
    if (hit && hit.until > now && hit.n === n && hit.e === e) return hit.key;
    if (jwk.kty !== 'RSA' || !n || !e) throw new TypeError('The registered key is not an RSA public key');
    const key = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
    if (this.#entries.size >= CLIENT_KEY_CACHE_MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(kid, { n, e, key, until: now + this.#ttlMs });
    return key;
  }

  /** Number of cached keys (for tests). */
  get size(): number {
    return this.#entries.size;
  }
}
