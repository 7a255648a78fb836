import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { checkClientJwks, ClientJwksError, maxKeyExpiry } from './client-jwks.ts';

const NOW = Date.UTC(2025, 0, 15, 12);
const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = (kid: string, extra: Record<string, unknown> = {}) => ({ ...publicKey.export({ format: 'jwk' }), kid, ...extra });

function broken(keys: Array<Record<string, unknown>>, rule: string, index: number | undefined, message: string | RegExp): void {
  assert.throws(
    () => checkClientJwks({ keys }, NOW),
    (err: unknown) => {
      assert.ok(err instanceof ClientJwksError);
      assert.equal(err.rule, rule);
      assert.equal(err.index, index);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

describe('checkClientJwks (Digdir key rules shared by the client registries)', () => {
  it('keeps only public members and gives each key exp one calendar year after posting by default', () => {
    const [key] = checkClientJwks({ keys: [jwk('k1', { alg: 'RS256', use: 'sig', ext: true })] }, NOW);
    assert.equal(key!.kid, 'k1');
    assert.equal(key!.expires, maxKeyExpiry(NOW));
    assert.equal(key!.jwk.exp, Date.UTC(2026, 0, 15, 12) / 1000);
    assert.deepEqual(Object.keys(key!.jwk).sort(), ['alg', 'e', 'exp', 'kid', 'kty', 'n', 'use']);
  });

  it('accepts an empty set (a registry decides whether a client may have none)', () => {
    assert.deepEqual(checkClientJwks({ keys: [] }, NOW), []);
  });

  it('names the first broken rule and the key', () => {
    broken([1, 2, 3, 4, 5, 6].map((i) => jwk(`k${i}`)), 'TOO_MANY_KEYS', undefined, 'A client has at most 5 keys; the set has 6');
    broken([jwk('k1', { d: 'AAAA', p: 'AAAA' })], 'PRIVATE_KEY_MATERIAL', 0, /^keys\[0\]: the JWK holds private key members \(d, p\)/);
    broken([jwk('k1'), jwk('k/2')], 'INVALID_KID', 1, "keys[1]: kid must be 1–255 letters, digits, '.', '_' or '-'");
    broken([jwk('k1'), jwk('k1')], 'DUPLICATE_KID', 1, 'keys[1]: kid "k1" appears twice in the set');
    broken([{ kty: 'EC', kid: 'ec', crv: 'P-256', x: 'AAAA', y: 'AAAA' }], 'UNSUPPORTED_KEY', 0, 'keys[0] (ec): kty must be "RSA" (got "EC")');
    broken([jwk('k1', { alg: 'HS256' })], 'UNSUPPORTED_KEY', 0, 'keys[0] (k1): alg must be one of RS256, RS384, RS512');
    broken([jwk('k1', { exp: NOW / 1000 - 1 })], 'INVALID_KEY_EXPIRY', 0, 'keys[0] (k1): exp is in the past');
    broken([jwk('k1', { exp: maxKeyExpiry(NOW) / 1000 + 1 })], 'INVALID_KEY_EXPIRY', 0, /^keys\[0\] \(k1\): exp is more than one year after posting/);
  });
});
