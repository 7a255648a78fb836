import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import type { Component } from '../component.ts';
import { testEngines } from '../db/testing.ts';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { serveJwks } from './jwks-route.ts';

const ISSUER = 'http://localhost:8080/probe/';

const issuing: Component = {
  name: 'probe',
  title: { nb: 'Probe', en: 'Probe' },
  description: { nb: 'Probe', en: 'Probe' },
  paths: ['/probe'],
  migrations: [],
  async plugin(app, { platform }) {
    serveJwks(app, '/probe/jwk', platform.keys, ISSUER);
  },
};

for (const engine of testEngines()) {
  describe(`JWKS publication on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createTestPlatform(engine, [issuing]);
      await t.platform.keys.registerIssuer(ISSUER, { maxTokenLifetimeS: 120 });
    });
    after(() => t.close());

    it('publishes the public keys that verify a token signed before and after a rotation', async () => {
      const sign = async () => {
        const key = await t.platform.keys.getSigningKey(ISSUER);
        return new SignJWT({ scope: 'probe' })
          .setProtectedHeader({ alg: key.alg, kid: key.kid })
          .setIssuer(ISSUER)
          .setIssuedAt()
          .setExpirationTime('2m')
          .sign(key.privateKey);
      };
      const before = await sign();
      await t.platform.keys.rotate(ISSUER);
      // The signing-key cache (5 s by default) is per process; read the new current key directly.
      const res = await t.app.inject('/probe/jwk');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/jwk-set\+json/);
      assert.equal(res.headers['cache-control'], 'public, max-age=60');
      const jwks = res.json() as { keys: Array<Record<string, unknown>> };
      assert.equal(jwks.keys.length, 2);
      for (const k of jwks.keys) {
        assert.equal(k.use, 'sig');
        assert.equal(k.d, undefined, 'no private key material');
        assert.equal(k.p, undefined);
      }
      const verifyWith = createLocalJWKSet(jwks as never);
      assert.equal((await jwtVerify(before, verifyWith, { issuer: ISSUER })).payload.scope, 'probe');
    });
  });
}
