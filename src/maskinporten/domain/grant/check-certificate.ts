/**
 * Rule: a grant with `x5c` is signed with the key of an enterprise certificate
 * (virksomhetssertifikat) that
 * - chains to the configured trust store (the platform's test CA), every certificate in its
 *   validity period, the leaf an end-entity certificate that is not revoked (MP-120; an `x5c`
 *   entry that is not a certificate at all is MP-123);
 * - may sign: its key usage allows `digitalSignature` (an encryption-only or
 *   non-repudiation-only certificate is MP-120);
 * - was issued to the client's own organisation: the orgnr in `organizationIdentifier`
 *   (`NTRNO-<orgnr>`, SEID 2.0) or else in `serialNumber` (SEID 1.0) equals the client's
 *   `client_orgno` (MP-122).
 * A client with registered keys must use `kid` instead (MP-100, "The client requires
 * pre-registered jwk and no key identifier (kid) provided").
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant (x5c: the full chain)
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking (MP-120, MP-122, MP-123)
 * @see src/platform/pki/README.md (the test CA, certificate profiles, chain verification)
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.3 (key usage)
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TestPki } from '../../../platform/pki/test-pki.ts';
import { x509 } from '../../../platform/pki/x509.ts';
import type { Client, ClientKey } from '../types.ts';
import { GrantError } from './grant-errors.ts';

const NTRNO = /^NTRNO-(\d{9})$/;
const ORGNR = /^\d{9}$/;

/**
 * @param x5c the header's certificates, base64 DER, leaf first (shape already checked)
 * @param registeredKeys the keys registered on the client (any key means `kid` is required)
 * @param now epoch ms (validity is checked at this time)
 * @returns the leaf certificate's public key
 * @throws GrantError `MP-100`, `MP-120`, `MP-122`, `MP-123`
 */
export async function checkCertificate(
  client: Client,
  x5c: string[],
  registeredKeys: readonly ClientKey[],
  pki: TestPki,
  now: number,
): Promise<KeyObject> {
  if (registeredKeys.length > 0) {
    throw new GrantError('MP-100', 'Invalid JWT. The client requires pre-registered jwk and no key identifier (kid) provided.');
  }
  const pem = x5c.map(toPem).join('');
  const verdict = await pki.verifyCertificateChain(pem, new Date(now));
  if (!verdict.valid) {
    if (verdict.reason.startsWith('malformed')) throw new GrantError('MP-123', 'An x5c entry is not a DER certificate.');
    throw new GrantError('MP-120', `The certificate chain was rejected (${verdict.reason}).`);
  }
  const leaf = verdict.leaf;
  const usage = leaf.getExtension(x509.KeyUsagesExtension);
  if (usage && (usage.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
    throw new GrantError('MP-120', 'The certificate\'s key usage does not allow digital signatures (use the authentication certificate).');
  }
  const orgno = certificateOrgno(leaf);
  if (orgno === undefined) throw new GrantError('MP-120', 'The certificate carries no organisation number (not an enterprise certificate).');
  if (orgno !== client.client_orgno) {
    throw new GrantError('MP-122', `The certificate was issued to ${orgno}, the client belongs to ${client.client_orgno}.`);
  }
  try {
    return createPublicKey(toPem(x5c[0] as string));
  } catch (err) {
    throw new GrantError('MP-123', 'The leaf certificate\'s public key cannot be read.', { cause: err });
  }
}

/**
 * The organisation number of an enterprise certificate: `organizationIdentifier` `NTRNO-<orgnr>`
 * (SEID 2.0), else a 9-digit `serialNumber` (SEID 1.0); undefined when neither is there.
 */
export function certificateOrgno(cert: x509.X509Certificate): string | undefined {
  for (const value of cert.subjectName.getField('2.5.4.97')) {
    const match = NTRNO.exec(value);
    if (match) return match[1];
  }
  return cert.subjectName.getField('2.5.4.5').find((value) => ORGNR.test(value));
}

function toPem(base64Der: string): string {
  return `-----BEGIN CERTIFICATE-----\n${base64Der.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}
