/**
 * The status page (`GET /status`), in bokmål, nynorsk and English: the state of every component
 * now, its measured uptime over the last 24 hours, the last 30 days and the year so far, and the
 * incidents. Server-rendered with Designsystemet; no JavaScript.
 *
 * Figures are written the Norwegian way on the Norwegian pages (`99,92 %`, decimal comma and a
 * no-break space before the per cent sign, as Språkrådet recommends) and the English way on the
 * English page (`99.92%`). Percentages are cut, not rounded, to two decimals, so `100,00 %`
 * means that no check failed.
 *
 * @see https://status.digdir.no Status Digdir, the model
 */
import type { LocalizedText } from '../component.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { t, type Lang } from '../ui/i18n.ts';
import { truncatedPercent, type ComponentStatus, type CurrentState, type Incident, type StatusReport, type UptimeWindow, type WindowId, type WindowUptime } from './uptime.ts';

/** Title of the page in each language. */
export const statusPageTitle: LocalizedText = { nb: 'Driftsstatus', nn: 'Driftsstatus', en: 'Service status' };

const txt = {
  lead: {
    nb: 'Plattformen sjekker selv helsen til hver komponent og til databasen sin, og lagrer hvert resultat. Oppetiden nedenfor er regnet ut fra disse sjekkene.',
    nn: 'Plattforma sjekkar sjølv helsa til kvar komponent og til databasen sin, og lagrar kvart resultat. Oppetida nedanfor er rekna ut frå desse sjekkane.',
    en: 'The platform checks the health of each component and of its database itself, and stores every result. The uptime below is computed from those checks.',
  },
  interval: { nb: 'Tid mellom sjekkene:', nn: 'Tid mellom sjekkane:', en: 'Time between checks:' },
  updated: { nb: 'Oppdatert', nn: 'Oppdatert', en: 'Updated' },
  osloTime: { nb: 'norsk tid', nn: 'norsk tid', en: 'Norwegian time' },
  allUp: { nb: 'Alle komponentene virker.', nn: 'Alle komponentane verkar.', en: 'All components are working.' },
  someDown: { nb: 'Feil nå:', nn: 'Feil no:', en: 'Failing now:' },
  someUnknown: {
    nb: 'Ingen fersk måling for:',
    nn: 'Inga fersk måling for:',
    en: 'No recent measurement for:',
  },
  noData: {
    nb: 'Ingen målinger ennå. Plattformen sjekker komponentene når jobbkøen kjører (JOBS_ENABLED).',
    nn: 'Ingen målingar enno. Plattforma sjekkar komponentane når jobbkøen køyrer (JOBS_ENABLED).',
    en: 'No measurements yet. The platform checks the components while its job queue runs (JOBS_ENABLED).',
  },
  uptimeHeading: { nb: 'Oppetid', nn: 'Oppetid', en: 'Uptime' },
  uptimeCaption: {
    nb: 'Oppetid per komponent: andelen av den målte tiden komponenten var oppe.',
    nn: 'Oppetid per komponent: delen av den målte tida komponenten var oppe.',
    en: 'Uptime per component: the share of the measured time the component was up.',
  },
  component: { nb: 'Komponent', nn: 'Komponent', en: 'Component' },
  now: { nb: 'Nå', nn: 'No', en: 'Now' },
  windows: {
    '24h': { nb: 'Siste 24 timer', nn: 'Siste 24 timar', en: 'Last 24 hours' },
    '30d': { nb: 'Siste 30 dager', nn: 'Siste 30 dagar', en: 'Last 30 days' },
    year: { nb: 'Hittil i år', nn: 'Hittil i år', en: 'Year to date' },
  } satisfies Record<WindowId, LocalizedText>,
  states: {
    UP: { nb: 'Oppe', nn: 'Oppe', en: 'Up' },
    DOWN: { nb: 'Nede', nn: 'Nede', en: 'Down' },
    UNKNOWN: { nb: 'Ukjent', nn: 'Ukjend', en: 'Unknown' },
  } satisfies Record<CurrentState, LocalizedText>,
  unknown: { nb: 'Ukjent', nn: 'Ukjend', en: 'Unknown' },
  unknownWhy: { nb: 'ingen målinger i perioden', nn: 'ingen målingar i perioden', en: 'no measurements in the period' },
  measured: { nb: 'målt', nn: 'målt', en: 'measured' },
  incidentsHeading: { nb: 'Hendelser', nn: 'Hendingar', en: 'Incidents' },
  incidentsIntro: {
    nb: 'En hendelse er én eller flere feilede sjekker av en komponent etter hverandre. Feilmeldingen er den fra den første feilede sjekken. Nyeste først.',
    nn: 'Ei hending er éin eller fleire feila sjekkar av ein komponent etter kvarandre. Feilmeldinga er den frå den første feila sjekken. Nyaste først.',
    en: 'An incident is one or more failed checks of a component in a row. The error is that of the first failed check. Newest first.',
  },
  noIncidents: {
    nb: 'Ingen hendelser i periodene over.',
    nn: 'Ingen hendingar i periodane over.',
    en: 'No incidents in the periods above.',
  },
  started: { nb: 'Startet', nn: 'Starta', en: 'Started' },
  ended: { nb: 'Sluttet', nn: 'Slutta', en: 'Ended' },
  duration: { nb: 'Varighet', nn: 'Varigheit', en: 'Duration' },
  error: { nb: 'Feilmelding', nn: 'Feilmelding', en: 'Error' },
  ongoing: { nb: 'Pågår', nn: 'Pågår', en: 'Ongoing' },
  methodHeading: { nb: 'Slik måles det', nn: 'Slik blir det målt', en: 'How it is measured' },
  method: [
    {
      nb: 'Hver sjekk gjelder for tiden fram til neste sjekk (ett intervall). Oppetiden er tiden sjekkene var grønne delt på tiden sjekkene dekker.',
      nn: 'Kvar sjekk gjeld for tida fram til neste sjekk (eitt intervall). Oppetida er tida sjekkane var grøne delt på tida sjekkane dekkjer.',
      en: 'Each check stands for the time until the next one (one interval). Uptime is the time the checks passed divided by the time the checks cover.',
    },
    {
      nb: 'Tid uten sjekker – før første sjekk, mens plattformen var stoppet eller databasen var nede – er ukjent. Den teller verken som oppe eller nede.',
      nn: 'Tid utan sjekkar – før første sjekk, medan plattforma var stoppa eller databasen var nede – er ukjend. Ho tel verken som oppe eller nede.',
      en: 'Time without checks – before the first check, while the platform was stopped or its database was down – is unknown. It counts as neither up nor down.',
    },
    {
      nb: 'Året er kalenderåret i norsk tid, som i Digdirs årsrapport. Sjekkene lagres i 400 dager.',
      nn: 'Året er kalenderåret i norsk tid, som i årsrapporten til Digdir. Sjekkane blir lagra i 400 dagar.',
      en: "The year is the calendar year in Norwegian time, as in Digdir's annual report. Checks are kept for 400 days.",
    },
  ],
  json: { nb: 'Tallene som JSON', nn: 'Tala som JSON', en: 'The figures as JSON' },
  ready: { nb: 'Sjekk nå (/health/ready)', nn: 'Sjekk no (/health/ready)', en: 'Check now (/health/ready)' },
} as const;

const locales: Record<Lang, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };

/**
 * A percentage for the page: cut to two decimals, `99,92 %` in Norwegian and `99.92%` in
 * English; the unknown text when `null`.
 *
 * @param uptime the window's uptime (its `upMs` and `downMs` give the exact percentage)
 */
export function formatUptime(uptime: Pick<WindowUptime, 'upMs' | 'downMs'>, lang: Lang): string {
  const known = uptime.upMs + uptime.downMs;
  if (known <= 0) return t(txt.unknown, lang);
  const value = truncatedPercent(uptime.upMs, known, 2);
  const number = new Intl.NumberFormat(locales[lang], { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  return lang === 'en' ? `${number}%` : `${number}\u00a0%`;
}

/** A duration in ms as its two largest units: `2 døgn 3 t`, `5 min`, `40 s` (`2 d 3 h` in English). */
export function formatDuration(ms: number, lang: Lang): string {
  const units: Array<[number, LocalizedText]> = [
    [86_400_000, { nb: 'døgn', nn: 'døgn', en: 'd' }],
    [3_600_000, { nb: 't', nn: 't', en: 'h' }],
    [60_000, { nb: 'min', nn: 'min', en: 'min' }],
    [1000, { nb: 's', nn: 's', en: 's' }],
  ];
  let rest = Math.max(0, Math.floor(ms));
  const parts: string[] = [];
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n} ${t(name, lang)}`);
    if (parts.length === 2) break;
  }
  const shown = parts.filter((p) => !p.startsWith('0 '));
  return shown.length > 0 ? shown.join(' ') : `0 ${t(units[3]![1], lang)}`;
}

/** A time in Norwegian time, e.g. `30. nov. 2026, 09:24` (nb) or `30 Nov 2026, 09:24` (en). */
export function formatTime(epochMs: number, lang: Lang): string {
  return new Intl.DateTimeFormat(locales[lang], { timeZone: 'Europe/Oslo', dateStyle: 'medium', timeStyle: 'short' }).format(epochMs);
}

function time(epochMs: number, lang: Lang): SafeHtml {
  return html`<time datetime="${new Date(epochMs).toISOString()}">${formatTime(epochMs, lang)}</time>`;
}

const stateColour: Record<CurrentState, string> = { UP: 'success', DOWN: 'danger', UNKNOWN: 'neutral' };

function stateTag(state: CurrentState, lang: Lang): SafeHtml {
  return html`<span class="ds-tag" data-color="${stateColour[state]}" data-size="sm" data-status="${state}">${t(txt.states[state], lang)}</span>`;
}

function windowHeading(window: UptimeWindow, lang: Lang): string {
  const label = t(txt.windows[window.id], lang);
  return window.id === 'year' ? `${label} (${new Date(window.from + 3_600_000).getUTCFullYear()})` : label;
}

function uptimeCell(window: UptimeWindow, uptime: WindowUptime, lang: Lang): SafeHtml {
  const known = uptime.upMs + uptime.downMs;
  if (known <= 0) {
    return html`<td data-window="${window.id}" data-uptime="unknown">${t(txt.unknown, lang)} <span class="ds-sr-only">(${t(txt.unknownWhy, lang)})</span></td>`;
  }
  return html`<td data-window="${window.id}" data-uptime="${truncatedPercent(uptime.upMs, known, 4)}"><strong>${formatUptime(uptime, lang)}</strong>${
    uptime.unknownMs > 0 ? html`<br><small>${t(txt.measured, lang)} ${formatDuration(known, lang)}</small>` : ''
  }</td>`;
}

function componentRow(c: ComponentStatus, windows: UptimeWindow[], lang: Lang): SafeHtml {
  return html`<tr data-component="${c.name}">
          <th scope="row">${t(c.title, lang)}</th>
          <td>${stateTag(c.state, lang)}</td>
          ${windows.map((w) => uptimeCell(w, c.uptime[w.id], lang))}
        </tr>`;
}

function incidentRow(incident: Incident, titles: Map<string, LocalizedText>, lang: Lang): SafeHtml {
  const title = titles.get(incident.component);
  return html`<tr data-component="${incident.component}" data-ongoing="${incident.ongoing ? 'true' : 'false'}">
          <td>${title ? t(title, lang) : incident.component}</td>
          <td>${time(incident.start, lang)}</td>
          <td>${incident.end === null ? html`<span class="ds-tag" data-color="danger" data-size="sm">${t(txt.ongoing, lang)}</span>` : time(incident.end, lang)}</td>
          <td>${formatDuration(incident.durationMs, lang)}</td>
          <td>${incident.error ? html`<code>${incident.error}</code>` : ''}</td>
        </tr>`;
}

function summary(report: StatusReport, lang: Lang): SafeHtml {
  const down = report.components.filter((c) => c.state === 'DOWN');
  const unknown = report.components.filter((c) => c.state === 'UNKNOWN');
  const names = (list: ComponentStatus[]) => list.map((c) => t(c.title, lang)).join(', ');
  if (down.length > 0) {
    return html`<div class="ds-alert" data-color="danger" id="status-summary" data-status="DOWN"><p class="ds-paragraph">${t(txt.someDown, lang)} ${names(down)}</p></div>`;
  }
  if (unknown.length === report.components.length) {
    return html`<div class="ds-alert" data-color="info" id="status-summary" data-status="UNKNOWN"><p class="ds-paragraph">${t(txt.noData, lang)}</p></div>`;
  }
  if (unknown.length > 0) {
    return html`<div class="ds-alert" data-color="warning" id="status-summary" data-status="UNKNOWN"><p class="ds-paragraph">${t(txt.someUnknown, lang)} ${names(unknown)}</p></div>`;
  }
  return html`<div class="ds-alert" data-color="success" id="status-summary" data-status="UP"><p class="ds-paragraph">${t(txt.allUp, lang)}</p></div>`;
}

/** Renders the body of the status page (the layout wraps it). */
export function renderStatusPage(report: StatusReport, lang: Lang): SafeHtml {
  const titles = new Map(report.components.map((c) => [c.name, c.title]));
  return html`<div class="grunnmur-stack">
  <h1 class="ds-heading" data-size="xl">${t(statusPageTitle, lang)}</h1>
  <p class="ds-paragraph grunnmur-lead" data-size="lg">${t(txt.lead, lang)}</p>
  ${summary(report, lang)}
  <p class="ds-paragraph" data-size="sm">${t(txt.interval, lang)} ${formatDuration(report.intervalMs, lang)}. ${t(txt.updated, lang)} ${time(report.generatedAt, lang)} (${t(txt.osloTime, lang)}).</p>
</div>

<section class="grunnmur-section" aria-labelledby="oppetid">
  <h2 class="ds-heading" data-size="lg" id="oppetid">${t(txt.uptimeHeading, lang)}</h2>
  <div class="grunnmur-table-wrap">
    <table class="ds-table" data-border="true" id="uptime">
      <caption>${t(txt.uptimeCaption, lang)}</caption>
      <thead>
        <tr>
          <th scope="col">${t(txt.component, lang)}</th>
          <th scope="col">${t(txt.now, lang)}</th>
          ${report.windows.map((w) => html`<th scope="col" data-window="${w.id}">${windowHeading(w, lang)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${report.components.map((c) => componentRow(c, report.windows, lang))}
      </tbody>
    </table>
  </div>
</section>

<section class="grunnmur-section" aria-labelledby="hendelser">
  <h2 class="ds-heading" data-size="lg" id="hendelser">${t(txt.incidentsHeading, lang)}</h2>
  <p class="ds-paragraph">${t(txt.incidentsIntro, lang)}</p>
  ${
    report.incidents.length === 0
      ? html`<p class="ds-paragraph" id="no-incidents">${t(txt.noIncidents, lang)}</p>`
      : html`<div class="grunnmur-table-wrap">
    <table class="ds-table" data-border="true" id="incidents">
      <caption class="ds-sr-only">${t(txt.incidentsHeading, lang)}</caption>
      <thead>
        <tr>
          <th scope="col">${t(txt.component, lang)}</th>
          <th scope="col">${t(txt.started, lang)}</th>
          <th scope="col">${t(txt.ended, lang)}</th>
          <th scope="col">${t(txt.duration, lang)}</th>
          <th scope="col">${t(txt.error, lang)}</th>
        </tr>
      </thead>
      <tbody>
        ${report.incidents.map((i) => incidentRow(i, titles, lang))}
      </tbody>
    </table>
  </div>`
  }
</section>

<section class="grunnmur-section" aria-labelledby="metode">
  <h2 class="ds-heading" data-size="lg" id="metode">${t(txt.methodHeading, lang)}</h2>
  <ul class="ds-list">
    ${txt.method.map((m) => html`<li>${t(m, lang)}</li>`)}
  </ul>
  <p class="ds-paragraph"><a class="ds-link" href="/status.json">${t(txt.json, lang)}</a> (<code>/status.json</code>) · <a class="ds-link" href="/health/ready">${t(txt.ready, lang)}</a></p>
</section>`;
}
