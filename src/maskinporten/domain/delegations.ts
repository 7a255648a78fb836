/**
 * Delegations: a customer (the consumer) lets a supplier use its access to a scope, so the
 * supplier's client may ask for tokens with `consumer_org` = the customer.
 *
 * In the real service the customer does this in Altinn's delegation dialogue, for scopes whose
 * owner set `delegation_source` and made an Altinn delegation scheme. Until Grunnmur's Altinn
 * does it, this is Grunnmur's own stand-in (`PUT|DELETE|GET /selvbetjening/api/v1/delegations…`,
 * see the README): no real client calls it, so its shape is ours.
 *
 * Rules: the scope must exist, be active and carry `delegation_source`; the customer must have
 * access to the scope itself (owner, access grant or `accessible_for_all`); a customer cannot
 * delegate to itself; only the customer removes a delegation; a delegation is idempotent.
 *
 * @see specs/idporten-maskinporten.md §3 "Delegation via Altinn"
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_delegering
 */
import type { Database } from '../../platform/db/database.ts';
import { maskinportenError } from '../errors.ts';
import { maskinportenDb } from '../store/db.ts';
import { deleteDelegation, findDelegation, listDelegations, upsertDelegation } from '../store/delegations-store.ts';
import { findScopeRow, hasScopeAccess } from '../store/scopes-store.ts';
import { checkOrgno, type Actor } from './actor.ts';
import type { NowOption } from './scopes.ts';
import type { Delegation } from './types.ts';
import { registryChanged } from './grant/registry-cache.ts';

/** Which delegation: the scope and the supplier (the customer is the actor). */
export interface DelegationKey {
  scope: string;
  supplierOrgno: string;
}

/**
 * The actor (customer) delegates its access to `scope` to `supplierOrgno`. Idempotent; a repeat
 * records the scope's current `delegation_source`.
 *
 * @returns the delegation
 * @throws AppError `MASKINPORTEN_INVALID_ORGNO` (400), `MASKINPORTEN_SELF_DELEGATION` (400),
 *   `MASKINPORTEN_SCOPE_NOT_FOUND` (404), `MASKINPORTEN_SCOPE_INACTIVE` (409),
 *   `MASKINPORTEN_SCOPE_NOT_DELEGABLE` (400), `MASKINPORTEN_NO_ACCESS_TO_DELEGATE` (403)
 */
export async function delegateScope(db: Database, key: DelegationKey, actor: Actor, options: NowOption = {}): Promise<Delegation> {
  checkOrgno(key.supplierOrgno, 'supplier_orgno');
  if (key.supplierOrgno === actor.orgno) {
    throw maskinportenError('MASKINPORTEN_SELF_DELEGATION', 'The supplier is your own organisation: your own clients need no delegation');
  }
  const k = maskinportenDb(db);
  const scope = await findScopeRow(k, key.scope);
  const hasAccess =
    scope !== undefined &&
    (Number(scope.accessible_for_all) === 1 || scope.owner_orgno === actor.orgno || (await hasScopeAccess(k, key.scope, actor.orgno)));
  if (scope === undefined || (!hasAccess && scope.visibility !== 'PUBLIC')) {
    throw maskinportenError('MASKINPORTEN_SCOPE_NOT_FOUND', `No scope ${key.scope}`);
  }
  if (Number(scope.active) === 0) throw maskinportenError('MASKINPORTEN_SCOPE_INACTIVE', `The scope ${key.scope} is deactivated`);
  if (scope.delegation_source === null) {
    throw maskinportenError('MASKINPORTEN_SCOPE_NOT_DELEGABLE', `The scope ${key.scope} has no delegation_source: its owner has not opened it for delegation`);
  }
  if (!hasAccess) {
    throw maskinportenError('MASKINPORTEN_NO_ACCESS_TO_DELEGATE', `Your organisation has no access to ${key.scope}, so it cannot delegate it`);
  }
  const q = { scope: key.scope, consumerOrgno: actor.orgno, supplierOrgno: key.supplierOrgno };
  await upsertDelegation(k, {
    scope: key.scope,
    consumer_orgno: actor.orgno,
    supplier_orgno: key.supplierOrgno,
    delegation_source: scope.delegation_source,
    created: options.now ?? Date.now(),
  });
  registryChanged();
  const delegation = await findDelegation(k, q);
  if (!delegation) throw new Error('delegation vanished after upsert');
  return delegation;
}

/**
 * The actor (customer) withdraws a delegation. The supplier's next token with `consumer_org`
 * is refused; tokens already issued live until they expire.
 *
 * @returns the delegation as it was
 * @throws AppError `MASKINPORTEN_INVALID_ORGNO` (400), `MASKINPORTEN_DELEGATION_NOT_FOUND` (404)
 */
export async function revokeDelegation(db: Database, key: DelegationKey, actor: Actor): Promise<Delegation> {
  checkOrgno(key.supplierOrgno, 'supplier_orgno');
  const k = maskinportenDb(db);
  const q = { scope: key.scope, consumerOrgno: actor.orgno, supplierOrgno: key.supplierOrgno };
  const delegation = await findDelegation(k, q);
  if (!delegation || !(await deleteDelegation(k, q))) {
    throw maskinportenError('MASKINPORTEN_DELEGATION_NOT_FOUND', `No delegation of ${key.scope} to ${key.supplierOrgno}`);
  }
  registryChanged();
  return delegation;
}

/** Delegations the actor made (as customer) or received (as supplier), optionally of one scope. */
export async function listDelegationsFor(db: Database, actor: Actor, scope?: string): Promise<Delegation[]> {
  return listDelegations(maskinportenDb(db), actor.orgno, scope);
}
