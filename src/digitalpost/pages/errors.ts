/**
 * The error catalogue of the citizens' mailbox pages at `/digitalpost` (Digital postkasse). The
 * pages show each as a localized message; the code is in the page (`data-error-code`) for tests
 * and support. Listed in `docs/errors.md` ("Digital postkasse mailbox pages").
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../../platform/errors.ts';

/** Every error code of the mailbox pages. */
export const digitalpostPagesErrors = {
  /**
   * No such letter in the logged-in citizen's mailbox: an unknown id, another person's letter,
   * or a letter before its `virkningstidspunkt` — one answer for all three, so the page does not
   * tell whether a letter exists.
   */
  DIGITALPOST_LETTER_NOT_FOUND: { status: 404, title: 'No such letter in your mailbox' },
  /** The letter has no document at this position. */
  DIGITALPOST_DOCUMENT_NOT_FOUND: { status: 404, title: 'No such document in the letter' },
  /**
   * A document of a letter whose `sikkerhetsnivaa` the session's level (`acr`) does not meet:
   * 3 needs `idporten-loa-substantial` or higher, 4 needs `idporten-loa-high`. The page offers a
   * new login at the higher level (step-up).
   */
  DIGITALPOST_LEVEL_TOO_LOW: { status: 403, title: 'The letter needs a login at a higher level of assurance' },
  /** A posted form without this session's CSRF token. */
  DIGITALPOST_CSRF_MISMATCH: { status: 403, title: 'The form does not belong to this session' },
  /** The login came back from ID-porten without a login under way in this browser, or the answer failed its checks. */
  DIGITALPOST_LOGIN_FAILED: { status: 400, title: 'The login could not be completed' },
  /** ID-porten could not be reached, or the mailbox's client is not registered there. */
  DIGITALPOST_IDPORTEN_UNAVAILABLE: { status: 503, title: 'ID-porten is not available' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link digitalpostPagesErrors}. */
export type DigitalpostPagesErrorCode = keyof typeof digitalpostPagesErrors;

/** Whether `err` is one of the mailbox pages' errors. */
export function isPagesError(err: unknown): err is AppError & { code: DigitalpostPagesErrorCode } {
  return err instanceof AppError && err.code in digitalpostPagesErrors;
}

/**
 * Builds an `AppError` from a catalogued code, with its catalogued status.
 *
 * @param code a key of {@link digitalpostPagesErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function pagesError(code: DigitalpostPagesErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(digitalpostPagesErrors, code, message, options);
}
