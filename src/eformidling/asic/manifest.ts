/**
 * `META-INF/manifest.xml`: the OpenDocument manifest Difi's library (`OasisManifest`) adds to
 * every container: one `file-entry` for the container itself (`full-path="/"`, the ASiC-E media
 * type), then one per data file with its media type. The manifest is not signed (the XAdES
 * `DataObjectFormat` carries the signed media types); the verifier checks that both agree.
 *
 * @see https://docs.oasis-open.org/office/OpenDocument/v1.3/os/part2-packages/OpenDocument-v1.3-os-part2-packages.html §4 (manifest)
 * @see https://www.etsi.org/deliver/etsi_en/319100_319199/31916201/ ETSI EN 319 162-1 §A.4 (META-INF/manifest.xml in ASiC-E)
 */
import { DOMImplementation, type Element } from '@xmldom/xmldom';
import { ASICE_MIME_TYPE, NS } from './constants.ts';
import { asicError } from './errors.ts';
import { allChildElements, parseXml, serializeXml } from './xml.ts';

/** One data file as the manifest lists it. */
export interface ManifestEntry {
  name: string;
  mimeType: string;
}

/**
 * Writes the manifest: `manifest:manifest` with the container entry first, then the data files
 * in container order.
 *
 * @returns UTF-8 XML with declaration
 */
export function manifestXml(files: readonly ManifestEntry[]): Buffer {
  const doc = new DOMImplementation().createDocument(NS.manifest, 'manifest:manifest', null);
  const root = doc.documentElement as Element;
  root.setAttributeNS(NS.xmlns, 'xmlns:manifest', NS.manifest);
  const entry = (fullPath: string, mediaType: string) => {
    const element = doc.createElementNS(NS.manifest, 'manifest:file-entry');
    element.setAttributeNS(NS.manifest, 'manifest:full-path', fullPath);
    element.setAttributeNS(NS.manifest, 'manifest:media-type', mediaType);
    root.appendChild(element);
  };
  entry('/', ASICE_MIME_TYPE);
  for (const file of files) entry(file.name, file.mimeType);
  return serializeXml(doc);
}

function attribute(element: Element, localName: string): string | null {
  // OpenDocument qualifies the attributes; accept unqualified ones from lax writers too.
  if (element.hasAttributeNS(NS.manifest, localName)) return element.getAttributeNS(NS.manifest, localName);
  return element.hasAttribute(localName) ? element.getAttribute(localName) : null;
}

/**
 * Reads a manifest and returns its data file entries (the container entry `/` is checked and
 * left out).
 *
 * @throws AppError `EFORMIDLING_ASIC_MALFORMED` when the XML is not a manifest, an entry lacks
 *   `full-path` or `media-type`, a path is listed twice, or `/` has another media type
 */
export function readManifest(bytes: Uint8Array): ManifestEntry[] {
  const malformed = (why: string) => asicError('EFORMIDLING_ASIC_MALFORMED', `META-INF/manifest.xml ${why}`);
  const parsed = parseXml(bytes);
  if ('problem' in parsed) throw malformed(`is ${parsed.problem}`);
  const root = parsed.doc.documentElement as Element;
  if (root.localName !== 'manifest' || root.namespaceURI !== NS.manifest) {
    throw malformed(`has root {${root.namespaceURI ?? ''}}${root.localName}, not {${NS.manifest}}manifest`);
  }
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  for (const element of allChildElements(root)) {
    if (element.localName !== 'file-entry' || element.namespaceURI !== NS.manifest) continue;
    const fullPath = attribute(element, 'full-path');
    const mediaType = attribute(element, 'media-type');
    if (!fullPath || mediaType === null) throw malformed('has a file-entry without full-path or media-type');
    if (seen.has(fullPath)) throw malformed(`lists ${JSON.stringify(fullPath)} twice`);
    seen.add(fullPath);
    if (fullPath === '/') {
      if (mediaType !== ASICE_MIME_TYPE) throw malformed(`gives the container the media type ${JSON.stringify(mediaType)}, not ${ASICE_MIME_TYPE}`);
      continue;
    }
    entries.push({ name: fullPath, mimeType: mediaType });
  }
  return entries;
}
