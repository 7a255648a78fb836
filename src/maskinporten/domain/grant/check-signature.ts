/**
 * Rule: the grant's JWS signature verifies with the client's key (the registered key named by
 * `kid`, or the `x5c` leaf certificate's key) under the header's `alg`, one of RS256, RS384 and
 * RS512. RSA keys shorter than 2048 bits are refused (jose's rule, and Digdir's).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2 (validating a JWS)
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3 (the JWT MUST be digitally signed)
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking (MP-124 "Invalid JWT signature")
 */
import type { KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';
import type { GrantAlgorithm } from './grant-context.ts';
import { GrantError } from './grant-errors.ts';

/**
 * @param compact the assertion as sent
 * @param alg the header's algorithm (already checked to be RS256/RS384/RS512)
 * @throws GrantError `MP-124`
 */
export async function checkSignature(compact: string, alg: GrantAlgorithm, key: KeyObject): Promise<void> {
  try {
    await compactVerify(compact, key, { algorithms: [alg] });
  } catch (err) {
    throw new GrantError('MP-124', undefined, { cause: err });
  }
}
