/**
 * The `dokumentpakkefingeravtrykk` of a DPI business message: SHA-256 over the CMS DER bytes
 * of the document package, as Digdir's dpi-client computes it.
 */
import { createHash } from 'node:crypto';
import type { Fingerprint } from './types.ts';

/** XML Encryption's SHA-256 identifier, the `digestMethod` of every fingerprint. */
export const FINGERPRINT_DIGEST_METHOD = 'http://www.w3.org/2001/04/xmlenc#sha256';

/**
 * The fingerprint of an encrypted document package.
 *
 * @param cms the CMS EnvelopedData DER bytes (`asic.cms`), exactly as sent
 * @returns `{ digestMethod: "http://www.w3.org/2001/04/xmlenc#sha256", digestValue: base64(sha256(cms)) }`
 * @see Digdir efm-integrasjonspunkt dpi-client (`Dokumentpakkefingeravtrykk`)
 */
export function fingerprint(cms: Uint8Array): Fingerprint {
  return {
    digestMethod: FINGERPRINT_DIGEST_METHOD,
    digestValue: createHash('sha256').update(cms).digest('base64'),
  };
}
