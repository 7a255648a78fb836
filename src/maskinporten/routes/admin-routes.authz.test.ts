import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mintPlatformToken } from '../../platform/auth/testing.ts';
import { testEngines } from '../../platform/db/testing.ts';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { maskinportenComponent } from '../index.ts';
import { registrySnapshot } from '../testing/registry-snapshot.ts';

const B = '/selvbetjening/api/v1';
const NAV = '889640782';
const SKATT = '974761076';
const OSLO = '958935420';
const DCR_READ = 'idporten:dcr.read';
const DCR_WRITE = 'idporten:dcr.write';
const DCR_MODIFY = 'idporten:dcr.modify';
const DCR_SUPPLIER = 'idporten:dcr.supplier';
const SCOPES_WRITE = 'idporten:scopes.write';
const DELEGATIONS = 'grunnmur:delegations.write';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

for (const engine of testEngines()) {
  describe(`self-service API authorization on ${engine}`, () => {
    let t: TestPlatform;
    let navClientId: string;
    let suppliedClientId: string;
    const token = (consumerOrgno: string, ...scope: string[]) => mintPlatformToken(t.platform, { consumerOrgno, scope });

    async function call(method: Method, url: string, auth?: string, body?: unknown) {
      const res = await t.app.inject({
        method,
        url,
        headers: auth === undefined ? {} : { authorization: `Bearer ${auth}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body === '' ? undefined : res.json(), headers: res.headers };
    }

    before(async () => {
      t = await createTestPlatform(engine, [maskinportenComponent]);
      const nav = await token(NAV, DCR_WRITE, SCOPES_WRITE);
      const skatt = await token(SKATT, SCOPES_WRITE);
      assert.equal((await call('POST', `${B}/scopes`, skatt, { prefix: 'skatt', subscope: 'inntekt', description: 'Inntekt' })).status, 201);
      assert.equal((await call('POST', `${B}/scopes`, skatt, { prefix: 'skatt', subscope: 'hemmelig', description: 'd', visibility: 'PRIVATE' })).status, 201);
      assert.equal((await call('POST', `${B}/scopes`, skatt, { prefix: 'skatt', subscope: 'deleg', description: 'd', delegation_source: 'https://www.altinn.no/' })).status, 201);
      assert.equal((await call('PUT', `${B}/scopes/access/${OSLO}?scope=skatt:deleg`, skatt)).status, 200);
      navClientId = (await call('POST', `${B}/clients`, nav, { client_name: 'nav', integration_type: 'maskinporten' })).body.client_id;
      const supplier = await token(NAV, DCR_SUPPLIER);
      const supplied = await call('POST', `${B}/clients`, supplier, { client_name: 'oslo via nav', integration_type: 'maskinporten', client_orgno: OSLO });
      assert.equal(supplied.status, 201);
      suppliedClientId = supplied.body.client_id;
    });
    after(() => t.close());

    /** Every protected route, a body it would accept, and the scopes that admit it. */
    const routes = (): Array<{ method: Method; url: string; body?: unknown; scopes: string[] }> => [
      { method: 'GET', url: `${B}/clients`, scopes: [DCR_READ, DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER] },
      { method: 'POST', url: `${B}/clients`, body: { client_name: 'x', integration_type: 'maskinporten' }, scopes: [DCR_WRITE, DCR_SUPPLIER] },
      { method: 'GET', url: `${B}/clients/${navClientId}`, scopes: [DCR_READ, DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER] },
      { method: 'PUT', url: `${B}/clients/${navClientId}`, body: { client_name: 'x' }, scopes: [DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER] },
      { method: 'DELETE', url: `${B}/clients/${navClientId}`, scopes: [DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER] },
      { method: 'GET', url: `${B}/clients/${navClientId}/jwks`, scopes: [DCR_READ, DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER] },
      { method: 'POST', url: `${B}/clients/${navClientId}/jwks`, body: { keys: [] }, scopes: [DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER] },
      { method: 'PUT', url: `${B}/clients/${navClientId}/jwks`, body: { keys: [] }, scopes: [DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER] },
      { method: 'GET', url: `${B}/scopes`, scopes: [SCOPES_WRITE] },
      { method: 'GET', url: `${B}/scopes?scope=skatt:inntekt`, scopes: [SCOPES_WRITE] },
      { method: 'POST', url: `${B}/scopes`, body: { prefix: 'nav', subscope: 'x', description: 'd' }, scopes: [SCOPES_WRITE] },
      { method: 'PUT', url: `${B}/scopes?scope=skatt:inntekt`, body: { description: 'd' }, scopes: [SCOPES_WRITE] },
      { method: 'DELETE', url: `${B}/scopes?scope=skatt:inntekt`, scopes: [SCOPES_WRITE] },
      { method: 'GET', url: `${B}/scopes/access?scope=skatt:inntekt`, scopes: [SCOPES_WRITE] },
      { method: 'PUT', url: `${B}/scopes/access/${NAV}?scope=skatt:inntekt`, scopes: [SCOPES_WRITE] },
      { method: 'DELETE', url: `${B}/scopes/access/${NAV}?scope=skatt:inntekt`, scopes: [SCOPES_WRITE] },
      { method: 'GET', url: `${B}/prefix`, scopes: [SCOPES_WRITE] },
      { method: 'GET', url: `${B}/scopes/access/all`, scopes: [DCR_READ, DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER, SCOPES_WRITE] },
      { method: 'GET', url: `${B}/delegations`, scopes: [DELEGATIONS] },
      { method: 'PUT', url: `${B}/delegations/${NAV}?scope=skatt:deleg`, scopes: [DELEGATIONS] },
      { method: 'DELETE', url: `${B}/delegations/${NAV}?scope=skatt:deleg`, scopes: [DELEGATIONS] },
    ];
    const ALL = [DCR_READ, DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER, SCOPES_WRITE, DELEGATIONS];

    describe('forbidden', () => {
      it('answers 401 AUTH_TOKEN_MISSING with a Bearer challenge on every protected route without a token, and changes nothing', async () => {
        const before = await registrySnapshot(t.db);
        for (const r of routes()) {
          const res = await call(r.method, r.url, undefined, r.body);
          assert.equal(res.status, 401, `${r.method} ${r.url}`);
          assert.equal(res.body.code, 'AUTH_TOKEN_MISSING');
          assert.match(String(res.headers['www-authenticate']), /^Bearer realm=/);
        }
        assert.deepEqual(await registrySnapshot(t.db), before);
      });

      it('answers 401 AUTH_TOKEN_INVALID for a malformed or foreign token', async () => {
        assert.equal((await call('GET', `${B}/clients`, 'not.a.jwt')).body.code, 'AUTH_TOKEN_INVALID');
        const forged = (await token(NAV, DCR_READ)).replace(/\.[^.]+$/, '.AAAA');
        assert.equal((await call('GET', `${B}/clients`, forged)).status, 401);
      });

      it('answers 403 AUTH_INSUFFICIENT_SCOPE on every route to a token with only the other routes’ scopes, and changes nothing', async () => {
        const before = await registrySnapshot(t.db);
        for (const r of routes()) {
          const others = ALL.filter((s) => !r.scopes.includes(s));
          const res = await call(r.method, r.url, await token(NAV, 'krr:global/kontaktinformasjon.read', ...others), r.body);
          assert.equal(res.status, 403, `${r.method} ${r.url}`);
          assert.equal(res.body.code, 'AUTH_INSUFFICIENT_SCOPE');
          assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope"/);
        }
        assert.deepEqual(await registrySnapshot(t.db), before);
      });

      it("hides another organisation's client: 404 MASKINPORTEN_CLIENT_NOT_FOUND on read, change, delete and keys", async () => {
        const skatt = await token(SKATT, DCR_READ, DCR_WRITE, DCR_MODIFY, DCR_SUPPLIER);
        const before = await registrySnapshot(t.db);
        for (const [method, suffix, body] of [
          ['GET', '', undefined],
          ['PUT', '', { client_name: 'stjålet' }],
          ['DELETE', '', undefined],
          ['GET', '/jwks', undefined],
          ['POST', '/jwks', { keys: [] }],
          ['PUT', '/jwks', { keys: [] }],
        ] as const) {
          const res = await call(method, `${B}/clients/${navClientId}${suffix}`, skatt, body);
          assert.equal(res.status, 404, `${method} ${suffix}`);
          assert.equal(res.body.code, 'MASKINPORTEN_CLIENT_NOT_FOUND');
        }
        assert.deepEqual((await call('GET', `${B}/clients`, skatt)).body, []);
        assert.deepEqual(await registrySnapshot(t.db), before);
      });

      it('shows a supplier the clients it supplies only while its token has idporten:dcr.supplier', async () => {
        const plain = await token(NAV, DCR_READ, DCR_MODIFY);
        assert.equal((await call('GET', `${B}/clients/${suppliedClientId}`, plain)).status, 404);
        assert.deepEqual((await call('GET', `${B}/clients`, plain)).body.map((c: { client_id: string }) => c.client_id), [navClientId]);
        assert.equal((await call('PUT', `${B}/clients/${suppliedClientId}`, plain, { client_name: 'x' })).status, 404);
      });

      it('refuses a client for another organisation without idporten:dcr.supplier (403 MASKINPORTEN_CLIENT_ORGNO_FORBIDDEN)', async () => {
        const before = await registrySnapshot(t.db);
        const res = await call('POST', `${B}/clients`, await token(NAV, DCR_WRITE), { client_name: 'x', integration_type: 'maskinporten', client_orgno: OSLO });
        assert.equal(res.status, 403);
        assert.equal(res.body.code, 'MASKINPORTEN_CLIENT_ORGNO_FORBIDDEN');
        assert.deepEqual(await registrySnapshot(t.db), before);
      });

      it("refuses another organisation's public scope (403) and hides its private one (404) on every scope route", async () => {
        const nav = await token(NAV, SCOPES_WRITE);
        const before = await registrySnapshot(t.db);
        for (const [name, status, code] of [
          ['skatt:inntekt', 403, 'MASKINPORTEN_SCOPE_NOT_OWNED'],
          ['skatt:hemmelig', 404, 'MASKINPORTEN_SCOPE_NOT_FOUND'],
        ] as const) {
          for (const [method, url, body] of [
            ['GET', `${B}/scopes?scope=${name}`, undefined],
            ['PUT', `${B}/scopes?scope=${name}`, { description: 'kapret' }],
            ['DELETE', `${B}/scopes?scope=${name}`, undefined],
            ['GET', `${B}/scopes/access?scope=${name}`, undefined],
            ['PUT', `${B}/scopes/access/${NAV}?scope=${name}`, undefined],
            ['DELETE', `${B}/scopes/access/${NAV}?scope=${name}`, undefined],
          ] as const) {
            const res = await call(method, url, nav, body);
            assert.equal(res.status, status, `${method} ${url}`);
            assert.equal(res.body.code, code);
          }
        }
        assert.deepEqual(await registrySnapshot(t.db), before);
      });

      it("refuses a scope under another organisation's prefix (403 MASKINPORTEN_PREFIX_NOT_ASSIGNED)", async () => {
        const before = await registrySnapshot(t.db);
        const res = await call('POST', `${B}/scopes`, await token(NAV, SCOPES_WRITE), { prefix: 'skatt', subscope: 'falsk', description: 'd' });
        assert.equal(res.status, 403);
        assert.equal(res.body.code, 'MASKINPORTEN_PREFIX_NOT_ASSIGNED');
        const builtIn = await call('POST', `${B}/scopes`, await token(NAV, SCOPES_WRITE), { prefix: 'idporten', subscope: 'dcr.admin', description: 'd' });
        assert.equal(builtIn.body.code, 'MASKINPORTEN_PREFIX_NOT_ASSIGNED');
        assert.deepEqual(await registrySnapshot(t.db), before);
      });

      it('refuses a delegation by an organisation without access to the scope (403 MASKINPORTEN_NO_ACCESS_TO_DELEGATE)', async () => {
        const before = await registrySnapshot(t.db);
        const res = await call('PUT', `${B}/delegations/${OSLO}?scope=skatt:deleg`, await token(NAV, DELEGATIONS));
        assert.equal(res.status, 403);
        assert.equal(res.body.code, 'MASKINPORTEN_NO_ACCESS_TO_DELEGATE');
        assert.deepEqual(await registrySnapshot(t.db), before);
      });
    });

    describe('allowed', () => {
      it('serves /scopes/all without a token', async () => {
        const res = await call('GET', `${B}/scopes/all`);
        assert.equal(res.status, 200);
        assert.ok(res.body.some((s: { name: string }) => s.name === 'skatt:inntekt'));
        assert.ok(!res.body.some((s: { name: string }) => s.name === 'skatt:hemmelig'));
      });

      it('lets each client scope read and change its own clients', async () => {
        for (const scope of [DCR_READ, DCR_WRITE, DCR_MODIFY]) {
          assert.equal((await call('GET', `${B}/clients/${navClientId}`, await token(NAV, scope))).status, 200, scope);
        }
        assert.equal((await call('PUT', `${B}/clients/${navClientId}`, await token(NAV, DCR_MODIFY), { client_name: 'endret' })).body.client_name, 'endret');
      });

      it('lets a supplier with idporten:dcr.supplier read and change the client it supplies, and the customer read it', async () => {
        const supplier = await token(NAV, DCR_SUPPLIER);
        assert.equal((await call('GET', `${B}/clients/${suppliedClientId}`, supplier)).body.supplier_orgno, NAV);
        assert.equal((await call('PUT', `${B}/clients/${suppliedClientId}`, supplier, { client_name: 'ny' })).status, 200);
        assert.equal((await call('GET', `${B}/clients/${suppliedClientId}`, await token(OSLO, DCR_READ))).body.client_name, 'ny');
      });

      it('lets a scope owner see its private scope and grant access to it; the consumer then sees the grant', async () => {
        const skatt = await token(SKATT, SCOPES_WRITE);
        assert.equal((await call('GET', `${B}/scopes?scope=skatt:hemmelig`, skatt)).body.visibility, 'PRIVATE');
        assert.equal((await call('PUT', `${B}/scopes/access/${NAV}?scope=skatt:hemmelig`, skatt)).status, 200);
        const mine = await call('GET', `${B}/scopes/access/all`, await token(NAV, DCR_READ));
        assert.deepEqual(mine.body.map((g: { scope: string }) => g.scope), ['skatt:hemmelig']);
      });

      it('lets a customer with access delegate to a supplier, and both see the delegation', async () => {
        const res = await call('PUT', `${B}/delegations/${NAV}?scope=skatt:deleg`, await token(OSLO, DELEGATIONS));
        assert.equal(res.status, 200);
        assert.equal(res.body.delegation_source, 'https://www.altinn.no/');
        assert.equal((await call('GET', `${B}/delegations`, await token(NAV, DELEGATIONS))).body.length, 1);
      });
    });
  });
}
