/**
 * Rule: `iss` names an existing, active Maskinporten client (`integration_type: maskinporten`).
 * A deleted (deactivated) client, or a client of another integration type, is "not found":
 * the answer does not tell which.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking ("MP-100: Client not found")
 * @see specs/idporten-maskinporten.md §3 "Assertion body" (iss = client_id)
 */
import type { Client } from '../types.ts';
import { GrantError } from './grant-errors.ts';

/**
 * @param client the registry's client for `iss`, or undefined
 * @returns the client
 * @throws GrantError `MP-100`
 */
export function checkClient(client: Client | undefined): Client {
  if (!client || !client.active || client.integration_type !== 'maskinporten') {
    throw new GrantError('MP-100', 'Client not found.');
  }
  return client;
}
