/**
 * Rule: `iss` is the client's `client_id` (a string). When a grant also carries `sub` (RFC 7523
 * §3 makes it mandatory, Maskinporten does not use it), it must name the same client.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant ("iss: Your client ID")
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3 (iss, sub)
 */
import { GrantError } from './grant-errors.ts';
import { isPrintable } from './printable.ts';

/**
 * @returns the client id the grant claims to come from
 * @throws GrantError `MP-011` when `iss` is missing or not a string of 1–255 characters, or `sub`
 *   differs from it
 */
export function checkIssuerClaim(claims: Record<string, unknown>): string {
  const iss = claims.iss;
  if (typeof iss !== 'string' || iss.length === 0 || iss.length > 255 || !isPrintable(iss)) {
    throw new GrantError('MP-011', 'The claim iss must be the client_id (a string of 1 to 255 printable characters).');
  }
  if (claims.sub !== undefined && claims.sub !== iss) {
    throw new GrantError('MP-011', 'The claim sub, when present, must equal iss (the client_id).');
  }
  return iss;
}
