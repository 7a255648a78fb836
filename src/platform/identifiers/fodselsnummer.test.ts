import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppError } from '../errors.ts';
import {
  checkFodselsnummer,
  generateFodselsnummer,
  isFodselsnummer,
  validateFodselsnummer,
  type FodselsnummerResult,
  type PersonIdentifierType,
  type SyntheticKind,
} from './fodselsnummer.ts';
import { createRng } from './rng.ts';

/** Independent check-digit oracle: weighted sums as written in Skatteetaten's 2032 page. */
const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
function sum(digits: string, weights: number[]): number {
  return [...digits].reduce((acc, ch, i) => acc + Number(ch) * (weights[i] ?? 0), 0);
}
function k1Remainder(fnr: string): number {
  return (sum(fnr.slice(0, 9), W1) + Number(fnr[9])) % 11;
}
function k2Holds(fnr: string): boolean {
  return sum(fnr, W2) % 11 === 0;
}

function rules(result: FodselsnummerResult): string[] {
  return result.valid ? [] : result.problems.map((p) => p.rule);
}

function assertValid(
  value: string,
  expected: { type: PersonIdentifierType; synthetic: SyntheticKind; birthDate: string | null; k1Rule: 'classic' | '2032' },
): void {
  const result = validateFodselsnummer(value);
  assert.deepEqual(result, { valid: true, value, ...expected }, value);
}

describe('validateFodselsnummer: published vectors', () => {
  it('accepts Skatteetaten\'s example of a real 1964-rule number (20036914700, born 1969-03-20)', () => {
    assertValid('20036914700', { type: 'FNR', synthetic: null, birthDate: '1969-03-20', k1Rule: 'classic' });
  });

  it('accepts ordinary fødselsnummer across the individnummer ranges and reads the century from III', () => {
    // Vectors from public validator test suites (nin-validator, navikt/familie-felles).
    assertValid('03125463265', { type: 'FNR', synthetic: null, birthDate: '1854-12-03', k1Rule: 'classic' }); // 500–749, 1854
    assertValid('15086664655', { type: 'FNR', synthetic: null, birthDate: '1866-08-15', k1Rule: 'classic' });
    assertValid('03100023058', { type: 'FNR', synthetic: null, birthDate: '1900-10-03', k1Rule: 'classic' }); // 000–499
    assertValid('30108299920', { type: 'FNR', synthetic: null, birthDate: '1982-10-30', k1Rule: 'classic' }); // 900–999, 1940–1999
    assertValid('18112481504', { type: 'FNR', synthetic: null, birthDate: '2024-11-18', k1Rule: 'classic' }); // 500–999, 2000–2039
    assertValid('01010150740', { type: 'FNR', synthetic: null, birthDate: '2001-01-01', k1Rule: 'classic' });
  });

  it('accepts D-numbers (day + 40) and gives the real birth date', () => {
    assertValid('70037337860', { type: 'DNR', synthetic: null, birthDate: '1973-03-30', k1Rule: 'classic' });
    assertValid('57098165705', { type: 'DNR', synthetic: null, birthDate: '1881-09-17', k1Rule: 'classic' });
    assertValid('41013168049', { type: 'DNR', synthetic: null, birthDate: '2031-01-01', k1Rule: 'classic' });
  });

  it('accepts Tenor synthetic numbers (month + 80), fødselsnummer and D-numbers', () => {
    assertValid('17912099997', { type: 'FNR', synthetic: 'tenor', birthDate: '2020-11-17', k1Rule: 'classic' });
    assertValid('29822099635', { type: 'FNR', synthetic: 'tenor', birthDate: '2020-02-29', k1Rule: 'classic' });
    assertValid('12905299938', { type: 'FNR', synthetic: 'tenor', birthDate: '1952-10-12', k1Rule: 'classic' });
    assertValid('21929774873', { type: 'FNR', synthetic: 'tenor', birthDate: '1897-12-21', k1Rule: 'classic' });
    assertValid('57912075186', { type: 'DNR', synthetic: 'tenor', birthDate: '2020-11-17', k1Rule: 'classic' });
    assertValid('61929750062', { type: 'DNR', synthetic: 'tenor', birthDate: '1897-12-21', k1Rule: 'classic' });
  });

  it('accepts NAV Dolly synthetic numbers (month + 40), fødselsnummer and D-numbers', () => {
    assertValid('15507600333', { type: 'FNR', synthetic: 'nav', birthDate: '1976-10-15', k1Rule: 'classic' });
    assertValid('55507608360', { type: 'DNR', synthetic: 'nav', birthDate: '1976-10-15', k1Rule: 'classic' });
    assertValid('29422059278', { type: 'FNR', synthetic: 'nav', birthDate: '2020-02-29', k1Rule: 'classic' });
    assertValid('69422056629', { type: 'DNR', synthetic: 'nav', birthDate: '2020-02-29', k1Rule: 'classic' });
  });

  it('accepts Skatteetaten\'s 2032-rule examples with k1Rule 2032 and no birth date', () => {
    // "Fødselsnummer fra 2032": 30108299939 uses K1 = 12 − (196 mod 11) = 3; 02013299903 is the
    // next number after 02013299997 on individnummer 999 (remainder 2).
    assertValid('30108299939', { type: 'FNR', synthetic: null, birthDate: null, k1Rule: '2032' });
    assertValid('02013299903', { type: 'FNR', synthetic: null, birthDate: null, k1Rule: '2032' });
  });

  it('reads Skatteetaten\'s 2032 examples whose K1 remainder is 0 as classic numbers', () => {
    assertValid('02013299997', { type: 'FNR', synthetic: null, birthDate: '2032-01-02', k1Rule: 'classic' });
    assertValid('02013299806', { type: 'FNR', synthetic: null, birthDate: '2032-01-02', k1Rule: 'classic' });
  });
});

describe('validateFodselsnummer: the date rule', () => {
  // Vectors below were computed with the check-digit oracle at the top of this file.
  it('accepts 29 February 2000 (individnummer 500–999 places YY 00 in 2000, a leap year)', () => {
    assertValid('29020050088', { type: 'FNR', synthetic: null, birthDate: '2000-02-29', k1Rule: 'classic' });
  });

  it('rejects 29 February 1900 (individnummer 000–499 places YY 00 in 1900, not a leap year) with rule date', () => {
    const result = validateFodselsnummer('29020000064');
    assert.deepEqual(rules(result), ['date']);
    assert.match(result.valid ? '' : result.problems[0]!.message, /day 29 does not exist in 1900-02/);
  });

  it('rejects a day that no month has, a day beyond its month, and a month outside every series', () => {
    assert.deepEqual(rules(validateFodselsnummer('31048000048')), ['date']); // 31 April
    assert.ok(rules(validateFodselsnummer('32010000000')).includes('date')); // day 32
    assert.ok(rules(validateFodselsnummer('01130000000')).includes('date')); // month 13
    assert.ok(rules(validateFodselsnummer('01330000000')).includes('date')); // month 33: no series
    assert.ok(rules(validateFodselsnummer('00010000000')).includes('date')); // day 00
  });

  it('rejects FH-numbers (first digit 8 or 9) with rule date: they are not supported', () => {
    assert.deepEqual(rules(validateFodselsnummer('81018000032')), ['date']);
  });

  it('rejects a 2032-rule number whose DDMM is 29 February of a YY not divisible by 4', () => {
    assert.deepEqual(rules(validateFodselsnummer('29020100093')), ['date']);
    assertValid('29020450078', { type: 'FNR', synthetic: null, birthDate: null, k1Rule: '2032' });
  });

  it('accepts a 2032-rule D-number and skips the century check for it', () => {
    assertValid('41017510183', { type: 'DNR', synthetic: null, birthDate: null, k1Rule: '2032' });
  });
});

describe('validateFodselsnummer: failures name every broken rule', () => {
  it('rejects a classic number whose individnummer fits no century for its year with rule individnummer', () => {
    // YY 50 with III 600: 500–749 is 1854–1899 only for YY 54–99, 500–999 is 2000–2039 only for YY 00–39.
    const result = validateFodselsnummer('01015060057');
    assert.deepEqual(rules(result), ['individnummer']);
    assert.match(result.valid ? '' : result.problems[0]!.message, /individnummer 600 does not place year 50 in any century/);
  });

  it('does not check the individnummer of a number valid only under the 2032 rule (its III carries no century)', () => {
    // Same date and individnummer as above, K1 remainders 1, 2 and 3 with matching K2.
    for (const value of ['01015060065', '01015060073', '01015060081']) {
      assertValid(value, { type: 'FNR', synthetic: null, birthDate: null, k1Rule: '2032' });
    }
  });

  it('rejects a wrong K1 with rule k1 (and k2, which covers K1)', () => {
    assert.deepEqual(rules(validateFodselsnummer('20036914780')), ['k1', 'k2']);
  });

  it('rejects a wrong K2 alone with rule k2', () => {
    assert.deepEqual(validateFodselsnummer('20036914701'), {
      valid: false,
      value: '20036914701',
      problems: [{ rule: 'k2', message: 'second check digit (K2) does not match' }],
    });
  });

  it('rejects 10 digits with rule length and says how many it got', () => {
    assert.deepEqual(validateFodselsnummer('0101000000'), {
      valid: false,
      value: '0101000000',
      problems: [{ rule: 'length', message: 'must be 11 digits (got 10)' }],
    });
  });

  it('rejects whitespace, separators and non-ASCII digits with rule digits, and does not trim', () => {
    for (const value of [' 20036914700', '20036914700 ', '200369 14700', '200369-14700', '2003691470٠', '２0036914700']) {
      const result = validateFodselsnummer(value);
      assert.equal(result.valid, false, value);
      assert.ok(rules(result).includes('digits'), value);
    }
    assert.match(
      (validateFodselsnummer('200369 4700') as { problems: { message: string }[] }).problems[0]!.message,
      /found a space at position 7/,
    );
  });

  it('reports several broken rules together', () => {
    // Month 13, III 600 with YY 50, K1 remainder 8 (fits neither rule), wrong K2.
    assert.deepEqual(rules(validateFodselsnummer('01135060051')), ['date', 'individnummer', 'k1', 'k2']);
  });

  it('rejects a non-string with rule type instead of throwing', () => {
    for (const value of [null, undefined, 20036914700, {}, ['20036914700']]) {
      const result = validateFodselsnummer(value as unknown as string);
      assert.deepEqual(rules(result), ['type']);
      assert.equal(result.value, '');
    }
  });

  it('never echoes the checked number in a problem message', () => {
    const value = '01135060051';
    const result = validateFodselsnummer(value);
    assert.equal(result.valid, false);
    for (const p of result.valid ? [] : result.problems) assert.ok(!p.message.includes(value));
  });
});

describe('checkFodselsnummer and isFodselsnummer', () => {
  it('returns the parsed number when valid', () => {
    assert.equal(checkFodselsnummer('17912099997').birthDate, '2020-11-17');
    assert.equal(isFodselsnummer('17912099997'), true);
    assert.equal(isFodselsnummer('17912099998'), false);
  });

  it('throws REGISTERS_INVALID_FODSELSNUMMER (400) naming every failed rule, with the problems in extra', () => {
    assert.throws(
      () => checkFodselsnummer('01135060051'),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'REGISTERS_INVALID_FODSELSNUMMER');
        assert.equal(error.status, 400);
        assert.match(error.message, /^Invalid fødselsnummer: /);
        assert.match(error.message, /month digits 13/);
        assert.match(error.message, /individnummer/);
        assert.match(error.message, /first check digit \(K1\)/);
        assert.match(error.message, /second check digit \(K2\) does not match/);
        const problems = error.extra?.['problems'] as { rule: string }[];
        assert.deepEqual(problems.map((p) => p.rule), ['date', 'individnummer', 'k1', 'k2']);
        return true;
      },
    );
    assert.throws(() => checkFodselsnummer('0101000000'), { message: 'Invalid fødselsnummer: must be 11 digits (got 10)' });
  });
});

describe('generateFodselsnummer', () => {
  const MIN = Date.UTC(1854, 0, 1);
  const MAX = Date.UTC(2039, 11, 31);
  const isoDay = fc.integer({ min: MIN / 86_400_000, max: MAX / 86_400_000 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
  const options = fc.record({
    seed: fc.string(),
    birthDate: isoDay,
    type: fc.constantFrom<PersonIdentifierType>('FNR', 'DNR'),
    synthetic: fc.constantFrom<SyntheticKind>('tenor', 'nav', null),
    gender: fc.constantFrom<'female' | 'male' | undefined>('female', 'male', undefined),
  });

  it('every generated number validates with its type, synthetic series and birth date, under the classic rule', () => {
    fc.assert(
      fc.property(options, ({ seed, birthDate, type, synthetic, gender }) => {
        const value = generateFodselsnummer(createRng(seed), { birthDate, type, synthetic, gender });
        assert.deepEqual(validateFodselsnummer(value), { valid: true, value, type, synthetic, birthDate, k1Rule: 'classic' });
        if (gender !== undefined) assert.equal(Number(value[8]) % 2, gender === 'female' ? 0 : 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('defaults to a Tenor synthetic fødselsnummer and accepts a Date (its UTC calendar date)', () => {
    const value = generateFodselsnummer(createRng('x'), { birthDate: new Date(Date.UTC(1985, 6, 14)) });
    assert.deepEqual(validateFodselsnummer(value), {
      valid: true,
      value,
      type: 'FNR',
      synthetic: 'tenor',
      birthDate: '1985-07-14',
      k1Rule: 'classic',
    });
  });

  it('is deterministic for the same seed', () => {
    const a = generateFodselsnummer(createRng('same'), { birthDate: '1990-05-17' });
    const b = generateFodselsnummer(createRng('same'), { birthDate: '1990-05-17' });
    assert.equal(a, b);
  });

  it('still finds a number when the rng is stuck on one value (fallback scan)', () => {
    for (const stuck of [0, 0.5, 0.999999]) {
      const value = generateFodselsnummer(() => stuck, { birthDate: '1900-02-28', type: 'DNR', synthetic: null, gender: 'male' });
      assert.equal(validateFodselsnummer(value).valid, true);
    }
  });

  it('rejects malformed birth dates and years outside 1854–2039 with REGISTERS_INVALID_BIRTH_DATE', () => {
    for (const birthDate of ['1853-12-31', '2040-01-01', '1990-02-30', '1990-13-01', '19900101', ' 1990-01-01', new Date(Number.NaN)]) {
      assert.throws(() => generateFodselsnummer(createRng('x'), { birthDate }), (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'REGISTERS_INVALID_BIRTH_DATE');
        assert.equal(error.status, 400);
        return true;
      });
    }
  });
});

describe('single-digit changes', () => {
  // The precise property. K2's weights over all eleven digits are 5,4,3,2,7,6,5,4,3,2,1: each
  // is in 1..10 and so invertible mod 11. Changing one digit by δ (1 ≤ |δ| ≤ 9) changes that sum
  // by w·δ ≢ 0 (mod 11). So every single-digit change breaks K2, under both K1 rules; the 2032
  // allowance can make a changed K1 pass the K1 check, but never the K2 check.
  const generated = fc
    .record({
      seed: fc.string(),
      day: fc.integer({ min: Date.UTC(1854, 0, 1) / 86_400_000, max: Date.UTC(2039, 11, 31) / 86_400_000 }),
      type: fc.constantFrom<PersonIdentifierType>('FNR', 'DNR'),
      synthetic: fc.constantFrom<SyntheticKind>('tenor', 'nav', null),
    })
    .map(({ seed, day, type, synthetic }) =>
      generateFodselsnummer(createRng(seed), { birthDate: new Date(day * 86_400_000).toISOString().slice(0, 10), type, synthetic }),
    );
  const change = fc.record({ position: fc.integer({ min: 0, max: 10 }), shift: fc.integer({ min: 1, max: 9 }) });
  const mutate = (value: string, position: number, shift: number): string =>
    value.slice(0, position) + String((Number(value[position]) + shift) % 10) + value.slice(position + 1);

  it('changing any single digit of a valid classic number makes it invalid, always with rule k2', () => {
    fc.assert(
      fc.property(generated, change, (value, { position, shift }) => {
        const changed = mutate(value, position, shift);
        const result = validateFodselsnummer(changed);
        assert.equal(result.valid, false, changed);
        assert.ok(rules(result).includes('k2'), changed);
      }),
      { numRuns: 3000 },
    );
  });

  it('replacing K1 with another value the 2032 rule allows passes the K1 check but still fails K2', () => {
    fc.assert(
      fc.property(generated, fc.integer({ min: 1, max: 3 }), (value, remainder) => {
        const s1 = sum(value.slice(0, 9), W1) % 11;
        const k1 = (remainder - s1 + 11) % 11;
        fc.pre(k1 <= 9);
        const changed = value.slice(0, 9) + String(k1) + value[10];
        const result = validateFodselsnummer(changed);
        assert.equal(result.valid, false);
        assert.ok(!rules(result).includes('k1'));
        assert.ok(rules(result).includes('k2'));
      }),
    );
  });

  it('a 2032-rule number (K1 remainder 1–3 with a matching K2) is valid with k1Rule 2032 and birthDate null', () => {
    fc.assert(
      fc.property(generated, fc.integer({ min: 1, max: 3 }), (value, remainder) => {
        const s1 = sum(value.slice(0, 9), W1) % 11;
        const k1 = (remainder - s1 + 11) % 11;
        fc.pre(k1 <= 9);
        const ten = value.slice(0, 9) + String(k1);
        const k2 = (11 - (sum(ten, W2) % 11)) % 11;
        fc.pre(k2 <= 9);
        const result = validateFodselsnummer(ten + String(k2));
        assert.equal(result.valid, true);
        assert.equal(result.valid && result.k1Rule, '2032');
        assert.equal(result.valid && result.birthDate, null);
      }),
    );
  });
});

describe('validateFodselsnummer on arbitrary input', () => {
  it('never throws, and valid implies 11 ASCII digits, K2 holding and a K1 remainder of 0–3', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9]{11}$/), fc.anything()), (input) => {
        const result = validateFodselsnummer(input as string);
        assert.equal(isFodselsnummer(input as string), result.valid);
        if (result.valid) {
          assert.match(result.value, /^[0-9]{11}$/);
          assert.ok(k2Holds(result.value));
          assert.ok(k1Remainder(result.value) <= 3);
          assert.equal(result.k1Rule === 'classic', k1Remainder(result.value) === 0);
        } else {
          assert.ok(result.problems.length > 0);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
