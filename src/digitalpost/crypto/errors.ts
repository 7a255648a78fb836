/**
 * The Digital postkasse crypto module's error catalogue: every code `encryptCms`, `decryptCms`,
 * `signSbd`, `verifySbd`, `buildDokumentpakke` and `openDokumentpakke` throw, with its HTTP status.
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../../platform/errors.ts';

/** Every error code of the Digital postkasse crypto module. */
export const digitalpostCryptoErrors = {
  /**
   * The CMS is not addressed to any of the given keys: no KeyTransRecipientInfo's
   * issuer+serial matches one of the certificates (the message names the serials it was
   * encrypted to, in `extra.recipients`).
   */
  DIGITALPOST_CMS_WRONG_RECIPIENT: { status: 400, title: 'The document package is encrypted to another certificate' },
  /** Not a CMS EnvelopedData, an unsupported key-transport or content algorithm, or the key or content cannot be decrypted. */
  DIGITALPOST_CMS_INVALID: { status: 400, title: 'Invalid CMS EnvelopedData' },
  /** The recipient certificate or a decryption key cannot be read, or is not RSA. */
  DIGITALPOST_CMS_INVALID_KEY: { status: 500, title: 'The encryption certificate or key cannot be used' },
  /**
   * The forretningsmelding is not a usable JWS: not compact serialization, not RS256, no
   * `x5c`, a certificate that does not chain to a trusted CA or is not valid, a signature that
   * does not verify, or a payload that is not a JSON object.
   */
  DIGITALPOST_JWS_INVALID: { status: 400, title: 'Invalid signed business message (JWS)' },
  /** The SBD cannot be signed: the certificate or key is unusable, or the SBD is not a JSON object. */
  DIGITALPOST_JWS_SIGN_FAILED: { status: 500, title: 'The business message cannot be signed' },
  /**
   * The document package is unusable: no or malformed `manifest.xml`, a manifest naming a
   * file the container lacks (or a file no manifest entry names), not exactly one main
   * document, or an ASiC-E whose signature does not verify (the message gives the reason).
   */
  DIGITALPOST_PACKAGE_INVALID: { status: 400, title: 'Invalid document package' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link digitalpostCryptoErrors}. */
export type DigitalpostCryptoErrorCode = keyof typeof digitalpostCryptoErrors;

/**
 * Builds an `AppError` from a catalogued code, with its catalogued status.
 *
 * @param code a key of {@link digitalpostCryptoErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function cryptoError(code: DigitalpostCryptoErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(digitalpostCryptoErrors, code, message, options);
}
