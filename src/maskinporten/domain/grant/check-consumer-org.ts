/**
 * Rule: a supplier's client asks for a token on behalf of a customer with `consumer_org`, the
 * customer's organisasjonsnummer (9 digits, valid check digit). The token's `consumer` is then
 * the customer and its `supplier` the client's owner, once the customer's delegation of every
 * scope is found (`check-delegation.ts`). `consumer_org` and `iss_onbehalfof` exclude each
 * other, and a client cannot name its own organisation ("The combination consumer_org in claim
 * and delegation scope on client is invalid").
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant ("two mutually exclusive claims")
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_delegering
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking (consumer_org equal to the client's own organisation)
 */
import { validateOrganisasjonsnummer } from '../../../platform/identifiers/index.ts';
import type { Client } from '../types.ts';
import { GrantError } from './grant-errors.ts';

/**
 * Checks the claim's shape and that it is not combined with `iss_onbehalfof`.
 *
 * @returns the customer's organisasjonsnummer, or undefined when no `consumer_org` was sent
 * @throws GrantError `MP-011`
 */
export function checkConsumerOrgClaim(claims: Record<string, unknown>): string | undefined {
  const consumerOrg = claims.consumer_org;
  if (consumerOrg === undefined) return undefined;
  if (claims.iss_onbehalfof !== undefined) {
    throw new GrantError('MP-011', 'The claims consumer_org and iss_onbehalfof cannot be used together.');
  }
  if (typeof consumerOrg !== 'string') {
    throw new GrantError('MP-011', 'The claim consumer_org must be an organisasjonsnummer (a string of 9 digits).');
  }
  const result = validateOrganisasjonsnummer(consumerOrg);
  if (!result.valid) {
    throw new GrantError('MP-011', `The claim consumer_org is not a valid organisasjonsnummer: ${result.problems.map((p) => p.message).join('; ')}.`);
  }
  return consumerOrg;
}

/**
 * Checks that a client does not name its own organisation as the customer.
 *
 * @throws GrantError `MP-011`
 */
export function checkConsumerOrgIsNotOwn(consumerOrg: string | undefined, client: Client): void {
  if (consumerOrg !== undefined && consumerOrg === client.client_orgno) {
    throw new GrantError(
      'MP-011',
      'Validation of JWT claim failed: the combination consumer_org in claim and delegation scope on client is invalid (consumer_org is the client\'s own organisation).',
    );
  }
}
