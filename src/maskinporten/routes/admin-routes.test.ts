import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mintPlatformToken } from '../../platform/auth/testing.ts';
import { testEngines } from '../../platform/db/testing.ts';
import { DIGDIR_ORGNR } from '../../registers/index.ts';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { maskinportenComponent } from '../index.ts';
import { findClient, findClientKey } from '../store/clients-store.ts';
import { maskinportenDb } from '../store/db.ts';
import { registrySnapshot } from '../testing/registry-snapshot.ts';

const B = '/selvbetjening/api/v1';
const NAV = '889640782';
const SKATT = '974761076';
const ALL_CLIENT_SCOPES = ['idporten:dcr.read', 'idporten:dcr.write', 'idporten:dcr.modify'];

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

function publicJwk(kid: string): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

for (const engine of testEngines()) {
  describe(`self-service API on ${engine}`, () => {
    let t: TestPlatform;
    let nav: string;
    let skatt: string;

    async function call(method: Method, url: string, auth: string | undefined, body?: unknown) {
      const res = await t.app.inject({
        method,
        url,
        headers: auth === undefined ? {} : { authorization: `Bearer ${auth}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body === '' ? undefined : res.json() };
    }

    /** Sends a request that must be refused with `status`/`code` and leave the registry as it was. */
    async function refused(method: Method, url: string, auth: string, body: unknown, status: number, code: string): Promise<Record<string, unknown>> {
      const before = await registrySnapshot(t.db);
      const res = await call(method, url, auth, body);
      assert.equal(res.status, status, `${method} ${url}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, code);
      assert.deepEqual(await registrySnapshot(t.db), before);
      return res.body;
    }

    before(async () => {
      t = await createTestPlatform(engine, [maskinportenComponent]);
      nav = await mintPlatformToken(t.platform, { consumerOrgno: NAV, scope: [...ALL_CLIENT_SCOPES, 'idporten:scopes.write'] });
      skatt = await mintPlatformToken(t.platform, { consumerOrgno: SKATT, scope: [...ALL_CLIENT_SCOPES, 'idporten:scopes.write'] });
      assert.equal((await call('POST', `${B}/scopes`, skatt, { prefix: 'skatt', subscope: 'inntekt/a-melding.read', description: 'A-meldinger' })).status, 201);
      assert.equal((await call('PUT', `${B}/scopes/access/${NAV}?scope=skatt:inntekt/a-melding.read`, skatt)).status, 200);
    });
    after(() => t.close());

    describe('scopes', () => {
      it('lists the built-in scopes on the open /scopes/all, in the real response shape', async () => {
        const res = await call('GET', `${B}/scopes/all`, undefined);
        const krr = res.body.find((s: { name: string }) => s.name === 'krr:global/kontaktinformasjon.read');
        assert.deepEqual(Object.keys(krr).sort(), [
          'accessible_for_all', 'active', 'allowed_integration_types', 'at_max_age', 'created', 'description', 'last_updated', 'name',
          'owner_orgno', 'prefix', 'requires_pseudonymous_tokens', 'requires_user_authentication', 'requires_user_consent', 'subscope',
          'token_type', 'visibility',
        ]);
        assert.equal(krr.owner_orgno, DIGDIR_ORGNR);
        assert.equal(krr.prefix, 'krr');
        assert.equal(krr.subscope, 'global/kontaktinformasjon.read');
        for (const name of ['idporten:dcr.read', 'idporten:scopes.write', 'move/dpo.read', 'folkeregister:deling/offentligmedhjemmel']) {
          assert.ok(res.body.some((s: { name: string }) => s.name === name), name);
        }
        const open = await call('GET', `${B}/scopes/all?accessible_for_all=TRUE&integration_type=MASKINPORTEN`, undefined);
        assert.deepEqual(open.body.map((s: { name: string }) => s.name), ['digitalpostinnbygger:send', 'eformidling:integrasjonspunkt', 'grunnmur:delegations.write']);
      });

      it('creates (201), reads, changes and deactivates a scope; inactive=TRUE lists it again', async () => {
        const created = await call('POST', `${B}/scopes`, nav, { prefix: 'nav', subscope: 'ytelser.read', description: 'Ytelser', at_max_age: 300 });
        assert.equal(created.status, 201);
        assert.equal(created.body.name, 'nav:ytelser.read');
        assert.equal(created.body.at_max_age, 300);
        assert.deepEqual((await call('GET', `${B}/scopes?scope=nav:ytelser.read`, nav)).body, created.body);
        const changed = await call('PUT', `${B}/scopes?scope=nav:ytelser.read`, nav, { ...created.body, description: 'Endret' });
        assert.equal(changed.status, 200);
        assert.equal(changed.body.description, 'Endret');
        assert.equal((await call('DELETE', `${B}/scopes?scope=nav:ytelser.read`, nav)).body.active, false);
        assert.deepEqual((await call('GET', `${B}/scopes`, nav)).body, []);
        assert.deepEqual((await call('GET', `${B}/scopes?inactive=TRUE`, nav)).body.map((s: { name: string }) => s.name), ['nav:ytelser.read']);
        assert.deepEqual((await call('GET', `${B}/prefix`, nav)).body.map((p: { prefix: string }) => p.prefix), ['nav']);
      });

      it('rejects an invalid scope name (400 MASKINPORTEN_INVALID_SCOPE_NAME) and a duplicate, also of a deactivated scope (409)', async () => {
        await refused('POST', `${B}/scopes`, nav, { prefix: 'nav', subscope: 'Store bokstaver', description: 'd' }, 400, 'MASKINPORTEN_INVALID_SCOPE_NAME');
        await refused('POST', `${B}/scopes`, nav, { prefix: 'n-a-v', subscope: 'x', description: 'd' }, 400, 'MASKINPORTEN_INVALID_SCOPE_NAME');
        await call('POST', `${B}/scopes`, nav, { prefix: 'nav', subscope: 'dup', description: 'd' });
        await refused('POST', `${B}/scopes`, nav, { prefix: 'nav', subscope: 'dup', description: 'd' }, 409, 'MASKINPORTEN_SCOPE_EXISTS');
        await call('DELETE', `${B}/scopes?scope=nav:dup`, nav);
        await refused('POST', `${B}/scopes`, nav, { prefix: 'nav', subscope: 'dup', description: 'd' }, 409, 'MASKINPORTEN_SCOPE_EXISTS');
      });

      it('rejects unknown fields, wrong types and missing fields with PLATFORM_VALIDATION_FAILED', async () => {
        await refused('POST', `${B}/scopes`, nav, { prefix: 'nav', subscope: 'x', description: 'd', colour: 'blue' }, 400, 'PLATFORM_VALIDATION_FAILED');
        await refused('POST', `${B}/scopes`, nav, { prefix: 'nav', subscope: 'x', description: 'd', accessible_for_all: 'true' }, 400, 'PLATFORM_VALIDATION_FAILED');
        await refused('POST', `${B}/scopes`, nav, { prefix: 'nav', subscope: 'x' }, 400, 'PLATFORM_VALIDATION_FAILED');
        await refused('POST', `${B}/scopes`, nav, { prefix: 'nav', subscope: 'x', description: 'd', visibility: 'SECRET' }, 400, 'PLATFORM_VALIDATION_FAILED');
        await refused('PUT', `${B}/scopes`, nav, { description: 'd' }, 400, 'PLATFORM_VALIDATION_FAILED');
      });

      it('rejects a malformed consumer orgno in an access grant with MASKINPORTEN_INVALID_ORGNO', async () => {
        const body = await refused('PUT', `${B}/scopes/access/123456789?scope=skatt:inntekt/a-melding.read`, skatt, undefined, 400, 'MASKINPORTEN_INVALID_ORGNO');
        assert.equal(body.field, 'consumer_orgno');
        await refused('PUT', `${B}/scopes/access/abc?scope=skatt:inntekt/a-melding.read`, skatt, undefined, 400, 'MASKINPORTEN_INVALID_ORGNO');
      });

      it('lists the grants of a scope in Digdir’s shape', async () => {
        const res = await call('GET', `${B}/scopes/access?scope=skatt:inntekt/a-melding.read`, skatt);
        assert.equal(res.body.length, 1);
        assert.deepEqual(Object.keys(res.body[0]).sort(), ['consumer_orgno', 'created', 'last_updated', 'owner_orgno', 'scope', 'state']);
        assert.equal(res.body[0].state, 'APPROVED');
      });
    });

    describe('clients and keys', () => {
      it('registers a client (201) in Digdir’s shape, and a GET-modify-PUT round trip keeps it', async () => {
        const created = await call('POST', `${B}/clients`, nav, {
          client_name: 'NAV a-melding',
          description: 'Henter a-meldinger',
          integration_type: 'maskinporten',
          application_type: 'web',
          token_endpoint_auth_method: 'private_key_jwt',
          grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
          scopes: ['skatt:inntekt/a-melding.read'],
        });
        assert.equal(created.status, 201);
        assert.equal(created.body.client_orgno, NAV);
        assert.equal(created.body.refresh_token_usage, 'ONETIME');
        assert.deepEqual(created.body.redirect_uris, []);
        const stored = await findClient(maskinportenDb(t.db), created.body.client_id);
        assert.deepEqual(stored?.scopes, ['skatt:inntekt/a-melding.read']);
        const fetched = await call('GET', `${B}/clients/${created.body.client_id}`, nav);
        assert.deepEqual(fetched.body, created.body);
        const put = await call('PUT', `${B}/clients/${created.body.client_id}`, nav, { ...fetched.body, description: 'Endret' });
        assert.equal(put.status, 200, JSON.stringify(put.body));
        assert.equal(put.body.description, 'Endret');
        assert.ok((await call('GET', `${B}/clients`, nav)).body.some((c: { client_id: string }) => c.client_id === created.body.client_id));
      });

      it('rejects bad client registrations with the exact code and writes nothing', async () => {
        await refused('POST', `${B}/clients`, nav, { client_name: 'x', integration_type: 'idporten' }, 400, 'MASKINPORTEN_INVALID_CLIENT');
        await refused('POST', `${B}/clients`, nav, { client_name: 'x', integration_type: 'maskinporten', client_orgno: '99999999' }, 400, 'MASKINPORTEN_INVALID_ORGNO');
        const rejected = await refused('POST', `${B}/clients`, nav, { client_name: 'x', integration_type: 'maskinporten', scopes: ['skatt:ukjent'] }, 400, 'MASKINPORTEN_CLIENT_SCOPE_REJECTED');
        assert.deepEqual(rejected.problems, [{ scope: 'skatt:ukjent', reason: 'unknown', message: 'skatt:ukjent: no such scope' }]);
        await refused('POST', `${B}/clients`, skatt, { client_name: 'x', integration_type: 'maskinporten', scopes: ['krr:global/kontaktinformasjon.read'] }, 400, 'MASKINPORTEN_CLIENT_SCOPE_REJECTED');
        await refused('POST', `${B}/clients`, nav, { client_name: 'x', integration_type: 'maskinporten', jwks_uri: 'https://x' }, 400, 'PLATFORM_VALIDATION_FAILED');
        await refused('POST', `${B}/clients`, nav, { client_name: 'x', integration_type: 'maskinporten', access_token_lifetime: '120' }, 400, 'PLATFORM_VALIDATION_FAILED');
        await refused('GET', `${B}/clients/00000000-0000-0000-0000-000000000000`, nav, undefined, 404, 'MASKINPORTEN_CLIENT_NOT_FOUND');
        await refused('PUT', `${B}/clients/ukjent`, nav, { client_name: 'x' }, 404, 'MASKINPORTEN_CLIENT_NOT_FOUND');
        await refused('DELETE', `${B}/clients/ukjent`, nav, undefined, 404, 'MASKINPORTEN_CLIENT_NOT_FOUND');
      });

      it('registers keys (exp shown in epoch seconds), refuses a 6th key, a kid of another client and private keys, and deletes a client with its keys', async () => {
        const a = (await call('POST', `${B}/clients`, nav, { client_name: 'a', integration_type: 'maskinporten' })).body.client_id;
        const b = (await call('POST', `${B}/clients`, skatt, { client_name: 'b', integration_type: 'maskinporten' })).body.client_id;
        const keys = Array.from({ length: 6 }, (_, i) => publicJwk(`http-key-${i}`));
        const posted = await call('POST', `${B}/clients/${a}/jwks`, nav, { keys: keys.slice(0, 5) });
        assert.equal(posted.status, 200);
        assert.equal(posted.body.keys.length, 5);
        assert.ok(posted.body.keys.every((k: { exp: number }) => Number.isInteger(k.exp) && k.exp > Date.now() / 1000));
        assert.deepEqual((await call('GET', `${B}/clients/${a}/jwks`, nav)).body, posted.body);
        await refused('PUT', `${B}/clients/${a}/jwks`, nav, { keys }, 400, 'MASKINPORTEN_TOO_MANY_KEYS');
        await refused('POST', `${B}/clients/${b}/jwks`, skatt, { keys: [keys[0]] }, 409, 'MASKINPORTEN_KID_IN_USE');
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        await refused('POST', `${B}/clients/${b}/jwks`, skatt, { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'priv' }] }, 400, 'MASKINPORTEN_PRIVATE_KEY_MATERIAL');
        await refused('POST', `${B}/clients/${b}/jwks`, skatt, { keys: [{ ...keys[5], exp: Math.floor(Date.now() / 1000) + 400 * 86_400 }] }, 400, 'MASKINPORTEN_INVALID_KEY_EXPIRY');
        await refused('POST', `${B}/clients/${b}/jwks`, skatt, { keys: [{ ...keys[5], kid: 'bad kid' }] }, 400, 'MASKINPORTEN_INVALID_KID');
        await refused('POST', `${B}/clients/${b}/jwks`, skatt, { keys: [{ ...keys[5], crv: 'P-256' }] }, 400, 'PLATFORM_VALIDATION_FAILED');
        await refused('POST', `${B}/clients/${b}/jwks`, skatt, [keys[5]], 400, 'PLATFORM_VALIDATION_FAILED');
        const deleted = await call('DELETE', `${B}/clients/${a}`, nav);
        assert.equal(deleted.body.active, false);
        assert.equal(await findClientKey(maskinportenDb(t.db), 'http-key-0'), undefined);
        await refused('POST', `${B}/clients/${a}/jwks`, nav, { keys: [keys[5]] }, 409, 'MASKINPORTEN_CLIENT_INACTIVE');
        assert.equal((await call('GET', `${B}/clients/${a}`, nav)).body.active, false);
        assert.ok(!(await call('GET', `${B}/clients`, nav)).body.some((c: { client_id: string }) => c.client_id === a));
        assert.ok((await call('GET', `${B}/clients?inactive=true`, nav)).body.some((c: { client_id: string }) => c.client_id === a));
      });

      it('accepts a key with the x5c of the enterprise certificate that holds it, and refuses another certificate', async () => {
        const client = (await call('POST', `${B}/clients`, nav, { client_name: 'sert', integration_type: 'maskinporten' })).body.client_id;
        const issued = await t.platform.pki.issueEnterpriseCertificate({ orgnr: NAV, organisationName: 'NAV' });
        const other = await t.platform.pki.issueEnterpriseCertificate({ orgnr: NAV, organisationName: 'NAV' });
        const jwk = { ...createPublicKey(createPrivateKey(issued.privateKeyPem)).export({ format: 'jwk' }), kid: 'nav-sert', alg: 'RS256', use: 'sig' };
        const x5c = (pem: string) => [new X509Certificate(pem).raw.toString('base64')];
        await refused('POST', `${B}/clients/${client}/jwks`, nav, { keys: [{ ...jwk, x5c: x5c(other.certificatePem) }] }, 400, 'MASKINPORTEN_UNSUPPORTED_KEY');
        const ok = await call('POST', `${B}/clients/${client}/jwks`, nav, { keys: [{ ...jwk, x5c: x5c(issued.certificatePem) }] });
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        assert.deepEqual(ok.body.keys[0].x5c, x5c(issued.certificatePem));
      });
    });

    it('documents every self-service route in the component’s OpenAPI with its bearer scopes', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/selvbetjening/openapi.json' });
      const doc = res.json() as { paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>> };
      for (const path of ['/clients', '/clients/{client_id}', '/clients/{client_id}/jwks', '/scopes', '/scopes/all', '/scopes/access', '/scopes/access/{consumer_orgno}', '/scopes/access/all', '/delegations/{supplier_orgno}']) {
        assert.ok(doc.paths[`${B}${path}`], path);
      }
      assert.deepEqual(doc.paths[`${B}/scopes`]?.post?.security, [{ maskinporten: ['idporten:scopes.write'] }]);
      assert.equal(doc.paths[`${B}/scopes/all`]?.get?.security, undefined);
    });
  });
}
