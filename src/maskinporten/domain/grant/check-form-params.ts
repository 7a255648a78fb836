/**
 * Rule: the token request is an `application/x-www-form-urlencoded` POST with
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and one `assertion` (the signed JWT
 * grant). No client authentication parameters are needed; other parameters are ignored
 * (RFC 6749 §3.2: unknown parameters are ignored), but no parameter may be sent twice.
 *
 * @see specs/idporten-maskinporten.md §3 "Token request"
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1 (the jwt-bearer grant)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2 (parameters sent once; unknown ones ignored)
 */
import { GrantError } from './grant-errors.ts';

/** The grant type of the JWT-bearer grant (RFC 7523 §2.1). */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Longest accepted assertion, characters. A grant with a 3-certificate x5c chain is about 6 000. */
export const MAX_ASSERTION_CHARS = 65_536;

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Reads `grant_type` and `assertion` from the parsed form.
 *
 * @param contentType the request's `Content-Type` header
 * @param body the parsed body (`@fastify/formbody` gives an object; a repeated field is an array)
 * @returns the assertion, as sent
 * @throws GrantError `MASKINPORTEN_INVALID_TOKEN_REQUEST` (not a form, a field missing or sent
 *   twice), `MASKINPORTEN_UNSUPPORTED_GRANT_TYPE`, `MP-011` (assertion too long)
 */
export function checkFormParams(contentType: string | undefined, body: unknown): { assertion: string } {
  if (typeof contentType !== 'string' || !FORM.test(contentType)) {
    throw new GrantError(
      'MASKINPORTEN_INVALID_TOKEN_REQUEST',
      `The token request must be sent as application/x-www-form-urlencoded (got ${contentType ? JSON.stringify(contentType.slice(0, 60)) : 'no Content-Type'}).`,
    );
  }
  const form = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const grantType = single(form, 'grant_type');
  if (grantType !== JWT_BEARER_GRANT_TYPE) {
    throw new GrantError('MASKINPORTEN_UNSUPPORTED_GRANT_TYPE', `Got grant_type ${JSON.stringify(grantType.slice(0, 100))}.`);
  }
  const assertion = single(form, 'assertion');
  if (assertion.length > MAX_ASSERTION_CHARS) {
    throw new GrantError('MP-011', `The assertion is longer than ${MAX_ASSERTION_CHARS} characters.`);
  }
  return { assertion };
}

function single(form: Record<string, unknown>, name: string): string {
  const value = Object.hasOwn(form, name) ? form[name] : undefined;
  if (Array.isArray(value)) {
    throw new GrantError('MASKINPORTEN_INVALID_TOKEN_REQUEST', `The parameter ${name} must not be sent more than once.`);
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new GrantError('MASKINPORTEN_INVALID_TOKEN_REQUEST', `The parameter ${name} is missing.`);
  }
  return value;
}
