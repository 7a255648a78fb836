/**
 * Checks the list of a lookup: 1 to 1000 entries, each a valid fødselsnummer or D-number;
 * duplicates are answered once (the first occurrence keeps its place).
 *
 * Every invalid entry is named by its zero-based position and the rules it fails, never by its
 * value (it may be a real person's number).
 *
 * @see specs/krr-dpi-esign.md §1 "Request body" (1 to 1000 fødselsnummer or D-nummer)
 * @see src/platform/identifiers/README.md (the rules)
 */
import { validateFodselsnummer } from '../../platform/identifiers/index.ts';
import { krrError } from '../errors.ts';

/** Most identifiers in one lookup. */
export const MAX_PERSONIDENTIFIKATORER = 1000;

/**
 * What each rule of `validateFodselsnummer` says, without any digit of the number: the kernel's
 * own messages quote digits (day, month, individnummer), which would put most of a possibly real
 * number into the caller's error logs.
 */
const RULE_TEXT: Readonly<Record<string, string>> = {
  type: 'is not a string',
  length: 'does not have 11 digits',
  digits: 'holds other characters than digits',
  date: 'does not start with a valid birth date (DDMMYY; D-numbers add 4 to the first digit)',
  individnummer: 'has an individnummer that does not fit the birth year',
  k1: 'has a wrong first check digit (k1, modulus 11)',
  k2: 'has a wrong second check digit (k2, modulus 11)',
  'check-digit': 'has a wrong check digit (modulus 11)',
};

/**
 * Why a personidentifikator is invalid, without any of its digits.
 *
 * @param rules rule ids of `validateFodselsnummer`'s problems
 * @returns e.g. `has a wrong second check digit (k2, modulus 11)`, rules joined by `; `
 */
export function describeRules(rules: readonly string[]): string {
  return [...new Set(rules)].map((rule) => RULE_TEXT[rule] ?? `breaks the rule ${rule}`).join('; ');
}

/** One invalid entry, by position. */
export interface IdentifierProblem {
  /** Zero-based position in `personidentifikatorer`. */
  index: number;
  /** Rule ids of `validateFodselsnummer` (`length`, `digits`, `date`, `individnummer`, `k1`, `k2`…), each once. */
  rules: string[];
  message: string;
}

/**
 * The distinct identifiers of a lookup, in the order first asked.
 *
 * @param ids the request's `personidentifikatorer`
 * @returns the distinct identifiers
 * @throws AppError `KRR_LOOKUP_EMPTY` (400) for an empty list; `KRR_LOOKUP_TOO_MANY_IDS` (400)
 *   for more than 1000 entries (duplicates counted: the limit is on the request);
 *   `KRR_INVALID_PERSONIDENTIFIKATOR` (400) naming every invalid entry by position in
 *   `extra.problems` ({@link IdentifierProblem}[])
 */
export function checkPersonidentifikatorer(ids: readonly string[]): string[] {
  if (ids.length === 0) throw krrError('KRR_LOOKUP_EMPTY', 'personidentifikatorer must hold 1 to 1000 fødselsnumre or D-numbers; it is empty');
  if (ids.length > MAX_PERSONIDENTIFIKATORER) {
    throw krrError(
      'KRR_LOOKUP_TOO_MANY_IDS',
      `personidentifikatorer holds ${ids.length} entries; at most ${MAX_PERSONIDENTIFIKATORER} may be looked up at once`,
      { extra: { max: MAX_PERSONIDENTIFIKATORER, count: ids.length } },
    );
  }
  const problems: IdentifierProblem[] = [];
  const seen = new Set<string>();
  const distinct: string[] = [];
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index]!;
    if (seen.has(id)) continue;
    const result = validateFodselsnummer(id);
    if (!result.valid) {
      const rules = [...new Set(result.problems.map((p) => p.rule))];
      problems.push({ index, rules, message: describeRules(rules) });
      continue;
    }
    seen.add(id);
    distinct.push(id);
  }
  if (problems.length > 0) {
    const where = problems.map((p) => `personidentifikatorer[${p.index}]`);
    const shown = where.length > 5 ? `${where.slice(0, 5).join(', ')} and ${where.length - 5} more` : where.join(', ');
    throw krrError(
      'KRR_INVALID_PERSONIDENTIFIKATOR',
      `${shown} ${problems.length === 1 ? 'is' : 'are'} not a valid fødselsnummer or D-number${problems.length === 1 ? `: ${problems[0]!.message}` : ''}`,
      { extra: { problems } },
    );
  }
  return distinct;
}
