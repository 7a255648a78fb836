/**
 * The API scopes as ID-porten sees them: their `at_max_age` (the longest access-token lifetime
 * a scope allows) and `enforced_aud_for_introspection` (who may introspect tokens carrying it),
 * read from Maskinporten's scope registry through its public API
 * `GET <PUBLIC_URL>/selvbetjening/api/v1/scopes/all` (open, no token).
 *
 * Why the public API and not Maskinporten's store: components meet only at their public APIs,
 * and this is the same API the real registry (`api.samarbeid.digdir.no`) offers, so ID-porten
 * keeps working when Maskinporten is served by another process or is Digdir's own. The price:
 * the list holds `PUBLIC` scopes only, so a `PRIVATE` scope has no known cap here.
 *
 * The list is cached for {@link SCOPE_CACHE_MS}. Token lifetimes are computed synchronously
 * by oidc-provider (`ttl.AccessToken`), so the token endpoint first awaits {@link
 * ScopeRegistry.prime} and the lifetime then reads the cached values.
 *
 * @see spec §1 "Lifetimes" (at_max_age: several scopes → the lowest wins), §1 "Introspection"
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_protocol_tokenintrospect
 */
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/platform.ts';

/** How long the scope list is reused before it is read again, in ms. */
export const SCOPE_CACHE_MS = 30_000;

/** Path of Maskinporten's open scope list. */
export const SCOPES_ALL_PATH = '/selvbetjening/api/v1/scopes/all';

/** Scopes of ID-porten itself: no registry entry, no cap. */
export const OPENID_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile']);

/** What ID-porten needs of a scope. */
export interface ScopeInfo {
  name: string;
  /** Longest access-token lifetime in seconds; absent or 0 = no cap. */
  at_max_age?: number;
  /**
   * Client ids allowed to introspect tokens carrying this scope (Digdir's
   * `enforced_aud_for_introspection`; a string or a list on the wire).
   */
  enforced_aud_for_introspection?: string[];
}

/** Reads and caches the scope list. */
export class ScopeRegistry {
  readonly #fetch: typeof fetch;
  readonly #url: string;
  readonly #log: Platform['log'];
  readonly #now: () => number;
  #scopes = new Map<string, ScopeInfo>();
  #until = 0;
  #loading: Promise<void> | undefined;

  /**
   * @param fetchFn how to call the API (`fetch`, or `inject` in the same process)
   * @param url the list's URL
   */
  constructor(fetchFn: typeof fetch, url: string, log: Platform['log'], now: () => number = Date.now) {
    this.#fetch = fetchFn;
    this.#url = url;
    this.#log = log;
    this.#now = now;
  }

  /**
   * Makes sure the list is at most {@link SCOPE_CACHE_MS} old when any of `names` is an API
   * scope. A failed read keeps the previous list (logged); with none, {@link atMaxAge} answers
   * `undefined` and the caller falls back.
   */
  async prime(names: Iterable<string>): Promise<void> {
    if (![...names].some((n) => !OPENID_SCOPES.has(n))) return;
    if (this.#until > this.#now()) return;
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    await this.#loading;
  }

  /** Whether a list was ever read. */
  get loaded(): boolean {
    return this.#until > 0;
  }

  /** The cached entry of a scope (undefined when unknown or never read). */
  get(name: string): ScopeInfo | undefined {
    return this.#scopes.get(name);
  }

  /**
   * The cap of a set of scopes: the lowest positive `at_max_age` among them, in seconds;
   * undefined when none has one.
   */
  atMaxAge(names: Iterable<string>): number | undefined {
    let cap: number | undefined;
    for (const name of names) {
      const age = this.#scopes.get(name)?.at_max_age;
      if (age !== undefined && age > 0) cap = cap === undefined ? age : Math.min(cap, age);
    }
    return cap;
  }

  async #load(): Promise<void> {
    try {
      const res = await this.#fetch(this.#url, { headers: { accept: 'application/json' } });
      if (res.status !== 200) throw new Error(`scope list answered HTTP ${res.status}`);
      const list = (await res.json()) as Array<Record<string, unknown>>;
      const scopes = new Map<string, ScopeInfo>();
      for (const item of list) {
        if (typeof item.name !== 'string') continue;
        const info: ScopeInfo = { name: item.name };
        if (typeof item.at_max_age === 'number') info.at_max_age = item.at_max_age;
        const aud = item.enforced_aud_for_introspection;
        if (typeof aud === 'string') info.enforced_aud_for_introspection = [aud];
        else if (Array.isArray(aud)) info.enforced_aud_for_introspection = aud.filter((a): a is string => typeof a === 'string');
        scopes.set(item.name, info);
      }
      this.#scopes = scopes;
      this.#until = this.#now() + SCOPE_CACHE_MS;
    } catch (err) {
      this.#log.warn({ err, url: this.#url }, 'idporten: the scope registry could not be read');
      // Try again at the next token, not at once for every concurrent one.
      if (this.#until > 0) this.#until = this.#now() + 5_000;
    }
  }
}

/** A `fetch` answered by `app.inject` (same process, no socket), GET only. */
function injectFetch(app: FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const res = await app.inject({ method: 'GET', url: String(input), headers });
    return new Response(res.body, { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') } });
  }) as typeof fetch;
}

/**
 * The registry for this process: in-process through `inject` when Maskinporten is served here,
 * else over HTTP to `PUBLIC_URL`.
 */
export function scopeRegistry(app: FastifyInstance, platform: Platform): ScopeRegistry {
  const local = platform.components.some((c) => c.name === 'maskinporten');
  return local
    ? new ScopeRegistry(injectFetch(app), SCOPES_ALL_PATH, platform.log)
    : new ScopeRegistry(fetch, `${platform.config.PUBLIC_URL}${SCOPES_ALL_PATH}`, platform.log);
}
