import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dummyHash, hashPassword, needsRehash, OWASP_ARGON2_PARAMS, passwordProblems, verifyPassword } from './password.ts';

const FAST = { memoryKiB: 64, passes: 1, parallelism: 1 };

describe('MinID password policy', () => {
  it('accepts 8+ printable ASCII characters with a letter and a digit', () => {
    assert.deepEqual(passwordProblems('Passord1'), []);
    assert.deepEqual(passwordProblems('a1!#$%&/()=?'), []);
  });

  it('names every broken rule: length, æøå or spaces, a letter, a digit', () => {
    assert.deepEqual(passwordProblems('abc1'), ['too_short']);
    assert.deepEqual(passwordProblems('passordet'), ['digit']);
    assert.deepEqual(passwordProblems('12345678'), ['letter']);
    assert.deepEqual(passwordProblems('blåbær123'), ['characters']);
    assert.deepEqual(passwordProblems('pass ord 1'), ['characters']);
    assert.deepEqual(passwordProblems(`a1${'x'.repeat(127)}`), ['too_long']);
    assert.deepEqual(passwordProblems(''), ['too_short', 'letter', 'digit']);
  });
});

describe('MinID password hashes (Argon2id)', () => {
  it('hashes with OWASP parameters by default in PHC format and verifies only the right password', async () => {
    const hash = await hashPassword('Passord1', OWASP_ARGON2_PARAMS);
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.equal(await verifyPassword('Passord1', hash), true);
    assert.equal(await verifyPassword('Passord2', hash), false);
  });

  it('salts every hash and verifies a hash made with other parameters', async () => {
    const a = await hashPassword('Passord1', FAST);
    const b = await hashPassword('Passord1', FAST);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('Passord1', a), true);
    assert.equal(needsRehash(a, FAST), false);
    assert.equal(needsRehash(a, OWASP_ARGON2_PARAMS), true);
  });

  it('never verifies against a malformed hash', async () => {
    assert.equal(await verifyPassword('Passord1', 'not-a-hash'), false);
    assert.equal(await verifyPassword('Passord1', '$argon2i$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), false);
  });

  it('makes one dummy hash per parameter set, which no guessable password matches', async () => {
    const hash = await dummyHash(FAST);
    assert.equal(await dummyHash(FAST), hash);
    assert.equal(await verifyPassword('Passord1', hash), false);
  });
});
