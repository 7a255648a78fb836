/**
 * The SMP documents as XML: `ServiceGroup` and `SignedServiceMetadata` in the OASIS BDXR SMP 1.0
 * namespace, built with a DOM (`@xmldom/xmldom`), so every value is escaped by the serializer,
 * and signed with an enveloped XML-DSig signature (`xml-crypto`).
 *
 * Signature profile (what Peppol SMP 1.x and phoss-SMP use): `Reference URI=""` (the whole
 * document) with the transforms enveloped-signature and exclusive C14N, digest SHA-256,
 * `SignatureMethod` RSA-SHA256, `CanonicalizationMethod` exclusive C14N, and `KeyInfo/X509Data`
 * with the signing certificate. The `ds:Signature` is the last child of `SignedServiceMetadata`.
 *
 * @see http://docs.oasis-open.org/bdxr/bdx-smp/v1.0/bdx-smp-v1.0.html §3.5–3.6, §4 (signature)
 * @see https://www.w3.org/TR/xmldsig-core1/ (enveloped signature, §6.6.4)
 */
import { DOMImplementation, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import type { ElmaDocument, ElmaIdentifier } from '../wire-types.ts';

/** The OASIS BDXR SMP 1.0 namespace. */
export const SMP_NS = 'http://docs.oasis-open.org/bdxr/ns/SMP/2016/05';
/** The XML-DSig namespace. */
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** Algorithm URIs of the signature. */
export const SIGNATURE_ALGORITHMS = {
  signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  canonicalization: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
} as const;

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

function child(doc: Document, parent: Element, name: string, text?: string, attributes: Record<string, string> = {}): Element {
  const element = doc.createElementNS(SMP_NS, name);
  for (const [attribute, value] of Object.entries(attributes)) element.setAttribute(attribute, value);
  if (text !== undefined) element.appendChild(doc.createTextNode(text));
  parent.appendChild(element);
  return element;
}

function newDocument(rootName: string): { doc: Document; root: Element } {
  const doc = new DOMImplementation().createDocument(SMP_NS, rootName, null);
  return { doc, root: doc.documentElement as Element };
}

/**
 * `GET /{participant}`: the `ServiceGroup`.
 *
 * @param participant the participant identifier as registered
 * @param hrefs absolute URLs of each document type's ServiceMetadata, already percent-encoded
 * @returns the XML text, with declaration
 */
export function serviceGroupXml(participant: ElmaIdentifier, hrefs: readonly string[]): string {
  const { doc, root } = newDocument('ServiceGroup');
  child(doc, root, 'ParticipantIdentifier', participant.value, { scheme: participant.scheme });
  const collection = child(doc, root, 'ServiceMetadataReferenceCollection');
  for (const href of hrefs) child(doc, collection, 'ServiceMetadataReference', undefined, { href });
  return `${XML_DECLARATION}${new XMLSerializer().serializeToString(doc)}`;
}

/**
 * The unsigned `SignedServiceMetadata` of one document type (the `ServiceMetadata` inside it).
 * Endpoint children in the XSD's order: EndpointURI, RequireBusinessLevelSignature,
 * ServiceActivationDate, ServiceExpirationDate, Certificate, ServiceDescription,
 * TechnicalContactUrl.
 */
export function unsignedServiceMetadataXml(participant: ElmaIdentifier, document: ElmaDocument): string {
  const { doc, root } = newDocument('SignedServiceMetadata');
  const information = child(doc, child(doc, root, 'ServiceMetadata'), 'ServiceInformation');
  child(doc, information, 'ParticipantIdentifier', participant.value, { scheme: participant.scheme });
  child(doc, information, 'DocumentIdentifier', document.documentIdentifier.value, { scheme: document.documentIdentifier.scheme });
  const processList = child(doc, information, 'ProcessList');
  for (const process of document.processes) {
    const p = child(doc, processList, 'Process');
    child(doc, p, 'ProcessIdentifier', process.processIdentifier.value, { scheme: process.processIdentifier.scheme });
    const endpoints = child(doc, p, 'ServiceEndpointList');
    for (const endpoint of process.endpoints) {
      const e = child(doc, endpoints, 'Endpoint', undefined, { transportProfile: endpoint.transportProfile });
      child(doc, e, 'EndpointURI', endpoint.endpointUrl);
      child(doc, e, 'RequireBusinessLevelSignature', String(endpoint.requireBusinessLevelSignature));
      if (endpoint.serviceActivationDate !== undefined) child(doc, e, 'ServiceActivationDate', endpoint.serviceActivationDate);
      if (endpoint.serviceExpirationDate !== undefined) child(doc, e, 'ServiceExpirationDate', endpoint.serviceExpirationDate);
      child(doc, e, 'Certificate', endpoint.certificate);
      child(doc, e, 'ServiceDescription', endpoint.serviceDescription);
      child(doc, e, 'TechnicalContactUrl', endpoint.technicalContactUrl);
    }
  }
  return new XMLSerializer().serializeToString(doc);
}

/** The key and certificate that sign. */
export interface SmpSigningKey {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** The certificate, PEM (goes into `KeyInfo/X509Data/X509Certificate`). */
  certificatePem: string;
}

/**
 * Signs a `SignedServiceMetadata` document with an enveloped signature (profile above).
 *
 * @param xml the output of {@link unsignedServiceMetadataXml}
 * @returns the signed XML text, with declaration
 */
export function signServiceMetadata(xml: string, key: SmpSigningKey): string {
  const signer = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: SIGNATURE_ALGORITHMS.signature,
    canonicalizationAlgorithm: SIGNATURE_ALGORITHMS.canonicalization,
  });
  signer.addReference({
    xpath: '/*',
    uri: '',
    isEmptyUri: true,
    transforms: [SIGNATURE_ALGORITHMS.enveloped, SIGNATURE_ALGORITHMS.canonicalization],
    digestAlgorithm: SIGNATURE_ALGORITHMS.digest,
  });
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: '/*', action: 'append' } });
  return `${XML_DECLARATION}${signer.getSignedXml()}`;
}
