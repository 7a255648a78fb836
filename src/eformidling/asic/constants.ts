/**
 * Names, namespaces and algorithm URIs of an ASiC-E container with a XAdES signature, as Difi's
 * asic library (`no.difi.commons:commons-asic`, `XadesAsicManifest`) and ETSI EN 319 162-1 use
 * them.
 *
 * @see https://www.etsi.org/deliver/etsi_en/319100_319199/31916201/ ETSI EN 319 162-1 (ASiC), §4.4 (ASiC-E)
 * @see https://www.etsi.org/deliver/etsi_ts/101900_101999/101903/ ETSI TS 101 903 (XAdES 1.3.2)
 */

/** Content of the `mimetype` entry, and the media type of the container itself. */
export const ASICE_MIME_TYPE = 'application/vnd.etsi.asic-e+zip';

/** Entry names the container format reserves. */
export const ENTRY = {
  mimetype: 'mimetype',
  manifest: 'META-INF/manifest.xml',
  signatures: 'META-INF/signatures.xml',
} as const;

/** XML namespaces. */
export const NS = {
  /** ETSI TS 102 918 v1.2.1 (ASiC), the root `XAdESSignatures`. */
  asic: 'http://uri.etsi.org/02918/v1.2.1#',
  /** The ASiC namespace as some Java clients (Posten's signature API client) misspell it; Difi's reader accepts it too. */
  asicLegacy: 'http://uri.etsi.org/2918/v1.2.1#',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xades: 'http://uri.etsi.org/01903/v1.3.2#',
  manifest: 'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0',
  xmlns: 'http://www.w3.org/2000/xmlns/',
} as const;

/** Algorithm and type URIs. */
export const ALGORITHM = {
  /** Inclusive Canonical XML 1.0, for SignedInfo and the SignedProperties transform (what Difi's library uses). */
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excC14nWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  /** `Reference/@Type` of the reference to the XAdES SignedProperties. */
  signedPropertiesType: 'http://uri.etsi.org/01903#SignedProperties',
} as const;

/** Element ids in signatures.xml (the ones Difi's library writes). */
export const IDS = {
  signature: 'Signature',
  signedProperties: 'SignedProperties',
  /** Reference id of the n-th data file: `ID_0`, `ID_1`… */
  reference: (index: number) => `ID_${index}`,
} as const;
