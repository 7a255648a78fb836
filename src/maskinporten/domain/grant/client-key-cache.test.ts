import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testKeyPair } from '../../testing/fixtures.ts';
import { ClientKeyCache } from './client-key-cache.ts';

describe('client key cache', () => {
  it('reuses the imported key of a kid while its modulus and exponent are unchanged and the TTL runs', () => {
    const cache = new ClientKeyCache(60_000);
    const first = cache.get('k1', testKeyPair(0).publicJwk, 1_000);
    assert.equal(cache.get('k1', testKeyPair(0).publicJwk, 60_999), first);
    assert.equal(cache.size, 1);
  });

  it('imports again after the TTL, and when the stored key of the kid changed', () => {
    const cache = new ClientKeyCache(60_000);
    const first = cache.get('k1', testKeyPair(0).publicJwk, 1_000);
    assert.notEqual(cache.get('k1', testKeyPair(0).publicJwk, 61_000), first);
    const changed = cache.get('k1', testKeyPair(1).publicJwk, 61_001);
    assert.deepEqual(changed.export({ format: 'jwk' }).n, testKeyPair(1).publicJwk.n);
  });

  it('refuses a JWK that is not an RSA public key', () => {
    const cache = new ClientKeyCache();
    assert.throws(() => cache.get('k2', { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }, 0), TypeError);
    assert.throws(() => cache.get('k3', { kty: 'RSA', n: 'AQAB' }, 0), TypeError);
  });
});
