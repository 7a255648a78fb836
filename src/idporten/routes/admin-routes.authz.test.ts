import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mintPlatformToken } from '../../platform/auth/testing.ts';
import { testEngines } from '../../platform/db/testing.ts';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { maskinportenComponent } from '../../maskinporten/index.ts';
import { registersComponent } from '../../registers/index.ts';
import { idportenComponent } from '../index.ts';
import { clientsSnapshot } from '../testing/clients-snapshot.ts';

const C = '/idporten/clients';
const NAV = '889640782';
const SKATT = '974761076';
const OSLO = '958935420';
const READ = 'idporten:dcr.read';
const WRITE = 'idporten:dcr.write';
const MODIFY = 'idporten:dcr.modify';
const SUPPLIER = 'idporten:dcr.supplier';
const ALL = [READ, WRITE, MODIFY, SUPPLIER];
const NEW = { client_name: 'Ny tjeneste', redirect_uris: ['https://tjeneste.example.no/callback'] };

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

for (const engine of testEngines()) {
  describe(`ID-porten client admin API authorization on ${engine}`, () => {
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
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, idportenComponent]);
      const nav = await call('POST', C, await token(NAV, WRITE), { ...NEW, client_name: 'nav' });
      assert.equal(nav.status, 201, JSON.stringify(nav.body));
      navClientId = nav.body.client_id;
      const supplied = await call('POST', C, await token(NAV, SUPPLIER), { ...NEW, client_name: 'oslo via nav', client_orgno: OSLO });
      assert.equal(supplied.status, 201, JSON.stringify(supplied.body));
      suppliedClientId = supplied.body.client_id;
    });
    after(() => t.close());

    /** Every route, a body it would accept, and the scopes that admit it. */
    const routes = (): Array<{ method: Method; url: string; body?: unknown; scopes: string[] }> => [
      { method: 'GET', url: C, scopes: [READ, WRITE, MODIFY, SUPPLIER] },
      { method: 'POST', url: C, body: NEW, scopes: [WRITE, SUPPLIER] },
      { method: 'GET', url: `${C}/${navClientId}`, scopes: [READ, WRITE, MODIFY, SUPPLIER] },
      { method: 'PUT', url: `${C}/${navClientId}`, body: NEW, scopes: [WRITE, MODIFY, SUPPLIER] },
      { method: 'DELETE', url: `${C}/${navClientId}`, scopes: [WRITE, MODIFY, SUPPLIER] },
      { method: 'GET', url: `${C}/${navClientId}/jwks`, scopes: [READ, WRITE, MODIFY, SUPPLIER] },
      { method: 'POST', url: `${C}/${navClientId}/jwks`, body: { keys: [] }, scopes: [WRITE, MODIFY, SUPPLIER] },
      { method: 'PUT', url: `${C}/${navClientId}/jwks`, body: { keys: [] }, scopes: [WRITE, MODIFY, SUPPLIER] },
      { method: 'POST', url: `${C}/${navClientId}/secret`, scopes: [WRITE, MODIFY, SUPPLIER] },
    ];

    describe('forbidden', () => {
      it('answers 401 AUTH_TOKEN_MISSING with a Bearer challenge on every route without a token, and changes nothing', async () => {
        const before = await clientsSnapshot(t.db);
        for (const r of routes()) {
          const res = await call(r.method, r.url, undefined, r.body);
          assert.equal(res.status, 401, `${r.method} ${r.url}`);
          assert.equal(res.body.code, 'AUTH_TOKEN_MISSING');
          assert.match(String(res.headers['www-authenticate']), /^Bearer realm=/);
        }
        assert.deepEqual(await clientsSnapshot(t.db), before);
      });

      it('answers 401 AUTH_TOKEN_INVALID for a malformed or forged token', async () => {
        assert.equal((await call('GET', C, 'not.a.jwt')).body.code, 'AUTH_TOKEN_INVALID');
        const forged = (await token(NAV, READ)).replace(/\.[^.]+$/, '.AAAA');
        assert.equal((await call('GET', C, forged)).status, 401);
      });

      it('answers 403 AUTH_INSUFFICIENT_SCOPE on every route to a token with only the other routes’ scopes, and changes nothing', async () => {
        const before = await clientsSnapshot(t.db);
        for (const r of routes()) {
          const others = ALL.filter((s) => !r.scopes.includes(s));
          const res = await call(r.method, r.url, await token(NAV, 'idporten:scopes.write', ...others), r.body);
          assert.equal(res.status, 403, `${r.method} ${r.url}`);
          assert.equal(res.body.code, 'AUTH_INSUFFICIENT_SCOPE');
          assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope"/);
        }
        assert.deepEqual(await clientsSnapshot(t.db), before);
      });

      it("hides another organisation's client: 404 IDPORTEN_CLIENT_NOT_FOUND on read, change, delete, keys and secret", async () => {
        const skatt = await token(SKATT, ...ALL);
        const before = await clientsSnapshot(t.db);
        for (const [method, suffix, body] of [
          ['GET', '', undefined],
          ['PUT', '', { ...NEW, client_name: 'stjålet' }],
          ['DELETE', '', undefined],
          ['GET', '/jwks', undefined],
          ['POST', '/jwks', { keys: [] }],
          ['PUT', '/jwks', { keys: [] }],
          ['POST', '/secret', undefined],
        ] as const) {
          const res = await call(method, `${C}/${navClientId}${suffix}`, skatt, body);
          assert.equal(res.status, 404, `${method} ${suffix}`);
          assert.equal(res.body.code, 'IDPORTEN_CLIENT_NOT_FOUND');
        }
        assert.deepEqual((await call('GET', C, skatt)).body, []);
        assert.deepEqual(await clientsSnapshot(t.db), before);
      });

      it('shows a supplier the clients it supplies only while its token has idporten:dcr.supplier', async () => {
        const plain = await token(NAV, READ, MODIFY);
        assert.equal((await call('GET', `${C}/${suppliedClientId}`, plain)).status, 404);
        assert.deepEqual((await call('GET', C, plain)).body.map((c: { client_id: string }) => c.client_id), [navClientId]);
        assert.equal((await call('PUT', `${C}/${suppliedClientId}`, plain, NEW)).status, 404);
      });

      it('refuses a client for another organisation without idporten:dcr.supplier (403 IDPORTEN_CLIENT_ORGNO_FORBIDDEN)', async () => {
        const before = await clientsSnapshot(t.db);
        const res = await call('POST', C, await token(NAV, WRITE), { ...NEW, client_orgno: OSLO });
        assert.equal(res.status, 403);
        assert.equal(res.body.code, 'IDPORTEN_CLIENT_ORGNO_FORBIDDEN');
        assert.deepEqual(await clientsSnapshot(t.db), before);
      });
    });

    describe('allowed', () => {
      it('lets each client scope read its own clients, and idporten:dcr.modify change them', async () => {
        for (const scope of [READ, WRITE, MODIFY]) {
          const res = await call('GET', `${C}/${navClientId}`, await token(NAV, scope));
          assert.equal(res.status, 200, scope);
          assert.equal(res.body.client_secret, undefined, 'a secret is never shown on read');
        }
        const changed = await call('PUT', `${C}/${navClientId}`, await token(NAV, MODIFY), { ...NEW, client_name: 'endret' });
        assert.equal(changed.status, 200);
        assert.equal(changed.body.client_name, 'endret');
      });

      it('lets a supplier read and change the client it supplies, and the customer read it', async () => {
        const supplier = await token(NAV, SUPPLIER);
        assert.equal((await call('GET', `${C}/${suppliedClientId}`, supplier)).body.supplier_orgno, NAV);
        assert.equal((await call('PUT', `${C}/${suppliedClientId}`, supplier, { ...NEW, client_name: 'ny' })).status, 200);
        const seen = await call('GET', `${C}/${suppliedClientId}`, await token(OSLO, READ));
        assert.equal(seen.body.client_name, 'ny');
        assert.equal(seen.body.client_orgno, OSLO);
      });
    });
  });
}
