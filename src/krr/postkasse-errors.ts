/**
 * Error catalogue of KRR's mailbox-provider API (`/krr/rest/v1/postkasseleverandoer/…`): the
 * problem+json errors of that API. The operations' own outcomes (`FEILET` with `RESERVERT`,
 * `UGYLDIG_SERTIFIKAT`, …) are not errors of this catalogue: they are the real service's answer
 * format (see `domain/postkasse/outcome.ts`). Listed in `src/krr/README.md`
 * ("Mailbox-provider API").
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../platform/errors.ts';

/** Every problem+json error code of the mailbox-provider API. */
export const krrPostkasseErrors = {
  /** The token's consumer organisation is not a registered digital mailbox provider (`krr_providers`, `rolle` postkasse). */
  KRR_POSTKASSE_NOT_PROVIDER: { status: 403, title: 'The organisation is not a registered mailbox provider' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link krrPostkasseErrors}. */
export type KrrPostkasseErrorCode = keyof typeof krrPostkasseErrors;

/**
 * Builds an `AppError` from a catalogued code of the mailbox-provider API.
 *
 * @param code a key of {@link krrPostkasseErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function krrPostkasseError(code: KrrPostkasseErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(krrPostkasseErrors, code, message, options);
}
