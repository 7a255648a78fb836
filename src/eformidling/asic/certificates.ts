/**
 * Certificates around an ASiC-E signature: loading the signer (enterprise certificate and its
 * key), what the signature says about the certificate (XAdES `SigningCertificate`: digest,
 * issuer, serial), the organisation number in a Norwegian enterprise certificate, and the
 * optional trust check of the verifier.
 *
 * @see src/platform/pki/README.md (enterprise certificate profile: organizationIdentifier `NTRNO-<orgnr>` and serialNumber)
 * @see https://www.rfc-editor.org/rfc/rfc5280 §6 (path validation; revocation is not checked here)
 */
import { X509Certificate as NodeX509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { x509 } from '../../platform/pki/x509.ts';
import { asicError, signatureInvalid } from './errors.ts';

/** The signer of a container: the sending organisation's enterprise certificate and its key. */
export interface AsicSigner {
  /**
   * The signer's certificate, PEM. It may be followed by its CA certificates (leaf first, as
   * `TestPki`'s `chainPem`); all go into `KeyInfo/X509Data`, as Difi's library does.
   */
  certificatePem: string;
  /** The certificate's RSA private key, PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`), unencrypted. */
  privateKeyPem: string;
}

/** A signer read once: key object, DER certificates and the XAdES SigningCertificate values. */
export interface LoadedSigner {
  privateKey: KeyObject;
  /** DER of the signer's certificate, then of any CA certificates given with it. */
  certificatesDer: Buffer[];
  /** SHA-256 of the signer certificate's DER (XAdES `CertDigest`). */
  certificateSha256: Buffer;
  /** Issuer DN, RFC 4514 string (`CN=…,O=…,C=NO`), as Java's `X500Principal.getName()` writes it. */
  issuerName: string;
  /** Serial number, decimal (XML Schema integer, as `ds:X509SerialNumber` wants). */
  serialDecimal: string;
}

const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;
const SIGNER_CACHE_SIZE = 32;
const signerCache = new Map<string, LoadedSigner>();

/**
 * The DER certificates in a PEM text, in order.
 *
 * @returns empty when there is no `CERTIFICATE` block
 */
export function certificatesFromPem(pem: string): Buffer[] {
  return [...pem.matchAll(CERTIFICATE_PEM)].map((m) => Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
}

/**
 * Reads and checks a signer, once per distinct key/certificate pair (the last
 * {@link SIGNER_CACHE_SIZE} are kept, so signing many messages with one certificate parses it once).
 *
 * @throws AppError `EFORMIDLING_ASIC_INVALID_SIGNER` when a PEM cannot be read, the key is not
 *   RSA, or the key does not belong to the (first) certificate
 */
export function loadSigner(signer: AsicSigner): LoadedSigner {
  if (!signer || typeof signer.certificatePem !== 'string' || typeof signer.privateKeyPem !== 'string') {
    throw asicError('EFORMIDLING_ASIC_INVALID_SIGNER', 'The signer needs certificatePem and privateKeyPem as PEM strings');
  }
  const cacheKey = `${signer.certificatePem}\u0000${signer.privateKeyPem}`;
  const cached = signerCache.get(cacheKey);
  if (cached) return cached;
  const certificatesDer = certificatesFromPem(signer.certificatePem);
  const leafDer = certificatesDer[0];
  if (!leafDer) throw asicError('EFORMIDLING_ASIC_INVALID_SIGNER', 'certificatePem holds no PEM CERTIFICATE');
  let leaf: NodeX509Certificate;
  let privateKey: KeyObject;
  try {
    leaf = new NodeX509Certificate(leafDer);
  } catch (err) {
    throw asicError('EFORMIDLING_ASIC_INVALID_SIGNER', 'certificatePem is not an X.509 certificate', { cause: err });
  }
  try {
    privateKey = createPrivateKey(signer.privateKeyPem);
  } catch (err) {
    throw asicError('EFORMIDLING_ASIC_INVALID_SIGNER', 'privateKeyPem is not an unencrypted PEM private key', { cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw asicError('EFORMIDLING_ASIC_INVALID_SIGNER', `The signing key is ${privateKey.asymmetricKeyType ?? 'unknown'}; RSA is required (RSA-SHA256)`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw asicError('EFORMIDLING_ASIC_INVALID_SIGNER', 'privateKeyPem does not belong to the first certificate of certificatePem');
  }
  const parsed = new x509.X509Certificate(leafDer);
  const loaded: LoadedSigner = {
    privateKey,
    certificatesDer,
    certificateSha256: createHash('sha256').update(leafDer).digest(),
    issuerName: rfc4514Name(parsed.issuerName),
    serialDecimal: BigInt(`0x${parsed.serialNumber}`).toString(10),
  };
  if (signerCache.size >= SIGNER_CACHE_SIZE) signerCache.delete(signerCache.keys().next().value as string);
  signerCache.set(cacheKey, loaded);
  return loaded;
}

/** A certificate read from DER: the `@peculiar/x509` object and its public key for node:crypto. */
export interface ParsedCertificate {
  certificate: x509.X509Certificate;
  publicKey: KeyObject;
}

const CERTIFICATE_CACHE_SIZE = 256;
const certificateCache = new Map<string, ParsedCertificate>();

/**
 * Reads a DER certificate, once per distinct certificate (the last
 * {@link CERTIFICATE_CACHE_SIZE} are kept): every message from one sender carries the same
 * certificate, and parsing it with `@peculiar/x509` costs more than checking the signature.
 *
 * @throws Error when the bytes are not an X.509 certificate
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const key = Buffer.from(der).toString('base64');
  const cached = certificateCache.get(key);
  if (cached) {
    certificateCache.delete(key);
    certificateCache.set(key, cached);
    return cached;
  }
  const parsed = { certificate: new x509.X509Certificate(der), publicKey: new NodeX509Certificate(der).publicKey };
  if (certificateCache.size >= CERTIFICATE_CACHE_SIZE) certificateCache.delete(certificateCache.keys().next().value as string);
  certificateCache.set(key, parsed);
  return parsed;
}

/**
 * A distinguished name as RFC 4514 writes it: the RDNs most-specific first, joined by `,`
 * (the encoding order reversed), values escaped by `@peculiar/x509`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4514#section-2.1
 */
export function rfc4514Name(name: x509.Name): string {
  return name
    .toJSON()
    .map((rdn) => new x509.Name([rdn]).toString())
    .reverse()
    .join(',');
}

/**
 * The organisasjonsnummer in an enterprise certificate's subject: from `organizationIdentifier`
 * (2.5.4.97, SEID 2.0: `NTRNO-<orgnr>`), else from `serialNumber` (2.5.4.5, SEID 1.0: the nine
 * digits).
 *
 * @returns nine digits, or `null` when the subject carries neither (a person or server certificate)
 * @see src/platform/pki/README.md "Enterprise certificate"
 */
export function certificateOrgnr(cert: x509.X509Certificate): string | null {
  for (const value of cert.subjectName.getField('2.5.4.97')) {
    const match = /^NTRNO-(\d{9})$/.exec(value.trim());
    if (match?.[1]) return match[1];
  }
  for (const value of cert.subjectName.getField('2.5.4.5')) {
    if (/^\d{9}$/.test(value.trim())) return value.trim();
  }
  return null;
}

/** PEM text of one DER certificate (64-character lines, trailing newline). */
export function certificatePem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}

function sameCertificate(a: x509.X509Certificate, b: x509.X509Certificate): boolean {
  return Buffer.from(a.rawData).equals(Buffer.from(b.rawData));
}

const TRUST_CACHE_SIZE = 256;
const trustCache = new Map<string, Promise<x509.X509Certificate[]>>();

/**
 * The chain from the signer to a trust anchor (inclusive), its signatures and CA flags checked;
 * validity dates are not. Remembered per signer, KeyInfo certificates and CA list (the last
 * {@link TRUST_CACHE_SIZE}), failures too: building and checking a chain with `@peculiar/x509`
 * costs several milliseconds, and a receiver sees the same sender certificate again and again.
 */
function trustedChain(signer: x509.X509Certificate, others: x509.X509Certificate[], caCertificatesPem: readonly string[]): Promise<x509.X509Certificate[]> {
  const hash = createHash('sha256').update(new Uint8Array(signer.rawData));
  for (const other of others) hash.update('\u0000').update(new Uint8Array(other.rawData));
  for (const pem of caCertificatesPem) hash.update('\u0001').update(pem);
  const key = hash.digest('base64');
  let chain = trustCache.get(key);
  if (!chain) {
    chain = buildTrustedChain(signer, others, caCertificatesPem);
    if (trustCache.size >= TRUST_CACHE_SIZE) trustCache.delete(trustCache.keys().next().value as string);
    trustCache.set(key, chain);
  }
  return chain;
}

async function buildTrustedChain(signer: x509.X509Certificate, others: x509.X509Certificate[], caCertificatesPem: readonly string[]): Promise<x509.X509Certificate[]> {
  let anchors: x509.X509Certificate[];
  try {
    anchors = caCertificatesPem.flatMap((pem) => certificatesFromPem(pem)).map((der) => parseCertificate(der).certificate);
  } catch (err) {
    throw signatureInvalid('certificate-trust', 'caCertificatesPem holds a certificate that cannot be read', undefined, err);
  }
  if (anchors.length === 0) throw signatureInvalid('certificate-trust', 'caCertificatesPem holds no PEM CERTIFICATE to trust');
  let chain: x509.X509Certificate[];
  try {
    chain = [...(await new x509.X509ChainBuilder({ certificates: [...anchors, ...others] }).build(signer))];
  } catch (err) {
    throw signatureInvalid('certificate-trust', `No certificate chain could be built for ${signer.subject}`, undefined, err);
  }
  const anchorIndex = chain.findIndex((cert) => anchors.some((anchor) => sameCertificate(anchor, cert)));
  if (anchorIndex < 0) {
    throw signatureInvalid('certificate-trust', `The signer certificate ${signer.subject} (issuer ${signer.issuer}) does not chain to a trusted CA`);
  }
  for (let i = 0; i < anchorIndex; i++) {
    const cert = chain[i] as x509.X509Certificate;
    const issuer = chain[i + 1] as x509.X509Certificate;
    const ok = await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false);
    if (!ok) throw signatureInvalid('certificate-trust', `The signature on ${cert.subject} does not verify with ${issuer.subject}`);
    if (!issuer.getExtension(x509.BasicConstraintsExtension)?.ca) {
      throw signatureInvalid('certificate-trust', `${issuer.subject} issued ${cert.subject} but is not a CA`);
    }
  }
  return chain.slice(0, anchorIndex + 1);
}

/**
 * Checks that the signer certificate chains to one of `caCertificatesPem` (the chain is built
 * from the KeyInfo certificates and the CA certificates), that every signature on the way
 * verifies, that each issuer is a CA, and that every certificate up to the trust anchor is
 * valid at `at`. A CA certificate in `caCertificatesPem` is a trust anchor whether or not it is
 * self-signed, so an issuing CA can be trusted alone. Revocation is not checked (no CRL or
 * OCSP fetch).
 *
 * @param signer the signer certificate (from KeyInfo)
 * @param others the other KeyInfo certificates (possible intermediates)
 * @param caCertificatesPem trust anchors, PEM (several certificates per string allowed)
 * @throws AppError `EFORMIDLING_ASIC_SIGNATURE_INVALID` with check `certificate-trust` or `certificate-validity`
 */
export async function checkCertificateTrust(
  signer: x509.X509Certificate,
  others: x509.X509Certificate[],
  caCertificatesPem: readonly string[],
  at: Date,
): Promise<void> {
  for (const cert of await trustedChain(signer, others, caCertificatesPem)) {
    if (at < cert.notBefore) {
      throw signatureInvalid('certificate-validity', `${cert.subject} is not valid before ${cert.notBefore.toISOString()} (checked at ${at.toISOString()})`);
    }
    if (at > cert.notAfter) {
      throw signatureInvalid('certificate-validity', `${cert.subject} expired ${cert.notAfter.toISOString()} (checked at ${at.toISOString()})`);
    }
  }
}

/**
 * Checks the signer certificate alone is valid at `at` (used when no CA list is given).
 *
 * @throws AppError `EFORMIDLING_ASIC_SIGNATURE_INVALID` with check `certificate-validity`
 */
export function checkCertificateValidity(cert: x509.X509Certificate, at: Date): void {
  if (at < cert.notBefore || at > cert.notAfter) {
    throw signatureInvalid(
      'certificate-validity',
      `The signer certificate ${cert.subject} is valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}, not at ${at.toISOString()}`,
    );
  }
}
