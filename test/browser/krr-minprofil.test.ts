/**
 * MinProfil in a real browser (issue #5 acceptance): Debian's Chromium driven by playwright-core
 * against a real Grunnmur server on 127.0.0.1 (registers, Maskinporten, ID-porten, KRR). A
 * citizen logs in to `/krr/minprofil` with MinID (fødselsnummer + password, then the SMS code
 * read from the dev outbox), changes the mobile number with the one-time code MinProfil sends
 * to the new number (read from the outbox), reserves against digital communication, and sees
 * the lookup NAV made a minute before — made with a real Maskinporten token (JWT-bearer grant
 * at `/maskinporten/token`) through KRR's lookup API, its audit time then moved one minute back.
 *
 * Every MinProfil page is checked for `lang`, a label on every input, and no console errors,
 * CSP violations, failed requests or HTTP errors.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import pino from 'pino';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildServer, createPlatform, type RunningPlatform } from '../../src/platform/boot.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/platform/db/testing.ts';
import type { FastifyInstance } from 'fastify';
import { createMinidAccount, idportenComponent } from '../../src/idporten/index.ts';
import { readOneTimeCode } from '../../src/idporten/testing/oidc-harness.ts';
import { createClient, grantScopeAccess, maskinportenComponent, maskinportenIssuer, setClientKeys } from '../../src/maskinporten/index.ts';
import { DIGDIR_ORGNR, registersComponent } from '../../src/registers/index.ts';
import { createKrrClient, KRR_SCOPE_KONTAKTINFORMASJON, krrComponent } from '../../src/krr/index.ts';
import { collectPageProblems, collectPageReports, type PageReport } from '../helpers/browser.ts';
import { freePort } from '../helpers/net.ts';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'Sommer2024x';
const MINID_MOBILE = '+4799112233';
const OLD_MOBILE = '+4799887766';
const NEW_MOBILE = '+4741234567';
const NAV = '889640782';
const NAV_NAME = 'ARBEIDS- OG VELFERDSETATEN';
const DAY = 86_400_000;

for (const engine of testEngines()) {
  describe(`MinProfil in Chromium on ${engine}: MinID login, new mobile with a one-time code, reservation, lookups`, () => {
    let db: TestDatabase;
    let platform: RunningPlatform;
    let app: FastifyInstance;
    let base: string;
    let pid: string;
    let lookedUpAt: number;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    const reports: PageReport[] = [];

    before(async () => {
      if (!existsSync(CHROMIUM)) throw new Error('Chromium missing: apt-get install -y chromium');
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      db = await createTestDatabase(engine);
      const config = loadConfig({ JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', SEED_PERSONS: '30', SEED_ORGS: '10', PUBLIC_URL: base, PORT: String(port), RATE_LIMIT_MAX: '0', DATABASE_URL: db.url });
      platform = await createPlatform({ config, components: [registersComponent, maskinportenComponent, idportenComponent, krrComponent], db, log: pino({ level: 'silent' }) });
      app = await buildServer(platform);
      await app.listen({ host: '127.0.0.1', port });

      // The citizen: a person in Folkeregisteret with a MinID, and an entry in KRR with an old mobile.
      const person = await db.kysely.selectFrom('registers_persons').select('pid').orderBy('pid').executeTakeFirstOrThrow();
      pid = (person as { pid: string }).pid;
      await createMinidAccount(platform.db, { pid, password: PASSWORD, mobile: MINID_MOBILE });
      const old = Date.now() - 200 * DAY;
      await db.kysely.deleteFrom('krr_persons').where('personidentifikator', '=', pid).execute();
      await db.kysely
        .insertInto('krr_persons')
        .values({
          personidentifikator: pid, status: 'AKTIV', reservasjon: 'NEI', reservasjonstidspunkt: null, reservasjon_oppdatert: null,
          epostadresse: 'kari.nordmann@example.com', epostadresse_oppdatert: old, epostadresse_sist_verifisert: old, epostadresse_sist_validert: old, epostadresse_duplisert: 0,
          mobiltelefonnummer: OLD_MOBILE, mobiltelefonnummer_oppdatert: old, mobiltelefonnummer_sist_verifisert: old, mobiltelefonnummer_sist_validert: null, mobiltelefonnummer_duplisert: 0,
          spraak: 'nb', spraak_oppdatert: old, postkasseadresse: null, postkasseleverandoeradresse: null, postkasse_sertifikat: null, updated_at: old,
        })
        .execute();

      // NAV looks the citizen up with a real Maskinporten token through KRR's API…
      await grantScopeAccess(platform.db, { scope: KRR_SCOPE_KONTAKTINFORMASJON, consumerOrgno: NAV }, { orgno: DIGDIR_ORGNR });
      const client = await createClient(platform.db, { integration_type: 'maskinporten', client_name: 'NAV varsling', description: 'MinProfil browser test', scopes: [KRR_SCOPE_KONTAKTINFORMASJON] }, { orgno: NAV });
      const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
      const kid = `nav-${randomUUID()}`;
      await setClientKeys(platform.db, client.client_id, { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] }, { orgno: NAV });
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({ scope: KRR_SCOPE_KONTAKTINFORMASJON, jti: randomUUID() })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(client.client_id)
        .setAudience(maskinportenIssuer(platform.config))
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
      const answer = await createKrrClient(base).lookup([pid], token);
      assert.equal(answer.personer[0]?.kontaktinformasjon?.mobiltelefonnummer, OLD_MOBILE);
      // …a minute before the citizen looks (the audit row's time moved back, not the test's clock).
      const logged = await db.kysely.selectFrom('krr_lookup_persons').select(['lookup_id', 'looked_up_at']).where('personidentifikator', '=', pid).executeTakeFirstOrThrow();
      lookedUpAt = Number(logged.looked_up_at) - 60_000;
      await db.kysely.updateTable('krr_lookups').set({ looked_up_at: lookedUpAt }).where('id', '=', logged.lookup_id).execute();
      await db.kysely.updateTable('krr_lookup_persons').set({ looked_up_at: lookedUpAt }).where('lookup_id', '=', logged.lookup_id).execute();

      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
      await collectPageReports(context, { problems, reports });
      page = await context.newPage();
      collectPageProblems(page, problems);
    });

    after(async () => {
      await browser?.close();
      await app?.close();
      await platform?.close();
      await db?.close();
    });

    it('logs in to MinProfil with MinID: method choice, fødselsnummer and password, then the SMS code from the outbox', async () => {
      await page.goto(`${base}/krr/minprofil`);
      assert.match(page.url(), /\/idporten\/login\/[^/]+$/, 'ID-porten’s method-choice page');
      await Promise.all([page.waitForURL(/\/minid$/), page.locator('a.ds-card[href$="/minid"]').click()]);
      await page.getByLabel('Fødselsnummer eller d-nummer').fill(pid);
      await page.getByLabel('Passord').fill(PASSWORD);
      await Promise.all([page.waitForURL(/\/minid\/kode$/), page.getByRole('button', { name: 'Neste' }).click()]);
      await page.getByLabel('Engangskode fra SMS').fill(await readOneTimeCode(base, MINID_MOBILE));
      await Promise.all([page.waitForURL(`${base}/krr/minprofil`), page.getByRole('button', { name: 'Logg inn' }).click()]);
      assert.equal(await page.locator('[data-minprofil-page="oversikt"]').count(), 1);
      assert.equal(await page.locator('[data-field="mobiltelefonnummer"]').innerText(), OLD_MOBILE);
      assert.equal(await page.locator('h1').innerText(), 'Min profil');
    });

    it('changes the mobile number with the one-time code sent by SMS to the new number', async () => {
      await Promise.all([page.waitForURL(`${base}/krr/minprofil/mobil`), page.locator('a[data-change="mobil"]').click()]);
      await page.getByLabel('Nytt mobilnummer').fill('412 34 567');
      await Promise.all([page.waitForURL(`${base}/krr/minprofil/mobil/kode`), page.getByRole('button', { name: 'Send engangskode' }).click()]);
      assert.equal(await page.locator('[data-pending="mobil"]').innerText(), NEW_MOBILE);
      const res = await fetch(`${base}/outbox/api/messages?${new URLSearchParams({ to: NEW_MOBILE, channel: 'sms', component: 'krr', limit: '1' })}`);
      const { messages } = (await res.json()) as { messages: Array<{ text: string }> };
      const code = /\b(\d{6})\b/.exec(messages[0]?.text ?? '')?.[1];
      assert.ok(code, 'a 6-digit code went to the new number');
      await page.getByLabel('Engangskode').fill(code);
      await Promise.all([page.waitForURL(`${base}/krr/minprofil?endret=mobil`), page.getByRole('button', { name: 'Bekreft', exact: true }).click()]);
      assert.equal(await page.locator('[data-changed="mobil"]').count(), 1);
      assert.equal(await page.locator('[data-field="mobiltelefonnummer"]').innerText(), NEW_MOBILE);
      const row = await db.kysely.selectFrom('krr_persons').selectAll().where('personidentifikator', '=', pid).executeTakeFirstOrThrow();
      assert.equal(row.mobiltelefonnummer, NEW_MOBILE);
      assert.ok(Number(row.mobiltelefonnummer_sist_validert) > Date.now() - 120_000);
    });

    it('reserves against digital communication', async () => {
      await Promise.all([page.waitForURL(`${base}/krr/minprofil?endret=reservert`), page.getByRole('button', { name: 'Reserver meg mot digital kommunikasjon' }).click()]);
      assert.equal(await page.locator('[data-reservasjon="JA"]').count(), 1);
      assert.equal(await page.getByRole('button', { name: 'Fjern reservasjonen' }).count(), 1);
      const row = await db.kysely.selectFrom('krr_persons').select(['reservasjon', 'reservasjonstidspunkt']).where('personidentifikator', '=', pid).executeTakeFirstOrThrow();
      assert.equal(row.reservasjon, 'JA');
      assert.ok(row.reservasjonstidspunkt !== null);
    });

    it('sees the lookup NAV made a minute before: name from Enhetsregisteret, orgnr and time', async () => {
      await Promise.all([page.waitForURL(`${base}/krr/minprofil/oppslag`), page.locator('a[data-link="oppslag"]').click()]);
      const rows = page.locator('tr[data-lookup]');
      assert.equal(await rows.count(), 1);
      const row = rows.first();
      assert.equal(await row.getAttribute('data-orgnr'), NAV);
      assert.equal(await row.locator('[data-field="navn"]').innerText(), NAV_NAME);
      assert.equal(await row.locator('[data-field="orgnr"]').innerText(), NAV);
      assert.equal(await row.locator('time').getAttribute('datetime'), new Date(lookedUpAt).toISOString());
      const shown = new Intl.DateTimeFormat('nb-NO', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' }).format(new Date(lookedUpAt));
      assert.equal(await row.locator('time').innerText(), shown);
      assert.ok(Date.now() - lookedUpAt >= 60_000 && Date.now() - lookedUpAt < 5 * 60_000, 'about a minute ago');
    });

    it('showed MinProfil pages with a language and a label on every input, without console errors, CSP violations or failed requests', () => {
      const minprofil = reports.filter((r) => new URL(r.url).pathname.startsWith('/krr/minprofil'));
      const paths = new Set(minprofil.map((r) => new URL(r.url).pathname));
      for (const p of ['/krr/minprofil', '/krr/minprofil/mobil', '/krr/minprofil/mobil/kode', '/krr/minprofil/oppslag']) assert.ok(paths.has(p), `no report from ${p}: ${[...paths].join(', ')}`);
      for (const r of minprofil) {
        assert.equal(r.lang, 'nb', `lang on ${r.url}`);
        assert.deepEqual(r.unlabelled, [], `unlabelled inputs on ${r.url}`);
      }
      assert.deepEqual(problems, []);
    });
  });
}
