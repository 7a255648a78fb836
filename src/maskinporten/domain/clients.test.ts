import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { AppError } from '../../platform/errors.ts';
import { findClient } from '../store/clients-store.ts';
import { maskinportenDb } from '../store/db.ts';
import { maskinportenMigrations } from '../store/migrations.ts';
import { registrySnapshot } from '../testing/registry-snapshot.ts';
import { createClient, deleteClient, getClient, listClientsFor, updateClient, type ClientInput } from './clients.ts';
import { grantScopeAccess } from './scope-access.ts';
import { createScope, deactivateScope } from './scopes.ts';

const NAV = '889640782';
const SKATT = '974761076';
const OSLO = '958935420';
const nav = { orgno: NAV };
const skatt = { orgno: SKATT };
const MP = 'maskinporten';

async function rejects(promise: Promise<unknown>, code: string, message?: RegExp): Promise<AppError> {
  let caught: AppError | undefined;
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    caught = err;
    return true;
  });
  return caught as AppError;
}

for (const engine of testEngines()) {
  describe(`clients on ${engine}`, () => {
    let db: TestDatabase;
    const now = Date.UTC(2025, 3, 1);

    beforeEach(async () => {
      db = await createTestDatabase(engine, [{ component: 'maskinporten', migrations: maskinportenMigrations }]);
      await createScope(db, { prefix: 'skatt', subscope: 'inntekt', description: 'd' }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'open', description: 'd', accessible_for_all: true }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'deleg', description: 'd', delegation_source: 'https://www.altinn.no/' }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'idp', description: 'd', allowed_integration_types: ['idporten'] }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'login', description: 'd', requires_user_authentication: true }, skatt, { now });
      await createScope(db, { prefix: 'skatt', subscope: 'old', description: 'd' }, skatt, { now });
      await deactivateScope(db, 'skatt:old', skatt, { now });
      await createScope(db, { prefix: 'nav', subscope: 'own', description: 'd' }, nav, { now });
    });
    afterEach(() => db.close());

    it('registers a Maskinporten client owned by the caller, in Digdir’s shape, readable by the grant', async () => {
      await grantScopeAccess(db, { scope: 'skatt:inntekt', consumerOrgno: NAV }, skatt, { now });
      const client = await createClient(
        db,
        { client_name: 'NAV inntekt', description: 'Henter inntekt', integration_type: MP, scopes: ['skatt:inntekt', 'skatt:open', 'skatt:deleg', 'nav:own', 'skatt:open'] },
        nav,
        { now },
      );
      assert.match(client.client_id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(client, {
        client_id: client.client_id,
        client_orgno: NAV,
        integration_type: 'maskinporten',
        application_type: 'web',
        client_name: 'NAV inntekt',
        description: 'Henter inntekt',
        scopes: ['skatt:inntekt', 'skatt:open', 'skatt:deleg', 'nav:own'],
        token_endpoint_auth_method: 'private_key_jwt',
        grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
        access_token_lifetime: 120,
        active: true,
        created: new Date(now).toISOString(),
        last_updated: new Date(now).toISOString(),
      });
      assert.deepEqual(await findClient(maskinportenDb(db), client.client_id), client);
    });

    it('rejects scopes that are unknown, deactivated, for other integration types, user-bound or not granted, naming each', async () => {
      const before = await registrySnapshot(db);
      const err = await rejects(
        createClient(
          db,
          { client_name: 'x', integration_type: MP, scopes: ['skatt:none', 'skatt:old', 'skatt:idp', 'skatt:login', 'skatt:inntekt'] },
          nav,
          { now },
        ),
        'MASKINPORTEN_CLIENT_SCOPE_REJECTED',
      );
      assert.deepEqual(
        (err.extra?.problems as Array<{ scope: string; reason: string }>).map((p) => [p.scope, p.reason]),
        [
          ['skatt:none', 'unknown'],
          ['skatt:old', 'inactive'],
          ['skatt:idp', 'integration_type'],
          ['skatt:login', 'integration_type'],
          ['skatt:inntekt', 'no_access'],
        ],
      );
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('rejects fields a Maskinporten client cannot have with MASKINPORTEN_INVALID_CLIENT', async () => {
      const before = await registrySnapshot(db);
      const base: ClientInput = { client_name: 'x', integration_type: MP };
      const cases: Array<[ClientInput, RegExp]> = [
        [{ client_name: 'x' }, /integration_type is required/],
        [{ ...base, integration_type: 'idporten' }, /not served here/],
        [{ ...base, application_type: 'native' }, /web/],
        [{ ...base, token_endpoint_auth_method: 'client_secret_basic' }, /private_key_jwt/],
        [{ ...base, grant_types: ['authorization_code'] }, /jwt-bearer/],
        [{ ...base, grant_types: [] }, /jwt-bearer/],
        [{ ...base, redirect_uris: ['https://example.org/cb'] }, /redirect_uris/],
        [{ ...base, frontchannel_logout_uri: 'https://example.org/logout' }, /frontchannel_logout_uri/],
        [{ ...base, refresh_token_lifetime: 600 }, /refresh/],
        [{ ...base, access_token_lifetime: 86_401 }, /access_token_lifetime/],
        [{ ...base, client_id: 'mine' }, /assigned by the server/],
      ];
      for (const [input, message] of cases) await rejects(createClient(db, input, nav, { now }), 'MASKINPORTEN_INVALID_CLIENT', message);
      assert.deepEqual(await registrySnapshot(db), before);
      // Digdir's own fields for ID-porten clients pass when empty, and the grant-type alias is accepted.
      await createClient(
        db,
        { ...base, redirect_uris: [], post_logout_redirect_uris: [], authorization_lifetime: 0, refresh_token_usage: 'ONETIME', grant_types: ['jwt_bearer_token'], access_token_lifetime: 0 },
        nav,
        { now },
      );
    });

    it('rejects a malformed client_orgno with MASKINPORTEN_INVALID_ORGNO', async () => {
      const before = await registrySnapshot(db);
      for (const orgno of ['123456789', '88964078', '88964078x', '889 640 782']) {
        await rejects(createClient(db, { client_name: 'x', integration_type: MP, client_orgno: orgno }, nav, { now }), 'MASKINPORTEN_INVALID_ORGNO', /client_orgno/);
      }
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('lets a supplier (idporten:dcr.supplier) register a client for a customer, with scopes open to the customer', async () => {
      const before = await registrySnapshot(db);
      await rejects(createClient(db, { client_name: 'x', integration_type: MP, client_orgno: OSLO }, nav, { now }), 'MASKINPORTEN_CLIENT_ORGNO_FORBIDDEN', /idporten:dcr.supplier/);
      await rejects(
        createClient(db, { client_name: 'x', integration_type: MP, client_orgno: OSLO, supplier_orgno: SKATT }, { orgno: NAV, supplier: true }, { now }),
        'MASKINPORTEN_CLIENT_ORGNO_FORBIDDEN',
      );
      await rejects(createClient(db, { client_name: 'x', integration_type: MP, client_orgno: OSLO, scopes: ['nav:own'] }, { orgno: NAV, supplier: true }, { now }), 'MASKINPORTEN_CLIENT_SCOPE_REJECTED');
      assert.deepEqual(await registrySnapshot(db), before);
      const supplied = await createClient(db, { client_name: 'Oslo via NAV', integration_type: MP, client_orgno: OSLO, scopes: ['skatt:open'] }, { orgno: NAV, supplier: true }, { now });
      assert.equal(supplied.client_orgno, OSLO);
      assert.equal(supplied.supplier_orgno, NAV);
      assert.deepEqual((await listClientsFor(db, { orgno: NAV, supplier: true })).map((c) => c.client_id), [supplied.client_id]);
      assert.deepEqual(await listClientsFor(db, nav), []);
      await rejects(getClient(db, supplied.client_id, nav), 'MASKINPORTEN_CLIENT_NOT_FOUND');
      assert.equal((await getClient(db, supplied.client_id, { orgno: OSLO })).client_id, supplied.client_id);
    });

    it('PUT replaces the registration; owner, supplier, type and id cannot change', async () => {
      const client = await createClient(db, { client_name: 'a', description: 'b', integration_type: MP, scopes: ['nav:own'], access_token_lifetime: 300 }, nav, { now });
      const before = await registrySnapshot(db);
      const put = (input: Partial<ClientInput>) => updateClient(db, client.client_id, { client_name: 'a', ...input }, nav, { now: now + 5 });
      await rejects(put({ client_orgno: SKATT }), 'MASKINPORTEN_INVALID_CLIENT', /client_orgno cannot change/);
      await rejects(put({ supplier_orgno: SKATT }), 'MASKINPORTEN_INVALID_CLIENT', /supplier_orgno cannot change/);
      await rejects(put({ integration_type: 'idporten' }), 'MASKINPORTEN_INVALID_CLIENT', /cannot change/);
      await rejects(put({ client_id: 'other' }), 'MASKINPORTEN_INVALID_CLIENT', /client_id/);
      await rejects(put({ scopes: ['skatt:inntekt'] }), 'MASKINPORTEN_CLIENT_SCOPE_REJECTED');
      await rejects(updateClient(db, client.client_id, { client_name: 'x' }, skatt, { now }), 'MASKINPORTEN_CLIENT_NOT_FOUND');
      assert.deepEqual(await registrySnapshot(db), before);
      const updated = await put({ ...client, client_name: 'ny', description: null, scopes: [] });
      assert.equal(updated.client_name, 'ny');
      assert.equal(updated.description, undefined);
      assert.deepEqual(updated.scopes, []);
      assert.equal(updated.access_token_lifetime, 300);
      assert.equal(updated.created, client.created);
      assert.equal(updated.last_updated, new Date(now + 5).toISOString());
      assert.equal((await put({})).access_token_lifetime, 120);
    });

    it('DELETE deactivates: the client stays readable as inactive, is left out of lists, and refuses writes', async () => {
      const client = await createClient(db, { client_name: 'a', integration_type: MP }, nav, { now });
      const deleted = await deleteClient(db, client.client_id, nav, { now: now + 1 });
      assert.equal(deleted.active, false);
      assert.equal((await findClient(maskinportenDb(db), client.client_id))?.active, false);
      assert.equal((await getClient(db, client.client_id, nav)).active, false);
      assert.deepEqual(await listClientsFor(db, nav), []);
      assert.deepEqual((await listClientsFor(db, nav, { includeInactive: true })).map((c) => c.client_id), [client.client_id]);
      const before = await registrySnapshot(db);
      await rejects(updateClient(db, client.client_id, { client_name: 'b' }, nav, { now }), 'MASKINPORTEN_CLIENT_INACTIVE');
      assert.equal((await deleteClient(db, client.client_id, nav, { now: now + 9 })).last_updated, deleted.last_updated);
      assert.deepEqual(await registrySnapshot(db), before);
    });

    it('answers MASKINPORTEN_CLIENT_NOT_FOUND for unknown clients and other organisations’ clients', async () => {
      const client = await createClient(db, { client_name: 'a', integration_type: MP }, nav, { now });
      const before = await registrySnapshot(db);
      await rejects(getClient(db, 'nope', nav), 'MASKINPORTEN_CLIENT_NOT_FOUND');
      await rejects(getClient(db, client.client_id, skatt), 'MASKINPORTEN_CLIENT_NOT_FOUND');
      await rejects(getClient(db, client.client_id, { orgno: SKATT, supplier: true }), 'MASKINPORTEN_CLIENT_NOT_FOUND');
      await rejects(deleteClient(db, client.client_id, skatt, { now }), 'MASKINPORTEN_CLIENT_NOT_FOUND');
      assert.deepEqual(await registrySnapshot(db), before);
    });
  });
}
