/**
 * Kysely queries over `maskinporten_delegations`. No rules here: `domain/delegations.ts` decides.
 */
import type { Delegation } from '../domain/types.ts';
import type { DelegationRow, MaskinportenDb } from './tables.ts';

/** Maps a delegation row to the wire shape (`created` as ISO 8601). */
export function delegationFromRow(row: DelegationRow): Delegation {
  return {
    scope: row.scope,
    consumer_orgno: row.consumer_orgno,
    supplier_orgno: row.supplier_orgno,
    delegation_source: row.delegation_source,
    created: new Date(Number(row.created)).toISOString(),
  };
}

/**
 * The delegation by which customer `consumerOrgno` lets supplier `supplierOrgno` use `scope`,
 * or undefined. Does not check that the scope is active or still delegable: the caller does.
 */
export async function findDelegation(
  db: MaskinportenDb,
  q: { scope: string; consumerOrgno: string; supplierOrgno: string },
): Promise<Delegation | undefined> {
  const row = await db
    .selectFrom('maskinporten_delegations')
    .selectAll()
    .where('scope', '=', q.scope)
    .where('consumer_orgno', '=', q.consumerOrgno)
    .where('supplier_orgno', '=', q.supplierOrgno)
    .executeTakeFirst();
  return row === undefined ? undefined : delegationFromRow(row);
}

/**
 * Records the delegation. Idempotent: an existing delegation keeps its `created` and gets the
 * scope's current `delegation_source`.
 */
export async function upsertDelegation(db: MaskinportenDb, row: DelegationRow): Promise<void> {
  await db
    .insertInto('maskinporten_delegations')
    .values(row)
    .onConflict((oc) => oc.columns(['scope', 'consumer_orgno', 'supplier_orgno']).doUpdateSet({ delegation_source: row.delegation_source }))
    .execute();
}

/** Removes the delegation; returns false when there was none. */
export async function deleteDelegation(
  db: MaskinportenDb,
  q: { scope: string; consumerOrgno: string; supplierOrgno: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('maskinporten_delegations')
    .where('scope', '=', q.scope)
    .where('consumer_orgno', '=', q.consumerOrgno)
    .where('supplier_orgno', '=', q.supplierOrgno)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Delegations where `orgno` is the customer (`consumer_orgno`) or the supplier, optionally of
 * one scope, ordered by scope, customer, supplier.
 */
export async function listDelegations(db: MaskinportenDb, orgno: string, scope?: string): Promise<Delegation[]> {
  let q = db
    .selectFrom('maskinporten_delegations')
    .selectAll()
    .where((eb) => eb.or([eb('consumer_orgno', '=', orgno), eb('supplier_orgno', '=', orgno)]));
  if (scope !== undefined) q = q.where('scope', '=', scope);
  const rows = await q.orderBy('scope').orderBy('consumer_orgno').orderBy('supplier_orgno').execute();
  return rows.map(delegationFromRow);
}
