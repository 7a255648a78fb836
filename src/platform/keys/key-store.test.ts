import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import pino from 'pino';
import { openDatabase, type Database } from '../db/database.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { JobQueue, jobsMigrations } from '../jobs/job-queue.ts';
import { KEY_CLOCK_SKEW_S, KeyStore, keysMigrations, registerKeyRotation } from './key-store.ts';

const log = pino({ level: 'silent' });
const ISSUER = 'http://localhost:8080/maskinporten';
const DAY = 86_400_000;

function store(db: Database, overrides: Partial<{ rotationIntervalMs: number; algorithm: 'RS256' | 'ES256'; cacheMs: number }> = {}) {
  return new KeyStore(db, { rotationIntervalMs: 30 * DAY, algorithm: 'ES256', log, ...overrides });
}

async function currentKeys(db: Database, issuer = ISSUER): Promise<number> {
  const rows = await db.kysely
    .selectFrom('platform_signing_keys')
    .select('kid')
    .where('issuer', '=', issuer)
    .where('is_current', '=', 1)
    .execute();
  return rows.length;
}

async function sign(key: Awaited<ReturnType<KeyStore['getSigningKey']>>): Promise<string> {
  return new SignJWT({ scope: 'test:read' })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(key.privateKey);
}

for (const engine of testEngines()) {
  describe(`signing keys on ${engine}`, () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase(
        engine,
        [
          { component: 'platform_keys', migrations: keysMigrations },
          { component: 'platform_jobs', migrations: jobsMigrations },
        ],
        { file: true },
      );
    });
    afterEach(() => db.close());

    it('creates the first key of an issuer once, even when many callers ask at the same time', async () => {
      const second = await openDatabase(db.url);
      try {
        const stores = [store(db), store(db), store(second), store(second)];
        const keys = await Promise.all(stores.flatMap((s) => [s.getSigningKey(ISSUER), s.getSigningKey(ISSUER)]));
        assert.equal(new Set(keys.map((k) => k.kid)).size, 1);
        assert.equal(await currentKeys(db), 1);
        const total = await db.kysely.selectFrom('platform_signing_keys').select('kid').execute();
        assert.equal(total.length, 1);
      } finally {
        await second.close();
      }
    });

    it('uses the RFC 7638 thumbprint as kid and publishes kid, alg and use=sig', async () => {
      const keys = store(db, { algorithm: 'RS256' });
      const key = await keys.getSigningKey(ISSUER);
      const { calculateJwkThumbprint } = await import('jose');
      assert.equal(key.kid, await calculateJwkThumbprint(key.publicJwk));
      assert.equal(key.alg, 'RS256');
      const jwks = await keys.getJwks(ISSUER);
      assert.equal(jwks.keys.length, 1);
      const [jwk] = jwks.keys;
      assert.equal(jwk?.kid, key.kid);
      assert.equal(jwk?.alg, 'RS256');
      assert.equal(jwk?.use, 'sig');
      assert.equal(jwk?.d, undefined, 'no private part in the JWKS');
    });

    it('keeps verifying a token signed with the old key after rotation, until its window closes', async () => {
      const keys = store(db);
      await keys.registerIssuer(ISSUER, { maxTokenLifetimeS: 120 });
      const old = await keys.getSigningKey(ISSUER);
      const token = await sign(old);

      const rotatedAt = Date.now();
      const fresh = await keys.rotate(ISSUER, rotatedAt);
      assert.notEqual(fresh.kid, old.kid);
      assert.equal((await keys.getSigningKey(ISSUER)).kid, fresh.kid, 'the new key signs');

      const jwks = await keys.getJwks(ISSUER);
      assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [old.kid, fresh.kid].sort());
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER });
      assert.equal(payload.scope, 'test:read');

      const row = await db.kysely.selectFrom('platform_signing_keys').selectAll().where('kid', '=', old.kid).executeTakeFirstOrThrow();
      assert.equal(row.verify_until_at, rotatedAt + (120 + KEY_CLOCK_SKEW_S) * 1000);

      // Past the window: rotateDue deletes the old key and the JWKS no longer lists it.
      await keys.rotateDue(rotatedAt + (120 + KEY_CLOCK_SKEW_S) * 1000 + 1);
      const later = await keys.getJwks(ISSUER);
      assert.deepEqual(later.keys.map((k) => k.kid), [fresh.kid]);
      await assert.rejects(jwtVerify(token, createLocalJWKSet(later)), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    });

    it('leaves a retired key out of the JWKS once its window is over, even before it is deleted', async () => {
      const keys = store(db);
      await keys.registerIssuer(ISSUER, { maxTokenLifetimeS: 60 });
      const old = await keys.getSigningKey(ISSUER);
      const fresh = await keys.rotate(ISSUER, Date.now() - (60 + KEY_CLOCK_SKEW_S) * 1000 - 1000);
      const jwks = await keys.getJwks(ISSUER);
      assert.deepEqual(jwks.keys.map((k) => k.kid), [fresh.kid]);
      assert.notEqual(old.kid, fresh.kid);
    });

    it('rotates in rotateDue only the issuers whose current key is older than the interval', async () => {
      const keys = store(db, { rotationIntervalMs: 10 * DAY });
      const other = 'http://localhost:8080/idporten';
      const t0 = Date.now();
      const first = await keys.getSigningKey(ISSUER);
      await keys.rotate(other, t0 - 5 * DAY); // other's first key, made 5 days ago
      assert.deepEqual(await keys.rotateDue(t0), []);
      assert.deepEqual(await keys.rotateDue(t0 + 4 * DAY), []);
      assert.deepEqual(await keys.rotateDue(t0 + 6 * DAY), [other]);
      assert.equal((await keys.getSigningKey(ISSUER)).kid, first.kid, 'the issuer that was not due keeps its key');
      assert.deepEqual(await keys.rotateDue(t0 + 10 * DAY + 1000), [ISSUER]);
      assert.notEqual((await keys.getSigningKey(ISSUER)).kid, first.kid);
      assert.deepEqual(await keys.rotateDue(t0 + 10 * DAY + 2000), [], 'fresh keys are not due again');
    });

    it('ends with exactly one current key when two stores on one database rotate at the same time', async () => {
      const second = await openDatabase(db.url);
      try {
        const a = store(db, { rotationIntervalMs: DAY });
        const b = store(second, { rotationIntervalMs: DAY });
        await a.getSigningKey(ISSUER);
        const later = Date.now() + 2 * DAY;
        const [ra, rb] = await Promise.all([a.rotateDue(later), b.rotateDue(later)]);
        assert.equal(ra.length + rb.length, 1, 'one of them rotated');
        assert.equal(await currentKeys(db), 1);

        const results = await Promise.all([a.rotate(ISSUER), b.rotate(ISSUER), a.rotate(ISSUER), b.rotate(ISSUER)]);
        assert.equal(await currentKeys(db), 1);
        const current = await db.kysely
          .selectFrom('platform_signing_keys')
          .select('kid')
          .where('is_current', '=', 1)
          .executeTakeFirstOrThrow();
        assert.ok(results.some((k) => k.kid === current.kid), 'a rotation returned the key that is current now');
      } finally {
        await second.close();
      }
    });

    it('keeps each issuer separate: a rotation of one does not touch the other', async () => {
      const keys = store(db);
      const a = await keys.getSigningKey('https://a.example');
      const b = await keys.getSigningKey('https://b.example');
      await keys.rotate('https://a.example');
      assert.equal((await keys.getSigningKey('https://b.example')).kid, b.kid);
      assert.notEqual((await keys.getSigningKey('https://a.example')).kid, a.kid);
      assert.deepEqual((await keys.getJwks('https://b.example')).keys.map((k) => k.kid), [b.kid]);
    });

    it('rejects a bad lifetime with KEYS_INVALID_LIFETIME and stores nothing', async () => {
      const keys = store(db);
      await assert.rejects(keys.registerIssuer(ISSUER, { maxTokenLifetimeS: 0 }), { code: 'KEYS_INVALID_LIFETIME' });
      await assert.rejects(keys.registerIssuer(ISSUER, { maxTokenLifetimeS: 1.5 }), { code: 'KEYS_INVALID_LIFETIME' });
      const rows = await db.kysely.selectFrom('platform_signing_issuers').selectAll().execute();
      assert.equal(rows.length, 0);
    });

    it('registers platform.keys.rotate as a recurring job that rotates due keys', async () => {
      const keys = store(db, { rotationIntervalMs: 1 });
      const first = await keys.getSigningKey(ISSUER);
      const jobs = new JobQueue(db, { leaseMs: 30_000, pollIntervalMs: 1000, concurrency: 1, log });
      try {
        await registerKeyRotation(jobs, keys, 3_600_000);
        await registerKeyRotation(new JobQueue(db, { leaseMs: 30_000, pollIntervalMs: 1000, concurrency: 1, log }), keys);
        const scheduled = await db.kysely.selectFrom('platform_jobs').select('queue').where('queue', '=', 'platform.keys.rotate').execute();
        assert.equal(scheduled.length, 1, 'one recurring job however many processes register it');
        await new Promise((resolve) => setTimeout(resolve, 5));
        assert.equal(await jobs.runDue(), 1);
        assert.notEqual((await keys.getSigningKey(ISSUER)).kid, first.kid, 'the job rotated the due key');
      } finally {
        await jobs.stop();
      }
    });
  });
}
