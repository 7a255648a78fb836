/**
 * The Digital postkasse component's error catalogue: every code the corner-2 API (`/dpi`), the
 * providers' processing and the receipts throw, with its HTTP status. The crypto module keeps
 * its own list (`crypto/errors.ts`: `DIGITALPOST_CMS_*`, `DIGITALPOST_JWS_*`,
 * `DIGITALPOST_PACKAGE_INVALID`).
 *
 * Corner 2 answers RFC 9457 problem+json with the code in `code`; a check that lists several
 * problems (schema validation) puts them in `errors: [{path, message}]`.
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../platform/errors.ts';

/** Every error code of the Digital postkasse component (crypto's aside). */
export const digitalpostErrors = {
  /** Not multipart/form-data, or the parts are not exactly `forretningsmelding` (application/jwt) and `dokumentpakke` (application/cms). */
  DIGITALPOST_MULTIPART_INVALID: { status: 400, title: 'The message must be multipart/form-data with the parts forretningsmelding and dokumentpakke' },
  /** The `dokumentpakke` part is larger than the corner-2 limit (100 MiB). */
  DIGITALPOST_PACKAGE_TOO_LARGE: { status: 413, title: 'The document package is too large' },
  /** The SBD does not validate against the DPI JSON schema of its type, or its header contradicts its type (message and `errors` name each problem). */
  DIGITALPOST_SBD_INVALID: { status: 400, title: 'The business message (SBD) is not valid' },
  /** `documentIdentification.type` is not a message a sender may send (`digital`, `utskrift`). */
  DIGITALPOST_MESSAGE_TYPE_UNSUPPORTED: { status: 400, title: 'Unsupported DPI message type' },
  /** The forretningsmelding is signed with another organisation's certificate than the sender's (`avsender.virksomhetsidentifikator`). */
  DIGITALPOST_SIGNER_NOT_SENDER: { status: 400, title: 'The business message is not signed by the sender' },
  /** The sender (`avsender.virksomhetsidentifikator`) is not the organisation of the bearer token. */
  DIGITALPOST_SENDER_NOT_CALLER: { status: 403, title: 'The sender is not the organisation of the token' },
  /** The `maskinportentoken` in the message is not a token of this platform's Maskinporten (malformed, bad signature, other issuer). */
  DIGITALPOST_MASKINPORTENTOKEN_INVALID: { status: 400, title: 'The Maskinporten token in the message is not valid' },
  /** The `maskinportentoken` in the message has expired. */
  DIGITALPOST_MASKINPORTENTOKEN_EXPIRED: { status: 400, title: 'The Maskinporten token in the message has expired' },
  /** The `maskinportentoken` in the message lacks the scope `digitalpostinnbygger:send`. */
  DIGITALPOST_MASKINPORTENTOKEN_SCOPE: { status: 400, title: 'The Maskinporten token in the message lacks digitalpostinnbygger:send' },
  /** The `maskinportentoken` in the message was issued to another organisation than the sender. */
  DIGITALPOST_MASKINPORTENTOKEN_NOT_SENDER: { status: 400, title: 'The Maskinporten token in the message belongs to another organisation' },
  /** `dokumentpakkefingeravtrykk` is not the SHA-256 of the dokumentpakke (or names another digest method). */
  DIGITALPOST_FINGERPRINT_MISMATCH: { status: 400, title: 'The dokumentpakkefingeravtrykk does not match the document package' },
  /** The SBD receiver is not a provider of the right role (digital → mailbox provider, utskrift → print provider). */
  DIGITALPOST_RECEIVER_UNKNOWN: { status: 400, title: 'The receiver is not a provider of this message type' },
  /** An `utskrift` message whose `mottaker` or `retur.mottaker` breaks the print address rules. */
  DIGITALPOST_ADDRESS_INVALID: { status: 400, title: 'The postal address breaks the print rules' },
  /** A message with this `instanceIdentifier` (messageId) was sent before. */
  DIGITALPOST_MESSAGE_EXISTS: { status: 409, title: 'A message with this messageId exists' },
  /** `GET /messages/out/{messageId}/statuses` or `POST /messages/in/{messageId}/read` for no message or receipt of the caller. */
  DIGITALPOST_MESSAGE_NOT_FOUND: { status: 404, title: 'No such message' },
  /** A provider has no key (the component did not start, or `ensureProviderKeys` was not run). */
  DIGITALPOST_PROVIDER_KEY_MISSING: { status: 503, title: 'The provider has no key yet' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link digitalpostErrors}. */
export type DigitalpostErrorCode = keyof typeof digitalpostErrors;

/**
 * Builds an `AppError` from a catalogued code, with its catalogued status.
 *
 * @param code a key of {@link digitalpostErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function digitalpostError(code: DigitalpostErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(digitalpostErrors, code, message, options);
}
