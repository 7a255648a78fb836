/**
 * Builds the statistics table from what the platform measured: each shown figure per period
 * (year, month or day, UTC), with its growth in percent from the period before. The page, its
 * charts, the CSV and the JSON export are all made from one {@link Statistics}, so they show
 * the same numbers.
 *
 * Rules:
 * - periods run from the first period with data of a shown figure to the current one (today,
 *   UTC), every period in between included: a period without events counts 0;
 * - `hendelser`: the sum of the counter's days in the period;
 * - `beholdning`: in the current period the live count (when measured), else the last daily
 *   snapshot in the period; `null` (unknown) when there is none;
 * - growth `endring_prosent` = (value − previous) / previous × 100, rounded to one decimal, half
 *   away from zero; `null` for the first period, and when either value is unknown or the
 *   previous is 0 (no growth from nothing).
 *
 * Pure: no database, no clock (the caller passes `now`).
 */
import type { StatsRow } from '../../platform/stats/stats.ts';
import { shownMetrics, type StatisticsMetric } from './statistics-metrics.ts';

/** Granularity of a table: `aar` (year, `YYYY`), `maaned` (month, `YYYY-MM`), `dag` (day, `YYYY-MM-DD`). */
export type StatisticsPeriod = 'aar' | 'maaned' | 'dag';

/** Every granularity, the default first. */
export const STATISTICS_PERIODS: readonly StatisticsPeriod[] = ['aar', 'maaned', 'dag'];

/** A daily snapshot of a `beholdning` figure: its value at the end of `day` (`YYYY-MM-DD`, UTC). */
export interface GaugeSnapshot {
  indikator: string;
  day: string;
  value: number;
}

/** What the table is built from. */
export interface StatisticsInput {
  /** Names of the components this process serves. */
  running: readonly string[];
  /** The usage counters (`Stats.list()`), any components and events. */
  counters: readonly StatsRow[];
  /** Daily snapshots of the `beholdning` figures. */
  gaugeSnapshots: readonly GaugeSnapshot[];
  /** The `beholdning` figures counted now, by figure id (absent: not measured). */
  liveGauges: Readonly<Record<string, number | undefined>>;
  /** The time the table is for, epoch ms (its period is the current one). */
  now: number;
  /** The figures to choose from (default all); shown are those whose components run. */
  metrics?: readonly StatisticsMetric[];
}

/** One figure in one period. */
export interface StatisticsCell {
  /** The period (`2026`, `2026-03`, `2026-03-14`). */
  periode: string;
  /** The figure; `null` when unknown (a `beholdning` without a snapshot in the period). */
  verdi: number | null;
  /** Growth from the period before, percent, one decimal; `null` when it has none (see module comment). */
  endring_prosent: number | null;
}

/** One figure over every period. */
export interface StatisticsSeries {
  metric: StatisticsMetric;
  /** One cell per period of {@link Statistics.perioder}, in the same order. */
  cells: StatisticsCell[];
}

/** The statistics table of one granularity. */
export interface Statistics {
  periode: StatisticsPeriod;
  /** When it was built, ISO 8601 (UTC). */
  generert: string;
  /** The periods, oldest first; at least the current one. */
  perioder: string[];
  /** One series per shown figure, in table order. */
  series: StatisticsSeries[];
}

/** The period a day (`YYYY-MM-DD`) belongs to. */
export function periodOf(day: string, periode: StatisticsPeriod): string {
  return periode === 'aar' ? day.slice(0, 4) : periode === 'maaned' ? day.slice(0, 7) : day.slice(0, 10);
}

/** Every period from `first` to `last` (both included; `last` ≥ `first`). */
export function periodsBetween(first: string, last: string, periode: StatisticsPeriod): string[] {
  const out: string[] = [];
  if (periode === 'aar') {
    for (let y = Number(first); y <= Number(last); y++) out.push(String(y).padStart(4, '0'));
    return out;
  }
  if (periode === 'maaned') {
    let [y, m] = first.split('-').map(Number) as [number, number];
    const [ly, lm] = last.split('-').map(Number) as [number, number];
    while (y < ly || (y === ly && m <= lm)) {
      out.push(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`);
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
    return out;
  }
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * Growth in percent from `previous` to `value`, rounded to one decimal, half away from zero.
 *
 * @returns `null` when either is unknown or `previous` is 0
 */
export function growthPercent(previous: number | null, value: number | null): number | null {
  if (previous === null || value === null || previous === 0) return null;
  // Tenths of a percent. Both are whole numbers, so an exact half (…5) is exact in floating
  // point too, and Math.round of the absolute value rounds it away from zero.
  const tenths = ((value - previous) * 1000) / previous;
  const rounded = (Math.sign(tenths) * Math.round(Math.abs(tenths))) / 10;
  return rounded === 0 ? 0 : rounded;
}

/**
 * Builds the table of one granularity (see the module comment for the rules).
 */
export function buildStatistics(input: StatisticsInput, periode: StatisticsPeriod): Statistics {
  const metrics = shownMetrics(input.running, input.metrics);
  const today = new Date(input.now).toISOString().slice(0, 10);
  const current = periodOf(today, periode);

  const counterKey = (component: string, event: string) => `${component}\u0000${event}`;
  const wanted = new Map(metrics.filter((m) => m.counter).map((m) => [counterKey(m.counter!.component, m.counter!.event), m.id]));
  const gaugeIds = new Set(metrics.filter((m) => m.kind === 'beholdning').map((m) => m.id));

  // Sums per figure and period; the last snapshot (by day) per figure and period.
  const sums = new Map<string, Map<string, number>>();
  const snapshots = new Map<string, Map<string, GaugeSnapshot>>();
  let first = current;
  let last = current;
  const seen = (day: string) => {
    const p = periodOf(day, periode);
    if (p < first) first = p;
    if (p > last) last = p;
    return p;
  };
  for (const row of input.counters) {
    const id = wanted.get(counterKey(row.component, row.event));
    if (id === undefined) continue;
    const p = seen(row.day);
    const perPeriod = sums.get(id) ?? new Map<string, number>();
    perPeriod.set(p, (perPeriod.get(p) ?? 0) + row.count);
    sums.set(id, perPeriod);
  }
  for (const snap of input.gaugeSnapshots) {
    if (!gaugeIds.has(snap.indikator)) continue;
    const p = seen(snap.day);
    const perPeriod = snapshots.get(snap.indikator) ?? new Map<string, GaugeSnapshot>();
    const had = perPeriod.get(p);
    if (!had || had.day < snap.day) perPeriod.set(p, snap);
    snapshots.set(snap.indikator, perPeriod);
  }

  const perioder = periodsBetween(first, last, periode);
  const series = metrics.map((metric): StatisticsSeries => {
    let previous: number | null = null;
    const cells = perioder.map((p, i): StatisticsCell => {
      let verdi: number | null;
      if (metric.kind === 'hendelser') verdi = sums.get(metric.id)?.get(p) ?? 0;
      else {
        const live = p === current ? input.liveGauges[metric.id] : undefined;
        verdi = live ?? (p <= current ? (snapshots.get(metric.id)?.get(p)?.value ?? null) : null);
      }
      const cell = { periode: p, verdi, endring_prosent: i === 0 ? null : growthPercent(previous, verdi) };
      previous = verdi;
      return cell;
    });
    return { metric, cells };
  });
  return { periode, generert: new Date(input.now).toISOString(), perioder, series };
}

/** One row of the CSV and JSON exports: a figure in a period. */
export interface StatisticsRow {
  periode: string;
  indikator: string;
  verdi: number | null;
  endring_prosent: number | null;
}

/** The table as rows, by period (oldest first), then figure (table order). */
export function statisticsRows(stats: Statistics): StatisticsRow[] {
  const rows: StatisticsRow[] = [];
  stats.perioder.forEach((_, i) => {
    for (const s of stats.series) {
      const cell = s.cells[i]!;
      rows.push({ periode: cell.periode, indikator: s.metric.id, verdi: cell.verdi, endring_prosent: cell.endring_prosent });
    }
  });
  return rows;
}

/** The CSV header (RFC 4180, comma-separated, `.` as the decimal mark). */
export const STATISTICS_CSV_COLUMNS = ['periode', 'indikator', 'verdi', 'endring_prosent'] as const;

/**
 * The table as CSV (RFC 4180): a header line, then one line per {@link statisticsRows} row;
 * an unknown value or growth is an empty field. Lines end in CRLF.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4180
 */
export function statisticsCsv(stats: Statistics): string {
  const field = (v: string | number | null) => (v === null ? '' : String(v));
  const lines = [STATISTICS_CSV_COLUMNS.join(',')];
  // Periods and ids are [0-9a-z_-] only: no field needs quoting.
  for (const r of statisticsRows(stats)) lines.push([r.periode, r.indikator, field(r.verdi), field(r.endring_prosent)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The JSON export of {@link statisticsJson}. */
export interface StatisticsJson {
  periode: StatisticsPeriod;
  generert: string;
  indikatorer: Array<{ id: string; type: StatisticsMetric['kind']; navn: StatisticsMetric['title'] }>;
  perioder: string[];
  rader: StatisticsRow[];
}

/** The table as the JSON export: the figures with their names in nb, nn and en, the periods and the rows. */
export function statisticsJson(stats: Statistics): StatisticsJson {
  return {
    periode: stats.periode,
    generert: stats.generert,
    indikatorer: stats.series.map((s) => ({ id: s.metric.id, type: s.metric.kind, navn: s.metric.title })),
    perioder: stats.perioder,
    rader: statisticsRows(stats),
  };
}
