/**
 * The page layout every server-rendered page of Grunnmur uses: a full HTML document styled
 * with Digdir's design system (Designsystemet), with a header (name, navigation, language
 * switch), an optional breadcrumb trail, the page's content column and a footer.
 *
 * Pages work without JavaScript: the language switch is plain links with `?lang=` (bokmål,
 * nynorsk, English). The
 * document loads stylesheets only (no inline styles or scripts), so it satisfies the CSP
 * `default-src 'self'; style-src 'self'; script-src 'self'` set by the HTTP server.
 *
 * @see https://designsystemet.no Designsystemet, Digdir's design system
 */
import type { FastifyReply } from 'fastify';
import { html, raw, type SafeHtml } from './html.ts';
import { t, type Lang } from './i18n.ts';

/** URLs of the stylesheets every page loads, in cascade order (served by `uiRoutes`). */
export const stylesheets = {
  /** `@digdir/designsystemet-css` `dist/src/index.css`: the component classes (`ds-button`, `ds-card`…). */
  designsystemet: '/static/designsystemet/index.css',
  /** `@digdir/designsystemet-theme/brand/digdir.css`: Digdir's colours, typography and sizes. */
  theme: '/static/designsystemet-theme/digdir.css',
  /** Grunnmur's own page layout (header, content column, footer). */
  grunnmur: '/static/grunnmur/grunnmur.css',
} as const;

/** URL of the site icon (an SVG of the brand mark). */
export const faviconHref = '/static/grunnmur/favicon.svg';

/** What {@link renderPage} needs to render one page. */
export interface PageOptions {
  /** Language of the page (`<html lang>`, texts of the header and footer). */
  lang: Lang;
  /** Title of the page; the document title becomes `<title> – Grunnmur`. */
  title: string;
  /** The page's content, placed in `<main>`. */
  body: SafeHtml;
  /** Path of this page (without query), for the language switch links, e.g. `/krr/minprofil`. */
  path: string;
  /** Trail shown above the content; the last item is the current page (no `href`). */
  breadcrumbs?: Array<{ label: string; href?: string }>;
  /** HTTP status of the response (default 200); used by {@link sendPage}. */
  status?: number;
}

const texts = {
  skip: { nb: 'Hopp til hovedinnhold', nn: 'Hopp til hovudinnhald', en: 'Skip to main content' },
  tagline: { nb: 'Fellesløsninger, selvhostet', nn: 'Fellesløysingar, sjølvhosta', en: 'Common components, self-hosted' },
  nav: { nb: 'Hovedmeny', nn: 'Hovudmeny', en: 'Main menu' },
  home: { nb: 'Forside', nn: 'Framside', en: 'Home' },
  health: { nb: 'Status', nn: 'Status', en: 'Status' },
  langSwitch: { nb: 'Språk', nn: 'Språk', en: 'Language' },
  breadcrumbs: { nb: 'Du er her:', nn: 'Du er her:', en: 'You are here:' },
  footer: {
    nb: 'Grunnmur er en åpen, selvhostbar implementasjon av Norges fellesløsninger. Ikke en tjeneste fra Digdir. Alle personer og virksomheter er syntetiske.',
    nn: 'Grunnmur er ei open, sjølvhostbar implementering av fellesløysingane i Noreg. Ikkje ei teneste frå Digdir. Alle personar og verksemder er syntetiske.',
    en: "Grunnmur is an open, self-hostable implementation of Norway's common components. Not a Digdir service. All persons and organisations are synthetic.",
  },
  licence: { nb: 'Åpen kildekode (Apache-2.0)', nn: 'Open kjeldekode (Apache-2.0)', en: 'Open source (Apache-2.0)' },
} as const;

/** The languages offered in the switch, each named in itself. */
const switchLangs: Array<{ lang: Lang; label: string }> = [
  { lang: 'nb', label: 'Norsk (bokmål)' },
  { lang: 'nn', label: 'Norsk (nynorsk)' },
  { lang: 'en', label: 'English' },
];

/** `path?lang=xx`, keeping the path only (queries of the current page are not carried over). */
function langHref(path: string, lang: Lang): string {
  const clean = path.split(/[?#]/)[0] || '/';
  return `${clean}?lang=${lang}`;
}

function renderBreadcrumbs(items: Array<{ label: string; href?: string }>, lang: Lang): SafeHtml {
  const parent = [...items].reverse().find((item, i) => i > 0 && item.href);
  return html`<nav class="ds-breadcrumbs grunnmur-breadcrumbs" aria-label="${t(texts.breadcrumbs, lang)}">
      ${parent ? html`<a class="ds-link" href="${parent.href}">${parent.label}</a>` : ''}
      <ol>
        ${items.map((item, i) =>
          item.href && i < items.length - 1
            ? html`<li><a class="ds-link" href="${item.href}">${item.label}</a></li>`
            : html`<li><a class="ds-link" aria-current="page">${item.label}</a></li>`,
        )}
      </ol>
    </nav>`;
}

/**
 * Renders a complete HTML document (`<!doctype html>` to `</html>`).
 *
 * @returns the document as a string, ready to send as `text/html; charset=utf-8`
 */
export function renderPage(options: PageOptions): string {
  const { lang, title, body, path } = options;
  const page = html`<!doctype html>
<html lang="${lang}" data-color-scheme="light">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Grunnmur</title>
<link rel="icon" href="${faviconHref}" type="image/svg+xml">
<link rel="stylesheet" href="${stylesheets.designsystemet}">
<link rel="stylesheet" href="${stylesheets.theme}">
<link rel="stylesheet" href="${stylesheets.grunnmur}">
</head>
<body>
<a class="ds-skip-link" href="#main">${t(texts.skip, lang)}</a>
<header class="grunnmur-header">
  <div class="grunnmur-container grunnmur-header__inner">
    <a class="grunnmur-brand" href="/">
      <span class="grunnmur-brand__mark" aria-hidden="true"></span>
      <span class="grunnmur-brand__text">
        <span class="grunnmur-brand__name">Grunnmur</span>
        <span class="grunnmur-brand__tagline">${t(texts.tagline, lang)}</span>
      </span>
    </a>
    <nav class="grunnmur-nav" aria-label="${t(texts.nav, lang)}">
      <ul>
        <li><a class="ds-link" data-color="neutral" href="/"${path === '/' ? raw(' aria-current="page"') : ''}>${t(texts.home, lang)}</a></li>
        <li><a class="ds-link" data-color="neutral" href="/status">${t(texts.health, lang)}</a></li>
        <li><a class="ds-link" data-color="neutral" href="/openapi.json">OpenAPI</a></li>
      </ul>
    </nav>
    <nav class="grunnmur-lang" aria-label="${t(texts.langSwitch, lang)}">
      <ul>
        ${switchLangs.map(({ lang: l, label }) =>
          html`<li><a class="ds-link" data-color="neutral" href="${langHref(path, l)}" hreflang="${l}" lang="${l}"${
            l === lang ? raw(' aria-current="true"') : ''
          }>${label}</a></li>`,
        )}
      </ul>
    </nav>
  </div>
</header>
<main id="main" class="grunnmur-container grunnmur-main" tabindex="-1">
${options.breadcrumbs && options.breadcrumbs.length > 0 ? renderBreadcrumbs(options.breadcrumbs, lang) : ''}
${body}
</main>
<footer class="grunnmur-footer">
  <div class="grunnmur-container">
    <p class="ds-paragraph" data-size="sm">${t(texts.footer, lang)}</p>
    <p class="ds-paragraph" data-size="sm">${t(texts.licence, lang)} · <a class="ds-link" data-color="neutral" href="/health/live">/health/live</a> · <a class="ds-link" data-color="neutral" href="/metrics">/metrics</a></p>
  </div>
</footer>
</body>
</html>
`;
  return page.value;
}

/**
 * Request headers a page's content depends on: its language is picked from `?lang=`, the
 * `lang` cookie and `Accept-Language` (see `pickLang`), so a shared cache must not serve one
 * language's page to a request asking for another.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5 Vary
 */
export const PAGE_VARY = ['Accept-Language', 'Cookie'] as const;

/**
 * Adds header names to the reply's `Vary`, keeping what is there and adding none twice
 * (case-insensitively). `Vary: *` is left alone.
 */
export function addVary(reply: FastifyReply, names: readonly string[]): void {
  const current = reply.getHeader('vary');
  const existing = (Array.isArray(current) ? current.join(',') : current === undefined ? '' : String(current))
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  if (existing.includes('*')) return;
  const lower = new Set(existing.map((v) => v.toLowerCase()));
  const merged = [...existing, ...names.filter((n) => !lower.has(n.toLowerCase()))];
  reply.header('vary', merged.join(', '));
}

/**
 * Sends a page rendered by {@link renderPage} with `content-type: text/html; charset=utf-8`,
 * `Vary: Accept-Language, Cookie` (added to any `Vary` already set; see {@link PAGE_VARY}) and
 * `options.status` (default 200).
 *
 * @returns the reply, so a handler can `return sendPage(reply, …)`
 */
export function sendPage(reply: FastifyReply, options: PageOptions): FastifyReply {
  addVary(reply, PAGE_VARY);
  return reply
    .code(options.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(renderPage(options));
}
