/**
 * The key space of the `krr-lookup` workloads: a deterministic list of valid synthetic
 * fødselsnumre (Tenor series, month + 80; classic check digits), enumerated in ascending key
 * order so the register loads as appends to the primary-key index, and cheap random draws from it
 * without holding the list in memory (the load generator draws from 5 000 000 persons without a
 * 5-million-entry array).
 *
 * Candidates are every (day 01–31, month 1–12, year 1940–1999, individnummer 0 … iMax − 1) in
 * that order (= the order of the 11-digit strings `DD MM+80 YY III K1 K2`); a candidate is
 * skipped when the date does not exist or a check digit would be 10. The register is the first
 * `persons` valid candidates (candidate positions 0 … registeredCandidates − 1); the valid
 * candidates after them are persons who are not in the register.
 *
 * @see src/platform/identifiers/fodselsnummer.ts (the rules; checked against it at server start)
 */

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const YEARS = 60; // 1940–1999: individnummer 000–499 are of the 1900s
const FIRST_YEAR = 1940;
/** Days 1940–1999 × the share of numbers whose check digits are not 10, (10/11)². */
const VALID_PER_INDIVIDNUMMER = 21_915 * (100 / 121);

/** What the generator needs to draw keys (announced by ours, JSON). */
export interface KeySpace {
  /** Persons in the register. */
  persons: number;
  /** Individnummer 0 … iMax − 1 are used. */
  iMax: number;
  /** Candidate positions below this are the register's persons (when valid). */
  registeredCandidates: number;
  /** Candidate positions from registeredCandidates up to this are valid persons not in the register. */
  allCandidates: number;
}

/** Individnummer range for `persons`: enough for them plus ≈ 18 000 persons not in the register. */
export function iMaxFor(persons: number): number {
  const iMax = Math.ceil(persons / VALID_PER_INDIVIDNUMMER) + 1;
  if (iMax > 500) throw new Error(`krr-lookup: at most ${Math.floor(499 * VALID_PER_INDIVIDNUMMER)} persons`);
  return iMax;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const digits = new Array<number>(11).fill(0);

/** The fødselsnummer of candidate `c`, or null when it is not a valid number. */
export function candidate(c: number, iMax: number): string | null {
  const individ = c % iMax;
  let r = (c - individ) / iMax;
  const yy = 40 + (r % YEARS);
  r = (r - (yy - 40)) / YEARS;
  const month = 1 + (r % 12);
  const day = 1 + (r - (month - 1)) / 12;
  if (day > daysIn(FIRST_YEAR - 40 + yy, month)) return null;
  const mm = month + 80;
  digits[0] = (day / 10) | 0;
  digits[1] = day % 10;
  digits[2] = (mm / 10) | 0;
  digits[3] = mm % 10;
  digits[4] = (yy / 10) | 0;
  digits[5] = yy % 10;
  digits[6] = (individ / 100) | 0;
  digits[7] = ((individ / 10) | 0) % 10;
  digits[8] = individ % 10;
  let s = 0;
  for (let i = 0; i < 9; i++) s += digits[i]! * K1_WEIGHTS[i]!;
  let k1 = 11 - (s % 11);
  if (k1 === 11) k1 = 0;
  if (k1 === 10) return null;
  digits[9] = k1;
  s = 0;
  for (let i = 0; i < 10; i++) s += digits[i]! * K2_WEIGHTS[i]!;
  let k2 = 11 - (s % 11);
  if (k2 === 11) k2 = 0;
  if (k2 === 10) return null;
  digits[10] = k2;
  return digits.join('');
}

/**
 * The register's keys in ascending order, in chunks of `chunk`, and at the end the key space.
 * Also the enumeration that fixes `registeredCandidates` (used by ours when it loads).
 */
export function* registerKeys(persons: number, chunk: number): Generator<string[], KeySpace> {
  const iMax = iMaxFor(persons);
  const total = 31 * 12 * YEARS * iMax;
  let n = 0;
  let c = 0;
  let batch: string[] = [];
  for (; c < total && n < persons; c++) {
    const key = candidate(c, iMax);
    if (key === null) continue;
    batch.push(key);
    n++;
    if (batch.length === chunk) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
  if (n < persons) throw new Error(`krr-lookup: only ${n} candidates for ${persons} persons`);
  return { persons, iMax, registeredCandidates: c, allCandidates: total };
}

/** A random person of the register (uniform), by rejection. */
export function randomRegistered(space: KeySpace): string {
  for (;;) {
    const key = candidate(Math.floor(Math.random() * space.registeredCandidates), space.iMax);
    if (key !== null) return key;
  }
}

/** A random valid fødselsnummer that is not in the register. */
export function randomUnregistered(space: KeySpace): string {
  for (;;) {
    const c = space.registeredCandidates + Math.floor(Math.random() * (space.allCandidates - space.registeredCandidates));
    const key = candidate(c, space.iMax);
    if (key !== null) return key;
  }
}

/**
 * `registered` distinct random persons of the register and `unregistered` distinct persons not
 * in it, shuffled together.
 */
export function randomLookup(space: KeySpace, registered: number, unregistered: number): string[] {
  const seen = new Set<string>();
  while (seen.size < registered) seen.add(randomRegistered(space));
  while (seen.size < registered + unregistered) seen.add(randomUnregistered(space));
  const keys = [...seen];
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keys;
}
