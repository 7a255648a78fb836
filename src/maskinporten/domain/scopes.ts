/**
 * Scopes (APIs) and their owners: create, read, change, deactivate; the public list; the
 * scopes Grunnmur creates for itself (`ensureScope`).
 *
 * Rules (docs.digdir.no "API for administrasjon av APIer / scopes", oidc_protocol_scope):
 * - a scope is `prefix:subscope`; the prefix belongs to one organisation, and only it may create
 *   scopes under the prefix; the subscope is never renamed (PUT cannot change the name);
 * - an organisation sees and manages only the scopes it owns (`owner_orgno`);
 * - DELETE deactivates (scopes are never removed, for audit and statistics); consumers' access
 *   grants are kept; a POST of an existing name, even a deactivated one, is a 409; PUT with
 *   `active: true` reactivates;
 * - deactivated scopes are left out of lists unless `inactive=TRUE`.
 *
 * @see specs/idporten-maskinporten.md §3 "Scopes"
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin_maskinporten
 */
import type { Database } from '../../platform/db/database.ts';
import { maskinportenError } from '../errors.ts';
import {
  claimPrefix,
  findPrefixOwner,
  findScopeRow,
  insertScopeRow,
  listPrefixes,
  listScopeRows,
  allowsIntegrationType,
  scopeFromRow,
  updateScopeRow,
  type ScopeFilter,
} from '../store/scopes-store.ts';
import { maskinportenDb } from '../store/db.ts';
import type { ScopeRow } from '../store/tables.ts';
import type { Actor } from './actor.ts';
import { checkScopeParts, type ScopeName } from './scope-name.ts';
import type { Scope, ScopePrefix } from './types.ts';
import { registryChanged } from './grant/registry-cache.ts';

/** Integration types a scope may be limited to (`allowed_integration_types`). */
export const INTEGRATION_TYPES = ['maskinporten', 'idporten', 'api_klient', 'krr', 'eformidling', 'ansattporten'] as const;

/** Longest `at_max_age` / `authorization_max_lifetime` accepted, in seconds (one day). */
export const MAX_SCOPE_LIFETIME_S = 86_400;

/** The attributes of a scope an owner sets (POST body; PUT body without the name parts). */
export interface ScopeAttributes {
  description: string;
  long_description?: string | null;
  /** Altinn issuer URL; when set, consumers may delegate their access to suppliers. */
  delegation_source?: string | null;
  accessible_for_all?: boolean;
  /** Empty or absent: clients of every integration type may use the scope. */
  allowed_integration_types?: string[];
  /** Seconds; 0 or null = no cap (the client's lifetime applies). */
  at_max_age?: number | null;
  /** Seconds; 0 or null = no cap. */
  authorization_max_lifetime?: number | null;
  visibility?: Scope['visibility'];
  token_type?: Scope['token_type'];
  requires_user_consent?: boolean;
  requires_user_authentication?: boolean;
  requires_pseudonymous_tokens?: boolean;
  /** POST: default true. PUT: absent keeps the current state; true reactivates; false deactivates. */
  active?: boolean;
}

/**
 * A scope as posted: its name parts plus attributes. `name` and `owner_orgno` are accepted so a
 * scope read from the API can be posted back; they must match the parts and the caller.
 */
export interface ScopeInput extends ScopeAttributes {
  prefix: string;
  subscope: string;
  name?: string;
  owner_orgno?: string;
}

/** A PUT body: the attributes, and optionally the (unchangeable) name parts and owner. */
export interface ScopeUpdate extends ScopeAttributes {
  prefix?: string;
  subscope?: string;
  name?: string;
  owner_orgno?: string;
}

/** Options with the clock, for tests. */
export interface NowOption {
  /** Epoch ms (default `Date.now()`). */
  now?: number;
}

/**
 * Creates a scope owned by the actor. The first scope under an unassigned prefix assigns the
 * prefix to the actor (see the README: Digdir assigns prefixes by hand).
 *
 * @returns the new scope
 * @throws AppError `MASKINPORTEN_INVALID_SCOPE_NAME` (400), `MASKINPORTEN_SCOPE_IMMUTABLE` (400,
 *   `name` does not match the parts), `MASKINPORTEN_SCOPE_NOT_OWNED` (403, `owner_orgno` is
 *   another organisation), `MASKINPORTEN_INVALID_SCOPE` (400), `MASKINPORTEN_PREFIX_NOT_ASSIGNED`
 *   (403), `MASKINPORTEN_SCOPE_EXISTS` (409, also for a deactivated scope)
 */
export async function createScope(db: Database, input: ScopeInput, actor: Actor, options: NowOption = {}): Promise<Scope> {
  const parts = checkScopeParts(input.prefix, input.subscope);
  checkNameAndOwner(parts, input, actor);
  const now = options.now ?? Date.now();
  const row = scopeRow(parts, actor.orgno, input, input.active ?? true, now);
  const created = await maskinportenDb(db)
    .transaction()
    .execute(async (trx) => {
      const owner = await claimPrefix(trx, parts.prefix, actor.orgno, now);
      if (owner !== actor.orgno) {
        throw maskinportenError('MASKINPORTEN_PREFIX_NOT_ASSIGNED', `The prefix "${parts.prefix}" is assigned to another organisation`);
      }
      if (!(await insertScopeRow(trx, row))) {
        const existing = await findScopeRow(trx, parts.name);
        throw maskinportenError(
          'MASKINPORTEN_SCOPE_EXISTS',
          existing && Number(existing.active) === 0
            ? `The scope ${parts.name} exists but is deactivated; reactivate it with PUT and "active": true`
            : `The scope ${parts.name} already exists`,
        );
      }
      return scopeFromRow(row);
    });
  registryChanged();
  return created;
}

/**
 * The scope with this name, if the actor owns it.
 *
 * @throws AppError `MASKINPORTEN_SCOPE_NOT_FOUND` (404: unknown, or another organisation's
 *   non-public scope), `MASKINPORTEN_SCOPE_NOT_OWNED` (403: another organisation's public scope)
 */
export async function getOwnedScope(db: Database, name: string, actor: Actor): Promise<Scope> {
  return scopeFromRow(await ownedScopeRow(db, name, actor));
}

/**
 * Changes a scope's attributes (a full replacement: absent attributes take their defaults,
 * except `active`, which absent keeps its state).
 *
 * @returns the scope after the change
 * @throws AppError `MASKINPORTEN_SCOPE_NOT_FOUND` (404), `MASKINPORTEN_SCOPE_NOT_OWNED` (403),
 *   `MASKINPORTEN_SCOPE_IMMUTABLE` (400: the body names another scope or owner),
 *   `MASKINPORTEN_INVALID_SCOPE` (400)
 */
export async function updateScope(db: Database, name: string, input: ScopeUpdate, actor: Actor, options: NowOption = {}): Promise<Scope> {
  const current = await ownedScopeRow(db, name, actor);
  const parts: ScopeName = { name: current.name, prefix: current.prefix, subscope: current.subscope };
  if (input.prefix !== undefined && input.prefix !== parts.prefix) {
    throw maskinportenError('MASKINPORTEN_SCOPE_IMMUTABLE', `prefix cannot change (is "${parts.prefix}")`);
  }
  if (input.subscope !== undefined && input.subscope !== parts.subscope) {
    throw maskinportenError('MASKINPORTEN_SCOPE_IMMUTABLE', `subscope cannot change (is "${parts.subscope}")`);
  }
  checkNameAndOwner(parts, input, actor);
  const now = options.now ?? Date.now();
  const active = input.active === undefined ? Number(current.active) === 1 : input.active;
  const next = scopeRow(parts, current.owner_orgno, input, active, now);
  const { name: _n, prefix: _p, subscope: _s, owner_orgno: _o, created: _c, ...set } = next;
  await updateScopeRow(maskinportenDb(db), name, set);
  registryChanged();
  return scopeFromRow({ ...next, created: current.created });
}

/**
 * Deactivates a scope (never removes it). Access grants and delegations stay; tokens can no
 * longer be issued for it. Idempotent.
 *
 * @returns the deactivated scope
 * @throws AppError `MASKINPORTEN_SCOPE_NOT_FOUND` (404), `MASKINPORTEN_SCOPE_NOT_OWNED` (403)
 */
export async function deactivateScope(db: Database, name: string, actor: Actor, options: NowOption = {}): Promise<Scope> {
  const current = await ownedScopeRow(db, name, actor);
  if (Number(current.active) === 0) return scopeFromRow(current);
  const now = options.now ?? Date.now();
  await updateScopeRow(maskinportenDb(db), name, { active: 0, last_updated: now });
  registryChanged();
  return scopeFromRow({ ...current, active: 0, last_updated: now });
}

/** Filters of {@link listOwnScopes} and {@link listPublicScopes}. */
export interface ScopeListOptions {
  /** Include deactivated scopes (`inactive=TRUE`). */
  includeInactive?: boolean;
  /** Only scopes with (true) or without (false) `accessible_for_all`. */
  accessibleForAll?: boolean;
  /** Only scopes a client of this integration type may use (`maskinporten`…; case-insensitive). */
  integrationType?: string;
  /** Only scopes with a `delegation_source`. */
  delegable?: boolean;
}

/** Every scope the actor owns, public and private, ordered by name. */
export async function listOwnScopes(db: Database, actor: Actor, options: ScopeListOptions = {}): Promise<Scope[]> {
  return listScopes(db, { ownerOrgno: actor.orgno }, options);
}

/**
 * The open list (`GET /scopes/all`): every `PUBLIC` scope, ordered by name.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin_maskinporten ("Synlighet": PUBLIC is listed on /scopes/all)
 */
export async function listPublicScopes(db: Database, options: ScopeListOptions = {}): Promise<Scope[]> {
  return listScopes(db, { publicOnly: true }, options);
}

/** The prefixes assigned to the actor's organisation. */
export async function listOwnPrefixes(db: Database, actor: Actor): Promise<ScopePrefix[]> {
  const rows = await listPrefixes(maskinportenDb(db), actor.orgno);
  return rows.map((r) => ({ prefix: r.prefix, owner_orgno: r.owner_orgno, created: new Date(r.created).toISOString() }));
}

/**
 * Assigns a prefix to an organisation, as Digdir does by hand (for the CLI and start-up; there
 * is no HTTP route). Idempotent for the same owner.
 *
 * @throws AppError `MASKINPORTEN_INVALID_SCOPE_NAME` (400), `MASKINPORTEN_INVALID_ORGNO` (400),
 *   `MASKINPORTEN_PREFIX_NOT_ASSIGNED` (403: the prefix belongs to another organisation)
 */
export async function assignPrefix(db: Database, prefix: string, ownerOrgno: string, options: NowOption = {}): Promise<void> {
  checkScopeParts(prefix, 'x');
  const owner = await claimPrefix(maskinportenDb(db), prefix, ownerOrgno, options.now ?? Date.now());
  if (owner !== ownerOrgno) throw maskinportenError('MASKINPORTEN_PREFIX_NOT_ASSIGNED', `The prefix "${prefix}" is assigned to another organisation`);
}

/** A scope Grunnmur creates for itself, owned by the agency that runs the component. */
export interface ScopeDefinition extends ScopeAttributes {
  /** `prefix:subscope`, or a legacy Digdir name without a prefix (`move/dpo.read`) when `legacy`. */
  name: string;
  owner_orgno: string;
  /**
   * A legacy name from before the `prefix:subscope` rule (eFormidling's `move/…`): stored with
   * an empty prefix and the whole name as subscope. Only {@link ensureScope} makes these.
   */
  legacy?: boolean;
}

/**
 * Creates the scope unless a scope with its name exists (then nothing changes, so an
 * operator's later changes survive restarts), and assigns its prefix to its owner. Safe to run
 * concurrently from several processes.
 *
 * @returns true when the scope was created now
 * @throws AppError `MASKINPORTEN_INVALID_SCOPE_NAME` (400, a non-legacy name that is not
 *   `prefix:subscope`), `MASKINPORTEN_PREFIX_NOT_ASSIGNED` (403, the prefix belongs to another
 *   organisation), `MASKINPORTEN_INVALID_SCOPE` (400)
 */
export async function ensureScope(db: Database, definition: ScopeDefinition, options: NowOption = {}): Promise<boolean> {
  const now = options.now ?? Date.now();
  let parts: ScopeName;
  if (definition.legacy) {
    if (!/^[a-z0-9]+(?:[/._-][a-z0-9]+)*$/.test(definition.name)) {
      throw maskinportenError('MASKINPORTEN_INVALID_SCOPE_NAME', `Invalid legacy scope name "${definition.name}"`);
    }
    parts = { name: definition.name, prefix: '', subscope: definition.name };
  } else {
    const colon = definition.name.indexOf(':');
    parts = checkScopeParts(colon < 0 ? '' : definition.name.slice(0, colon), definition.name.slice(colon + 1));
  }
  const row = scopeRow(parts, definition.owner_orgno, definition, definition.active ?? true, now);
  const created = await maskinportenDb(db)
    .transaction()
    .execute(async (trx) => {
      if (parts.prefix !== '') {
        const owner = await claimPrefix(trx, parts.prefix, definition.owner_orgno, now);
        if (owner !== definition.owner_orgno) {
          throw maskinportenError('MASKINPORTEN_PREFIX_NOT_ASSIGNED', `The prefix "${parts.prefix}" is assigned to another organisation`);
        }
      }
      return insertScopeRow(trx, row);
    });
  if (created) registryChanged();
  return created;
}

/** The owner of a prefix, or undefined when unassigned. */
export async function findPrefixOwnerOf(db: Database, prefix: string): Promise<string | undefined> {
  return findPrefixOwner(maskinportenDb(db), prefix);
}

async function listScopes(db: Database, base: ScopeFilter, options: ScopeListOptions): Promise<Scope[]> {
  const filter: ScopeFilter = { ...base, includeInactive: options.includeInactive ?? false };
  if (options.accessibleForAll !== undefined) filter.accessibleForAll = options.accessibleForAll;
  if (options.delegable) filter.delegable = true;
  const rows = await listScopeRows(maskinportenDb(db), filter);
  const type = options.integrationType?.toLowerCase();
  return rows.filter((r) => allowsIntegrationType(r.allowed_integration_types, type)).map(scopeFromRow);
}

/**
 * The row of a scope the actor owns. A non-owner learns that a PUBLIC scope exists (it is on
 * `/scopes/all` anyway) but not that a PRIVATE or INTERNAL one does.
 */
async function ownedScopeRow(db: Database, name: string, actor: Actor): Promise<ScopeRow> {
  const row = await findScopeRow(maskinportenDb(db), name);
  if (row === undefined || (row.owner_orgno !== actor.orgno && row.visibility !== 'PUBLIC')) {
    throw maskinportenError('MASKINPORTEN_SCOPE_NOT_FOUND', `No scope ${name}`);
  }
  if (row.owner_orgno !== actor.orgno) {
    throw maskinportenError('MASKINPORTEN_SCOPE_NOT_OWNED', `The scope ${name} is owned by another organisation`);
  }
  return row;
}

function checkNameAndOwner(parts: ScopeName, input: { name?: string; owner_orgno?: string }, actor: Actor): void {
  if (input.name !== undefined && input.name !== '' && input.name !== parts.name) {
    throw maskinportenError('MASKINPORTEN_SCOPE_IMMUTABLE', `name "${input.name}" does not match prefix:subscope "${parts.name}"`);
  }
  if (input.owner_orgno !== undefined && input.owner_orgno !== '' && input.owner_orgno !== actor.orgno) {
    throw maskinportenError('MASKINPORTEN_SCOPE_NOT_OWNED', 'owner_orgno must be your own organisation (the consumer of your token)');
  }
}

/** Builds the row of a scope from its attributes (defaults applied, lifetimes 0 → no cap). */
function scopeRow(parts: ScopeName, ownerOrgno: string, a: ScopeAttributes, active: boolean, now: number): ScopeRow {
  const allowed = [...new Set(a.allowed_integration_types ?? [])];
  for (const type of allowed) {
    if (!(INTEGRATION_TYPES as readonly string[]).includes(type)) {
      throw maskinportenError('MASKINPORTEN_INVALID_SCOPE', `allowed_integration_types: unknown integration type "${type}" (one of ${INTEGRATION_TYPES.join(', ')})`);
    }
  }
  const delegationSource = a.delegation_source === undefined || a.delegation_source === null || a.delegation_source === '' ? null : a.delegation_source;
  if (delegationSource !== null) {
    if (!/^https:\/\/[^\s]+$/.test(delegationSource)) {
      throw maskinportenError('MASKINPORTEN_INVALID_SCOPE', 'delegation_source must be the https URL of the delegation register (Altinn: https://www.altinn.no/)');
    }
    if (allowed.length > 0 && !allowed.includes('maskinporten')) {
      throw maskinportenError('MASKINPORTEN_INVALID_SCOPE', 'delegation_source works only in Maskinporten: allowed_integration_types must include "maskinporten"');
    }
  }
  return {
    name: parts.name,
    prefix: parts.prefix,
    subscope: parts.subscope,
    description: a.description,
    long_description: a.long_description === undefined || a.long_description === '' ? null : a.long_description,
    owner_orgno: ownerOrgno,
    delegation_source: delegationSource,
    accessible_for_all: a.accessible_for_all ? 1 : 0,
    allowed_integration_types: JSON.stringify(allowed),
    at_max_age: lifetime(a.at_max_age, 'at_max_age'),
    authorization_max_lifetime: lifetime(a.authorization_max_lifetime, 'authorization_max_lifetime'),
    visibility: a.visibility ?? 'PUBLIC',
    token_type: a.token_type ?? 'SELF_CONTAINED',
    requires_user_consent: a.requires_user_consent ? 1 : 0,
    requires_user_authentication: a.requires_user_authentication ? 1 : 0,
    requires_pseudonymous_tokens: a.requires_pseudonymous_tokens ? 1 : 0,
    active: active ? 1 : 0,
    created: now,
    last_updated: now,
  };
}

function lifetime(value: number | null | undefined, field: string): number | null {
  if (value === undefined || value === null || value === 0) return null;
  if (!Number.isInteger(value) || value < 0 || value > MAX_SCOPE_LIFETIME_S) {
    throw maskinportenError('MASKINPORTEN_INVALID_SCOPE', `${field} must be whole seconds from 0 (no cap) to ${MAX_SCOPE_LIFETIME_S}`);
  }
  return value;
}
