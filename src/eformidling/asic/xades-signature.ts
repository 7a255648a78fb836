/**
 * `META-INF/signatures.xml`: one XAdES-BES signature over the data files of an ASiC-E, in the
 * shape Difi's asic library (`XadesAsicManifest` + `CreateXadesArtifacts`) writes:
 *
 * ```
 * asic:XAdESSignatures
 *   ds:Signature Id="Signature"
 *     ds:SignedInfo    C14N 1.0 (inclusive), RSA-SHA256
 *       ds:Reference Id="ID_<n>" URI="<file name>"    SHA-256 of the file bytes, no transforms
 *       ds:Reference Type="…#SignedProperties" URI="#SignedProperties"   C14N transform, SHA-256
 *     ds:SignatureValue
 *     ds:KeyInfo/ds:X509Data/ds:X509Certificate       the signer certificate (then any CA certificates)
 *     ds:Object/xades:QualifyingProperties Target="#Signature"
 *       xades:SignedProperties Id="SignedProperties"
 *         SignedSignatureProperties: SigningTime, SigningCertificate/Cert (CertDigest, IssuerSerial)
 *         SignedDataObjectProperties: DataObjectFormat ObjectReference="#ID_<n>" / MimeType
 * ```
 *
 * Canonicalization of SignedInfo and of SignedProperties is `xml-crypto`'s (`C14nCanonicalization`
 * with the ancestor namespaces from its `findAncestorNs`); the file digests are SHA-256 over the
 * bytes (node:crypto), and the RSA-SHA256 signature value is node:crypto's `sign`/`verify`, which
 * is what xml-crypto's own `RsaSha256` calls. xml-crypto's `SignedXml` itself cannot be used:
 * it resolves every Reference to an element of the document and always writes a Transforms
 * element, while ASiC-E references point to ZIP entries, without transforms.
 *
 * Deliberate difference from Difi's library: `CertDigest` is SHA-256 (Difi writes SHA-1); the
 * verifier accepts SHA-1, SHA-256, SHA-384 and SHA-512 there.
 *
 * @see https://www.etsi.org/deliver/etsi_en/319100_319199/31916201/ ETSI EN 319 162-1 §4.4.3 (signatures.xml in ASiC-E)
 * @see https://www.etsi.org/deliver/etsi_ts/101900_101999/101903/ ETSI TS 101 903 v1.4.2 §7.2 (SigningTime, SigningCertificate, DataObjectFormat)
 * @see https://www.w3.org/TR/xmldsig-core1/ XML Signature 1.1 (§4.4.3 Reference, §4.5 SignatureValue)
 * @see https://www.w3.org/TR/xml-c14n/ Canonical XML 1.0
 */
import { createHash, sign, timingSafeEqual, verify } from 'node:crypto';
import { DOMImplementation, type Document, type Element } from '@xmldom/xmldom';
import {
  C14nCanonicalization,
  C14nCanonicalizationWithComments,
  ExclusiveCanonicalization,
  ExclusiveCanonicalizationWithComments,
  findAncestorNs,
} from 'xml-crypto';
import { x509 } from '../../platform/pki/x509.ts';
import { parseCertificate, type LoadedSigner, type ParsedCertificate } from './certificates.ts';
import { ALGORITHM, IDS, NS } from './constants.ts';
import { signatureInvalid } from './errors.ts';
import { childElements, onlyChild, parseXml, serializeXml, text } from './xml.ts';

/** A data file as the signature covers it. */
export interface SignedFile {
  /** Container entry name (the Reference URI, percent-encoded). */
  name: string;
  mimeType: string;
  /** SHA-256 of the file bytes, 32 bytes. */
  sha256: Uint8Array;
}

/** What a verified signatures.xml says. */
export interface VerifiedSignature {
  /** The KeyInfo certificate whose key verified SignedInfo. */
  signer: x509.X509Certificate;
  /** The other KeyInfo certificates (CA certificates sent along). */
  others: x509.X509Certificate[];
  signingTime: Date;
  /** Signed media type (DataObjectFormat/MimeType) of every data file. */
  mimeTypes: Map<string, string>;
}

type Canonicalizer = { process(node: unknown, options: Record<string, unknown>): string };

const CANONICALIZERS: Record<string, new () => Canonicalizer> = {
  [ALGORITHM.c14n]: C14nCanonicalization,
  [ALGORITHM.c14nWithComments]: C14nCanonicalizationWithComments,
  [ALGORITHM.excC14n]: ExclusiveCanonicalization,
  [ALGORITHM.excC14nWithComments]: ExclusiveCanonicalizationWithComments,
};

/** A same-document reference (`#id`) is dereferenced without comments (XML Signature §4.4.3.3). */
const WITHOUT_COMMENTS: Record<string, string> = {
  [ALGORITHM.c14nWithComments]: ALGORITHM.c14n,
  [ALGORITHM.excC14nWithComments]: ALGORITHM.excC14n,
};

const HASHES: Record<string, string> = {
  [ALGORITHM.sha256]: 'sha256',
  [ALGORITHM.sha384]: 'sha384',
  [ALGORITHM.sha512]: 'sha512',
};

/** CertDigest may also be SHA-1: Difi's library writes it so. */
const CERT_DIGEST_HASHES: Record<string, string> = { ...HASHES, [ALGORITHM.sha1]: 'sha1' };

/** An absolute XPath `/*[i]/*[j]…` that selects exactly this element (for xml-crypto's `findAncestorNs`). */
function elementXpath(element: Element): string {
  const steps: string[] = [];
  for (let node: Element | null = element; node && node.nodeType === 1; node = node.parentNode as Element | null) {
    let position = 1;
    for (let sibling = node.previousSibling; sibling; sibling = sibling.previousSibling) if (sibling.nodeType === 1) position++;
    steps.unshift(`/*[${position}]`);
  }
  return steps.join('');
}

/** The prefixes of an exclusive C14N `InclusiveNamespaces/@PrefixList` under a method or transform element. */
function inclusivePrefixes(method: Element): string[] {
  const list = childElements(method, ALGORITHM.excC14n, 'InclusiveNamespaces')[0]?.getAttribute('PrefixList') ?? '';
  return list.split(/\s+/).filter((p) => p.length > 0);
}

/**
 * Canonicalizes an element of `doc` with xml-crypto, taking the namespaces it inherits from its
 * ancestors into account (inclusive C14N renders them on the apex).
 */
function canonicalize(doc: Document, element: Element, algorithm: string, prefixes: string[] = []): string {
  const Algorithm = CANONICALIZERS[algorithm];
  if (!Algorithm) throw signatureInvalid('algorithm', `Canonicalization ${algorithm} is not supported`);
  return new Algorithm().process(element, {
    ancestorNamespaces: findAncestorNs(doc as never, elementXpath(element)),
    inclusiveNamespacesPrefixList: prefixes,
    defaultNsForPrefix: { ds: NS.ds },
  });
}

/**
 * Canonicalizes SignedProperties as Difi's library digests them: its
 * `signedPropertiesURIDereferencer` hands the signer the SignedProperties of the separate
 * QualifyingProperties document JAXB made, before it is placed in `ds:Object`, so only the
 * namespaces declared on QualifyingProperties are in scope, not those the final document's
 * `ds:Signature` and root add (a default `xmlns` for XML-DSig, in Java's output). A standard
 * verifier (the JDK's own, xml-crypto, DSS) computes another digest for such a container;
 * accepting this form too is what lets the integration point's containers verify here.
 */
function canonicalizeDetached(element: Element, algorithm: string, prefixes: string[]): string {
  const Algorithm = CANONICALIZERS[algorithm] as new () => Canonicalizer;
  const qualifying = element.parentNode as Element;
  const declared: Array<{ prefix: string; namespaceURI: string }> = [];
  for (let i = 0; i < qualifying.attributes.length; i++) {
    const attribute = qualifying.attributes[i] as { name: string; value: string; prefix: string | null; localName: string };
    if (attribute.name === 'xmlns') declared.push({ prefix: '', namespaceURI: attribute.value });
    else if (attribute.prefix === 'xmlns') declared.push({ prefix: attribute.localName, namespaceURI: attribute.value });
  }
  return new Algorithm().process(element, { ancestorNamespaces: declared, inclusiveNamespacesPrefixList: prefixes, defaultNsForPrefix: { ds: NS.ds } });
}

function digest(hash: string, data: Uint8Array | string): Buffer {
  return createHash(hash).update(data).digest();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Strict base64 (whitespace allowed, as XML Schema base64Binary). */
function base64(value: string): Buffer | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/**
 * Writes and signs signatures.xml for `files` (in container order).
 *
 * @param signingTime goes to `xades:SigningTime` (UTC, millisecond precision)
 * @returns UTF-8 XML with declaration
 */
export function signaturesXml(files: readonly SignedFile[], signer: LoadedSigner, signingTime: Date): Buffer {
  const doc = new DOMImplementation().createDocument(NS.asic, 'asic:XAdESSignatures', null);
  const root = doc.documentElement as Element;
  root.setAttributeNS(NS.xmlns, 'xmlns:asic', NS.asic);
  const el = (ns: string, qname: string, parent: Element, value?: string, attributes: Record<string, string> = {}): Element => {
    const element = doc.createElementNS(ns, qname);
    for (const [name, v] of Object.entries(attributes)) element.setAttribute(name, v);
    if (value !== undefined) element.appendChild(doc.createTextNode(value));
    parent.appendChild(element);
    return element;
  };
  const ds = (name: string, parent: Element, value?: string, attributes?: Record<string, string>) => el(NS.ds, `ds:${name}`, parent, value, attributes);
  const xades = (name: string, parent: Element, value?: string, attributes?: Record<string, string>) => el(NS.xades, `xades:${name}`, parent, value, attributes);

  const signature = ds('Signature', root, undefined, { Id: IDS.signature });
  signature.setAttributeNS(NS.xmlns, 'xmlns:ds', NS.ds);
  const signedInfo = ds('SignedInfo', signature);
  ds('CanonicalizationMethod', signedInfo, undefined, { Algorithm: ALGORITHM.c14n });
  ds('SignatureMethod', signedInfo, undefined, { Algorithm: ALGORITHM.rsaSha256 });
  files.forEach((file, index) => {
    const reference = ds('Reference', signedInfo, undefined, { Id: IDS.reference(index), URI: encodeURIComponent(file.name) });
    ds('DigestMethod', reference, undefined, { Algorithm: ALGORITHM.sha256 });
    ds('DigestValue', reference, Buffer.from(file.sha256).toString('base64'));
  });
  const propertiesReference = ds('Reference', signedInfo, undefined, { Type: ALGORITHM.signedPropertiesType, URI: `#${IDS.signedProperties}` });
  ds('Transform', ds('Transforms', propertiesReference), undefined, { Algorithm: ALGORITHM.c14n });
  ds('DigestMethod', propertiesReference, undefined, { Algorithm: ALGORITHM.sha256 });
  ds('DigestValue', propertiesReference);
  ds('SignatureValue', signature);
  const x509Data = ds('X509Data', ds('KeyInfo', signature));
  for (const der of signer.certificatesDer) ds('X509Certificate', x509Data, der.toString('base64'));

  const qualifying = xades('QualifyingProperties', ds('Object', signature), undefined, { Target: `#${IDS.signature}` });
  qualifying.setAttributeNS(NS.xmlns, 'xmlns:xades', NS.xades);
  const signedProperties = xades('SignedProperties', qualifying, undefined, { Id: IDS.signedProperties });
  const signatureProperties = xades('SignedSignatureProperties', signedProperties);
  xades('SigningTime', signatureProperties, signingTime.toISOString());
  const cert = xades('Cert', xades('SigningCertificate', signatureProperties));
  const certDigest = xades('CertDigest', cert);
  ds('DigestMethod', certDigest, undefined, { Algorithm: ALGORITHM.sha256 });
  ds('DigestValue', certDigest, signer.certificateSha256.toString('base64'));
  const issuerSerial = xades('IssuerSerial', cert);
  ds('X509IssuerName', issuerSerial, signer.issuerName);
  ds('X509SerialNumber', issuerSerial, signer.serialDecimal);
  const dataObjects = xades('SignedDataObjectProperties', signedProperties);
  files.forEach((file, index) => {
    xades('MimeType', xades('DataObjectFormat', dataObjects, undefined, { ObjectReference: `#${IDS.reference(index)}` }), file.mimeType);
  });

  // Every namespace is declared by an xmlns attribute where it is first used, so the built DOM
  // canonicalizes as its serialization parses back (the tests verify the written bytes with
  // xml-crypto's SignedXml and with the JDK).
  const propertiesDigest = digest('sha256', canonicalize(doc, signedProperties, ALGORITHM.c14n));
  (onlyChild(propertiesReference, NS.ds, 'DigestValue') as Element).appendChild(doc.createTextNode(propertiesDigest.toString('base64')));
  const value = sign('sha256', Buffer.from(canonicalize(doc, signedInfo, ALGORITHM.c14n), 'utf8'), signer.privateKey);
  (onlyChild(signature, NS.ds, 'SignatureValue') as Element).appendChild(doc.createTextNode(value.toString('base64')));
  return serializeXml(doc);
}

/** Candidate entry names for a Reference URI: as written, percent-decoded, and form-decoded (Java's `URLEncoder`). */
function uriCandidates(uri: string): string[] {
  const candidates = [uri];
  for (const encoded of [uri, uri.replace(/\+/g, ' ')]) {
    try {
      candidates.push(decodeURIComponent(encoded));
    } catch {
      // not percent-encoded: the name as written is the only candidate
    }
  }
  return [...new Set(candidates)];
}

/**
 * Verifies signatures.xml against the data files of the container, in this order: the XML
 * shape and algorithms; the SignatureValue over the canonical SignedInfo with a KeyInfo
 * certificate; the SignedProperties digest; the SigningCertificate (digest and serial of that
 * certificate); that every data file has exactly one Reference and every Reference a data file;
 * each file digest; a DataObjectFormat with MimeType for each file.
 *
 * Trust in the certificate is not checked here (see `checkCertificateTrust`).
 *
 * @param bytes the content of META-INF/signatures.xml
 * @param files every data file of the container, name → bytes
 * @throws AppError `EFORMIDLING_ASIC_SIGNATURE_INVALID` with `extra.check` naming the failed check
 */
export function verifySignaturesXml(bytes: Uint8Array, files: ReadonlyMap<string, Uint8Array>): VerifiedSignature {
  const structure = (why: string) => signatureInvalid('structure', `META-INF/signatures.xml ${why}`);
  const parsed = parseXml(bytes);
  if ('problem' in parsed) throw structure(`is ${parsed.problem}`);
  const doc = parsed.doc;
  const root = doc.documentElement as Element;
  if (root.localName !== 'XAdESSignatures' || (root.namespaceURI !== NS.asic && root.namespaceURI !== NS.asicLegacy)) {
    throw structure(`has root {${root.namespaceURI ?? ''}}${root.localName}, not {${NS.asic}}XAdESSignatures`);
  }
  const signatures = childElements(root, NS.ds, 'Signature');
  if (signatures.length !== 1) throw structure(`has ${signatures.length} ds:Signature elements; exactly one is supported`);
  const signature = signatures[0] as Element;
  const signedInfo = onlyChild(signature, NS.ds, 'SignedInfo');
  if (!signedInfo) throw structure('has no single ds:SignedInfo');
  const c14nMethod = onlyChild(signedInfo, NS.ds, 'CanonicalizationMethod');
  const c14nAlgorithm = c14nMethod?.getAttribute('Algorithm') ?? '';
  if (!c14nMethod || !CANONICALIZERS[c14nAlgorithm]) throw signatureInvalid('algorithm', `SignedInfo canonicalization ${JSON.stringify(c14nAlgorithm)} is not supported`);
  const signatureAlgorithm = onlyChild(signedInfo, NS.ds, 'SignatureMethod')?.getAttribute('Algorithm') ?? '';
  if (signatureAlgorithm !== ALGORITHM.rsaSha256) {
    throw signatureInvalid('algorithm', `Signature method ${JSON.stringify(signatureAlgorithm)} is not supported; ${ALGORITHM.rsaSha256} is`);
  }
  const signatureValue = base64(text(onlyChild(signature, NS.ds, 'SignatureValue')));
  if (!signatureValue || signatureValue.length === 0) throw structure('has no base64 ds:SignatureValue');

  const keyInfo = onlyChild(signature, NS.ds, 'KeyInfo');
  const certificates: ParsedCertificate[] = [];
  for (const data of keyInfo ? childElements(keyInfo, NS.ds, 'X509Data') : []) {
    for (const element of childElements(data, NS.ds, 'X509Certificate')) {
      const der = base64(text(element));
      try {
        if (!der) throw new Error('not base64');
        certificates.push(parseCertificate(der));
      } catch {
        throw structure('has a ds:X509Certificate that is not a base64 DER certificate');
      }
    }
  }
  if (certificates.length === 0) throw structure('has no ds:KeyInfo/ds:X509Data/ds:X509Certificate');

  // 1. SignedInfo: the signature value, with the KeyInfo certificate whose key verifies it.
  const signedInfoCanonical = Buffer.from(
    canonicalize(doc, signedInfo, c14nAlgorithm, c14nAlgorithm === ALGORITHM.excC14n || c14nAlgorithm === ALGORITHM.excC14nWithComments ? inclusivePrefixes(c14nMethod) : []),
    'utf8',
  );
  const signerEntry = certificates.find(({ publicKey }) => {
    if (publicKey.asymmetricKeyType !== 'rsa') return false;
    try {
      return verify('sha256', signedInfoCanonical, publicKey, signatureValue);
    } catch {
      return false;
    }
  });
  const signer = signerEntry?.certificate;
  if (!signer) throw signatureInvalid('signed-info', 'The SignatureValue does not verify over SignedInfo with the KeyInfo certificate');

  // 2. The references: one to the SignedProperties of this signature, the others to data files.
  const references = childElements(signedInfo, NS.ds, 'Reference');
  let signedProperties: Element | undefined;
  const fileReferences = new Map<string, { name: string; element: Element }>();
  const referencedFiles = new Set<string>();
  for (const reference of references) {
    const uri = reference.getAttribute('URI');
    const digestAlgorithm = onlyChild(reference, NS.ds, 'DigestMethod')?.getAttribute('Algorithm') ?? '';
    const hash = HASHES[digestAlgorithm];
    if (!hash) throw signatureInvalid('algorithm', `Reference ${JSON.stringify(uri)} uses digest ${JSON.stringify(digestAlgorithm)}; SHA-256, SHA-384 or SHA-512 is required`);
    const expected = base64(text(onlyChild(reference, NS.ds, 'DigestValue')));
    if (!expected) throw structure(`has no base64 DigestValue in Reference ${JSON.stringify(uri)}`);
    const transformsElement = onlyChild(reference, NS.ds, 'Transforms');
    const transforms = transformsElement ? childElements(transformsElement, NS.ds, 'Transform') : [];
    if (uri === null) throw signatureInvalid('reference', 'A Reference has no URI');

    if (uri.startsWith('#')) {
      if (signedProperties) throw signatureInvalid('signed-properties', 'SignedInfo has more than one same-document Reference');
      const target = findSignedProperties(doc, signature, uri.slice(1));
      if (!target) throw signatureInvalid('signed-properties', `Reference ${JSON.stringify(uri)} does not point at the xades:SignedProperties of this signature`);
      if (transforms.length > 1) throw signatureInvalid('algorithm', 'The SignedProperties Reference has more than one transform');
      const transform = transforms[0];
      const declared = transform?.getAttribute('Algorithm') ?? ALGORITHM.c14n;
      const algorithm = WITHOUT_COMMENTS[declared] ?? declared;
      if (!CANONICALIZERS[algorithm]) throw signatureInvalid('algorithm', `SignedProperties transform ${JSON.stringify(declared)} is not supported`);
      const prefixes = transform && algorithm === ALGORITHM.excC14n ? inclusivePrefixes(transform) : [];
      const canonical = canonicalize(doc, target, algorithm, prefixes);
      if (!sameBytes(digest(hash, canonical), expected) && !sameBytes(digest(hash, canonicalizeDetached(target, algorithm, prefixes)), expected)) {
        throw signatureInvalid('signed-properties', 'The digest of xades:SignedProperties does not match its Reference (SigningTime, SigningCertificate or DataObjectFormat changed)');
      }
      signedProperties = target;
      continue;
    }

    if (transforms.length > 0) throw signatureInvalid('algorithm', `Reference ${JSON.stringify(uri)} to a data file has transforms; ASiC-E references have none`);
    const name = uriCandidates(uri).find((candidate) => files.has(candidate));
    if (name === undefined) throw signatureInvalid('reference', `Reference ${JSON.stringify(uri)} names no data file of the container`);
    if (referencedFiles.has(name)) throw signatureInvalid('reference', `File ${JSON.stringify(name)} is referenced twice`, name);
    referencedFiles.add(name);
    const id = reference.getAttribute('Id');
    if (id) fileReferences.set(id, { name, element: reference });
    if (!sameBytes(digest(hash, files.get(name) as Uint8Array), expected)) {
      throw signatureInvalid('file-digest', `The digest of file ${JSON.stringify(name)} does not match its Reference in signatures.xml`, name);
    }
  }
  if (!signedProperties) throw signatureInvalid('signed-properties', 'SignedInfo has no Reference to xades:SignedProperties (not XAdES)');
  for (const name of files.keys()) {
    if (!referencedFiles.has(name)) throw signatureInvalid('reference', `File ${JSON.stringify(name)} is not covered by the signature`, name);
  }

  // 3. SignedSignatureProperties: the signing certificate is the one that signed; the signing time.
  const signatureProperties = onlyChild(signedProperties, NS.xades, 'SignedSignatureProperties');
  if (!signatureProperties) throw structure('has no single xades:SignedSignatureProperties');
  checkSigningCertificate(signatureProperties, signer);
  const signingTime = parseDateTime(text(onlyChild(signatureProperties, NS.xades, 'SigningTime')));
  if (!signingTime) throw structure('has no xades:SigningTime of type xsd:dateTime');

  // 4. DataObjectFormat: the signed media type of each file.
  const mimeTypes = new Map<string, string>();
  const dataObjects = onlyChild(signedProperties, NS.xades, 'SignedDataObjectProperties');
  for (const format of dataObjects ? childElements(dataObjects, NS.xades, 'DataObjectFormat') : []) {
    const target = fileReferences.get((format.getAttribute('ObjectReference') ?? '').replace(/^#/, ''));
    const mimeType = text(onlyChild(format, NS.xades, 'MimeType'));
    if (target && mimeType && !mimeTypes.has(target.name)) mimeTypes.set(target.name, mimeType);
  }
  for (const name of files.keys()) {
    if (!mimeTypes.has(name)) throw signatureInvalid('data-object-format', `File ${JSON.stringify(name)} has no xades:DataObjectFormat with a MimeType`, name);
  }

  return { signer, others: certificates.filter((c) => c !== signerEntry).map((c) => c.certificate), signingTime, mimeTypes };
}

/**
 * The element a same-document Reference points at, if it is the `xades:SignedProperties` of
 * this signature (`ds:Signature/ds:Object/xades:QualifyingProperties/xades:SignedProperties`)
 * and no other element of the document carries the same id (no signature wrapping).
 */
function findSignedProperties(doc: Document, signature: Element, id: string): Element | undefined {
  if (id.length === 0) return undefined;
  const matches: Element[] = [];
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const element = all[i] as Element;
    if (['Id', 'ID', 'id'].some((name) => element.getAttribute(name) === id)) matches.push(element);
  }
  const [target] = matches;
  if (matches.length !== 1 || !target) return undefined;
  if (target.localName !== 'SignedProperties' || target.namespaceURI !== NS.xades) return undefined;
  const qualifying = target.parentNode as Element | null;
  const object = qualifying?.parentNode as Element | null;
  if (qualifying?.localName !== 'QualifyingProperties' || qualifying.namespaceURI !== NS.xades) return undefined;
  if (object?.localName !== 'Object' || object.namespaceURI !== NS.ds || object.parentNode !== signature) return undefined;
  return target;
}

/**
 * Checks that `SigningCertificate` names the certificate that signed: one `Cert` whose
 * `CertDigest` is the digest of its DER and, when `IssuerSerial` is present, whose serial is
 * its serial number. (The issuer name is not compared: DN string forms differ between writers,
 * and the digest already binds the certificate.)
 *
 * @throws AppError `EFORMIDLING_ASIC_SIGNATURE_INVALID` with check `signing-certificate`
 */
function checkSigningCertificate(signatureProperties: Element, signer: x509.X509Certificate): void {
  const signingCertificate = onlyChild(signatureProperties, NS.xades, 'SigningCertificate');
  if (!signingCertificate) throw signatureInvalid('signing-certificate', 'xades:SigningCertificate is missing');
  const der = new Uint8Array(signer.rawData);
  const serial = BigInt(`0x${signer.serialNumber}`);
  for (const cert of childElements(signingCertificate, NS.xades, 'Cert')) {
    const certDigest = onlyChild(cert, NS.xades, 'CertDigest');
    const hash = CERT_DIGEST_HASHES[onlyChild(certDigest ?? cert, NS.ds, 'DigestMethod')?.getAttribute('Algorithm') ?? ''];
    const value = base64(text(certDigest ? onlyChild(certDigest, NS.ds, 'DigestValue') : undefined));
    if (!hash || !value || !sameBytes(digest(hash, der), value)) continue;
    const serialText = text(onlyChild(onlyChild(cert, NS.xades, 'IssuerSerial') ?? cert, NS.ds, 'X509SerialNumber'));
    if (serialText && (!/^\d+$/.test(serialText) || BigInt(serialText) !== serial)) continue;
    return;
  }
  throw signatureInvalid('signing-certificate', `xades:SigningCertificate does not name the certificate that signed (${signer.subject})`);
}

/** An xsd:dateTime; one without a time zone is taken as UTC. */
function parseDateTime(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(value)) return undefined;
  const withZone = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const time = Date.parse(withZone);
  return Number.isNaN(time) ? undefined : new Date(time);
}
