/**
 * ID-porten's error page: shown when an error cannot go back to the client (unknown
 * `client_id`, unregistered `redirect_uri`, an expired login…), in Digdir's design, never with a
 * stack trace.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Platform } from '../../platform/platform.ts';
import { html } from '../../platform/ui/html.ts';
import { t, toLang, type Lang } from '../../platform/ui/i18n.ts';
import { renderPage } from '../../platform/ui/layout.ts';

const texts = {
  title: { nb: 'Innloggingen kan ikke fullføres', nn: 'Innlogginga kan ikkje fullførast', en: 'The login cannot be completed' },
  lead: {
    nb: 'Tjenesten du kom fra sendte en forespørsel ID-porten ikke kan behandle. Gå tilbake til tjenesten og prøv igjen.',
    nn: 'Tenesta du kom frå sende ein førespurnad ID-porten ikkje kan handsame. Gå tilbake til tenesta og prøv igjen.',
    en: 'The service you came from sent a request ID-porten cannot handle. Go back to the service and try again.',
  },
  serverError: {
    nb: 'Noe gikk galt hos oss. Prøv igjen om litt.',
    nn: 'Noko gjekk gale hos oss. Prøv igjen om litt.',
    en: 'Something went wrong on our side. Try again in a little while.',
  },
  code: { nb: 'Feilkode', nn: 'Feilkode', en: 'Error code' },
  details: { nb: 'Beskrivelse', nn: 'Skildring', en: 'Description' },
  reference: { nb: 'Referanse', nn: 'Referanse', en: 'Reference' },
} as const;

/** What the error page shows. */
export interface IdportenErrorView {
  /** OAuth error code (`invalid_request`, …) or a Grunnmur code. */
  error: string;
  /** Safe-to-show description (never for 5xx). */
  description?: string;
  /** Request id, for support. */
  reference?: string;
  status: number;
}

/** The error page as a complete HTML document. */
export function renderIdportenErrorPage(view: IdportenErrorView, lang: Lang, path: string): string {
  const server = view.status >= 500;
  const body = html`<div class="grunnmur-stack">
  <h1 class="ds-heading" data-size="lg">${t(texts.title, lang)}</h1>
  <div class="ds-alert" data-color="${server ? 'warning' : 'danger'}" role="alert">
    <p class="ds-paragraph">${server ? t(texts.serverError, lang) : t(texts.lead, lang)}</p>
  </div>
  <dl>
    <dt>${t(texts.code, lang)}</dt><dd><code>${view.error}</code></dd>
    ${!server && view.description ? html`<dt>${t(texts.details, lang)}</dt><dd>${view.description}</dd>` : ''}
    ${view.reference ? html`<dt>${t(texts.reference, lang)}</dt><dd><code>${view.reference}</code></dd>` : ''}
  </dl>
</div>`;
  return renderPage({ lang, title: t(texts.title, lang), body, path, status: view.status });
}

/** The page language for an oidc-provider request: `ui_locales`, then `Accept-Language`, then bokmål. */
function providerLang(ctx: KoaContextWithOIDC): Lang {
  const uiLocales = ctx.oidc?.params?.ui_locales;
  if (typeof uiLocales === 'string') {
    for (const tag of uiLocales.split(' ')) {
      const lang = toLang(tag);
      if (lang) return lang;
    }
  }
  const accept = ctx.get('accept-language');
  for (const part of accept.split(',')) {
    const lang = toLang(part.split(';')[0]);
    if (lang) return lang;
  }
  return 'nb';
}

/**
 * oidc-provider's `renderError`: the error page for errors that cannot be redirected to the
 * client. The status oidc-provider chose stays; 5xx show no description.
 */
export function renderProviderError(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string },
  _error: unknown,
  _platform: Platform,
): void {
  const status = ctx.status >= 400 ? ctx.status : 400;
  const reference = ctx.get('x-request-id') || (ctx.res.getHeader('x-request-id') as string | undefined);
  const view: IdportenErrorView = { error: out.error, status };
  if (out.error_description) view.description = out.error_description;
  if (reference) view.reference = reference;
  ctx.type = 'html';
  ctx.body = renderIdportenErrorPage(view, providerLang(ctx), ctx.path);
}
