/**
 * The token endpoint's registry cache: answers are reused for the TTL (a change made by another
 * process waits for it), every write through the domain functions of this process is seen by
 * the next grant at once, unknown ids are cached but bounded, and failures are not cached.
 * "Another process" is simulated by writing rows with plain SQL and not telling the cache.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createTestPlatform, type TestPlatform } from '../../../../test/helpers/platform.ts';
import { testEngines } from '../../../platform/db/testing.ts';
import { maskinportenComponent } from '../../index.ts';
import type { MaskinportenDb } from '../../store/tables.ts';
import {
  grantClaims,
  insertClient,
  insertClientKey,
  insertDelegation,
  insertScope,
  insertScopeAccess,
  ORGS,
  signGrant,
  testKeyPair,
} from '../../testing/fixtures.ts';
import { createClient, deleteClient } from '../clients.ts';
import { setClientKeys } from '../client-keys.ts';
import { delegateScope, revokeDelegation } from '../delegations.ts';
import { grantScopeAccess, revokeScopeAccess } from '../scope-access.ts';
import { deactivateScope, ensureScope } from '../scopes.ts';
import { JWT_BEARER_GRANT_TYPE } from './check-form-params.ts';
import { CachedGrantRegistry, registryChanged } from './registry-cache.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const ISSUER = 'http://grunnmur.test/maskinporten/';
/** Long enough that no answer expires during a test. */
const LONG_TTL_MS = 3_600_000;

for (const engine of testEngines()) {
  describe(`grant registry cache on ${engine}`, () => {
    let t: TestPlatform;
    let db: MaskinportenDb;

    before(async () => {
      t = await createTestPlatform(engine, [maskinportenComponent], { PUBLIC_URL, RATE_LIMIT_MAX: '0' });
      db = t.platform.db.kysely as MaskinportenDb;
    });
    after(() => t.close());

    /** Sets a column of a client as another process would: without telling this process's caches. */
    async function renameClientElsewhere(clientId: string, name: string): Promise<void> {
      await db.updateTable('maskinporten_clients').set({ client_name: name }).where('client_id', '=', clientId).execute();
    }

    describe('answers', () => {
      it('reuses an answer for the TTL, so a change made by another process is seen only after it (or after a change here)', async () => {
        const registry = new CachedGrantRegistry(db, { ttlMs: LONG_TTL_MS });
        const clientId = await insertClient(db, { orgno: ORGS.consumer, scopes: [] });
        const first = await registry.findClient(clientId);
        await renameClientElsewhere(clientId, 'renamed elsewhere');
        assert.equal((await registry.findClient(clientId))?.client_name, first?.client_name);
        registryChanged();
        assert.equal((await registry.findClient(clientId))?.client_name, 'renamed elsewhere');
      });

      it('reads the registry on every call with TTL 0', async () => {
        const registry = new CachedGrantRegistry(db, { ttlMs: 0 });
        const clientId = await insertClient(db, { orgno: ORGS.consumer, scopes: [] });
        await registry.findClient(clientId);
        await renameClientElsewhere(clientId, 'seen at once');
        assert.equal((await registry.findClient(clientId))?.client_name, 'seen at once');
        assert.equal(registry.size, 0);
      });

      it('keeps an unknown kid like a known one, until the registry changes in this process', async () => {
        const registry = new CachedGrantRegistry(db, { ttlMs: LONG_TTL_MS });
        const clientId = await insertClient(db, { orgno: ORGS.consumer, scopes: [] });
        assert.equal(await registry.findClientKey('kid-registered-elsewhere'), undefined);
        await db
          .insertInto('maskinporten_client_keys')
          .values({ kid: 'kid-registered-elsewhere', client_id: clientId, jwk: JSON.stringify(testKeyPair(0).publicJwk), created: 0, expires: Date.now() + 60_000 })
          .execute();
        assert.equal(await registry.findClientKey('kid-registered-elsewhere'), undefined);
        registryChanged();
        assert.equal((await registry.findClientKey('kid-registered-elsewhere'))?.client_id, clientId);
      });

      it('answers scopes, access grants and delegations from the cache and reads only the ones it lacks', async () => {
        const registry = new CachedGrantRegistry(db, { ttlMs: LONG_TTL_MS });
        await insertScope(db, { name: 'grunnmurcache:a', owner: ORGS.apiOwner, delegationSource: 'https://www.altinn.no/' });
        await insertScope(db, { name: 'grunnmurcache:b', owner: ORGS.apiOwner, delegationSource: 'https://www.altinn.no/' });
        await insertScopeAccess(db, 'grunnmurcache:a', ORGS.customer);
        await insertDelegation(db, { scope: 'grunnmurcache:a', consumer: ORGS.customer, supplier: ORGS.supplier });
        assert.deepEqual([...(await registry.findScopes(['grunnmurcache:a'])).keys()], ['grunnmurcache:a']);
        assert.deepEqual([...(await registry.findAccessibleScopes(['grunnmurcache:a'], ORGS.customer))], ['grunnmurcache:a']);
        assert.deepEqual([...(await registry.findDelegatedScopes(['grunnmurcache:a'], ORGS.customer, ORGS.supplier))], ['grunnmurcache:a']);

        // Elsewhere: scope a is deactivated, b gets an access grant and a delegation.
        await db.updateTable('maskinporten_scopes').set({ active: 0 }).where('name', '=', 'grunnmurcache:a').execute();
        await db.insertInto('maskinporten_scope_access').values({ scope: 'grunnmurcache:b', consumer_orgno: ORGS.customer, state: 'APPROVED', created: 0, last_updated: 0 }).execute();
        await db.insertInto('maskinporten_delegations').values({ scope: 'grunnmurcache:b', consumer_orgno: ORGS.customer, supplier_orgno: ORGS.supplier, delegation_source: 'https://www.altinn.no/', created: 0 }).execute();

        const scopes = await registry.findScopes(['grunnmurcache:b', 'grunnmurcache:a', 'grunnmurcache:none', 'grunnmurcache:a']);
        assert.deepEqual([...scopes.keys()].sort(), ['grunnmurcache:a', 'grunnmurcache:b']);
        assert.equal(scopes.get('grunnmurcache:a')?.active, true, 'a: the cached answer');
        assert.equal(scopes.get('grunnmurcache:b')?.active, true, 'b: read now');
        const both = ['grunnmurcache:a', 'grunnmurcache:b'];
        assert.deepEqual([...(await registry.findAccessibleScopes(both, ORGS.customer))].sort(), both);
        assert.deepEqual([...(await registry.findDelegatedScopes(both, ORGS.customer, ORGS.supplier))].sort(), both);
        registryChanged();
        assert.equal((await registry.findScopes(['grunnmurcache:a'])).get('grunnmurcache:a')?.active, false);
      });

      it('hands out frozen answers, so no caller can change what the next grant reads', async () => {
        const registry = new CachedGrantRegistry(db, { ttlMs: LONG_TTL_MS });
        const clientId = await insertClient(db, { orgno: ORGS.consumer, scopes: ['grunnmurcache:x'] });
        const client = await registry.findClient(clientId);
        assert.ok(client && Object.isFrozen(client) && Object.isFrozen(client.scopes));
        assert.throws(() => (client.scopes as string[]).push('grunnmurcache:y'), TypeError);
      });

      it('keeps at most maxEntries answers of a kind, so a caller spraying unknown kids cannot grow the memory', async () => {
        const registry = new CachedGrantRegistry(db, { ttlMs: LONG_TTL_MS, maxEntries: 10 });
        for (let i = 0; i < 100; i++) assert.equal(await registry.findClientKey(`sprayed-${i}`), undefined);
        assert.equal(registry.size, 10);
      });

      it('never caches an id longer than 255 characters (no such id can be registered)', async () => {
        const registry = new CachedGrantRegistry(db, { ttlMs: LONG_TTL_MS });
        assert.equal(await registry.findClientKey('k'.repeat(256)), undefined);
        assert.equal(await registry.findClient('c'.repeat(256)), undefined);
        assert.equal((await registry.findScopes([`grunnmurcache:${'s'.repeat(256)}`])).size, 0);
        assert.equal(registry.size, 0);
      });

      it('forgets a failed read, so the next call reads the registry again', async () => {
        const registry = new CachedGrantRegistry(db, { ttlMs: LONG_TTL_MS });
        const clientId = await insertClient(db, { orgno: ORGS.consumer, scopes: [] });
        await db.schema.alterTable('maskinporten_clients').renameTo('maskinporten_clients_away').execute();
        try {
          await assert.rejects(registry.findClient(clientId));
        } finally {
          await db.schema.alterTable('maskinporten_clients_away').renameTo('maskinporten_clients').execute();
        }
        assert.equal((await registry.findClient(clientId))?.client_id, clientId);
      });
    });

    describe('the token endpoint after a change in this process', () => {
      const OWNER = ORGS.apiOwner;
      const SCOPE = 'grunnmurcache:tokens';
      const DELEGABLE = 'grunnmurcache:delegable';

      before(async () => {
        await ensureScope(t.platform.db, { name: SCOPE, owner_orgno: OWNER, description: 'cache test', allowed_integration_types: ['maskinporten'] });
        await ensureScope(t.platform.db, {
          name: DELEGABLE,
          owner_orgno: OWNER,
          description: 'cache test, delegable',
          allowed_integration_types: ['maskinporten'],
          delegation_source: 'https://www.altinn.no/',
        });
      });

      async function keyedClient(orgno: string, scopes: string[], kid: string, pair = 0): Promise<string> {
        const client = await createClient(t.platform.db, { client_name: 'cache test', integration_type: 'maskinporten', scopes }, { orgno });
        await setClientKeys(t.platform.db, client.client_id, { keys: [{ ...testKeyPair(pair).publicJwk, kid }] }, { orgno });
        return client.client_id;
      }

      function post(clientId: string, kid: string, scope: string, claims: Record<string, unknown> = {}, pair = 0): Promise<LightMyRequestResponse> {
        const assertion = signGrant({ alg: 'RS256', kid }, grantClaims(ISSUER, clientId, scope, claims), testKeyPair(pair).privateKey);
        return t.app.inject({
          method: 'POST',
          url: '/maskinporten/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }).toString(),
        });
      }

      function assertRefused(res: LightMyRequestResponse, status: number, code: string): void {
        assert.equal(res.statusCode, status, res.body);
        assert.ok((res.json() as { error_description: string }).error_description.includes(`(${code})`), res.body);
      }

      it('refuses at once a client deleted through the domain functions with MP-100', async () => {
        await grantScopeAccess(t.platform.db, { scope: SCOPE, consumerOrgno: ORGS.consumer }, { orgno: OWNER });
        const clientId = await keyedClient(ORGS.consumer, [SCOPE], 'cache-delete');
        assert.equal((await post(clientId, 'cache-delete', SCOPE)).statusCode, 200);
        await deleteClient(t.platform.db, clientId, { orgno: ORGS.consumer });
        assertRefused(await post(clientId, 'cache-delete', SCOPE), 400, 'MP-100');
      });

      it('refuses at once a kid removed by replacing the client\'s keys with MP-100, and accepts the new kid', async () => {
        await grantScopeAccess(t.platform.db, { scope: SCOPE, consumerOrgno: ORGS.consumer }, { orgno: OWNER });
        const clientId = await keyedClient(ORGS.consumer, [SCOPE], 'cache-old');
        assert.equal((await post(clientId, 'cache-old', SCOPE)).statusCode, 200);
        await setClientKeys(t.platform.db, clientId, { keys: [{ ...testKeyPair(1).publicJwk, kid: 'cache-new' }] }, { orgno: ORGS.consumer });
        assertRefused(await post(clientId, 'cache-old', SCOPE), 400, 'MP-100');
        assert.equal((await post(clientId, 'cache-new', SCOPE, {}, 1)).statusCode, 200);
      });

      it('refuses at once a scope whose access grant was revoked (MP-250), then deactivated (MP-200)', async () => {
        const scope = 'grunnmurcache:revoked';
        await ensureScope(t.platform.db, { name: scope, owner_orgno: OWNER, description: 'cache test', allowed_integration_types: ['maskinporten'] });
        await grantScopeAccess(t.platform.db, { scope, consumerOrgno: ORGS.other }, { orgno: OWNER });
        const clientId = await keyedClient(ORGS.other, [scope], 'cache-revoke');
        assert.equal((await post(clientId, 'cache-revoke', scope)).statusCode, 200);
        await revokeScopeAccess(t.platform.db, { scope, consumerOrgno: ORGS.other }, { orgno: OWNER });
        assertRefused(await post(clientId, 'cache-revoke', scope), 403, 'MP-250');
        await deactivateScope(t.platform.db, scope, { orgno: OWNER });
        assertRefused(await post(clientId, 'cache-revoke', scope), 400, 'MP-200');
      });

      it('refuses at once a supplier\'s grant for a customer that withdrew the delegation with MP-251', async () => {
        await grantScopeAccess(t.platform.db, { scope: DELEGABLE, consumerOrgno: ORGS.customer }, { orgno: OWNER });
        await delegateScope(t.platform.db, { scope: DELEGABLE, supplierOrgno: ORGS.supplier }, { orgno: ORGS.customer });
        const clientId = await keyedClient(ORGS.supplier, [DELEGABLE], 'cache-supplier');
        assert.equal((await post(clientId, 'cache-supplier', DELEGABLE, { consumer_org: ORGS.customer })).statusCode, 200);
        await revokeDelegation(t.platform.db, { scope: DELEGABLE, supplierOrgno: ORGS.supplier }, { orgno: ORGS.customer });
        assertRefused(await post(clientId, 'cache-supplier', DELEGABLE, { consumer_org: ORGS.customer }), 403, 'MP-251');
      });

      it('accepts at once a kid registered through the domain functions after an unknown-kid refusal', async () => {
        await grantScopeAccess(t.platform.db, { scope: SCOPE, consumerOrgno: ORGS.consumer }, { orgno: OWNER });
        const clientId = await keyedClient(ORGS.consumer, [SCOPE], 'cache-first');
        assertRefused(await post(clientId, 'cache-later', SCOPE), 400, 'MP-100');
        await setClientKeys(
          t.platform.db,
          clientId,
          { keys: [{ ...testKeyPair(0).publicJwk, kid: 'cache-first' }, { ...testKeyPair(1).publicJwk, kid: 'cache-later' }] },
          { orgno: ORGS.consumer },
        );
        assert.equal((await post(clientId, 'cache-later', SCOPE, {}, 1)).statusCode, 200);
      });
    });

    it('keeps the fixtures\' direct writes visible to the grant (they tell the cache, as the domain functions do)', async () => {
      await insertScope(db, { name: 'grunnmurcache:fixture', owner: ORGS.apiOwner, accessibleForAll: true });
      const clientId = await insertClient(db, { orgno: ORGS.consumer, scopes: ['grunnmurcache:fixture'] });
      const assertion = signGrant({ alg: 'RS256', kid: 'cache-fixture' }, grantClaims(ISSUER, clientId, 'grunnmurcache:fixture'), testKeyPair(0).privateKey);
      const post = () =>
        t.app.inject({
          method: 'POST',
          url: '/maskinporten/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }).toString(),
        });
      assert.equal((await post()).statusCode, 400, 'unknown kid first');
      await insertClientKey(db, { clientId, publicJwk: testKeyPair(0).publicJwk, kid: 'cache-fixture' });
      assert.equal((await post()).statusCode, 200);
    });
  });
}
