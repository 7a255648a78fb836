/**
 * The token endpoint's batched reads of the access and delegation registers: one query for all
 * the scopes of a grant, where the self-service store (`scopes-store.ts`,
 * `delegations-store.ts`) answers one scope at a time. No rules here: the grant's
 * `check-scope-access.ts` and `check-delegation.ts` decide.
 */
import type { MaskinportenDb } from './tables.ts';

/**
 * The scopes among `scopes` whose owner has granted `consumerOrgno` access.
 *
 * @returns scope names (a subset of `scopes`)
 */
export async function findAccessibleScopes(db: MaskinportenDb, scopes: readonly string[], consumerOrgno: string): Promise<Set<string>> {
  if (scopes.length === 0) return new Set();
  const rows = await db
    .selectFrom('maskinporten_scope_access')
    .select('scope')
    .where('consumer_orgno', '=', consumerOrgno)
    .where('scope', 'in', [...scopes])
    .execute();
  return new Set(rows.map((r) => r.scope));
}

/**
 * The scopes among `scopes` that customer `consumerOrgno` has delegated to supplier
 * `supplierOrgno`.
 *
 * @returns scope names (a subset of `scopes`)
 */
export async function findDelegatedScopes(
  db: MaskinportenDb,
  scopes: readonly string[],
  consumerOrgno: string,
  supplierOrgno: string,
): Promise<Set<string>> {
  if (scopes.length === 0) return new Set();
  const rows = await db
    .selectFrom('maskinporten_delegations')
    .select('scope')
    .where('consumer_orgno', '=', consumerOrgno)
    .where('supplier_orgno', '=', supplierOrgno)
    .where('scope', 'in', [...scopes])
    .execute();
  return new Set(rows.map((r) => r.scope));
}
