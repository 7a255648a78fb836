/**
 * The JWT-bearer grant at `POST /maskinporten/token`, one test per rule, on each engine. Every
 * refusal asserts the status, the OAuth `error`, the MP code in `error_description` and that
 * nothing was written (no replay row, no usage count).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import pino from 'pino';
import { createTestPlatform, type TestPlatform } from '../../../../test/helpers/platform.ts';
import { createTestDatabase, testEngines } from '../../../platform/db/testing.ts';
import { pkiMigrations, TestPki } from '../../../platform/pki/test-pki.ts';
import { maskinportenComponent } from '../../index.ts';
import { countUsedJtis } from '../../store/replay-store.ts';
import type { MaskinportenDb } from '../../store/tables.ts';
import {
  b64url,
  grantClaims,
  insertClient,
  insertClientKey,
  insertDelegation,
  insertScope,
  insertScopeAccess,
  ORGS,
  privateKeyFromPem,
  signGrant,
  TEST_PID,
  testKeyPair,
  x5cFromPem,
} from '../../testing/fixtures.ts';
import { maskinportenIssuer } from '../issuer.ts';
import { ClientKeyCache } from './client-key-cache.ts';
import { JWT_BEARER_GRANT_TYPE } from './check-form-params.ts';
import { GrantError } from './grant-errors.ts';
import { runJwtBearerGrant } from './jwt-bearer-grant.ts';
import { grantDeps } from '../start-grant.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const ISSUER = 'http://grunnmur.test/maskinporten/';

const S = {
  open: 'grunnmurtest:open',
  granted: 'grunnmurtest:granted',
  owned: 'grunnmurtest:owned',
  closed: 'grunnmurtest:closed',
  inactive: 'grunnmurtest:inactive',
  idporten: 'grunnmurtest:idporten',
  userLogin: 'grunnmurtest:userlogin',
  short: 'grunnmurtest:short',
  delegable: 'grunnmurtest:delegable',
  delegable2: 'grunnmurtest:delegable2',
  notOnClient: 'grunnmurtest:notonclient',
} as const;

/** Every scope a test client has registered (all but `notOnClient`). */
const CLIENT_SCOPES = Object.values(S).filter((s) => s !== S.notOnClient);

interface Writes {
  jti: number;
  tokens: number;
}

for (const engine of testEngines()) {
  describe(`Maskinporten JWT-bearer grant on ${engine}`, () => {
    let t: TestPlatform;
    let db: MaskinportenDb;
    /** A client of ORGS.consumer with a registered key (testKeyPair(0)). */
    let main: { clientId: string; kid: string };

    before(async () => {
      t = await createTestPlatform(engine, [maskinportenComponent], { PUBLIC_URL, RATE_LIMIT_MAX: '0' });
      db = t.platform.db.kysely as MaskinportenDb;
      await insertScope(db, { name: S.open, owner: ORGS.apiOwner, accessibleForAll: true });
      await insertScope(db, { name: S.granted, owner: ORGS.apiOwner });
      await insertScopeAccess(db, S.granted, ORGS.consumer);
      await insertScope(db, { name: S.owned, owner: ORGS.consumer });
      await insertScope(db, { name: S.closed, owner: ORGS.apiOwner });
      await insertScope(db, { name: S.inactive, owner: ORGS.apiOwner, accessibleForAll: true, active: false });
      await insertScope(db, { name: S.idporten, owner: ORGS.apiOwner, accessibleForAll: true, allowedIntegrationTypes: ['idporten'] });
      await insertScope(db, { name: S.userLogin, owner: ORGS.apiOwner, accessibleForAll: true, allowedIntegrationTypes: [], requiresUserAuthentication: true });
      await insertScope(db, { name: S.short, owner: ORGS.apiOwner, accessibleForAll: true, atMaxAge: 30 });
      await insertScope(db, { name: S.delegable, owner: ORGS.apiOwner, delegationSource: 'https://www.altinn.no/' });
      await insertScopeAccess(db, S.delegable, ORGS.customer);
      await insertDelegation(db, { scope: S.delegable, consumer: ORGS.customer, supplier: ORGS.supplier });
      await insertScope(db, { name: S.delegable2, owner: ORGS.apiOwner, delegationSource: 'https://www.altinn.no/' });
      await insertScopeAccess(db, S.delegable2, ORGS.customer);
      await insertScope(db, { name: S.notOnClient, owner: ORGS.apiOwner, accessibleForAll: true });
      main = await keyClient(ORGS.consumer);
    });
    after(() => t.close());

    async function keyClient(orgno: string, opts: { expires?: number; pair?: number; active?: boolean } = {}) {
      const clientId = await insertClient(db, { orgno, scopes: CLIENT_SCOPES, ...(opts.active === false ? { active: false } : {}) });
      const kid = await insertClientKey(db, {
        clientId,
        publicJwk: testKeyPair(opts.pair ?? 0).publicJwk,
        ...(opts.expires !== undefined ? { expires: opts.expires } : {}),
      });
      return { clientId, kid };
    }

    /** A grant from `main` signed with its key; `claims` override the defaults. */
    function grant(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, pair = 0): string {
      return signGrant({ alg: 'RS256', kid: main.kid, ...header }, grantClaims(ISSUER, main.clientId, S.open, claims), testKeyPair(pair).privateKey);
    }

    function post(assertion: string, extra: Record<string, string> = {}): Promise<LightMyRequestResponse> {
      return t.app.inject({
        method: 'POST',
        url: '/maskinporten/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion, ...extra }).toString(),
      });
    }

    async function writes(): Promise<Writes> {
      const stats = await t.platform.stats.list({ component: 'maskinporten' });
      return { jti: await countUsedJtis(db), tokens: stats.reduce((n, r) => n + r.count, 0) };
    }

    /** Sends the request and asserts an OAuth error with `code` and no write. */
    async function refused(
      send: () => Promise<LightMyRequestResponse>,
      expected: { status?: number; error: string; code: string; includes?: string },
    ): Promise<Record<string, string>> {
      const before = await writes();
      const res = await send();
      assert.equal(res.statusCode, expected.status ?? 400, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.equal(res.headers['cache-control'], 'no-store');
      const body = res.json() as Record<string, string>;
      assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
      assert.equal(body.error, expected.error, body.error_description);
      assert.ok(body.error_description?.includes(`(${expected.code})`), body.error_description);
      assert.ok(body.error_description?.endsWith(`(correlation id: ${String(res.headers['x-request-id'])})`), body.error_description);
      if (expected.includes) assert.ok(body.error_description?.includes(expected.includes), body.error_description);
      assert.deepEqual(await writes(), before, 'nothing written');
      return body;
    }

    async function accepted(assertion: string): Promise<{ body: Record<string, unknown>; claims: JWTPayload }> {
      const before = await writes();
      const res = await post(assertion);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers.pragma, 'no-cache');
      const body = res.json() as Record<string, unknown>;
      const jwks = createLocalJWKSet((await t.app.inject('/maskinporten/jwk')).json());
      const { payload } = await jwtVerify(String(body.access_token), jwks, { issuer: ISSUER });
      assert.deepEqual(await writes(), { jti: before.jti + 1, tokens: before.tokens + 1 });
      return { body, claims: payload };
    }

    describe('the request', () => {
      it('accepts a grant signed by hand with node:crypto and a registered kid, answering access_token, token_type, expires_in and scope', async () => {
        const { body, claims } = await accepted(grant());
        assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
        assert.equal(body.token_type, 'Bearer');
        assert.equal(body.scope, S.open);
        assert.equal(body.expires_in, 120);
        assert.equal(claims.client_amr, 'private_key_jwt');
      });

      it('accepts grants signed with jose with RS384 and RS512', async () => {
        for (const alg of ['RS384', 'RS512']) {
          const assertion = await new SignJWT({ scope: S.open, jti: randomUUID() })
            .setProtectedHeader({ alg, kid: main.kid })
            .setIssuer(main.clientId)
            .setAudience(ISSUER)
            .setIssuedAt()
            .setExpirationTime('60s')
            .sign(testKeyPair(0).privateKey);
          await accepted(assertion);
        }
      });

      it('rejects a grant_type other than jwt-bearer with unsupported_grant_type', async () => {
        await refused(() => post(grant(), { grant_type: 'client_credentials' }), {
          error: 'unsupported_grant_type',
          code: 'MASKINPORTEN_UNSUPPORTED_GRANT_TYPE',
        });
      });

      it('rejects a request without assertion with invalid_request', async () => {
        await refused(
          () =>
            t.app.inject({
              method: 'POST',
              url: '/maskinporten/token',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              payload: `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}`,
            }),
          { error: 'invalid_request', code: 'MASKINPORTEN_INVALID_TOKEN_REQUEST', includes: 'assertion is missing' },
        );
      });

      it('rejects an assertion parameter sent twice with invalid_request', async () => {
        const a = grant();
        await refused(
          () =>
            t.app.inject({
              method: 'POST',
              url: '/maskinporten/token',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              payload: `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${a}&assertion=${a}`,
            }),
          { error: 'invalid_request', code: 'MASKINPORTEN_INVALID_TOKEN_REQUEST', includes: 'more than once' },
        );
      });

      it('rejects a JSON body with invalid_request, not problem+json', async () => {
        await refused(() => t.app.inject({ method: 'POST', url: '/maskinporten/token', payload: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: grant() } }), {
          error: 'invalid_request',
          code: 'MASKINPORTEN_INVALID_TOKEN_REQUEST',
          includes: 'application/x-www-form-urlencoded',
        });
      });

      it('rejects a body of an unparsed media type (text/plain) with invalid_request', async () => {
        await refused(
          () => t.app.inject({ method: 'POST', url: '/maskinporten/token', headers: { 'content-type': 'text/plain' }, payload: 'assertion=x' }),
          { error: 'invalid_request', code: 'MASKINPORTEN_INVALID_TOKEN_REQUEST' },
        );
      });

      it('rejects a request without a body with invalid_request', async () => {
        await refused(() => t.app.inject({ method: 'POST', url: '/maskinporten/token' }), {
          error: 'invalid_request',
          code: 'MASKINPORTEN_INVALID_TOKEN_REQUEST',
        });
      });

      it('rejects a body larger than 256 KiB with invalid_request, not 413', async () => {
        await refused(() => post('a'.repeat(300_000)), { error: 'invalid_request', code: 'MASKINPORTEN_INVALID_TOKEN_REQUEST', includes: 'larger than' });
      });

      it('rejects an assertion longer than 64 KiB with MP-011', async () => {
        await refused(() => post(`${'a'.repeat(70_000)}.b.c`), { error: 'invalid_request', code: 'MP-011', includes: 'longer than' });
      });

      it('rejects anything that is not a signed JWT with MP-011, never a 500', async () => {
        const header = b64url(JSON.stringify({ alg: 'RS256', kid: main.kid }));
        const claims = b64url(JSON.stringify(grantClaims(ISSUER, main.clientId, S.open)));
        const cases: Array<[string, string]> = [
          ['not a JWT', 'not-a-jwt'],
          ['two parts', `${header}.${claims}`],
          ['a JWE (five parts)', `${header}.a.b.c.d`],
          ['bad base64url', `${header}.${claims}.!!!`],
          ['empty signature', `${header}.${claims}.`],
          ['header not JSON', `${b64url('{alg:')}.${claims}.c2ln`],
          ['header a JSON array', `${b64url('["RS256"]')}.${claims}.c2ln`],
          ['header JSON null', `${b64url('null')}.${claims}.c2ln`],
          ['claims a JSON number', `${header}.${b64url('42')}.c2ln`],
          ['claims not UTF-8', `${header}.${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')}.c2ln`],
        ];
        for (const [what, assertion] of cases) {
          const body = await refused(() => post(assertion), { error: 'invalid_request', code: 'MP-011' });
          assert.match(body.error_description ?? '', /^Invalid assertion\. Invalid parameter value\./, what);
        }
      });
    });

    describe('the header', () => {
      it('rejects an alg other than RS256, RS384 and RS512 with MP-011', async () => {
        for (const alg of ['none', 'HS256', 'ES256', 'PS256']) {
          await refused(() => post(grant({}, { alg })), { error: 'invalid_request', code: 'MP-011', includes: 'algorithm' });
        }
      });

      it('rejects an unsigned assertion (alg none, empty signature) with MP-011 saying it is unsigned', async () => {
        const signed = grant({}, { alg: 'none' });
        const unsigned = `${signed.split('.').slice(0, 2).join('.')}.`;
        await refused(() => post(unsigned), { error: 'invalid_request', code: 'MP-011', includes: 'unsigned assertions (alg none) are not accepted' });
      });

      it('rejects a header with both kid and x5c, or with neither, with MP-011', async () => {
        await refused(() => post(grant({}, { x5c: ['AAAA'] })), { error: 'invalid_request', code: 'MP-011', includes: 'exactly one of kid' });
        await refused(() => post(grant({}, { kid: undefined })), { error: 'invalid_request', code: 'MP-011', includes: 'exactly one of kid' });
      });

      it('rejects an x5c that is not an array of base64 certificates with MP-123', async () => {
        for (const x5c of ['MIIB', [], [42], ['not base64!'], ['AAAA-_']]) {
          await refused(() => post(grant({}, { kid: undefined, x5c })), { error: 'invalid_grant', code: 'MP-123' });
        }
      });

      it('rejects a header naming critical extensions (crit) with MP-011', async () => {
        await refused(() => post(grant({}, { crit: ['exp'] })), { error: 'invalid_request', code: 'MP-011', includes: 'crit' });
      });
    });

    describe('the client and its key', () => {
      it('rejects a grant whose iss is no client with MP-100', async () => {
        await refused(() => post(grant({ iss: randomUUID() })), { error: 'invalid_grant', code: 'MP-100', includes: 'Client not found' });
      });

      it('rejects a grant from a deleted (inactive) client with MP-100', async () => {
        const gone = await keyClient(ORGS.consumer, { active: false });
        const assertion = signGrant({ alg: 'RS256', kid: gone.kid }, grantClaims(ISSUER, gone.clientId, S.open), testKeyPair(0).privateKey);
        await refused(() => post(assertion), { error: 'invalid_grant', code: 'MP-100', includes: 'Client not found' });
      });

      it('rejects a kid that is not registered with MP-100', async () => {
        await refused(() => post(grant({}, { kid: 'no-such-kid' })), { error: 'invalid_grant', code: 'MP-100', includes: 'Unknown key identifier' });
      });

      it('rejects a kid registered on another client with MP-100', async () => {
        const other = await keyClient(ORGS.consumer);
        await refused(() => post(grant({}, { kid: other.kid })), { error: 'invalid_grant', code: 'MP-100', includes: 'Unknown key identifier' });
      });

      it('rejects an expired registered key with MP-121', async () => {
        const expired = await keyClient(ORGS.consumer, { expires: Date.now() - 1000 });
        const assertion = signGrant({ alg: 'RS256', kid: expired.kid }, grantClaims(ISSUER, expired.clientId, S.open), testKeyPair(0).privateKey);
        await refused(() => post(assertion), { error: 'invalid_grant', code: 'MP-121', includes: 'Expired key' });
      });

      it('rejects a grant signed with another key than the registered one with MP-124', async () => {
        await refused(() => post(grant({}, {}, 1)), { error: 'invalid_grant', code: 'MP-124', includes: 'Invalid JWT signature' });
      });

      it('rejects a grant whose claims were changed after signing with MP-124', async () => {
        const [h, , sig] = grant().split('.');
        const tampered = `${h}.${b64url(JSON.stringify(grantClaims(ISSUER, main.clientId, S.granted)))}.${sig}`;
        await refused(() => post(tampered), { error: 'invalid_grant', code: 'MP-124' });
      });

      it('rejects a grant signed with a registered RSA key shorter than 2048 bits with MP-124', async () => {
        const weak = testKeyPair(0, 1024);
        const clientId = await insertClient(db, { orgno: ORGS.consumer, scopes: CLIENT_SCOPES });
        const kid = await insertClientKey(db, { clientId, publicJwk: weak.publicJwk });
        const assertion = signGrant({ alg: 'RS256', kid }, grantClaims(ISSUER, clientId, S.open), weak.privateKey);
        await refused(() => post(assertion), { error: 'invalid_grant', code: 'MP-124' });
      });
    });

    describe('the enterprise certificate (x5c)', () => {
      async function certClient(orgno: string) {
        return insertClient(db, { orgno, scopes: CLIENT_SCOPES, authMethod: 'none' });
      }
      function x5cGrant(clientId: string, issued: { chainPem: string; privateKeyPem: string }): string {
        return signGrant({ alg: 'RS256', x5c: x5cFromPem(issued.chainPem) }, grantClaims(ISSUER, clientId, S.open), privateKeyFromPem(issued.privateKeyPem));
      }

      it('accepts a grant with x5c from the test CA for the client\'s organisation, with client_amr virksomhetssertifikat', async () => {
        const clientId = await certClient(ORGS.other);
        const issued = await t.platform.pki.issueEnterpriseCertificate({ orgnr: ORGS.other, organisationName: 'Test AS' });
        const { claims } = await accepted(x5cGrant(clientId, issued));
        assert.equal(claims.client_amr, 'virksomhetssertifikat');
        assert.deepEqual(claims.consumer, { authority: 'iso6523-actorid-upis', ID: `0192:${ORGS.other}` });
      });

      it('rejects a certificate issued to another organisation than the client\'s with MP-122', async () => {
        const clientId = await certClient(ORGS.other);
        const issued = await t.platform.pki.issueEnterpriseCertificate({ orgnr: ORGS.supplier, organisationName: 'Another AS' });
        await refused(() => post(x5cGrant(clientId, issued)), { error: 'invalid_grant', code: 'MP-122' });
      });

      it('rejects x5c from a client that has registered keys with MP-100', async () => {
        const issued = await t.platform.pki.issueEnterpriseCertificate({ orgnr: ORGS.consumer, organisationName: 'Consumer AS' });
        await refused(() => post(x5cGrant(main.clientId, issued)), {
          error: 'invalid_grant',
          code: 'MP-100',
          includes: 'requires pre-registered jwk',
        });
      });

      it('rejects a revoked certificate with MP-120', async () => {
        const clientId = await certClient(ORGS.other);
        const issued = await t.platform.pki.issueEnterpriseCertificate({ orgnr: ORGS.other, organisationName: 'Test AS' });
        await t.platform.pki.revoke(issued.serialNumber, 'keyCompromise');
        await refused(() => post(x5cGrant(clientId, issued)), { error: 'invalid_grant', code: 'MP-120', includes: 'revoked' });
      });

      it('rejects a certificate from a CA outside the trust store with MP-120', async () => {
        const foreignDb = await createTestDatabase('sqlite', [{ component: 'platform_pki', migrations: pkiMigrations }]);
        try {
          const foreign = new TestPki(foreignDb, { log: pino({ level: 'silent' }) });
          const issued = await foreign.issueEnterpriseCertificate({ orgnr: ORGS.other, organisationName: 'Test AS' });
          const clientId = await certClient(ORGS.other);
          await refused(() => post(x5cGrant(clientId, issued)), { error: 'invalid_grant', code: 'MP-120', includes: 'untrusted' });
        } finally {
          await foreignDb.close();
        }
      });

      it('rejects a certificate whose key usage does not allow signatures with MP-120', async () => {
        const clientId = await certClient(ORGS.other);
        const issued = await t.platform.pki.issueEnterpriseCertificate({ orgnr: ORGS.other, organisationName: 'Test AS', purpose: 'encryption' });
        await refused(() => post(x5cGrant(clientId, issued)), { error: 'invalid_grant', code: 'MP-120', includes: 'key usage' });
      });

      it('rejects an x5c entry that is base64 but no certificate with MP-123', async () => {
        const clientId = await certClient(ORGS.other);
        const assertion = signGrant({ alg: 'RS256', x5c: ['AAAA'] }, grantClaims(ISSUER, clientId, S.open), testKeyPair(0).privateKey);
        await refused(() => post(assertion), { error: 'invalid_grant', code: 'MP-123' });
      });
    });

    describe('the claims', () => {
      it('rejects an unknown claim with MP-011 ("Invalid assertion")', async () => {
        const body = await refused(() => post(grant({ foo: 'bar' })), { error: 'invalid_request', code: 'MP-011', includes: '"foo"' });
        assert.match(body.error_description ?? '', /^Invalid assertion\./);
      });

      it('accepts sub equal to iss, and rejects a sub naming another client with MP-011', async () => {
        await accepted(grant({ sub: main.clientId }));
        await refused(() => post(grant({ sub: 'someone-else' })), { error: 'invalid_request', code: 'MP-011', includes: 'sub' });
      });

      it('rejects a missing or non-string iss with MP-011', async () => {
        await refused(() => post(grant({ iss: undefined })), { error: 'invalid_request', code: 'MP-011', includes: 'iss' });
        await refused(() => post(grant({ iss: 42 })), { error: 'invalid_request', code: 'MP-011', includes: 'iss' });
        await refused(() => post(grant({ iss: 'nul\u0000byte' })), { error: 'invalid_request', code: 'MP-011', includes: 'iss' });
      });

      it('accepts aud with and without the issuer\'s trailing slash', async () => {
        await accepted(grant({ aud: ISSUER }));
        await accepted(grant({ aud: ISSUER.slice(0, -1) }));
        await accepted(grant({ aud: [ISSUER] }));
      });

      it('rejects aud set to the token endpoint URL with MP-110', async () => {
        await refused(() => post(grant({ aud: `${ISSUER}token` })), { error: 'invalid_grant', code: 'MP-110', includes: 'Invalid JWT claim aud' });
      });

      it('rejects a missing aud, another issuer, or two audiences with MP-110', async () => {
        for (const aud of [undefined, 'https://maskinporten.no/', [ISSUER, 'https://other.example/'], 42]) {
          await refused(() => post(grant({ aud })), { error: 'invalid_grant', code: 'MP-110' });
        }
      });

      it('rejects an assertion whose iat is more than 10 s ahead of the server clock with MP-130', async () => {
        const iat = Math.floor(Date.now() / 1000) + 60;
        await refused(() => post(grant({ iat, exp: iat + 60 })), { error: 'invalid_grant', code: 'MP-130', includes: 'Issue time is after now' });
      });

      it('rejects an assertion whose iat is more than 10 s behind the server clock with MP-130', async () => {
        const iat = Math.floor(Date.now() / 1000) - 60;
        await refused(() => post(grant({ iat, exp: iat + 100 })), { error: 'invalid_grant', code: 'MP-130', includes: 'behind' });
      });

      it('rejects an assertion whose exp has passed with MP-130', async () => {
        const iat = Math.floor(Date.now() / 1000) - 5;
        await refused(() => post(grant({ iat, exp: iat - 30 })), { error: 'invalid_grant', code: 'MP-130', includes: 'JWT is expired' });
      });

      it('rejects an assertion whose exp is more than 120 s after iat with MP-130', async () => {
        const iat = Math.floor(Date.now() / 1000);
        await refused(() => post(grant({ iat, exp: iat + 121 })), { error: 'invalid_grant', code: 'MP-130', includes: 'more than 120 s after iat' });
      });

      it('accepts an assertion whose exp is exactly 120 s after iat', async () => {
        const iat = Math.floor(Date.now() / 1000);
        await accepted(grant({ iat, exp: iat + 120 }));
      });

      it('rejects an assertion whose exp is not after iat with MP-130', async () => {
        const iat = Math.floor(Date.now() / 1000);
        await refused(() => post(grant({ iat: iat + 5, exp: iat + 5 })), { error: 'invalid_grant', code: 'MP-130', includes: 'exp must be after iat' });
      });

      it('rejects an nbf in the future with MP-130', async () => {
        await refused(() => post(grant({ nbf: Math.floor(Date.now() / 1000) + 60 })), { error: 'invalid_grant', code: 'MP-130', includes: 'nbf' });
      });

      it('rejects a missing exp or a non-numeric iat with MP-011', async () => {
        await refused(() => post(grant({ exp: undefined })), { error: 'invalid_request', code: 'MP-011', includes: 'exp' });
        await refused(() => post(grant({ iat: String(Math.floor(Date.now() / 1000)) })), { error: 'invalid_request', code: 'MP-011', includes: 'iat' });
      });

      it('rejects a jti that is not a string of 1 to 255 printable characters with MP-011', async () => {
        for (const jti of [42, '', 'x'.repeat(256), 'a\u0000b']) {
          await refused(() => post(grant({ jti })), { error: 'invalid_request', code: 'MP-011', includes: 'jti' });
        }
      });

      it('rejects a second grant with the same jti with MP-012', async () => {
        const jti = randomUUID();
        await accepted(grant({ jti }));
        await refused(() => post(grant({ jti })), { error: 'invalid_grant', code: 'MP-012', includes: 'Grant is used before' });
      });

      it('accepts the same jti from two different clients', async () => {
        const jti = randomUUID();
        const other = await keyClient(ORGS.consumer);
        await accepted(grant({ jti }));
        await accepted(signGrant({ alg: 'RS256', kid: other.kid }, grantClaims(ISSUER, other.clientId, S.open, { jti }), testKeyPair(0).privateKey));
      });

      it('accepts a grant without jti once, and rejects the same assertion sent again with MP-012', async () => {
        const assertion = grant({ jti: undefined });
        await accepted(assertion);
        await refused(() => post(assertion), { error: 'invalid_grant', code: 'MP-012' });
      });

      it('rejects a grant without scope, or with a malformed scope, with MP-011', async () => {
        for (const scope of [undefined, '', '   ', 42, ['a:b'], 'a:b "c']) {
          await refused(() => post(grant({ scope })), { error: 'invalid_request', code: 'MP-011', includes: 'scope' });
        }
      });
    });

    describe('the scopes', () => {
      it('rejects an unknown scope with MP-200', async () => {
        await refused(() => post(grant({ scope: 'grunnmurtest:nonexistent' })), { error: 'invalid_scope', code: 'MP-200', includes: 'does not exist' });
      });

      it('rejects a deactivated scope with MP-200', async () => {
        await refused(() => post(grant({ scope: S.inactive })), { error: 'invalid_scope', code: 'MP-200', includes: `The scope ${S.inactive} is deactivated by its owner.` });
      });

      it('rejects a scope not registered on the client with MP-200', async () => {
        await refused(() => post(grant({ scope: `${S.open} ${S.notOnClient}` })), {
          error: 'invalid_scope',
          code: 'MP-200',
          includes: 'not registered on the client',
        });
      });

      it('rejects a scope not allowed for integration type maskinporten with MP-201', async () => {
        await refused(() => post(grant({ scope: S.idporten })), { error: 'invalid_scope', code: 'MP-201' });
        await refused(() => post(grant({ scope: S.userLogin })), { error: 'invalid_scope', code: 'MP-201' });
      });

      it('rejects a scope the consumer has no access to with 403 forbidden and MP-250', async () => {
        await refused(() => post(grant({ scope: `${S.open} ${S.closed}` })), {
          status: 403,
          error: 'forbidden',
          code: 'MP-250',
          includes: `Consumer has not been granted access to the scope ${S.closed}.`,
        });
      });

      it('grants scopes open to all, owned by the consumer, and granted to it, in one token', async () => {
        const { body, claims } = await accepted(grant({ scope: `${S.open} ${S.owned} ${S.granted} ${S.open}` }));
        assert.equal(body.scope, `${S.open} ${S.owned} ${S.granted}`);
        assert.equal(claims.scope, body.scope);
      });
    });

    describe('optional claims', () => {
      it('puts resource values in the token\'s aud (one string, or an array)', async () => {
        assert.equal((await accepted(grant({ resource: ['https://api.example/'] }))).claims.aud, 'https://api.example/');
        assert.equal((await accepted(grant({ resource: 'https://api.example/' }))).claims.aud, 'https://api.example/');
        assert.deepEqual((await accepted(grant({ resource: ['https://a.example/', 'https://b.example/'] }))).claims.aud, [
          'https://a.example/',
          'https://b.example/',
        ]);
      });

      it('rejects a resource that is not a string or an array of strings with MP-011', async () => {
        for (const resource of [42, [], [''], [1, 2], Array.from({ length: 11 }, (_, i) => `https://r${i}.example/`)]) {
          await refused(() => post(grant({ resource })), { error: 'invalid_request', code: 'MP-011', includes: 'resource' });
        }
      });

      it('puts a valid pid in the token', async () => {
        assert.equal((await accepted(grant({ pid: TEST_PID }))).claims.pid, TEST_PID);
      });

      it('rejects a pid that is not a valid fødselsnummer or D-number with MP-011', async () => {
        for (const pid of ['12345678901', '1785854308', 17858543088]) {
          await refused(() => post(grant({ pid })), { error: 'invalid_request', code: 'MP-011', includes: 'pid' });
        }
      });

      it('accepts iss_onbehalfof and leaves it out of the token', async () => {
        const { claims } = await accepted(grant({ iss_onbehalfof: 'kommune-0301' }));
        assert.equal(claims.iss_onbehalfof, undefined);
      });

      it('rejects an iss_onbehalfof that is not a string with MP-011', async () => {
        await refused(() => post(grant({ iss_onbehalfof: { id: 1 } })), { error: 'invalid_request', code: 'MP-011', includes: 'iss_onbehalfof' });
      });
    });

    describe('a supplier acting for a customer (consumer_org)', () => {
      let supplier: { clientId: string; kid: string };
      before(async () => {
        supplier = await keyClient(ORGS.supplier);
      });
      function supplierGrant(claims: Record<string, unknown>): string {
        return signGrant({ alg: 'RS256', kid: supplier.kid }, grantClaims(ISSUER, supplier.clientId, S.delegable, claims), testKeyPair(0).privateKey);
      }

      it('issues a token for the customer, with supplier and delegation_source, when the customer delegated every scope', async () => {
        const { claims } = await accepted(supplierGrant({ consumer_org: ORGS.customer }));
        assert.deepEqual(claims.consumer, { authority: 'iso6523-actorid-upis', ID: `0192:${ORGS.customer}` });
        assert.deepEqual(claims.supplier, { authority: 'iso6523-actorid-upis', ID: `0192:${ORGS.supplier}` });
        assert.equal(claims.delegation_source, 'https://www.altinn.no/');
      });

      it('rejects a scope the customer has not delegated to the supplier with 403 forbidden and MP-251', async () => {
        await refused(() => post(supplierGrant({ consumer_org: ORGS.customer, scope: `${S.delegable} ${S.delegable2}` })), {
          status: 403,
          error: 'forbidden',
          code: 'MP-251',
          includes: `Consumer ${ORGS.customer} has not delegated access to the scope ${S.delegable2} to supplier ${ORGS.supplier}.`,
        });
      });

      it('rejects a scope without delegation_source (not delegable) with 403 forbidden and MP-251', async () => {
        await refused(() => post(supplierGrant({ consumer_org: ORGS.customer, scope: S.open })), {
          status: 403,
          error: 'forbidden',
          code: 'MP-251',
          includes: `the scope ${S.open}`,
        });
      });

      it('rejects a scope the customer itself has no access to with 403 forbidden and MP-250', async () => {
        await refused(() => post(supplierGrant({ consumer_org: ORGS.customer, scope: S.closed })), { status: 403, error: 'forbidden', code: 'MP-250' });
      });

      it('rejects consumer_org equal to the client\'s own organisation with MP-011', async () => {
        await refused(() => post(supplierGrant({ consumer_org: ORGS.supplier })), { error: 'invalid_request', code: 'MP-011', includes: 'own organisation' });
      });

      it('rejects consumer_org together with iss_onbehalfof with MP-011', async () => {
        await refused(() => post(supplierGrant({ consumer_org: ORGS.customer, iss_onbehalfof: 'x' })), {
          error: 'invalid_request',
          code: 'MP-011',
          includes: 'cannot be used together',
        });
      });

      it('rejects a consumer_org that is not a valid organisasjonsnummer with MP-011', async () => {
        for (const consumerOrg of ['123456789', '95893542', 958935420]) {
          await refused(() => post(supplierGrant({ consumer_org: consumerOrg })), { error: 'invalid_request', code: 'MP-011', includes: 'consumer_org' });
        }
      });
    });

    describe('system user (authorization_details)', () => {
      const details = (entry: unknown) => [entry];
      const valid = { type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${ORGS.customer}` } };

      it('issues a system-user token with authorization_details for the customer, consumer = the client\'s organisation', async () => {
        const { claims } = await accepted(grant({ authorization_details: details(valid) }));
        assert.deepEqual(claims.consumer, { authority: 'iso6523-actorid-upis', ID: `0192:${ORGS.consumer}` });
        const [entry] = claims.authorization_details as Array<Record<string, unknown>>;
        assert.equal(entry?.type, 'urn:altinn:systemuser');
        assert.deepEqual(entry?.systemuser_org, valid.systemuser_org);
        assert.equal(entry?.system_id, `${ORGS.consumer}_${main.clientId}`);
        const ids = entry?.systemuser_id as string[];
        assert.equal(ids.length, 1);
        assert.match(ids[0] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const again = await accepted(grant({ authorization_details: details(valid) }));
        assert.deepEqual((again.claims.authorization_details as Array<Record<string, unknown>>)[0]?.systemuser_id, ids, 'stable id');
      });

      it('rejects an unknown authorization details type with invalid_authorization_details and MP-301', async () => {
        await refused(() => post(grant({ authorization_details: details({ ...valid, type: 'urn:altinn:consent' }) })), {
          error: 'invalid_authorization_details',
          code: 'MP-301',
        });
      });

      it('rejects unknown or missing fields in authorization_details with MP-302', async () => {
        for (const entry of [
          { ...valid, extra: 1 },
          { type: valid.type },
          { systemuser_org: valid.systemuser_org },
          { ...valid, systemuser_org: { ...valid.systemuser_org, name: 'x' } },
          { ...valid, systemuser_org: { authority: 'iso6523-actorid-upis' } },
        ]) {
          await refused(() => post(grant({ authorization_details: details(entry) })), { error: 'invalid_authorization_details', code: 'MP-302' });
        }
      });

      it('rejects bad authorization_details values with MP-303', async () => {
        for (const value of [
          valid,
          [],
          [valid, valid],
          ['x'],
          details({ ...valid, systemuser_org: 'org' }),
          details({ ...valid, systemuser_org: { authority: 'x', ID: valid.systemuser_org.ID } }),
          details({ ...valid, systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:123456789' } }),
          details({ ...valid, systemuser_org: { authority: 'iso6523-actorid-upis', ID: `9908:${ORGS.customer}` } }),
        ]) {
          await refused(() => post(grant({ authorization_details: value })), { error: 'invalid_authorization_details', code: 'MP-303' });
        }
      });

      it('rejects authorization_details together with consumer_org with MP-011', async () => {
        await refused(() => post(grant({ authorization_details: details(valid), consumer_org: ORGS.customer })), {
          error: 'invalid_request',
          code: 'MP-011',
        });
      });
    });

    describe('the access token', () => {
      it('is a JWT with header {alg RS256, kid} that verifies with jose against the JWKS at /maskinporten/jwk', async () => {
        const { body, claims } = await accepted(grant());
        const header = decodeProtectedHeader(String(body.access_token));
        assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid']);
        assert.equal(header.alg, 'RS256');
        assert.equal(header.kid, (await t.platform.keys.getSigningKey(ISSUER)).kid);
        assert.deepEqual(Object.keys(claims).sort(), ['client_amr', 'client_id', 'consumer', 'exp', 'iat', 'iss', 'jti', 'scope', 'token_type']);
        assert.equal(claims.iss, ISSUER);
        assert.equal(claims.client_id, main.clientId);
        assert.equal(claims.token_type, 'Bearer');
        assert.deepEqual(claims.consumer, { authority: 'iso6523-actorid-upis', ID: `0192:${ORGS.consumer}` });
        assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 120);
        assert.match(String(claims.jti), /^[A-Za-z0-9_-]{43}$/);
      });

      it('lives as long as the client\'s access_token_lifetime, capped by the lowest at_max_age of its scopes', async () => {
        const { body, claims } = await accepted(grant({ scope: `${S.open} ${S.short}` }));
        assert.equal(body.expires_in, 30);
        assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 30);
      });

      it('still verifies against the JWKS after the issuer\'s key is rotated', async () => {
        const { body } = await accepted(grant());
        const oldKid = decodeProtectedHeader(String(body.access_token)).kid;
        await t.platform.keys.rotate(ISSUER);
        const jwks = (await t.app.inject('/maskinporten/jwk')).json() as { keys: Array<{ kid: string }> };
        assert.ok(jwks.keys.some((k) => k.kid === oldKid), 'the retired key is still published');
        await jwtVerify(String(body.access_token), createLocalJWKSet(jwks as never), { issuer: ISSUER });
        const fresh = await accepted(grant());
        assert.notEqual(decodeProtectedHeader(String(fresh.body.access_token)).kid, oldKid, 'new tokens use the new key');
      });

      it('counts each issued token in the usage statistics (maskinporten/token)', async () => {
        const count = async () => (await t.platform.stats.list({ component: 'maskinporten', event: 'token' })).reduce((n, r) => n + r.count, 0);
        const before = await count();
        await accepted(grant());
        assert.equal(await count(), before + 1);
      });
    });

    describe('the replay register', () => {
      it('accepts the same jti sent concurrently many times exactly once', async () => {
        const jti = randomUUID();
        const before = await writes();
        const results = await Promise.all(Array.from({ length: 12 }, () => post(grant({ jti }))));
        const statuses = results.map((r) => r.statusCode).sort();
        assert.deepEqual(statuses, [200, ...Array<number>(11).fill(400)]);
        for (const r of results.filter((x) => x.statusCode === 400)) assert.match(r.body, /\(MP-012\)/);
        assert.deepEqual(await writes(), { jti: before.jti + 1, tokens: before.tokens + 1 });
      });
    });

    describe('the grant as a domain function', () => {
      it('takes the injected clock: a grant issued an hour ago is accepted when the clock says so, with the configured longest lifetime of 180 s', async () => {
        const now = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
        const deps = grantDeps(t.platform, { now: () => now, maxAssertionLifetimeS: 180, keyCache: new ClientKeyCache() });
        const iat = now / 1000;
        const assertion = signGrant(
          { alg: 'RS256', kid: main.kid },
          grantClaims(ISSUER, main.clientId, S.open, { iat, exp: iat + 180 }, now),
          testKeyPair(0).privateKey,
        );
        const result = await runJwtBearerGrant(deps, { contentType: 'application/x-www-form-urlencoded', body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion } });
        assert.equal(result.claims.iat, iat);
        const tooLong = signGrant(
          { alg: 'RS256', kid: main.kid },
          grantClaims(ISSUER, main.clientId, S.open, { iat, exp: iat + 181 }, now),
          testKeyPair(0).privateKey,
        );
        await assert.rejects(
          runJwtBearerGrant(deps, { contentType: 'application/x-www-form-urlencoded', body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: tooLong } }),
          (err: unknown) => err instanceof GrantError && err.code === 'MP-130',
        );
      });

      it('signs under the issuer <PUBLIC_URL>/maskinporten/', () => {
        assert.equal(maskinportenIssuer(t.platform.config), ISSUER);
      });
    });
  });
}
