/**
 * End to end over real sockets: a Maskinporten client gets a real token from our Maskinporten
 * (JWT-bearer grant) and looks persons up through the typed KRR client.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { testEngines } from '../platform/db/testing.ts';
import { createClient, grantScopeAccess, maskinportenComponent, maskinportenIssuer, setClientKeys } from '../maskinporten/index.ts';
import { DIGDIR_ORGNR, registersComponent } from '../registers/index.ts';
import { createKrrClient, KRR_SCOPE_DIGITALPOST, KRR_SCOPE_KONTAKTINFORMASJON, krrComponent } from './index.ts';
import { krrDb } from './store/krr-store.ts';

const NAV = '889640782';

for (const engine of testEngines()) {
  describe(`KRR with a real Maskinporten token on ${engine}`, () => {
    let t: TestPlatform;
    let base: string;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, krrComponent], { PUBLIC_URL: 'http://grunnmur.test', RATE_LIMIT_MAX: '0' });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    after(() => t.close());

    it('gets a token for krr:global/kontaktinformasjon.read from /maskinporten/token and looks up persons with it', async () => {
      const db = t.platform.db;
      for (const scope of [KRR_SCOPE_KONTAKTINFORMASJON, KRR_SCOPE_DIGITALPOST]) await grantScopeAccess(db, { scope, consumerOrgno: NAV }, { orgno: DIGDIR_ORGNR });
      const client = await createClient(
        db,
        { integration_type: 'maskinporten', client_name: 'NAV KRR', description: 'KRR e2e', scopes: [KRR_SCOPE_KONTAKTINFORMASJON, KRR_SCOPE_DIGITALPOST] },
        { orgno: NAV },
      );
      const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
      const kid = `nav-${randomUUID()}`;
      await setClientKeys(db, client.client_id, { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] }, { orgno: NAV });

      const issuer = maskinportenIssuer(t.platform.config);
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({ scope: KRR_SCOPE_KONTAKTINFORMASJON, jti: randomUUID() })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(client.client_id)
        .setAudience(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(privateKey);
      const tokenRes = await fetch(`${base}/maskinporten/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      });
      assert.equal(tokenRes.status, 200, await tokenRes.clone().text());
      const { access_token: token } = (await tokenRes.json()) as { access_token: string };

      const persons = await krrDb(db).selectFrom('krr_persons').select('personidentifikator').where('status', '=', 'AKTIV').orderBy('personidentifikator').limit(3).execute();
      const ids = persons.map((p) => p.personidentifikator);
      const krr = createKrrClient(base);
      const answer = await krr.lookup(ids, token);
      assert.deepEqual(answer.personer.map((p) => p.personidentifikator), ids);
      assert.ok(answer.personer.every((p) => p.status === 'AKTIV' && p.varslingsstatus !== undefined && p.digital_post === undefined));

      const log = await krrDb(db).selectFrom('krr_lookups').selectAll().execute();
      assert.equal(log.length, 1);
      assert.equal(log[0]!.consumer_orgno, NAV);
      assert.equal(log[0]!.client_id, client.client_id);
      assert.equal(log[0]!.scope, KRR_SCOPE_KONTAKTINFORMASJON);

      await assert.rejects(krr.lookup(ids, 'not-a-token'), (err: any) => err.status === 401 && err.code === 'AUTH_TOKEN_INVALID');
    });
  });
}
