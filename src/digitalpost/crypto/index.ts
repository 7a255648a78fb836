/**
 * Digital postkasse (DPI) cryptography: CMS EnvelopedData of the document package, its
 * fingerprint, the SBD as a signed JWS, and the document package itself (ASiC-E with an SDP
 * `manifest.xml`, then CMS).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5652 (CMS), RFC 8017 / RFC 4055 (RSAES-OAEP), RFC 7515 (JWS)
 * @see ETSI TS 102 918 (ASiC), Digdir's efm-integrasjonspunkt dpi-client
 */
export type {
  Signer,
  DecryptionKey,
  Fingerprint,
  VerifiedSbd,
  DokumentpakkeMottaker,
  DokumentpakkeDocumentInput,
  BuildDokumentpakkeInput,
  BuiltDokumentpakke,
  DokumentpakkeDocument,
  OpenedDokumentpakke,
  TrustOptions,
  VerifySbdOptions,
} from './types.ts';
export { encryptCms, decryptCms } from './cms.ts';
export { fingerprint, FINGERPRINT_DIGEST_METHOD } from './fingerprint.ts';
export { signSbd, verifySbd, type JwsRejection } from './jws.ts';
export { buildDokumentpakke, openDokumentpakke } from './dokumentpakke.ts';
export { sdpManifestXml, readSdpManifest, SDP_NS, SDP_MANIFEST_NAME, type SdpManifest, type SdpManifestDocument } from './sdp-manifest.ts';
export { digitalpostCryptoErrors, type DigitalpostCryptoErrorCode } from './errors.ts';
