import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import pino from 'pino';
import { AppError } from '../errors.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { KeyStore, keysMigrations } from '../keys/key-store.ts';
import { localJwks, type CachedJwks } from './jwks-source.ts';
import { mintTestToken, TEST_CONSUMER_ORGNO } from './testing.ts';
import { TOKEN_CLOCK_SKEW_S, TokenVerifier, VERIFIED_TOKEN_RECHECK_S } from './token-verifier.ts';

const log = pino({ level: 'silent' });
const ISSUER = 'http://localhost:8080/maskinporten/';
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, epoch ms
const SCOPE = 'krr:global/kontaktinformasjon.read';

function store(db: Database, algorithm: 'RS256' | 'ES256' = 'RS256'): KeyStore {
  return new KeyStore(db, { rotationIntervalMs: 30 * 86_400_000, algorithm, log });
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Asserts that `promise` rejects with the AppError `code` and a message matching `message`. */
async function rejectsWith(promise: Promise<unknown>, code: string, status: number, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    assert.match(err.message, message);
    return true;
  });
}

for (const engine of testEngines()) {
  describe(`Maskinporten token verification on ${engine}`, () => {
    let db: TestDatabase;
    let keys: KeyStore;
    let clock: number;
    let jwks: CachedJwks;
    let verifier: TokenVerifier;
    const now = () => clock;
    const mint = async (options: Parameters<typeof mintTestToken>[2] = {}) =>
      mintTestToken(await keys.getSigningKey(ISSUER), ISSUER, { now: clock, scope: [SCOPE], ...options });

    beforeEach(async () => {
      db = await createTestDatabase(engine, [{ component: 'platform_keys', migrations: keysMigrations }], { file: true });
      keys = store(db);
      await keys.registerIssuer(ISSUER, { maxTokenLifetimeS: 120 });
      clock = T0;
      jwks = localJwks(keys, ISSUER, { now });
      verifier = new TokenVerifier({ issuer: ISSUER, jwks, now });
    });
    afterEach(() => db.close());

    it('accepts a token of the own Maskinporten and returns client, consumer, supplier, scopes, pid and audience', async () => {
      const token = await mint({
        scope: [SCOPE, 'krr:global/digitalpost.read'],
        supplierOrgno: '974760673',
        claims: { pid: '01017012345', aud: 'https://api.example/krr', delegation_source: 'https://tt02.altinn.no' },
      });
      const verified = await verifier.verify(token, { requiredScopes: [SCOPE], audience: 'https://api.example/krr' });
      assert.equal(verified.clientId, 'test-client');
      assert.equal(verified.consumerOrgno, TEST_CONSUMER_ORGNO);
      assert.equal(verified.supplierOrgno, '974760673');
      assert.deepEqual(verified.scopes, [SCOPE, 'krr:global/digitalpost.read']);
      assert.equal(verified.pid, '01017012345');
      assert.deepEqual(verified.audience, ['https://api.example/krr']);
      assert.equal(verified.claims.delegation_source, 'https://tt02.altinn.no');
      assert.equal(verified.claims.token_type, 'Bearer');
    });

    it('accepts a token that jose verifies with the published JWKS too', async () => {
      const token = await mint();
      const { payload } = await jwtVerify(token, createLocalJWKSet(await keys.getJwks(ISSUER)), { issuer: ISSUER, currentDate: new Date(T0) });
      assert.equal(payload.iss, ISSUER);
      assert.equal((await verifier.verify(token)).consumerOrgno, TEST_CONSUMER_ORGNO);
    });

    it('accepts iss with or without the trailing slash', async () => {
      const token = await mint({ claims: { iss: ISSUER.slice(0, -1) } });
      assert.equal((await verifier.verify(token)).claims.iss, ISSUER.slice(0, -1));
      const bare = new TokenVerifier({ issuer: ISSUER.slice(0, -1), jwks, now });
      assert.equal((await bare.verify(await mint())).clientId, 'test-client');
    });

    it('accepts a token whose exp passed at most 10 s ago, and rejects one expired longer with AUTH_TOKEN_EXPIRED', async () => {
      const token = await mint({ lifetimeS: 60 });
      clock = T0 + (60 + TOKEN_CLOCK_SKEW_S - 1) * 1000;
      assert.equal((await verifier.verify(token)).clientId, 'test-client');
      clock = T0 + (60 + TOKEN_CLOCK_SKEW_S) * 1000;
      await rejectsWith(verifier.verify(token), 'AUTH_TOKEN_EXPIRED', 401, /expired/);
    });

    it('accepts iat up to 10 s in the future, and rejects iat further ahead with AUTH_TOKEN_INVALID', async () => {
      const ahead = await mint({ now: T0 + TOKEN_CLOCK_SKEW_S * 1000 });
      assert.equal((await verifier.verify(ahead)).clientId, 'test-client');
      const tooFar = await mint({ now: T0 + (TOKEN_CLOCK_SKEW_S + 1) * 1000 });
      await rejectsWith(verifier.verify(tooFar), 'AUTH_TOKEN_INVALID', 401, /iat is more than 10 s in the future/);
    });

    it('rejects nbf more than 10 s in the future', async () => {
      const token = await mint({ claims: { nbf: T0 / 1000 + TOKEN_CLOCK_SKEW_S + 1 } });
      await rejectsWith(verifier.verify(token), 'AUTH_TOKEN_INVALID', 401, /nbf/);
    });

    it('rejects a token without exp or iat', async () => {
      await rejectsWith(verifier.verify(await mint({ claims: { exp: undefined } })), 'AUTH_TOKEN_INVALID', 401, /"exp"/);
      await rejectsWith(verifier.verify(await mint({ claims: { iat: undefined } })), 'AUTH_TOKEN_INVALID', 401, /"iat"/);
    });

    it('rejects a token of another issuer without reading the JWKS again', async () => {
      await verifier.verify(await mint());
      const reads = jwks.reads;
      const token = await mint({ claims: { iss: 'https://test.maskinporten.no/' } });
      await rejectsWith(verifier.verify(token), 'AUTH_TOKEN_INVALID', 401, /not issued by http:\/\/localhost:8080\/maskinporten\//);
      assert.equal(jwks.reads, reads);
    });

    it('rejects a token signed by another key under the current kid (bad signature)', async () => {
      const current = await keys.getSigningKey(ISSUER);
      const other = await generateKeyPair('RS256');
      const token = await mintTestToken({ alg: 'RS256', kid: current.kid, privateKey: other.privateKey }, ISSUER, { now: clock });
      await rejectsWith(verifier.verify(token), 'AUTH_TOKEN_INVALID', 401, /signature is invalid/);
      const [h, , s] = (await mint()).split('.');
      const tampered = `${h}.${b64({ iss: ISSUER, client_id: 'x', iat: T0 / 1000, exp: T0 / 1000 + 60 })}.${s}`;
      await rejectsWith(verifier.verify(tampered), 'AUTH_TOKEN_INVALID', 401, /signature is invalid/);
    });

    it('rejects alg none and HS256 before looking up any key', async () => {
      const current = await keys.getSigningKey(ISSUER);
      const claims = { iss: ISSUER, client_id: 'x', iat: T0 / 1000, exp: T0 / 1000 + 60, consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' } };
      const none = `${b64({ alg: 'none', kid: current.kid })}.${b64(claims)}.`;
      await rejectsWith(verifier.verify(none), 'AUTH_TOKEN_INVALID', 401, /alg none is not accepted/);
      const secret = new TextEncoder().encode(JSON.stringify(current.publicJwk));
      const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: current.kid }).sign(secret);
      await rejectsWith(verifier.verify(hs), 'AUTH_TOKEN_INVALID', 401, /alg HS256 is not accepted/);
    });

    it('rejects malformed tokens with AUTH_TOKEN_INVALID', async () => {
      for (const garbage of ['', 'abc', 'a.b.c', `${b64({ alg: 'RS256' })}.bm90IGpzb24.x`, 'x'.repeat(20_000), 'a.b.c.d.e']) {
        await rejectsWith(verifier.verify(garbage), 'AUTH_TOKEN_INVALID', 401, /not a signed JWT|not accepted|no kid|not issued/);
      }
      await rejectsWith(verifier.verify(await mint({ header: { kid: undefined } })), 'AUTH_TOKEN_INVALID', 401, /no kid/);
    });

    it('rejects an unknown kid after reading the JWKS once more', async () => {
      await verifier.verify(await mint());
      assert.equal(jwks.reads, 1);
      const stranger = await generateKeyPair('RS256');
      const token = await mintTestToken({ alg: 'RS256', kid: 'not-published', privateKey: stranger.privateKey }, ISSUER, { now: clock });
      await rejectsWith(verifier.verify(token), 'AUTH_TOKEN_INVALID', 401, /key not-published is not in the issuer's JWKS/);
      assert.equal(jwks.reads, 2);
      await rejectsWith(verifier.verify(await mint({ header: { kid: 'another' } })), 'AUTH_TOKEN_INVALID', 401, /key another is not in/);
      assert.equal(jwks.reads, 3);
      assert.equal((await verifier.verify(await mint())).clientId, 'test-client');
      assert.equal(jwks.reads, 3);
    });

    it('rejects a consumer that is not iso6523-actorid-upis 0192:<orgno>, and a token without consumer or client_id', async () => {
      const bad = [
        { authority: 'iso6523-actorid-upis', ID: '9908:991825827' },
        { authority: 'other', ID: '0192:991825827' },
        { authority: 'iso6523-actorid-upis', ID: '0192:12345' },
        { authority: 'iso6523-actorid-upis', ID: '991825827' },
        '0192:991825827',
        null,
      ];
      for (const consumer of bad) {
        await rejectsWith(verifier.verify(await mint({ claims: { consumer } })), 'AUTH_TOKEN_INVALID', 401, /consumer is not an iso6523-actorid-upis/);
      }
      await rejectsWith(verifier.verify(await mint({ claims: { consumer: undefined } })), 'AUTH_TOKEN_INVALID', 401, /no consumer/);
      await rejectsWith(verifier.verify(await mint({ claims: { client_id: undefined } })), 'AUTH_TOKEN_INVALID', 401, /no client_id/);
      const fourParts = await mint({ claims: { consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827:sub:x' } } });
      assert.equal((await verifier.verify(fourParts)).consumerOrgno, '991825827');
    });

    it('demands every required scope, or one of them with anyOf, and names the missing ones (403 AUTH_INSUFFICIENT_SCOPE)', async () => {
      const token = await mint({ scope: [SCOPE] });
      await rejectsWith(
        verifier.verify(token, { requiredScopes: [SCOPE, 'krr:global/digitalpost.read'] }),
        'AUTH_INSUFFICIENT_SCOPE',
        403,
        /^The token lacks the scope krr:global\/digitalpost.read$/,
      );
      assert.equal((await verifier.verify(token, { requiredScopes: [SCOPE, 'krr:global/digitalpost.read'], anyOf: true })).clientId, 'test-client');
      await rejectsWith(verifier.verify(token, { requiredScopes: ['a:b', 'c:d'], anyOf: true }), 'AUTH_INSUFFICIENT_SCOPE', 403, /none of the scopes a:b, c:d/);
      await rejectsWith(verifier.verify(await mint({ scope: [] }), { requiredScopes: [SCOPE] }), 'AUTH_INSUFFICIENT_SCOPE', 403, /lacks the scope/);
    });

    describe('verified tokens kept', () => {
      /** A verifier whose key lookups are counted: each full verification looks one key up. */
      const counted = () => {
        const source = { description: jwks.description, lookups: 0, getKey: (...args: Parameters<CachedJwks['getKey']>) => (source.lookups++, jwks.getKey(...args)) };
        return { source, verifier: new TokenVerifier({ issuer: ISSUER, jwks: source, now }) };
      };

      it('checks a token\'s signature once: the same token again reads no key', async () => {
        const { source, verifier: v } = counted();
        const token = await mint();
        for (let i = 0; i < 3; i++) assert.equal((await v.verify(token, { requiredScopes: [SCOPE] })).clientId, 'test-client');
        assert.equal(source.lookups, 1);
        await v.verify(await mint({ claims: { jti: 'another' } }));
        assert.equal(source.lookups, 2);
      });

      it('still refuses a kept token once expired, for a missing scope, and for another audience, with the same errors', async () => {
        const { verifier: v } = counted();
        const token = await mint({ lifetimeS: 60, claims: { aud: 'unspecified' } });
        await v.verify(token);
        await rejectsWith(v.verify(token, { requiredScopes: ['krr:global/digitalpost.read'] }), 'AUTH_INSUFFICIENT_SCOPE', 403, /krr:global\/digitalpost\.read/);
        await rejectsWith(v.verify(token, { audience: 'https://api.example/krr' }), 'AUTH_TOKEN_INVALID', 401, /"aud"/);
        clock = T0 + (60 + TOKEN_CLOCK_SKEW_S) * 1000;
        await rejectsWith(v.verify(token), 'AUTH_TOKEN_EXPIRED', 401, /expired/);
      });

      it(`checks the signature again after ${VERIFIED_TOKEN_RECHECK_S} s`, async () => {
        const { source, verifier: v } = counted();
        const token = await mint({ lifetimeS: 3600 });
        await v.verify(token);
        clock = T0 + (VERIFIED_TOKEN_RECHECK_S - 1) * 1000;
        await v.verify(token);
        assert.equal(source.lookups, 1);
        clock = T0 + VERIFIED_TOKEN_RECHECK_S * 1000;
        await v.verify(token);
        assert.equal(source.lookups, 2);
      });

      it('does not keep a token that failed: a bad signature is refused every time', async () => {
        const { source, verifier: v } = counted();
        const [h, p] = (await mint()).split('.');
        const forged = `${h}.${p}.${Buffer.from('x'.repeat(256)).toString('base64url')}`;
        await rejectsWith(v.verify(forged), 'AUTH_TOKEN_INVALID', 401, /signature/);
        await rejectsWith(v.verify(forged), 'AUTH_TOKEN_INVALID', 401, /signature/);
        assert.equal(source.lookups, 2);
      });
    });

    it('checks aud against the API\'s audience when it names one', async () => {
      const token = await mint({ claims: { aud: 'unspecified' } });
      assert.deepEqual((await verifier.verify(token)).audience, ['unspecified']);
      await rejectsWith(verifier.verify(token, { audience: 'https://api.example/krr' }), 'AUTH_TOKEN_INVALID', 401, /"aud"/);
      const scoped = await mint({ claims: { aud: ['https://api.example/krr', 'https://other'] } });
      assert.equal((await verifier.verify(scoped, { audience: 'https://api.example/krr' })).clientId, 'test-client');
    });

    it('refuses a token restricted to another API\'s audience when the API names none (RFC 8707)', async () => {
      const scoped = await mint({ claims: { aud: 'https://other.api/' } });
      await rejectsWith(verifier.verify(scoped), 'AUTH_TOKEN_INVALID', 401, /restricted to the audience https:\/\/other\.api\/, not this API/);
      assert.equal((await verifier.verify(await mint({}))).clientId, 'test-client');
    });

    it('keeps accepting a token signed before a rotation in another process, and accepts the new key without restart', async () => {
      const other = await openDatabase(db.url);
      try {
        const maskinporten = store(other);
        const first = await maskinporten.getSigningKey(ISSUER);
        const before = await mintTestToken(first, ISSUER, { now: clock, scope: SCOPE });
        assert.equal((await verifier.verify(before)).clientId, 'test-client');
        const rotated = await maskinporten.rotate(ISSUER);
        const after = await mintTestToken(rotated, ISSUER, { now: clock, scope: SCOPE });
        assert.equal((await verifier.verify(after)).clientId, 'test-client');
        assert.equal((await verifier.verify(before)).clientId, 'test-client');
        assert.equal(jwks.reads, 2);
        const { keys: published } = await keys.getJwks(ISSUER);
        assert.deepEqual(
          published.map((k) => k.kid),
          [rotated.kid, first.kid],
        );
      } finally {
        await other.close();
      }
    });

    it('accepts ES256 tokens of a Grunnmur with KEY_ALGORITHM=ES256', async () => {
      const es = store(db, 'ES256');
      const issuer = 'http://localhost:8080/es/maskinporten/';
      const key = await es.getSigningKey(issuer);
      assert.equal(key.alg, 'ES256');
      const esVerifier = new TokenVerifier({ issuer, jwks: localJwks(es, issuer, { now }), now });
      const verified = await esVerifier.verify(await mintTestToken(key, issuer, { now: clock, scope: SCOPE }), { requiredScopes: [SCOPE] });
      assert.equal(verified.consumerOrgno, TEST_CONSUMER_ORGNO);
    });
  });
}
