/**
 * The digital mailbox in a real browser (issue #7 item 3): Debian's Chromium driven by
 * playwright-core against a real Grunnmur server on 127.0.0.1 (registers, ID-porten, and
 * Digital postkasse's mailbox pages). A citizen with a MinID logs in to `/digitalpost` (method
 * choice, fødselsnummer and password, the SMS code read from the dev outbox), sees the letters
 * filed for them (rows inserted by the test, as a mailbox provider files them) but not the one
 * dated tomorrow, opens a level-4 letter, steps up to `idporten-loa-high` with TestID, and sees
 * the PDF document in the browser's own viewer.
 *
 * Every mailbox page is checked for `lang`, a label on every input, and no console errors, CSP
 * violations, failed requests or HTTP errors.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildServer, createPlatform, type RunningPlatform } from '../../src/platform/boot.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Component } from '../../src/platform/component.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/platform/db/testing.ts';
import { createMinidAccount, idportenComponent } from '../../src/idporten/index.ts';
import { readOneTimeCode } from '../../src/idporten/testing/oidc-harness.ts';
import { registersComponent } from '../../src/registers/index.ts';
import { digitalpostMigrations } from '../../src/digitalpost/store/migrations.ts';
import { digitalpostPages, digitalpostPagesMigrations } from '../../src/digitalpost/pages/index.ts';
import { makePdf, NAV_NAME, seedLetter } from '../../src/digitalpost/pages/testing/seed-letters.ts';
import type { LetterRow } from '../../src/digitalpost/store/tables.ts';
import { collectPageProblems, collectPageReports, type PageReport } from '../helpers/browser.ts';
import { freePort } from '../helpers/net.ts';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'Sommer2024x';
const MINID_MOBILE = '+4799112244';
const HOUR = 3_600_000;
/** Chromium's PDF viewer (a built-in extension) shows a PDF in a frame of this origin. */
const PDF_VIEWER = 'chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/';

/** Digital postkasse with its mailbox pages (corner 2 and the providers are not needed here: the letters are seeded). */
const mailboxComponent: Component = {
  name: 'digitalpost',
  title: { nb: 'Digital postkasse', en: 'Digital mailbox' },
  description: { nb: 'Postkassesidene', en: 'The mailbox pages' },
  paths: ['/digitalpost'],
  migrations: [...digitalpostMigrations, ...digitalpostPagesMigrations],
  plugin: async (app, { platform }) => digitalpostPages(app, platform),
};

for (const engine of testEngines()) {
  describe(`Digital postkasse in Chromium on ${engine}: MinID login, inbox, step-up to high with TestID, the PDF in the browser`, () => {
    let db: TestDatabase;
    let platform: RunningPlatform;
    let app: FastifyInstance;
    let base: string;
    let pid: string;
    let vedtak: LetterRow;
    let uforetrygd: LetterRow;
    let future: LetterRow;
    let pdf: Uint8Array;
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
      platform = await createPlatform({ config, components: [registersComponent, idportenComponent, mailboxComponent], db, log: pino({ level: 'silent' }) });
      app = await buildServer(platform);
      await app.listen({ host: '127.0.0.1', port });

      // The citizen: a person in Folkeregisteret with a MinID…
      const person = await db.kysely.selectFrom('registers_persons').select('pid').orderBy('pid').executeTakeFirstOrThrow();
      pid = (person as { pid: string }).pid;
      await createMinidAccount(platform.db, { pid, password: PASSWORD, mobile: MINID_MOBILE });
      // …and three letters filed for them: a level-3 letter from yesterday, a level-4 letter with a
      // PDF from ten minutes ago, and one that becomes visible tomorrow.
      const now = Date.now();
      pdf = await makePdf('Vedtak: uforetrygd innvilget');
      vedtak = await seedLetter(platform, { pid, title: 'Vedtak om bostøtte', visibleFrom: now - 24 * HOUR });
      uforetrygd = await seedLetter(platform, {
        pid,
        title: 'Svar på søknad om uføretrygd',
        sikkerhetsnivaa: 4,
        visibleFrom: now - HOUR / 6,
        documents: [{ filename: 'Vedtak uføretrygd.pdf', mimeType: 'application/pdf', content: pdf, tittel: 'Vedtak om uføretrygd' }],
      });
      future = await seedLetter(platform, { pid, title: 'Innkalling til samtale', visibleFrom: now + 24 * HOUR });

      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO', acceptDownloads: true });
      await collectPageReports(context, { problems, reports });
      // A PDF names no icon, so the browser asks for /favicon.ico, which Grunnmur does not serve
      // (its pages link /static/grunnmur/favicon.svg): answered here, not counted as a problem.
      await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
      page = await context.newPage();
      collectPageProblems(page, problems);
    });

    after(async () => {
      await browser?.close();
      await app?.close();
      await platform?.close();
      await db?.close();
    });

    it('logs in to the mailbox with MinID: method choice, fødselsnummer and password, then the SMS code from the outbox', async () => {
      await page.goto(`${base}/digitalpost`);
      assert.match(page.url(), /\/idporten\/login\/[^/]+$/, 'ID-porten’s method-choice page');
      await Promise.all([page.waitForURL(/\/minid$/), page.locator('a.ds-card[href$="/minid"]').click()]);
      await page.getByLabel('Fødselsnummer eller d-nummer').fill(pid);
      await page.getByLabel('Passord').fill(PASSWORD);
      await Promise.all([page.waitForURL(/\/minid\/kode$/), page.getByRole('button', { name: 'Neste' }).click()]);
      await page.getByLabel('Engangskode fra SMS').fill(await readOneTimeCode(base, MINID_MOBILE));
      await Promise.all([page.waitForURL(`${base}/digitalpost`), page.getByRole('button', { name: 'Logg inn' }).click()]);
      assert.equal(await page.locator('h1').innerText(), 'Digital postkasse');
      assert.equal(await page.locator('[data-acr]').getAttribute('data-acr'), 'idporten-loa-substantial');
    });

    it('shows the letters filed for the citizen, newest first, unread, and not the one dated tomorrow', async () => {
      const rows = page.locator('tr[data-letter]');
      assert.equal(await rows.count(), 2);
      assert.equal(await rows.nth(0).getAttribute('data-letter'), uforetrygd.id);
      assert.equal(await rows.nth(1).getAttribute('data-letter'), vedtak.id);
      assert.equal(await rows.nth(0).locator('[data-field="tittel"]').innerText(), 'Svar på søknad om uføretrygd');
      assert.equal(await rows.nth(0).locator('[data-field="avsender"]').innerText(), NAV_NAME);
      assert.equal(await rows.nth(0).getAttribute('data-unread'), 'true');
      assert.equal(await page.locator('[data-field="unread"]').innerText(), '2');
      assert.equal(await page.getByText('Innkalling til samtale').count(), 0);
      assert.equal(await page.locator(`[data-letter="${future.id}"]`).count(), 0);
      const shown = new Intl.DateTimeFormat('nb-NO', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' }).format(new Date(uforetrygd.visible_from));
      assert.equal(await rows.nth(0).locator('time').innerText(), shown);
    });

    it('opens the level-4 letter: its title, but no documents before a login at high', async () => {
      await Promise.all([page.waitForURL(`${base}/digitalpost/brev/${uforetrygd.id}`), page.getByRole('link', { name: 'Svar på søknad om uføretrygd' }).click()]);
      assert.equal(await page.locator('h1').innerText(), 'Svar på søknad om uføretrygd');
      assert.equal(await page.locator('[data-step-up]').count(), 1);
      assert.equal(await page.locator('[data-documents]').count(), 0);
      const row = await db.kysely.selectFrom('digitalpost_letters').select('opened_at').where('id', '=', uforetrygd.id).executeTakeFirstOrThrow();
      assert.equal(row.opened_at, null);
    });

    it('steps up with TestID at high and comes back to the letter, now with its document', async () => {
      await Promise.all([page.waitForURL(/\/idporten\/login\//), page.getByRole('link', { name: 'Logg inn på høyt sikkerhetsnivå' }).click()]);
      if (!/\/testid$/.test(page.url())) {
        // MinID gives substantial only: the method choice offers TestID alone (or goes there at once).
        assert.equal(await page.locator('a.ds-card[href$="/minid"]').count(), 0, 'MinID is not offered for high');
        await Promise.all([page.waitForURL(/\/testid$/), page.locator('a.ds-card[href$="/testid"]').click()]);
      }
      await page.getByLabel('Eller skriv inn fødselsnummer eller d-nummer (11 siffer)').fill(pid);
      assert.equal(await page.getByLabel('Høyt (som BankID)').isChecked(), true);
      await Promise.all([page.waitForURL(`${base}/digitalpost/brev/${uforetrygd.id}`), page.getByRole('button', { name: 'Logg inn' }).click()]);
      assert.equal(await page.locator('[data-acr]').first().getAttribute('data-acr'), 'idporten-loa-high');
      assert.equal(await page.locator('[data-step-up]').count(), 0);
      assert.equal(await page.locator('[data-document]').count(), 1);
      assert.equal(await page.getByRole('link', { name: /^Vedtak om uføretrygd/ }).count(), 1);
      const row = await db.kysely.selectFrom('digitalpost_letters').select('opened_at').where('id', '=', uforetrygd.id).executeTakeFirstOrThrow();
      assert.ok(row.opened_at !== null, 'opened');
    });

    it('shows the PDF in the browser’s own PDF viewer (inline, not a download), named by its file name', async () => {
      let downloaded = false;
      page.once('download', () => {
        downloaded = true;
      });
      const isViewer = (f: Frame) => f.url().startsWith(PDF_VIEWER);
      const [response, viewer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/digitalpost/brev/${uforetrygd.id}/dokument/0`)),
        page.waitForEvent('framenavigated', { predicate: isViewer }),
        page.getByRole('link', { name: /^Vedtak om uføretrygd/ }).click(),
      ]);
      assert.equal(page.url(), `${base}/digitalpost/brev/${uforetrygd.id}/dokument/0`);
      assert.equal(response.status(), 200);
      const headers = response.headers();
      assert.equal(headers['content-type'], 'application/pdf');
      assert.match(headers['content-disposition'] ?? '', /^inline; /);
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(await page.evaluate('document.contentType'), 'application/pdf');
      // Chromium's PDF viewer (its own extension's frame): loaded, the file name from filename*
      // in its toolbar, one page, no error.
      await viewer.locator('viewer-toolbar:not([loading_])').waitFor();
      assert.deepEqual(await viewer.locator('viewer-toolbar #title').allInnerTexts(), ['Vedtak uføretrygd.pdf']);
      assert.deepEqual(await viewer.locator('viewer-page-selector #pagelength').allInnerTexts(), ['1']);
      assert.equal(await viewer.locator('viewer-error-dialog').count(), 0);
      assert.equal(downloaded, false);
      // The bytes are the letter's (the page itself sees the viewer's wrapper, not the PDF stream).
      assert.deepEqual(new Uint8Array(await (await page.context().request.get(response.url())).body()), pdf);
    });

    it('downloads the document with its UTF-8 file name', async () => {
      await page.goto(`${base}/digitalpost/brev/${uforetrygd.id}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Last ned/ }).click()]);
      assert.equal(download.suggestedFilename(), 'Vedtak uføretrygd.pdf');
      assert.deepEqual(new Uint8Array(await readFile((await download.path())!)), pdf);
    });

    it('showed the mailbox pages with a language and a label on every input, without console errors, CSP violations or failed requests', async () => {
      await page.goto(`${base}/digitalpost`);
      const mailbox = reports.filter((r) => new URL(r.url).pathname.startsWith('/digitalpost'));
      const paths = new Set(mailbox.map((r) => new URL(r.url).pathname));
      for (const p of ['/digitalpost', `/digitalpost/brev/${uforetrygd.id}`]) assert.ok(paths.has(p), `no report from ${p}: ${[...paths].join(', ')}`);
      for (const r of mailbox.filter((m) => !m.url.includes('/dokument/'))) {
        assert.equal(r.lang, 'nb', `lang on ${r.url}`);
        assert.deepEqual(r.unlabelled, [], `unlabelled inputs on ${r.url}`);
      }
      assert.equal(await page.locator('tr[data-letter][data-unread="false"]').getAttribute('data-letter'), uforetrygd.id);
      assert.deepEqual(problems, []);
    });
  });
}
