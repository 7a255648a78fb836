import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.ts';
import { createTestDatabase, testEngines } from '../../platform/db/testing.ts';
import { idportenMigrations } from '../store/migrations.ts';
import { findIdportenClient, updateIdportenClient } from '../store/clients-store.ts';
import { createIdportenClient, type IdportenClientInput } from './clients.ts';

const base: IdportenClientInput = { client_name: 'Min tjeneste', client_orgno: '991825827', redirect_uris: ['https://tjeneste.example.no/callback'] };

async function count(db: Awaited<ReturnType<typeof createTestDatabase>>): Promise<number> {
  const row = await db.kysely.selectFrom('idporten_clients').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number((row as { n: unknown }).n);
}

async function rejects(promise: Promise<unknown>, code: string, fields: string[]): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, code);
    const problems = (err.extra?.problems ?? []) as Array<{ field: string }>;
    assert.deepEqual(problems.map((p) => p.field), fields);
    return true;
  });
}

for (const engine of testEngines()) {
  describe(`createIdportenClient on ${engine}`, () => {
    it('stores a client with Digdir defaults: openid added, code flow, secret generated, lifetimes 7200/120/600, PKCE S256', async () => {
      const db = await createTestDatabase(engine, [{ component: 'idporten', migrations: idportenMigrations }]);
      try {
        const client = await createIdportenClient(db, { ...base, scopes: ['profile'] }, { mode: 'production', now: Date.UTC(2025, 0, 1) });
        assert.deepEqual(client.scopes, ['openid', 'profile']);
        assert.deepEqual(client.grant_types, ['authorization_code']);
        assert.equal(client.token_endpoint_auth_method, 'client_secret_basic');
        assert.equal(client.client_secret?.length, 43);
        assert.equal(client.authorization_lifetime, 7200);
        assert.equal(client.access_token_lifetime, 120);
        assert.equal(client.refresh_token_lifetime, 600);
        assert.equal(client.code_challenge_method, 'S256');
        assert.equal(client.created, '2025-01-01T00:00:00.000Z');
        assert.deepEqual(await findIdportenClient(db, client.client_id), client);
      } finally {
        await db.close();
      }
    });

    it('accepts http://localhost redirect URIs in test mode only', async () => {
      const db = await createTestDatabase(engine, [{ component: 'idporten', migrations: idportenMigrations }]);
      try {
        const local = { ...base, redirect_uris: ['http://localhost:3000/callback'] };
        await createIdportenClient(db, local, { mode: 'test' });
        await rejects(createIdportenClient(db, local, { mode: 'production' }), 'IDPORTEN_INVALID_CLIENT', ['redirect_uris[0]']);
        assert.equal(await count(db), 1);
      } finally {
        await db.close();
      }
    });

    it('rejects every broken rule at once with IDPORTEN_INVALID_CLIENT and writes nothing', async () => {
      const db = await createTestDatabase(engine, [{ component: 'idporten', migrations: idportenMigrations }]);
      try {
        const input = {
          client_name: '',
          client_orgno: '123456789',
          integration_type: 'maskinporten',
          redirect_uris: ['http://tjeneste.example.no/cb', 'https://tjeneste.example.no/cb#frag'],
          grant_types: ['refresh_token', 'client_credentials'],
          token_endpoint_auth_method: 'none',
          access_token_lifetime: 0,
          code_challenge_method: 'plain',
        } as unknown as IdportenClientInput;
        await rejects(createIdportenClient(db, input, { mode: 'production' }), 'IDPORTEN_INVALID_CLIENT', [
          'client_name',
          'client_orgno',
          'integration_type',
          'redirect_uris[0]',
          'redirect_uris[1]',
          'grant_types',
          'token_endpoint_auth_method',
          'access_token_lifetime',
          'code_challenge_method',
        ]);
        assert.equal(await count(db), 0);
      } finally {
        await db.close();
      }
    });

    it('requires keys for private_key_jwt and refuses private key material', async () => {
      const db = await createTestDatabase(engine, [{ component: 'idporten', migrations: idportenMigrations }]);
      try {
        await rejects(createIdportenClient(db, { ...base, token_endpoint_auth_method: 'private_key_jwt' }, { mode: 'test' }), 'IDPORTEN_INVALID_CLIENT', ['jwks']);
        const privateKey = { kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB', d: 'secret' };
        await rejects(
          createIdportenClient(db, { ...base, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [privateKey] } }, { mode: 'test' }),
          'IDPORTEN_INVALID_CLIENT',
          ['jwks.keys[0]'],
        );
        assert.equal(await count(db), 0);
      } finally {
        await db.close();
      }
    });

    it('refuses a frontchannel_logout_uri on another host than the redirect URIs', async () => {
      const db = await createTestDatabase(engine, [{ component: 'idporten', migrations: idportenMigrations }]);
      try {
        await rejects(
          createIdportenClient(db, { ...base, frontchannel_logout_uri: 'https://other.example.no/logout' }, { mode: 'test' }),
          'IDPORTEN_INVALID_CLIENT',
          ['frontchannel_logout_uri'],
        );
        assert.equal(await count(db), 0);
      } finally {
        await db.close();
      }
    });

    it('refuses a taken client_id with IDPORTEN_CLIENT_EXISTS and keeps the first client', async () => {
      const db = await createTestDatabase(engine, [{ component: 'idporten', migrations: idportenMigrations }]);
      try {
        const first = await createIdportenClient(db, { ...base, client_id: 'fast-id' }, { mode: 'test' });
        await assert.rejects(createIdportenClient(db, { ...base, client_id: 'fast-id', client_name: 'Another' }, { mode: 'test' }), { code: 'IDPORTEN_CLIENT_EXISTS' });
        assert.deepEqual(await findIdportenClient(db, 'fast-id'), first);
        assert.equal(await updateIdportenClient(db, { ...first, client_name: 'Nytt navn' }), true);
        assert.equal((await findIdportenClient(db, 'fast-id'))?.client_name, 'Nytt navn');
        assert.equal(await updateIdportenClient(db, { ...first, client_id: 'nobody' }), false);
      } finally {
        await db.close();
      }
    });
  });
}
