/**
 * Fødselsnummer and D-number: validation and generation.
 *
 * Layout `DDMMYY III K1 K2` (11 digits): birth date, individnummer, two mod-11 check digits.
 *
 * Rules and where they come from:
 * - Check digits. K1 weights 3,7,6,1,8,9,4,5,2 over digits 1–9; K2 weights 5,4,3,2,7,6,5,4,3,2
 *   over digits 1–10; k = 11 − (sum mod 11), 11 → 0, 10 → the number cannot be issued.
 *   Skatteetaten, "Fødselsnummer fra 2032" (folkeregisteret-api-dokumentasjon
 *   `src/Foedselsnummer2032.md`, `src/om-tjenestene/nyttfnr2032.md`).
 * - The 2032 rule (same source, and Skatteetaten's reference validator
 *   `dokumenter/foedselsEllerDNummerValidator.java`): numbers issued from 2032-01-01 may use
 *   K1 = {11,12,13,14} − (sum₁ mod 11), reduced by 11 when above 10, 10 rejected. Equivalently
 *   (this is how the reference validator tests it): (sum₁ + K1) mod 11 ∈ {0,1,2,3}. Remainder 0
 *   is the classic K1. K2 is computed exactly as before, so (sum of all 11 digits weighted
 *   5,4,3,2,7,6,5,4,3,2,1) mod 11 must be 0 under both rules. New numbers carry no gender and
 *   the individnummer no longer gives the century.
 * - Individnummer → century: 1854–1899 → 500–749; 1900–1999 → 000–499; 1940–1999 also
 *   900–999; 2000–2039 → 500–999. Skatteetaten, "Fødselsnummer"
 *   (skatteetaten.no/person/folkeregister/identitetsnummer/fodselsnummer/).
 * - D-number: day + 40 (first digit 4–7). Skatteetaten, "D-nummer".
 * - Synthetic test numbers: month + 80 (Skatteetaten Tenor, TestID, Digdir
 *   `felleslosninger/idporten-fnr-generate`); month + 40 (NAV Dolly; NAV code, e.g.
 *   `navikt/familie-felles` Fødselsnummer, tells them apart by the month's first digit:
 *   4–7 Dolly, 8–9 Tenor). Specs: `specs/idporten-maskinporten.md` §4.
 *
 * Decisions (also in README.md):
 * - Which rule a valid number follows is decided by its K1 remainder: 0 → `classic`,
 *   1–3 → `2032`. A `2032` number gets no century check and `birthDate: null`; its DDMM must
 *   still be a calendar date, with 29 February allowed when YY is divisible by 4 (the reference
 *   validator assumes 20YY because the century is unknown).
 * - A `classic` number must have an individnummer that places it in a century, and the date
 *   must exist in that year (so 29 Feb 1900 fails `date`). This rejects a number issued after
 *   2032 with remainder 0 and an individnummer outside its classic range; no such numbers exist
 *   before 2032 and Folkeregisteret plans to allocate from 999 downwards. Revisit before 2032.
 * - Month + 40 is read as NAV Dolly synthetic (`synthetic: 'nav'`). The health sector's
 *   H-numbers also use month + 40 and are therefore indistinguishable; FH-numbers (first digit
 *   8/9) are not supported and fail `date`.
 * - Input is never trimmed or reformatted: spaces, dots and hyphens fail `digits`.
 */
import { catalogueError } from '../errors.ts';
import { identifierErrors } from './errors.ts';
import { randomInt } from './rng.ts';

/** `FNR` = fødselsnummer (day 01–31); `DNR` = D-number (day + 40, first digit 4–7). */
export type PersonIdentifierType = 'FNR' | 'DNR';

/**
 * Which synthetic (test) series a number belongs to: `tenor` = month + 80 (Skatteetaten Tenor,
 * TestID, Digdir), `nav` = month + 40 (NAV Dolly), `null` = a real (non-synthetic) number.
 */
export type SyntheticKind = 'tenor' | 'nav' | null;

/** One failed rule of an identifier check. */
export interface IdentifierProblem {
  /**
   * Stable rule id. Fødselsnummer: `type`, `length`, `digits`, `date`, `individnummer`, `k1`,
   * `k2`. Organisasjonsnummer: `type`, `length`, `digits`, `check-digit`.
   */
  rule: string;
  /** English, safe to show, names the rule; never contains the checked value. */
  message: string;
}

/** Outcome of {@link validateFodselsnummer}. */
export type FodselsnummerResult =
  | {
      valid: true;
      /** The input, unchanged. */
      value: string;
      type: PersonIdentifierType;
      synthetic: SyntheticKind;
      /** Birth date `YYYY-MM-DD`; null for numbers valid only under the 2032 rule. */
      birthDate: string | null;
      /** Which K1 rule the number satisfies (see the file header). */
      k1Rule: 'classic' | '2032';
    }
  | {
      valid: false;
      /** The input, unchanged (empty string when the input was not a string). */
      value: string;
      /** Every failed rule, in the order length, digits, date, individnummer, k1, k2. */
      problems: IdentifierProblem[];
    };

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
/** Remainders (sum₁ + K1) mod 11 allowed by the 2032 rule; 0 alone is the classic rule. */
const K1_2032_REMAINDERS = [0, 1, 2, 3] as const;

function weightedSum(digits: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits[i] ?? 0) * (weights[i] ?? 0);
  return sum;
}

/** Classic mod-11 check digit for a weighted sum: 11 − (sum mod 11), 11 → 0; null for 10. */
function mod11CheckDigit(sum: number): number | null {
  const k = 11 - (sum % 11);
  if (k === 11) return 0;
  if (k === 10) return null;
  return k;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Longest a month can be in any year (29 for February). */
function maxDaysInMonth(month: number): number {
  return month === 2 ? 29 : daysInMonth(2000, month);
}

/**
 * Full birth year from the two year digits and the individnummer, or null when the
 * individnummer belongs to no century for those year digits.
 */
function centuryYear(yy: number, individnummer: number): number | null {
  if (individnummer <= 499) return 1900 + yy;
  if (individnummer >= 900 && yy >= 40) return 1900 + yy;
  if (individnummer >= 500 && yy <= 39) return 2000 + yy;
  if (individnummer >= 500 && individnummer <= 749 && yy >= 54) return 1800 + yy;
  return null;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Names a character for an error message without echoing control characters. */
function describeCharacter(ch: string): string {
  if (ch === ' ') return 'a space';
  if (ch === '\t') return 'a tab';
  if (ch === '\n' || ch === '\r') return 'a line break';
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code > 0x7e) {
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `"${ch}"`;
}

/**
 * Checks the shape shared by every numeric identifier: a string of exactly `length` ASCII
 * digits. Returns the problems (rules `type`, `length`, `digits`), empty when the shape is fine.
 */
export function digitShapeProblems(value: unknown, length: number): IdentifierProblem[] {
  if (typeof value !== 'string') {
    return [{ rule: 'type', message: `must be a string of ${length} digits (got ${value === null ? 'null' : typeof value})` }];
  }
  const problems: IdentifierProblem[] = [];
  if (value.length !== length) {
    problems.push({ rule: 'length', message: `must be ${length} digits (got ${value.length})` });
  }
  let position = 0;
  for (const ch of value) {
    position++;
    if (ch < '0' || ch > '9') {
      problems.push({
        rule: 'digits',
        message: `must contain only the digits 0–9, without spaces or separators (found ${describeCharacter(ch)} at position ${position})`,
      });
      break;
    }
  }
  return problems;
}

/**
 * Validates a Norwegian fødselsnummer or D-number, real or synthetic, under the classic and the
 * 2032 check-digit rules. Never throws, whatever the input.
 *
 * @param value the 11-digit number exactly as given (not trimmed: whitespace fails `digits`)
 * @returns `{ valid: true, type, synthetic, birthDate, k1Rule }` or `{ valid: false, problems }`
 *   naming every failed rule (`type`, `length`, `digits`, `date`, `individnummer`, `k1`, `k2`)
 * @see specs/idporten-maskinporten.md §4; the rule sources are listed in this file's header
 */
export function validateFodselsnummer(value: string): FodselsnummerResult {
  const shape = digitShapeProblems(value, 11);
  if (shape.length > 0) {
    return { valid: false, value: typeof value === 'string' ? value : '', problems: shape };
  }
  const d = Array.from(value, (ch) => ch.charCodeAt(0) - 48);
  const at = (i: number): number => d[i] ?? 0;
  const problems: IdentifierProblem[] = [];

  // Check digits first: the K1 remainder decides which rule's date semantics apply.
  const sum1 = weightedSum(d, K1_WEIGHTS);
  const k1Remainder = (sum1 + at(9)) % 11;
  const k1Rule: 'classic' | '2032' | null =
    k1Remainder === 0 ? 'classic' : (K1_2032_REMAINDERS as readonly number[]).includes(k1Remainder) ? '2032' : null;
  const k2Ok = (weightedSum(d, K2_WEIGHTS) + at(10)) % 11 === 0;

  // Day: first digit 0–3 ordinary, 4–7 D-number (+40).
  const type: PersonIdentifierType = at(0) >= 4 && at(0) <= 7 ? 'DNR' : 'FNR';
  const rawDay = at(0) * 10 + at(1);
  const day = type === 'DNR' ? rawDay - 40 : rawDay;
  // Month: first digit 0–1 real, 4–5 NAV Dolly (+40), 8–9 Tenor (+80).
  const rawMonth = at(2) * 10 + at(3);
  const synthetic: SyntheticKind = at(2) >= 8 ? 'tenor' : at(2) >= 4 ? 'nav' : null;
  const month = rawMonth - (synthetic === 'tenor' ? 80 : synthetic === 'nav' ? 40 : 0);
  const yy = at(4) * 10 + at(5);
  const individnummer = at(6) * 100 + at(7) * 10 + at(8);

  const monthOk = month >= 1 && month <= 12;
  const dayOk = day >= 1 && day <= 31;
  if (!dayOk) {
    problems.push({
      rule: 'date',
      message: `birth date: day digits ${pad(rawDay, 2)} are not a day (01–31, or 41–71 for a D-number)`,
    });
  }
  if (!monthOk) {
    problems.push({
      rule: 'date',
      message: `birth date: month digits ${pad(rawMonth, 2)} are not a month (01–12, or +40 for NAV synthetic, +80 for Tenor synthetic numbers)`,
    });
  }

  let birthDate: string | null = null;
  if (k1Rule === '2032') {
    // No century information: the date must exist in some year; like Skatteetaten's reference
    // validator, 29 February is accepted when YY is divisible by 4 (read as 20YY).
    if (dayOk && monthOk && day > daysInMonth(2000 + yy, month)) {
      problems.push({ rule: 'date', message: `birth date: day ${pad(day, 2)} does not exist in month ${pad(month, 2)} of year ${pad(yy, 2)}` });
    }
  } else {
    const year = centuryYear(yy, individnummer);
    if (year === null) {
      problems.push({
        rule: 'individnummer',
        message: `individnummer ${pad(individnummer, 3)} does not place year ${pad(yy, 2)} in any century (1854–1899: 500–749, 1900–1999: 000–499, 1940–1999: 900–999, 2000–2039: 500–999)`,
      });
      if (dayOk && monthOk && day > maxDaysInMonth(month)) {
        problems.push({ rule: 'date', message: `birth date: day ${pad(day, 2)} does not exist in month ${pad(month, 2)}` });
      }
    } else if (dayOk && monthOk) {
      if (day > daysInMonth(year, month)) {
        problems.push({ rule: 'date', message: `birth date: day ${pad(day, 2)} does not exist in ${year}-${pad(month, 2)}` });
      } else {
        birthDate = `${year}-${pad(month, 2)}-${pad(day, 2)}`;
      }
    }
  }

  if (k1Rule === null) {
    problems.push({ rule: 'k1', message: 'first check digit (K1) does not match, under neither the classic nor the 2032 rule' });
  }
  if (!k2Ok) {
    problems.push({ rule: 'k2', message: 'second check digit (K2) does not match' });
  }

  if (problems.length > 0 || k1Rule === null) return { valid: false, value, problems };
  return { valid: true, value, type, synthetic, birthDate: k1Rule === 'classic' ? birthDate : null, k1Rule };
}

/**
 * Validates a fødselsnummer / D-number and returns its parsed form, or throws.
 *
 * @param value the 11-digit number exactly as given
 * @returns the valid result of {@link validateFodselsnummer}
 * @throws AppError `REGISTERS_INVALID_FODSELSNUMMER` (400) with a message naming every failed rule
 *   and `extra.problems` listing them
 */
export function checkFodselsnummer(value: string): Extract<FodselsnummerResult, { valid: true }> {
  const result = validateFodselsnummer(value);
  if (result.valid) return result;
  throw catalogueError(
    identifierErrors,
    'REGISTERS_INVALID_FODSELSNUMMER',
    `Invalid fødselsnummer: ${result.problems.map((p) => p.message).join('; ')}`,
    { extra: { problems: result.problems } },
  );
}

/** True when `value` is a valid fødselsnummer or D-number (see {@link validateFodselsnummer}). */
export function isFodselsnummer(value: string): boolean {
  return validateFodselsnummer(value).valid;
}

/** Options of {@link generateFodselsnummer}. */
export interface GenerateFodselsnummerOptions {
  /**
   * Birth date, 1854-01-01 to 2039-12-31: a `YYYY-MM-DD` string, or a `Date` whose UTC
   * calendar date is used.
   */
  birthDate: Date | string;
  /** `FNR` (default) or `DNR` (day + 40). */
  type?: PersonIdentifierType;
  /** Synthetic series: `tenor` (default, month + 80), `nav` (month + 40) or `null` (real form). */
  synthetic?: SyntheticKind;
  /** Sets the parity of the third individnummer digit (even = female, odd = male); random if absent. */
  gender?: 'female' | 'male';
}

/** Individnummer ranges usable for a birth year (classic rule), inclusive. */
function individnummerRanges(year: number): Array<[number, number]> {
  if (year >= 1854 && year <= 1899) return [[500, 749]];
  if (year >= 1900 && year <= 1939) return [[0, 499]];
  if (year >= 1940 && year <= 1999) return [[0, 499], [900, 999]];
  if (year >= 2000 && year <= 2039) return [[500, 999]];
  return [];
}

const candidateCache = new Map<string, number[]>();

/** Every individnummer usable for `year` with the wanted gender parity (cached per band). */
function individnummerCandidates(year: number, gender: 'female' | 'male' | undefined): number[] {
  const ranges = individnummerRanges(year);
  const key = `${JSON.stringify(ranges)}:${gender ?? 'any'}`;
  let list = candidateCache.get(key);
  if (list === undefined) {
    list = [];
    for (const [lo, hi] of ranges) {
      for (let n = lo; n <= hi; n++) {
        if (gender === 'female' && n % 2 !== 0) continue;
        if (gender === 'male' && n % 2 !== 1) continue;
        list.push(n);
      }
    }
    candidateCache.set(key, list);
  }
  return list;
}

function parseBirthDate(input: Date | string): { year: number; month: number; day: number } {
  let year: number;
  let month: number;
  let day: number;
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) {
      throw catalogueError(identifierErrors, 'REGISTERS_INVALID_BIRTH_DATE', 'Invalid birth date: the Date is invalid');
    }
    year = input.getUTCFullYear();
    month = input.getUTCMonth() + 1;
    day = input.getUTCDate();
  } else {
    const match = typeof input === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(input) : null;
    if (match === null) {
      throw catalogueError(identifierErrors, 'REGISTERS_INVALID_BIRTH_DATE', 'Invalid birth date: must be a YYYY-MM-DD string or a Date');
    }
    year = Number(match[1]);
    month = Number(match[2]);
    day = Number(match[3]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      throw catalogueError(identifierErrors, 'REGISTERS_INVALID_BIRTH_DATE', `Invalid birth date: ${input} is not a calendar date`);
    }
  }
  if (year < 1854 || year > 2039) {
    throw catalogueError(
      identifierErrors,
      'REGISTERS_INVALID_BIRTH_DATE',
      `Invalid birth date: year ${year} is outside 1854–2039, the years a classic fødselsnummer can encode`,
    );
  }
  return { year, month, day };
}

/**
 * Builds the 11 digits for a date prefix and individnummer under the classic rule, or null when
 * either check digit would be 10 (such an individnummer cannot be used on that date).
 */
function withCheckDigits(prefix: string, individnummer: number): string | null {
  const nine = prefix + pad(individnummer, 3);
  const d = Array.from(nine, (ch) => ch.charCodeAt(0) - 48);
  const k1 = mod11CheckDigit(weightedSum(d, K1_WEIGHTS));
  if (k1 === null) return null;
  d.push(k1);
  const k2 = mod11CheckDigit(weightedSum(d, K2_WEIGHTS));
  if (k2 === null) return null;
  return `${nine}${k1}${k2}`;
}

/**
 * Generates a fødselsnummer or D-number, valid under the classic rule, for a birth date.
 *
 * The individnummer is drawn from the range that encodes the birth year's century (so
 * {@link validateFodselsnummer} gives back the same `birthDate`), with the parity for `gender`;
 * draws whose K1 or K2 would be 10 are redrawn. Deterministic for a deterministic `rng`.
 *
 * @param rng numbers in [0, 1), e.g. `createRng(seed)`
 * @param options birth date (1854–2039), type, synthetic series (default `tenor`), gender
 * @returns the 11-digit number
 * @throws AppError `REGISTERS_INVALID_BIRTH_DATE` (400) for a malformed date or a year outside 1854–2039
 * @throws AppError `REGISTERS_IDENTIFIER_GENERATION_FAILED` (500) if no individnummer fits. Not
 *   reachable: an exhaustive run over every date 1854–2039 × type × series × gender (1.2 million
 *   cases, with a stuck rng forcing the fallback scan) found a number for each.
 */
export function generateFodselsnummer(rng: () => number, options: GenerateFodselsnummerOptions): string {
  const { year, month, day } = parseBirthDate(options.birthDate);
  const type = options.type ?? 'FNR';
  const synthetic = options.synthetic === undefined ? 'tenor' : options.synthetic;
  const dayDigits = type === 'DNR' ? day + 40 : day;
  const monthDigits = month + (synthetic === 'tenor' ? 80 : synthetic === 'nav' ? 40 : 0);
  const prefix = pad(dayDigits, 2) + pad(monthDigits, 2) + pad(year % 100, 2);

  const candidates = individnummerCandidates(year, options.gender);
  for (let attempt = 0; attempt < 32; attempt++) {
    const individnummer = candidates[randomInt(rng, 0, candidates.length - 1)] ?? 0;
    const result = withCheckDigits(prefix, individnummer);
    if (result !== null) return result;
  }
  // Extremely unlikely (each draw fails with probability ≈ 2/11): scan from a random start.
  const start = randomInt(rng, 0, candidates.length - 1);
  for (let i = 0; i < candidates.length; i++) {
    const result = withCheckDigits(prefix, candidates[(start + i) % candidates.length] ?? 0);
    if (result !== null) return result;
  }
  throw catalogueError(identifierErrors, 'REGISTERS_IDENTIFIER_GENERATION_FAILED', `No usable individnummer for ${prefix}`);
}
