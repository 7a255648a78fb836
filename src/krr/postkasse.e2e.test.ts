/**
 * End to end over real sockets: Digipost (Posten Bring AS) gets a real token for
 * `krr:global/postkasseleverandoer.write` from our Maskinporten with its enterprise certificate
 * (JWT-bearer grant with `x5c`; the access comes with the built-in scope, no grant made here),
 * creates and selects a citizen's mailbox with its encryption certificate from the test PKI,
 * and an agency (NAV, with its own real token) then sees the mailbox and certificate in the
 * lookup API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { testEngines } from '../platform/db/testing.ts';
import { createClient, grantScopeAccess, maskinportenComponent, maskinportenIssuer, setClientKeys } from '../maskinporten/index.ts';
import { DIGDIR_ORGNR, POSTEN_BRING_ORGNR, registersComponent } from '../registers/index.ts';
import { createKrrClient, KRR_SCOPE_DIGITALPOST, krrComponent } from './index.ts';
import { pemToBase64Der } from './domain/providers.ts';
import { KRR_SCOPE_POSTKASSELEVERANDOER } from './domain/postkasse/scope.ts';
import { krrDb } from './store/krr-store.ts';

const NAV = '889640782';

for (const engine of testEngines()) {
  describe(`KRR mailbox-provider API with a real Maskinporten token on ${engine}`, () => {
    let t: TestPlatform;
    let base: string;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, krrComponent], { PUBLIC_URL: 'http://grunnmur.test', RATE_LIMIT_MAX: '0' });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    after(() => t.close());

    /** Posts a JWT-bearer grant to /maskinporten/token and returns the access token. */
    async function token(assertion: string): Promise<string> {
      const res = await fetch(`${base}/maskinporten/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { access_token: string }).access_token;
    }

    it('Digipost registers a mailbox with its own token and certificate; the lookup API shows digital_post and sertifikat', async () => {
      const db = t.platform.db;
      const issuer = maskinportenIssuer(t.platform.config);
      const now = () => Math.floor(Date.now() / 1000);

      // Digipost: a Maskinporten client authenticated by its enterprise certificate (x5c).
      const digipost = await createClient(
        db,
        { integration_type: 'maskinporten', client_name: 'Digipost KRR', description: 'postkasseleverandør', scopes: [KRR_SCOPE_POSTKASSELEVERANDOER] },
        { orgno: POSTEN_BRING_ORGNR },
      );
      const auth = await t.platform.pki.issueEnterpriseCertificate({ orgnr: POSTEN_BRING_ORGNR, organisationName: 'Posten Bring AS' });
      const x5c = [...auth.chainPem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/\s+/g, ''));
      const digipostToken = await token(
        await new SignJWT({ scope: KRR_SCOPE_POSTKASSELEVERANDOER, jti: randomUUID() })
          .setProtectedHeader({ alg: 'RS256', x5c })
          .setIssuer(digipost.client_id)
          .setAudience(issuer)
          .setIssuedAt(now())
          .setExpirationTime(now() + 60)
          .sign(await importPKCS8(auth.privateKeyPem, 'RS256')),
      );

      // A citizen without a mailbox, and Digipost's encryption certificate for the mailbox.
      const citizen = await krrDb(db)
        .selectFrom('krr_persons')
        .select('personidentifikator')
        .where('status', '=', 'AKTIV')
        .where('reservasjon', '=', 'NEI')
        .where('postkasseadresse', 'is', null)
        .orderBy('personidentifikator')
        .executeTakeFirstOrThrow();
      const pid = citizen.personidentifikator;
      const encryption = await t.platform.pki.issueEnterpriseCertificate({ orgnr: POSTEN_BRING_ORGNR, organisationName: 'Posten Bring AS', purpose: 'encryption' });
      const sertifikat = pemToBase64Der(encryption.certificatePem);

      const created = await fetch(`${base}/krr/rest/v1/postkasseleverandoer/opprettOgVelgPostkasse`, {
        method: 'POST',
        headers: { authorization: `Bearer ${digipostToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ personidentifikator: pid, postkasseadresse: 'kari.nordmann#E2E1', postkasseleverandoerAdresse: POSTEN_BRING_ORGNR, sertifikat }),
      });
      assert.equal(created.status, 200, await created.clone().text());
      assert.equal(((await created.json()) as { status: string }).status, 'OK');

      // NAV looks the citizen up with its own real token.
      await grantScopeAccess(db, { scope: KRR_SCOPE_DIGITALPOST, consumerOrgno: NAV }, { orgno: DIGDIR_ORGNR });
      const nav = await createClient(db, { integration_type: 'maskinporten', client_name: 'NAV KRR', description: 'oppslag', scopes: [KRR_SCOPE_DIGITALPOST] }, { orgno: NAV });
      const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
      const kid = `nav-${randomUUID()}`;
      await setClientKeys(db, nav.client_id, { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] }, { orgno: NAV });
      const navToken = await token(
        await new SignJWT({ scope: KRR_SCOPE_DIGITALPOST, jti: randomUUID() })
          .setProtectedHeader({ alg: 'RS256', kid })
          .setIssuer(nav.client_id)
          .setAudience(issuer)
          .setIssuedAt(now())
          .setExpirationTime(now() + 60)
          .sign(privateKey),
      );
      const answer = await createKrrClient(base).lookup([pid], navToken);
      const person = answer.personer[0]!;
      assert.deepEqual(person.digital_post, { postkasseadresse: 'kari.nordmann#E2E1', postkasseleverandoeradresse: POSTEN_BRING_ORGNR });
      assert.equal(person.sertifikat, sertifikat);
    });
  });
}
