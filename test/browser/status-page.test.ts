/**
 * The status page in a real browser: Debian's Chromium driven by playwright-core against the
 * server on 127.0.0.1. A day of stored checks (krr up 1249 of 1250 minutes: 99.92 %, the annual
 * report's figure; elma failing earlier) plus one real run of the scheduled check (elma's
 * `checkHealth` throws), then: the front page links to `/status`, the uptime table shows the
 * figures, the incidents are listed, English works, the JSON agrees, and nothing fails or logs an
 * error. Leaves a screenshot in a temp folder (its path is logged).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createPlatform, startServer, type RunningPlatform } from '../../src/platform/boot.ts';
import type { Component } from '../../src/platform/component.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { recordHealthChecks, type HealthCheck } from '../../src/platform/status/health-checks.ts';
import { portalComponent } from '../../src/portal/index.ts';
import { collectPageProblems } from '../helpers/browser.ts';

const CHROMIUM = '/usr/bin/chromium';
const MIN = 60_000;

// Browser globals used inside page.evaluate(); the project's tsconfig has no DOM lib.
declare const document: { documentElement: { scrollWidth: number } };
declare function getComputedStyle(element: unknown): Record<string, string>;

const krr: Component = {
  name: 'krr',
  title: { nb: 'Kontakt- og reservasjonsregisteret', en: 'Contact and Reservation Register' },
  description: { nb: 'Kontaktinformasjon.', en: 'Contact information.' },
  paths: ['/krr'],
  migrations: [],
  plugin: async () => {},
  checkHealth: async () => {},
};
const elma: Component = {
  name: 'elma',
  title: { nb: 'ELMA', en: 'ELMA' },
  description: { nb: 'Adresseregister.', en: 'Address register.' },
  paths: ['/elma'],
  migrations: [],
  plugin: async () => {},
  checkHealth: async () => {
    throw new Error('down on purpose');
  },
};

/** Minute slots before the current one: krr 1250 (one failed), elma failing 5–3 minutes ago. */
function history(base: number): HealthCheck[] {
  const check = (component: string, j: number, error: string | null): HealthCheck => ({
    component,
    slotAt: base - j * MIN,
    intervalMs: MIN,
    checkedAt: base - j * MIN + 100,
    state: error ? 'DOWN' : 'UP',
    error,
  });
  const rows: HealthCheck[] = [];
  for (let j = 2; j <= 1251; j++) rows.push(check('krr', j, j === 100 ? 'krr: connection refused' : null));
  for (const j of [5, 4, 3]) rows.push(check('elma', j, j === 5 ? 'elma: earlier failure' : 'elma: still failing'));
  return rows;
}

describe('status page in Chromium', () => {
  let platform: RunningPlatform;
  let app: FastifyInstance;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error('Chromium missing: apt-get install -y chromium');
    const config = loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      JOBS_ENABLED: 'false',
      RATE_LIMIT_MAX: '0',
    });
    platform = await createPlatform({ config, components: [portalComponent, krr, elma] });
    await recordHealthChecks(platform.db, history(Math.floor(Date.now() / MIN) * MIN));
    // One run of the scheduled check, as the job worker would do it every minute.
    await platform.jobs.runDue();
    ({ app, address: baseUrl } = await startServer(platform));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
    page = await context.newPage();
    collectPageProblems(page, problems);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await platform?.close();
  });

  it('is linked from the front page', async () => {
    await page.goto(`${baseUrl}/`);
    await Promise.all([page.waitForURL(/\/status$/), page.getByRole('link', { name: 'Se driftsstatus' }).click()]);
    assert.equal(await page.locator('h1').innerText(), 'Driftsstatus');
    assert.equal(await page.getAttribute('html', 'lang'), 'nb');
  });

  it('shows the uptime table with the figures over 24 hours, 30 days and the year', async () => {
    const table = page.getByRole('table', { name: /Oppetid per komponent/ });
    assert.ok(await table.isVisible());
    const headers = await table.locator('thead th').allInnerTexts();
    assert.deepEqual(headers.slice(0, 4), ['Komponent', 'Nå', 'Siste 24 timer', 'Siste 30 dager']);
    assert.match(headers[4] ?? '', /^Hittil i år \(\d{4}\)$/);
    const row = table.locator('tr[data-component="krr"]');
    assert.equal(await row.locator('th').innerText(), 'Kontakt- og reservasjonsregisteret');
    for (const window of ['24h', '30d']) {
      assert.match(await row.locator(`td[data-window="${window}"] strong`).innerText(), /^99,92\s%$/, `krr over ${window}`);
    }
    assert.match(await row.locator('td[data-window="year"] strong').innerText(), /^\d{1,3},\d{2}\s%$/);
    const database = table.locator('tr[data-component="database"] td[data-window="24h"] strong');
    assert.match(await database.innerText(), /^100,00\s%$/);
  });

  it('shows a failing component as down now, in another colour than an up one', async () => {
    const down = page.locator('#uptime tr[data-component="elma"] .ds-tag');
    const up = page.locator('#uptime tr[data-component="krr"] .ds-tag');
    assert.equal(await down.innerText(), 'Nede');
    assert.equal(await down.getAttribute('data-status'), 'DOWN');
    const [downColour, upColour] = await Promise.all([
      down.evaluate((el) => getComputedStyle(el).backgroundColor),
      up.evaluate((el) => getComputedStyle(el).backgroundColor),
    ]);
    assert.notEqual(downColour, upColour);
    assert.match(await page.locator('#status-summary').innerText(), /Feil nå: ELMA/);
  });

  it('lists the incidents, newest first, with the error of each', async () => {
    const incidents = page.getByRole('table', { name: 'Hendelser' });
    const rows = incidents.locator('tbody tr');
    assert.equal(await rows.count(), 3);
    const texts = await rows.allInnerTexts();
    assert.match(texts[0] ?? '', /ELMA[\s\S]*Pågår[\s\S]*down on purpose/, 'the real check failed just now: ongoing');
    assert.match(texts[1] ?? '', /ELMA[\s\S]*3 min[\s\S]*elma: earlier failure/);
    assert.match(texts[2] ?? '', /Kontakt- og reservasjonsregisteret[\s\S]*1 min[\s\S]*krr: connection refused/);
  });

  it('switches to English with the language link', async () => {
    await Promise.all([page.waitForURL(/\/status\?lang=en$/), page.locator('a[hreflang="en"]').click()]);
    assert.equal(await page.locator('h1').innerText(), 'Service status');
    assert.equal(await page.locator('tr[data-component="krr"] td[data-window="24h"] strong').innerText(), '99.92%');
    assert.ok(await page.getByRole('table', { name: 'Incidents' }).isVisible());
  });

  it('gives the same figure in /status.json, linked from the page', async () => {
    const href = await page.getByRole('link', { name: 'The figures as JSON' }).getAttribute('href');
    assert.equal(href, '/status.json');
    const res = await page.request.get(`${baseUrl}${href}`);
    assert.equal(res.status(), 200);
    const body = (await res.json()) as { components: Array<{ name: string; uptime: Record<string, { percent: number | null }> }> };
    assert.equal(body.components.find((c) => c.name === 'krr')?.uptime['24h']?.percent, 99.92);
  });

  it('fits a narrow phone screen without sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${baseUrl}/status?lang=nb`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `page is ${width}px wide`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('takes a full-page screenshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grunnmur-screenshot-'));
    const file = join(dir, 'status-page.png');
    await page.goto(`${baseUrl}/status?lang=nb`);
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(statSync(file).size > 10_000);
    console.log(`screenshot: ${file}`);
  });

  it('loaded everything without console errors, CSP violations or failed requests', () => {
    assert.deepEqual(problems, []);
  });
});
