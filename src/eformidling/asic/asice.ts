/**
 * ASiC-E containers for eFormidling: the payload of every message travels as an "Associated
 * Signature Container Extended", a ZIP with
 *
 * 1. `mimetype` — first, stored (not compressed), no extra field, content `application/vnd.etsi.asic-e+zip`;
 * 2. the data files, in the given order, deflated;
 * 3. `META-INF/manifest.xml` — the OpenDocument manifest listing each file and its media type;
 * 4. `META-INF/signatures.xml` — one XAdES-BES signature by the sender's enterprise certificate
 *    over every file (see `xades-signature.ts`).
 *
 * This is the shape Difi's asic library gives the integration point's containers (it writes
 * signatures.xml before manifest.xml; readers do not depend on the order). Writing streams:
 * since each source declares its size and SHA-256 up front, the signature is made before the
 * first byte is written, and every file passes through once, so memory use does not depend on
 * file sizes.
 *
 * The ZIP is written with `yazl`: it puts the CRC and sizes of `mimetype` in the local header,
 * which Java's `ZipInputStream` (Difi's `AsicInputStream`) requires of a stored entry;
 * `fflate`'s streaming writer always uses a data descriptor and would break that reader. It is
 * read with `fflate`, a second, independent ZIP implementation.
 *
 * @see https://www.etsi.org/deliver/etsi_en/319100_319199/31916201/ ETSI EN 319 162-1 §4.4 (ASiC-E), Annex A (container and mimetype)
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT ZIP format (§4.3.7 local header, §4.3.9 data descriptor)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { unzipSync } from 'fflate';
import { ZipFile } from 'yazl';
import { AppError } from '../../platform/errors.ts';
import {
  certificateOrgnr,
  certificatePem,
  checkCertificateTrust,
  checkCertificateValidity,
  loadSigner,
  type AsicSigner,
} from './certificates.ts';
import { ASICE_MIME_TYPE as MIME_TYPE, ENTRY } from './constants.ts';
import { asicError, signatureInvalid } from './errors.ts';
import { fileNameProblem, fileNameProblems } from './file-name.ts';
import { manifestXml, readManifest } from './manifest.ts';
import { signaturesXml, verifySignaturesXml } from './xades-signature.ts';

export type { AsicSigner } from './certificates.ts';
export { asicErrors, type AsicCheck, type AsicErrorCode } from './errors.ts';
export { fileNameProblem, fileNameProblems, MAX_FILE_NAME_LENGTH } from './file-name.ts';

/** The media type of an ASiC-E container, and the content of its `mimetype` entry. */
export const ASICE_MIME_TYPE: typeof MIME_TYPE = MIME_TYPE;

/** A data file whose bytes may be streamed: sha256 (raw 32 bytes) and size known up front. */
export interface AsicSource {
  /** Entry name: a plain file name (see `fileNameProblem` for the rules). */
  name: string;
  /** Media type (`type/subtype`, parameters allowed), e.g. `application/pdf`. */
  mimeType: string;
  /** Size in bytes. */
  size: number;
  /** SHA-256 of the bytes, raw (32 bytes). */
  sha256: Uint8Array;
  /** The bytes, in chunks. Called once, when the file's turn comes in the container. */
  open(): AsyncIterable<Uint8Array>;
}

/** A container as `verifyAsice` found it. */
export interface VerifiedAsice {
  /** The data files in container order, with their signed media type (XAdES DataObjectFormat). */
  files: Array<{ name: string; mimeType: string; content: Uint8Array }>;
  /** The certificate that signed, PEM. */
  signerCertificatePem: string;
  /** Organisasjonsnummer from the certificate subject (organizationIdentifier `NTRNO-<orgnr>`, else serialNumber), or null. */
  signerOrgnr: string | null;
  /** The signed XAdES SigningTime. */
  signingTime: Date;
}

/** Options of {@link verifyAsice}. */
export interface VerifyAsiceOptions {
  /** Trust anchors, PEM: when given, the signer certificate must chain to one of them and the chain be valid at `at`. */
  caCertificatesPem?: string[];
  /** When to check certificate validity (default: now). Without `caCertificatesPem`, the signer certificate's validity is checked only when `at` is given. */
  at?: Date;
  /** Largest sum of the entries' uncompressed sizes accepted, in bytes (default 1 GiB). */
  maxUncompressedBytes?: number;
}

const DEFAULT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024;
const MAX_ENTRIES = 10_000;
/** Chunk size of a source's stream inside the ZIP writer (the memory a file in flight holds, roughly ×3). */
const STREAM_HIGH_WATER_MARK = 64 * 1024;
/** Largest in-memory file `createAsice` hands yazl as one buffer (its limit is 0x3fffffff bytes). */
const MAX_BUFFER_ENTRY = 256 * 1024 * 1024;
/** RFC 6838 §4.2 restricted names; parameters allowed; no control characters. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;[^\u0000-\u001f\u007f]*)?$/;

/** A source, or (from `createAsice`) a file already in memory, written without a stream. */
type PlannedFile = AsicSource & { content?: Uint8Array };

interface Plan {
  files: PlannedFile[];
  now: Date;
  manifest: Buffer;
  signatures: Buffer;
}

function invalidFile(message: string): AppError {
  return asicError('EFORMIDLING_ASIC_INVALID_FILE', message);
}

/** Checks the sources and the signer, and makes manifest.xml and signatures.xml. */
function plan(files: PlannedFile[], signer: AsicSigner, options: { now?: Date } | undefined): Plan {
  if (!Array.isArray(files) || files.length === 0) throw invalidFile('An ASiC-E container needs at least one file');
  const problems = fileNameProblems(files.map((f) => f?.name));
  if (problems.length > 0) {
    throw asicError('EFORMIDLING_ASIC_INVALID_NAME', `Invalid file name: ${problems.join('; ')}`, { extra: { problems } });
  }
  for (const file of files) {
    const shown = JSON.stringify(file.name);
    if (typeof file.mimeType !== 'string' || !MEDIA_TYPE.test(file.mimeType)) {
      throw invalidFile(`File ${shown} has media type ${JSON.stringify(file.mimeType)}; expected type/subtype`);
    }
    if (!Number.isSafeInteger(file.size) || file.size < 0) throw invalidFile(`File ${shown} has size ${String(file.size)}; expected a whole number of bytes`);
    if (!(file.sha256 instanceof Uint8Array) || file.sha256.length !== 32) throw invalidFile(`File ${shown} needs its SHA-256 as 32 raw bytes`);
    if (typeof file.open !== 'function') throw invalidFile(`File ${shown} has no open() to read it from`);
  }
  const now = options?.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw invalidFile('options.now is not a valid Date');
  const loaded = loadSigner(signer);
  return {
    files,
    now,
    manifest: manifestXml(files),
    signatures: signaturesXml(files, loaded, now),
  };
}

/** A source's chunks, checked against its declared size and SHA-256 as they pass. */
async function* checkedChunks(file: AsicSource): AsyncGenerator<Uint8Array> {
  const mismatch = (why: string) => asicError('EFORMIDLING_ASIC_SOURCE_MISMATCH', `File ${JSON.stringify(file.name)} ${why}`);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of file.open()) {
    if (!(chunk instanceof Uint8Array)) throw mismatch('streamed a chunk that is not a Uint8Array');
    size += chunk.length;
    if (size > file.size) throw mismatch(`streamed more than its declared ${file.size} bytes`);
    hash.update(chunk);
    yield chunk;
  }
  if (size !== file.size) throw mismatch(`streamed ${size} bytes, not its declared ${file.size}`);
  const sha256 = hash.digest();
  if (!timingSafeEqual(sha256, file.sha256)) throw mismatch('streamed bytes whose SHA-256 is not the declared one');
}

async function* write(container: Plan): AsyncGenerator<Uint8Array> {
  const zip = new ZipFile();
  // A PassThrough in yazl; its typings say NodeJS.ReadableStream.
  const out = zip.outputStream as Readable;
  let current: Readable | undefined;
  const fail = (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err)));
  zip.on('error', fail);
  // No extra field anywhere (forceDosTimestamp): ETSI EN 319 162-1 A.1 forbids one on mimetype.
  const entry = { mtime: container.now, forceDosTimestamp: true };
  zip.addBuffer(Buffer.from(ASICE_MIME_TYPE, 'ascii'), ENTRY.mimetype, { ...entry, compress: false });
  for (const file of container.files) {
    if (file.content) {
      // In memory already: yazl computes the CRC and writes the sizes in the local header, with no stream in between.
      zip.addBuffer(Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength), file.name, { ...entry, compress: true });
      continue;
    }
    zip.addReadStreamLazy(file.name, { ...entry, size: file.size, compress: true }, (callback) => {
      const stream = Readable.from(checkedChunks(file), { objectMode: false, highWaterMark: STREAM_HIGH_WATER_MARK });
      stream.on('error', fail);
      current = stream;
      callback(null, stream);
    });
  }
  // Stored: a few kilobytes, and a deflate stream costs more to set up than it saves here.
  zip.addBuffer(container.manifest, ENTRY.manifest, { ...entry, compress: false });
  zip.addBuffer(container.signatures, ENTRY.signatures, { ...entry, compress: false });
  zip.end();
  let complete = false;
  try {
    for await (const chunk of out) yield chunk as Buffer;
    complete = true;
  } finally {
    if (!complete) {
      current?.destroy();
      out.destroy();
    }
  }
}

/**
 * Streams a signed ASiC-E: `mimetype`, the files in order, `META-INF/manifest.xml`,
 * `META-INF/signatures.xml`. Memory use is independent of file sizes: each source is opened when
 * its turn comes and read once. The sources and the signer are checked, and the signature made,
 * when this is called; a source whose bytes turn out not to match its declared size or SHA-256
 * makes the iteration throw before the container is complete.
 *
 * @param files the data files (1 or more), in container order
 * @param signer the sending organisation's enterprise certificate and RSA key
 * @param options.now signing time and ZIP entry time (default: now)
 * @returns the container's bytes, in chunks
 * @throws AppError `EFORMIDLING_ASIC_INVALID_NAME`, `EFORMIDLING_ASIC_INVALID_FILE`,
 *   `EFORMIDLING_ASIC_INVALID_SIGNER` (at call); `EFORMIDLING_ASIC_SOURCE_MISMATCH` (while iterating)
 */
export function streamAsice(files: AsicSource[], signer: AsicSigner, options?: { now?: Date }): AsyncIterable<Uint8Array> {
  return write(plan(files, signer, options));
}

/**
 * Convenience: a whole signed container in memory (see {@link streamAsice}).
 *
 * @param files the data files (1 or more), in container order
 * @returns the ZIP bytes
 * @throws AppError `EFORMIDLING_ASIC_INVALID_NAME`, `EFORMIDLING_ASIC_INVALID_FILE`, `EFORMIDLING_ASIC_INVALID_SIGNER`
 */
export async function createAsice(
  files: Array<{ name: string; mimeType: string; content: Uint8Array }>,
  signer: AsicSigner,
  options?: { now?: Date },
): Promise<Uint8Array> {
  if (!Array.isArray(files)) throw invalidFile('files must be an array');
  const sources = files.map((file): PlannedFile => {
    if (!(file?.content instanceof Uint8Array)) throw invalidFile(`File ${JSON.stringify(file?.name)} has no Uint8Array content`);
    const content = file.content;
    return {
      name: file.name,
      mimeType: file.mimeType,
      size: content.length,
      sha256: createHash('sha256').update(content).digest(),
      async *open() {
        yield content;
      },
      // yazl takes buffers up to 1 GiB; a larger file goes through the stream path.
      ...(content.length <= MAX_BUFFER_ENTRY ? { content } : {}),
    };
  });
  const chunks: Uint8Array[] = [];
  for await (const chunk of write(plan(sources, signer, options))) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

function malformed(message: string, cause?: unknown): AppError {
  return asicError('EFORMIDLING_ASIC_MALFORMED', message, cause === undefined ? {} : { cause });
}

/**
 * Checks the first local file header: `mimetype`, stored, content exactly the ASiC-E media type
 * (ETSI EN 319 162-1 A.1; the "magic number" readers detect the format by).
 */
function checkMimetypeHeader(zip: Uint8Array): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (zip.length < 30 || view.getUint32(0, true) !== 0x04034b50) throw malformed('Not a ZIP archive (no local file header at the start)');
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  const name = Buffer.from(zip.subarray(30, 30 + nameLength)).toString('latin1');
  if (name !== ENTRY.mimetype) throw malformed(`The first entry is ${JSON.stringify(name)}, not mimetype`);
  if (view.getUint16(8, true) !== 0) throw malformed('The mimetype entry is compressed; it must be stored');
  const start = 30 + nameLength + extraLength;
  const content = Buffer.from(zip.subarray(start, start + ASICE_MIME_TYPE.length)).toString('latin1');
  if (content !== ASICE_MIME_TYPE) throw malformed(`The mimetype entry does not hold ${ASICE_MIME_TYPE}`);
}

/** Reads every entry, in central directory order, within the limits. */
function readEntries(zip: Uint8Array, maxBytes: number): Array<{ name: string; content: Uint8Array }> {
  const order: string[] = [];
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter(file) {
        order.push(file.name);
        total += file.originalSize;
        if (order.length > MAX_ENTRIES) throw asicError('EFORMIDLING_ASIC_TOO_LARGE', `The container has more than ${MAX_ENTRIES} entries`);
        if (total > maxBytes) throw asicError('EFORMIDLING_ASIC_TOO_LARGE', `The container's entries are larger than ${maxBytes} bytes uncompressed`);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw malformed(`Not a readable ZIP archive (${(err as Error).message})`, err);
  }
  const seen = new Set<string>();
  for (const name of order) {
    if (seen.has(name)) throw malformed(`The entry ${JSON.stringify(name)} is in the container twice`);
    seen.add(name);
  }
  return order.map((name) => ({ name, content: files[name] as Uint8Array }));
}

/**
 * Parses and verifies an ASiC-E:
 *
 * 1. a ZIP whose first entry is `mimetype`, stored, exactly `application/vnd.etsi.asic-e+zip`;
 *    no entry twice; data file names follow the name rules (no folders);
 * 2. `META-INF/manifest.xml` lists exactly the data files, with the media types the signature gives them;
 * 3. `META-INF/signatures.xml` verifies: the SignedInfo signature with the KeyInfo certificate,
 *    the SignedProperties digest, the SigningCertificate digest, every file's digest, and every
 *    data file is signed;
 * 4. optionally, the certificate chains to one of `caCertificatesPem` and is valid at `at`.
 *
 * Entries under META-INF other than these two are ignored; a CAdES container
 * (`META-INF/signature.p7s`) is not supported.
 *
 * @param zip the container's bytes
 * @returns the data files (in container order), the signer certificate and orgnr, the signing time
 * @throws AppError `EFORMIDLING_ASIC_MALFORMED`, `EFORMIDLING_ASIC_TOO_LARGE`,
 *   `EFORMIDLING_ASIC_SIGNATURE_INVALID` (with `extra.check`, and `extra.file` for a digest)
 */
export async function verifyAsice(zip: Uint8Array, options: VerifyAsiceOptions = {}): Promise<VerifiedAsice> {
  if (!(zip instanceof Uint8Array)) throw malformed('The container must be given as a Uint8Array');
  checkMimetypeHeader(zip);
  const entries = readEntries(zip, options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES);
  if (entries[0]?.name !== ENTRY.mimetype) throw malformed('The central directory does not list mimetype first');
  if (Buffer.from(entries[0].content).toString('latin1') !== ASICE_MIME_TYPE) throw malformed(`The mimetype entry is not exactly ${ASICE_MIME_TYPE}`);

  const dataFiles = new Map<string, Uint8Array>();
  const meta = new Map<string, Uint8Array>();
  for (const { name, content } of entries.slice(1)) {
    if (name.startsWith('META-INF/')) {
      if (!name.endsWith('/')) meta.set(name, content);
      continue;
    }
    const problem = fileNameProblem(name);
    if (problem) throw malformed(`The container holds an entry this verifier does not accept: ${problem}`);
    dataFiles.set(name, content);
  }
  if (dataFiles.size === 0) throw malformed('The container holds no data file');

  const manifestBytes = meta.get(ENTRY.manifest);
  if (!manifestBytes) throw malformed('META-INF/manifest.xml is missing');
  const manifest = readManifest(manifestBytes);
  const listed = new Map(manifest.map((e) => [e.name, e.mimeType]));
  for (const name of listed.keys()) {
    if (!dataFiles.has(name)) throw malformed(`META-INF/manifest.xml lists ${JSON.stringify(name)}, which is not in the container`);
  }
  for (const name of dataFiles.keys()) {
    if (!listed.has(name)) throw malformed(`The container holds ${JSON.stringify(name)}, which META-INF/manifest.xml does not list`);
  }

  const signaturesBytes = meta.get(ENTRY.signatures);
  if (!signaturesBytes) {
    const cades = meta.has('META-INF/signature.p7s');
    throw signatureInvalid('structure', cades ? 'The container has a CAdES signature (META-INF/signature.p7s); only XAdES (META-INF/signatures.xml) is supported' : 'META-INF/signatures.xml is missing');
  }
  const signature = verifySignaturesXml(signaturesBytes, dataFiles);
  for (const [name, mimeType] of signature.mimeTypes) {
    if (listed.get(name) !== mimeType) {
      throw malformed(`META-INF/manifest.xml gives ${JSON.stringify(name)} the media type ${JSON.stringify(listed.get(name))}, the signature ${JSON.stringify(mimeType)}`);
    }
  }

  if (options.caCertificatesPem !== undefined) {
    await checkCertificateTrust(signature.signer, signature.others, options.caCertificatesPem, options.at ?? new Date());
  } else if (options.at !== undefined) {
    checkCertificateValidity(signature.signer, options.at);
  }

  return {
    files: [...dataFiles].map(([name, content]) => ({ name, mimeType: signature.mimeTypes.get(name) as string, content })),
    signerCertificatePem: certificatePem(new Uint8Array(signature.signer.rawData)),
    signerOrgnr: certificateOrgnr(signature.signer),
    signingTime: signature.signingTime,
  };
}
