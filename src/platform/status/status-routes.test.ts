/**
 * `GET /status` and `GET /status.json` on both engines: the uptime table and its figures in
 * bokmål, nynorsk and English, the incidents, the empty state, the JSON for machines, and the
 * link from the front page. Checks are injected around a fixed clock.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { portalComponent } from '../../portal/index.ts';
import type { Component } from '../component.ts';
import { testEngines } from '../db/testing.ts';
import { createHttpServer } from '../http/server.ts';
import { uiRoutes } from '../ui/ui-routes.ts';
import { recordHealthChecks, type HealthCheck } from './health-checks.ts';
import { statusRoutes } from './status-routes.ts';

const MIN = 60_000;
/** 15 June 2026, 12:00 UTC. */
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

function fake(name: string, title: string): Component {
  return { name, title: { nb: title, en: title }, description: { nb: title, en: title }, paths: [`/${name}`], migrations: [], plugin: async () => {} };
}

const krr = fake('krr', 'Kontaktregisteret');
const elma = fake('elma', 'ELMA');

function check(component: string, slotAt: number, state: 'UP' | 'DOWN', error: string | null = null): HealthCheck {
  return { component, slotAt, intervalMs: MIN, checkedAt: slotAt + 500, state, error };
}

/**
 * 1250 one-minute checks of krr before NOW, one of them failed (1249 of 1250 = 99.92 %, the
 * annual report's figure); elma failing for the last three minutes (ongoing); the database up.
 */
function history(): HealthCheck[] {
  const rows: HealthCheck[] = [];
  for (let j = 1; j <= 1250; j++) {
    rows.push(j === 100 ? check('krr', NOW - j * MIN, 'DOWN', 'krr: connection refused') : check('krr', NOW - j * MIN, 'UP'));
    rows.push(check('database', NOW - j * MIN, 'UP'));
  }
  for (let j = 3; j >= 1; j--) rows.push(check('elma', NOW - j * MIN, 'DOWN', 'elma: <script>alert(1)</script>'));
  return rows;
}

/** The kernel's status routes on the test platform, at the fixed clock and without a cache. */
async function fixedClockServer(t: TestPlatform): Promise<FastifyInstance> {
  // Its own metrics registry: the test platform's server has registered the HTTP metrics already.
  const app = await createHttpServer({ ...t.platform, metrics: new Registry() }, {
    kernelPlugins: [uiRoutes, (a, p) => statusRoutes(a, p, { now: () => NOW, cacheMs: 0 })],
  });
  await app.ready();
  return app;
}

for (const engine of testEngines()) {
  describe(`status page on ${engine}`, () => {
    let t: TestPlatform;
    let app: FastifyInstance;
    beforeEach(async () => {
      t = await createTestPlatform(engine, [portalComponent, krr, elma]);
      await recordHealthChecks(t.platform.db, history());
      app = await fixedClockServer(t);
    });
    afterEach(async () => {
      await app.close();
      await t.close();
    });

    it('renders the uptime table in bokmål with 99,92 % for krr and unknown where nothing was measured', async () => {
      const res = await app.inject({ url: '/status', headers: { 'accept-language': 'nb' } });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      const body = res.body;
      assert.match(body, /<h1 class="ds-heading" data-size="xl">Driftsstatus<\/h1>/);
      assert.match(body, /<table class="ds-table" data-border="true" id="uptime">/);
      assert.match(body, /<th scope="col" data-window="24h">Siste 24 timer<\/th>/);
      assert.match(body, /<th scope="col" data-window="year">Hittil i år \(2026\)<\/th>/);
      const krrRow = /<tr data-component="krr">([\s\S]*?)<\/tr>/.exec(body)?.[1] ?? '';
      assert.match(krrRow, /<th scope="row">Kontaktregisteret<\/th>/);
      assert.match(krrRow, /data-window="24h" data-uptime="99.92"><strong>99,92\u00a0%<\/strong>/);
      assert.match(krrRow, /data-window="30d" data-uptime="99.92"><strong>99,92\u00a0%<\/strong><br><small>målt 20 t 50 min<\/small>/);
      assert.match(krrRow, /data-status="UP"/, 'its latest check, a minute ago, passed');
      const frontRow = /<tr data-component="portal">([\s\S]*?)<\/tr>/.exec(body)?.[1] ?? '';
      assert.match(frontRow, /data-window="24h" data-uptime="unknown">Ukjent/);
    });

    it('lists the incidents: elma ongoing with its first error (escaped), krr resolved after one minute', async () => {
      const body = (await app.inject({ url: '/status?lang=nb' })).body;
      assert.match(body, /<table class="ds-table" data-border="true" id="incidents">/);
      const rows = [...body.matchAll(/<tr data-component="([a-z]+)" data-ongoing="(true|false)">([\s\S]*?)<\/tr>/g)];
      assert.deepEqual(
        rows.map((r) => [r[1], r[2]]),
        [
          ['elma', 'true'],
          ['krr', 'false'],
        ],
      );
      assert.match(rows[0]![3]!, /Pågår/);
      assert.match(rows[0]![3]!, /<code>elma: &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/code>/);
      assert.doesNotMatch(body, /<script>/);
      assert.match(rows[1]![3]!, /<td>1 min<\/td>/);
      assert.match(rows[1]![3]!, /<code>krr: connection refused<\/code>/);
      assert.match(body, /<div class="ds-alert" data-color="danger" id="status-summary" data-status="DOWN"><p class="ds-paragraph">Feil nå: ELMA<\/p>/);
    });

    it('speaks nynorsk and English, with 99.92% written the English way', async () => {
      const nn = (await app.inject({ url: '/status?lang=nn' })).body;
      assert.match(nn, /<html lang="nn"/);
      assert.match(nn, /Siste 24 timar/);
      assert.match(nn, /Hendingar/);
      assert.match(nn, /99,92\u00a0%/);
      const en = (await app.inject({ url: '/status', headers: { 'accept-language': 'en-GB,en;q=0.9' } })).body;
      assert.match(en, /<html lang="en"/);
      assert.match(en, /<h1 class="ds-heading" data-size="xl">Service status<\/h1>/);
      assert.match(en, /<th scope="col" data-window="30d">Last 30 days<\/th>/);
      assert.match(en, /<strong>99.92%<\/strong>/);
      assert.match(en, /Ongoing/);
    });

    it('gives the same figures as JSON at /status.json', async () => {
      const res = await app.inject({ url: '/status.json' });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/json/);
      const body = res.json();
      assert.equal(body.status, 'DOWN');
      assert.equal(body.generatedAt, new Date(NOW).toISOString());
      assert.equal(body.intervalMs, MIN);
      assert.deepEqual(
        body.windows.map((w: { id: string }) => w.id),
        ['24h', '30d', 'year'],
      );
      assert.deepEqual(
        body.components.map((c: { name: string; status: string }) => [c.name, c.status]),
        [
          ['database', 'UP'],
          ['portal', 'UNKNOWN'],
          ['krr', 'UP'],
          ['elma', 'DOWN'],
        ],
      );
      const krrJson = body.components.find((c: { name: string }) => c.name === 'krr');
      assert.deepEqual(krrJson.uptime['24h'], { percent: 99.92, upMs: 1249 * MIN, downMs: MIN, unknownMs: 24 * 60 * MIN - 1250 * MIN });
      assert.equal(krrJson.lastCheckedAt, new Date(NOW - MIN + 500).toISOString());
      const portal = body.components.find((c: { name: string }) => c.name === 'portal');
      assert.deepEqual(portal.uptime.year, { percent: null, upMs: 0, downMs: 0, unknownMs: NOW - Date.UTC(2025, 11, 31, 23) });
      assert.deepEqual(body.incidents, [
        {
          component: 'elma',
          start: new Date(NOW - 3 * MIN).toISOString(),
          end: null,
          ongoing: true,
          durationMs: 3 * MIN,
          failedChecks: 3,
          error: 'elma: <script>alert(1)</script>',
        },
        {
          component: 'krr',
          start: new Date(NOW - 100 * MIN).toISOString(),
          end: new Date(NOW - 99 * MIN).toISOString(),
          ongoing: false,
          durationMs: MIN,
          failedChecks: 1,
          error: 'krr: connection refused',
        },
      ]);
    });
  });

  describe(`status page of a fresh platform on ${engine}`, () => {
    let t: TestPlatform;
    beforeEach(async () => {
      t = await createTestPlatform(engine, [portalComponent, krr]);
    });
    afterEach(() => t.close());

    it('says there are no measurements yet, and shows every figure as unknown', async () => {
      const body = (await t.app.inject({ url: '/status?lang=nb' })).body;
      assert.match(body, /data-status="UNKNOWN"><p class="ds-paragraph">Ingen målinger ennå/);
      assert.match(body, /<p class="ds-paragraph" id="no-incidents">Ingen hendelser i periodene over.<\/p>/);
      assert.doesNotMatch(body, /%/);
      const json = (await t.app.inject({ url: '/status.json' })).json();
      assert.equal(json.status, 'UNKNOWN');
      assert.ok(json.components.every((c: { uptime: Record<string, { percent: unknown }> }) => Object.values(c.uptime).every((u) => u.percent === null)));
    });

    it('shows the checks the scheduled job made, and the front page links to the status page', async () => {
      await t.platform.jobs.runDue();
      // The report is cached for 10 s: this platform's server has not computed one yet.
      const json = (await t.app.inject({ url: '/status.json' })).json();
      assert.equal(json.status, 'UP');
      assert.deepEqual(
        json.components.map((c: { name: string; status: string }) => [c.name, c.status]),
        [
          ['database', 'UP'],
          ['portal', 'UP'],
          ['krr', 'UP'],
        ],
      );
      assert.equal(json.components[0].uptime['24h'].percent, 100);
      const front = (await t.app.inject({ url: '/?lang=nb' })).body;
      assert.match(front, /<a class="ds-button" data-variant="secondary" href="\/status">Se driftsstatus<\/a>/);
      const openapi = (await t.app.inject({ url: '/openapi.json' })).json();
      assert.ok(openapi.paths['/status.json'], '/status.json is in the OpenAPI document');
    });
  });
}
