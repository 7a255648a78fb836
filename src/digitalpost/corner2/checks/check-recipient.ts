/**
 * Rule: the dokumentpakke is a CMS EnvelopedData encrypted to a certificate the receiving
 * provider has registered in KRR: the provider's own certificate (`krr_providers.sertifikat`,
 * what `printSertifikat` and the lookups' `sertifikat` give), or, for a `digital` letter, the
 * certificate the provider registered for the citizen's mailbox (`sertifikat` of the person).
 * Corner 2 holds no keys, so it compares the KeyTransRecipientInfos' issuer and serial number
 * (or subjectKeyIdentifier) with those certificates; the provider decrypts later.
 *
 * @see RFC 5652 §6.2.1 (KeyTransRecipientInfo `rid`); spec `krr-dpi-esign.md` §2 step 3
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../../../platform/errors.ts';
import { cryptoError } from '../../crypto/errors.ts';

const ENVELOPED_DATA = '1.2.840.113549.1.7.3';
const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** Whom a CMS is addressed to: issuer+serial or subjectKeyIdentifier of each KeyTransRecipientInfo. */
export interface CmsAddressee {
  /** Lower-case hex serial, no leading zeros; null for a subjectKeyIdentifier `rid`. */
  serial: string | null;
  issuer: pkijs.RelativeDistinguishedNames | null;
  /** Lower-case hex; null for an issuerAndSerialNumber `rid`. */
  subjectKeyIdentifier: string | null;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function hexOf(view: Uint8Array): string {
  const hex = Buffer.from(view).toString('hex').replace(/^(00)+/, '');
  return hex === '' ? '00' : hex;
}

/**
 * The addressees of a CMS EnvelopedData.
 *
 * @throws AppError `DIGITALPOST_CMS_INVALID` (400) when the bytes are not a ContentInfo holding an
 *   EnvelopedData, or it has no KeyTransRecipientInfo
 */
export function cmsAddressees(cms: Uint8Array): CmsAddressee[] {
  let enveloped: pkijs.EnvelopedData;
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(cms));
    if (contentInfo.contentType !== ENVELOPED_DATA) {
      throw cryptoError('DIGITALPOST_CMS_INVALID', `The dokumentpakke is a CMS ${contentInfo.contentType}, not EnvelopedData (${ENVELOPED_DATA})`);
    }
    enveloped = new pkijs.EnvelopedData({ schema: contentInfo.content });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw cryptoError('DIGITALPOST_CMS_INVALID', `The dokumentpakke is not a CMS EnvelopedData (${(err as Error).message})`, { cause: err });
  }
  const out: CmsAddressee[] = [];
  for (const recipient of enveloped.recipientInfos) {
    if (recipient.variant !== 1) continue;
    const info = recipient.value as pkijs.KeyTransRecipientInfo;
    if (info.rid instanceof pkijs.IssuerAndSerialNumber) {
      out.push({ serial: hexOf(info.rid.serialNumber.valueBlock.valueHexView), issuer: info.rid.issuer, subjectKeyIdentifier: null });
    } else {
      out.push({ serial: null, issuer: null, subjectKeyIdentifier: Buffer.from((info.rid as asn1js.OctetString).valueBlock.valueHexView).toString('hex') });
    }
  }
  if (out.length === 0) throw cryptoError('DIGITALPOST_CMS_INVALID', 'The dokumentpakke’s EnvelopedData has no KeyTransRecipientInfo (RSA key transport is required)');
  return out;
}

/** A certificate to compare addressees with (base64 DER, as KRR stores them). */
interface Candidate {
  serial: string;
  issuer: pkijs.RelativeDistinguishedNames;
  subjectKeyIdentifier: string | null;
}

function candidateOf(base64Der: string): Candidate | null {
  try {
    const certificate = pkijs.Certificate.fromBER(toArrayBuffer(Buffer.from(base64Der, 'base64')));
    const ski = certificate.extensions?.find((e) => e.extnID === SUBJECT_KEY_IDENTIFIER);
    const skiValue = ski?.parsedValue instanceof asn1js.OctetString ? Buffer.from(ski.parsedValue.valueBlock.valueHexView).toString('hex') : null;
    return { serial: hexOf(certificate.serialNumber.valueBlock.valueHexView), issuer: certificate.issuer, subjectKeyIdentifier: skiValue };
  } catch {
    return null;
  }
}

/**
 * Whether a CMS is addressed to one of the certificates.
 *
 * @param addressees from {@link cmsAddressees}
 * @param certificates base64 DER certificates (unreadable ones never match)
 */
export function addressedToOneOf(addressees: readonly CmsAddressee[], certificates: readonly string[]): boolean {
  const candidates = certificates.map(candidateOf).filter((c): c is Candidate => c !== null);
  return addressees.some((a) =>
    candidates.some((c) => (a.subjectKeyIdentifier !== null ? a.subjectKeyIdentifier === c.subjectKeyIdentifier : a.serial === c.serial && a.issuer !== null && a.issuer.isEqual(c.issuer))),
  );
}

/** `serial … ` descriptions of the addressees, for messages. */
export function describeAddressees(addressees: readonly CmsAddressee[]): string {
  return addressees.map((a) => (a.serial !== null ? `serial ${a.serial}` : `subjectKeyIdentifier ${a.subjectKeyIdentifier}`)).join(', ');
}
