/**
 * The statistics page (`GET /statistikk`): the annual-report table (a row per figure, a column
 * per year, each cell with its growth from the year before), links to the CSV and JSON
 * exports, and a chart per figure by day and by month.
 *
 * The table is plain HTML and needs no JavaScript. The charts are drawn by Chart.js and
 * `/static/portal/statistikk.js` (external scripts only: the CSP has `script-src 'self'`), from
 * the JSON export; without JavaScript their section stays hidden and a `<noscript>` note points
 * to the exports. Every cell carries its numbers as `data-verdi` / `data-endring` (the JSON's
 * `verdi` / `endring_prosent`, empty for null).
 */
import type { LocalizedText } from '../../platform/component.ts';
import { html, type SafeHtml } from '../../platform/ui/html.ts';
import { t, type Lang } from '../../platform/ui/i18n.ts';
import type { Statistics, StatisticsPeriod } from '../domain/statistics-table.ts';

/** Where the page, its exports and its scripts are served. */
export const STATISTICS_PATHS = {
  page: '/statistikk',
  csv: '/statistikk.csv',
  json: '/statistikk.json',
  /** Chart.js's UMD bundle, served from `node_modules/chart.js/dist` by the kernel's UI routes. */
  chartJs: '/static/chart.js/chart.umd.min.js',
  /** The page's own script (`src/portal/static/statistikk.js`). */
  script: '/static/portal/statistikk.js',
  /** The page's own stylesheet (`src/portal/static/statistikk.css`; a `<link>` in the body). */
  stylesheet: '/static/portal/statistikk.css',
} as const;

/** The page's title in each language. */
export const statisticsTitle: Required<LocalizedText> = { nb: 'Statistikk', nn: 'Statistikk', en: 'Statistics' };

/** Number formats per page language. */
const LOCALES: Record<Lang, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };

const txt = {
  lead: {
    nb: 'Bruken av fellesløsningene i denne instansen av Grunnmur, målt av plattformen selv: hendelser telles når de skjer, og antall innbyggere, kunder og tjenester telles i registrene.',
    nn: 'Bruken av fellesløysingane i denne instansen av Grunnmur, målt av plattforma sjølv: hendingar blir talde når dei skjer, og talet på innbyggjarar, kundar og tenester blir tald i registra.',
    en: 'How the common components of this Grunnmur instance are used, measured by the platform itself: events are counted when they happen, and citizens, customers and services are counted in the registers.',
  },
  yearHeading: { nb: 'Per år', nn: 'Per år', en: 'By year' },
  caption: {
    nb: 'Bruk per år, med endring i prosent fra året før',
    nn: 'Bruk per år, med endring i prosent frå året før',
    en: 'Use by year, with the change in percent from the year before',
  },
  yearNote: {
    nb: 'Tidspunkter er i UTC. Hendelser er summen for året (i år: hittil). Innbyggere, kunder og tjenester er antallet ved årets slutt (i år: nå). Endringen mangler når året før var 0 eller ukjent.',
    nn: 'Tidspunkt er i UTC. Hendingar er summen for året (i år: så langt). Innbyggjarar, kundar og tenester er talet ved slutten av året (i år: no). Endringa manglar når året før var 0 eller ukjent.',
    en: 'Times are in UTC. Events are the total for the year (this year: so far). Citizens, customers and services are the number at the end of the year (this year: now). The change is missing when the year before was 0 or unknown.',
  },
  figure: { nb: 'Tall', nn: 'Tal', en: 'Figure' },
  unknown: { nb: 'ukjent', nn: 'ukjent', en: 'unknown' },
  changeFrom: { nb: 'endring fra året før', nn: 'endring frå året før', en: 'change from the year before' },
  none: {
    nb: 'Ingen av komponentene som måles, kjører i denne instansen.',
    nn: 'Ingen av komponentane som blir målte, køyrer i denne instansen.',
    en: 'None of the measured components runs in this instance.',
  },
  downloads: { nb: 'Last ned tallene', nn: 'Last ned tala', en: 'Download the figures' },
  downloadsIntro: {
    nb: 'De samme tallene som åpne data, som CSV (komma, punktum som desimaltegn, UTF-8) og JSON:',
    nn: 'Dei same tala som opne data, som CSV (komma, punktum som desimalteikn, UTF-8) og JSON:',
    en: 'The same figures as open data, as CSV (comma-separated, full stop as the decimal mark, UTF-8) and JSON:',
  },
  perYear: { nb: 'per år', nn: 'per år', en: 'by year' },
  perMonth: { nb: 'per måned', nn: 'per månad', en: 'by month' },
  perDay: { nb: 'per dag', nn: 'per dag', en: 'by day' },
  chartsHeading: { nb: 'Diagrammer', nn: 'Diagram', en: 'Charts' },
  chartsNoScript: {
    nb: 'Diagrammene trenger JavaScript. Tallene per måned og per dag finnes i nedlastingene over.',
    nn: 'Diagramma treng JavaScript. Tala per månad og per dag finst i nedlastingane over.',
    en: 'The charts need JavaScript. The figures by month and by day are in the downloads above.',
  },
  showBy: { nb: 'Vis diagrammene', nn: 'Vis diagramma', en: 'Show the charts' },
  byDay: { nb: 'Per dag', nn: 'Per dag', en: 'By day' },
  byMonth: { nb: 'Per måned', nn: 'Per månad', en: 'By month' },
  chartFallback: {
    nb: 'Diagram. Tallene finnes i tabellen og i nedlastingene.',
    nn: 'Diagram. Tala finst i tabellen og i nedlastingane.',
    en: 'Chart. The figures are in the table and in the downloads.',
  },
} as const;

/** A whole number in the page's language (`1 234 567`, `1,234,567`). */
export function formatCount(value: number, lang: Lang): string {
  return new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 0 }).format(value);
}

/** A growth in percent with its sign and one decimal (`+12,3 %`, `+12.3%`, `0,0 %`). */
export function formatGrowth(percent: number, lang: Lang): string {
  const n = new Intl.NumberFormat(LOCALES[lang], { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(percent);
  return lang === 'en' ? `${n}%` : `${n} %`;
}

/** An export's URL for a granularity (the default, `aar`, without a query). */
function exportHref(base: string, periode: StatisticsPeriod): string {
  return periode === 'aar' ? base : `${base}?periode=${periode}`;
}

function renderCell(cell: { periode: string; verdi: number | null; endring_prosent: number | null }, lang: Lang): SafeHtml {
  const value = cell.verdi === null ? html`<span aria-hidden="true">–</span><span class="ds-sr-only">${t(txt.unknown, lang)}</span>` : formatCount(cell.verdi, lang);
  const growth =
    cell.endring_prosent === null
      ? ''
      : html`<br><span class="grunnmur-growth"><span class="ds-sr-only">${t(txt.changeFrom, lang)}: </span>${formatGrowth(cell.endring_prosent, lang)}</span>`;
  return html`<td data-periode="${cell.periode}" data-verdi="${cell.verdi ?? ''}" data-endring="${cell.endring_prosent ?? ''}">${value}${growth}</td>`;
}

function renderTable(years: Statistics, lang: Lang): SafeHtml {
  return html`<div class="grunnmur-table-wrap">
    <table class="ds-table" data-border="true" id="statistikk-tabell">
      <caption>${t(txt.caption, lang)}</caption>
      <thead><tr><th scope="col">${t(txt.figure, lang)}</th>${years.perioder.map((p) => html`<th scope="col">${p}</th>`)}</tr></thead>
      <tbody>
        ${years.series.map(
          (s) => html`<tr data-indikator="${s.metric.id}" data-type="${s.metric.kind}"><th scope="row">${t(s.metric.title, lang)}</th>${s.cells.map((c) => renderCell(c, lang))}</tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function renderDownloads(lang: Lang): SafeHtml {
  const periods: Array<[StatisticsPeriod, { nb: string; nn: string; en: string }]> = [
    ['aar', txt.perYear],
    ['maaned', txt.perMonth],
    ['dag', txt.perDay],
  ];
  return html`<h3 class="ds-heading" data-size="xs" id="nedlasting">${t(txt.downloads, lang)}</h3>
  <p class="ds-paragraph">${t(txt.downloadsIntro, lang)}</p>
  <ul class="ds-list" aria-labelledby="nedlasting">
    ${periods.map(
      ([p, label]) =>
        html`<li>${t(label, lang)}: <a class="ds-link" href="${exportHref(STATISTICS_PATHS.csv, p)}" data-export="csv" data-periode="${p}">CSV</a>,
      <a class="ds-link" href="${exportHref(STATISTICS_PATHS.json, p)}" data-export="json" data-periode="${p}">JSON</a></li>`,
    )}
  </ul>`;
}

function renderCharts(years: Statistics, lang: Lang): SafeHtml {
  return html`<section class="grunnmur-section grunnmur-statistics" aria-labelledby="diagrammer">
  <h2 class="ds-heading" data-size="lg" id="diagrammer">${t(txt.chartsHeading, lang)}</h2>
  <noscript><p class="ds-paragraph">${t(txt.chartsNoScript, lang)}</p></noscript>
  <div id="statistikk-diagrammer" hidden data-locale="${LOCALES[lang]}" data-json="${STATISTICS_PATHS.json}"
       data-label-dag="${t(txt.byDay, lang)}" data-label-maaned="${t(txt.byMonth, lang)}">
    <div class="grunnmur-actions" role="group" aria-label="${t(txt.showBy, lang)}">
      <button type="button" class="ds-button" data-variant="secondary" data-periode="dag" aria-pressed="false">${t(txt.byDay, lang)}</button>
      <button type="button" class="ds-button" data-variant="secondary" data-periode="maaned" aria-pressed="false">${t(txt.byMonth, lang)}</button>
    </div>
    <div class="grunnmur-grid">
      ${years.series.map(
        (s) => html`<figure class="ds-card" data-indikator="${s.metric.id}" data-type="${s.metric.kind}" data-title="${t(s.metric.title, lang)}">
        <figcaption class="ds-heading" data-size="xs">${t(s.metric.title, lang)}</figcaption>
        <canvas role="img" aria-label="${t(s.metric.title, lang)}">${t(txt.chartFallback, lang)}</canvas>
      </figure>`,
      )}
    </div>
  </div>
</section>
<script src="${STATISTICS_PATHS.chartJs}" defer></script>
<script src="${STATISTICS_PATHS.script}" defer></script>`;
}

/**
 * Renders the body of the statistics page (the layout wraps it).
 *
 * @param years the table by year (`buildStatistics(…, 'aar')`)
 */
export function renderStatisticsPage(years: Statistics, lang: Lang): SafeHtml {
  const empty = years.series.length === 0;
  return html`<link rel="stylesheet" href="${STATISTICS_PATHS.stylesheet}">
<div class="grunnmur-stack grunnmur-statistics">
  <h1 class="ds-heading" data-size="xl">${t(statisticsTitle, lang)}</h1>
  <p class="ds-paragraph grunnmur-lead" data-size="lg">${t(txt.lead, lang)}</p>
</div>

<section class="grunnmur-section grunnmur-statistics" aria-labelledby="per-aar">
  <h2 class="ds-heading" data-size="lg" id="per-aar">${t(txt.yearHeading, lang)}</h2>
  ${
    empty
      ? html`<div class="ds-alert" data-color="info"><p class="ds-paragraph">${t(txt.none, lang)}</p></div>`
      : html`<p class="ds-paragraph">${t(txt.yearNote, lang)}</p>
  ${renderTable(years, lang)}
  ${renderDownloads(lang)}`
  }
</section>
${empty ? '' : renderCharts(years, lang)}`;
}
