/**
 * CMS EnvelopedData for the DPI document package (`asic.cms`): the ASiC-E encrypted to the
 * receiving mailbox or print provider's certificate.
 *
 * Shape written (what Digdir's integration point writes with Bouncy Castle, `CMSAlgorithm.AES256_CBC`):
 *
 * ```
 * ContentInfo { contentType id-envelopedData (1.2.840.113549.1.7.3),
 *   EnvelopedData { version 0 or 2,
 *     recipientInfos { KeyTransRecipientInfo { version 0, rid issuerAndSerialNumber,
 *       keyEncryptionAlgorithm id-RSAES-OAEP (1.2.840.113549.1.1.7)
 *         RSAES-OAEP-params { hashAlgorithm [0] sha256, maskGenAlgorithm [1] mgf1(sha256) },
 *       encryptedKey } },
 *     encryptedContentInfo { contentType id-data,
 *       contentEncryptionAlgorithm aes256-CBC (2.16.840.1.101.3.4.1.42) IV (16 bytes),
 *       encryptedContent [0] } } }
 * ```
 *
 * The SHA-256 AlgorithmIdentifiers inside the OAEP parameters carry NULL parameters (as
 * pkijs, Bouncy Castle and OpenSSL write them; RFC 4055 §2.1 lets readers accept both).
 *
 * Reading accepts what an RFC 5652 sender may reasonably produce for this profile: one or more
 * KeyTransRecipientInfos (issuerAndSerialNumber or subjectKeyIdentifier), RSAES-OAEP with
 * SHA-1/256/384/512 and MGF1 over the same hash and an empty label, content AES-128/192/256-CBC,
 * encryptedContent primitive or constructed (BER, as `openssl cms -stream` writes). RSAES-PKCS1-v1_5
 * key transport is refused (Node no longer decrypts it safely, and DPI does not use it).
 *
 * Parsing is pkijs + asn1js; the RSA and AES operations are node:crypto (`privateDecrypt` with
 * OAEP, `createDecipheriv`), which read PKCS#1 and PKCS#8 PEM keys directly.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5652 §6 (EnvelopedData), §6.2.1 (KeyTransRecipientInfo)
 * @see https://www.rfc-editor.org/rfc/rfc3560 (RSAES-OAEP in CMS), https://www.rfc-editor.org/rfc/rfc4055 §4 (RSAES-OAEP-params)
 * @see https://www.rfc-editor.org/rfc/rfc8017 §7.1 (RSAES-OAEP), https://www.rfc-editor.org/rfc/rfc3565 (AES in CMS)
 */
import { constants, createDecipheriv, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../../platform/errors.ts';
import { x509 } from '../../platform/pki/x509.ts';
import { certificatesFromPem } from '../../eformidling/asic/certificates.ts';
import { cryptoError } from './errors.ts';
import type { DecryptionKey } from './types.ts';

const OID = {
  envelopedData: '1.2.840.113549.1.7.3',
  data: '1.2.840.113549.1.7.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  rsaEncryption: '1.2.840.113549.1.1.1',
  mgf1: '1.2.840.113549.1.1.8',
  pSpecified: '1.2.840.113549.1.1.9',
  subjectKeyIdentifier: '2.5.29.14',
} as const;

/** Digest OIDs usable as the OAEP hash (Node's `oaepHash` names). */
const OAEP_HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Content-encryption algorithm OIDs read (RFC 3565 §4.1), with node:crypto's cipher name and key length. */
const CONTENT_CIPHERS: Record<string, { cipher: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32 },
};

/** What pkijs puts in `pSourceAlgorithm` when the parameters leave it out (RFC 4055 §4.1: the empty label). */
const PKIJS_DEFAULT_P_SOURCE = new pkijs.RSAESOAEPParams().pSourceAlgorithm;

function invalid(message: string, cause?: unknown): AppError {
  return cryptoError('DIGITALPOST_CMS_INVALID', message, cause === undefined ? {} : { cause });
}

function invalidKey(message: string, cause?: unknown): AppError {
  return cryptoError('DIGITALPOST_CMS_INVALID_KEY', message, cause === undefined ? {} : { cause });
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Lower-case hex of an INTEGER, without leading zero digits: the form `TestPki` and `digitalpost_provider_keys.serial` use. */
function serialHex(serial: asn1js.Integer): string {
  return Buffer.from(serial.valueBlock.valueHexView).toString('hex').replace(/^0+(?=.)/, '');
}

/** RFC 4514 string of a pkijs Name (most specific RDN first), for messages. */
function nameString(name: pkijs.RelativeDistinguishedNames): string {
  try {
    const parsed = new x509.Name(name.toSchema().toBER(false));
    return parsed
      .toJSON()
      .map((rdn) => new x509.Name([rdn]).toString())
      .reverse()
      .join(',');
  } catch {
    return '(unreadable name)';
  }
}

function parseCertificateDer(der: Uint8Array, what: string): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (err) {
    throw invalidKey(`${what} is not an X.509 certificate`, err);
  }
}

/**
 * Encrypts `content` as CMS EnvelopedData to one recipient: a fresh AES-256 key and IV
 * encrypt the content (AES-256-CBC, PKCS#7 padding), and the key is encrypted to the
 * certificate's RSA public key with RSAES-OAEP (SHA-256, MGF1-SHA-256, empty label), in a
 * KeyTransRecipientInfo naming the certificate by issuer and serial number.
 *
 * @param content the plaintext (the ASiC-E ZIP), any length
 * @param recipientCertificateDer the receiving provider's encryption certificate, DER
 * @returns the ContentInfo, DER (definite lengths, encryptedContent as one OCTET STRING)
 * @throws AppError `DIGITALPOST_CMS_INVALID_KEY` when the certificate cannot be read or its key is not RSA
 * @see RFC 5652 §6, RFC 3560 §3, RFC 4055 §4.1, RFC 3565
 */
export async function encryptCms(content: Uint8Array, recipientCertificateDer: Uint8Array): Promise<Uint8Array> {
  if (!(content instanceof Uint8Array)) throw invalid('The content to encrypt must be a Uint8Array');
  if (!(recipientCertificateDer instanceof Uint8Array)) throw invalidKey('The recipient certificate must be DER bytes (Uint8Array)');
  const certificate = parseCertificateDer(recipientCertificateDer, 'The recipient certificate');
  const keyAlgorithm = certificate.subjectPublicKeyInfo.algorithm.algorithmId;
  if (keyAlgorithm !== OID.rsaEncryption) {
    throw invalidKey(`The recipient certificate's key is ${keyAlgorithm}; RSA (${OID.rsaEncryption}) is required for RSAES-OAEP key transport`);
  }
  // disableSplit: encryptedContent as one primitive OCTET STRING, so the whole ContentInfo is DER (definite lengths).
  const enveloped = new pkijs.EnvelopedData({ disableSplit: true });
  enveloped.addRecipientByCertificate(certificate, { oaepHashAlgorithm: 'SHA-256' }, 1);
  // A copy: pkijs reads the whole ArrayBuffer behind the view.
  await enveloped.encrypt({ name: 'AES-CBC', length: 256 }, toArrayBuffer(content));
  // pkijs always writes version 2; RFC 5652 §6.1 wants 0 with only version-0 KeyTransRecipientInfos
  // and no originatorInfo or unprotectedAttrs (as Bouncy Castle and OpenSSL write).
  enveloped.version = 0;
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: enveloped.toSchema() });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/** A decryption key read once: the issuer/serial/SKI to match, and the private key. */
interface LoadedKey {
  certificate: pkijs.Certificate;
  serial: string;
  subjectKeyIdentifier: string | null;
  privateKey: KeyObject;
}

function loadKey(key: DecryptionKey, index: number): LoadedKey {
  if (!key || typeof key.certificatePem !== 'string' || typeof key.privateKeyPem !== 'string') {
    throw invalidKey(`keys[${index}] needs certificatePem and privateKeyPem as PEM strings`);
  }
  const der = certificatesFromPem(key.certificatePem)[0];
  if (!der) throw invalidKey(`keys[${index}].certificatePem holds no PEM CERTIFICATE`);
  const certificate = parseCertificateDer(der, `keys[${index}].certificatePem`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.privateKeyPem);
  } catch (err) {
    throw invalidKey(`keys[${index}].privateKeyPem is not an unencrypted PEM private key`, err);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw invalidKey(`keys[${index}] is a ${privateKey.asymmetricKeyType ?? 'unknown'} key; RSA is required`);
  let subjectKeyIdentifier: string | null = null;
  const skiExtension = certificate.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
  if (skiExtension) {
    const parsed = asn1js.fromBER(skiExtension.extnValue.valueBlock.valueHexView);
    if (parsed.result instanceof asn1js.OctetString) subjectKeyIdentifier = Buffer.from(parsed.result.valueBlock.valueHexView).toString('hex');
  }
  return { certificate, serial: serialHex(certificate.serialNumber), subjectKeyIdentifier, privateKey };
}

/** How a RecipientInfo names its recipient, for matching and for the wrong-recipient message. */
interface Addressee {
  info: pkijs.KeyTransRecipientInfo;
  serial: string | null;
  issuer: pkijs.RelativeDistinguishedNames | null;
  subjectKeyIdentifier: string | null;
  describe: string;
}

function addressees(enveloped: pkijs.EnvelopedData): Addressee[] {
  const out: Addressee[] = [];
  for (const recipient of enveloped.recipientInfos) {
    if (recipient.variant !== 1) continue;
    const info = recipient.value as pkijs.KeyTransRecipientInfo;
    if (info.rid instanceof pkijs.IssuerAndSerialNumber) {
      const serial = serialHex(info.rid.serialNumber);
      out.push({ info, serial, issuer: info.rid.issuer, subjectKeyIdentifier: null, describe: `serial ${serial} (issuer ${nameString(info.rid.issuer)})` });
    } else {
      const ski = Buffer.from((info.rid as asn1js.OctetString).valueBlock.valueHexView).toString('hex');
      out.push({ info, serial: null, issuer: null, subjectKeyIdentifier: ski, describe: `subjectKeyIdentifier ${ski}` });
    }
  }
  return out;
}

function matches(addressee: Addressee, key: LoadedKey): boolean {
  if (addressee.subjectKeyIdentifier !== null) return addressee.subjectKeyIdentifier === key.subjectKeyIdentifier;
  return addressee.serial === key.serial && addressee.issuer !== null && addressee.issuer.isEqual(key.certificate.issuer);
}

/** Node's `oaepHash` for a KeyTransRecipientInfo, after checking the algorithm and its parameters. */
function oaepHash(info: pkijs.KeyTransRecipientInfo): string {
  const algorithm = info.keyEncryptionAlgorithm;
  if (algorithm.algorithmId === OID.rsaEncryption) {
    throw invalid('The content-encryption key is encrypted with RSAES-PKCS1-v1_5; only RSAES-OAEP (1.2.840.113549.1.1.7) is supported');
  }
  if (algorithm.algorithmId !== OID.rsaesOaep) throw invalid(`Unsupported key-encryption algorithm ${algorithm.algorithmId}; RSAES-OAEP (1.2.840.113549.1.1.7) is required`);
  let params: pkijs.RSAESOAEPParams;
  try {
    // Absent parameters mean all defaults (SHA-1, MGF1-SHA-1, empty label), RFC 4055 §4.1.
    params = algorithm.algorithmParams instanceof asn1js.Sequence ? new pkijs.RSAESOAEPParams({ schema: algorithm.algorithmParams }) : new pkijs.RSAESOAEPParams();
  } catch (err) {
    throw invalid('The RSAES-OAEP parameters cannot be read', err);
  }
  const hash = OAEP_HASHES[params.hashAlgorithm.algorithmId];
  if (!hash) throw invalid(`Unsupported RSAES-OAEP hash ${params.hashAlgorithm.algorithmId}`);
  if (params.maskGenAlgorithm.algorithmId !== OID.mgf1) throw invalid(`Unsupported RSAES-OAEP mask generation function ${params.maskGenAlgorithm.algorithmId}; MGF1 is required`);
  let mgfHash: string | undefined;
  try {
    mgfHash = OAEP_HASHES[new pkijs.AlgorithmIdentifier({ schema: params.maskGenAlgorithm.algorithmParams }).algorithmId];
  } catch (err) {
    throw invalid('The RSAES-OAEP MGF1 parameters cannot be read', err);
  }
  if (mgfHash !== hash) throw invalid(`RSAES-OAEP with hash ${hash} and MGF1 over ${mgfHash ?? 'an unknown hash'} is not supported; MGF1 must use the same hash`);
  // pkijs fills an absent pSourceAlgorithm with its own default (a 20-byte value); absent means the empty label.
  const pSource = params.pSourceAlgorithm;
  if (!pSource.isEqual(PKIJS_DEFAULT_P_SOURCE)) {
    if (pSource.algorithmId !== OID.pSpecified) throw invalid(`Unsupported RSAES-OAEP label source ${pSource.algorithmId}`);
    const label = pSource.algorithmParams;
    if (!(label instanceof asn1js.OctetString) || label.valueBlock.valueHexView.length > 0) throw invalid('RSAES-OAEP with a non-empty label is not supported');
  }
  return hash;
}

function parseEnvelopedData(cms: Uint8Array): pkijs.EnvelopedData {
  let contentInfo: pkijs.ContentInfo;
  try {
    contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(cms));
  } catch (err) {
    throw invalid(`Not a CMS ContentInfo (${(err as Error).message})`, err);
  }
  if (contentInfo.contentType !== OID.envelopedData) throw invalid(`The CMS content type is ${contentInfo.contentType}, not EnvelopedData (${OID.envelopedData})`);
  try {
    return new pkijs.EnvelopedData({ schema: contentInfo.content });
  } catch (err) {
    throw invalid(`The CMS EnvelopedData cannot be read (${(err as Error).message})`, err);
  }
}

/**
 * Decrypts a CMS EnvelopedData with whichever of `keys` it is addressed to: the first
 * KeyTransRecipientInfo whose issuer+serial (or subjectKeyIdentifier) matches one of the
 * certificates is used. A provider passes all its current and previous encryption keys.
 *
 * @param cms the ContentInfo bytes, DER or BER
 * @param keys candidate certificates (PEM, first CERTIFICATE block) with their RSA private keys (PEM)
 * @returns the decrypted content (the ASiC-E ZIP)
 * @throws AppError `DIGITALPOST_CMS_WRONG_RECIPIENT` when no RecipientInfo names one of the
 *   certificates (the message and `extra.recipients` list the serials it was encrypted to);
 *   `DIGITALPOST_CMS_INVALID` when the bytes are not an EnvelopedData, use an unsupported
 *   algorithm, or the key or content does not decrypt; `DIGITALPOST_CMS_INVALID_KEY` when a
 *   given certificate or key cannot be read
 * @see RFC 5652 §6.2.1, RFC 3560 §3, RFC 8017 §7.1.2
 */
export async function decryptCms(cms: Uint8Array, keys: DecryptionKey[]): Promise<Uint8Array> {
  if (!(cms instanceof Uint8Array)) throw invalid('The CMS must be given as a Uint8Array');
  if (!Array.isArray(keys) || keys.length === 0) throw invalidKey('At least one decryption key is needed');
  const loaded = keys.map(loadKey);
  const enveloped = parseEnvelopedData(cms);
  const candidates = addressees(enveloped);
  if (candidates.length === 0) throw invalid('The EnvelopedData has no KeyTransRecipientInfo (only RSA key transport is supported)');

  let chosen: { addressee: Addressee; key: LoadedKey } | undefined;
  for (const addressee of candidates) {
    const key = loaded.find((k) => matches(addressee, k));
    if (key) {
      chosen = { addressee, key };
      break;
    }
  }
  if (!chosen) {
    const recipients = candidates.map((a) => a.describe);
    const have = loaded.map((k) => `serial ${k.serial} (issuer ${nameString(k.certificate.issuer)})`);
    throw cryptoError(
      'DIGITALPOST_CMS_WRONG_RECIPIENT',
      `The CMS is encrypted to ${recipients.join(', ')}; none of the given certificates matches (${have.join(', ')})`,
      { extra: { recipients: candidates.map((a) => a.serial ?? a.subjectKeyIdentifier), certificates: loaded.map((k) => k.serial) } },
    );
  }

  const hash = oaepHash(chosen.addressee.info);
  let contentKey: Buffer;
  try {
    contentKey = privateDecrypt(
      { key: chosen.key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
      chosen.addressee.info.encryptedKey.valueBlock.valueHexView,
    );
  } catch (err) {
    throw invalid(`The content-encryption key does not decrypt with the key of ${chosen.addressee.describe}`, err);
  }

  const eci = enveloped.encryptedContentInfo;
  const algorithm = eci.contentEncryptionAlgorithm;
  const cipher = CONTENT_CIPHERS[algorithm.algorithmId];
  if (!cipher) throw invalid(`Unsupported content-encryption algorithm ${algorithm.algorithmId}; AES-CBC (RFC 3565) is required`);
  if (contentKey.length !== cipher.keyLength) throw invalid(`The content-encryption key is ${contentKey.length} bytes; ${cipher.cipher} needs ${cipher.keyLength}`);
  const iv = algorithm.algorithmParams;
  if (!(iv instanceof asn1js.OctetString) || iv.valueBlock.valueHexView.length !== 16) throw invalid('The AES-CBC parameters are not a 16-byte IV');
  if (!eci.encryptedContent) throw invalid('The EnvelopedData has no encryptedContent (detached content is not supported)');
  let ciphertext: Uint8Array;
  try {
    ciphertext = new Uint8Array(eci.getEncryptedContent());
  } catch (err) {
    throw invalid('The encryptedContent cannot be read', err);
  }
  try {
    const decipher = createDecipheriv(cipher.cipher, contentKey, iv.valueBlock.valueHexView);
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch (err) {
    throw invalid(`The encrypted content does not decrypt (${cipher.cipher}): it was changed, or encrypted with another key`, err);
  }
}
