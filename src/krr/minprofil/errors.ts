/**
 * MinProfil's error catalogue (the citizen self-service of KRR at `/krr/minprofil`). Listed in
 * `src/krr/README.md` ("MinProfil") and `docs/errors.md`. The pages show each as a localized
 * message; the code is in the page (`data-error-code`) for tests and support.
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../../platform/errors.ts';

/** Every error code of MinProfil. */
export const minprofilErrors = {
  /** A new e-mail address that is not `local@domain.tld` (at most 254 characters). */
  MINPROFIL_INVALID_EPOSTADRESSE: { status: 400, title: 'Invalid e-mail address' },
  /** A new mobile number that is not a Norwegian mobile number (+47 and 8 digits starting with 4 or 9). */
  MINPROFIL_INVALID_MOBILTELEFONNUMMER: { status: 400, title: 'Invalid Norwegian mobile number' },
  /** The new address is the one already registered. */
  MINPROFIL_UNCHANGED_ADDRESS: { status: 400, title: 'The address is already registered' },
  /** A one-time code was entered, but no change is waiting for one (none asked for, or it ended). */
  MINPROFIL_NO_PENDING_CHANGE: { status: 409, title: 'No change is waiting for a one-time code' },
  /** The one-time code is not the one sent. */
  MINPROFIL_CODE_WRONG: { status: 400, title: 'Wrong one-time code' },
  /** The one-time code was sent more than 10 minutes ago. */
  MINPROFIL_CODE_EXPIRED: { status: 400, title: 'The one-time code has expired' },
  /** Too many wrong codes for one change (5), or too many codes asked for in an hour (5 per channel). */
  MINPROFIL_TOO_MANY_ATTEMPTS: { status: 429, title: 'Too many attempts' },
  /** `spraak` other than nb, nn, en, se. */
  MINPROFIL_INVALID_SPRAAK: { status: 400, title: 'Invalid language' },
  /** `reservasjon` other than JA or NEI. */
  MINPROFIL_INVALID_RESERVASJON: { status: 400, title: 'Invalid reservation value' },
  /** "My data is still right" for a person without e-mail or mobile in the register. */
  MINPROFIL_NOTHING_TO_CONFIRM: { status: 409, title: 'No contact data to confirm' },
  /** `gotoUrl` is not on the origin of a URL registered for an active ID-porten client. */
  MINPROFIL_GOTO_URL_NOT_REGISTERED: { status: 400, title: 'gotoUrl is not registered for a client' },
  /** A posted form without this session's CSRF token. */
  MINPROFIL_CSRF_MISMATCH: { status: 403, title: 'The form does not belong to this session' },
  /** The login came back from ID-porten without a login under way in this browser, or the answer failed its checks. */
  MINPROFIL_LOGIN_FAILED: { status: 400, title: 'The login could not be completed' },
  /** ID-porten could not be reached, or MinProfil's client is not registered there. */
  MINPROFIL_IDPORTEN_UNAVAILABLE: { status: 503, title: 'ID-porten is not available' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link minprofilErrors}. */
export type MinprofilErrorCode = keyof typeof minprofilErrors;

/**
 * Builds an `AppError` from a catalogued MinProfil code, with its catalogued status.
 *
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function minprofilError(code: MinprofilErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(minprofilErrors, code, message, options);
}
