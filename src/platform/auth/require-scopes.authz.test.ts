import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Component } from '../component.ts';
import { ConfigError, loadConfig, maskinportenIssuer, ownMaskinportenIssuer } from '../config.ts';
import { testEngines } from '../db/testing.ts';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { bearerSecurity, getMaskinportenToken, maskinportenJwksUrl, requireScopes } from './require-scopes.ts';
import { mintPlatformToken, mintTestToken, TEST_CONSUMER_ORGNO } from './testing.ts';

const READ = 'probe:things.read';
const WRITE = 'probe:things.write';
const REALM = 'http://localhost:8080';
const ISSUER = 'http://localhost:8080/maskinporten/';

/** A component with routes protected the way every Grunnmur API protects them. */
const probe: Component = {
  name: 'authprobe',
  title: { nb: 'Probe', en: 'Probe' },
  description: { nb: 'Probe', en: 'Probe' },
  paths: ['/authprobe'],
  migrations: [],
  async plugin(app, { platform }) {
    app.get(
      '/authprobe/things',
      { onRequest: requireScopes(platform, [READ]), schema: { ...bearerSecurity([READ]), summary: 'List things' } },
      async (request) => {
        const token = getMaskinportenToken(request);
        return { consumer: token.consumerOrgno, client: token.clientId, scopes: token.scopes };
      },
    );
    app.post(
      '/authprobe/things',
      {
        onRequest: requireScopes(platform, [WRITE]),
        schema: {
          ...bearerSecurity([WRITE]),
          body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } }, additionalProperties: false },
        },
      },
      async (request) => ({ consumer: getMaskinportenToken(request).consumerOrgno }),
    );
    app.get('/authprobe/either', { preHandler: requireScopes(platform, [READ, WRITE], { anyOf: true }) }, async (request) => ({
      consumer: request.maskinporten?.consumerOrgno,
    }));
    app.get('/authprobe/unprotected', async (request) => getMaskinportenToken(request));
  },
};

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

for (const engine of testEngines()) {
  describe(`Maskinporten-protected routes on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createTestPlatform(engine, [probe]);
    });
    after(() => t.close());

    const get = (authorization?: string, url = '/authprobe/things') =>
      t.app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });

    /** Asserts a problem+json auth failure with the exact challenge; never a 500. */
    function assertRejected(
      res: Awaited<ReturnType<typeof get>>,
      status: number,
      code: string,
      challenge: string | RegExp,
    ): void {
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json().code, code);
      const header = String(res.headers['www-authenticate']);
      if (typeof challenge === 'string') assert.equal(header, challenge);
      else assert.match(header, challenge);
    }

    it('rejects a request without Authorization with 401 AUTH_TOKEN_MISSING and a bare Bearer challenge', async () => {
      assertRejected(await get(), 401, 'AUTH_TOKEN_MISSING', `Bearer realm="${REALM}"`);
      assertRejected(await get(''), 401, 'AUTH_TOKEN_MISSING', `Bearer realm="${REALM}"`);
    });

    it('rejects another authentication scheme with 401 AUTH_TOKEN_MISSING', async () => {
      assertRejected(await get('Basic dXNlcjpwYXNz'), 401, 'AUTH_TOKEN_MISSING', `Bearer realm="${REALM}"`);
      assertRejected(await get(`DPoP ${await mintPlatformToken(t.platform, { scope: READ })}`), 401, 'AUTH_TOKEN_MISSING', `Bearer realm="${REALM}"`);
    });

    it('rejects garbage and a Bearer header without one token with 401 invalid_token', async () => {
      for (const header of ['Bearer', 'Bearer ', 'Bearer not-a-jwt', 'Bearer a.b.c', 'Bearer "quoted"', 'Bearer a b', 'Bearer æøå']) {
        assertRejected(await get(header), 401, 'AUTH_TOKEN_INVALID', new RegExp(`^Bearer realm="${REALM}", error="invalid_token", error_description="[^"]+"$`));
      }
      assertRejected(
        await get('Bearer not-a-jwt'),
        401,
        'AUTH_TOKEN_INVALID',
        `Bearer realm="${REALM}", error="invalid_token", error_description="The token is not a signed JWT (JWS compact serialization)"`,
      );
    });

    it('rejects an expired token with 401 AUTH_TOKEN_EXPIRED and error="invalid_token"', async () => {
      const token = await mintPlatformToken(t.platform, { scope: READ, now: Date.now() - 3_600_000 });
      assertRejected(
        await get(`Bearer ${token}`),
        401,
        'AUTH_TOKEN_EXPIRED',
        `Bearer realm="${REALM}", error="invalid_token", error_description="The token has expired"`,
      );
    });

    it('rejects a token issued more than 10 s in the future', async () => {
      const token = await mintPlatformToken(t.platform, { scope: READ, now: Date.now() + 3_600_000 });
      assertRejected(await get(`Bearer ${token}`), 401, 'AUTH_TOKEN_INVALID', /error="invalid_token", error_description="The token's iat is more than 10 s in the future"$/);
    });

    it('rejects a token signed by another key with 401 invalid_token', async () => {
      const current = await t.platform.keys.getSigningKey(ISSUER);
      const other = await generateKeyPair('RS256');
      const forged = await mintTestToken({ alg: 'RS256', kid: current.kid, privateKey: other.privateKey }, ISSUER, { scope: READ });
      assertRejected(await get(`Bearer ${forged}`), 401, 'AUTH_TOKEN_INVALID', /error_description="The token signature is invalid"$/);
      const stranger = await mintTestToken({ alg: 'RS256', kid: 'unknown-kid', privateKey: other.privateKey }, ISSUER, { scope: READ });
      assertRejected(await get(`Bearer ${stranger}`), 401, 'AUTH_TOKEN_INVALID', /error_description="The token's key unknown-kid is not in the issuer's JWKS"$/);
    });

    it('rejects a token of another issuer, and alg none', async () => {
      const foreign = await mintPlatformToken(t.platform, { scope: READ, claims: { iss: 'https://maskinporten.no/' } });
      assertRejected(await get(`Bearer ${foreign}`), 401, 'AUTH_TOKEN_INVALID', /error_description="The token was not issued by http:\/\/localhost:8080\/maskinporten\/"$/);
      const current = await t.platform.keys.getSigningKey(ISSUER);
      const now = Math.floor(Date.now() / 1000);
      const none = `${b64({ alg: 'none', kid: current.kid })}.${b64({ iss: ISSUER, client_id: 'x', scope: READ, iat: now, exp: now + 60 })}.`;
      assertRejected(await get(`Bearer ${none}`), 401, 'AUTH_TOKEN_INVALID', /error_description="The token's alg none is not accepted; use one of RS256, RS384, RS512, ES256"$/);
    });

    it('rejects a token without the scope with 403 AUTH_INSUFFICIENT_SCOPE, error="insufficient_scope" and the scope it needs', async () => {
      const token = await mintPlatformToken(t.platform, { scope: READ });
      const res = await t.app.inject({ method: 'POST', url: '/authprobe/things', headers: { authorization: `Bearer ${token}` }, payload: { name: 'x' } });
      assertRejected(
        res,
        403,
        'AUTH_INSUFFICIENT_SCOPE',
        `Bearer realm="${REALM}", error="insufficient_scope", error_description="The token lacks the scope ${WRITE}", scope="${WRITE}"`,
      );
      assert.deepEqual(res.json().requiredScopes, [WRITE]);
      assertRejected(
        await get(`Bearer ${await mintPlatformToken(t.platform, { scope: 'other:scope' })}`, '/authprobe/either'),
        403,
        'AUTH_INSUFFICIENT_SCOPE',
        `Bearer realm="${REALM}", error="insufficient_scope", error_description="The token has none of the scopes ${READ}, ${WRITE}", scope="${READ} ${WRITE}"`,
      );
    });

    it('checks the token before the body: a request without token and with a bad body is a 401, not a 400', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/authprobe/things', payload: { unknown: true } });
      assertRejected(res, 401, 'AUTH_TOKEN_MISSING', `Bearer realm="${REALM}"`);
    });

    it('hands the consumer organisation of a valid token to the route', async () => {
      const token = await mintPlatformToken(t.platform, { scope: [READ, 'other:scope'], consumerOrgno: '974760673', clientId: 'krr-client' });
      const res = await get(`bearer ${token}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { consumer: '974760673', client: 'krr-client', scopes: [READ, 'other:scope'] });
      assert.equal(res.headers['www-authenticate'], undefined);
      const either = await get(`Bearer ${await mintPlatformToken(t.platform, { scope: WRITE })}`, '/authprobe/either');
      assert.deepEqual(either.json(), { consumer: TEST_CONSUMER_ORGNO });
      const write = await t.app.inject({
        method: 'POST',
        url: '/authprobe/things',
        headers: { authorization: `Bearer ${await mintPlatformToken(t.platform, { scope: WRITE })}` },
        payload: { name: 'x' },
      });
      assert.deepEqual(write.json(), { consumer: TEST_CONSUMER_ORGNO });
    });

    it('keeps accepting a token signed before a key rotation, and accepts tokens of the new key', async () => {
      const before = await mintPlatformToken(t.platform, { scope: READ });
      assert.equal((await get(`Bearer ${before}`)).statusCode, 200);
      await t.platform.keys.rotate(ISSUER);
      const afterRotation = await mintPlatformToken(t.platform, { scope: READ });
      assert.notEqual(JSON.parse(Buffer.from(afterRotation.split('.')[0] ?? '', 'base64url').toString()).kid, JSON.parse(Buffer.from(before.split('.')[0] ?? '', 'base64url').toString()).kid);
      assert.equal((await get(`Bearer ${afterRotation}`)).statusCode, 200);
      assert.equal((await get(`Bearer ${before}`)).statusCode, 200);
    });

    it('answers a 500 without details when a route reads a token it never required', async () => {
      const res = await get(`Bearer ${await mintPlatformToken(t.platform, { scope: READ })}`, '/authprobe/unprotected');
      assert.equal(res.statusCode, 500);
      assert.equal(res.json().code, 'PLATFORM_INTERNAL');
    });

    it('declares the maskinporten bearer scheme and each route\'s scopes in the OpenAPI document', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/authprobe/openapi.json' })).json();
      assert.equal(doc.components.securitySchemes.maskinporten.type, 'http');
      assert.equal(doc.components.securitySchemes.maskinporten.scheme, 'bearer');
      assert.match(doc.components.securitySchemes.maskinporten.description, /http:\/\/localhost:8080\/maskinporten\//);
      assert.deepEqual(doc.paths['/authprobe/things'].get.security, [{ maskinporten: [READ] }]);
      assert.deepEqual(doc.paths['/authprobe/things'].post.security, [{ maskinporten: [WRITE] }]);
    });
  });

  describe(`routes accepting another Maskinporten's tokens (MASKINPORTEN_ISSUER) on ${engine}`, () => {
    let t: TestPlatform;
    let server: Server;
    let issuer: string;
    let requests = 0;
    const key = generateKeyPair('RS256');

    before(async () => {
      const { publicKey } = await key;
      const jwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(jwk);
      const jwks = JSON.stringify({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] });
      server = createServer((req, res) => {
        requests++;
        if (req.url === '/jwk') res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwks);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      t = await createTestPlatform(engine, [probe], { MASKINPORTEN_ISSUER: issuer.slice(0, -1) });
    });
    after(async () => {
      await t.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    async function remoteToken(claims: Record<string, unknown> = {}): Promise<string> {
      const { publicKey, privateKey } = await key;
      const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        client_id: 'remote-client',
        client_amr: 'virksomhetssertifikat',
        scope: READ,
        token_type: 'Bearer',
        consumer: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
        jti: 'j1',
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + 120)
        .sign(privateKey);
    }

    it('rejects a token of the own Maskinporten when another issuer is configured', async () => {
      const own = await mintTestToken(await t.platform.keys.getSigningKey(ISSUER), ISSUER, { scope: READ });
      const res = await t.app.inject({ method: 'GET', url: '/authprobe/things', headers: { authorization: `Bearer ${own}` } });
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers['www-authenticate']), /not issued by http:\/\/127\.0\.0\.1:\d+\/"$/);
    });

    it("answers 503 AUTH_JWKS_UNAVAILABLE when the other Maskinporten's JWKS cannot be fetched", async () => {
      const unreachable = await createTestPlatform(engine, [probe], { MASKINPORTEN_ISSUER: issuer, MASKINPORTEN_JWKS_URL: `${issuer}missing` });
      try {
        const res = await unreachable.app.inject({ method: 'GET', url: '/authprobe/things', headers: { authorization: `Bearer ${await remoteToken()}` } });
        assert.equal(res.statusCode, 503);
        assert.equal(res.json().code, 'AUTH_JWKS_UNAVAILABLE');
        assert.equal(res.json().title, "The token issuer's keys cannot be read; try again later");
        assert.equal(res.headers['www-authenticate'], undefined);
      } finally {
        await unreachable.close();
      }
    });

    it("accepts the other Maskinporten's token, with keys fetched once from <issuer>jwk", async () => {
      const before = requests;
      for (let i = 0; i < 2; i++) {
        const res = await t.app.inject({ method: 'GET', url: '/authprobe/things', headers: { authorization: `Bearer ${await remoteToken()}` } });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), { consumer: '974760673', client: 'remote-client', scopes: [READ] });
      }
      assert.equal(requests - before, 1);
    });
  });
}

describe('Maskinporten issuer configuration', () => {
  it('defaults to the own Maskinporten at <PUBLIC_URL>/maskinporten/ with keys from the database', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://grunnmur.example/' });
    assert.equal(maskinportenIssuer(config), 'https://grunnmur.example/maskinporten/');
    assert.equal(ownMaskinportenIssuer(config), 'https://grunnmur.example/maskinporten/');
    assert.equal(maskinportenJwksUrl(config), undefined);
  });

  it('takes MASKINPORTEN_ISSUER with a trailing slash added, and its JWKS at <issuer>jwk unless MASKINPORTEN_JWKS_URL says otherwise', () => {
    const config = loadConfig({ MASKINPORTEN_ISSUER: 'https://test.maskinporten.no' });
    assert.equal(maskinportenIssuer(config), 'https://test.maskinporten.no/');
    assert.equal(maskinportenJwksUrl(config), 'https://test.maskinporten.no/jwk');
    assert.equal(ownMaskinportenIssuer(config), 'http://localhost:8080/maskinporten/');
    const other = loadConfig({ MASKINPORTEN_ISSUER: 'https://other.example/maskinporten/', MASKINPORTEN_JWKS_URL: 'https://keys.example/jwks.json' });
    assert.equal(maskinportenJwksUrl(other), 'https://keys.example/jwks.json');
  });

  it('refuses MASKINPORTEN_JWKS_URL without MASKINPORTEN_ISSUER, and non-http URLs', () => {
    assert.throws(() => loadConfig({ MASKINPORTEN_JWKS_URL: 'https://keys.example/jwks.json' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.problems.join('\n'), /^MASKINPORTEN_JWKS_URL: only allowed together with MASKINPORTEN_ISSUER/);
      return true;
    });
    assert.throws(() => loadConfig({ MASKINPORTEN_ISSUER: 'ftp://maskinporten.no/' }), /MASKINPORTEN_ISSUER/);
  });
});
