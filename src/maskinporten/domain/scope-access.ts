/**
 * Access grants: the owner of a scope lets a consumer organisation use it
 * (`PUT|DELETE /scopes/access/{consumer_orgno}?scope=…`, `GET /scopes/access?scope=…`), and a
 * consumer lists what it has access to (`GET /scopes/access/all`).
 *
 * Rules: only the scope's owner grants and revokes; a deactivated scope gets no new grants (its
 * existing grants stay, so a reactivated scope works again); a grant is idempotent.
 *
 * @see specs/idporten-maskinporten.md §3 "Scopes API"
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin_maskinporten ("2. Tilgangsstyring")
 */
import type { Database } from '../../platform/db/database.ts';
import { maskinportenError } from '../errors.ts';
import { maskinportenDb } from '../store/db.ts';
import {
  deleteScopeAccess,
  findScopeAccess,
  listScopeAccess,
  listScopeRows,
  allowsIntegrationType,
  upsertScopeAccess,
} from '../store/scopes-store.ts';
import { checkOrgno, type Actor } from './actor.ts';
import { getOwnedScope, type NowOption } from './scopes.ts';
import type { ScopeAccess } from './types.ts';
import { registryChanged } from './grant/registry-cache.ts';

/** Which grant: the scope and the consumer organisation. */
export interface ScopeAccessKey {
  scope: string;
  consumerOrgno: string;
}

/**
 * Grants `consumerOrgno` access to a scope the actor owns. Idempotent.
 *
 * @returns the grant (`state: "APPROVED"`)
 * @throws AppError `MASKINPORTEN_INVALID_ORGNO` (400), `MASKINPORTEN_SCOPE_NOT_FOUND` (404),
 *   `MASKINPORTEN_SCOPE_NOT_OWNED` (403), `MASKINPORTEN_SCOPE_INACTIVE` (409)
 */
export async function grantScopeAccess(db: Database, key: ScopeAccessKey, actor: Actor, options: NowOption = {}): Promise<ScopeAccess> {
  checkOrgno(key.consumerOrgno, 'consumer_orgno');
  const scope = await getOwnedScope(db, key.scope, actor);
  if (!scope.active) throw maskinportenError('MASKINPORTEN_SCOPE_INACTIVE', `The scope ${key.scope} is deactivated; reactivate it before granting access`);
  const k = maskinportenDb(db);
  await upsertScopeAccess(k, key.scope, key.consumerOrgno, options.now ?? Date.now());
  registryChanged();
  const access = await findScopeAccess(k, key.scope, key.consumerOrgno);
  if (!access) throw new Error('access grant vanished after upsert');
  return access;
}

/**
 * Removes a consumer's access to a scope the actor owns. Clients of the consumer keep the scope
 * in their registration but get no more tokens for it.
 *
 * @returns the grant as it was
 * @throws AppError `MASKINPORTEN_INVALID_ORGNO` (400), `MASKINPORTEN_SCOPE_NOT_FOUND` (404),
 *   `MASKINPORTEN_SCOPE_NOT_OWNED` (403), `MASKINPORTEN_ACCESS_NOT_FOUND` (404)
 */
export async function revokeScopeAccess(db: Database, key: ScopeAccessKey, actor: Actor): Promise<ScopeAccess> {
  checkOrgno(key.consumerOrgno, 'consumer_orgno');
  await getOwnedScope(db, key.scope, actor);
  const k = maskinportenDb(db);
  const access = await findScopeAccess(k, key.scope, key.consumerOrgno);
  if (!access || !(await deleteScopeAccess(k, key.scope, key.consumerOrgno))) {
    throw maskinportenError('MASKINPORTEN_ACCESS_NOT_FOUND', `${key.consumerOrgno} has no access to ${key.scope}`);
  }
  registryChanged();
  return access;
}

/**
 * Every grant of a scope the actor owns (also while the scope is deactivated).
 *
 * @throws AppError `MASKINPORTEN_SCOPE_NOT_FOUND` (404), `MASKINPORTEN_SCOPE_NOT_OWNED` (403)
 */
export async function listScopeAccessForOwner(db: Database, scope: string, actor: Actor): Promise<ScopeAccess[]> {
  await getOwnedScope(db, scope, actor);
  return listScopeAccess(maskinportenDb(db), { scope, includeInactiveScopes: true });
}

/** Options of {@link listAccessibleScopes}. */
export interface AccessibleScopesOptions {
  /** Include grants of deactivated scopes. */
  includeInactive?: boolean;
  /** Only scopes a client of this integration type may use (case-insensitive). */
  integrationType?: string;
  /**
   * Also list every active `accessible_for_all` scope, as a grant to the actor (no grant row is
   * needed for those).
   */
  accessibleForAll?: boolean;
}

/**
 * What the actor's organisation has access to (`GET /scopes/access/all`): its grants, ordered by
 * scope; with `accessibleForAll`, also the scopes open to every organisation.
 */
export async function listAccessibleScopes(db: Database, actor: Actor, options: AccessibleScopesOptions = {}): Promise<ScopeAccess[]> {
  const k = maskinportenDb(db);
  const type = options.integrationType?.toLowerCase();
  const grants = await listScopeAccess(k, {
    consumerOrgno: actor.orgno,
    includeInactiveScopes: options.includeInactive ?? false,
    ...(type === undefined ? {} : { integrationType: type }),
  });
  if (!options.accessibleForAll) return grants;
  const granted = new Set(grants.map((g) => g.scope));
  const open = (await listScopeRows(k, { accessibleForAll: true, includeInactive: options.includeInactive ?? false }))
    .filter((r) => !granted.has(r.name) && allowsIntegrationType(r.allowed_integration_types, type))
    .map(
      (r): ScopeAccess => ({
        scope: r.name,
        state: 'APPROVED',
        consumer_orgno: actor.orgno,
        owner_orgno: r.owner_orgno,
        created: new Date(Number(r.created)).toISOString(),
        last_updated: new Date(Number(r.last_updated)).toISOString(),
      }),
    );
  return [...grants, ...open].sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
}
