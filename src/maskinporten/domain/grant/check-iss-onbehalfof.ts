/**
 * Rule: `iss_onbehalfof` (optional, Maskinporten-proprietary) names the onbehalfof sub-client a
 * supplier's client acts for. It excludes `consumer_org` (checked in `check-consumer-org.ts`).
 * Grunnmur has no onbehalfof sub-client register, so the value is checked for shape only (a
 * string of 1–255 printable characters) and is not copied into the token: the real service's
 * token for it is undocumented. See the README's "Decisions".
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant (iss_onbehalfof)
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_func_onbehalfof
 * @see specs/idporten-maskinporten.md §5 complaint 13 (KRR clients send it)
 */
import { GrantError } from './grant-errors.ts';
import { isPrintable } from './printable.ts';

/**
 * @returns the value, or undefined when not sent
 * @throws GrantError `MP-011` when it is not a string of 1–255 printable characters
 */
export function checkIssOnBehalfOf(claims: Record<string, unknown>): string | undefined {
  const value = claims.iss_onbehalfof;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 255 || !isPrintable(value)) {
    throw new GrantError('MP-011', 'The claim iss_onbehalfof must be a string of 1 to 255 printable characters.');
  }
  return value;
}
