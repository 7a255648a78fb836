/**
 * The DPI document package (`dokumentpakke`, part `asic.cms` of `POST /messages/out`): an
 * ASiC-E holding the documents and the SDP `manifest.xml`, signed (XAdES) by the sender's
 * enterprise certificate, then encrypted as CMS EnvelopedData to the receiving provider's
 * certificate. The SBD carries its fingerprint (`dokumentpakkefingeravtrykk`).
 *
 * Container layout written: `mimetype`, the main document, the attachments in the given
 * order, `manifest.xml`, `META-INF/manifest.xml`, `META-INF/signatures.xml` (the SDP manifest
 * is an ordinary signed data file, as in Digdir's sikker-digital-post-klient).
 *
 * @see ETSI TS 102 918 / EN 319 162-1 (ASiC-E), src/eformidling/asic/asice.ts
 * @see sdp-manifest.ts (manifest.xml), cms.ts (RFC 5652 EnvelopedData), fingerprint.ts
 * @see Digdir efm-integrasjonspunkt dpi-client (dokumentpakke = CMS(ASiC-E))
 */
import { AppError } from '../../platform/errors.ts';
import { createAsice, verifyAsice, type VerifiedAsice } from '../../eformidling/asic/asice.ts';
import { fileNameProblem } from '../../eformidling/asic/file-name.ts';
import { decryptCms, encryptCms } from './cms.ts';
import { cryptoError } from './errors.ts';
import { fingerprint } from './fingerprint.ts';
import { readSdpManifest, sdpManifestXml, SDP_MANIFEST_NAME, type SdpManifestDocument } from './sdp-manifest.ts';
import type {
  BuildDokumentpakkeInput,
  BuiltDokumentpakke,
  DecryptionKey,
  DokumentpakkeDocument,
  DokumentpakkeDocumentInput,
  OpenedDokumentpakke,
  TrustOptions,
} from './types.ts';

const MANIFEST_MIME_TYPE = 'application/xml';
const DEFAULT_SPRAAK = 'no';

function packageInvalid(message: string, options: { extra?: Record<string, unknown>; cause?: unknown } = {}): AppError {
  return cryptoError('DIGITALPOST_PACKAGE_INVALID', message, options);
}

function checkDocuments(documents: DokumentpakkeDocumentInput[]): { hoved: DokumentpakkeDocumentInput; vedlegg: DokumentpakkeDocumentInput[] } {
  if (!Array.isArray(documents) || documents.length === 0) throw packageInvalid('A document package needs at least one document');
  const seen = new Set<string>();
  for (const [i, d] of documents.entries()) {
    const name = d?.filename;
    const nameProblem = fileNameProblem(name);
    if (nameProblem) throw packageInvalid(`documents[${i}]: ${nameProblem}`);
    if (name.toLowerCase() === SDP_MANIFEST_NAME) throw packageInvalid(`documents[${i}]: the file name ${SDP_MANIFEST_NAME} is reserved for the SDP manifest`);
    if (seen.has(name)) throw packageInvalid(`documents[${i}]: the file name ${JSON.stringify(name)} is used twice`);
    seen.add(name);
    if (!(d.content instanceof Uint8Array)) throw packageInvalid(`documents[${i}] (${name}) has no Uint8Array content`);
    if (typeof d.hoveddokument !== 'boolean') throw packageInvalid(`documents[${i}] (${name}) needs hoveddokument: true or false`);
  }
  const hoved = documents.filter((d) => d.hoveddokument);
  if (hoved.length !== 1) throw packageInvalid(`Exactly one document must be the main document (hoveddokument); ${hoved.length} are`);
  return { hoved: hoved[0] as DokumentpakkeDocumentInput, vedlegg: documents.filter((d) => !d.hoveddokument) };
}

/**
 * Builds, signs and encrypts a document package.
 *
 * @param input.signer the sender's enterprise certificate and key (XAdES signature of the ASiC-E)
 * @param input.avsenderOrgnr the sender, 9 digits (manifest `9908:<orgnr>`)
 * @param input.mottaker the citizen (personidentifikator, 11 digits; postkasseadresse), or null for print
 * @param input.documents exactly one with `hoveddokument: true`; plain, unique file names
 *   (not `manifest.xml`); the manifest lists the main document, then the others in the given order
 * @param input.spraak `tittel/@lang` of every title (default `no`)
 * @param input.recipientCertificateDer the receiving provider's encryption certificate, DER
 * @param input.now signing time (default: now)
 * @returns the CMS (DER), the plaintext ASiC-E, and the CMS's fingerprint
 * @throws AppError `DIGITALPOST_PACKAGE_INVALID` (documents or manifest values unusable),
 *   `EFORMIDLING_ASIC_INVALID_FILE` (a media type that is not type/subtype),
 *   `EFORMIDLING_ASIC_INVALID_SIGNER`, `DIGITALPOST_CMS_INVALID_KEY` (recipient certificate unusable)
 */
export async function buildDokumentpakke(input: BuildDokumentpakkeInput): Promise<BuiltDokumentpakke> {
  const { hoved, vedlegg } = checkDocuments(input?.documents);
  const lang = input.spraak ?? DEFAULT_SPRAAK;
  const entry = (d: DokumentpakkeDocumentInput): SdpManifestDocument => ({
    href: d.filename,
    mime: d.mimeType,
    tittel: d.tittel ?? null,
    lang: d.tittel === undefined ? null : lang,
  });
  const manifest = sdpManifestXml({
    mottaker: input.mottaker ? { ...input.mottaker } : null,
    avsenderOrgnr: input.avsenderOrgnr,
    ...(input.avsenderidentifikator !== undefined ? { avsenderidentifikator: input.avsenderidentifikator } : {}),
    ...(input.fakturaReferanse !== undefined ? { fakturaReferanse: input.fakturaReferanse } : {}),
    hoveddokument: entry(hoved),
    vedlegg: vedlegg.map(entry),
  });
  const files = [hoved, ...vedlegg].map((d) => ({ name: d.filename, mimeType: d.mimeType, content: d.content }));
  files.push({ name: SDP_MANIFEST_NAME, mimeType: MANIFEST_MIME_TYPE, content: new Uint8Array(manifest) });
  const asice = await createAsice(files, input.signer, input.now === undefined ? {} : { now: input.now });
  const cms = await encryptCms(asice, input.recipientCertificateDer);
  return { cms, asice, fingerprint: fingerprint(cms) };
}

/**
 * Decrypts and checks a document package:
 *
 * 1. CMS EnvelopedData decrypted with whichever of `keys` it is addressed to;
 * 2. the ASiC-E verifies (every file signed, XAdES signature valid) and its signer certificate
 *    chains to one of `caCertificatesPem` and is valid at `now`;
 * 3. `manifest.xml` is there and reads as an SDP manifest, every file it names is in the
 *    container, and every other file in the container is named by it.
 *
 * @param cms the `asic.cms` bytes
 * @param keys the provider's certificates and keys (old and new)
 * @param opts.caCertificatesPem trust anchors for the ASiC-E signer, PEM
 * @param opts.now when the signer certificate must be valid (default: now)
 * @returns the signer's orgnr, the documents in manifest order (main document first, with
 *   the manifest's mime and tittel), the manifest, the signer certificate and signing time
 * @throws AppError `DIGITALPOST_CMS_WRONG_RECIPIENT`, `DIGITALPOST_CMS_INVALID`,
 *   `DIGITALPOST_CMS_INVALID_KEY` (from {@link decryptCms}); `DIGITALPOST_PACKAGE_INVALID` with
 *   the reason (a failed ASiC-E check keeps its code and check in `extra.asicCode`/`extra.check`)
 */
export async function openDokumentpakke(cms: Uint8Array, keys: DecryptionKey[], opts: TrustOptions): Promise<OpenedDokumentpakke> {
  const zip = await decryptCms(cms, keys);
  if (!Array.isArray(opts?.caCertificatesPem)) throw packageInvalid('No trusted CA certificates were given to verify the package signature against');
  let verified: VerifiedAsice;
  try {
    verified = await verifyAsice(zip, { caCertificatesPem: opts.caCertificatesPem, at: opts.now ?? new Date() });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const check = (err.extra as { check?: unknown } | undefined)?.check;
    throw packageInvalid(`The ASiC-E does not verify: ${err.message}`, {
      extra: { asicCode: err.code, ...(check === undefined ? {} : { check }) },
      cause: err,
    });
  }
  const files = new Map(verified.files.map((f) => [f.name, f]));
  const manifestFile = files.get(SDP_MANIFEST_NAME);
  if (!manifestFile) throw packageInvalid(`The package has no ${SDP_MANIFEST_NAME}`);
  const manifest = readSdpManifest(manifestFile.content);
  const named = new Set<string>([SDP_MANIFEST_NAME]);
  const documents: DokumentpakkeDocument[] = [];
  for (const [i, d] of [manifest.hoveddokument, ...manifest.vedlegg].entries()) {
    for (const href of [d.href, ...(d.data ? [d.data.href] : [])]) {
      if (href === SDP_MANIFEST_NAME) throw packageInvalid(`${SDP_MANIFEST_NAME} names itself as a document`);
      if (!files.has(href)) throw packageInvalid(`${SDP_MANIFEST_NAME} names ${JSON.stringify(href)}, which is not in the package`);
      named.add(href);
    }
    const file = files.get(d.href) as VerifiedAsice['files'][number];
    documents.push({ filename: d.href, mimeType: d.mime, content: file.content, tittel: d.tittel, hoveddokument: i === 0 });
  }
  for (const name of files.keys()) {
    if (!named.has(name)) throw packageInvalid(`The package holds ${JSON.stringify(name)}, which ${SDP_MANIFEST_NAME} does not name`);
  }
  return {
    signerOrgnr: verified.signerOrgnr,
    documents,
    manifest,
    signerCertificatePem: verified.signerCertificatePem,
    signingTime: verified.signingTime,
  };
}
