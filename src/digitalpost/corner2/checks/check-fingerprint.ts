/**
 * Rule: `dokumentpakkefingeravtrykk` names SHA-256
 * (`http://www.w3.org/2001/04/xmlenc#sha256`) and its `digestValue` is the base64 SHA-256 of the
 * dokumentpakke exactly as sent (the CMS bytes). It binds the signed business message to the
 * package, which travels unsigned beside it.
 *
 * @see spec `krr-dpi-esign.md` §2 step 3 ("a base64 hash of the *encrypted* package")
 */
import { fingerprint, FINGERPRINT_DIGEST_METHOD } from '../../crypto/index.ts';
import { digitalpostError } from '../../errors.ts';

/**
 * @param claimed the message's `dokumentpakkefingeravtrykk`
 * @param dokumentpakke the CMS bytes
 * @throws AppError `DIGITALPOST_FINGERPRINT_MISMATCH` (400)
 */
export function checkFingerprint(claimed: { digestMethod: string; digestValue: string }, dokumentpakke: Uint8Array): void {
  if (claimed.digestMethod !== FINGERPRINT_DIGEST_METHOD) {
    throw digitalpostError('DIGITALPOST_FINGERPRINT_MISMATCH', `dokumentpakkefingeravtrykk.digestMethod must be ${FINGERPRINT_DIGEST_METHOD}, not ${JSON.stringify(String(claimed.digestMethod).slice(0, 100))}`);
  }
  const actual = fingerprint(dokumentpakke).digestValue;
  if (claimed.digestValue !== actual) {
    throw digitalpostError('DIGITALPOST_FINGERPRINT_MISMATCH', `dokumentpakkefingeravtrykk.digestValue ${JSON.stringify(String(claimed.digestValue).slice(0, 100))} is not the SHA-256 of the dokumentpakke (${actual})`);
  }
}
