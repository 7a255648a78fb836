/**
 * Rule: the grant's header has `alg` RS256, RS384 or RS512, and exactly one of `kid` (a key
 * registered on the client) and `x5c` (the full chain of the enterprise certificate, an array of
 * base64 DER certificates, leaf first). No `crit` extensions are understood, so a header that
 * names one is refused (RFC 7515 §4.1.11). Other header parameters (`typ`, …) are ignored.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant ("Either kid or x5c must be present")
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4.7 (x5c: base64, not base64url, DER)
 * @see specs/idporten-maskinporten.md §3 "Assertion header"
 */
import { GRANT_ALGORITHMS, type AssertionHeader, type GrantAlgorithm } from './grant-context.ts';
import { GrantError } from './grant-errors.ts';
import { isPrintable } from './printable.ts';

/** Most certificates accepted in `x5c` (leaf, intermediates, root). */
export const MAX_X5C_CERTIFICATES = 10;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Checks the header and narrows it to {@link AssertionHeader}.
 *
 * @throws GrantError `MP-011` (bad or missing `alg`, both or neither of `kid`/`x5c`, bad `kid`,
 *   `crit`), `MP-123` (`x5c` not an array of base64 certificates)
 */
export function checkHeader(header: Record<string, unknown>): AssertionHeader {
  const alg = header.alg;
  if (typeof alg !== 'string' || !(GRANT_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new GrantError(
      'MP-011',
      `Unsupported JWT algorithm ${JSON.stringify(typeof alg === 'string' ? alg.slice(0, 20) : alg ?? null)}; RS256, RS384 or RS512 is required.`,
    );
  }
  if (header.crit !== undefined) throw new GrantError('MP-011', 'The JWT header names critical extensions (crit), which are not supported.');
  const hasKid = header.kid !== undefined;
  const hasX5c = header.x5c !== undefined;
  if (hasKid === hasX5c) {
    throw new GrantError('MP-011', 'The JWT header must have exactly one of kid (a registered key) and x5c (an enterprise certificate chain).');
  }
  if (hasKid) {
    const kid = header.kid;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 255 || !isPrintable(kid)) {
      throw new GrantError('MP-011', 'The JWT header kid must be a string of 1 to 255 printable characters.');
    }
    return { alg: alg as GrantAlgorithm, kid };
  }
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0) {
    throw new GrantError('MP-123', 'x5c must be an array of base64-encoded certificates, leaf first.');
  }
  if (x5c.length > MAX_X5C_CERTIFICATES) throw new GrantError('MP-123', `x5c holds more than ${MAX_X5C_CERTIFICATES} certificates.`);
  for (const cert of x5c) {
    if (typeof cert !== 'string' || !BASE64.test(cert) || cert.length % 4 !== 0) {
      throw new GrantError('MP-123', 'Every x5c entry must be a base64-encoded (not base64url) DER certificate.');
    }
  }
  return { alg: alg as GrantAlgorithm, x5c: x5c as string[] };
}
