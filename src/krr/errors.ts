/**
 * The KRR component's error catalogue: every code it throws, with its HTTP status. Listed in
 * `src/krr/README.md` ("Error codes").
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../platform/errors.ts';

/** Every error code of the KRR component. */
export const krrErrors = {
  /** `personidentifikatorer` is an empty list (the real API takes 1 to 1000). */
  KRR_LOOKUP_EMPTY: { status: 400, title: 'No personidentifikatorer to look up' },
  /** More than 1000 `personidentifikatorer` in one lookup. */
  KRR_LOOKUP_TOO_MANY_IDS: { status: 400, title: 'Too many personidentifikatorer' },
  /** An entry of `personidentifikatorer` is not a valid fødselsnummer or D-number (`problems` names each by position). */
  KRR_INVALID_PERSONIDENTIFIKATOR: { status: 400, title: 'Invalid personidentifikator' },
  /** No print provider with a certificate is registered (the first start has not finished). */
  KRR_PRINT_PROVIDER_MISSING: { status: 503, title: 'No print provider is registered' },
  /** Bad options to `seedKrr` (negative count, empty seed). */
  KRR_INVALID_SEED_OPTIONS: { status: 400, title: 'Invalid KRR seed options' },
  /** The typed client got an answer that is not JSON (transport failure of the called server). */
  KRR_CLIENT_FAILED: { status: 502, title: 'KRR answered without JSON' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link krrErrors}. */
export type KrrErrorCode = keyof typeof krrErrors;

/**
 * Builds an `AppError` from a catalogued KRR code, with its catalogued status.
 *
 * @param code a key of {@link krrErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function krrError(code: KrrErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(krrErrors, code, message, options);
}
