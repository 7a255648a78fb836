/**
 * The statistics page (`/statistikk`, issue 8) in a real browser: Debian's Chromium driven by
 * playwright-core against a real Grunnmur server on 127.0.0.1 (registers, Maskinporten,
 * ID-porten, KRR, and two components that only count: eFormidling and Digital postkasse). Usage
 * counters are injected over three years; the page must show them in its table, draw a chart
 * per figure (Chart.js from the server, the page's own script, under the CSP), switch the charts
 * between days and months, and show the table without JavaScript. No console errors, CSP
 * violations, failed requests or HTTP errors.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildServer, createPlatform, type RunningPlatform } from '../../src/platform/boot.ts';
import type { Component } from '../../src/platform/component.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/platform/db/testing.ts';
import { idportenComponent } from '../../src/idporten/index.ts';
import { krrComponent } from '../../src/krr/index.ts';
import { maskinportenComponent } from '../../src/maskinporten/index.ts';
import { registersComponent } from '../../src/registers/index.ts';
import { portalComponent } from '../../src/portal/index.ts';
import { collectPageProblems, collectPageReports, type PageReport } from '../helpers/browser.ts';
import { freePort } from '../helpers/net.ts';

const CHROMIUM = '/usr/bin/chromium';

/** A component that only counts events (no tables, no routes). */
function countingOnly(name: string): Component {
  return { name, title: { nb: name, en: name }, description: { nb: name, en: name }, paths: [`/${name}`], migrations: [], plugin: async () => {} };
}

/**
 * Per canvas of the charts: its figure, its period, and how many of its pixels are drawn
 * (alpha > 0), read in the page.
 */
const CANVAS_REPORT = `[...document.querySelectorAll('#statistikk-diagrammer canvas')].map((c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
  return { id: c.closest('figure').dataset.indikator, periode: c.dataset.periode, width: c.width, drawn, label: c.getAttribute('aria-label') };
})`;

for (const engine of testEngines()) {
  describe(`statistics page in Chromium on ${engine}`, () => {
    let db: TestDatabase;
    let platform: RunningPlatform;
    let app: FastifyInstance;
    let base: string;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const problems: string[] = [];
    const reports: PageReport[] = [];
    const year = new Date().getUTCFullYear();

    before(async () => {
      if (!existsSync(CHROMIUM)) throw new Error('Chromium missing: apt-get install -y chromium');
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      db = await createTestDatabase(engine);
      const config = loadConfig({ JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', SEED_PERSONS: '30', SEED_ORGS: '10', PUBLIC_URL: base, PORT: String(port), RATE_LIMIT_MAX: '0', DATABASE_URL: db.url });
      platform = await createPlatform({
        config,
        components: [registersComponent, maskinportenComponent, idportenComponent, krrComponent, countingOnly('eformidling'), countingOnly('digitalpost'), portalComponent],
        db,
        log: pino({ level: 'silent' }),
      });
      const at = (y: number, month: number, day: number) => ({ at: Date.UTC(y, month, day, 12) });
      await platform.stats.increment('idporten', 'login', 1200, at(year - 2, 2, 1));
      await platform.stats.increment('idporten', 'login', 1500, at(year - 1, 5, 1));
      await platform.stats.increment('idporten', 'login', 30, at(year, 0, 1));
      await platform.stats.increment('krr', 'lookup', 4000, at(year - 1, 1, 2));
      await platform.stats.increment('eformidling', 'message', 8, at(year - 1, 10, 3));
      await platform.stats.increment('digitalpost', 'letter', 5, at(year, 0, 1));
      await platform.stats.increment('maskinporten', 'token', 77, at(year - 2, 11, 31));
      app = await buildServer(platform);
      await app.listen({ host: '127.0.0.1', port });
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
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

    it('shows the table by year with every figure and its growth', async () => {
      const res = await page.goto(`${base}/statistikk`);
      assert.equal(res?.status(), 200);
      assert.equal(await page.locator('h1').innerText(), 'Statistikk');
      const headers = await page.locator('#statistikk-tabell thead th').allInnerTexts();
      assert.deepEqual(headers, ['Tall', String(year - 2), String(year - 1), String(year)]);
      const rows = await page.locator('#statistikk-tabell tbody th[scope="row"]').allInnerTexts();
      assert.deepEqual(rows, [
        'Innlogginger i ID-porten',
        'Oppslag i Kontaktregisteret (KRR)',
        'Brev sendt til digitale postkasser',
        'Innbyggere med digital postkasse',
        'Meldinger sendt med eFormidling',
        'Tokens utstedt av Maskinporten',
        'Kunder (virksomheter med klienter)',
        'Tjenester (klienter)',
      ]);
      const logins = page.locator('#statistikk-tabell tr[data-indikator="innlogginger_idporten"] td');
      assert.deepEqual(await logins.evaluateAll((tds) => tds.map((td) => (td as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim())), [
        '1 200',
        '1 500 endring fra året før: +25,0 %',
        '30 endring fra året før: −98,0 %',
      ]);
      // The stock figures this year are counted live from the seeded registers.
      const mailboxes = await page.locator('#statistikk-tabell tr[data-indikator="innbyggere_digital_postkasse"] td').last().getAttribute('data-verdi');
      assert.ok(Number(mailboxes) > 0, `citizens with a mailbox: ${mailboxes}`);
    });

    it('draws a chart per figure with Chart.js under the CSP, by month first for data over more than 62 days', async () => {
      await page.locator('#statistikk-diagrammer[data-rendered="true"]').waitFor({ timeout: 15_000 });
      assert.ok(await page.locator('#statistikk-diagrammer').isVisible());
      const canvases = (await page.evaluate(CANVAS_REPORT)) as Array<{ id: string; periode: string; width: number; drawn: number; label: string }>;
      assert.equal(canvases.length, 8);
      // Data from three years back: more than 62 days, so the months come first.
      for (const c of canvases) {
        assert.equal(c.periode, 'maaned', c.id);
        assert.ok(c.width > 0, `${c.id} has a size`);
        assert.ok(c.drawn > 500, `${c.id} is drawn (${c.drawn} pixels)`);
        assert.match(c.label, /, Per måned$/);
      }
      assert.equal(await page.locator('button[data-periode="maaned"]').getAttribute('aria-pressed'), 'true');
    });

    it('switches the charts to days and back', async () => {
      await page.locator('button[data-periode="dag"]').click();
      assert.equal(await page.locator('button[data-periode="dag"]').getAttribute('aria-pressed'), 'true');
      assert.equal(await page.locator('button[data-periode="maaned"]').getAttribute('aria-pressed'), 'false');
      let canvases = (await page.evaluate(CANVAS_REPORT)) as Array<{ periode: string; drawn: number; id: string }>;
      for (const c of canvases) {
        assert.equal(c.periode, 'dag');
        assert.ok(c.drawn > 500, `${c.id} is drawn by day`);
      }
      await page.locator('button[data-periode="maaned"]').click();
      canvases = (await page.evaluate(CANVAS_REPORT)) as Array<{ periode: string; drawn: number; id: string }>;
      assert.ok(canvases.every((c) => c.periode === 'maaned'));
    });

    it('is in English with ?lang=en', async () => {
      await page.goto(`${base}/statistikk?lang=en`);
      assert.equal(await page.locator('h1').innerText(), 'Statistics');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.ok(await page.getByRole('rowheader', { name: 'Logins in ID-porten' }).isVisible());
      await page.locator('#statistikk-diagrammer[data-rendered="true"]').waitFor({ timeout: 15_000 });
      await page.goto(`${base}/statistikk?lang=nb`);
    });

    it('downloads the same figures as CSV', async () => {
      const csv = await page.request.get(`${base}/statistikk.csv`);
      assert.equal(csv.status(), 200);
      const text = await csv.text();
      assert.ok(text.includes(`${year - 1},innlogginger_idporten,1500,25\r\n`), text);
      assert.ok(text.includes(`${year},innlogginger_idporten,30,-98\r\n`));
    });

    it('fits a narrow phone screen without sideways scrolling of the page', async () => {
      await page.setViewportSize({ width: 360, height: 800 });
      await page.goto(`${base}/statistikk`);
      await page.locator('#statistikk-diagrammer[data-rendered="true"]').waitFor({ timeout: 15_000 });
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      assert.ok(width <= 360, `page is ${width}px wide`);
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('shows the table without JavaScript, and no empty chart section', async () => {
      const noJs = await browser.newContext({ javaScriptEnabled: false, locale: 'nb-NO' });
      try {
        const plain = await noJs.newPage();
        collectPageProblems(plain, problems);
        await plain.goto(`${base}/statistikk`);
        assert.equal(await plain.locator('#statistikk-tabell tbody tr').count(), 8);
        assert.equal(await plain.locator('#statistikk-diagrammer').isVisible(), false);
        assert.match(await plain.locator('noscript').first().innerHTML(), /Diagrammene trenger JavaScript/);
      } finally {
        await noJs.close();
      }
    });

    it('links the page from the front page', async () => {
      await page.goto(`${base}/`);
      await Promise.all([page.waitForURL(/\/statistikk$/), page.locator('a[href="/statistikk"]').click()]);
      assert.equal(await page.locator('h1').innerText(), 'Statistikk');
    });

    it('takes a full-page screenshot', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'grunnmur-screenshot-')), 'statistics-page.png');
      await page.goto(`${base}/statistikk`);
      await page.locator('#statistikk-diagrammer[data-rendered="true"]').waitFor({ timeout: 15_000 });
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(statSync(file).size > 10_000);
      console.log(`screenshot: ${file}`);
    });

    it('loaded everything without console errors, CSP violations or failed requests, in the page’s language', () => {
      assert.deepEqual(problems, []);
      const own = reports.filter((r) => new URL(r.url).pathname === '/statistikk');
      assert.ok(own.length >= 3);
      for (const r of own) assert.deepEqual(r.unlabelled, [], r.url);
      assert.ok(own.every((r) => r.lang === (new URL(r.url).searchParams.get('lang') ?? 'nb')));
    });
  });
}
