/**
 * Error catalogue of the SBD validation of the eFormidling component (`validateSbd`,
 * `prototypeSbd`). Listed in `README.md` in this folder ("Error codes"). The Next Move routes
 * answer these in the integration point's error format (`{timestamp, status, error, message,
 * path}`); the message names the JSON path of the problem, e.g.
 * `standardBusinessDocumentHeader.documentIdentification.instanceIdentifier: must be a UUID`.
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../../platform/errors.ts';

/** Every error code of the SBD validation. */
export const validationErrors = {
  /**
   * The SBD breaks the JSON schema (Digdir's, or Grunnmur's draft for business messages Digdir
   * publishes none for) or a structural rule: headerVersion, scopes, the business-message key,
   * `type`, `expectedResponseDateTime`. `extra.errors` lists `{ path, message }` for each problem.
   */
  EFORMIDLING_SBD_INVALID: { status: 400, title: 'Invalid StandardBusinessDocument' },
  /** The ConversationId scope's `identifier` is not a process eFormidling knows. */
  EFORMIDLING_UNKNOWN_PROCESS: { status: 400, title: 'Unknown process' },
  /** `documentIdentification.standard` is not one of the document types of the process. */
  EFORMIDLING_DOCUMENT_TYPE_NOT_IN_PROCESS: { status: 400, title: 'Document type not in process' },
  /**
   * A sender or receiver identifier is malformed, fails the organisasjonsnummer or fødselsnummer
   * check digits, has the wrong authority, or is a kind the process does not allow (a citizen
   * receiver outside digital post, on-behalf-of outside DPV/DPI).
   */
  EFORMIDLING_INVALID_IDENTIFIER: { status: 400, title: 'Invalid sender or receiver identifier' },
  /** The JSON schemas shipped in `src/eformidling/schemas/` could not be read or compiled (a broken install). */
  EFORMIDLING_SCHEMAS_UNAVAILABLE: { status: 500, title: 'The eFormidling JSON schemas could not be loaded' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link validationErrors}. */
export type ValidationErrorCode = keyof typeof validationErrors;

/** One problem found in an SBD: where (dotted JSON path, `[n]` for array items) and what. */
export interface SbdProblem {
  /** E.g. `standardBusinessDocumentHeader.sender[0].identifier.value`; `(root)` for the document itself. */
  path: string;
  /** English, safe to show; never repeats a personal identifier. */
  message: string;
}

/** How many problems the error message spells out; all of them are in `extra.errors`. */
const MESSAGE_PROBLEMS = 3;

/**
 * Builds an `AppError` from a catalogued validation code, with its catalogued status.
 *
 * @param code a key of {@link validationErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function validationError(code: ValidationErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(validationErrors, code, message, options);
}

/**
 * Builds an `AppError` for one or more problems: the message is `<path>: <message>` for the first
 * {@link MESSAGE_PROBLEMS} problems joined by `; `, and `extra.errors` holds them all.
 *
 * @param code a key of {@link validationErrors}
 * @param problems at least one problem
 */
export function problemsError(code: ValidationErrorCode, problems: readonly SbdProblem[]): AppError {
  const shown = problems.slice(0, MESSAGE_PROBLEMS).map((p) => `${p.path}: ${p.message}`);
  const more = problems.length - MESSAGE_PROBLEMS;
  const message = more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
  return validationError(code, message, { extra: { errors: problems.map((p) => ({ path: p.path, message: p.message })) } });
}
