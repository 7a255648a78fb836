/**
 * Rule: the certificate a mailbox provider registers for a citizen's mailbox (`sertifikat`, the
 * key senders encrypt DPI letters to) must be
 * - one X.509 certificate, base64 DER (as KRR publishes it in `sertifikat`) or PEM;
 * - issued under the trusted CA (the platform's test PKI), every certificate of the chain within
 *   its validity period now (not expired, not yet valid), the leaf an end-entity certificate
 *   that is not revoked;
 * - usable for encryption: when it has a key usage extension, `keyEncipherment` (the CMS
 *   content key is wrapped with RSAES-OAEP to this key; RFC 5280 §4.2.1.3);
 * - issued to the provider itself: the organisation number in the subject
 *   (`organizationIdentifier` `NTRNO-<orgnr>`, SEID 2.0, else `serialNumber`, SEID 1.0) is the
 *   calling provider's. A certificate of another organisation is a "wrong-key certificate":
 *   letters encrypted to it could not be opened by the provider.
 * Anything else is `FEILET` / `UGYLDIG_SERTIFIKAT` ("Sertifikatet i forespørselen er ikke på
 * godkjent format").
 *
 * @see https://docs.digdir.no/resources/begrep/oppslagstjenesten/OpprettOgVelgSikkerDigitalPostkasseRespons
 * @see specs/krr-dpi-esign.md §2 step 3 (encryption to the provider's certificate from KRR)
 * @see src/platform/pki/README.md (profiles, chain verification); Maskinporten's x5c check
 *   (`src/maskinporten/domain/grant/check-certificate.ts`) applies the same chain and orgnr rules
 */
import type { TestPki } from '../../../platform/pki/test-pki.ts';
import { x509 } from '../../../platform/pki/x509.ts';
import { PostkasseFeil } from './outcome.ts';

/** Longest accepted `sertifikat`, in characters (a 4096-bit RSA certificate is about 2 000). */
export const MAX_SERTIFIKAT_LENGTH = 16_384;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PEM = /^-----BEGIN CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----\s*$/;
const NTRNO = /^NTRNO-(\d{9})$/;
const ORGNR = /^\d{9}$/;

/**
 * Checks a certificate a provider registers and returns it as base64 DER (no whitespace), the
 * form stored and published.
 *
 * @param sertifikat base64 DER, or one PEM `CERTIFICATE` block
 * @param providerOrgnr the calling provider's organisasjonsnummer
 * @param now epoch ms; validity is checked at this instant
 * @throws PostkasseFeil `UGYLDIG_SERTIFIKAT`, with a message naming the failed rule
 */
export async function checkPostkasseSertifikat(pki: TestPki, sertifikat: string, providerOrgnr: string, now: number): Promise<string> {
  const pem = PEM.exec(sertifikat);
  const base64 = (pem ? pem[1]! : sertifikat).replace(/\s+/g, '');
  if (sertifikat.length > MAX_SERTIFIKAT_LENGTH || base64.length === 0 || base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw new PostkasseFeil('UGYLDIG_SERTIFIKAT', 'sertifikat is not a base64 DER (or PEM) X.509 certificate');
  }
  let parsed: x509.X509Certificate;
  try {
    parsed = new x509.X509Certificate(Buffer.from(base64, 'base64'));
  } catch {
    throw new PostkasseFeil('UGYLDIG_SERTIFIKAT', 'sertifikat cannot be parsed as an X.509 certificate');
  }
  // Named first: a CA certificate (the root included) is never a mailbox's encryption certificate.
  if (parsed.getExtension(x509.BasicConstraintsExtension)?.ca === true) {
    throw new PostkasseFeil('UGYLDIG_SERTIFIKAT', `The certificate (${parsed.subject}) is a CA certificate, not an encryption certificate`);
  }
  const chainPem = `-----BEGIN CERTIFICATE-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const verdict = await pki.verifyCertificateChain(chainPem, new Date(now));
  if (!verdict.valid) throw new PostkasseFeil('UGYLDIG_SERTIFIKAT', `The certificate was rejected (${verdict.reason})`);
  const leaf = verdict.leaf;
  const usage = leaf.getExtension(x509.KeyUsagesExtension);
  if (usage && (usage.usages & x509.KeyUsageFlags.keyEncipherment) === 0) {
    throw new PostkasseFeil('UGYLDIG_SERTIFIKAT', "The certificate's key usage does not allow keyEncipherment (use the encryption certificate)");
  }
  const orgnr = certificateOrgnr(leaf);
  if (orgnr === undefined) throw new PostkasseFeil('UGYLDIG_SERTIFIKAT', 'The certificate carries no organisation number (not an enterprise certificate)');
  if (orgnr !== providerOrgnr) {
    throw new PostkasseFeil('UGYLDIG_SERTIFIKAT', `The certificate was issued to ${orgnr}, not to the mailbox provider ${providerOrgnr}`);
  }
  return base64;
}

/** The organisation number of an enterprise certificate (SEID 2.0 `NTRNO-`, else SEID 1.0 `serialNumber`). */
function certificateOrgnr(cert: x509.X509Certificate): string | undefined {
  for (const value of cert.subjectName.getField('2.5.4.97')) {
    const match = NTRNO.exec(value);
    if (match) return match[1];
  }
  return cert.subjectName.getField('2.5.4.5').find((value) => ORGNR.test(value));
}
