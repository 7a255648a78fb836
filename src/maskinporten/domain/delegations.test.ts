import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { AppError } from '../../platform/errors.ts';
import { maskinportenDb } from '../store/db.ts';
import { findDelegation } from '../store/delegations-store.ts';
import { maskinportenMigrations } from '../store/migrations.ts';
import { registrySnapshot } from '../testing/registry-snapshot.ts';
import { delegateScope, listDelegationsFor, revokeDelegation } from './delegations.ts';
import { grantScopeAccess } from './scope-access.ts';
import { createScope, deactivateScope } from './scopes.ts';

const NAV = '889640782';
const SKATT = '974761076';
const OSLO = '958935420';
const BERGEN = '964338531';
const oslo = { orgno: OSLO };
const skatt = { orgno: SKATT };
const ALTINN = 'https://www.altinn.no/';

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof AppError && err.code === code);
}

for (const engine of testEngines()) {
  describe(`delegations on ${engine}`, () => {
    let db: TestDatabase;
    const now = Date.UTC(2025, 5, 1);

    beforeEach(async () => {
      db = await createTestDatabase(engine, [{ component: 'maskinporten', migrations: maskinportenMigrations }]);
      await createScope(db, { prefix: 'skatt', subscope: 'deleg', description: 'd', delegation_source: ALTINN }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'plain', description: 'd' }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'hidden', description: 'd', delegation_source: ALTINN, visibility: 'PRIVATE' }, skatt, { now });
      await grantScopeAccess(db, { scope: 'skatt:deleg', consumerOrgno: OSLO }, skatt, { now });
      await grantScopeAccess(db, { scope: 'skatt:plain', consumerOrgno: OSLO }, skatt, { now });
    });
    afterEach(() => db.close());

    it('a customer with access delegates a delegable scope to a supplier; the grant finds it', async () => {
      const delegation = await delegateScope(db, { scope: 'skatt:deleg', supplierOrgno: NAV }, oslo, { now });
      assert.deepEqual(delegation, { scope: 'skatt:deleg', consumer_orgno: OSLO, supplier_orgno: NAV, delegation_source: ALTINN, created: new Date(now).toISOString() });
      assert.deepEqual(await findDelegation(maskinportenDb(db), { scope: 'skatt:deleg', consumerOrgno: OSLO, supplierOrgno: NAV }), delegation);
      assert.deepEqual(await delegateScope(db, { scope: 'skatt:deleg', supplierOrgno: NAV }, oslo, { now: now + 5 }), delegation);
      assert.deepEqual(await listDelegationsFor(db, { orgno: NAV }), [delegation]);
      assert.deepEqual(await listDelegationsFor(db, oslo, 'skatt:plain'), []);
    });

    it('refuses delegations that break a rule, and writes nothing', async () => {
      const before = await registrySnapshot(db);
      await rejects(delegateScope(db, { scope: 'skatt:deleg', supplierOrgno: '12345678' }, oslo, { now }), 'MASKINPORTEN_INVALID_ORGNO');
      await rejects(delegateScope(db, { scope: 'skatt:deleg', supplierOrgno: OSLO }, oslo, { now }), 'MASKINPORTEN_SELF_DELEGATION');
      await rejects(delegateScope(db, { scope: 'skatt:none', supplierOrgno: NAV }, oslo, { now }), 'MASKINPORTEN_SCOPE_NOT_FOUND');
      await rejects(delegateScope(db, { scope: 'skatt:plain', supplierOrgno: NAV }, oslo, { now }), 'MASKINPORTEN_SCOPE_NOT_DELEGABLE');
      await rejects(delegateScope(db, { scope: 'skatt:deleg', supplierOrgno: NAV }, { orgno: BERGEN }, { now }), 'MASKINPORTEN_NO_ACCESS_TO_DELEGATE');
      await rejects(delegateScope(db, { scope: 'skatt:hidden', supplierOrgno: NAV }, { orgno: BERGEN }, { now }), 'MASKINPORTEN_SCOPE_NOT_FOUND');
      assert.deepEqual(await registrySnapshot(db), before);
      await deactivateScope(db, 'skatt:deleg', skatt, { now });
      const deactivated = await registrySnapshot(db);
      await rejects(delegateScope(db, { scope: 'skatt:deleg', supplierOrgno: NAV }, oslo, { now }), 'MASKINPORTEN_SCOPE_INACTIVE');
      assert.deepEqual(await registrySnapshot(db), deactivated);
    });

    it('only the customer withdraws a delegation; a missing one is MASKINPORTEN_DELEGATION_NOT_FOUND', async () => {
      const delegation = await delegateScope(db, { scope: 'skatt:deleg', supplierOrgno: NAV }, oslo, { now });
      const before = await registrySnapshot(db);
      await rejects(revokeDelegation(db, { scope: 'skatt:deleg', supplierOrgno: NAV }, { orgno: NAV }), 'MASKINPORTEN_DELEGATION_NOT_FOUND');
      assert.deepEqual(await registrySnapshot(db), before);
      assert.deepEqual(await revokeDelegation(db, { scope: 'skatt:deleg', supplierOrgno: NAV }, oslo), delegation);
      assert.equal(await findDelegation(maskinportenDb(db), { scope: 'skatt:deleg', consumerOrgno: OSLO, supplierOrgno: NAV }), undefined);
      await rejects(revokeDelegation(db, { scope: 'skatt:deleg', supplierOrgno: NAV }, oslo), 'MASKINPORTEN_DELEGATION_NOT_FOUND');
    });
  });
}
