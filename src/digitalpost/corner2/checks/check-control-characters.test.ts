/**
 * `controlCharacterProblems` on its own (no database): which characters it refuses, where the
 * multi-line exception applies, the paths it names and its limit. The corner-2 refusals are in
 * `corner2.test.ts` ("bad input changes nothing").
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controlCharacterProblems, MAX_CONTROL_CHARACTER_PROBLEMS } from './check-control-characters.ts';

describe('controlCharacterProblems', () => {
  it('refuses every C0 control, DEL and every C1 control in a plain string, and nothing else of Latin-1', () => {
    for (let code = 0; code <= 0xff; code++) {
      const problems = controlCharacterProblems(`a${String.fromCharCode(code)}`, 'x');
      const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
      assert.equal(problems.length, control ? 1 : 0, `U+${code.toString(16)}`);
    }
  });

  it('allows tab, LF and CR LF only under a multi-line key (varslingstekst by default, or the keys given)', () => {
    const doc = { varslingstekst: 'a\r\nb\n\tc', tittel: 'a\nb', varsler: { smsTekst: 'x\ny' } };
    assert.deepEqual(controlCharacterProblems(doc, '(root)'), [
      { path: 'tittel', message: 'must not contain control characters (U+000A at index 1)' },
      { path: 'varsler.smsTekst', message: 'must not contain control characters (U+000A at index 1)' },
    ]);
    assert.deepEqual(controlCharacterProblems(doc, 'digital', { multilineKeys: ['smsTekst'] }).map((p) => p.path), ['digital.varslingstekst', 'digital.tittel']);
    assert.deepEqual(controlCharacterProblems({ varslingstekst: 'a\rb' }, 'v').map((p) => p.message), ['must not contain the control character U+000D (at index 1; only tab, line feed and CR LF are allowed here)']);
    assert.deepEqual(controlCharacterProblems({ varslingstekst: 'a\u000bb' }, 'v').length, 1, 'a vertical tab is no line break here');
  });

  it('names array items by index, accepts surrogate pairs and refuses unpaired ones', () => {
    assert.deepEqual(controlCharacterProblems({ scope: [{ id: 'ok 📄' }, { id: '\udc00x' }, ['\ud83d']] }, 'sbd'), [
      { path: 'sbd.scope[1].id', message: 'must be well-formed Unicode (unpaired surrogate U+DC00 at index 0)' },
      { path: 'sbd.scope[2][0]', message: 'must be well-formed Unicode (unpaired surrogate U+D83D at index 0)' },
    ]);
  });

  it('skips numbers, booleans and null, walks any depth without recursion, and stops at the limit', () => {
    assert.deepEqual(controlCharacterProblems({ a: 1, b: true, c: null, d: [2, false] }, 'x'), []);
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(controlCharacterProblems(deep, 'x').length, 1);
    const many = Array.from({ length: 100 }, () => '\u0001');
    const problems = controlCharacterProblems(many, 'list');
    assert.equal(problems.length, MAX_CONTROL_CHARACTER_PROBLEMS);
    assert.equal(problems[0]!.path, 'list[0]', 'the first ones, in document order');
  });
});
