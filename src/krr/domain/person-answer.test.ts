import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { wireTime } from './person-answer.ts';

describe('KRR wire timestamps', () => {
  it('are exactly what Date.prototype.toISOString writes, for any instant from 1900 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        assert.equal(wireTime(ms), new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('get the edges of a day and of the epoch right', () => {
    for (const ms of [0, -1, 1, 86_399_999, 86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(1969, 11, 31, 0, 0, 0, 5)]) {
      assert.equal(wireTime(ms), new Date(ms).toISOString());
    }
  });

  it('refuses an instant Date cannot hold, like toISOString', () => {
    assert.throws(() => wireTime(8.64e15 + 1), RangeError);
    assert.throws(() => wireTime(Number.NaN), RangeError);
    assert.equal(wireTime(1.5), new Date(1.5).toISOString());
  });
});
