import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines } from '../../platform/db/testing.ts';
import { createIdportenClient } from '../domain/clients.ts';
import { CLIENT_CACHE_TTL_MS, findIdportenClientCached, updateIdportenClient } from './clients-store.ts';
import { idportenMigrations } from './migrations.ts';
import { idportenDb } from './tables.ts';

const base = { client_name: 'Min tjeneste', client_orgno: '991825827', redirect_uris: ['https://tjeneste.example.no/callback'] };

for (const engine of testEngines()) {
  describe(`findIdportenClientCached on ${engine}`, () => {
    it('sees a change written through this process at once (update, deactivation, new client)', async () => {
      const db = await createTestDatabase(engine, [{ component: 'idporten', migrations: idportenMigrations }]);
      try {
        const now = Date.UTC(2025, 0, 1);
        assert.equal(await findIdportenClientCached(db, 'ny-klient', now), undefined);
        const client = await createIdportenClient(db, { ...base, client_id: 'ny-klient' }, { mode: 'test', now });
        assert.equal((await findIdportenClientCached(db, client.client_id, now))?.client_name, 'Min tjeneste');
        assert.equal(await updateIdportenClient(db, { ...client, client_name: 'Nytt navn' }), true);
        assert.equal((await findIdportenClientCached(db, client.client_id, now))?.client_name, 'Nytt navn');
        assert.equal(await updateIdportenClient(db, { ...client, active: false }), true);
        assert.equal((await findIdportenClientCached(db, client.client_id, now))?.active, false);
      } finally {
        await db.close();
      }
    });

    it('sees a change written by another process once CLIENT_CACHE_TTL_MS has passed', async () => {
      const db = await createTestDatabase(engine, [{ component: 'idporten', migrations: idportenMigrations }]);
      try {
        const now = Date.UTC(2025, 0, 1);
        const client = await createIdportenClient(db, base, { mode: 'test', now });
        assert.equal((await findIdportenClientCached(db, client.client_id, now))?.active, true);
        // Another process: a write that bypasses this process's store functions.
        await idportenDb(db).updateTable('idporten_clients').set({ active: 0 }).where('client_id', '=', client.client_id).execute();
        assert.equal((await findIdportenClientCached(db, client.client_id, now + CLIENT_CACHE_TTL_MS - 1))?.active, true);
        assert.equal((await findIdportenClientCached(db, client.client_id, now + CLIENT_CACHE_TTL_MS))?.active, false);
      } finally {
        await db.close();
      }
    });
  });
}
