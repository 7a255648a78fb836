/**
 * Rule: a grant is short-lived and fresh.
 * - `iat` and `exp` are required NumericDates (seconds since the epoch).
 * - `iat` is within ±10 s of our clock ("less than 10 seconds ahead/after our clock"), which
 *   allows for clock skew and network delay.
 * - `exp − iat` is at most MASKINPORTEN_MAX_ASSERTION_LIFETIME_S (default 120 s, as the docs
 *   say; integrators report the real service accepts 180 s, see the README's "Decisions").
 * - `exp` has not passed (with the same 10 s skew), and `exp` is after `iat`.
 * - `nbf`, when present, is not in the future (10 s skew).
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant (iat ±10 s, exp − iat ≤ 120)
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3 (exp required; leeway allowed)
 * @see specs/idporten-maskinporten.md §3 "Assertion body", §5 complaints 1, 2, 7, 10
 */
import { GrantError } from './grant-errors.ts';

/** Clock skew allowed on `iat`, `exp` and `nbf`, seconds. */
export const GRANT_CLOCK_SKEW_S = 10;

/** Default longest `exp − iat`, seconds (the documented 120 s). */
export const DEFAULT_MAX_ASSERTION_LIFETIME_S = 120;

/**
 * @param now epoch ms
 * @param maxLifetimeS longest accepted `exp − iat`, seconds
 * @returns `iat` and `exp` in seconds, as sent
 * @throws GrantError `MP-011` (`iat`/`exp`/`nbf` missing or not numbers), `MP-130` (outside the
 *   window, expired, too long-lived, not yet valid)
 */
export function checkLifetime(claims: Record<string, unknown>, now: number, maxLifetimeS: number): { iat: number; exp: number } {
  const iat = numericDate(claims, 'iat', true) as number;
  const exp = numericDate(claims, 'exp', true) as number;
  const nbf = numericDate(claims, 'nbf', false);
  const nowS = now / 1000;
  if (iat > nowS + GRANT_CLOCK_SKEW_S) {
    throw new GrantError('MP-130', `Issue time is after now: iat is more than ${GRANT_CLOCK_SKEW_S} s ahead of the server clock.`);
  }
  if (exp + GRANT_CLOCK_SKEW_S <= nowS) throw new GrantError('MP-130', 'JWT is expired: exp has passed.');
  if (iat < nowS - GRANT_CLOCK_SKEW_S) {
    throw new GrantError('MP-130', `iat is more than ${GRANT_CLOCK_SKEW_S} s behind the server clock; make a new grant for each token request.`);
  }
  if (exp <= iat) throw new GrantError('MP-130', 'exp must be after iat.');
  if (exp - iat > maxLifetimeS) {
    throw new GrantError('MP-130', `exp is more than ${maxLifetimeS} s after iat (exp - iat = ${Math.round(exp - iat)} s).`);
  }
  if (nbf !== undefined && nbf > nowS + GRANT_CLOCK_SKEW_S) throw new GrantError('MP-130', 'The JWT is not valid yet (nbf is in the future).');
  return { iat, exp };
}

function numericDate(claims: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const value = claims[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new GrantError('MP-011', `The claim ${name} must be a NumericDate (seconds since 1970-01-01T00:00:00Z).`);
  }
  return value;
}
