/**
 * Rule: every requested scope exists and is active, is registered on the client (also when a
 * supplier asks on a customer's behalf: "Leverandør må registrere API-tilbyders scope på sin
 * klient"), and may be used by Maskinporten clients: its `allowed_integration_types` (when not
 * empty) include `maskinporten`, and it does not require an end user's login
 * (`requires_user_authentication`). Unknown, inactive or unregistered scopes are MP-200; scopes
 * for other integration types MP-201.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking (MP-200, MP-201)
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_delegering ("Leverandør må registrere API-tilbyders scope på sin klient")
 * @see specs/idporten-maskinporten.md §3 "Scopes"
 */
import type { Client, Scope } from '../types.ts';
import { GrantError } from './grant-errors.ts';

/**
 * @param names the requested scope names (from `check-scope-claim.ts`)
 * @param found the registry's scopes by name (inactive ones included)
 * @returns the scopes, in request order
 * @throws GrantError `MP-200`, `MP-201`
 */
export function checkScopes(names: readonly string[], found: ReadonlyMap<string, Scope>, client: Client): Scope[] {
  const scopes: Scope[] = [];
  for (const name of names) {
    const scope = found.get(name);
    if (!scope) throw new GrantError('MP-200', `The scope ${name} does not exist.`);
    if (!scope.active) throw new GrantError('MP-200', `The scope ${name} is deactivated by its owner.`);
    if (!client.scopes.includes(name)) throw new GrantError('MP-200', `The scope ${name} is not registered on the client.`);
    scopes.push(scope);
  }
  for (const scope of scopes) {
    const types = scope.allowed_integration_types;
    if ((types.length > 0 && !types.includes('maskinporten')) || scope.requires_user_authentication) {
      throw new GrantError('MP-201', `The scope ${scope.name} is not available to Maskinporten clients.`);
    }
  }
  return scopes;
}
