import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppError } from '../errors.ts';
import {
  checkOrganisasjonsnummer,
  generateOrganisasjonsnummer,
  isOrganisasjonsnummer,
  validateOrganisasjonsnummer,
} from './organisasjonsnummer.ts';
import { createRng } from './rng.ts';

describe('validateOrganisasjonsnummer', () => {
  it('accepts real public organisasjonsnummer (Digdir, Brønnøysundregistrene, NAV) and Brreg\'s worked example', () => {
    for (const value of ['991825827', '974760673', '889640782', '123456785']) {
      assert.deepEqual(validateOrganisasjonsnummer(value), { valid: true, value }, value);
    }
  });

  it('rejects a wrong check digit with rule check-digit', () => {
    assert.deepEqual(validateOrganisasjonsnummer('991825828'), {
      valid: false,
      value: '991825828',
      problems: [{ rule: 'check-digit', message: 'check digit (9th digit) does not match' }],
    });
  });

  it('rejects a number whose first eight digits give check digit 10 with rule check-digit', () => {
    // The first eight-digit prefix whose weighted sum leaves remainder 1 (check digit 11 − 1 = 10).
    let prefix = '';
    for (let n = 10_000_000; prefix === ''; n++) {
      const s = String(n);
      const sum = [...s].reduce((acc, ch, i) => acc + Number(ch) * [3, 2, 7, 6, 5, 4, 3, 2][i]!, 0);
      if (sum % 11 === 1) prefix = s;
    }
    for (let last = 0; last <= 9; last++) {
      const result = validateOrganisasjonsnummer(prefix + String(last));
      assert.equal(result.valid, false);
      assert.deepEqual(result.valid ? [] : result.problems.map((p) => p.rule), ['check-digit']);
    }
  });

  it('does not require the first digit to be 8 or 9', () => {
    assert.equal(isOrganisasjonsnummer('123456785'), true);
  });

  it('rejects wrong length and non-digits (spaces are not trimmed) with rules length and digits', () => {
    assert.deepEqual(validateOrganisasjonsnummer('97476067'), {
      valid: false,
      value: '97476067',
      problems: [{ rule: 'length', message: 'must be 9 digits (got 8)' }],
    });
    assert.deepEqual(
      validateOrganisasjonsnummer('974 760 673').valid ? [] : (validateOrganisasjonsnummer('974 760 673') as { problems: { rule: string }[] }).problems.map((p) => p.rule),
      ['length', 'digits'],
    );
    assert.deepEqual(
      (validateOrganisasjonsnummer(' 97476067') as { problems: { rule: string }[] }).problems.map((p) => p.rule),
      ['digits'],
    );
  });

  it('rejects a non-string with rule type instead of throwing', () => {
    const result = validateOrganisasjonsnummer(974760673 as unknown as string);
    assert.deepEqual(result.valid ? [] : result.problems.map((p) => p.rule), ['type']);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9]{9}$/), fc.anything()), (input) => {
        const result = validateOrganisasjonsnummer(input as string);
        assert.equal(isOrganisasjonsnummer(input as string), result.valid);
        if (result.valid) assert.match(result.value, /^[0-9]{9}$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checkOrganisasjonsnummer', () => {
  it('returns the number when valid', () => {
    assert.equal(checkOrganisasjonsnummer('991825827'), '991825827');
  });

  it('throws REGISTERS_INVALID_ORGANISASJONSNUMMER (400) naming the failed rule, with problems in extra', () => {
    assert.throws(
      () => checkOrganisasjonsnummer('991825828'),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'REGISTERS_INVALID_ORGANISASJONSNUMMER');
        assert.equal(error.status, 400);
        assert.equal(error.message, 'Invalid organisasjonsnummer: check digit (9th digit) does not match');
        assert.deepEqual(error.extra, { problems: [{ rule: 'check-digit', message: 'check digit (9th digit) does not match' }] });
        return true;
      },
    );
  });
});

describe('generateOrganisasjonsnummer', () => {
  it('every generated number validates and starts with the requested first digit (default 9)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom<8 | 9 | undefined>(8, 9, undefined), (seed, firstDigit) => {
        const value = generateOrganisasjonsnummer(createRng(seed), firstDigit === undefined ? undefined : { firstDigit });
        assert.equal(isOrganisasjonsnummer(value), true, value);
        assert.equal(value[0], String(firstDigit ?? 9));
      }),
      { numRuns: 2000 },
    );
  });

  it('still produces a valid number from a stuck rng', () => {
    for (const stuck of [0, 0.1, 0.5, 0.999999]) assert.equal(isOrganisasjonsnummer(generateOrganisasjonsnummer(() => stuck)), true);
  });

  it('changing any single digit of a valid number makes it invalid (every weight 3,2,7,6,5,4,3,2,1 is invertible mod 11)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (seed, position, shift) => {
        const value = generateOrganisasjonsnummer(createRng(seed));
        const changed = value.slice(0, position) + String((Number(value[position]) + shift) % 10) + value.slice(position + 1);
        assert.equal(isOrganisasjonsnummer(changed), false, changed);
      }),
      { numRuns: 3000 },
    );
  });
});
