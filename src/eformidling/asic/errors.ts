/**
 * The ASiC-E module's error catalogue: every code `streamAsice`, `createAsice` and `verifyAsice`
 * throw, with its HTTP status. Listed in `README.md` beside this file ("Error codes").
 *
 * A verification failure says which check failed in `extra.check` (see {@link AsicCheck}) and, for
 * a file digest, which file in `extra.file`, so a caller can tell "file b.pdf was changed" from
 * "the signature is not from a trusted certificate" without parsing the message.
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../../platform/errors.ts';

/** Every error code of the ASiC-E module. */
export const asicErrors = {
  /**
   * A data file name that cannot travel in the container: empty, a `/` or `\`, `..`, a control
   * character, the reserved names `mimetype` or `META-INF`, over 255 characters, or the same
   * name twice.
   */
  EFORMIDLING_ASIC_INVALID_NAME: { status: 400, title: 'Invalid file name for an ASiC-E container' },
  /** A data file description is unusable: no files, an empty or malformed media type, a size that is not a whole number of bytes, a SHA-256 that is not 32 bytes. */
  EFORMIDLING_ASIC_INVALID_FILE: { status: 400, title: 'Invalid file for an ASiC-E container' },
  /** The bytes a source streamed do not match the size or SHA-256 it declared (the container being written is unusable). */
  EFORMIDLING_ASIC_SOURCE_MISMATCH: { status: 500, title: 'A file did not match its declared size or digest' },
  /** The signer's certificate or private key cannot be read, is not RSA, or the key does not belong to the certificate. */
  EFORMIDLING_ASIC_INVALID_SIGNER: { status: 500, title: 'The signing certificate or key cannot be used' },
  /** Not a ZIP, `mimetype` missing, not first, compressed or not exactly `application/vnd.etsi.asic-e+zip`, a bad entry name, or `META-INF/manifest.xml` missing or not listing exactly the data files. */
  EFORMIDLING_ASIC_MALFORMED: { status: 400, title: 'Malformed ASiC-E container' },
  /** The container is larger than the verifier accepts (entries or uncompressed bytes). */
  EFORMIDLING_ASIC_TOO_LARGE: { status: 413, title: 'ASiC-E container too large' },
  /**
   * `META-INF/signatures.xml` is missing or does not verify: `extra.check` names the check
   * (file digest, SignedInfo signature, SignedProperties digest, signing certificate, trust,
   * validity…), and `extra.file` the file whose digest failed.
   */
  EFORMIDLING_ASIC_SIGNATURE_INVALID: { status: 400, title: 'ASiC-E signature invalid' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link asicErrors}. */
export type AsicErrorCode = keyof typeof asicErrors;

/**
 * The verification check that failed, in `extra.check` of an `EFORMIDLING_ASIC_SIGNATURE_INVALID`:
 *
 * - `structure`: signatures.xml missing, not well-formed, or without the XAdES elements.
 * - `algorithm`: a canonicalization, digest or signature algorithm this verifier does not support.
 * - `reference`: a data file no Reference covers, a Reference to no data file, or a file referenced twice.
 * - `file-digest`: a data file's SHA-256 (or other digest) differs from its Reference (`extra.file` names it).
 * - `signed-properties`: the SignedProperties digest differs, or the Reference does not point at them.
 * - `signed-info`: the SignatureValue does not verify over SignedInfo with the KeyInfo certificate.
 * - `signing-certificate`: no KeyInfo certificate matches the SigningCertificate digest and serial.
 * - `data-object-format`: a signed file has no DataObjectFormat with a MimeType.
 * - `certificate-trust`: the certificate does not chain to one of the given CAs.
 * - `certificate-validity`: a certificate of the chain is not valid at the checked time.
 */
export type AsicCheck =
  | 'structure'
  | 'algorithm'
  | 'reference'
  | 'file-digest'
  | 'signed-properties'
  | 'signed-info'
  | 'signing-certificate'
  | 'data-object-format'
  | 'certificate-trust'
  | 'certificate-validity';

/**
 * Builds an `AppError` from a catalogued ASiC-E code, with its catalogued status.
 *
 * @param code a key of {@link asicErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function asicError(code: AsicErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(asicErrors, code, message, options);
}

/**
 * An `EFORMIDLING_ASIC_SIGNATURE_INVALID` naming the failed check (and the file, for a digest).
 *
 * @param check which check failed (goes to `extra.check`)
 * @param message what failed, safe to show
 * @param file the data file concerned, if any (goes to `extra.file`)
 */
export function signatureInvalid(check: AsicCheck, message: string, file?: string, cause?: unknown): AppError {
  const extra: Record<string, unknown> = { check };
  if (file !== undefined) extra.file = file;
  return asicError('EFORMIDLING_ASIC_SIGNATURE_INVALID', message, cause === undefined ? { extra } : { extra, cause });
}
