/**
 * Error codes thrown by the Norwegian identifier functions (`src/platform/identifiers`).
 *
 * Part of the registers component's catalogue; the registers `errors.ts` spreads this object
 * into its own list.
 */
import type { ErrorCodeInfo } from '../errors.ts';

/** Catalogue of the identifier error codes, with the HTTP status each one answers. */
export const identifierErrors = {
  /** A fødselsnummer / D-number failed validation; `extra.problems` lists every failed rule. */
  REGISTERS_INVALID_FODSELSNUMMER: { status: 400, title: 'Invalid fødselsnummer' },
  /** An organisasjonsnummer failed validation; `extra.problems` lists every failed rule. */
  REGISTERS_INVALID_ORGANISASJONSNUMMER: { status: 400, title: 'Invalid organisasjonsnummer' },
  /** The birth date given to the fødselsnummer generator is malformed or outside 1854–2039. */
  REGISTERS_INVALID_BIRTH_DATE: { status: 400, title: 'Invalid birth date for a fødselsnummer' },
  /** The generator found no usable individnummer (never seen; guards an impossible state). */
  REGISTERS_IDENTIFIER_GENERATION_FAILED: { status: 500, title: 'Identifier generation failed' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link identifierErrors}. */
export type IdentifierErrorCode = keyof typeof identifierErrors;
