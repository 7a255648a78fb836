/**
 * The front page in a real browser: Debian's Chromium driven by playwright-core against the
 * server listening on 127.0.0.1. Checks that the design system's stylesheets load and apply
 * under the CSP, that nothing fails or logs an error, and that the language switch works
 * without JavaScript. Leaves a screenshot in a temp folder (its path is logged).
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
import { portalComponent } from '../../src/portal/index.ts';
import { collectPageProblems } from '../helpers/browser.ts';

const CHROMIUM = '/usr/bin/chromium';

// Browser globals used inside page.evaluate(); the project's tsconfig has no DOM lib.
declare const document: {
  querySelector(selector: string): unknown;
  styleSheets: { length: number };
  documentElement: { scrollWidth: number };
};
declare function getComputedStyle(element: unknown): Record<string, string>;

const healthy: Component = {
  name: 'krr',
  title: { nb: 'Kontakt- og reservasjonsregisteret', en: 'Contact and Reservation Register' },
  description: {
    nb: 'Oppslag av kontaktinformasjon og reservasjon mot digital post.',
    en: 'Lookup of contact information and reservation against digital post.',
  },
  paths: ['/krr'],
  migrations: [],
  plugin: async () => {},
  links: [{ kind: 'api', label: { nb: 'Oppslags-API', en: 'Lookup API' }, href: '/krr/rest/v2/personer' }],
  checkHealth: async () => {},
};
const failing: Component = {
  name: 'elma',
  title: { nb: 'ELMA', en: 'ELMA' },
  description: { nb: 'Adresseregister for eFormidling.', en: 'Address register for eFormidling.' },
  paths: ['/elma'],
  migrations: [],
  plugin: async () => {},
  checkHealth: async () => {
    throw new Error('down on purpose');
  },
};

describe('front page in Chromium', () => {
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
    platform = await createPlatform({ config, components: [portalComponent, healthy, failing] });
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

  it('shows the heading in bokmål and applies the design system', async () => {
    const response = await page.goto(`${baseUrl}/`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('h1').innerText(), 'Norges fellesløsninger, selvhostet');
    assert.equal(await page.getAttribute('html', 'lang'), 'nb');

    const styles = await page.evaluate(() => {
      const get = (selector: string) => {
        const el = document.querySelector(selector);
        if (!el) throw new Error(`no ${selector}`);
        return getComputedStyle(el);
      };
      const button = get('.ds-button[data-variant="primary"]');
      const h1 = get('h1.ds-heading');
      const card = get('.ds-card');
      const header = get('.grunnmur-header');
      return {
        buttonBackground: button.backgroundColor,
        buttonRadius: button.borderTopLeftRadius,
        buttonDisplay: button.display,
        h1MarginTop: h1.marginTop,
        cardRadius: card.borderTopLeftRadius,
        cardPadding: card.paddingTop,
        headerBorder: header.borderBottomStyle,
        stylesheets: document.styleSheets.length,
      };
    });
    assert.equal(styles.stylesheets, 3, 'design system, Digdir theme and Grunnmur layout loaded');
    assert.notEqual(styles.buttonBackground, 'rgba(0, 0, 0, 0)', 'primary button is filled with the accent colour');
    assert.notEqual(styles.buttonRadius, '0px');
    assert.equal(styles.buttonDisplay, 'flex');
    assert.equal(styles.h1MarginTop, '0px', 'ds-heading resets the browser default margin');
    assert.notEqual(styles.cardRadius, '0px');
    assert.notEqual(styles.cardPadding, '0px');
    assert.equal(styles.headerBorder, 'solid');
  });

  it('shows live status tags: UP for a healthy component, DOWN for one whose check throws', async () => {
    const up = page.locator('[data-component="krr"] .ds-tag');
    const down = page.locator('[data-component="elma"] .ds-tag');
    assert.equal(await up.getAttribute('data-status'), 'UP');
    assert.equal(await down.getAttribute('data-status'), 'DOWN');
    const [upColour, downColour] = await Promise.all([
      up.evaluate((el) => getComputedStyle(el).backgroundColor),
      down.evaluate((el) => getComputedStyle(el).backgroundColor),
    ]);
    assert.notEqual(upColour, downColour, 'success and danger tags have different colours');
  });

  it('switches to English with the language link and keeps it', async () => {
    await Promise.all([page.waitForURL(/\?lang=en$/), page.locator('a[hreflang="en"]').click()]);
    assert.equal(await page.locator('h1').innerText(), "Norway's common components, self-hosted");
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.ok(await page.getByRole('heading', { name: 'Contact and Reservation Register' }).isVisible());
    // The cookie keeps the choice on the next visit without ?lang=.
    await page.goto(`${baseUrl}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
  });

  it('links only to pages and documents the server has', async () => {
    await page.goto(`${baseUrl}/?lang=nb`);
    const hrefs = await page.locator('a[href^="/"]').evaluateAll((links) =>
      links.map((a) => (a as unknown as { getAttribute(name: string): string }).getAttribute('href')),
    );
    // The example component serves no API of its own; everything else (kernel pages, the
    // OpenAPI documents, /outbox, /pki/root.pem) must answer. /health/ready is 503: elma is down.
    const served = hrefs.filter((h) => !h.startsWith('/krr/rest/'));
    assert.ok(served.includes('/outbox') && served.includes('/pki/root.pem'));
    for (const href of new Set(served)) {
      const res = await page.request.get(`${baseUrl}${href}`, { headers: { accept: 'text/html,*/*' } });
      assert.ok(res.status() === 200 || (href === '/health/ready' && res.status() === 503), `${href} answered ${res.status()}`);
    }
  });

  it('fits a narrow phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${baseUrl}/?lang=en`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `page is ${width}px wide`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('takes a full-page screenshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grunnmur-screenshot-'));
    const file = join(dir, 'front-page.png');
    await page.goto(`${baseUrl}/?lang=nb`);
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(statSync(file).size > 10_000);
    console.log(`screenshot: ${file}`);
  });

  it('loaded everything without console errors, CSP violations or failed requests', () => {
    assert.deepEqual(problems, []);
  });
});
