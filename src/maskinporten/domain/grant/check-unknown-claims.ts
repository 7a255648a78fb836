/**
 * Rule: a grant carries only the claims Maskinporten documents; any other claim makes the
 * assertion invalid ("Invalid assertion", 400). Grunnmur also accepts the two registered JWT
 * claims a generic RFC 7523 library adds, `sub` (which must then equal `iss`, see
 * `check-issuer-claim.ts`) and `nbf` (checked with the lifetime): Altinn's own documentation
 * shows grants with `sub`, and refusing them would break clients the real service accepts.
 *
 * @see specs/idporten-maskinporten.md §3 ("Any unknown claim gives 400 Invalid assertion")
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant (the documented claims)
 */
import { GrantError } from './grant-errors.ts';

/** Every claim a grant may carry. */
export const KNOWN_GRANT_CLAIMS: ReadonlySet<string> = new Set([
  'aud',
  'iss',
  'iat',
  'exp',
  'jti',
  'scope',
  'resource',
  'pid',
  'consumer_org',
  'iss_onbehalfof',
  'authorization_details',
  'sub',
  'nbf',
]);

/**
 * @throws GrantError `MP-011` naming the first unknown claims (at most five)
 */
export function checkUnknownClaims(claims: Record<string, unknown>): void {
  const unknown = Object.keys(claims).filter((name) => !KNOWN_GRANT_CLAIMS.has(name));
  if (unknown.length > 0) {
    const shown = unknown
      .slice(0, 5)
      .map((name) => JSON.stringify(name.slice(0, 40)))
      .join(', ');
    throw new GrantError('MP-011', `Unknown claim${unknown.length > 1 ? 's' : ''} in the JWT grant: ${shown}.`);
  }
}
