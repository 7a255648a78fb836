/**
 * Test harness for ID-porten over real HTTP: a listening platform whose `PUBLIC_URL` is its own
 * address, a cookie-keeping "browser" that follows redirects one by one, and the TestID login.
 * Not for product code.
 */
import { createServer } from 'node:net';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildServer, createPlatform, type RunningPlatform } from '../../platform/boot.ts';
import { loadConfig } from '../../platform/config.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/db/testing.ts';
import type { Engine } from '../../platform/db/database.ts';
import { registersComponent } from '../../registers/index.ts';
import { maskinportenComponent } from '../../maskinporten/index.ts';
import { idportenComponent } from '../index.ts';

/** A running platform with ID-porten, listening on 127.0.0.1. */
export interface RunningIdporten {
  platform: RunningPlatform;
  app: FastifyInstance;
  db: TestDatabase;
  /** `http://127.0.0.1:<port>` (= PUBLIC_URL). */
  base: string;
  /** `<base>/idporten`. */
  issuer: string;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts registers, Maskinporten and ID-porten on a fresh database of `engine`. */
export async function startIdporten(engine: Engine, env: Record<string, string> = {}): Promise<RunningIdporten> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const db = await createTestDatabase(engine);
  const config = loadConfig({
    JOBS_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    SEED_PERSONS: '30',
    SEED_ORGS: '10',
    PUBLIC_URL: base,
    PORT: String(port),
    ...env,
    DATABASE_URL: db.url,
  });
  const platform = await createPlatform({
    config,
    components: [registersComponent, maskinportenComponent, idportenComponent],
    db,
    log: pino({ level: 'silent' }),
  });
  const app = await buildServer(platform);
  await app.listen({ host: '127.0.0.1', port });
  return {
    platform,
    app,
    db,
    base,
    issuer: `${base}/idporten`,
    close: async () => {
      await app.close();
      await platform.close();
      await db.close();
    },
  };
}

/** A browser: a cookie jar and redirect-by-redirect navigation. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  /** One request (no redirect following), keeping cookies. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()) || attrs.some((a) => /^\s*max-age=0/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /**
   * Follows redirects from `url` until one leaves `base` (returned, not requested) or a page
   * answers without a redirect.
   *
   * @returns the final response, or the URL outside `base` it was sent to
   */
  async follow(url: string, base: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ res?: Response; redirectedTo?: URL }> {
    let res = await this.request(url, init);
    for (let i = 0; i < 10; i++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res };
      const next = new URL(location, url);
      if (!next.href.startsWith(base)) return { redirectedTo: next };
      url = next.href;
      res = await this.request(url);
    }
    throw new Error('too many redirects');
  }
}

/**
 * Follows an authorization URL to a login method's first page: when the method-choice page
 * ("Velg elektronisk ID") is shown, follows its link to `method`.
 *
 * @returns the method page's HTML and the response it came with
 */
export async function openLoginMethod(browser: TestBrowser, authorizationUrl: string, base: string, method: string): Promise<{ res: Response; page: string }> {
  const start = await browser.follow(authorizationUrl, base);
  if (!start.res || start.res.status !== 200) {
    throw new Error(`expected a login page, got ${start.res?.status ?? start.redirectedTo?.href}: ${await start.res?.text()}`);
  }
  let res = start.res;
  let page = await res.text();
  const link = new RegExp(`href="(/idporten/login/[^"/]+/${method})"`).exec(page)?.[1];
  if (page.includes('data-grunnmur-page="method-choice"')) {
    if (!link) throw new Error(`the method-choice page does not offer ${method}: ${page.slice(0, 500)}`);
    const next = await browser.follow(`${base}${link}`, base);
    if (!next.res || next.res.status !== 200) throw new Error(`expected the ${method} page, got ${next.res?.status ?? next.redirectedTo?.href}`);
    res = next.res;
    page = await res.text();
  }
  return { res, page };
}

/** Values of the hidden `csrf` input and the first person radio on a TestID page. */
export function parseTestIdPage(page: string): { csrf: string; firstPid: string; action: string } {
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  const firstPid = /name="pid" value="(\d{11})"/.exec(page)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  if (!csrf || !firstPid || !action) throw new Error(`not a TestID page: ${page.slice(0, 500)}`);
  return { csrf, firstPid, action };
}

/**
 * Logs in with TestID from an authorization URL: follows to the TestID page (through the
 * method-choice page when it is shown), posts the form, and follows back to the client.
 *
 * @param choose the person (default the first listed) and level (default substantial)
 * @returns the callback URL the browser was sent to (with `code`, `state`, `iss`), and the pid
 */
export async function loginWithTestId(
  browser: TestBrowser,
  authorizationUrl: string,
  base: string,
  choose: { pid?: string; acr?: string } = {},
): Promise<{ callback: URL; pid: string }> {
  const page = parseTestIdPage((await openLoginMethod(browser, authorizationUrl, base, 'testid')).page);
  const pid = choose.pid ?? page.firstPid;
  const done = await browser.follow(`${base}${page.action}`, base, {
    form: { csrf: page.csrf, pid, acr: choose.acr ?? 'idporten-loa-substantial' },
  });
  if (!done.redirectedTo) throw new Error(`expected a redirect to the client, got ${done.res?.status}: ${await done.res?.text()}`);
  return { callback: done.redirectedTo, pid };
}

/** The hidden `csrf` input and the form action of a MinID page (the first form). */
export function parseMinidPage(page: string): { csrf: string; action: string } {
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  if (!csrf || !action) throw new Error(`not a MinID page: ${page.slice(0, 500)}`);
  return { csrf, action };
}

/**
 * The newest MinID one-time code sent by SMS to `mobile`, read from the dev outbox
 * (`/outbox/api/messages`, test mode).
 */
export async function readOneTimeCode(base: string, mobile: string): Promise<string> {
  const res = await fetch(`${base}/outbox/api/messages?${new URLSearchParams({ to: mobile, channel: 'sms', component: 'idporten', limit: '1' })}`);
  const { messages } = (await res.json()) as { messages: Array<{ text: string }> };
  const code = /\b(\d{5})\b/.exec(messages[0]?.text ?? '')?.[1];
  if (!code) throw new Error(`no one-time code sent to ${mobile}`);
  return code;
}

/**
 * Logs in with MinID from an authorization URL: through the method-choice page to MinID, posts
 * fødselsnummer and password, then the second factor (the SMS code from the outbox, or
 * `code()` for an authenticator app), and follows back to the client.
 *
 * @returns the callback URL the browser was sent to (with `code`, `state`, `iss`)
 */
export async function loginWithMinid(
  browser: TestBrowser,
  authorizationUrl: string,
  base: string,
  account: { pid: string; password: string; mobile: string; code?: () => string },
): Promise<{ callback: URL }> {
  const first = parseMinidPage((await openLoginMethod(browser, authorizationUrl, base, 'minid')).page);
  const codePage = await browser.follow(`${base}${first.action}`, base, { form: { csrf: first.csrf, pid: account.pid, password: account.password } });
  if (!codePage.res || codePage.res.status !== 200) throw new Error(`expected the code page, got ${codePage.res?.status}: ${await codePage.res?.text()}`);
  const page = parseMinidPage(await codePage.res.text());
  const code = account.code ? account.code() : await readOneTimeCode(base, account.mobile);
  const done = await browser.follow(`${base}${page.action}`, base, { form: { csrf: page.csrf, code } });
  if (!done.redirectedTo) throw new Error(`expected a redirect to the client, got ${done.res?.status}: ${await done.res?.text()}`);
  return { callback: done.redirectedTo };
}
