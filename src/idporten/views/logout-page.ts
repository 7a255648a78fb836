/**
 * ID-porten's logout page: "you are logged out", with one hidden iframe per client of the
 * ended session that has a `frontchannel_logout_uri` (front-channel logout), and then the way
 * back to the service.
 *
 * It works without JavaScript: the response's `Refresh` header (set by the route) continues to
 * the service after {@link LOGOUT_REFRESH_S} seconds, and the page has a link to it. With
 * JavaScript, the page continues as soon as every iframe has loaded (the window's `load`
 * event), or after {@link LOGOUT_SCRIPT_TIMEOUT_MS} if one hangs. The inline script is allowed
 * by its hash in this page's own Content-Security-Policy ({@link logoutCsp}), which also lists
 * the clients' logout origins in `frame-src`; every other page keeps the kernel's strict policy.
 *
 * @see https://openid.net/specs/openid-connect-frontchannel-1_0.html OIDC Front-Channel Logout §4
 */
import { createHash } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { html, raw } from '../../platform/ui/html.ts';
import { t, toLang, type Lang } from '../../platform/ui/i18n.ts';
import { renderPage } from '../../platform/ui/layout.ts';

/** Seconds before a browser without JavaScript continues to the service (`Refresh` header). */
export const LOGOUT_REFRESH_S = 3;
/** How long the script waits for the iframes at most, in ms. */
export const LOGOUT_SCRIPT_TIMEOUT_MS = 2500;

/** The page's only script: continue when every iframe has loaded, or after the timeout. */
export const LOGOUT_SCRIPT = `(function(){var a=document.querySelector('[data-logout-continue]');if(!a)return;var done=false;function go(){if(!done){done=true;window.location.replace(a.href);}}if(document.readyState==='complete'){go();}else{window.addEventListener('load',go);}setTimeout(go,${LOGOUT_SCRIPT_TIMEOUT_MS});})();`;

/** CSP source of {@link LOGOUT_SCRIPT}: `'sha256-…'`. */
export const LOGOUT_SCRIPT_HASH = `'sha256-${createHash('sha256').update(LOGOUT_SCRIPT).digest('base64')}'`;

const texts = {
  title: { nb: 'Du er logget ut', nn: 'Du er logga ut', en: 'You are logged out' },
  lead: {
    nb: 'Du er logget ut av ID-porten og av tjenestene du brukte ID-porten til.',
    nn: 'Du er logga ut av ID-porten og av tenestene du brukte ID-porten til.',
    en: 'You are logged out of ID-porten and of the services you used ID-porten for.',
  },
  services: {
    nb: 'Vi logger deg ut av tjenestene. Du sendes videre om et øyeblikk.',
    nn: 'Vi loggar deg ut av tenestene. Du vert send vidare om eit augeblink.',
    en: 'We are logging you out of the services. You will be sent on in a moment.',
  },
  continue: { nb: 'Tilbake til tjenesten', nn: 'Tilbake til tenesta', en: 'Back to the service' },
  close: {
    nb: 'Lukk nettleseren hvis du bruker en delt datamaskin.',
    nn: 'Lukk nettlesaren om du brukar ei delt datamaskin.',
    en: 'Close the browser if you are using a shared computer.',
  },
  frame: { nb: 'Utlogging fra', nn: 'Utlogging frå', en: 'Logout from' },
} as const;

/** What the logout page shows. */
export interface LogoutView {
  lang: Lang;
  /** Path of the page (for the language links). */
  path: string;
  /** The front-channel logout URLs, one iframe each. */
  frames: string[];
  /** Where the browser goes next (`post_logout_redirect_uri?state=…`), if anywhere. */
  continueTo?: string;
}

/** The logout page as a complete HTML document. */
export function renderLogoutPage(view: LogoutView): string {
  const { lang } = view;
  const body = html`<div class="grunnmur-stack" data-grunnmur-page="logout">
  <h1 class="ds-heading" data-size="lg">${t(texts.title, lang)}</h1>
  <div class="ds-alert" data-color="success" role="status"><p class="ds-paragraph">${t(texts.lead, lang)}</p></div>
  ${view.continueTo && view.frames.length > 0 ? html`<p class="ds-paragraph">${t(texts.services, lang)}</p>` : ''}
  ${view.continueTo ? html`<p class="ds-paragraph"><a class="ds-button" data-variant="primary" data-logout-continue href="${view.continueTo}">${t(texts.continue, lang)}</a></p>` : html`<p class="ds-paragraph">${t(texts.close, lang)}</p>`}
  ${view.frames.map((src) => html`<iframe data-frontchannel-logout src="${src}" title="${t(texts.frame, lang)} ${new URL(src).host}" hidden></iframe>`)}
  ${view.continueTo ? raw(`<script>${LOGOUT_SCRIPT}</script>`) : ''}
</div>`;
  return renderPage({ lang, title: t(texts.title, lang), body, path: view.path });
}

/**
 * The page's Content-Security-Policy: the kernel's policy with `frame-src` set to the clients'
 * logout origins (`'none'` when there are none) and {@link LOGOUT_SCRIPT_HASH} added to
 * `script-src`.
 *
 * @param base the kernel's policy (the response's `content-security-policy` header)
 * @param frameOrigins origins of the iframes (`https://client.example`)
 */
export function logoutCsp(base: string, frameOrigins: string[]): string {
  const directives = base
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d.length > 0 && !/^frame-src\b/i.test(d) && !/^child-src\b/i.test(d));
  let hasScript = false;
  const out = directives.map((d) => {
    if (!/^script-src(\s|$)/i.test(d)) return d; // not script-src-attr/-elem
    hasScript = true;
    return `${d} ${LOGOUT_SCRIPT_HASH}`;
  });
  if (!hasScript) out.push(`script-src 'self' ${LOGOUT_SCRIPT_HASH}`);
  const origins = [...new Set(frameOrigins)];
  out.push(`frame-src ${origins.length > 0 ? origins.join(' ') : "'none'"}`);
  return out.join(';');
}

/**
 * oidc-provider's `postLogoutSuccessSource` (its `/logout/success`, reached only when it ends a
 * session itself): the logged-out page, without iframes.
 */
export function renderLoggedOutPage(ctx: KoaContextWithOIDC): string {
  const accept = ctx.get('accept-language');
  const lang = toLang(accept.split(',')[0]?.split(';')[0]) ?? 'nb';
  return renderLogoutPage({ lang, path: '/idporten/logout/success', frames: [] });
}
