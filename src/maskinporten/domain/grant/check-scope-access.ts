/**
 * Rule: the consumer (the client's organisation, or the customer named by `consumer_org`) may
 * use every scope: the scope is `accessible_for_all`, or the consumer owns it, or the owner has
 * granted the consumer access (`PUT /scopes/access/{consumer_orgno}`). Otherwise 403
 * `forbidden`, "Consumer has not been granted access to the scope <scope>" (MP-250). A supplier
 * never needs its own access to a customer's scope: the customer's counts, through delegation.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking (MP-250)
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_delegering ("API-tilbyder aldri må gi direkte tilgang til leverandøren")
 * @see specs/idporten-maskinporten.md §3 "Scopes" (accessible_for_all, access grants)
 */
import type { Scope } from '../types.ts';
import { GrantError } from './grant-errors.ts';
import type { GrantRegistry } from './registry-cache.ts';

/**
 * Asks the registry, in one query, only about scopes that are neither open to all nor owned by
 * the consumer.
 *
 * @param consumerOrgno the organisation the token is for
 * @throws GrantError `MP-250` naming the first scope (in request order) without access
 */
export async function checkScopeAccess(registry: GrantRegistry, scopes: readonly Scope[], consumerOrgno: string): Promise<void> {
  const restricted = scopes.filter((scope) => !scope.accessible_for_all && scope.owner_orgno !== consumerOrgno);
  if (restricted.length === 0) return;
  const granted = await registry.findAccessibleScopes(
    restricted.map((scope) => scope.name),
    consumerOrgno,
  );
  const denied = restricted.find((scope) => !granted.has(scope.name));
  if (denied) {
    throw new GrantError('MP-250', undefined, { message: `Consumer has not been granted access to the scope ${denied.name}.` });
  }
}
