/**
 * Rule: `resource` (optional) asks for an audience-restricted token: the values become the
 * access token's `aud`. Digdir documents it as an array ("Currently only array supported");
 * RFC 8707 also allows one string, and Grunnmur accepts both. Each value is a non-empty string
 * of at most 1024 characters (usually the API's URL; the API owner chooses it, so its form is
 * not checked).
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_audience_restricted_tokens
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 (resource indicators)
 */
import { GrantError } from './grant-errors.ts';
import { isPrintable } from './printable.ts';

/** Most `resource` values in one grant. */
export const MAX_RESOURCES = 10;

/**
 * @returns the audience values, in request order without repeats, or undefined when no
 *   `resource` was sent
 * @throws GrantError `MP-011` when `resource` is neither a string nor an array of 1–10 strings
 */
export function checkResource(claims: Record<string, unknown>): string[] | undefined {
  const resource = claims.resource;
  if (resource === undefined) return undefined;
  const values = typeof resource === 'string' ? [resource] : resource;
  if (
    !Array.isArray(values) ||
    values.length === 0 ||
    values.length > MAX_RESOURCES ||
    !values.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 1024 && isPrintable(v))
  ) {
    throw new GrantError('MP-011', `The claim resource must be an array of 1 to ${MAX_RESOURCES} audience values (strings).`);
  }
  return [...new Set(values as string[])];
}
