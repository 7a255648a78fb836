/**
 * Rule: `scope` is required: one or more scope names separated by spaces. Each name is an
 * RFC 6749 scope-token (printable ASCII except space, `"` and `\`); a name sent twice counts once.
 * Whether the scopes exist and may be used is decided later (`check-scopes.ts`).
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant ("scope: Required. Whitespace-separated list")
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3 (scope-token = 1*NQCHAR)
 */
import { GrantError } from './grant-errors.ts';

/** Most scopes one grant may ask for. */
export const MAX_SCOPES_PER_GRANT = 100;

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/;

/**
 * @returns the requested scope names, in request order, without repeats
 * @throws GrantError `MP-011` when `scope` is missing, empty, not a string, or holds a name that
 *   is not a scope-token (or more than 100 names)
 */
export function checkScopeClaim(claims: Record<string, unknown>): string[] {
  const scope = claims.scope;
  if (typeof scope !== 'string' || scope.trim() === '') {
    throw new GrantError('MP-011', 'The claim scope is required: one or more scope names separated by spaces.');
  }
  const names = [...new Set(scope.split(' ').filter((s) => s.length > 0))];
  if (names.length > MAX_SCOPES_PER_GRANT) throw new GrantError('MP-011', `At most ${MAX_SCOPES_PER_GRANT} scopes may be requested at once.`);
  const bad = names.find((name) => !SCOPE_TOKEN.test(name));
  if (bad !== undefined) {
    throw new GrantError('MP-011', `The scope ${JSON.stringify(bad.slice(0, 80))} is not a valid scope name.`);
  }
  return names;
}
