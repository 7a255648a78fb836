/**
 * Browser-test helpers: what the pages report about themselves while a test drives them.
 */

/** What an accessibility report from a page ({@link PAGE_CHECK_SCRIPT}) says. */
export interface PageReport {
  url: string;
  lang: string;
  inputs: number;
  unlabelled: string[];
}

/**
 * Runs in every document (also iframes and pages that navigate on at once, like the logout
 * page) before its own scripts, outside its CSP: at DOMContentLoaded it reports the `lang`
 * attribute and any input without a label; it reports CSP violations as they happen.
 */
export const PAGE_CHECK_SCRIPT = `(() => {
  document.addEventListener('securitypolicyviolation', (e) => {
    window.grunnmurReport({ kind: 'csp', url: location.href, detail: e.violatedDirective + ' ' + e.blockedURI });
  });
  document.addEventListener('DOMContentLoaded', () => {
    const fields = [...document.querySelectorAll('input, select, textarea')].filter((el) => !['hidden', 'submit', 'button', 'reset'].includes(el.type));
    const unlabelled = fields
      .filter((el) => !(el.labels && [...el.labels].some((l) => l.textContent.trim() !== '')) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML);
    window.grunnmurReport({ kind: 'page', url: location.href, lang: document.documentElement.lang, inputs: fields.length, unlabelled });
  });
})();`;
