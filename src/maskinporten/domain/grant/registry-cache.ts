/**
 * The registry as the token endpoint reads it — the client, the key named by `kid`, the scopes,
 * the consumer's access grants and the customer's delegations — with every answer kept in this
 * process for a short time (`MASKINPORTEN_REGISTRY_CACHE_TTL_MS`, default 2 s), so a client's
 * steady stream of grants does not read the same rows for every token.
 *
 * What that means for a change to the registry:
 * - made in this process (the self-service API, the domain functions, the CLI's own process):
 *   every cache in the process is emptied when the write has finished ({@link registryChanged}),
 *   so the next grant reads the new rows;
 * - made by another process on the same database (another replica, `grunnmur client create`
 *   while `grunnmur start` runs): it reaches this process's grants within the TTL. Digdir says
 *   the same of the real service: changes reach Maskinporten "within 0–2 minutes".
 * Unknown clients, keys and scopes (negative answers) are kept as long as known ones, so a
 * client registered on another process may be refused for up to the TTL after it was created.
 *
 * Bounded: at most {@link GRANT_REGISTRY_CACHE_MAX_ENTRIES} answers of each kind (the oldest
 * goes first), and ids longer than {@link MAX_CACHED_ID_CHARS} are never cached (no such id can
 * be registered), so a caller spraying random `iss` or `kid` values cannot grow the memory.
 * Answers are shared between grants and frozen. Concurrent grants share one read per miss.
 * A TTL of 0 turns the cache off: every grant reads the registry.
 */
import { performance } from 'node:perf_hooks';
import { findClient, findClientKey } from '../../store/clients-store.ts';
import { findAccessibleScopes, findDelegatedScopes } from '../../store/grant-reads.ts';
import { findScopes } from '../../store/scopes-store.ts';
import type { MaskinportenDb } from '../../store/tables.ts';
import type { Client, ClientKey, Scope } from '../types.ts';

/** Most answers kept per kind (clients, keys, scopes, access grants, delegations). */
export const GRANT_REGISTRY_CACHE_MAX_ENTRIES = 10_000;

/** Longest id (client_id, kid, scope name, orgno) whose answer is cached. */
export const MAX_CACHED_ID_CHARS = 255;

/** The registry reads of the grant (see `jwt-bearer-grant.ts`). */
export interface GrantRegistry {
  /** The client with this id, active or not, or undefined. */
  findClient(clientId: string): Promise<Client | undefined>;
  /** The registered key with this `kid` (on any client, expired or not), or undefined. */
  findClientKey(kid: string): Promise<ClientKey | undefined>;
  /** The scopes with these names, by name (inactive ones included; unknown names absent). */
  findScopes(names: readonly string[]): Promise<ReadonlyMap<string, Scope>>;
  /** The scopes among `scopes` whose owner has granted `consumerOrgno` access. */
  findAccessibleScopes(scopes: readonly string[], consumerOrgno: string): Promise<ReadonlySet<string>>;
  /** The scopes among `scopes` that `customerOrgno` has delegated to `supplierOrgno`. */
  findDelegatedScopes(scopes: readonly string[], customerOrgno: string, supplierOrgno: string): Promise<ReadonlySet<string>>;
}

/** Bumped by every write to the registry in this process; a cache that sees a new value empties itself. */
let generation = 0;

/**
 * Tells every grant registry cache of this process that the registry changed: each is emptied
 * before its next read. Called by the registry's domain functions once their write has
 * finished (committed), and by test fixtures that write rows directly.
 */
export function registryChanged(): void {
  generation++;
}

interface Entry<V> {
  value: Promise<V>;
  /** `performance.now()` ms after which the answer is read again. */
  until: number;
}

/** Answers by key, each until its time is up, at most `max` (the oldest goes first). */
class Answers<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  get(key: string, now: number): Promise<V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > now) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }
  set(key: string, value: Promise<V>, until: number): void {
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    const entry = { value, until };
    this.#entries.set(key, entry);
    // A failed read is not an answer: forget it, unless a newer one took its place.
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
  }
  clear(): void {
    this.#entries.clear();
  }
  get size(): number {
    return this.#entries.size;
  }
}

/** Options of {@link CachedGrantRegistry}. */
export interface GrantRegistryOptions {
  /** How long an answer is reused, ms (`MASKINPORTEN_REGISTRY_CACHE_TTL_MS`, default 2000); 0 = read the registry on every grant. */
  ttlMs: number;
  /** Most answers per kind (default {@link GRANT_REGISTRY_CACHE_MAX_ENTRIES}). */
  maxEntries?: number;
}

/** The grant's registry reads with a short per-process cache (see the module comment). */
export class CachedGrantRegistry implements GrantRegistry {
  readonly #db: MaskinportenDb;
  readonly #ttlMs: number;
  readonly #clients: Answers<Client | undefined>;
  readonly #keys: Answers<ClientKey | undefined>;
  readonly #scopes: Answers<Scope | undefined>;
  readonly #access: Answers<boolean>;
  readonly #delegations: Answers<boolean>;
  #generation = generation;

  constructor(db: MaskinportenDb, options: GrantRegistryOptions) {
    this.#db = db;
    this.#ttlMs = options.ttlMs;
    const max = options.maxEntries ?? GRANT_REGISTRY_CACHE_MAX_ENTRIES;
    this.#clients = new Answers(max);
    this.#keys = new Answers(max);
    this.#scopes = new Answers(max);
    this.#access = new Answers(max);
    this.#delegations = new Answers(max);
  }

  findClient(clientId: string): Promise<Client | undefined> {
    return this.#one(this.#clients, clientId, clientId, () => findClient(this.#db, clientId).then(frozenClient));
  }

  findClientKey(kid: string): Promise<ClientKey | undefined> {
    return this.#one(this.#keys, kid, kid, () => findClientKey(this.#db, kid).then(frozenKey));
  }

  async findScopes(names: readonly string[]): Promise<ReadonlyMap<string, Scope>> {
    const unique = [...new Set(names)];
    const answers = await this.#many(this.#scopes, unique, unique, async (missing) => {
      const found = await findScopes(this.#db, missing);
      return (name) => frozenScope(found.get(name));
    });
    const result = new Map<string, Scope>();
    unique.forEach((name, i) => {
      const scope = answers[i];
      if (scope !== undefined) result.set(name, scope);
    });
    return result;
  }

  async findAccessibleScopes(scopes: readonly string[], consumerOrgno: string): Promise<ReadonlySet<string>> {
    const unique = [...new Set(scopes)];
    const answers = await this.#many(
      this.#access,
      unique.map((scope) => `${consumerOrgno}\u0000${scope}`),
      unique,
      async (missing) => {
        const granted = await findAccessibleScopes(this.#db, missing, consumerOrgno);
        return (scope) => granted.has(scope);
      },
      consumerOrgno,
    );
    return new Set(unique.filter((_scope, i) => answers[i]));
  }

  async findDelegatedScopes(scopes: readonly string[], customerOrgno: string, supplierOrgno: string): Promise<ReadonlySet<string>> {
    const unique = [...new Set(scopes)];
    const answers = await this.#many(
      this.#delegations,
      unique.map((scope) => `${customerOrgno}\u0000${supplierOrgno}\u0000${scope}`),
      unique,
      async (missing) => {
        const delegated = await findDelegatedScopes(this.#db, missing, customerOrgno, supplierOrgno);
        return (scope) => delegated.has(scope);
      },
      customerOrgno,
      supplierOrgno,
    );
    return new Set(unique.filter((_scope, i) => answers[i]));
  }

  /** Number of cached answers of every kind (for tests). */
  get size(): number {
    this.#sync();
    return this.#clients.size + this.#keys.size + this.#scopes.size + this.#access.size + this.#delegations.size;
  }

  /** Empties the cache when the registry changed in this process since the last read. */
  #sync(): void {
    if (this.#generation === generation) return;
    this.#generation = generation;
    this.#clients.clear();
    this.#keys.clear();
    this.#scopes.clear();
    this.#access.clear();
    this.#delegations.clear();
  }

  #one<V>(answers: Answers<V>, key: string, id: string, read: () => Promise<V>): Promise<V> {
    if (this.#ttlMs <= 0 || id.length > MAX_CACHED_ID_CHARS) return read();
    this.#sync();
    const now = performance.now();
    const hit = answers.get(key, now);
    if (hit !== undefined) return hit;
    const value = read();
    answers.set(key, value, now + this.#ttlMs);
    return value;
  }

  /**
   * The answers for `ids` (cache keys `keys`, same order): cached ones reused, the others read
   * in one query.
   *
   * @param read reads the missing ids; resolves to the answer of each
   * @param context other ids in the keys (orgnos), checked for length like `ids`
   */
  #many<V>(
    answers: Answers<V>,
    keys: readonly string[],
    ids: readonly string[],
    read: (missing: string[]) => Promise<(id: string) => V>,
    ...context: string[]
  ): Promise<V[]> {
    const uncachable = this.#ttlMs <= 0 || [...ids, ...context].some((id) => id.length > MAX_CACHED_ID_CHARS);
    if (uncachable) return read([...ids]).then((answer) => ids.map(answer));
    this.#sync();
    const now = performance.now();
    const values: Array<Promise<V> | undefined> = keys.map((key) => answers.get(key, now));
    const missing = ids.filter((_id, i) => values[i] === undefined);
    if (missing.length > 0) {
      const batch = read(missing);
      keys.forEach((key, i) => {
        if (values[i] !== undefined) return;
        const id = ids[i] as string;
        const value = batch.then((answer) => answer(id));
        answers.set(key, value, now + this.#ttlMs);
        values[i] = value;
      });
    }
    return Promise.all(values as Array<Promise<V>>);
  }
}

function frozenClient(client: Client | undefined): Client | undefined {
  if (client === undefined) return undefined;
  Object.freeze(client.scopes);
  return Object.freeze(client);
}

function frozenKey(key: ClientKey | undefined): ClientKey | undefined {
  if (key === undefined) return undefined;
  Object.freeze(key.jwk);
  return Object.freeze(key);
}

function frozenScope(scope: Scope | undefined): Scope | undefined {
  if (scope === undefined) return undefined;
  Object.freeze(scope.allowed_integration_types);
  return Object.freeze(scope);
}
