import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mintPlatformToken } from '../../platform/auth/testing.ts';
import { testEngines } from '../../platform/db/testing.ts';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { maskinportenComponent } from '../../maskinporten/index.ts';
import { registersComponent } from '../../registers/index.ts';
import { idportenComponent } from '../index.ts';
import { findIdportenClient } from '../store/clients-store.ts';
import { clientsSnapshot } from '../testing/clients-snapshot.ts';

const C = '/idporten/clients';
const NAV = '889640782';
const ALL = ['idporten:dcr.read', 'idporten:dcr.write', 'idporten:dcr.modify'];
const REDIRECT = 'https://tjeneste.example.no/callback';
const NEW = { client_name: 'Min tjeneste', redirect_uris: [REDIRECT] };
const SECRET_LIFETIME_S = 360 * 86_400;

/** A public RSA JWK with this kid (2048 bits unless asked). */
function publicJwk(kid: string, modulusLength = 2048): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

for (const engine of testEngines()) {
  describe(`ID-porten client admin API on ${engine}`, () => {
    let t: TestPlatform;
    let auth: string;
    const keyA = publicJwk('nav-a');
    const keyB = publicJwk('nav-b');

    async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${auth}` }, ...(body === undefined ? {} : { payload: body as object }) });
      return { status: res.statusCode, body: res.body === '' ? undefined : res.json() };
    }
    async function create(body: Record<string, unknown> = {}) {
      const res = await call('POST', C, { ...NEW, ...body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    }
    /** Asserts a refusal: status, code, the problem fields (for IDPORTEN_INVALID_CLIENT), and that nothing changed. */
    async function refused(method: 'POST' | 'PUT', url: string, body: unknown, status: number, code: string, fields?: string[]) {
      const snapshot = await clientsSnapshot(t.db);
      const res = await call(method, url, body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.code, code);
      if (fields) assert.deepEqual(res.body.problems.map((p: { field: string }) => p.field), fields, JSON.stringify(res.body.problems));
      assert.deepEqual(await clientsSnapshot(t.db), snapshot);
      return res.body;
    }

    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, idportenComponent]);
      auth = await mintPlatformToken(t.platform, { consumerOrgno: NAV, scope: ALL, lifetimeS: 3600 });
    });
    after(() => t.close());

    describe('create', () => {
      it('registers a client with Digdir defaults, shows the secret once with a 360-day expiry, and never on read', async () => {
        const created = await create({ description: 'Beskrivelse', client_uri: 'https://tjeneste.example.no', display_name: 'NAV' });
        assert.equal(created.client_orgno, NAV);
        assert.equal(created.integration_type, 'idporten');
        assert.equal(created.application_type, 'web');
        assert.deepEqual(created.scopes, ['openid', 'profile']);
        assert.equal(created.token_endpoint_auth_method, 'client_secret_basic');
        assert.equal(created.client_secret.length, 43);
        assert.equal(created.client_secret_expires_at, Math.floor(Date.parse(created.created) / 1000) + SECRET_LIFETIME_S);
        assert.equal(created.description, 'Beskrivelse');
        assert.equal(created.display_name, 'NAV');
        assert.equal(created.active, true);
        const read = await call('GET', `${C}/${created.client_id}`);
        assert.equal(read.body.client_secret, undefined);
        assert.equal(read.body.client_secret_expires_at, created.client_secret_expires_at);
        assert.equal((await findIdportenClient(t.db, created.client_id))?.client_secret, created.client_secret);
        assert.ok((await call('GET', C)).body.some((c: { client_id: string }) => c.client_id === created.client_id));
      });

      it('registers an api_klient browser client without a secret, and a private_key_jwt client with its keys', async () => {
        const spa = await create({ integration_type: 'api_klient', application_type: 'browser', token_endpoint_auth_method: 'none', scopes: ['openid', 'nav:dagpenger'] });
        assert.equal(spa.integration_type, 'api_klient');
        assert.equal(spa.client_secret, undefined);
        assert.equal(spa.client_secret_expires_at, undefined);
        const keyed = await create({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk('nav-create')] } });
        const keys = await call('GET', `${C}/${keyed.client_id}/jwks`);
        assert.deepEqual(keys.body.keys.map((k: { kid: string }) => k.kid), ['nav-create']);
        assert.equal(typeof keys.body.keys[0].exp, 'number');
      });

      it('refuses client_id and client_secret in the body: both are assigned (IDPORTEN_INVALID_CLIENT)', async () => {
        await refused('POST', C, { ...NEW, client_id: 'eget-id', client_secret: 'x'.repeat(40) }, 400, 'IDPORTEN_INVALID_CLIENT', ['client_id', 'client_secret']);
      });

      it("refuses every broken Digdir rule at once, naming each field, and writes nothing", async () => {
        const body = await refused(
          'POST',
          C,
          {
            client_name: 'x',
            integration_type: 'maskinporten',
            redirect_uris: ['http://tjeneste.example.no/cb', 'https://tjeneste.example.no/cb#frag'],
            frontchannel_logout_uri: 'https://annen.example.no/logout',
            grant_types: ['refresh_token'],
            token_endpoint_auth_method: 'none',
            access_token_lifetime: 7201,
            authorization_lifetime: 600,
            refresh_token_lifetime: 601,
            code_challenge_method: 'plain',
          },
          400,
          'IDPORTEN_INVALID_CLIENT',
          [
            'integration_type',
            'redirect_uris[0]',
            'redirect_uris[1]',
            'frontchannel_logout_uri',
            'grant_types',
            'token_endpoint_auth_method',
            'access_token_lifetime',
            'refresh_token_lifetime',
            'code_challenge_method',
          ],
        );
        assert.equal(body.problems[0].message, "must be idporten or api_klient (Maskinporten's types maskinporten, krr and eformidling are registered at /selvbetjening/api/v1/clients; ansattporten is not served)");
        assert.equal(body.problems[1].message, 'must be https (plain http only to localhost)');
      });

      it('refuses private_key_jwt without keys, and a body that breaks the schema', async () => {
        await refused('POST', C, { ...NEW, token_endpoint_auth_method: 'private_key_jwt' }, 400, 'IDPORTEN_INVALID_CLIENT', ['jwks']);
        await refused('POST', C, { ...NEW, redirect_uris: REDIRECT }, 400, 'PLATFORM_VALIDATION_FAILED');
        await refused('POST', C, { ...NEW, logo: 'x' }, 400, 'PLATFORM_VALIDATION_FAILED');
      });
    });

    describe('change', () => {
      it('replaces the registration, keeps the secret while the method is a secret method, and posts a read answer back unchanged', async () => {
        const created = await create({ post_logout_redirect_uris: ['https://tjeneste.example.no/ut'] });
        const read = (await call('GET', `${C}/${created.client_id}`)).body;
        const same = await call('PUT', `${C}/${created.client_id}`, read);
        assert.equal(same.status, 200, JSON.stringify(same.body));
        assert.deepEqual({ ...same.body, last_updated: read.last_updated }, read);
        const changed = await call('PUT', `${C}/${created.client_id}`, { ...NEW, redirect_uris: ['https://tjeneste.example.no/ny'], token_endpoint_auth_method: 'client_secret_post' });
        assert.equal(changed.status, 200);
        assert.deepEqual(changed.body.redirect_uris, ['https://tjeneste.example.no/ny']);
        assert.deepEqual(changed.body.post_logout_redirect_uris, [], 'absent fields take their defaults');
        assert.equal(changed.body.client_secret, undefined, 'the kept secret is not shown again');
        assert.equal((await findIdportenClient(t.db, created.client_id))?.client_secret, created.client_secret);
      });

      it('removes the secret when the method changes to private_key_jwt, and issues a new one (shown once) when it changes back', async () => {
        const created = await create();
        const keyed = await call('PUT', `${C}/${created.client_id}`, { ...NEW, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk('nav-switch')] } });
        assert.equal(keyed.status, 200, JSON.stringify(keyed.body));
        assert.equal(keyed.body.client_secret_expires_at, undefined);
        assert.equal((await findIdportenClient(t.db, created.client_id))?.client_secret, undefined);
        const back = await call('PUT', `${C}/${created.client_id}`, { ...NEW, token_endpoint_auth_method: 'client_secret_basic' });
        assert.equal(back.status, 200);
        assert.equal(back.body.client_secret.length, 43);
        assert.notEqual(back.body.client_secret, created.client_secret);
        assert.deepEqual((await call('GET', `${C}/${created.client_id}/jwks`)).body.keys, [], 'the keys went with the method');
      });

      it('refuses a change of integration_type, client_orgno, client_id or supplier_orgno, and a broken rule, changing nothing', async () => {
        const created = await create();
        const url = `${C}/${created.client_id}`;
        const body = await refused('PUT', url, { ...NEW, integration_type: 'api_klient' }, 400, 'IDPORTEN_INVALID_CLIENT', ['integration_type']);
        assert.equal(body.problems[0].message, 'cannot change (the client is idporten)');
        await refused('PUT', url, { ...NEW, client_orgno: '974761076', client_id: 'annen' }, 400, 'IDPORTEN_INVALID_CLIENT', ['client_id', 'client_orgno']);
        await refused('PUT', url, { ...NEW, supplier_orgno: '974761076' }, 400, 'IDPORTEN_INVALID_CLIENT', ['supplier_orgno']);
        await refused('PUT', url, { ...NEW, redirect_uris: ['ftp://tjeneste.example.no/cb'] }, 400, 'IDPORTEN_INVALID_CLIENT', ['redirect_uris[0]']);
        await refused('PUT', url, { ...NEW, client_secret: 'y'.repeat(40) }, 400, 'IDPORTEN_INVALID_CLIENT', ['client_secret']);
        await refused('PUT', url, { ...NEW, token_endpoint_auth_method: 'private_key_jwt' }, 400, 'IDPORTEN_INVALID_CLIENT', ['jwks']);
        await refused('PUT', `${C}/nosuch`, NEW, 404, 'IDPORTEN_CLIENT_NOT_FOUND');
      });

      it('deletes by deactivating: idempotent, hidden from the list unless inactive=TRUE, keys freed, later changes refused with 409', async () => {
        const created = await create({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk('nav-deleted')] } });
        const url = `${C}/${created.client_id}`;
        const deleted = await call('DELETE', url);
        assert.equal(deleted.status, 200);
        assert.equal(deleted.body.active, false);
        assert.equal((await call('DELETE', url)).body.active, false);
        assert.ok(!(await call('GET', C)).body.some((c: { client_id: string }) => c.client_id === created.client_id));
        assert.ok((await call('GET', `${C}?inactive=TRUE`)).body.some((c: { client_id: string }) => c.client_id === created.client_id));
        await refused('PUT', url, NEW, 409, 'IDPORTEN_CLIENT_INACTIVE');
        await refused('POST', `${url}/secret`, undefined, 409, 'IDPORTEN_CLIENT_INACTIVE');
        await refused('POST', `${url}/jwks`, { keys: [publicJwk('x')] }, 409, 'IDPORTEN_CLIENT_INACTIVE');
        assert.equal((await findIdportenClient(t.db, created.client_id))?.jwks, undefined);
        await create({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk('nav-deleted')] } });
      });
    });

    describe('keys', () => {
      it('replaces the whole set on POST and PUT, each key with exp at most one year ahead', async () => {
        const created = await create({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [keyA] } });
        const url = `${C}/${created.client_id}/jwks`;
        const put = await call('PUT', url, { keys: [keyA, keyB] });
        assert.equal(put.status, 200, JSON.stringify(put.body));
        assert.deepEqual(put.body.keys.map((k: { kid: string }) => k.kid), ['nav-a', 'nav-b']);
        const post = await call('POST', url, { keys: [keyB] });
        assert.deepEqual(post.body.keys.map((k: { kid: string }) => k.kid), ['nav-b']);
        assert.ok(post.body.keys[0].exp * 1000 > Date.now() + 364 * 86_400_000);
        assert.deepEqual((await call('GET', url)).body, post.body);
        assert.equal(post.body.keys[0].d, undefined);
      });

      it('refuses every broken key rule with the exact problem, and a kid of another client with 409, changing nothing', async () => {
        const holder = await create({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk('nav-taken')] } });
        const created = await create({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk('nav-rules')] } });
        const url = `${C}/${created.client_id}/jwks`;
        const problem = async (keys: unknown[], field: string, message: string | RegExp) => {
          const body = await refused('POST', url, { keys }, 400, 'IDPORTEN_INVALID_CLIENT', [field]);
          if (typeof message === 'string') assert.equal(body.problems[0].message, message);
          else assert.match(body.problems[0].message, message);
        };
        await problem([], 'jwks', 'private_key_jwt needs at least one public key');
        await problem([1, 2, 3, 4, 5, 6].map((i) => publicJwk(`k${i}`)), 'jwks', 'A client has at most 5 keys; the set has 6');
        await problem([{ ...keyA, kid: 'p', d: 'AAAA' }], 'jwks.keys[0]', /^keys\[0\]: the JWK holds private key members \(d\)/);
        await problem([{ ...keyA, kid: 'med mellomrom' }], 'jwks.keys[0]', "keys[0]: kid must be 1–255 letters, digits, '.', '_' or '-'");
        await problem([{ ...keyA, kid: 'dup' }, { ...keyB, kid: 'dup' }], 'jwks.keys[1]', 'keys[1]: kid "dup" appears twice in the set');
        await problem([publicJwk('short', 1024)], 'jwks.keys[0]', 'keys[0] (short): the RSA modulus has 1024 bits; 2048 to 8192 are accepted');
        await problem([{ ...keyA, kid: 'late', exp: Math.floor(Date.now() / 1000) + 400 * 86_400 }], 'jwks.keys[0]', /^keys\[0\] \(late\): exp is more than one year after posting/);
        const taken = await refused('PUT', url, { keys: [publicJwk('nav-taken')] }, 409, 'IDPORTEN_KID_IN_USE');
        assert.deepEqual(taken.kids, ['nav-taken']);
        await refused('POST', `${C}/${holder.client_id}/jwks`, { keys: [publicJwk('nav-rules')] }, 409, 'IDPORTEN_KID_IN_USE');
        const secretClient = await create();
        await refused('POST', `${C}/${secretClient.client_id}/jwks`, { keys: [publicJwk('z')] }, 400, 'IDPORTEN_INVALID_CLIENT', ['jwks']);
      });
    });

    describe('secret', () => {
      it('rotates the secret: a new one, shown once, with a new 360-day expiry; the old one is gone', async () => {
        const created = await create();
        const rotated = await call('POST', `${C}/${created.client_id}/secret`);
        assert.equal(rotated.status, 200);
        assert.equal(rotated.body.client_secret.length, 43);
        assert.notEqual(rotated.body.client_secret, created.client_secret);
        assert.ok(rotated.body.client_secret_expires_at >= created.client_secret_expires_at);
        assert.equal((await findIdportenClient(t.db, created.client_id))?.client_secret, rotated.body.client_secret);
      });

      it('refuses rotation for a client without a secret (409 IDPORTEN_CLIENT_HAS_NO_SECRET)', async () => {
        const spa = await create({ application_type: 'browser', token_endpoint_auth_method: 'none' });
        await refused('POST', `${C}/${spa.client_id}/secret`, undefined, 409, 'IDPORTEN_CLIENT_HAS_NO_SECRET');
      });
    });
  });
}
