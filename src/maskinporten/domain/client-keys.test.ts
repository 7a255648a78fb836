import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { AppError } from '../../platform/errors.ts';
import { findClientKey, listClientKeys } from '../store/clients-store.ts';
import { maskinportenDb } from '../store/db.ts';
import { maskinportenMigrations } from '../store/migrations.ts';
import { registrySnapshot } from '../testing/registry-snapshot.ts';
import { getClientKeys, maxKeyExpiry, setClientKeys } from './client-keys.ts';
import { createClient, deleteClient } from './clients.ts';

const NAV = '889640782';
const SKATT = '974761076';
const nav = { orgno: NAV };

function rsaJwk(kid: string, bits = 2048): Record<string, unknown> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig', private: privateKey.export({ format: 'jwk' }) };
}

function publicOnly(jwk: Record<string, unknown>): Record<string, unknown> {
  const { private: _p, ...pub } = jwk;
  return pub;
}

// Key generation is slow; a handful serve every test.
const keys = Array.from({ length: 6 }, (_, i) => rsaJwk(`key-${i}`));
const pub = (i: number, kid?: string): Record<string, unknown> => ({ ...publicOnly(keys[i]!), ...(kid !== undefined ? { kid } : {}) });

async function rejects(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

for (const engine of testEngines()) {
  describe(`client keys on ${engine}`, () => {
    let db: TestDatabase;
    let clientId: string;
    const now = Date.UTC(2025, 0, 15, 12);

    beforeEach(async () => {
      db = await createTestDatabase(engine, [{ component: 'maskinporten', migrations: maskinportenMigrations }]);
      clientId = (await createClient(db, { client_name: 'nav-klient', integration_type: 'maskinporten' }, nav, { now })).client_id;
    });
    afterEach(() => db.close());

    it('stores up to 5 public keys with exp one calendar year after posting by default', async () => {
      const jwks = await setClientKeys(db, clientId, { keys: [0, 1, 2, 3, 4].map((i) => pub(i)) }, nav, { now });
      assert.equal(jwks.keys.length, 5);
      const oneYear = Date.UTC(2026, 0, 15, 12) / 1000;
      assert.ok(jwks.keys.every((k) => (k as { exp: number }).exp === oneYear));
      assert.equal(jwks.created, new Date(now).toISOString());
      const stored = await findClientKey(maskinportenDb(db), 'key-0');
      assert.equal(stored?.client_id, clientId);
      assert.equal(stored?.expires, oneYear * 1000);
      assert.equal(stored?.jwk.n, keys[0]!.n);
      assert.equal(stored?.jwk.d, undefined);
    });

    it('replaces the whole set on every post (an empty set removes every key)', async () => {
      await setClientKeys(db, clientId, { keys: [pub(0), pub(1)] }, nav, { now });
      await setClientKeys(db, clientId, { keys: [pub(2)] }, nav, { now: now + 1000 });
      assert.deepEqual((await listClientKeys(maskinportenDb(db), clientId)).map((k) => k.kid), ['key-2']);
      await setClientKeys(db, clientId, { keys: [] }, nav, { now: now + 2000 });
      assert.deepEqual(await getClientKeys(db, clientId, nav), { keys: [] });
    });

    it('keeps an exp the caller chose within the year, and lets the same kid be posted again to extend it', async () => {
      const exp = now / 1000 + 30 * 86_400;
      const first = await setClientKeys(db, clientId, { keys: [{ ...pub(0), exp }] }, nav, { now });
      assert.equal((first.keys[0] as { exp: number }).exp, exp);
      const later = await setClientKeys(db, clientId, { keys: [pub(0)] }, nav, { now: now + 86_400_000 });
      assert.equal((later.keys[0] as { exp: number }).exp, maxKeyExpiry(now + 86_400_000) / 1000);
    });

    it('accepts RS384/RS512 and keys without alg or use, and 4096-bit keys', async () => {
      const big = rsaJwk('big', 4096);
      const { alg: _a, use: _u, ...bare } = pub(1);
      await setClientKeys(db, clientId, { keys: [{ ...pub(0), alg: 'RS512' }, bare, publicOnly(big)] }, nav, { now });
      assert.equal((await listClientKeys(maskinportenDb(db), clientId)).length, 3);
    });

    it('rejects a 6th key with MASKINPORTEN_TOO_MANY_KEYS and keeps the old set', async () => {
      await setClientKeys(db, clientId, { keys: [pub(0)] }, nav, { now });
      const before = await registrySnapshot(db);
      await rejects(setClientKeys(db, clientId, { keys: [0, 1, 2, 3, 4, 5].map((i) => pub(i)) }, nav, { now }), 'MASKINPORTEN_TOO_MANY_KEYS', /at most 5/);
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('rejects private key material (d, p, q, …) with MASKINPORTEN_PRIVATE_KEY_MATERIAL and stores nothing', async () => {
      const before = await registrySnapshot(db);
      const privateJwk = { ...(keys[0]!.private as Record<string, unknown>), kid: 'oops', alg: 'RS256' };
      await rejects(setClientKeys(db, clientId, { keys: [pub(1), privateJwk] }, nav, { now }), 'MASKINPORTEN_PRIVATE_KEY_MATERIAL', /keys\[1\].*d, p, q, dp, dq, qi/);
      await rejects(setClientKeys(db, clientId, { keys: [{ ...pub(1), k: 'c2VjcmV0' }] }, nav, { now }), 'MASKINPORTEN_PRIVATE_KEY_MATERIAL', /\(k\)/);
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('rejects a kid with other characters than letters, digits and ._- with MASKINPORTEN_INVALID_KID', async () => {
      const before = await registrySnapshot(db);
      for (const kid of ['has space', 'slash/kid', 'æøå', '', 'x'.repeat(256)]) {
        await rejects(setClientKeys(db, clientId, { keys: [pub(0, kid)] }, nav, { now }), 'MASKINPORTEN_INVALID_KID');
      }
      await setClientKeys(db, clientId, { keys: [pub(0, 'Org_2025.q1-key')] }, nav, { now });
      assert.equal((await listClientKeys(maskinportenDb(db), clientId))[0]?.kid, 'Org_2025.q1-key');
      assert.notDeepEqual(await registrySnapshot(db), before);
    });

    it('rejects the same kid twice in one set with MASKINPORTEN_DUPLICATE_KID', async () => {
      const before = await registrySnapshot(db);
      await rejects(setClientKeys(db, clientId, { keys: [pub(0, 'same'), pub(1, 'same')] }, nav, { now }), 'MASKINPORTEN_DUPLICATE_KID');
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it("rejects a kid registered on another organisation's client with MASKINPORTEN_KID_IN_USE (409)", async () => {
      const other = await createClient(db, { client_name: 'skatt', integration_type: 'maskinporten' }, { orgno: SKATT }, { now });
      await setClientKeys(db, other.client_id, { keys: [pub(0, 'shared-kid')] }, { orgno: SKATT }, { now });
      const before = await registrySnapshot(db);
      await rejects(setClientKeys(db, clientId, { keys: [pub(1), pub(2, 'shared-kid')] }, nav, { now }), 'MASKINPORTEN_KID_IN_USE', /shared-kid/);
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it("frees a deleted client's kids", async () => {
      const other = await createClient(db, { client_name: 'nav 2', integration_type: 'maskinporten' }, nav, { now });
      await setClientKeys(db, other.client_id, { keys: [pub(0, 'reused')] }, nav, { now });
      await deleteClient(db, other.client_id, nav, { now });
      await setClientKeys(db, clientId, { keys: [pub(1, 'reused')] }, nav, { now });
      assert.equal((await findClientKey(maskinportenDb(db), 'reused'))?.client_id, clientId);
    });

    it('rejects non-RSA, short, wrongly declared or broken keys with MASKINPORTEN_UNSUPPORTED_KEY', async () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      const short = publicOnly(rsaJwk('short', 1024));
      const before = await registrySnapshot(db);
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ ...ec, kid: 'ec' }, /kty must be "RSA"/],
        [short, /1024 bits/],
        [{ ...pub(0), alg: 'PS256' }, /alg must be one of RS256, RS384, RS512/],
        [{ ...pub(0), alg: 'none' }, /alg/],
        [{ ...pub(0), use: 'enc' }, /use must be "sig"/],
        [{ ...pub(0), key_ops: ['encrypt'] }, /key_ops/],
        [{ ...pub(0), n: 'not!base64' }, /not a valid RSA public key/],
        [{ kty: 'RSA', kid: 'no-n', e: 'AQAB' }, /needs n and e/],
        [{ ...pub(0), x5c: ['bm90IGEgY2VydA=='] }, /x5c\[0\] is not/],
      ];
      for (const [jwk, message] of cases) await rejects(setClientKeys(db, clientId, { keys: [jwk] }, nav, { now }), 'MASKINPORTEN_UNSUPPORTED_KEY', message);
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('rejects exp more than one year after posting, in the past, or not whole seconds with MASKINPORTEN_INVALID_KEY_EXPIRY', async () => {
      const before = await registrySnapshot(db);
      const latest = maxKeyExpiry(now) / 1000;
      await rejects(setClientKeys(db, clientId, { keys: [{ ...pub(0), exp: latest + 1 }] }, nav, { now }), 'MASKINPORTEN_INVALID_KEY_EXPIRY', /more than one year/);
      await rejects(setClientKeys(db, clientId, { keys: [{ ...pub(0), exp: now / 1000 - 1 }] }, nav, { now }), 'MASKINPORTEN_INVALID_KEY_EXPIRY', /in the past/);
      await rejects(setClientKeys(db, clientId, { keys: [{ ...pub(0), exp: latest - 0.5 }] }, nav, { now }), 'MASKINPORTEN_INVALID_KEY_EXPIRY', /whole epoch seconds/);
      assert.deepEqual(await registrySnapshot(db), before);
      await setClientKeys(db, clientId, { keys: [{ ...pub(0), exp: latest }] }, nav, { now });
    });

    it("answers MASKINPORTEN_CLIENT_NOT_FOUND for another organisation's client and MASKINPORTEN_CLIENT_INACTIVE for a deleted one", async () => {
      const before = await registrySnapshot(db);
      await rejects(setClientKeys(db, clientId, { keys: [pub(0)] }, { orgno: SKATT }, { now }), 'MASKINPORTEN_CLIENT_NOT_FOUND');
      await rejects(getClientKeys(db, clientId, { orgno: SKATT }), 'MASKINPORTEN_CLIENT_NOT_FOUND');
      await rejects(setClientKeys(db, 'no-such-client', { keys: [pub(0)] }, nav, { now }), 'MASKINPORTEN_CLIENT_NOT_FOUND');
      assert.deepEqual(await registrySnapshot(db), before);
      await deleteClient(db, clientId, nav, { now });
      const deleted = await registrySnapshot(db);
      await rejects(setClientKeys(db, clientId, { keys: [pub(0)] }, nav, { now }), 'MASKINPORTEN_CLIENT_INACTIVE');
      assert.deepEqual(await registrySnapshot(db), deleted);
    });
  });
}
