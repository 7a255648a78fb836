/**
 * Rule: a scope is named `prefix:subscope`. The prefix is assigned to one organisation (by
 * Digdir, by hand); the owner picks the subscope, which can never be renamed.
 *
 * Accepted here: prefix `[a-z0-9]+` (at most 64 characters); subscope of lower-case letters and
 * digits, in runs separated by single `/`, `.`, `_`, `-` or `:` (no separator first, last or
 * twice in a row); the whole name at most 255 characters. `:` inside the subscope is allowed
 * because real scopes carry it (NAIS registers `nav:<product>:<name>`).
 *
 * @see specs/idporten-maskinporten.md §3 "Scopes"
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin_maskinporten ("scope ::= prefix ':' subscope")
 * @see https://docs.nais.io/auth/maskinporten/reference (subscope `<product><separator><name>`)
 */
import { maskinportenError } from '../errors.ts';

const PREFIX = /^[a-z0-9]{1,64}$/;
const SUBSCOPE = /^[a-z0-9]+(?:[/._:-][a-z0-9]+)*$/;
/** Longest scope name (the `name` column). */
export const MAX_SCOPE_NAME_LENGTH = 255;

/** A scope name split at its first `:`. */
export interface ScopeName {
  name: string;
  prefix: string;
  subscope: string;
}

/**
 * Checks a prefix and subscope and joins them.
 *
 * @throws AppError `MASKINPORTEN_INVALID_SCOPE_NAME` (400) naming the part that fails
 */
export function checkScopeParts(prefix: string, subscope: string): ScopeName {
  if (!PREFIX.test(prefix)) {
    throw maskinportenError('MASKINPORTEN_INVALID_SCOPE_NAME', `Invalid scope prefix "${prefix}": 1–64 lower-case letters and digits`);
  }
  if (!SUBSCOPE.test(subscope)) {
    throw maskinportenError(
      'MASKINPORTEN_INVALID_SCOPE_NAME',
      `Invalid subscope "${subscope}": lower-case letters and digits, separated by single / . _ - or :`,
    );
  }
  const name = `${prefix}:${subscope}`;
  if (name.length > MAX_SCOPE_NAME_LENGTH) {
    throw maskinportenError('MASKINPORTEN_INVALID_SCOPE_NAME', `Scope name longer than ${MAX_SCOPE_NAME_LENGTH} characters`);
  }
  return { name, prefix, subscope };
}

/**
 * Splits and checks a full scope name `prefix:subscope`.
 *
 * @throws AppError `MASKINPORTEN_INVALID_SCOPE_NAME` (400)
 */
export function parseScopeName(name: string): ScopeName {
  const colon = name.indexOf(':');
  if (colon < 0) throw maskinportenError('MASKINPORTEN_INVALID_SCOPE_NAME', `Invalid scope name "${name}": expected prefix:subscope`);
  return checkScopeParts(name.slice(0, colon), name.slice(colon + 1));
}
