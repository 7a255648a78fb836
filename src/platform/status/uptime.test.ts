/**
 * Uptime and incidents from stored checks, on both engines: checks are injected around a fixed
 * `now`, and the report's figures for the last 24 hours, the last 30 days and the year so far
 * are compared with the arithmetic done by hand (time-weighted, unknown time left out).
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { listHealthChecks, recordHealthChecks, statusMigrations, sumWindows, type HealthCheck } from './health-checks.ts';
import { formatDuration, formatUptime } from './status-page.ts';
import { groupIncidents, loadStatusReport, startOfOsloYear, truncatedPercent, uptimeWindows, type StatusReport } from './uptime.ts';

const H = 3_600_000;
const MIN = 60_000;
/** Monday 15 June 2026, 12:00 UTC (14:00 in Oslo). */
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const YEAR_FROM = Date.UTC(2025, 11, 31, 23, 0, 0);

function check(component: string, slotAt: number, state: 'UP' | 'DOWN', error: string | null = null, intervalMs = H): HealthCheck {
  return { component, slotAt, intervalMs, checkedAt: slotAt + 1000, state, error: state === 'DOWN' ? (error ?? 'failed') : null };
}

/**
 * The injected history, hourly checks unless said:
 * - krr: every hour of the last 30 days (720 checks); down 6–3 hours ago (3 checks, the first
 *   with "krr: timeout") and one hour 10 days ago; plus one failed check 200 days ago, before
 *   the year began (outside every window);
 * - eformidling: up 5–3 hours ago, down for the last 2 hours (ongoing);
 * - elma: 10 hours up, 40 days ago; nothing since (unknown in 24 h and 30 days);
 * - digitalpost: down in the slot that straddles the 24-hour edge (half of it inside), up in the next;
 * - database: up every hour of the last 24 hours;
 * - einnsyn: one check, not in the served list.
 */
function history(): HealthCheck[] {
  const rows: HealthCheck[] = [];
  for (let i = 1; i <= 720; i++) {
    const down = i >= 4 && i <= 6 ? (i === 6 ? 'krr: timeout' : 'krr: still failing') : i === 240 ? 'krr: 10 days ago' : null;
    rows.push(check('krr', NOW - i * H, down ? 'DOWN' : 'UP', down));
  }
  rows.push(check('krr', NOW - 200 * 24 * H, 'DOWN', 'krr: before the year'));
  for (const i of [5, 4, 3]) rows.push(check('eformidling', NOW - i * H, 'UP'));
  rows.push(check('eformidling', NOW - 2 * H, 'DOWN', 'eformidling: queue stuck'));
  rows.push(check('eformidling', NOW - 1 * H, 'DOWN', 'eformidling: still stuck'));
  for (let j = 0; j < 10; j++) rows.push(check('elma', NOW - 40 * 24 * H + j * H, 'UP'));
  rows.push(check('digitalpost', NOW - 24 * H - 30 * MIN, 'DOWN', 'digitalpost: down'));
  rows.push(check('digitalpost', NOW - 23 * H - 30 * MIN, 'UP'));
  for (let i = 1; i <= 24; i++) rows.push(check('database', NOW - i * H, 'UP'));
  rows.push(check('einnsyn', NOW - H, 'UP'));
  return rows;
}

const served = ['krr', 'eformidling', 'elma', 'digitalpost'].map((name) => ({ name, title: { nb: name.toUpperCase(), en: name.toUpperCase() } }));

describe('uptime windows', () => {
  it('are the last 24 hours, the last 30 days, and the calendar year in Norwegian time', () => {
    assert.deepEqual(uptimeWindows(NOW), [
      { id: '24h', from: NOW - 24 * H, to: NOW },
      { id: '30d', from: NOW - 30 * 24 * H, to: NOW },
      { id: 'year', from: YEAR_FROM, to: NOW },
    ]);
  });

  it('starts the year at midnight on 1 January in Oslo (23:00 UTC the day before)', () => {
    assert.equal(startOfOsloYear(Date.UTC(2026, 11, 31, 22, 59)), YEAR_FROM, '23:59 on 31 December in Oslo is still 2026');
    assert.equal(startOfOsloYear(Date.UTC(2026, 11, 31, 23, 0)), Date.UTC(2026, 11, 31, 23), '00:00 on 1 January in Oslo is 2027');
    assert.equal(startOfOsloYear(Date.UTC(2026, 6, 1)), YEAR_FROM, 'summer time does not move the start');
  });
});

describe('uptime figures', () => {
  it('cuts percentages instead of rounding them, so 100 means no failure', () => {
    assert.equal(truncatedPercent(716, 720, 4), 99.4444);
    assert.equal(truncatedPercent(1249, 1250, 2), 99.92);
    assert.equal(truncatedPercent(99_999, 100_000, 2), 99.99);
    assert.equal(truncatedPercent(5, 5, 2), 100);
    assert.equal(truncatedPercent(57, 100, 2), 57, 'no floating-point error (0.57 × 100 is 56.99999…)');
  });

  it('writes 99,92 % in Norwegian, 99.92% in English, and unknown without measurements', () => {
    assert.equal(formatUptime({ upMs: 9992, downMs: 8 }, 'nb'), '99,92\u00a0%');
    assert.equal(formatUptime({ upMs: 9992, downMs: 8 }, 'nn'), '99,92\u00a0%');
    assert.equal(formatUptime({ upMs: 9992, downMs: 8 }, 'en'), '99.92%');
    assert.equal(formatUptime({ upMs: 1, downMs: 0 }, 'nb'), '100,00\u00a0%');
    assert.equal(formatUptime({ upMs: 0, downMs: 0 }, 'nb'), 'Ukjent');
    assert.equal(formatUptime({ upMs: 0, downMs: 0 }, 'nn'), 'Ukjend');
    assert.equal(formatUptime({ upMs: 0, downMs: 0 }, 'en'), 'Unknown');
  });

  it('writes durations as their two largest units', () => {
    assert.equal(formatDuration(3 * H, 'nb'), '3 t');
    assert.equal(formatDuration(2 * 24 * H + 3 * H + 5 * MIN, 'nb'), '2 døgn 3 t');
    assert.equal(formatDuration(90 * MIN, 'en'), '1 h 30 min');
    assert.equal(formatDuration(45_000, 'en'), '45 s');
    assert.equal(formatDuration(0, 'nb'), '0 s');
  });
});

describe('incidents from failed checks', () => {
  const down = (slotAt: number, error: string) => check('x', slotAt, 'DOWN', error);

  it('makes one incident of failed checks in consecutive slots, and splits at a slot without a check', () => {
    const failed = [down(0, 'first'), down(H, 'second'), down(3 * H, 'after the gap')];
    const incidents = groupIncidents(failed, new Map([['x', 5 * H]]), 6 * H);
    assert.deepEqual(incidents, [
      { component: 'x', start: 3 * H, end: 4 * H, ongoing: false, durationMs: H, failedChecks: 1, error: 'after the gap' },
      { component: 'x', start: 0, end: 2 * H, ongoing: false, durationMs: 2 * H, failedChecks: 2, error: 'first' },
    ]);
  });

  it('is ongoing while its last failed check is the latest and the next is not overdue', () => {
    const failed = [down(0, 'e'), down(H, 'e')];
    const latest = new Map([['x', H]]);
    const [ongoing] = groupIncidents(failed, latest, 2 * H + 30 * MIN);
    assert.equal(ongoing?.ongoing, true);
    assert.equal(ongoing?.end, null);
    assert.equal(ongoing?.durationMs, 2 * H + 30 * MIN);
    const [stale] = groupIncidents(failed, latest, 3 * H);
    assert.equal(stale?.ongoing, false, 'checks stopped: the incident ends where the last failed slot ends');
    assert.equal(stale?.end, 2 * H);
  });
});

for (const engine of testEngines()) {
  describe(`status report from stored checks on ${engine}`, () => {
    let db: TestDatabase;
    let report: StatusReport;
    beforeEach(async () => {
      db = await createTestDatabase(engine, [{ component: 'platform_status', migrations: statusMigrations }]);
      assert.equal(await recordHealthChecks(db, history()), history().length);
      report = await loadStatusReport(db, { now: NOW, intervalMs: H, components: served });
    });
    afterEach(() => db.close());

    const component = (name: string) => {
      const c = report.components.find((x) => x.name === name);
      assert.ok(c, `${name} in the report`);
      return c;
    };

    it('lists the database first, then the served components, then others that have checks', () => {
      assert.deepEqual(
        report.components.map((c) => c.name),
        ['database', 'krr', 'eformidling', 'elma', 'digitalpost', 'einnsyn'],
      );
      assert.equal(report.generatedAt, NOW);
      assert.equal(report.intervalMs, H);
    });

    it('computes krr: 21 of 24 hours up, 716 of 720 hours in 30 days and in the year so far', () => {
      const krr = component('krr');
      assert.deepEqual(krr.uptime['24h'], { upMs: 21 * H, downMs: 3 * H, unknownMs: 0, uptimePercent: 87.5 });
      assert.equal(krr.uptime['30d'].upMs, 716 * H);
      assert.equal(krr.uptime['30d'].downMs, 4 * H);
      assert.equal(krr.uptime['30d'].unknownMs, 0);
      assert.equal(formatUptime(krr.uptime['30d'], 'nb'), '99,44\u00a0%');
      // The check 200 days ago is before 1 January: it counts nowhere.
      assert.equal(krr.uptime.year.upMs, 716 * H);
      assert.equal(krr.uptime.year.downMs, 4 * H);
      assert.equal(krr.uptime.year.unknownMs, NOW - YEAR_FROM - 720 * H, 'the rest of the year is unknown, not up');
      assert.equal(krr.state, 'UP');
      assert.equal(krr.lastCheckedAt, NOW - H + 1000);
      assert.equal(krr.lastError, null);
    });

    it('leaves windows without checks unknown (no percentage), and counts what was measured', () => {
      const elma = component('elma');
      assert.deepEqual(elma.uptime['24h'], { upMs: 0, downMs: 0, unknownMs: 24 * H, uptimePercent: null });
      assert.equal(elma.uptime['30d'].uptimePercent, null);
      assert.equal(elma.uptime.year.uptimePercent, 100);
      assert.equal(elma.uptime.year.upMs, 10 * H);
      assert.equal(elma.state, 'UNKNOWN', 'its latest check is 40 days old');
      assert.equal(formatUptime(elma.uptime['24h'], 'nb'), 'Ukjent');

      const database = component('database');
      assert.equal(database.uptime['24h'].uptimePercent, 100);
      assert.equal(database.uptime['30d'].uptimePercent, 100);
      assert.equal(database.uptime['30d'].unknownMs, (30 - 1) * 24 * H);
    });

    it('cuts a slot that straddles a window edge at the edge', () => {
      const dp = component('digitalpost');
      assert.equal(dp.uptime['24h'].downMs, 30 * MIN, 'half of the failed slot is inside the last 24 hours');
      assert.equal(dp.uptime['24h'].upMs, H);
      assert.equal(formatUptime(dp.uptime['24h'], 'nb'), '66,66\u00a0%');
      assert.equal(dp.uptime['30d'].uptimePercent, 50);
    });

    it('shows a component that is down now as DOWN with its error, and its incident as ongoing', () => {
      const ef = component('eformidling');
      assert.equal(ef.state, 'DOWN');
      assert.equal(ef.lastError, 'eformidling: still stuck');
      assert.deepEqual(ef.uptime['24h'], { upMs: 3 * H, downMs: 2 * H, unknownMs: 19 * H, uptimePercent: 60 });
    });

    it('lists the incidents of the year, newest first, each with the error of its first failed check', () => {
      assert.deepEqual(report.incidents, [
        { component: 'eformidling', start: NOW - 2 * H, end: null, ongoing: true, durationMs: 2 * H, failedChecks: 2, error: 'eformidling: queue stuck' },
        { component: 'krr', start: NOW - 6 * H, end: NOW - 3 * H, ongoing: false, durationMs: 3 * H, failedChecks: 3, error: 'krr: timeout' },
        {
          component: 'digitalpost',
          start: NOW - 24 * H - 30 * MIN,
          end: NOW - 23 * H - 30 * MIN,
          ongoing: false,
          durationMs: H,
          failedChecks: 1,
          error: 'digitalpost: down',
        },
        { component: 'krr', start: NOW - 240 * H, end: NOW - 239 * H, ongoing: false, durationMs: H, failedChecks: 1, error: 'krr: 10 days ago' },
      ]);
    });

    it('sums the downtime of the last 24 hours to the incidents inside them', async () => {
      const [day] = uptimeWindows(NOW);
      const totals = await sumWindows(db, [day!]);
      const down = [...totals.values()].reduce((sum, [w]) => sum + (w?.downMs ?? 0), 0);
      // krr 3 h, eformidling 2 h, digitalpost the half hour inside the window.
      assert.equal(down, 3 * H + 2 * H + 30 * MIN);
    });

    it('keeps the first check of a slot when the same slot is recorded again', async () => {
      const again = [check('krr', NOW - H, 'DOWN', 'a second run of the same slot')];
      assert.equal(await recordHealthChecks(db, again), 0);
      const [kept] = await listHealthChecks(db, { from: NOW - H, to: NOW, component: 'krr' });
      assert.equal(kept?.state, 'UP');
    });

    it('has no figures and no incidents on an empty table', async () => {
      const empty = await createTestDatabase(engine, [{ component: 'platform_status', migrations: statusMigrations }]);
      try {
        const r = await loadStatusReport(empty, { now: NOW, intervalMs: H, components: served });
        assert.deepEqual(r.incidents, []);
        for (const c of r.components) {
          assert.equal(c.state, 'UNKNOWN');
          for (const w of r.windows) assert.equal(c.uptime[w.id].uptimePercent, null);
        }
      } finally {
        await empty.close();
      }
    });
  });
}
