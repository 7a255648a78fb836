import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines } from '../../platform/db/testing.ts';
import { idportenMigrations } from './migrations.ts';
import { ensureSecret, OidcDbAdapter, purgeExpiredPayloads } from './payloads-store.ts';

const migrations = [{ component: 'idporten', migrations: idportenMigrations }];
const noClients = () => undefined;

for (const engine of testEngines()) {
  describe(`oidc-provider adapter on ${engine}`, () => {
    it('lets exactly one of two concurrent redemptions of a code through and revokes its grant for the other', async () => {
      const db = await createTestDatabase(engine, migrations);
      try {
        const codes = new OidcDbAdapter('AuthorizationCode', db, noClients);
        const tokens = new OidcDbAdapter('RefreshToken', db, noClients);
        await codes.upsert('code-1', { jti: 'code-1', grantId: 'grant-1', iat: 1 }, 60);
        await tokens.upsert('rt-1', { jti: 'rt-1', grantId: 'grant-1' }, 600);
        const results = await Promise.allSettled([codes.consume('code-1'), codes.consume('code-1')]);
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.equal((rejected.reason as { error: string }).error, 'invalid_grant');
        assert.equal(await codes.find('code-1'), undefined);
        assert.equal(await tokens.find('rt-1'), undefined);
      } finally {
        await db.close();
      }
    });

    it('reports a used artefact with consumed (epoch seconds)', async () => {
      const db = await createTestDatabase(engine, migrations);
      try {
        const codes = new OidcDbAdapter('AuthorizationCode', db, noClients);
        await codes.upsert('code-2', { jti: 'code-2' }, 60);
        await codes.consume('code-2');
        const found = await codes.find('code-2');
        assert.equal(typeof found?.consumed, 'number');
      } finally {
        await db.close();
      }
    });

    it('gives pushed authorization requests a fixed 120 s lifetime whatever oidc-provider asks', async () => {
      const db = await createTestDatabase(engine, migrations);
      try {
        const par = new OidcDbAdapter('PushedAuthorizationRequest', db, noClients, 120);
        await par.upsert('req-1', { jti: 'req-1', iat: 1000, exp: 1060 }, 60);
        assert.equal((await par.find('req-1'))?.exp, 1120);
        const row = await db.kysely.selectFrom('idporten_oidc_payloads').select('expires_at').where('id', '=', 'req-1').executeTakeFirstOrThrow();
        const left = Number((row as { expires_at: unknown }).expires_at) - Date.now();
        assert.ok(left > 60_000 && left <= 120_000, `expires in ${left} ms`);
      } finally {
        await db.close();
      }
    });

    it('hides expired artefacts and the purge deletes them', async () => {
      const db = await createTestDatabase(engine, migrations);
      try {
        const sessions = new OidcDbAdapter('Session', db, noClients);
        await sessions.upsert('s-old', { uid: 'u-old' }, 60);
        await sessions.upsert('s-new', { uid: 'u-new' }, 60);
        await db.kysely.updateTable('idporten_oidc_payloads').set({ expires_at: 1 }).where('id', '=', 's-old').execute();
        assert.equal(await sessions.find('s-old'), undefined);
        assert.deepEqual(await sessions.findByUid('u-new'), { uid: 'u-new' });
        assert.equal(await purgeExpiredPayloads(db), 1);
        assert.deepEqual(await sessions.find('s-new'), { uid: 'u-new' });
      } finally {
        await db.close();
      }
    });

    it('keeps the first secret made when two processes race', async () => {
      const db = await createTestDatabase(engine, migrations);
      try {
        const [a, b] = await Promise.all([ensureSecret(db, 'k', () => 'first'), ensureSecret(db, 'k', () => 'second')]);
        assert.equal(a, b);
        assert.equal(await ensureSecret(db, 'k', () => 'third'), a);
      } finally {
        await db.close();
      }
    });
  });
}
