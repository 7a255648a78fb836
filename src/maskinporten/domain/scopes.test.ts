import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { AppError } from '../../platform/errors.ts';
import { DIGDIR_ORGNR } from '../../registers/index.ts';
import { maskinportenDb } from '../store/db.ts';
import { maskinportenMigrations } from '../store/migrations.ts';
import { findScopes } from '../store/scopes-store.ts';
import { registrySnapshot } from '../testing/registry-snapshot.ts';
import { BUILT_IN_SCOPES, ensureBuiltInScopes } from './built-in-scopes.ts';
import {
  assignPrefix,
  createScope,
  deactivateScope,
  ensureScope,
  getOwnedScope,
  listOwnPrefixes,
  listOwnScopes,
  listPublicScopes,
  updateScope,
} from './scopes.ts';

const NAV = '889640782';
const SKATT = '974761076';
const nav = { orgno: NAV };
const skatt = { orgno: SKATT };

async function rejects(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

for (const engine of testEngines()) {
  describe(`scopes on ${engine}`, () => {
    let db: TestDatabase;
    const now = Date.UTC(2025, 2, 1);

    beforeEach(async () => {
      db = await createTestDatabase(engine, [{ component: 'maskinporten', migrations: maskinportenMigrations }]);
    });
    afterEach(() => db.close());

    it('creates a scope owned by the caller, with Digdir’s defaults, and assigns a new prefix to it', async () => {
      const scope = await createScope(db, { prefix: 'nav', subscope: 'trygd/ytelser.read', description: 'Ytelser' }, nav, { now });
      assert.deepEqual(scope, {
        name: 'nav:trygd/ytelser.read',
        prefix: 'nav',
        subscope: 'trygd/ytelser.read',
        description: 'Ytelser',
        owner_orgno: NAV,
        accessible_for_all: false,
        allowed_integration_types: [],
        visibility: 'PUBLIC',
        token_type: 'SELF_CONTAINED',
        requires_user_consent: false,
        requires_user_authentication: false,
        requires_pseudonymous_tokens: false,
        active: true,
        created: new Date(now).toISOString(),
        last_updated: new Date(now).toISOString(),
      });
      assert.deepEqual((await listOwnPrefixes(db, nav)).map((p) => p.prefix), ['nav']);
    });

    it('accepts subscopes with / . _ - and : separators (NAIS registers nav:<product>:<name>)', async () => {
      for (const subscope of ['a', 'helse/sykepenger/afp.write', 'arbeid:some.scope', 'x_y-z.1']) {
        await createScope(db, { prefix: 'nav', subscope, description: 'd' }, nav, { now });
      }
      assert.equal((await listOwnScopes(db, nav)).length, 4);
    });

    it('rejects an invalid scope name with MASKINPORTEN_INVALID_SCOPE_NAME and writes nothing', async () => {
      const before = await registrySnapshot(db);
      const bad: Array<[string, string]> = [
        ['NAV', 'x'],
        ['na-v', 'x'],
        ['', 'x'],
        ['nav', ''],
        ['nav', 'Upper'],
        ['nav', '/leading'],
        ['nav', 'trailing.'],
        ['nav', 'double//slash'],
        ['nav', 'space here'],
        ['nav', 'æøå'],
        ['nav', 'x'.repeat(300)],
      ];
      for (const [prefix, subscope] of bad) {
        await rejects(createScope(db, { prefix, subscope, description: 'd' }, nav, { now }), 'MASKINPORTEN_INVALID_SCOPE_NAME');
      }
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('rejects a duplicate scope, and the re-creation of a deactivated one, with MASKINPORTEN_SCOPE_EXISTS (409)', async () => {
      await createScope(db, { prefix: 'nav', subscope: 'a', description: 'd' }, nav, { now });
      let before = await registrySnapshot(db);
      await rejects(createScope(db, { prefix: 'nav', subscope: 'a', description: 'other' }, nav, { now }), 'MASKINPORTEN_SCOPE_EXISTS', /already exists/);
      assert.deepEqual(await registrySnapshot(db), before);
      await deactivateScope(db, 'nav:a', nav, { now });
      before = await registrySnapshot(db);
      await rejects(createScope(db, { prefix: 'nav', subscope: 'a', description: 'again' }, nav, { now }), 'MASKINPORTEN_SCOPE_EXISTS', /deactivated/);
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it("rejects a scope under another organisation's prefix with MASKINPORTEN_PREFIX_NOT_ASSIGNED", async () => {
      await createScope(db, { prefix: 'skatteetaten', subscope: 'inntekt', description: 'd' }, skatt, { now });
      const before = await registrySnapshot(db);
      await rejects(createScope(db, { prefix: 'skatteetaten', subscope: 'falsk', description: 'd' }, nav, { now }), 'MASKINPORTEN_PREFIX_NOT_ASSIGNED');
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('assignPrefix reserves a prefix for an organisation, as Digdir does by hand', async () => {
      await assignPrefix(db, 'nav', NAV, { now });
      await assignPrefix(db, 'nav', NAV, { now });
      await rejects(assignPrefix(db, 'nav', SKATT, { now }), 'MASKINPORTEN_PREFIX_NOT_ASSIGNED');
      await rejects(createScope(db, { prefix: 'nav', subscope: 'x', description: 'd' }, skatt, { now }), 'MASKINPORTEN_PREFIX_NOT_ASSIGNED');
    });

    it('rejects a name or owner_orgno that does not match with MASKINPORTEN_SCOPE_IMMUTABLE / MASKINPORTEN_SCOPE_NOT_OWNED', async () => {
      const before = await registrySnapshot(db);
      await rejects(createScope(db, { prefix: 'nav', subscope: 'a', name: 'nav:b', description: 'd' }, nav, { now }), 'MASKINPORTEN_SCOPE_IMMUTABLE');
      await rejects(createScope(db, { prefix: 'nav', subscope: 'a', owner_orgno: SKATT, description: 'd' }, nav, { now }), 'MASKINPORTEN_SCOPE_NOT_OWNED');
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('rejects attributes out of range or contradicting each other with MASKINPORTEN_INVALID_SCOPE', async () => {
      const before = await registrySnapshot(db);
      const base = { prefix: 'nav', subscope: 'a', description: 'd' };
      await rejects(createScope(db, { ...base, at_max_age: 86_401 }, nav, { now }), 'MASKINPORTEN_INVALID_SCOPE', /at_max_age/);
      await rejects(createScope(db, { ...base, allowed_integration_types: ['maskinporten', 'fax'] }, nav, { now }), 'MASKINPORTEN_INVALID_SCOPE', /fax/);
      await rejects(createScope(db, { ...base, delegation_source: 'http://altinn.no' }, nav, { now }), 'MASKINPORTEN_INVALID_SCOPE', /https/);
      await rejects(
        createScope(db, { ...base, delegation_source: 'https://www.altinn.no/', allowed_integration_types: ['idporten'] }, nav, { now }),
        'MASKINPORTEN_INVALID_SCOPE',
        /only in Maskinporten/,
      );
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('PUT replaces the attributes, keeps name and created, and at_max_age 0 means no cap', async () => {
      await createScope(db, { prefix: 'nav', subscope: 'a', description: 'd', at_max_age: 300, accessible_for_all: true }, nav, { now });
      const updated = await updateScope(db, 'nav:a', { description: 'ny', at_max_age: 0, visibility: 'PRIVATE' }, nav, { now: now + 1000 });
      assert.equal(updated.description, 'ny');
      assert.equal(updated.at_max_age, undefined);
      assert.equal(updated.accessible_for_all, false);
      assert.equal(updated.visibility, 'PRIVATE');
      assert.equal(updated.created, new Date(now).toISOString());
      assert.equal(updated.last_updated, new Date(now + 1000).toISOString());
      assert.deepEqual(await getOwnedScope(db, 'nav:a', nav), updated);
    });

    it('PUT cannot rename a scope or change its owner (MASKINPORTEN_SCOPE_IMMUTABLE)', async () => {
      await createScope(db, { prefix: 'nav', subscope: 'a', description: 'd' }, nav, { now });
      const before = await registrySnapshot(db);
      await rejects(updateScope(db, 'nav:a', { description: 'd', subscope: 'b' }, nav, { now }), 'MASKINPORTEN_SCOPE_IMMUTABLE');
      await rejects(updateScope(db, 'nav:a', { description: 'd', prefix: 'navx' }, nav, { now }), 'MASKINPORTEN_SCOPE_IMMUTABLE');
      await rejects(updateScope(db, 'nav:a', { description: 'd', name: 'nav:b' }, nav, { now }), 'MASKINPORTEN_SCOPE_IMMUTABLE');
      await rejects(updateScope(db, 'nav:a', { description: 'd', owner_orgno: SKATT }, nav, { now }), 'MASKINPORTEN_SCOPE_NOT_OWNED');
      assert.deepEqual(await registrySnapshot(db), before);
      await updateScope(db, 'nav:a', { description: 'd', prefix: 'nav', subscope: 'a', name: 'nav:a', owner_orgno: NAV }, nav, { now });
    });

    it('DELETE deactivates (never removes); deactivated scopes are listed only on request; PUT active:true reactivates', async () => {
      await createScope(db, { prefix: 'nav', subscope: 'a', description: 'd' }, nav, { now });
      const gone = await deactivateScope(db, 'nav:a', nav, { now: now + 1 });
      assert.equal(gone.active, false);
      assert.equal((await deactivateScope(db, 'nav:a', nav, { now: now + 2 })).last_updated, gone.last_updated);
      assert.deepEqual(await listOwnScopes(db, nav), []);
      assert.deepEqual((await listOwnScopes(db, nav, { includeInactive: true })).map((s) => s.name), ['nav:a']);
      assert.deepEqual(await listPublicScopes(db), []);
      assert.equal((await findScopes(maskinportenDb(db), ['nav:a'])).get('nav:a')?.active, false);
      const back = await updateScope(db, 'nav:a', { description: 'd', active: true }, nav, { now: now + 3 });
      assert.equal(back.active, true);
      assert.equal((await updateScope(db, 'nav:a', { description: 'e' }, nav, { now: now + 4 })).active, true);
    });

    it("hides another organisation's private scope (404) and refuses its public one (403)", async () => {
      await createScope(db, { prefix: 'skatt', subscope: 'open', description: 'd' }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'hidden', description: 'd', visibility: 'PRIVATE' }, skatt, { now });
      const before = await registrySnapshot(db);
      await rejects(getOwnedScope(db, 'skatt:hidden', nav), 'MASKINPORTEN_SCOPE_NOT_FOUND');
      await rejects(getOwnedScope(db, 'skatt:open', nav), 'MASKINPORTEN_SCOPE_NOT_OWNED');
      await rejects(updateScope(db, 'skatt:open', { description: 'x' }, nav, { now }), 'MASKINPORTEN_SCOPE_NOT_OWNED');
      await rejects(deactivateScope(db, 'skatt:hidden', nav, { now }), 'MASKINPORTEN_SCOPE_NOT_FOUND');
      await rejects(getOwnedScope(db, 'nav:none', nav), 'MASKINPORTEN_SCOPE_NOT_FOUND');
      assert.deepEqual(await registrySnapshot(db), before);
      assert.deepEqual((await listPublicScopes(db)).map((s) => s.name), ['skatt:open']);
      assert.deepEqual((await listOwnScopes(db, skatt)).map((s) => s.name), ['skatt:hidden', 'skatt:open']);
    });

    it('filters the public list by accessible_for_all, integration type (any case) and delegation_source', async () => {
      await createScope(db, { prefix: 'nav', subscope: 'open', description: 'd', accessible_for_all: true }, nav, { now });
      await createScope(db, { prefix: 'nav', subscope: 'idp', description: 'd', allowed_integration_types: ['idporten'] }, nav, { now });
      await createScope(db, { prefix: 'nav', subscope: 'deleg', description: 'd', delegation_source: 'https://www.altinn.no/' }, nav, { now });
      assert.deepEqual((await listPublicScopes(db, { accessibleForAll: true })).map((s) => s.name), ['nav:open']);
      assert.deepEqual((await listPublicScopes(db, { integrationType: 'MASKINPORTEN' })).map((s) => s.name), ['nav:deleg', 'nav:open']);
      assert.deepEqual((await listPublicScopes(db, { delegable: true })).map((s) => s.name), ['nav:deleg']);
    });

    it('creates the built-in scopes once, owned by Digdir, and leaves them alone on the next start', async () => {
      const created = await ensureBuiltInScopes(db, { now });
      assert.deepEqual(created, BUILT_IN_SCOPES.map((s) => s.name));
      assert.ok(created.includes('krr:global/kontaktinformasjon.read'));
      assert.ok(created.includes('move/dpo.read'));
      await updateScope(db, 'krr:global/digitalpost.read', { description: 'endret', allowed_integration_types: ['maskinporten'] }, { orgno: DIGDIR_ORGNR }, { now });
      const before = await registrySnapshot(db);
      assert.deepEqual(await ensureBuiltInScopes(db, { now: now + 1 }), []);
      assert.deepEqual(await registrySnapshot(db), before);
      const move = (await findScopes(maskinportenDb(db), ['move/dpo.read'])).get('move/dpo.read');
      assert.equal(move?.prefix, '');
      assert.equal(move?.owner_orgno, DIGDIR_ORGNR);
      const all = await listPublicScopes(db);
      assert.ok(all.every((s) => s.owner_orgno === DIGDIR_ORGNR));
      assert.deepEqual(all.filter((s) => s.accessible_for_all).map((s) => s.name).sort(), [
        'digitalpostinnbygger:send',
        'eformidling:integrasjonspunkt',
        'grunnmur:delegations.write',
        'krr:user/digitalpost.read',
        'krr:user/kontaktinformasjon.read',
        'krr:user/spraak.write',
      ]);
    });

    it('ensureScope refuses a prefix another organisation holds, and a legacy-looking name without legacy', async () => {
      await assignPrefix(db, 'krr', NAV, { now });
      await rejects(ensureScope(db, { name: 'krr:x', description: 'd', owner_orgno: DIGDIR_ORGNR }, { now }), 'MASKINPORTEN_PREFIX_NOT_ASSIGNED');
      await rejects(ensureScope(db, { name: 'move/x.read', description: 'd', owner_orgno: DIGDIR_ORGNR }, { now }), 'MASKINPORTEN_INVALID_SCOPE_NAME');
    });
  });
}
