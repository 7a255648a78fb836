/**
 * Small DOM helpers over `@xmldom/xmldom` for the two XML files of the container. Parsing is
 * strict: any parser error fails, and a document type declaration is refused (no entity
 * expansion from a received container).
 */
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';

/** The XML declaration Difi's library (JAXB) writes. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/**
 * Parses UTF-8 XML.
 *
 * @returns the document, or a reason it is not acceptable
 */
export function parseXml(bytes: Uint8Array | string): { doc: Document } | { problem: string } {
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: 'not UTF-8' };
  }
  let problem: string | undefined;
  let doc: Document | undefined;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') problem ??= message;
      },
    }).parseFromString(text, 'text/xml');
  } catch (err) {
    problem ??= (err as Error).message;
  }
  if (problem !== undefined || !doc) return { problem: `not well-formed XML (${(problem ?? 'no document').split('\n')[0]})` };
  if (doc.doctype) return { problem: 'has a document type declaration' };
  if (!doc.documentElement) return { problem: 'has no root element' };
  return { doc };
}

/** Child elements of `parent` with this namespace and local name, in document order. */
export function childElements(parent: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === localName && (node as Element).namespaceURI === ns) out.push(node as Element);
  }
  return out;
}

/** All child elements of `parent`. */
export function allChildElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) out.push(node as Element);
  return out;
}

/** The one child element with this name, or `undefined` when there is none or more than one. */
export function onlyChild(parent: Element, ns: string, localName: string): Element | undefined {
  const found = childElements(parent, ns, localName);
  return found.length === 1 ? found[0] : undefined;
}

/** Text content, trimmed. */
export function text(element: Element | undefined): string {
  return (element?.textContent ?? '').trim();
}

/** Serializes a document with the XML declaration (and without one it had from parsing), as UTF-8 bytes. */
export function serializeXml(doc: Document): Buffer {
  return Buffer.from(`${XML_DECLARATION}${new XMLSerializer().serializeToString(doc.documentElement as Element)}`, 'utf8');
}
