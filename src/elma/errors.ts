/**
 * The ELMA component's error catalogue: every code it throws, with its HTTP status. Listed in
 * `src/elma/README.md` ("Error codes").
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../platform/errors.ts';

/** Every error code of the ELMA component. */
export const elmaErrors = {
  /** A participant identifier in the path is not `<scheme>::<value>`. */
  ELMA_INVALID_PARTICIPANT_IDENTIFIER: { status: 400, title: 'Invalid participant identifier' },
  /** A document identifier in the path is not `<scheme>::<value>`, or one in a body breaks the identifier rules. */
  ELMA_INVALID_DOCUMENT_IDENTIFIER: { status: 400, title: 'Invalid document identifier' },
  /** A process identifier in a body breaks the identifier rules. */
  ELMA_INVALID_PROCESS_IDENTIFIER: { status: 400, title: 'Invalid process identifier' },
  /** An organisasjonsnummer fails the MOD11 rules (`src/platform/identifiers`). */
  ELMA_INVALID_ORGNR: { status: 400, title: 'Invalid organisasjonsnummer' },
  /** The same document type, process or transport profile twice where it must be once. */
  ELMA_DUPLICATE_IDENTIFIER: { status: 400, title: 'Duplicate identifier' },
  /** An endpoint's transport profile is empty, too long or has characters outside the identifier rules. */
  ELMA_INVALID_TRANSPORT_PROFILE: { status: 400, title: 'Invalid transport profile' },
  /** `endpointUrl` or `technicalContactUrl` is not an absolute http(s) URL. */
  ELMA_INVALID_URL: { status: 400, title: 'Invalid URL' },
  /** `serviceActivationDate` or `serviceExpirationDate` is not an RFC 3339 date-time with offset. */
  ELMA_INVALID_DATE: { status: 400, title: 'Invalid date-time' },
  /** `serviceExpirationDate` is not after `serviceActivationDate`. */
  ELMA_INVALID_SERVICE_PERIOD: { status: 400, title: 'Service expires before it is activated' },
  /** `certificate` is not base64 of a DER X.509 certificate. */
  ELMA_INVALID_CERTIFICATE: { status: 400, title: 'Invalid certificate' },
  /** A text field has characters XML cannot carry (control characters). */
  ELMA_INVALID_TEXT: { status: 400, title: 'Invalid text' },
  /** No participant with that identifier is registered. */
  ELMA_PARTICIPANT_NOT_FOUND: { status: 404, title: 'Participant not found' },
  /** The participant does not receive that document type. */
  ELMA_DOCUMENT_TYPE_NOT_FOUND: { status: 404, title: 'Document type not found for this participant' },
  /** Another access-point provider registered the participant; only it may change or delete it. */
  ELMA_PARTICIPANT_OWNED_BY_OTHER: { status: 403, title: 'The participant is registered by another access-point provider' },
  /** The typed client got an answer it cannot read (transport failure of the called server). */
  ELMA_CLIENT_FAILED: { status: 502, title: 'ELMA answered without JSON' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link elmaErrors}. */
export type ElmaErrorCode = keyof typeof elmaErrors;

/**
 * Builds an `AppError` from a catalogued ELMA code, with its catalogued status.
 *
 * @param code a key of {@link elmaErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function elmaError(code: ElmaErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(elmaErrors, code, message, options);
}
