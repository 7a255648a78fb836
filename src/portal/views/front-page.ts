/**
 * The front page (`GET /`): what Grunnmur is, the components this process serves with their
 * links and live status, how to get test users and certificates, and the kernel endpoints.
 */
import type { ComponentLink, LocalizedText } from '../../platform/component.ts';
import { html, type SafeHtml } from '../../platform/ui/html.ts';
import { t, type Lang } from '../../platform/ui/i18n.ts';
import type { HealthState } from '../domain/component-status.ts';

/** One served component as the front page shows it. */
export interface ComponentCard {
  name: string;
  title: LocalizedText;
  description: LocalizedText;
  /** Links in the order shown; see {@link componentLinks}. */
  links: ComponentLink[];
  status: HealthState;
}

/** Everything the front page shows. */
export interface FrontPageModel {
  lang: Lang;
  /**
   * `GRUNNMUR_MODE=test`: test-only endpoints (TestID, /outbox, certificate issuing, the
   * test-person list) are on, and linked.
   */
  testMode: boolean;
  database: HealthState;
  components: ComponentCard[];
  /** The registers component (synthetic Folkeregisteret) is served; its test-person list is linked in test mode only. */
  hasRegisters: boolean;
  /** ID-porten (with TestID) is served. */
  hasIdporten: boolean;
}

/** The page's title in each language. */
export const frontPageTitle: LocalizedText = {
  nb: 'Norges fellesløsninger, selvhostet',
  nn: 'Fellesløysingane i Noreg, sjølvhosta',
  en: "Norway's common components, self-hosted",
};

const txt = {
  lead: {
    nb: 'Grunnmur er en åpen, selvhostbar implementasjon – bygd komponent for komponent – av de felles digitale komponentene Digdir drifter for Norge: ID-porten, Maskinporten, Kontakt- og reservasjonsregisteret, eFormidling, Digital postkasse, Altinn og flere. Komponentene har de samme grensesnittene og formatene som de ekte tjenestene og en syntetisk befolkning, så koden din kjører uendret mot Grunnmur og mot de ekte tjenestene.',
    nn: 'Grunnmur er ei open, sjølvhostbar implementering – bygd komponent for komponent – av dei felles digitale komponentane Digdir driftar for Noreg: ID-porten, Maskinporten, Kontakt- og reservasjonsregisteret, eFormidling, Digital postkasse, Altinn og fleire. Komponentane har dei same grensesnitta og formata som dei ekte tenestene og ei syntetisk befolkning, så koden din køyrer uendra mot Grunnmur og mot dei ekte tenestene.',
    en: "Grunnmur is an open, self-hostable implementation – built component by component – of the common digital components Digdir runs for Norway: ID-porten, Maskinporten, the Contact and Reservation Register, eFormidling, Digital Post, Altinn and more. Its components have the same interfaces and wire formats as the real services and a synthetic population, so your code runs unchanged against Grunnmur and against the real services.",
  },
  served: {
    nb: 'Denne instansen tilbyr komponentene som er listet opp nedenfor. De andre kommer etter hvert.',
    nn: 'Denne instansen tilbyr komponentane som er lista opp nedanfor. Dei andre kjem etter kvart.',
    en: 'This instance serves the components listed below. The others arrive over time.',
  },
  points: [
    {
      nb: 'Åpen kildekode: kjør alt lokalt med én kommando, eller i produksjon på PostgreSQL.',
      nn: 'Open kjeldekode: køyr alt lokalt med éin kommando, eller i produksjon på PostgreSQL.',
      en: 'Open source: run everything locally with one command, or in production on PostgreSQL.',
    },
    {
      nb: 'Syntetisk befolkning: personer og virksomheter med gyldige, men oppdiktede fødsels- og organisasjonsnumre.',
      nn: 'Syntetisk befolkning: personar og verksemder med gyldige, men oppdikta fødsels- og organisasjonsnummer.',
      en: 'Synthetic population: persons and organisations with valid but made-up national identity and organisation numbers.',
    },
    {
      nb: 'Ekte formater: samme stier, felt, tokens og feilkoder som de ekte tjenestene.',
      nn: 'Ekte format: same stiar, felt, token og feilkodar som dei ekte tenestene.',
      en: 'Real wire formats: the same paths, fields, tokens and error codes as the real services.',
    },
  ],
  statusButton: { nb: 'Se driftsstatus', nn: 'Sjå driftsstatus', en: 'See service status' },
  openapiButton: { nb: 'OpenAPI for alle API-er', nn: 'OpenAPI for alle API-a', en: 'OpenAPI for all APIs' },
  statisticsButton: { nb: 'Statistikk', nn: 'Statistikk', en: 'Statistics' },
  componentsHeading: { nb: 'Komponenter', nn: 'Komponentar', en: 'Components' },
  componentsIntro: {
    nb: 'Disse komponentene kjører i denne instansen. Statusen er sjekket nå, da siden ble laget.',
    nn: 'Desse komponentane køyrer i denne instansen. Statusen vart sjekka no, då sida vart laga.',
    en: 'These components run in this instance. Their status was checked just now, when this page was made.',
  },
  noComponents: {
    nb: 'Ingen komponenter kjører i denne instansen ennå.',
    nn: 'Ingen komponentar køyrer i denne instansen enno.',
    en: 'No components run in this instance yet.',
  },
  up: { nb: 'Oppe', nn: 'Oppe', en: 'Up' },
  down: { nb: 'Nede', nn: 'Nede', en: 'Down' },
  statusLabel: { nb: 'Status', nn: 'Status', en: 'Status' },
  linksLabel: { nb: 'Lenker for', nn: 'Lenkjer for', en: 'Links for' },
  databaseDown: {
    nb: 'Databasen svarer ikke. Alle komponenter er nede til den er tilbake.',
    nn: 'Databasen svarar ikkje. Alle komponentar er nede til han er tilbake.',
    en: 'The database does not answer. Every component is down until it is back.',
  },
  readyLink: { nb: 'Detaljert status (/health/ready)', nn: 'Detaljert status (/health/ready)', en: 'Detailed status (/health/ready)' },
  testUsersHeading: { nb: 'Testbrukere', nn: 'Testbrukarar', en: 'Test users' },
  testUsersIntro: {
    nb: 'Alle personer og virksomheter i Grunnmur er syntetiske. Fødselsnumrene er gyldige (med måned + 80, slik Skatteetaten gjør for syntetiske personer), men tilhører ingen.',
    nn: 'Alle personar og verksemder i Grunnmur er syntetiske. Fødselsnumra er gyldige (med månad + 80, slik Skatteetaten gjer for syntetiske personar), men høyrer ikkje til nokon.',
    en: 'Every person and organisation in Grunnmur is synthetic. The national identity numbers are valid (with month + 80, as the Norwegian Tax Administration does for synthetic persons) but belong to no one.',
  },
  testid: {
    nb: 'Logg inn med TestID i ID-porten: velg en syntetisk person, uten passord.',
    nn: 'Logg inn med TestID i ID-porten: vel ein syntetisk person, utan passord.',
    en: 'Log in with TestID in ID-porten: pick a synthetic person, no password needed.',
  },
  testpersoner: {
    nb: 'Se testpersonene i folkeregisteret',
    nn: 'Sjå testpersonane i folkeregisteret',
    en: 'Browse the test persons in the population register',
  },
  // The reseed hint, in parts around the literal command, file and variable names.
  seedNew: {
    nb: 'Befolkningen lages fra et frø ved første oppstart. En ny lager du med',
    nn: 'Befolkninga blir laga frå eit frø ved første oppstart. Ei ny lagar du med',
    en: 'The population is generated from a seed on first start. Make a new one with',
  },
  seedEmpty: {
    nb: 'på en tom database: stopp Grunnmur og slett',
    nn: 'på ein tom database: stopp Grunnmur og slett',
    en: 'on an empty database: stop Grunnmur and delete',
  },
  seedDefault: { nb: 'standardverdien av', nn: 'standardverdien av', en: 'the default' },
  seedIs: { nb: 'er', nn: 'er', en: 'is' },
  seedOr: { nb: 'eller la', nn: 'eller la', en: 'or point' },
  seedOrEnd: { nb: 'peke på en tom database.', nn: 'peike på ein tom database.', en: 'at an empty database.' },
  certsHeading: { nb: 'Virksomhetssertifikater', nn: 'Verksemdssertifikat', en: 'Enterprise certificates' },
  certsIntro: {
    nb: 'Maskinporten, eFormidling, Digital postkasse og eSignering bruker virksomhetssertifikater. Grunnmur har en egen test-CA som utsteder dem med organisasjonsnummeret i subject.',
    nn: 'Maskinporten, eFormidling, Digital postkasse og eSignering brukar verksemdssertifikat. Grunnmur har ein eigen test-CA som skriv dei ut med organisasjonsnummeret i subject.',
    en: 'Maskinporten, eFormidling, Digital Post and eSignering use enterprise certificates. Grunnmur has its own test CA that issues them with the organisation number in the subject.',
  },
  certsCli: { nb: 'Fra kommandolinjen:', nn: 'Frå kommandolinja:', en: 'From the command line:' },
  certsApi: { nb: 'Over HTTP (bare i testmodus):', nn: 'Over HTTP (berre i testmodus):', en: 'Over HTTP (test mode only):' },
  rootCa: { nb: 'Rotsertifikatet til test-CA-en', nn: 'Rotsertifikatet til test-CA-en', en: 'Root certificate of the test CA' },
  outboxHeading: { nb: 'Utboks for e-post og SMS', nn: 'Utboks for e-post og SMS', en: 'Outbox for e-mail and SMS' },
  outbox: {
    nb: 'Uten SMTP- eller SMS-oppsett lagres alle meldinger Grunnmur sender, og du kan lese dem i utboksen.',
    nn: 'Utan SMTP- eller SMS-oppsett blir alle meldingar Grunnmur sender lagra, og du kan lese dei i utboksen.',
    en: 'Without SMTP or SMS configured, every message Grunnmur sends is stored, and you can read it in the outbox.',
  },
  outboxLink: { nb: 'Åpne utboksen', nn: 'Opne utboksen', en: 'Open the outbox' },
  productionMode: {
    nb: 'Denne instansen kjører i produksjonsmodus: TestID, utboksen, testpersonlista og utstedelse av sertifikater over HTTP er slått av.',
    nn: 'Denne instansen køyrer i produksjonsmodus: TestID, utboksen, testpersonlista og utskriving av sertifikat over HTTP er slått av.',
    en: 'This instance runs in production mode: TestID, the outbox, the test-person list and certificate issuing over HTTP are off.',
  },
  kernelHeading: { nb: 'Plattformens endepunkter', nn: 'Endepunkta til plattforma', en: 'Platform endpoints' },
  endpoint: { nb: 'Endepunkt', nn: 'Endepunkt', en: 'Endpoint' },
  purpose: { nb: 'Hva det er', nn: 'Kva det er', en: 'What it is' },
  kernel: [
    { path: '/health/live', what: { nb: 'Prosessen lever', nn: 'Prosessen lever', en: 'The process is alive' } },
    {
      path: '/health/ready',
      what: {
        nb: 'Databasen og alle komponenter svarer (503 ellers)',
        nn: 'Databasen og alle komponentane svarar (503 elles)',
        en: 'The database and every component answer (503 otherwise)',
      },
    },
    { path: '/metrics', what: { nb: 'Prometheus-målinger', nn: 'Prometheus-målingar', en: 'Prometheus metrics' } },
    { path: '/openapi.json', what: { nb: 'OpenAPI 3.1 for alle API-er', nn: 'OpenAPI 3.1 for alle API-a', en: 'OpenAPI 3.1 for every API' } },
  ],
} as const;

/** The links of a card: the component's own, each kind in a fixed order (discovery first). */
const linkOrder: Record<ComponentLink['kind'], number> = { page: 0, discovery: 1, api: 2, openapi: 3, jwks: 4 };

function renderLinks(card: ComponentCard, lang: Lang): SafeHtml {
  if (card.links.length === 0) return html``;
  const links = [...card.links].sort((a, b) => linkOrder[a.kind] - linkOrder[b.kind]);
  return html`<ul class="grunnmur-links" aria-label="${t(txt.linksLabel, lang)} ${t(card.title, lang)}">
            ${links.map((l) => html`<li><a class="ds-link" href="${l.href}" data-kind="${l.kind}">${t(l.label, lang)}</a></li>`)}
          </ul>`;
}

function statusTag(state: HealthState, lang: Lang): SafeHtml {
  return html`<span class="ds-tag" data-color="${state === 'UP' ? 'success' : 'danger'}" data-size="sm" data-status="${state}">${
    state === 'UP' ? t(txt.up, lang) : t(txt.down, lang)
  } <span class="ds-sr-only">(${state})</span></span>`;
}

function renderCard(card: ComponentCard, lang: Lang): SafeHtml {
  return html`<article class="ds-card" data-component="${card.name}">
        <div class="grunnmur-card__head">
          <h3 class="ds-heading" data-size="xs">${t(card.title, lang)}</h3>
          ${statusTag(card.status, lang)}
        </div>
        <p class="ds-paragraph" data-size="sm">${t(card.description, lang)}</p>
        ${renderLinks(card, lang)}
      </article>`;
}

/** Renders the body of the front page (the layout wraps it). */
export function renderFrontPage(model: FrontPageModel): SafeHtml {
  const { lang } = model;
  return html`<div class="grunnmur-stack">
  <h1 class="ds-heading" data-size="xl">${t(frontPageTitle, lang)}</h1>
  <p class="ds-paragraph grunnmur-lead" data-size="lg">${t(txt.lead, lang)}</p>
  <p class="ds-paragraph" id="served-intro">${t(txt.served, lang)}</p>
  <ul class="ds-list">
    ${txt.points.map((p) => html`<li>${t(p, lang)}</li>`)}
  </ul>
  <div class="grunnmur-actions">
    <a class="ds-button" data-variant="primary" href="#komponenter">${t(txt.componentsHeading, lang)}</a>
    <a class="ds-button" data-variant="secondary" href="/status">${t(txt.statusButton, lang)}</a>
    <a class="ds-button" data-variant="tertiary" href="/openapi.json">${t(txt.openapiButton, lang)}</a>
    <a class="ds-button" data-variant="tertiary" href="/statistikk">${t(txt.statisticsButton, lang)}</a>
  </div>
</div>

<section class="grunnmur-section" aria-labelledby="komponenter">
  <h2 class="ds-heading" data-size="lg" id="komponenter" tabindex="-1">${t(txt.componentsHeading, lang)}</h2>
  <p class="ds-paragraph">${t(txt.componentsIntro, lang)} <a class="ds-link" href="/health/ready">${t(txt.readyLink, lang)}</a></p>
  ${
    model.database === 'DOWN'
      ? html`<div class="ds-alert" data-color="danger" role="alert"><p class="ds-paragraph">${t(txt.databaseDown, lang)}</p></div>`
      : ''
  }
  ${
    model.components.length === 0
      ? html`<div class="ds-alert" data-color="info"><p class="ds-paragraph">${t(txt.noComponents, lang)}</p></div>`
      : html`<div class="grunnmur-grid">
      ${model.components.map((c) => renderCard(c, lang))}
  </div>`
  }
</section>

<section class="grunnmur-section" aria-labelledby="testbrukere">
  <h2 class="ds-heading" data-size="lg" id="testbrukere">${t(txt.testUsersHeading, lang)}</h2>
  <p class="ds-paragraph grunnmur-lead">${t(txt.testUsersIntro, lang)}</p>
  <ul class="ds-list">
    ${model.hasIdporten && model.testMode ? html`<li>${t(txt.testid, lang)}</li>` : ''}
    ${
      model.hasRegisters && model.testMode
        ? html`<li><a class="ds-link" href="/folkeregisteret/api/v1/testpersoner">${t(txt.testpersoner, lang)}</a> (<code>GET /folkeregisteret/api/v1/testpersoner</code>)</li>`
        : ''
    }
    <li id="reseed">${t(txt.seedNew, lang)} <code>npx grunnmur seed</code> ${t(txt.seedEmpty, lang)} <code>./data/grunnmur.db</code>
      (${t(txt.seedDefault, lang)} <code>DATABASE_URL</code> ${t(txt.seedIs, lang)} <code>sqlite:./data/grunnmur.db</code>),
      ${t(txt.seedOr, lang)} <code>DATABASE_URL</code> ${t(txt.seedOrEnd, lang)}</li>
  </ul>
</section>

<section class="grunnmur-section" aria-labelledby="sertifikater">
  <h2 class="ds-heading" data-size="lg" id="sertifikater">${t(txt.certsHeading, lang)}</h2>
  <p class="ds-paragraph grunnmur-lead">${t(txt.certsIntro, lang)}</p>
  <p class="ds-paragraph">${t(txt.certsCli, lang)}</p>
  <pre><code>npx grunnmur cert issue --org ORGNR --out DIR</code></pre>
  ${
    model.testMode
      ? html`<p class="ds-paragraph">${t(txt.certsApi, lang)} <code>POST /pki/enterprise-certificates</code></p>
  <p class="ds-paragraph"><a class="ds-link" href="/pki/root.pem">${t(txt.rootCa, lang)}</a> (<code>/pki/root.pem</code>)</p>`
      : ''
  }
</section>

${
  model.testMode
    ? html`<section class="grunnmur-section" aria-labelledby="utboks">
  <h2 class="ds-heading" data-size="lg" id="utboks">${t(txt.outboxHeading, lang)}</h2>
  <p class="ds-paragraph grunnmur-lead">${t(txt.outbox, lang)}</p>
  <p class="ds-paragraph"><a class="ds-link" href="/outbox">${t(txt.outboxLink, lang)}</a> (<code>/outbox</code>)</p>
</section>`
    : html`<section class="grunnmur-section"><div class="ds-alert" data-color="info"><p class="ds-paragraph">${t(txt.productionMode, lang)}</p></div></section>`
}

<section class="grunnmur-section" aria-labelledby="plattform">
  <h2 class="ds-heading" data-size="lg" id="plattform">${t(txt.kernelHeading, lang)}</h2>
  <div class="grunnmur-table-wrap">
    <table class="ds-table" data-border="true" id="kernel-endpoints">
      <thead><tr><th scope="col">${t(txt.endpoint, lang)}</th><th scope="col">${t(txt.purpose, lang)}</th></tr></thead>
      <tbody>
        ${txt.kernel.map(
          (k) => html`<tr><td><a class="ds-link" href="${k.path}"><code>${k.path}</code></a></td><td>${t(k.what, lang)}</td></tr>`,
        )}
      </tbody>
    </table>
  </div>
</section>`;
}
