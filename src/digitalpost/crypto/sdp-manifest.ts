/**
 * The SDP `manifest.xml` at the root of a DPI document package (next to the documents, signed
 * with them by the ASiC-E's XAdES signature): who the letter is for, who sends it, which file
 * is the main document and which are attachments, with their titles.
 *
 * ```xml
 * <manifest xmlns="http://begrep.difi.no/sdp/schema_v10">
 *   <mottaker><person><personidentifikator>…</personidentifikator><postkasseadresse>…</postkasseadresse></person></mottaker>
 *   <avsender><organisasjon authority="iso6523-actorid-upis">9908:<orgnr></organisasjon>
 *     <avsenderidentifikator>…</avsenderidentifikator>?<fakturaReferanse>…</fakturaReferanse>?</avsender>
 *   <hoveddokument href="…" mime="…"><tittel lang="no">…</tittel>?<data href="…" mime="…"/>?</hoveddokument>
 *   <vedlegg href="…" mime="…"><tittel lang="no">…</tittel>?</vedlegg>*
 * </manifest>
 * ```
 *
 * `mottaker` is left out for print (utskrift); the schema makes it optional for that. The
 * `lenke` extension element is not written, and is ignored when read.
 *
 * @see Digdir's SDP schemas: `sdp-manifest.xsd` (Manifest, Dokument, DokumentData) and
 *   `sdp-felles.xsd` (Avsender, Mottaker, Person, Iso6523Identitet, Tittel, Spraakkode),
 *   https://github.com/felleslosninger/docs resources/begrep/sikkerDigitalPost/xsd/
 * @see https://docs.digdir.no/ sdp_manifest (example)
 */
import { DOMImplementation, type Document, type Element } from '@xmldom/xmldom';
import { childElements, onlyChild, parseXml, serializeXml, text } from '../../eformidling/asic/xml.ts';
import { cryptoError } from './errors.ts';

/** The SDP namespace of `manifest.xml`. */
export const SDP_NS = 'http://begrep.difi.no/sdp/schema_v10';
/** The entry name of the SDP manifest in the ASiC-E (root, next to the documents). */
export const SDP_MANIFEST_NAME = 'manifest.xml';
/** ISO 6523 ICD of Norwegian organisation numbers as SDP writes them (`9908:<orgnr>`). */
const ORGNR_ICD = '9908';
const AUTHORITY = 'iso6523-actorid-upis';
/** sdp-manifest.xsd: at most 200 `vedlegg`. */
const MAX_VEDLEGG = 200;

/** One document (`hoveddokument` or `vedlegg`) of a manifest. */
export interface SdpManifestDocument {
  /** The file's entry name in the ASiC-E (xsd: 4–100 characters). */
  href: string;
  /** Its media type (xsd: 1–100 characters). */
  mime: string;
  /** `tittel`, or null when absent. */
  tittel: string | null;
  /** `tittel/@lang` (ISO 639-1, 2 letters), or null when there is no tittel. */
  lang: string | null;
  /** `data`: an extension file enriching the document (e.g. a lenke or betaling XML), or absent. */
  data?: { href: string; mime: string };
}

/** What `manifest.xml` says. */
export interface SdpManifest {
  /** The citizen (digital post), or null for print: then `mottaker` is left out. */
  mottaker: { personidentifikator?: string; postkasseadresse?: string } | null;
  /** The sender's organisasjonsnummer, 9 digits (`avsender/organisasjon` = `9908:<orgnr>`). */
  avsenderOrgnr: string;
  /** `avsender/avsenderidentifikator` (the sender's sub-identity at the provider), if any. */
  avsenderidentifikator?: string;
  /** `avsender/fakturaReferanse` (max 40 characters), if any. */
  fakturaReferanse?: string;
  hoveddokument: SdpManifestDocument;
  vedlegg: SdpManifestDocument[];
}

function problem(message: string): never {
  throw cryptoError('DIGITALPOST_PACKAGE_INVALID', message);
}

function checkDocument(doc: SdpManifestDocument, where: string): void {
  if (typeof doc?.href !== 'string' || [...doc.href].length < 4 || [...doc.href].length > 100) {
    problem(`${where}: href ${JSON.stringify(doc?.href)} must be 4 to 100 characters (sdp-manifest.xsd)`);
  }
  if (typeof doc.mime !== 'string' || doc.mime.length < 1 || doc.mime.length > 100) problem(`${where}: mime must be 1 to 100 characters`);
  if (doc.tittel !== null && doc.tittel !== undefined) {
    if (typeof doc.tittel !== 'string' || doc.tittel.length < 1 || [...doc.tittel].length > 255) problem(`${where}: tittel must be 1 to 255 characters`);
    if (typeof doc.lang !== 'string' || !/^[A-Za-z]{2}$/.test(doc.lang)) problem(`${where}: lang ${JSON.stringify(doc.lang)} is not a 2-letter ISO 639-1 code`);
  }
  if (doc.data !== undefined) checkDocument({ href: doc.data.href, mime: doc.data.mime, tittel: null, lang: null }, `${where} data`);
}

/**
 * Writes `manifest.xml`.
 *
 * @param manifest what to write; documents with `tittel: null` get no `tittel` element
 * @returns UTF-8 XML with the declaration Difi's libraries (JAXB) write
 * @throws AppError `DIGITALPOST_PACKAGE_INVALID` when a value breaks the SDP schema: orgnr not
 *   9 digits, personidentifikator not 11 digits, a mottaker with neither field, an href, mime,
 *   tittel or lang out of its limits, more than 200 vedlegg, fakturaReferanse over 40 characters
 * @see sdp-manifest.xsd, sdp-felles.xsd
 */
export function sdpManifestXml(manifest: SdpManifest): Buffer {
  if (!/^\d{9}$/.test(manifest?.avsenderOrgnr ?? '')) problem(`avsenderOrgnr ${JSON.stringify(manifest?.avsenderOrgnr)} is not 9 digits`);
  const { mottaker } = manifest;
  if (mottaker) {
    if (mottaker.personidentifikator === undefined && mottaker.postkasseadresse === undefined) {
      problem('mottaker needs personidentifikator and postkasseadresse (or null for print)');
    }
    if (mottaker.personidentifikator !== undefined && !/^\d{11}$/.test(mottaker.personidentifikator)) problem('mottaker.personidentifikator is not 11 digits');
    if (mottaker.postkasseadresse !== undefined && (typeof mottaker.postkasseadresse !== 'string' || mottaker.postkasseadresse.trim() === '')) {
      problem('mottaker.postkasseadresse is empty');
    }
  }
  if (manifest.avsenderidentifikator !== undefined && [...manifest.avsenderidentifikator].length > 100) problem('avsenderidentifikator is longer than 100 characters');
  if (manifest.fakturaReferanse !== undefined && [...manifest.fakturaReferanse].length > 40) problem('fakturaReferanse is longer than 40 characters');
  checkDocument(manifest.hoveddokument, 'hoveddokument');
  if (!Array.isArray(manifest.vedlegg) || manifest.vedlegg.length > MAX_VEDLEGG) problem(`vedlegg must be a list of at most ${MAX_VEDLEGG}`);
  manifest.vedlegg.forEach((v, i) => checkDocument(v, `vedlegg[${i}]`));

  const doc = new DOMImplementation().createDocument(SDP_NS, 'manifest', null);
  const root = doc.documentElement as Element;
  const add = (parent: Element, name: string, value?: string): Element => {
    const element = doc.createElementNS(SDP_NS, name);
    if (value !== undefined) element.appendChild(doc.createTextNode(value));
    parent.appendChild(element);
    return element;
  };
  if (mottaker) {
    const person = add(add(root, 'mottaker'), 'person');
    if (mottaker.personidentifikator !== undefined) add(person, 'personidentifikator', mottaker.personidentifikator);
    if (mottaker.postkasseadresse !== undefined) add(person, 'postkasseadresse', mottaker.postkasseadresse);
  }
  const avsender = add(root, 'avsender');
  add(avsender, 'organisasjon', `${ORGNR_ICD}:${manifest.avsenderOrgnr}`).setAttribute('authority', AUTHORITY);
  if (manifest.avsenderidentifikator !== undefined) add(avsender, 'avsenderidentifikator', manifest.avsenderidentifikator);
  if (manifest.fakturaReferanse !== undefined) add(avsender, 'fakturaReferanse', manifest.fakturaReferanse);
  const document = (name: string, d: SdpManifestDocument) => {
    const element = add(root, name);
    element.setAttribute('href', d.href);
    element.setAttribute('mime', d.mime);
    if (d.tittel !== null && d.tittel !== undefined) add(element, 'tittel', d.tittel).setAttribute('lang', d.lang as string);
    if (d.data) {
      const data = add(element, 'data');
      data.setAttribute('href', d.data.href);
      data.setAttribute('mime', d.data.mime);
    }
  };
  document('hoveddokument', manifest.hoveddokument);
  for (const v of manifest.vedlegg) document('vedlegg', v);
  return serializeXml(doc as Document);
}

function readDocument(element: Element, where: string): SdpManifestDocument {
  const href = element.getAttribute('href');
  const mime = element.getAttribute('mime');
  if (!href) problem(`manifest.xml: ${where} has no href`);
  if (!mime) problem(`manifest.xml: ${where} (${href}) has no mime`);
  const tittels = childElements(element, SDP_NS, 'tittel');
  if (tittels.length > 1) problem(`manifest.xml: ${where} (${href}) has more than one tittel`);
  const tittel = tittels[0];
  const out: SdpManifestDocument = {
    href,
    mime,
    tittel: tittel ? text(tittel) : null,
    lang: tittel ? tittel.getAttribute('lang') || null : null,
  };
  const datas = childElements(element, SDP_NS, 'data');
  if (datas.length > 1) problem(`manifest.xml: ${where} (${href}) has more than one data element`);
  const data = datas[0];
  if (data) {
    const dataHref = data.getAttribute('href');
    const dataMime = data.getAttribute('mime');
    if (!dataHref || !dataMime) problem(`manifest.xml: the data element of ${where} (${href}) needs href and mime`);
    out.data = { href: dataHref, mime: dataMime };
  }
  return out;
}

/**
 * Reads `manifest.xml`. Checks the structure the package depends on, leniently on lengths
 * (an href or title a little out of the schema's limits is still read).
 *
 * @param bytes the file's bytes (UTF-8 XML; a DOCTYPE is refused)
 * @returns the manifest; `avsenderOrgnr` is the part after `9908:`
 * @throws AppError `DIGITALPOST_PACKAGE_INVALID` when the XML is not well-formed, the root is
 *   not `{http://begrep.difi.no/sdp/schema_v10}manifest`, `avsender/organisasjon` is missing or
 *   not `9908:<9 digits>`, there is not exactly one `hoveddokument`, a document lacks href or
 *   mime, or an href is named twice
 */
export function readSdpManifest(bytes: Uint8Array): SdpManifest {
  const parsed = parseXml(bytes);
  if ('problem' in parsed) problem(`manifest.xml is ${parsed.problem}`);
  const root = parsed.doc.documentElement as Element;
  if (root.localName !== 'manifest' || root.namespaceURI !== SDP_NS) {
    problem(`manifest.xml has root {${root.namespaceURI ?? ''}}${root.localName}, not {${SDP_NS}}manifest`);
  }
  const mottakere = childElements(root, SDP_NS, 'mottaker');
  if (mottakere.length > 1) problem('manifest.xml has more than one mottaker');
  let mottaker: SdpManifest['mottaker'] = null;
  if (mottakere[0]) {
    const person = onlyChild(mottakere[0], SDP_NS, 'person');
    if (!person) problem('manifest.xml: mottaker has no (single) person');
    mottaker = {};
    const pid = onlyChild(person, SDP_NS, 'personidentifikator');
    const adresse = onlyChild(person, SDP_NS, 'postkasseadresse');
    if (pid) mottaker.personidentifikator = text(pid);
    if (adresse) mottaker.postkasseadresse = text(adresse);
  }
  const avsender = onlyChild(root, SDP_NS, 'avsender');
  if (!avsender) problem('manifest.xml has no (single) avsender');
  const organisasjon = text(onlyChild(avsender, SDP_NS, 'organisasjon'));
  const orgMatch = /^9908:(\d{9})$/.exec(organisasjon);
  if (!orgMatch) problem(`manifest.xml: avsender/organisasjon is ${JSON.stringify(organisasjon)}, not 9908:<organisasjonsnummer>`);
  const hoved = childElements(root, SDP_NS, 'hoveddokument');
  if (hoved.length !== 1) problem(`manifest.xml has ${hoved.length} hoveddokument elements; exactly one is required`);
  const out: SdpManifest = {
    mottaker,
    avsenderOrgnr: orgMatch[1] as string,
    hoveddokument: readDocument(hoved[0] as Element, 'hoveddokument'),
    vedlegg: childElements(root, SDP_NS, 'vedlegg').map((v, i) => readDocument(v, `vedlegg[${i}]`)),
  };
  const avsenderidentifikator = onlyChild(avsender, SDP_NS, 'avsenderidentifikator');
  if (avsenderidentifikator) out.avsenderidentifikator = text(avsenderidentifikator);
  const fakturaReferanse = onlyChild(avsender, SDP_NS, 'fakturaReferanse');
  if (fakturaReferanse) out.fakturaReferanse = text(fakturaReferanse);
  if (out.vedlegg.length > MAX_VEDLEGG) problem(`manifest.xml has ${out.vedlegg.length} vedlegg; at most ${MAX_VEDLEGG} are allowed`);
  const seen = new Set<string>();
  for (const d of [out.hoveddokument, ...out.vedlegg]) {
    for (const href of [d.href, ...(d.data ? [d.data.href] : [])]) {
      if (seen.has(href)) problem(`manifest.xml names ${JSON.stringify(href)} twice`);
      seen.add(href);
    }
  }
  return out;
}
