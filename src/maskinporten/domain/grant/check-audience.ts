/**
 * Rule: `aud` is Maskinporten's issuer identifier, one value. The real issuer has a trailing
 * slash (`https://maskinporten.no/`) but some of Digdir's own pages write it without, so both
 * forms are accepted. The token endpoint URL (`…/token`), once allowed, is not. A JSON array with
 * exactly one element is read as that element (a single value either way).
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_token ("Using the token-endpoint url as audience is no longer valid")
 * @see specs/idporten-maskinporten.md §3 "Endpoints" ("Be tolerant here")
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3 (aud identifies the authorization server)
 */
import { GrantError } from './grant-errors.ts';

/**
 * @param issuer our issuer, with trailing slash
 * @throws GrantError `MP-110` when `aud` is missing, has more than one value, or is not the issuer
 */
export function checkAudience(claims: Record<string, unknown>, issuer: string): void {
  let aud = claims.aud;
  if (Array.isArray(aud) && aud.length === 1) aud = aud[0];
  const bare = issuer.replace(/\/+$/, '');
  if (typeof aud !== 'string' || (aud !== issuer && aud !== bare)) {
    throw new GrantError('MP-110', `The claim aud must be ${JSON.stringify(issuer)} (a single value).`);
  }
}
