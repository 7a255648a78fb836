/**
 * Kysely queries over `maskinporten_scopes` and `maskinporten_scope_access`. No rules here: the
 * domain (`domain/scopes.ts`, `domain/scope-access.ts`) decides; these read and write rows and
 * map them to the wire shapes of `domain/types.ts`.
 */
import type { Scope, ScopeAccess } from '../domain/types.ts';
import type { MaskinportenDb, ScopeAccessRow, ScopeRow } from './tables.ts';

/** Maps a scope row to the wire shape (times as ISO 8601, flags as booleans). */
export function scopeFromRow(row: ScopeRow): Scope {
  const scope: Scope = {
    name: row.name,
    prefix: row.prefix,
    subscope: row.subscope,
    description: row.description,
    owner_orgno: row.owner_orgno,
    accessible_for_all: Number(row.accessible_for_all) === 1,
    allowed_integration_types: JSON.parse(row.allowed_integration_types) as string[],
    visibility: row.visibility as Scope['visibility'],
    token_type: row.token_type as Scope['token_type'],
    requires_user_consent: Number(row.requires_user_consent) === 1,
    requires_user_authentication: Number(row.requires_user_authentication) === 1,
    requires_pseudonymous_tokens: Number(row.requires_pseudonymous_tokens) === 1,
    active: Number(row.active) === 1,
    created: new Date(Number(row.created)).toISOString(),
    last_updated: new Date(Number(row.last_updated)).toISOString(),
  };
  if (row.long_description !== null) scope.long_description = row.long_description;
  if (row.delegation_source !== null) scope.delegation_source = row.delegation_source;
  if (row.at_max_age !== null) scope.at_max_age = Number(row.at_max_age);
  if (row.authorization_max_lifetime !== null) scope.authorization_max_lifetime = Number(row.authorization_max_lifetime);
  return scope;
}

/** Maps an access-grant row (joined with its scope's owner) to the wire shape. */
export function scopeAccessFromRow(row: ScopeAccessRow & { owner_orgno: string }): ScopeAccess {
  return {
    scope: row.scope,
    state: 'APPROVED',
    consumer_orgno: row.consumer_orgno,
    owner_orgno: row.owner_orgno,
    created: new Date(Number(row.created)).toISOString(),
    last_updated: new Date(Number(row.last_updated)).toISOString(),
  };
}

/**
 * The scopes with these names, keyed by name; inactive scopes included (`active: false`),
 * unknown names absent from the map.
 */
export async function findScopes(db: MaskinportenDb, names: readonly string[]): Promise<Map<string, Scope>> {
  const found = new Map<string, Scope>();
  if (names.length === 0) return found;
  const rows = await db.selectFrom('maskinporten_scopes').selectAll().where('name', 'in', [...new Set(names)]).execute();
  for (const row of rows) found.set(row.name, scopeFromRow(row));
  return found;
}

/**
 * True when the scope's owner has granted `consumerOrgno` access to `scope` (a row in
 * `maskinporten_scope_access`). Does not look at `accessible_for_all` or `active`: the caller
 * combines those with {@link findScopes}.
 */
export async function hasScopeAccess(db: MaskinportenDb, scope: string, consumerOrgno: string): Promise<boolean> {
  const row = await db
    .selectFrom('maskinporten_scope_access')
    .select('scope')
    .where('scope', '=', scope)
    .where('consumer_orgno', '=', consumerOrgno)
    .executeTakeFirst();
  return row !== undefined;
}

/** The scope row with this name (active or not), or undefined. */
export async function findScopeRow(db: MaskinportenDb, name: string): Promise<ScopeRow | undefined> {
  return db.selectFrom('maskinporten_scopes').selectAll().where('name', '=', name).executeTakeFirst();
}

/** Filters of {@link listScopeRows}; every given filter must hold. */
export interface ScopeFilter {
  ownerOrgno?: string;
  /** Only `PUBLIC` scopes. */
  publicOnly?: boolean;
  /** Include deactivated scopes (default: active only). */
  includeInactive?: boolean;
  accessibleForAll?: boolean;
  /** Only scopes with a `delegation_source`. */
  delegable?: boolean;
}

/** Scope rows matching `filter`, ordered by name. */
export async function listScopeRows(db: MaskinportenDb, filter: ScopeFilter): Promise<ScopeRow[]> {
  let q = db.selectFrom('maskinporten_scopes').selectAll();
  if (filter.ownerOrgno !== undefined) q = q.where('owner_orgno', '=', filter.ownerOrgno);
  if (filter.publicOnly) q = q.where('visibility', '=', 'PUBLIC');
  if (!filter.includeInactive) q = q.where('active', '=', 1);
  if (filter.accessibleForAll !== undefined) q = q.where('accessible_for_all', '=', filter.accessibleForAll ? 1 : 0);
  if (filter.delegable) q = q.where('delegation_source', 'is not', null);
  return q.orderBy('name').execute();
}

/**
 * Inserts a scope row. Returns false (and writes nothing) when a scope with that name exists,
 * active or not, including one inserted concurrently.
 */
export async function insertScopeRow(db: MaskinportenDb, row: ScopeRow): Promise<boolean> {
  const result = await db
    .insertInto('maskinporten_scopes')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Sets the given columns of a scope (never `name`, `prefix`, `subscope`, `owner_orgno`, `created`). */
export async function updateScopeRow(
  db: MaskinportenDb,
  name: string,
  set: Partial<Omit<ScopeRow, 'name' | 'prefix' | 'subscope' | 'owner_orgno' | 'created'>>,
): Promise<void> {
  await db.updateTable('maskinporten_scopes').set(set).where('name', '=', name).execute();
}

/** The organisation a scope prefix is assigned to, or undefined. */
export async function findPrefixOwner(db: MaskinportenDb, prefix: string): Promise<string | undefined> {
  const row = await db.selectFrom('maskinporten_scope_prefixes').select('owner_orgno').where('prefix', '=', prefix).executeTakeFirst();
  return row?.owner_orgno;
}

/**
 * Assigns `prefix` to `ownerOrgno` unless it is assigned already. Returns the owner after the
 * call (the earlier owner when it was taken, also by a concurrent call).
 */
export async function claimPrefix(db: MaskinportenDb, prefix: string, ownerOrgno: string, now: number): Promise<string> {
  await db
    .insertInto('maskinporten_scope_prefixes')
    .values({ prefix, owner_orgno: ownerOrgno, created: now })
    .onConflict((oc) => oc.column('prefix').doNothing())
    .execute();
  return (await findPrefixOwner(db, prefix)) ?? ownerOrgno;
}

/** Prefixes assigned to `ownerOrgno`, ordered. */
export async function listPrefixes(db: MaskinportenDb, ownerOrgno: string): Promise<{ prefix: string; owner_orgno: string; created: number }[]> {
  const rows = await db.selectFrom('maskinporten_scope_prefixes').selectAll().where('owner_orgno', '=', ownerOrgno).orderBy('prefix').execute();
  return rows.map((r) => ({ prefix: r.prefix, owner_orgno: r.owner_orgno, created: Number(r.created) }));
}

/** The access grant of `consumerOrgno` to `scope`, with the scope's owner, or undefined. */
export async function findScopeAccess(db: MaskinportenDb, scope: string, consumerOrgno: string): Promise<ScopeAccess | undefined> {
  const row = await db
    .selectFrom('maskinporten_scope_access as a')
    .innerJoin('maskinporten_scopes as s', 's.name', 'a.scope')
    .select(['a.scope', 'a.consumer_orgno', 'a.state', 'a.created', 'a.last_updated', 's.owner_orgno'])
    .where('a.scope', '=', scope)
    .where('a.consumer_orgno', '=', consumerOrgno)
    .executeTakeFirst();
  return row === undefined ? undefined : scopeAccessFromRow(row);
}

/**
 * Grants `consumerOrgno` access to `scope` (state `APPROVED`). Idempotent: an existing grant
 * keeps its `created` and gets a new `last_updated`.
 */
export async function upsertScopeAccess(db: MaskinportenDb, scope: string, consumerOrgno: string, now: number): Promise<void> {
  await db
    .insertInto('maskinporten_scope_access')
    .values({ scope, consumer_orgno: consumerOrgno, state: 'APPROVED', created: now, last_updated: now })
    .onConflict((oc) => oc.columns(['scope', 'consumer_orgno']).doUpdateSet({ state: 'APPROVED', last_updated: now }))
    .execute();
}

/** Removes the grant; returns false when there was none. */
export async function deleteScopeAccess(db: MaskinportenDb, scope: string, consumerOrgno: string): Promise<boolean> {
  const result = await db
    .deleteFrom('maskinporten_scope_access')
    .where('scope', '=', scope)
    .where('consumer_orgno', '=', consumerOrgno)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Filters of {@link listScopeAccess}. */
export interface ScopeAccessFilter {
  scope?: string;
  consumerOrgno?: string;
  /** Include grants of deactivated scopes (default: active scopes only). */
  includeInactiveScopes?: boolean;
  /** Only grants of scopes whose `allowed_integration_types` is empty or holds this type. */
  integrationType?: string;
}

/** Access grants matching `filter`, with each scope's owner, ordered by scope then consumer. */
export async function listScopeAccess(db: MaskinportenDb, filter: ScopeAccessFilter): Promise<ScopeAccess[]> {
  let q = db
    .selectFrom('maskinporten_scope_access as a')
    .innerJoin('maskinporten_scopes as s', 's.name', 'a.scope')
    .select(['a.scope', 'a.consumer_orgno', 'a.state', 'a.created', 'a.last_updated', 's.owner_orgno', 's.allowed_integration_types']);
  if (filter.scope !== undefined) q = q.where('a.scope', '=', filter.scope);
  if (filter.consumerOrgno !== undefined) q = q.where('a.consumer_orgno', '=', filter.consumerOrgno);
  if (!filter.includeInactiveScopes) q = q.where('s.active', '=', 1);
  const rows = await q.orderBy('a.scope').orderBy('a.consumer_orgno').execute();
  return rows.filter((r) => allowsIntegrationType(r.allowed_integration_types, filter.integrationType)).map(scopeAccessFromRow);
}

/** True when a JSON list of integration types is empty or holds `type` (or no type is asked for). */
export function allowsIntegrationType(allowedJson: string, type: string | undefined): boolean {
  if (type === undefined) return true;
  const allowed = JSON.parse(allowedJson) as string[];
  return allowed.length === 0 || allowed.includes(type);
}
