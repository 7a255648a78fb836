/**
 * Organisasjonsnummer (Enhetsregisteret): validation and generation.
 *
 * Rule: 9 digits; the 9th is a mod-11 check digit over the first eight with weights
 * 3,2,7,6,5,4,3,2: k = 11 − (sum mod 11), 11 → 0, and 10 means the number cannot be issued.
 * Sources: Brønnøysundregistrene, "The organization number" (brreg.no, "Construction of the
 * Norwegian organization number": weights 3,2,7,6,5,4,3,2, modulus 11, remainder 1 gives no valid
 * check digit); NAV Kotlin `OrgNummer`; specs/idporten-maskinporten.md §4.
 *
 * Decisions (also in README.md):
 * - The first digit is not checked: numbers in Enhetsregisteret start with 8 or 9 in practice, but
 *   no source states it as a rule. The generator uses 9 by default (8 on request).
 * - Input is never trimmed or reformatted: "974 760 673" fails `digits`.
 */
import { catalogueError } from '../errors.ts';
import { identifierErrors } from './errors.ts';
import { digitShapeProblems, type IdentifierProblem } from './fodselsnummer.ts';
import { randomInt } from './rng.ts';

/** Outcome of {@link validateOrganisasjonsnummer}. */
export type OrganisasjonsnummerResult =
  | { valid: true; value: string }
  | { valid: false; value: string; problems: IdentifierProblem[] };

const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

/** Check digit for the first eight digits, or null when it would be 10. */
function checkDigit(digits: readonly number[]): number | null {
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += (digits[i] ?? 0) * WEIGHTS[i]!;
  const k = 11 - (sum % 11);
  if (k === 11) return 0;
  if (k === 10) return null;
  return k;
}

/**
 * Validates an organisasjonsnummer. Never throws, whatever the input.
 *
 * @param value the 9-digit number exactly as given (not trimmed: spaces fail `digits`)
 * @returns `{ valid: true }` or `{ valid: false, problems }` naming every failed rule
 *   (`type`, `length`, `digits`, `check-digit`)
 * @see https://www.brreg.no/ (Construction of the Norwegian organization number)
 */
export function validateOrganisasjonsnummer(value: string): OrganisasjonsnummerResult {
  const shape = digitShapeProblems(value, 9);
  if (shape.length > 0) {
    return { valid: false, value: typeof value === 'string' ? value : '', problems: shape };
  }
  const digits = Array.from(value, (ch) => ch.charCodeAt(0) - 48);
  const expected = checkDigit(digits);
  if (expected === null) {
    return {
      valid: false,
      value,
      problems: [{ rule: 'check-digit', message: 'check digit (9th digit) cannot match: the first eight digits give check digit 10, which is never issued' }],
    };
  }
  if (expected !== digits[8]) {
    return { valid: false, value, problems: [{ rule: 'check-digit', message: 'check digit (9th digit) does not match' }] };
  }
  return { valid: true, value };
}

/**
 * Validates an organisasjonsnummer and returns it, or throws.
 *
 * @param value the 9-digit number exactly as given
 * @returns `value`, unchanged
 * @throws AppError `REGISTERS_INVALID_ORGANISASJONSNUMMER` (400) with a message naming every
 *   failed rule and `extra.problems` listing them
 */
export function checkOrganisasjonsnummer(value: string): string {
  const result = validateOrganisasjonsnummer(value);
  if (result.valid) return result.value;
  throw catalogueError(
    identifierErrors,
    'REGISTERS_INVALID_ORGANISASJONSNUMMER',
    `Invalid organisasjonsnummer: ${result.problems.map((p) => p.message).join('; ')}`,
    { extra: { problems: result.problems } },
  );
}

/** True when `value` is a valid organisasjonsnummer (see {@link validateOrganisasjonsnummer}). */
export function isOrganisasjonsnummer(value: string): boolean {
  return validateOrganisasjonsnummer(value).valid;
}

/**
 * Generates a valid organisasjonsnummer starting with 8 or 9 (default 9): seven random digits and
 * the check digit; when the check digit would be 10 the 8th digit is stepped by one. Deterministic
 * for a deterministic `rng`.
 *
 * @param rng numbers in [0, 1), e.g. `createRng(seed)`
 * @param options `firstDigit`: 9 (default) or 8
 * @returns the 9-digit number
 */
export function generateOrganisasjonsnummer(rng: () => number, options: { firstDigit?: 8 | 9 } = {}): string {
  const first = options.firstDigit === 8 ? 8 : 9;
  const digits = [first];
  for (let i = 1; i < 8; i++) digits.push(randomInt(rng, 0, 9));
  let k = checkDigit(digits);
  if (k === null) {
    // Check digit 10 (probability 1/11): step the 8th digit. Its weight is 2, so the sum changes
    // by +2 (or −18 for 9 → 0), the remainder leaves 1, and the redraw always succeeds.
    digits[7] = ((digits[7] ?? 0) + 1) % 10;
    k = checkDigit(digits) ?? 0;
  }
  return digits.join('') + String(k);
}
