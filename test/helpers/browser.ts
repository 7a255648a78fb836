/**
 * Browser-test helpers: what the pages report about themselves while a test drives them.
 */
import type { BrowserContext, Page } from 'playwright-core';

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

/** What a browser test collects from the pages it drives. */
export interface PageWatch {
  /** Everything a page did wrong: console errors, CSP violations, uncaught errors, failed requests, HTTP ≥ 400. */
  problems: string[];
  /** One report per document loaded (lang, labelled inputs), from {@link PAGE_CHECK_SCRIPT}. */
  reports: PageReport[];
}

/**
 * Makes every document of `context` report itself ({@link PAGE_CHECK_SCRIPT}): CSP violations
 * go to `watch.problems`, page reports of the URLs `accept` takes to `watch.reports`.
 *
 * @param accept which documents' reports to keep (default all)
 */
export async function collectPageReports(context: BrowserContext, watch: PageWatch, accept: (url: string) => boolean = () => true): Promise<void> {
  await context.exposeBinding('grunnmurReport', (_source, report: { kind: string; url: string; detail?: string } & PageReport) => {
    if (report.kind === 'csp') watch.problems.push(`CSP violation on ${report.url}: ${report.detail}`);
    else if (accept(report.url)) watch.reports.push({ url: report.url, lang: report.lang, inputs: report.inputs, unlabelled: report.unlabelled });
  });
  await context.addInitScript({ content: PAGE_CHECK_SCRIPT });
}

/**
 * Records what goes wrong in `page` into `problems`: console errors and CSP messages, uncaught
 * errors, failed requests and answers with status ≥ 400. A request the browser itself aborted
 * (`net::ERR_ABORTED`: the page navigated on, e.g. before the favicon came) is not a problem;
 * a server failure shows up as its HTTP status.
 */
export function collectPageProblems(page: Page, problems: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || /Content Security Policy/i.test(msg.text())) problems.push(`console ${msg.type()} on ${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const error = req.failure()?.errorText ?? '';
    if (error !== 'net::ERR_ABORTED') problems.push(`request failed: ${req.url()} ${error}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
}
