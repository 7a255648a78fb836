/**
 * Where a token verifier gets the issuer's public keys: a JWK Set, cached, and read again when a
 * token names a `kid` the cached set does not hold (a key rotated in since the last read).
 *
 * Two sources share one cache ({@link CachedJwks}):
 * - {@link localJwks}: this Grunnmur's own Maskinporten. Reads `KeyStore.getJwks(issuer)` from the
 *   database every process shares, so a key made by any process is found. Cached briefly.
 * - {@link remoteJwks}: another Maskinporten (the real one, or another Grunnmur). Fetches the JWKS
 *   URL over HTTP. Cached for an hour.
 *
 * A token with an unknown `kid` makes the source read the JWKS again. For a remote JWKS at most
 * once per cooldown (10 s), so nobody can make us hammer the JWKS URL with made-up `kid`s; failed
 * fetches count for the cooldown too. The own JWKS has no cooldown (see
 * {@link LOCAL_JWKS_COOLDOWN_MS}); concurrent reads are shared either way. When a refresh of an expired cache fails, the keys
 * already known keep verifying (a JWKS outage does not stop every API) and the failure is logged.
 *
 * Written here rather than with jose's `createRemoteJWKSet`, which does the same refetch on an
 * unknown `kid` but (in jose 6.2) lets failed fetches bypass its cooldown, throws away every
 * known key when a refresh after `cacheMaxAge` fails, and reads the wall clock (so the cooldown
 * could not be tested without waiting). Matching a key to a token header is still jose's
 * `createLocalJWKSet`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5 JWK Set
 * @see specs/idporten-maskinporten.md §3 "Resource servers validate … `kid` against the JWKS (cache about 24 h)"
 */
import {
  createLocalJWKSet,
  errors,
  type CryptoKey,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';
import type { Logger } from 'pino';
import type { KeyStore } from '../keys/key-store.ts';

/** How long the own Maskinporten's JWKS is reused before it is read from the database again, in ms. */
export const LOCAL_JWKS_MAX_AGE_MS = 60_000;
/**
 * Least time between two reads of the own JWKS triggered by unknown `kid`s, in ms: none. The key
 * store signs with a new key as soon as it is rotated in, so any cooldown would reject that key's
 * first tokens for as long as it lasts; a read is one indexed query, concurrent reads are shared,
 * and the rate limit bounds how many a client can cause.
 */
export const LOCAL_JWKS_COOLDOWN_MS = 0;
/** How long a remote JWKS is reused before it is fetched again, in ms (1 h). */
export const REMOTE_JWKS_MAX_AGE_MS = 3_600_000;
/** Least time between two fetches of a remote JWKS (successful or not), in ms. */
export const REMOTE_JWKS_COOLDOWN_MS = 10_000;
/** Timeout of one remote JWKS fetch, in ms. */
export const REMOTE_JWKS_TIMEOUT_MS = 5_000;
/** Largest remote JWKS accepted, in bytes. */
export const REMOTE_JWKS_MAX_BYTES = 256 * 1024;

/** A source of verification keys, in the shape of jose's key-resolving function for `jwtVerify`. */
export interface JwksSource {
  /**
   * The public key for a token header (`kid`, `alg`).
   *
   * @throws jose `JWKSNoMatchingKey` when no published key matches, even after a permitted refresh
   * @throws {@link JwksUnavailableError} when the JWKS cannot be read and no key is known
   */
  getKey(header: JWSHeaderParameters, token?: FlattenedJWSInput): Promise<CryptoKey>;
  /** What the keys come from, for logs and errors (`database:<issuer>` or the JWKS URL). */
  readonly description: string;
}

/** The JWKS could not be read (database or HTTP failure, not a JWK Set) and no keys are known. */
export class JwksUnavailableError extends Error {
  /** @param description the source ({@link JwksSource.description}); @param cause why the read failed */
  constructor(description: string, cause: unknown) {
    super(`Cannot read the JWKS from ${description}`, { cause });
    this.name = 'JwksUnavailableError';
  }
}

/** Options of {@link CachedJwks}. */
export interface CachedJwksOptions {
  /** Reads the JWK Set (`{ keys: [...] }`); may throw. */
  load: () => Promise<unknown>;
  /** See {@link JwksSource.description}. */
  description: string;
  /** A loaded set older than this is read again before use, in ms. */
  maxAgeMs: number;
  /** Least time between two reads, in ms; a read that failed counts too. */
  cooldownMs: number;
  /** Clock, epoch ms (default `Date.now`); tests pass their own. */
  now?: () => number;
  /** Warns here when a refresh fails and the stale keys are kept. */
  log?: Logger;
}

/** A JWK Set cache with refresh on an unknown `kid`, limited by a cooldown (see the file header). */
export class CachedJwks implements JwksSource {
  readonly description: string;
  readonly #load: () => Promise<unknown>;
  readonly #maxAgeMs: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  #keys: ReturnType<typeof createLocalJWKSet> | undefined;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #pending: Promise<void> | undefined;
  #reads = 0;

  /** @param options the loader, cache age and cooldown (ms), clock and logger */
  constructor(options: CachedJwksOptions) {
    this.description = options.description;
    this.#load = options.load;
    this.#maxAgeMs = options.maxAgeMs;
    this.#cooldownMs = options.cooldownMs;
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
    this.getKey = this.getKey.bind(this);
  }

  /** How many times the JWKS was read (successfully or not) since this cache was made. */
  get reads(): number {
    return this.#reads;
  }

  /**
   * The key for a token header; reads the JWKS when the cache is missing or older than `maxAgeMs`,
   * and once more (cooldown permitting) when no cached key matches. Bound, so it can be handed
   * to jose's `jwtVerify` as is.
   *
   * @throws jose `JWKSNoMatchingKey`; {@link JwksUnavailableError}
   */
  async getKey(header: JWSHeaderParameters, token?: FlattenedJWSInput): Promise<CryptoKey> {
    if (this.#keys === undefined || this.#now() - this.#loadedAt >= this.#maxAgeMs) await this.#refreshExpired();
    try {
      return await this.#match(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || !this.#mayRead()) throw err;
    }
    // A key rotated in since the last read, or a made-up kid: read once more (cooldown permitting).
    // A read already in flight may have started before the key was made: then read again.
    const joined = this.#pending !== undefined;
    await this.#refreshForKid();
    if (!joined) return this.#match(header, token);
    try {
      return await this.#match(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || !this.#mayRead()) throw err;
    }
    await this.#refreshForKid();
    return this.#match(header, token);
  }

  async #match(header: JWSHeaderParameters, token: FlattenedJWSInput | undefined): Promise<CryptoKey> {
    if (this.#keys === undefined) throw new JwksUnavailableError(this.description, undefined);
    return this.#keys(header, token as FlattenedJWSInput);
  }

  async #refreshForKid(): Promise<void> {
    try {
      await this.#refresh();
    } catch (cause) {
      throw new JwksUnavailableError(this.description, cause);
    }
  }

  /** Refresh of a missing or expired set; keeps the stale keys when it fails. */
  async #refreshExpired(): Promise<void> {
    if (!this.#mayRead()) {
      if (this.#keys === undefined) throw new JwksUnavailableError(this.description, undefined);
      return;
    }
    try {
      await this.#refresh();
    } catch (cause) {
      if (this.#keys === undefined) throw new JwksUnavailableError(this.description, cause);
      this.#log?.warn({ err: cause, jwks: this.description }, 'JWKS refresh failed; the keys read before stay in use');
    }
  }

  #mayRead(): boolean {
    return this.#pending !== undefined || this.#now() - this.#attemptedAt >= this.#cooldownMs;
  }

  /** One read at a time: concurrent callers share the read in flight. */
  #refresh(): Promise<void> {
    if (this.#pending) return this.#pending;
    this.#attemptedAt = this.#now();
    this.#reads++;
    const reading = (async () => {
      const jwks = await this.#load();
      const keys = createLocalJWKSet(jwks as JSONWebKeySet);
      this.#keys = keys;
      this.#loadedAt = this.#now();
    })().finally(() => {
      this.#pending = undefined;
    });
    this.#pending = reading;
    return reading;
  }
}

/**
 * The own Maskinporten's keys, read from the platform's key store (the database every process
 * shares), so a key another process rotated in is found on the next unknown `kid`.
 *
 * @param keys the platform's key store
 * @param issuer the issuer whose keys to read, exactly as the signer registered it
 * @param options `now` (clock, epoch ms) and `log`
 */
export function localJwks(keys: KeyStore, issuer: string, options: { now?: () => number; log?: Logger } = {}): CachedJwks {
  return new CachedJwks({
    load: () => keys.getJwks(issuer),
    description: `database:${issuer}`,
    maxAgeMs: LOCAL_JWKS_MAX_AGE_MS,
    cooldownMs: LOCAL_JWKS_COOLDOWN_MS,
    ...options,
  });
}

/**
 * Another Maskinporten's keys, fetched from its JWKS URL (`GET`, `Accept: application/jwk-set+json`,
 * no redirects, 5 s timeout, at most 256 KiB).
 *
 * @param url the JWKS URL, e.g. `https://test.maskinporten.no/jwk`
 * @param options cache age and cooldown (ms; defaults {@link REMOTE_JWKS_MAX_AGE_MS},
 *   {@link REMOTE_JWKS_COOLDOWN_MS}), `now` (clock, epoch ms) and `log`
 */
export function remoteJwks(
  url: URL,
  options: { maxAgeMs?: number; cooldownMs?: number; now?: () => number; log?: Logger } = {},
): CachedJwks {
  const href = url.href;
  return new CachedJwks({
    load: () => fetchJwks(href),
    description: href,
    maxAgeMs: options.maxAgeMs ?? REMOTE_JWKS_MAX_AGE_MS,
    cooldownMs: options.cooldownMs ?? REMOTE_JWKS_COOLDOWN_MS,
    now: options.now,
    log: options.log,
  });
}

async function fetchJwks(href: string): Promise<unknown> {
  const response = await fetch(href, {
    headers: { accept: 'application/jwk-set+json, application/json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(REMOTE_JWKS_TIMEOUT_MS),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`${href} answered HTTP ${response.status}`);
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > REMOTE_JWKS_MAX_BYTES) {
    await response.body?.cancel();
    throw new Error(`${href} answered ${length} bytes, more than ${REMOTE_JWKS_MAX_BYTES}`);
  }
  const text = await response.text();
  if (Buffer.byteLength(text) > REMOTE_JWKS_MAX_BYTES) throw new Error(`${href} answered more than ${REMOTE_JWKS_MAX_BYTES} bytes`);
  return JSON.parse(text) as unknown;
}
