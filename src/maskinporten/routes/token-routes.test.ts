/**
 * Maskinporten's protocol endpoints around the grant: the RFC 8414 metadata, the JWKS, and the
 * error format of the token endpoint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { buildServer, createPlatform } from '../../platform/boot.ts';
import { loadConfig } from '../../platform/config.ts';
import { createTestDatabase, testEngines } from '../../platform/db/testing.ts';
import { maskinportenComponent } from '../index.ts';
import { JWT_BEARER_GRANT_TYPE } from '../domain/grant/check-form-params.ts';
import { JTI_PURGE_QUEUE } from '../domain/start-grant.ts';
import { countUsedJtis, recordUsedJti } from '../store/replay-store.ts';
import type { MaskinportenDb } from '../store/tables.ts';
import { grantClaims, insertClient, insertClientKey, insertScope, ORGS, signGrant, testKeyPair } from '../testing/fixtures.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const ISSUER = 'http://grunnmur.test/maskinporten/';

for (const engine of testEngines()) {
  describe(`Maskinporten protocol endpoints on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createTestPlatform(engine, [maskinportenComponent], { PUBLIC_URL, RATE_LIMIT_MAX: '0' });
    });
    after(() => t.close());

    it('publishes RFC 8414 metadata with the issuer (trailing slash), token endpoint, JWKS, jwt-bearer, private_key_jwt, RS256/384/512 and the systemuser type', async () => {
      const res = await t.app.inject('/maskinporten/.well-known/oauth-authorization-server');
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        issuer: ISSUER,
        token_endpoint: `${ISSUER}token`,
        jwks_uri: `${ISSUER}jwk`,
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512'],
        authorization_details_types_supported: ['urn:altinn:systemuser'],
      });
    });

    it('serves the same metadata at the RFC 8414 §3 path-inserted location', async () => {
      const a = await t.app.inject('/maskinporten/.well-known/oauth-authorization-server');
      const b = await t.app.inject('/.well-known/oauth-authorization-server/maskinporten');
      assert.equal(b.statusCode, 200);
      assert.deepEqual(b.json(), a.json());
    });

    it('publishes the issuer\'s signing keys at /maskinporten/jwk', async () => {
      const res = await t.app.inject('/maskinporten/jwk');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/jwk-set\+json/);
      const { keys } = res.json() as { keys: Array<Record<string, unknown>> };
      const current = await t.platform.keys.getSigningKey(ISSUER);
      assert.ok(keys.some((k) => k.kid === current.kid && k.use === 'sig' && k.d === undefined));
    });

    it('registers the issuer at start so retired keys stay published for a day', async () => {
      const row = await t.platform.db.kysely
        .selectFrom('platform_signing_issuers')
        .select('max_token_lifetime_s')
        .where('issuer', '=', ISSUER)
        .executeTakeFirst();
      assert.equal(Number(row?.max_token_lifetime_s), 86_400);
    });

    it('purges the replay keys of expired grants in a recurring job', async () => {
      const k = t.platform.db.kysely as MaskinportenDb;
      await recordUsedJti(k, { clientId: 'purge-test', jti: 'spent', expires: Date.now() - 1000 });
      await recordUsedJti(k, { clientId: 'purge-test', jti: 'live', expires: Date.now() + 3_600_000 });
      const before = await countUsedJtis(k);
      assert.ok((await t.platform.jobs.list({ queue: JTI_PURGE_QUEUE })).some((j) => j.state === 'queued'), 'scheduled at start');
      await t.platform.jobs.runDue();
      assert.equal(await countUsedJtis(k), before - 1);
      const left = await k.selectFrom('maskinporten_used_jti').select('jti').where('client_id', '=', 'purge-test').execute();
      assert.deepEqual(left.map((r) => r.jti), ['live']);
    });

    it('answers a token error with the request id as correlation id', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/maskinporten/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'trace-0123456789' },
        payload: 'grant_type=password',
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.headers['x-request-id'], 'trace-0123456789');
      assert.deepEqual(res.json(), {
        error: 'unsupported_grant_type',
        error_description:
          'Unsupported grant_type; only urn:ietf:params:oauth:grant-type:jwt-bearer is supported. Got grant_type "password". (MASKINPORTEN_UNSUPPORTED_GRANT_TYPE) (correlation id: trace-0123456789)',
      });
    });

    it('describes the token endpoint in the component\'s OpenAPI document', async () => {
      const doc = (await t.app.inject('/maskinporten/openapi.json')).json() as { paths: Record<string, unknown> };
      assert.ok(doc.paths['/maskinporten/token']);
      assert.ok(doc.paths['/maskinporten/.well-known/oauth-authorization-server']);
      assert.ok(doc.paths['/maskinporten/jwk']);
    });
  });

  describe(`Maskinporten token endpoint log lines on ${engine}`, () => {
    /** The log lines of one granted token's request, on a platform logging at `level`. */
    async function linesOfOneToken(level: 'info' | 'debug'): Promise<Array<Record<string, unknown>>> {
      const lines: Array<Record<string, unknown>> = [];
      const log = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
      const db = await createTestDatabase(engine);
      const config = loadConfig({ JOBS_ENABLED: 'false', LOG_LEVEL: level, PUBLIC_URL, RATE_LIMIT_MAX: '0', DATABASE_URL: db.url });
      const platform = await createPlatform({ config, components: [maskinportenComponent], db, log });
      const app = await buildServer(platform);
      try {
        const k = db.kysely as MaskinportenDb;
        await insertScope(k, { name: 'grunnmurtest:logged', owner: ORGS.apiOwner, accessibleForAll: true });
        const clientId = await insertClient(k, { orgno: ORGS.consumer, scopes: ['grunnmurtest:logged'] });
        const kid = await insertClientKey(k, { clientId, publicJwk: testKeyPair(0).publicJwk });
        const assertion = signGrant({ alg: 'RS256', kid }, grantClaims(ISSUER, clientId, 'grunnmurtest:logged'), testKeyPair(0).privateKey);
        const res = await app.inject({
          method: 'POST',
          url: '/maskinporten/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }).toString(),
        });
        assert.equal(res.statusCode, 200, res.body);
        return lines.filter((line) => line.reqId === res.headers['x-request-id']).map((line) => ({ ...line, clientId }));
      } finally {
        await app.close();
        await platform.close();
        await db.close();
      }
    }

    it('writes one line per issued token at info: the access log', async () => {
      const lines = await linesOfOneToken('info');
      assert.deepEqual(
        lines.map((line) => [line.msg, line.status]),
        [['request', 200]],
      );
    });

    it('adds the token\'s client_id, consumer and scope at debug', async () => {
      const lines = await linesOfOneToken('debug');
      const issued = lines.find((line) => line.msg === 'maskinporten token issued');
      assert.ok(issued, JSON.stringify(lines));
      assert.equal(issued.client_id, issued.clientId);
      assert.equal(issued.consumer, `0192:${ORGS.consumer}`);
      assert.equal(issued.scope, 'grunnmurtest:logged');
      assert.equal(lines.filter((line) => line.msg === 'request').length, 1);
    });
  });
}
