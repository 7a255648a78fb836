/**
 * The registers component's error catalogue: every code it throws, with its HTTP status.
 * `identifierErrors` (fødselsnummer / organisasjonsnummer validation) is part of it.
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../platform/errors.ts';
import { identifierErrors } from '../platform/identifiers/errors.ts';

/** Every error code of the registers component. Listed in `src/registers/README.md`. */
export const registersErrors = {
  ...identifierErrors,
  /** No enhet (hovedenhet) with that organisasjonsnummer. */
  REGISTERS_ORGANISATION_NOT_FOUND: { status: 404, title: 'Organisation not found' },
  /** No underenhet with that organisasjonsnummer. */
  REGISTERS_UNDERENHET_NOT_FOUND: { status: 404, title: 'Underenhet not found' },
  /** No person with that fødselsnummer / D-number. */
  REGISTERS_PERSON_NOT_FOUND: { status: 404, title: 'Person not found' },
  /** A search asked for a page past the 10 000-hit window ((page + 1) × size > 10 000). */
  REGISTERS_PAGE_OUT_OF_RANGE: { status: 400, title: 'Page out of range' },
  /** `seedPopulation` on a database that already holds a (complete or foreign) population. */
  REGISTERS_ALREADY_SEEDED: { status: 409, title: 'The registers are already seeded' },
  /** Another process is seeding right now (its seed-state heartbeat is fresh). */
  REGISTERS_SEED_IN_PROGRESS: { status: 409, title: 'Seeding is in progress in another process' },
  /** Bad options to `seedPopulation` (negative counts, empty seed). */
  REGISTERS_INVALID_SEED_OPTIONS: { status: 400, title: 'Invalid seed options' },
  /** Readiness: a seed is unfinished (another process is seeding, or a seed crashed and awaits its restart). */
  REGISTERS_NOT_READY: { status: 503, title: 'The registers are being seeded' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link registersErrors}. */
export type RegistersErrorCode = keyof typeof registersErrors;

/**
 * Builds an `AppError` from a catalogued registers code, with its catalogued status.
 *
 * @param code a key of {@link registersErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function registersError(code: RegistersErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(registersErrors, code, message, options);
}
