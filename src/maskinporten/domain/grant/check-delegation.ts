/**
 * Rule: a supplier's client asking on behalf of a customer (`consumer_org`) gets a token only
 * when the customer has delegated every requested scope to the supplier (the client's
 * organisation), and every scope may be delegated (it has a `delegation_source`). Otherwise 403
 * `forbidden`, "Consumer <customer> has not delegated access to the scope <scope> to supplier
 * <supplier>" (MP-251). The real service asks Altinn; Grunnmur keeps the delegations in its own
 * registry (`maskinporten_delegations`) until Altinn lands here.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_delegering
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking (MP-251)
 * @see specs/idporten-maskinporten.md §3 "Delegation via Altinn"
 */
import type { Scope } from '../types.ts';
import { GrantError } from './grant-errors.ts';
import type { GrantRegistry } from './registry-cache.ts';

/**
 * @param customerOrgno the `consumer_org`
 * @param supplierOrgno the client's organisation
 * @returns the `delegation_source` for the token (the first scope's; every scope must have one)
 * @throws GrantError `MP-251` naming the first scope (in request order) not delegated
 */
export async function checkDelegation(
  registry: GrantRegistry,
  scopes: readonly Scope[],
  customerOrgno: string,
  supplierOrgno: string,
): Promise<string> {
  const delegated = await registry.findDelegatedScopes(
    scopes.filter((scope) => scope.delegation_source).map((scope) => scope.name),
    customerOrgno,
    supplierOrgno,
  );
  const missing = scopes.find((scope) => !scope.delegation_source || !delegated.has(scope.name));
  if (missing) {
    throw new GrantError('MP-251', undefined, {
      message: `Consumer ${customerOrgno} has not delegated access to the scope ${missing.name} to supplier ${supplierOrgno}.`,
    });
  }
  return (scopes[0] as Scope).delegation_source as string;
}
