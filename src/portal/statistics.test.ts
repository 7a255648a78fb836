/**
 * The statistics page (`/statistikk`) and its exports: the table built from injected counters
 * and snapshots (growth, rounding, a year with zero, unknown stock figures), rows only for the
 * components that run, the live stock figures from the registers, the daily snapshot, and the
 * CSV, JSON and page showing the same numbers. The pure rules run once; the HTTP tests on both
 * databases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { createIdportenClient, idportenComponent } from '../idporten/index.ts';
import { krrComponent } from '../krr/index.ts';
import { createClient, maskinportenComponent } from '../maskinporten/index.ts';
import type { Component } from '../platform/component.ts';
import { testEngines } from '../platform/db/testing.ts';
import type { StatsRow } from '../platform/stats/stats.ts';
import { registersComponent } from '../registers/index.ts';
import { portalComponent } from './index.ts';
import { measureGauges, snapshotGauges } from './domain/statistics-gauges.ts';
import { STATISTICS_METRICS } from './domain/statistics-metrics.ts';
import { buildStatistics, growthPercent, periodsBetween, statisticsCsv, statisticsJson, statisticsRows, type StatisticsRow } from './domain/statistics-table.ts';
import { listGaugeSnapshots, saveGaugeSnapshot } from './store/statistics-store.ts';
import { formatGrowth } from './views/statistics-page.ts';

const ALL = ['idporten', 'krr', 'digitalpost', 'eformidling', 'maskinporten'];
const NOW = Date.UTC(2026, 5, 15, 12); // 2026-06-15
const row = (component: string, event: string, day: string, count: number): StatsRow => ({ component, event, day, count });

/** The cells of one figure as [periode, verdi, endring_prosent]. */
function cellsOf(stats: ReturnType<typeof buildStatistics>, id: string): Array<[string, number | null, number | null]> {
  const series = stats.series.find((s) => s.metric.id === id);
  assert.ok(series, `a row for ${id}`);
  return series.cells.map((c) => [c.periode, c.verdi, c.endring_prosent]);
}

describe('statistics table rules', () => {
  it('rounds growth to one decimal, half away from zero, and has none from 0 or unknown', () => {
    assert.equal(growthPercent(3, 4), 33.3);
    assert.equal(growthPercent(3, 2), -33.3);
    assert.equal(growthPercent(8, 9), 12.5);
    assert.equal(growthPercent(16, 17), 6.3, '6.25 rounds up');
    assert.equal(growthPercent(16, 15), -6.3, '−6.25 rounds away from zero');
    assert.equal(growthPercent(2000, 2001), 0.1, '0.05 rounds up');
    assert.equal(growthPercent(3000, 3001), 0, '0.033 rounds to 0');
    assert.ok(Object.is(growthPercent(3001, 3000), 0), '−0.033 rounds to 0, not −0');
    assert.equal(growthPercent(5, 0), -100);
    assert.equal(growthPercent(0, 7), null, 'no growth from nothing');
    assert.equal(growthPercent(0, 0), null);
    assert.equal(growthPercent(null, 7), null);
    assert.equal(growthPercent(7, null), null);
  });

  it('sums counters per year from the first year with data to this year, a year without events as 0', () => {
    const stats = buildStatistics(
      {
        running: ALL,
        counters: [
          row('idporten', 'login', '2022-03-01', 3),
          row('idporten', 'login', '2022-12-31', 5),
          // 2023: none at all; 2024: 0 logins but other events
          row('krr', 'lookup', '2024-06-01', 10),
          row('idporten', 'login', '2025-01-01', 9),
          row('idporten', 'login', '2026-06-15', 12),
          row('maskinporten', 'token', '2026-01-01', 1),
          row('altinn', 'instance', '2019-01-01', 99), // not a figure of the table: ignored
        ],
        gaugeSnapshots: [],
        liveGauges: {},
        now: NOW,
      },
      'aar',
    );
    assert.deepEqual(stats.perioder, ['2022', '2023', '2024', '2025', '2026']);
    assert.deepEqual(cellsOf(stats, 'innlogginger_idporten'), [
      ['2022', 8, null],
      ['2023', 0, -100],
      ['2024', 0, null],
      ['2025', 9, null],
      ['2026', 12, 33.3],
    ]);
    assert.deepEqual(cellsOf(stats, 'oppslag_krr'), [
      ['2022', 0, null],
      ['2023', 0, null],
      ['2024', 10, null],
      ['2025', 0, -100],
      ['2026', 0, null],
    ]);
    assert.deepEqual(cellsOf(stats, 'tokens_maskinporten').at(-1), ['2026', 1, null]);
    assert.equal(stats.generert, '2026-06-15T12:00:00.000Z');
  });

  it('takes a stock figure from the last snapshot of a past year and the live count this year; unknown is null', () => {
    const stats = buildStatistics(
      {
        running: ['krr', 'maskinporten'],
        counters: [],
        gaugeSnapshots: [
          { indikator: 'innbyggere_digital_postkasse', day: '2024-12-31', value: 40 },
          { indikator: 'innbyggere_digital_postkasse', day: '2024-06-01', value: 10 },
          { indikator: 'innbyggere_digital_postkasse', day: '2026-06-14', value: 70 },
          { indikator: 'kunder', day: '2025-12-31', value: 4 },
        ],
        liveGauges: { innbyggere_digital_postkasse: 80, kunder: 5, tjenester: 9 },
        now: NOW,
      },
      'aar',
    );
    assert.deepEqual(stats.perioder, ['2024', '2025', '2026']);
    assert.deepEqual(cellsOf(stats, 'innbyggere_digital_postkasse'), [
      ['2024', 40, null],
      ['2025', null, null],
      ['2026', 80, null],
    ]);
    assert.deepEqual(cellsOf(stats, 'kunder'), [
      ['2024', null, null],
      ['2025', 4, null],
      ['2026', 5, 25],
    ]);
    assert.deepEqual(cellsOf(stats, 'tjenester'), [
      ['2024', null, null],
      ['2025', null, null],
      ['2026', 9, null],
    ]);
  });

  it('shows only the figures of the components that run, and starts at their first data', () => {
    const input = {
      counters: [row('idporten', 'login', '2020-01-01', 1), row('krr', 'lookup', '2025-02-01', 4)],
      gaugeSnapshots: [{ indikator: 'kunder', day: '2019-12-31', value: 3 }],
      liveGauges: { innbyggere_digital_postkasse: 2 },
      now: NOW,
    };
    const krrOnly = buildStatistics({ ...input, running: ['krr', 'registers', 'portal'] }, 'aar');
    assert.deepEqual(
      krrOnly.series.map((s) => s.metric.id),
      ['oppslag_krr', 'innbyggere_digital_postkasse'],
    );
    assert.deepEqual(krrOnly.perioder, ['2025', '2026'], 'ID-porten’s and the customers’ older data do not count');
    const none = buildStatistics({ ...input, running: ['registers', 'elma'] }, 'aar');
    assert.deepEqual(none.series, []);
    assert.deepEqual(none.perioder, ['2026']);
    const maskinportenOnly = buildStatistics({ ...input, running: ['maskinporten'] }, 'aar');
    assert.deepEqual(
      maskinportenOnly.series.map((s) => s.metric.id),
      ['tokens_maskinporten', 'kunder', 'tjenester'],
    );
    assert.deepEqual(
      buildStatistics({ ...input, running: ALL }, 'aar').series.map((s) => s.metric.id),
      STATISTICS_METRICS.map((m) => m.id),
      'every figure when every component runs, in the annual report’s order',
    );
  });

  it('builds months and days with the same sums, growth from the period before', () => {
    const input = {
      running: ['eformidling', 'krr'],
      counters: [row('eformidling', 'message', '2026-04-30', 2), row('eformidling', 'message', '2026-06-13', 4), row('eformidling', 'message', '2026-06-15', 5)],
      gaugeSnapshots: [
        { indikator: 'innbyggere_digital_postkasse', day: '2026-04-10', value: 7 },
        { indikator: 'innbyggere_digital_postkasse', day: '2026-06-13', value: 9 },
      ],
      liveGauges: { innbyggere_digital_postkasse: 10 },
      now: NOW,
    };
    const months = buildStatistics(input, 'maaned');
    assert.deepEqual(cellsOf(months, 'meldinger_eformidling'), [
      ['2026-04', 2, null],
      ['2026-05', 0, -100],
      ['2026-06', 9, null],
    ]);
    assert.deepEqual(cellsOf(months, 'innbyggere_digital_postkasse'), [
      ['2026-04', 7, null],
      ['2026-05', null, null],
      ['2026-06', 10, null],
    ]);
    const days = buildStatistics(input, 'dag');
    assert.equal(days.perioder.length, 67, '2026-04-10 … 2026-06-15');
    assert.deepEqual(cellsOf(days, 'meldinger_eformidling').slice(-3), [
      ['2026-06-13', 4, null],
      ['2026-06-14', 0, -100],
      ['2026-06-15', 5, null],
    ]);
    assert.deepEqual(cellsOf(days, 'innbyggere_digital_postkasse').slice(-3), [
      ['2026-06-13', 9, null],
      ['2026-06-14', null, null],
      ['2026-06-15', 10, null],
    ]);
    const total = (s: ReturnType<typeof buildStatistics>) => cellsOf(s, 'meldinger_eformidling').reduce((n, [, v]) => n + (v ?? 0), 0);
    assert.equal(total(days), 11);
    assert.equal(total(months), 11);
    assert.equal(total(buildStatistics(input, 'aar')), 11);
  });

  it('enumerates periods across year ends', () => {
    assert.deepEqual(periodsBetween('2025-11', '2026-02', 'maaned'), ['2025-11', '2025-12', '2026-01', '2026-02']);
    assert.deepEqual(periodsBetween('2024-02-28', '2024-03-01', 'dag'), ['2024-02-28', '2024-02-29', '2024-03-01']);
    assert.deepEqual(periodsBetween('2026', '2026', 'aar'), ['2026']);
  });

  it('writes CSV and JSON with the same rows as the table', () => {
    const stats = buildStatistics({ running: ['idporten'], counters: [row('idporten', 'login', '2025-05-05', 3), row('idporten', 'login', '2026-01-01', 4)], gaugeSnapshots: [], liveGauges: { kunder: 2 }, now: NOW }, 'aar');
    assert.equal(
      statisticsCsv(stats),
      'periode,indikator,verdi,endring_prosent\r\n' +
        '2025,innlogginger_idporten,3,\r\n2025,kunder,,\r\n2025,tjenester,,\r\n' +
        '2026,innlogginger_idporten,4,33.3\r\n2026,kunder,2,\r\n2026,tjenester,,\r\n',
    );
    const json = statisticsJson(stats);
    assert.deepEqual(json.rader, statisticsRows(stats));
    assert.deepEqual(json.indikatorer[0], { id: 'innlogginger_idporten', type: 'hendelser', navn: { nb: 'Innlogginger i ID-porten', nn: 'Innloggingar i ID-porten', en: 'Logins in ID-porten' } });
  });

  it('formats growth with its sign and one decimal in each language', () => {
    assert.equal(formatGrowth(12.3, 'en'), '+12.3%');
    assert.equal(formatGrowth(-100, 'en'), '-100.0%');
    assert.equal(formatGrowth(0, 'en'), '0.0%');
    assert.match(formatGrowth(12.3, 'nb'), /^\+12,3\s%$/);
    assert.match(formatGrowth(-6.3, 'nn'), /^[−-]6,3\s%$/);
  });
});

/** Parses the CSV export into rows like the JSON's. */
function parseCsv(text: string): StatisticsRow[] {
  const lines = text.split('\r\n');
  assert.equal(lines.pop(), '', 'the last line ends in CRLF');
  assert.equal(lines.shift(), 'periode,indikator,verdi,endring_prosent');
  return lines.map((line) => {
    const [periode, indikator, verdi, endring] = line.split(',') as [string, string, string, string];
    return { periode, indikator, verdi: verdi === '' ? null : Number(verdi), endring_prosent: endring === '' ? null : Number(endring) };
  });
}

/** The table's cells on the page, as rows like the JSON's (by period, then figure). */
function parsePageTable(page: string): StatisticsRow[] {
  const table = page.slice(page.indexOf('id="statistikk-tabell"'), page.indexOf('</table>'));
  const cells: Array<StatisticsRow & { order: number }> = [];
  let order = 0;
  for (const tr of table.split('<tr data-indikator="').slice(1)) {
    const indikator = tr.slice(0, tr.indexOf('"'));
    for (const m of tr.matchAll(/<td data-periode="([^"]+)" data-verdi="([^"]*)" data-endring="([^"]*)">/g)) {
      cells.push({ order: order++, periode: m[1]!, indikator, verdi: m[2] === '' ? null : Number(m[2]), endring_prosent: m[3] === '' ? null : Number(m[3]) });
    }
  }
  const ids = [...new Set(cells.map((c) => c.indikator))];
  return cells
    .sort((a, b) => a.periode.localeCompare(b.periode) || ids.indexOf(a.indikator) - ids.indexOf(b.indikator))
    .map(({ order: _, ...rest }) => rest);
}

/** Components that count events but have no tables the stock figures read. */
function countingOnly(name: string): Component {
  return { name, title: { nb: name, en: name }, description: { nb: name, en: name }, paths: [`/${name}`], migrations: [], plugin: async () => {} };
}

for (const engine of testEngines()) {
  describe(`statistics page and exports on ${engine}`, () => {
    let t: TestPlatform;
    const thisYear = new Date().getUTCFullYear();
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, idportenComponent, krrComponent, countingOnly('eformidling'), countingOnly('digitalpost'), portalComponent]);
      const stats = t.platform.stats;
      const at = (year: number, month = 5, day = 1) => ({ at: Date.UTC(year, month, day, 12) });
      await stats.increment('idporten', 'login', 3, at(thisYear - 2));
      await stats.increment('idporten', 'login', 4, at(thisYear - 1));
      await stats.increment('idporten', 'login', 6, at(thisYear, 0, 1));
      await stats.increment('eformidling', 'message', 7, at(thisYear - 1));
      await stats.increment('digitalpost', 'letter', 2, at(thisYear - 2));
      stats.incrementBuffered('krr', 'lookup', 1000, at(thisYear, 0, 1));
      await saveGaugeSnapshot(t.platform.db, { indikator: 'innbyggere_digital_postkasse', day: `${thisYear - 1}-12-31`, value: 5 }, Date.UTC(thisYear - 1, 11, 31, 23));
    });
    after(async () => t?.close());

    it('answers the JSON export with the table by year, every figure, growth from the year before', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/statistikk.json' });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      const json = res.json();
      assert.equal(json.periode, 'aar');
      assert.deepEqual(json.perioder, [String(thisYear - 2), String(thisYear - 1), String(thisYear)]);
      assert.deepEqual(
        json.indikatorer.map((i: { id: string }) => i.id),
        STATISTICS_METRICS.map((m) => m.id),
      );
      const of = (id: string) => json.rader.filter((r: StatisticsRow) => r.indikator === id).map((r: StatisticsRow) => [r.verdi, r.endring_prosent]);
      assert.deepEqual(of('innlogginger_idporten'), [
        [3, null],
        [4, 33.3],
        [6, 50],
      ]);
      assert.deepEqual(of('meldinger_eformidling'), [
        [0, null],
        [7, null],
        [0, -100],
      ]);
      assert.deepEqual(of('brev_digital_postkasse'), [
        [2, null],
        [0, -100],
        [0, null],
      ]);
      assert.deepEqual(of('oppslag_krr').at(-1), [1000, null], 'buffered counts of this process are included');
      const live = await measureGauges(t.platform);
      assert.ok(live.innbyggere_digital_postkasse! > 0, 'the seeded population has mailboxes');
      assert.deepEqual(of('innbyggere_digital_postkasse'), [
        [null, null],
        [5, null],
        [live.innbyggere_digital_postkasse, Math.round(((live.innbyggere_digital_postkasse! - 5) * 1000) / 5) / 10],
      ]);
      assert.deepEqual(of('tjenester').at(-1), [live.tjenester, null]);
    });

    it('answers the same numbers as CSV, and on the page', async () => {
      const json = (await t.app.inject({ method: 'GET', url: '/statistikk.json' })).json();
      const csv = await t.app.inject({ method: 'GET', url: '/statistikk.csv' });
      assert.equal(csv.statusCode, 200);
      assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(csv.headers['content-disposition'], 'attachment; filename="grunnmur-statistikk-aar.csv"');
      assert.deepEqual(parseCsv(csv.body), json.rader);
      const page = await t.app.inject({ method: 'GET', url: '/statistikk' });
      assert.equal(page.statusCode, 200);
      assert.deepEqual(parsePageTable(page.body), json.rader);
      for (const periode of ['maaned', 'dag']) {
        const byPeriod = (await t.app.inject({ method: 'GET', url: `/statistikk.json?periode=${periode}` })).json();
        const asCsv = await t.app.inject({ method: 'GET', url: `/statistikk.csv?periode=${periode}` });
        assert.deepEqual(parseCsv(asCsv.body), byPeriod.rader, periode);
        const sum = (rows: StatisticsRow[], id: string) => rows.filter((r) => r.indikator === id).reduce((n, r) => n + (r.verdi ?? 0), 0);
        assert.equal(sum(byPeriod.rader, 'innlogginger_idporten'), 13, `${periode}: the same events as the years`);
      }
    });

    it('renders the page in bokmål, nynorsk and English, with the table, exports and chart scripts', async () => {
      const nb = (await t.app.inject({ method: 'GET', url: '/statistikk' })).body;
      assert.match(nb, /<html lang="nb"/);
      assert.match(nb, /<h1[^>]*>Statistikk<\/h1>/);
      assert.match(nb, /<th scope="row">Innlogginger i ID-porten<\/th>/);
      assert.match(nb, /href="\/statistikk.csv\?periode=maaned"/);
      assert.match(nb, /<script src="\/static\/chart.js\/chart.umd.min.js" defer><\/script>/);
      assert.doesNotMatch(nb, /<script>|<script [^>]*>[^<]/, 'no inline script');
      const nn = (await t.app.inject({ method: 'GET', url: '/statistikk?lang=nn' })).body;
      assert.match(nn, /<html lang="nn"/);
      assert.match(nn, /<th scope="row">Innloggingar i ID-porten<\/th>/);
      const en = (await t.app.inject({ method: 'GET', url: '/statistikk', headers: { 'accept-language': 'en-GB,en;q=0.9' } })).body;
      assert.match(en, /<h1[^>]*>Statistics<\/h1>/);
      assert.match(en, /<th scope="row">Logins in ID-porten<\/th>/);
      assert.match(en, />\+33\.3%</);
    });

    it('serves Chart.js and the page script, and nothing else of Chart.js', async () => {
      const chart = await t.app.inject({ method: 'GET', url: '/static/chart.js/chart.umd.min.js' });
      assert.equal(chart.statusCode, 200);
      assert.match(String(chart.headers['content-type']), /javascript/);
      const script = await t.app.inject({ method: 'GET', url: '/static/portal/statistikk.js' });
      assert.equal(script.statusCode, 200);
      assert.match(script.body, /statistikk-diagrammer/);
      // Not served (the kernel answers a missing static file with a 4xx problem).
      for (const url of ['/static/chart.js/chart.js', '/static/chart.js/chart.umd.js', '/static/chart.js/../package.json']) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode}`);
      }
    });

    it('refuses an unknown periode with a 400 problem', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/statistikk.json?periode=uke' });
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    });

    it('links the page from the front page', async () => {
      const front = (await t.app.inject({ method: 'GET', url: '/' })).body;
      assert.match(front, /href="\/statistikk"/);
    });

    it('counts customers and services in both client registers, and citizens with a mailbox in KRR', async () => {
      const before = await measureGauges(t.platform);
      const { rows } = await sql<{ orgnr: string }>`select orgnr from registers_organisations order by orgnr desc limit 40`.execute(t.platform.db.kysely);
      const owners = new Set([...(await sql<{ o: string }>`select client_orgno as o from maskinporten_clients`.execute(t.platform.db.kysely)).rows.map((r) => r.o), ...(await sql<{ o: string }>`select client_orgno as o from idporten_clients`.execute(t.platform.db.kysely)).rows.map((r) => r.o)]);
      const [a, b] = rows.map((r) => r.orgnr).filter((o) => !owners.has(o)) as [string, string];
      assert.ok(a && b, 'two organisations without clients');
      await createClient(t.platform.db, { integration_type: 'maskinporten', client_name: 'A1', description: 'stats', scopes: [] }, { orgno: a });
      await createIdportenClient(t.platform.db, { client_name: 'A2', client_orgno: a, redirect_uris: ['https://a.example/cb'] }, { mode: 'test' });
      await createClient(t.platform.db, { integration_type: 'maskinporten', client_name: 'B1', description: 'stats', scopes: [] }, { orgno: b });
      const withMailbox = await sql<{ p: string }>`select personidentifikator as p from krr_persons where status = 'AKTIV' and postkasseadresse is not null order by personidentifikator limit 1`.execute(t.platform.db.kysely);
      await sql`update krr_persons set postkasseadresse = null where personidentifikator = ${withMailbox.rows[0]!.p}`.execute(t.platform.db.kysely);
      const after = await measureGauges(t.platform);
      assert.equal(after.kunder, before.kunder! + 2);
      assert.equal(after.tjenester, before.tjenester! + 3);
      assert.equal(after.innbyggere_digital_postkasse, before.innbyggere_digital_postkasse! - 1);
    });

    it('snapshots the stock figures once per day, the day’s latest measurement kept', async () => {
      const day = Date.UTC(2025, 2, 3, 10);
      await snapshotGauges(t.platform, day);
      await snapshotGauges(t.platform, day + 3_600_000);
      await saveGaugeSnapshot(t.platform.db, { indikator: 'kunder', day: '2025-03-03', value: -1 }, day); // a late, older run
      const live = await measureGauges(t.platform);
      const snaps = (await listGaugeSnapshots(t.platform.db)).filter((s) => s.day === '2025-03-03');
      assert.deepEqual(
        snaps.map((s) => [s.indikator, s.value]),
        [
          ['innbyggere_digital_postkasse', live.innbyggere_digital_postkasse],
          ['kunder', live.kunder],
          ['tjenester', live.tjenester],
        ],
      );
    });
  });

  describe(`statistics with only some components on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, krrComponent, portalComponent]);
      await t.platform.stats.increment('idporten', 'login', 5); // counted by an ID-porten elsewhere: not shown here
      await t.platform.stats.increment('krr', 'lookup', 2);
    });
    after(async () => t?.close());

    it('has no rows for components that do not run, in the page, the CSV and the JSON', async () => {
      const json = (await t.app.inject({ method: 'GET', url: '/statistikk.json' })).json();
      assert.deepEqual(
        json.indikatorer.map((i: { id: string }) => i.id),
        ['oppslag_krr', 'innbyggere_digital_postkasse'],
      );
      assert.deepEqual(
        [...new Set(parseCsv((await t.app.inject({ method: 'GET', url: '/statistikk.csv' })).body).map((r) => r.indikator))],
        ['oppslag_krr', 'innbyggere_digital_postkasse'],
      );
      const page = (await t.app.inject({ method: 'GET', url: '/statistikk' })).body;
      assert.doesNotMatch(page, /ID-porten|Maskinporten|eFormidling|data-indikator="kunder"/);
      assert.match(page, /data-indikator="oppslag_krr"/);
    });
  });

  describe(`statistics when a live count fails on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      // A "krr" without its tables: the count of citizens with a mailbox fails.
      t = await createTestPlatform(engine, [registersComponent, countingOnly('krr'), portalComponent]);
      await saveGaugeSnapshot(t.platform.db, { indikator: 'innbyggere_digital_postkasse', day: '2025-12-31', value: 4 }, Date.UTC(2025, 11, 31, 23));
      await t.platform.stats.increment('krr', 'lookup', 2);
    });
    after(async () => t?.close());

    it('still answers, with the figure unknown now, and the snapshot job fails (to be retried)', async () => {
      const json = (await t.app.inject({ method: 'GET', url: '/statistikk.json' })).json();
      const now = String(new Date().getUTCFullYear());
      const mailboxes = json.rader.filter((r: StatisticsRow) => r.indikator === 'innbyggere_digital_postkasse');
      assert.deepEqual(mailboxes.find((r: StatisticsRow) => r.periode === '2025'), { periode: '2025', indikator: 'innbyggere_digital_postkasse', verdi: 4, endring_prosent: null });
      assert.deepEqual(mailboxes.find((r: StatisticsRow) => r.periode === now)?.verdi, null);
      assert.equal((await t.app.inject({ method: 'GET', url: '/statistikk' })).statusCode, 200);
      await assert.rejects(snapshotGauges(t.platform));
    });
  });

  describe(`statistics with no measured component on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, portalComponent]);
    });
    after(async () => t?.close());

    it('says so, with no table and no charts', async () => {
      const page = (await t.app.inject({ method: 'GET', url: '/statistikk?lang=en' })).body;
      assert.match(page, /None of the measured components runs in this instance/);
      assert.doesNotMatch(page, /statistikk-tabell|<canvas|<script/);
      const json = (await t.app.inject({ method: 'GET', url: '/statistikk.json' })).json();
      assert.deepEqual(json.rader, []);
      assert.deepEqual(json.perioder, [String(new Date().getUTCFullYear())]);
    });
  });
}
