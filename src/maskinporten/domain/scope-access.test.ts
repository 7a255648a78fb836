import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { AppError } from '../../platform/errors.ts';
import { maskinportenDb } from '../store/db.ts';
import { maskinportenMigrations } from '../store/migrations.ts';
import { hasScopeAccess } from '../store/scopes-store.ts';
import { registrySnapshot } from '../testing/registry-snapshot.ts';
import { grantScopeAccess, listAccessibleScopes, listScopeAccessForOwner, revokeScopeAccess } from './scope-access.ts';
import { createScope, deactivateScope, updateScope } from './scopes.ts';

const NAV = '889640782';
const SKATT = '974761076';
const OSLO = '958935420';
const nav = { orgno: NAV };
const skatt = { orgno: SKATT };

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof AppError && err.code === code);
}

for (const engine of testEngines()) {
  describe(`scope access on ${engine}`, () => {
    let db: TestDatabase;
    const now = Date.UTC(2025, 4, 1);

    beforeEach(async () => {
      db = await createTestDatabase(engine, [{ component: 'maskinporten', migrations: maskinportenMigrations }]);
      await createScope(db, { prefix: 'skatt', subscope: 'inntekt', description: 'd' }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'open', description: 'd', accessible_for_all: true }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'idp', description: 'd', accessible_for_all: true, allowed_integration_types: ['idporten'] }, skatt, { now });
    });
    afterEach(() => db.close());

    it('the owner grants access idempotently, in Digdir’s shape', async () => {
      const grant = await grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, skatt, { now });
      assert.deepEqual(grant, {
        scope: 'skatt:inntekt',
        state: 'APPROVED',
        consumer_orgno: NAV,
        owner_orgno: SKATT,
        created: new Date(now).toISOString(),
        last_updated: new Date(now).toISOString(),
      });
      const again = await grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, skatt, { now: now + 10 });
      assert.equal(again.created, grant.created);
      assert.equal(again.last_updated, new Date(now + 10).toISOString());
      assert.equal(await hasScopeAccess(maskinportenDb(db), 'skatt:inntekt', NAV), true);
      assert.deepEqual(await listScopeAccessForOwner(db, 'skatt:inntekt', skatt), [again]);
    });

    it('refuses grants by a non-owner, for a malformed orgno, an unknown or a deactivated scope, and changes nothing', async () => {
      const before = await registrySnapshot(db);
      await rejects(grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, nav, { now }), 'MASKINPORTEN_SCOPE_NOT_OWNED');
      await rejects(grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: '123456789' }, skatt, { now }), 'MASKINPORTEN_INVALID_ORGNO');
      await rejects(grantScopeAccess(db, { scope: 'skatt:none', consumerOrgno: NAV }, skatt, { now }), 'MASKINPORTEN_SCOPE_NOT_FOUND');
      await rejects(listScopeAccessForOwner(db, 'skatt:inntekt', nav), 'MASKINPORTEN_SCOPE_NOT_OWNED');
      await deactivateScope(db, 'skatt:inntekt', skatt, { now });
      const deactivated = await registrySnapshot(db);
      await rejects(grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, skatt, { now }), 'MASKINPORTEN_SCOPE_INACTIVE');
      assert.deepEqual(await registrySnapshot(db), deactivated);
      assert.notDeepEqual(deactivated, before);
    });

    it('revokes a grant, answering it as it was; a second revoke is MASKINPORTEN_ACCESS_NOT_FOUND', async () => {
      const grant = await grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, skatt, { now });
      await rejects(revokeScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, nav), 'MASKINPORTEN_SCOPE_NOT_OWNED');
      assert.deepEqual(await revokeScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, skatt), grant);
      assert.equal(await hasScopeAccess(maskinportenDb(db), 'skatt:inntekt', NAV), false);
      const before = await registrySnapshot(db);
      await rejects(revokeScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, skatt), 'MASKINPORTEN_ACCESS_NOT_FOUND');
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('keeps grants of a deactivated scope, so reactivating it restores access', async () => {
      await grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, skatt, { now });
      await deactivateScope(db, 'skatt:inntekt', skatt, { now });
      assert.deepEqual(await listAccessibleScopes(db, nav), []);
      assert.deepEqual((await listAccessibleScopes(db, nav, { includeInactive: true })).map((g) => g.scope), ['skatt:inntekt']);
      await updateScope(db, 'skatt:inntekt', { description: 'd', active: true }, skatt, { now });
      assert.deepEqual((await listAccessibleScopes(db, nav)).map((g) => g.scope), ['skatt:inntekt']);
    });

    it('a consumer lists its grants, and with accessible_for_all the open scopes too, filtered by integration type', async () => {
      await grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, skatt, { now });
      await grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: OSLO }, skatt, { now });
      assert.deepEqual((await listAccessibleScopes(db, nav)).map((g) => [g.scope, g.consumer_orgno]), [['skatt:inntekt', NAV]]);
      assert.deepEqual(
        (await listAccessibleScopes(db, nav, { accessibleForAll: true })).map((g) => g.scope),
        ['skatt:idp', 'skatt:inntekt', 'skatt:open'],
      );
      assert.deepEqual(
        (await listAccessibleScopes(db, nav, { accessibleForAll: true, integrationType: 'MASKINPORTEN' })).map((g) => g.scope),
        ['skatt:inntekt', 'skatt:open'],
      );
    });
  });
}
