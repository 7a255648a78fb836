/**
 * Rule: `jti` is recommended, and a grant cannot be used twice. When `jti` is present it is the
 * grant's replay key; when it is absent the grant's own signature is (its SHA-256), so the very
 * same assertion is still refused the second time ("A JWT cannot be reused"). This step only
 * checks the claim's shape and works out the key; `record-grant.ts` enforces one use, as the
 * grant's last step, so a failed grant leaves no trace.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant ("jti: Recommended … A JWT cannot be reused")
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3 (jti MAY be used against replay)
 */
import { createHash } from 'node:crypto';
import type { DecodedAssertion } from './grant-context.ts';
import { GrantError } from './grant-errors.ts';
import { isPrintable } from './printable.ts';

/** Longest accepted `jti` (the replay table's column is `varchar(255)`). */
export const MAX_JTI_CHARS = 255;

/**
 * @returns the replay key: the `jti`, or `#` + the hex SHA-256 of the signature when the grant
 *   has no `jti`
 * @throws GrantError `MP-011` when `jti` is present but not a string of 1–255 printable characters
 */
export function checkJti(assertion: DecodedAssertion): string {
  const jti = assertion.claims.jti;
  if (jti === undefined) return `#${createHash('sha256').update(assertion.signature).digest('hex')}`;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_CHARS || !isPrintable(jti)) {
    throw new GrantError('MP-011', `The claim jti must be a string of 1 to ${MAX_JTI_CHARS} printable characters.`);
  }
  return jti;
}
