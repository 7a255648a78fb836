/**
 * The login flows of the `idporten-login` workloads, as a browser and a service do them
 * (lib/flow-driver.ts): authorize with PKCE, state and nonce → the login → the code back at the
 * service's redirect URI → the token request with `client_secret_basic` and the verifier.
 *
 * - ours, TestID: authorize (303) → method choice page (200) → TestID page (200) → TestID form
 *   post (303) → resumed authorize (303 to the service) → token: 6 requests.
 * - ours, MinID: authorize → method choice → MinID page → fødselsnummer + password post (303) →
 *   code page (200) → the SMS code read from the test outbox (`/outbox/api/messages`, standing in
 *   for the phone) → code post (303) → resumed authorize → token: 9 requests.
 * - peer: authorize (303) → `/interaction/{uid}`, which finishes at once (303) → resumed
 *   authorize (303 to the service) → token: 4 requests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { asPreflight, type FlowBrowser, type FlowContext, type FlowDriver, type FlowResponse } from '../../lib/flow-driver.ts';
import type { PreflightResponse, Side } from '../../lib/workload.ts';

/** What each server announces (`announceListening` details). */
export interface LoginDetails {
  /** The site's public URL (ours: `PUBLIC_URL`; the peer: its issuer). */
  publicUrl: string;
  /** `/idporten/authorize` or the peer's `/auth`. */
  authorizePath: string;
  tokenPath: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** TestID: the persons the browsers log in as, in turn. */
  persons: string[];
  /** MinID (ours): one account per virtual browser slot; accounts are never shared by two browsers. */
  minidAccounts?: Array<{ pid: string; password: string; mobile: string }>;
}

/**
 * MinID accounts ours makes for `idporten-login-minid`, one per virtual browser: the workload runs
 * at most this many browsers. 32 logins in flight keep the server's core (and its 4 libuv threads
 * hashing passwords) busy; more only lengthen each flow.
 */
export const MINID_ACCOUNTS = 32;

let turn = 0;

/** Follows redirects on the site; stops at a page (no redirect) or at a redirect off the site. */
async function follow(browser: FlowBrowser, url: string | URL, form?: Record<string, string>): Promise<{ res: FlowResponse; offSite?: URL }> {
  let res = await browser.request(url, form ? { form } : {});
  for (let i = 0; i < 10; i++) {
    if (res.status < 300 || res.status >= 400 || !res.location) return { res };
    if (!browser.onSite(res.location)) return { res, offSite: res.location };
    res = await browser.request(res.location);
  }
  throw new Error(`too many redirects from ${String(url)}`);
}

function expectPage(step: { res: FlowResponse; offSite?: URL }, what: string): string {
  if (step.offSite) throw new Error(`${what}: sent to ${step.offSite.href} (error=${step.offSite.searchParams.get('error')} ${step.offSite.searchParams.get('error_description') ?? ''})`);
  if (step.res.status !== 200) throw new Error(`${what}: HTTP ${step.res.status}: ${step.res.body.slice(0, 300)}`);
  return step.res.body;
}

function formOf(page: string, what: string): { csrf: string; action: string } {
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  if (!csrf || !action) throw new Error(`${what}: no form on the page: ${page.slice(0, 300)}`);
  return { csrf, action };
}

/** Starts a login; returns the PKCE verifier and where the browser ended (a page or the service). */
async function authorize(browser: FlowBrowser, d: LoginDetails): Promise<{ verifier: string; state: string; step: { res: FlowResponse; offSite?: URL } }> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const params = new URLSearchParams({
    client_id: d.clientId,
    response_type: 'code',
    redirect_uri: d.redirectUri,
    scope: 'openid profile',
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return { verifier, state, step: await follow(browser, `${d.authorizePath}?${params}`) };
}

/** On the method-choice page (ours), follows the link to `method`; any other page is returned as it is. */
async function chooseMethod(browser: FlowBrowser, page: string, method: string): Promise<string> {
  if (!page.includes('data-grunnmur-page="method-choice"')) return page;
  const link = new RegExp(`href="(/idporten/login/[^"/]+/${method})"`).exec(page)?.[1];
  if (!link) throw new Error(`the method-choice page offers no ${method}`);
  return expectPage(await follow(browser, link), `${method} page`);
}

/** The service's side: the code back at the redirect URI, redeemed at the token endpoint. */
async function redeem(browser: FlowBrowser, d: LoginDetails, step: { res: FlowResponse; offSite?: URL }, verifier: string, state: string): Promise<PreflightResponse> {
  const callback = step.offSite;
  if (!callback || !callback.href.startsWith(d.redirectUri)) {
    throw new Error(`expected a redirect to the service, got HTTP ${step.res.status} ${callback?.href ?? ''}: ${step.res.body.slice(0, 300)}`);
  }
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new Error(`no code for this state: ${callback.href}`);
  const basic = Buffer.from(`${encodeURIComponent(d.clientId)}:${encodeURIComponent(d.clientSecret)}`).toString('base64');
  const res = await browser.request(d.tokenPath, {
    backChannel: true,
    headers: { authorization: `Basic ${basic}` },
    form: { grant_type: 'authorization_code', code, redirect_uri: d.redirectUri, code_verifier: verifier },
  });
  if (res.status !== 200) throw new Error(`token: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  return asPreflight(res);
}

/** TestID on ours (the person of the turn), or the peer's immediate login. */
export const testIdFlow: FlowDriver = {
  unit: 'flows',
  publicUrl: (_side: Side, details: unknown) => (details as LoginDetails).publicUrl,
  async run(_side: Side, { browser, details }: FlowContext): Promise<PreflightResponse> {
    const d = details as LoginDetails;
    const { verifier, state, step } = await authorize(browser, d);
    if (step.offSite) return redeem(browser, d, step, verifier, state);
    const page = await chooseMethod(browser, expectPage(step, 'login page'), 'testid');
    const form = formOf(page, 'TestID page');
    const pid = d.persons[turn++ % d.persons.length]!;
    const done = await follow(browser, form.action, { csrf: form.csrf, pid, acr: 'idporten-loa-substantial' });
    return redeem(browser, d, done, verifier, state);
  },
};

/** MinID with an SMS code on ours (the slot's own account), or the peer's login with one Argon2id check. */
export const minidFlow: FlowDriver = {
  unit: 'flows',
  maxConcurrency: MINID_ACCOUNTS,
  publicUrl: (_side: Side, details: unknown) => (details as LoginDetails).publicUrl,
  async run(_side: Side, { browser, details, slot }: FlowContext): Promise<PreflightResponse> {
    const d = details as LoginDetails;
    const { verifier, state, step } = await authorize(browser, d);
    if (step.offSite) return redeem(browser, d, step, verifier, state);
    const accounts = d.minidAccounts ?? [];
    const account = accounts[slot];
    if (!account) throw new Error(`virtual browser ${slot + 1} has no MinID account of its own (the server made ${accounts.length}; use fewer --connections)`);
    const passwordForm = formOf(await chooseMethod(browser, expectPage(step, 'login page'), 'minid'), 'MinID page');
    const codePage = expectPage(
      await follow(browser, passwordForm.action, { csrf: passwordForm.csrf, pid: account.pid, password: account.password }),
      'MinID password post',
    );
    const codeForm = formOf(codePage, 'MinID code page');
    // The phone: the newest SMS to this account's number (only this browser logs in with it).
    const sms = await browser.request(`/outbox/api/messages?${new URLSearchParams({ to: account.mobile, channel: 'sms', component: 'idporten', limit: '1' })}`, { backChannel: true });
    const code = /\b(\d{5})\b/.exec((JSON.parse(sms.body) as { messages: Array<{ text: string }> }).messages[0]?.text ?? '')?.[1];
    if (!code) throw new Error(`no one-time code sent to ${account.mobile}`);
    const done = await follow(browser, codeForm.action, { csrf: codeForm.csrf, code });
    return redeem(browser, d, done, verifier, state);
  },
};
