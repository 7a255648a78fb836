/**
 * ID-porten in a real browser (issue #3 acceptance): Debian's Chromium driven by playwright-core
 * logs in at one service with MinID (fødselsnummer + password, then the SMS code read from the
 * dev outbox), gets SSO at a second service without seeing a login page, and logs out of both
 * through front-channel logout, ending at the first service's `post_logout_redirect_uri` with
 * its `state`. After that the second service has to ask for a login again.
 *
 * The two services are small relying parties on node:http (`localhost`, so cross-site to
 * ID-porten at `127.0.0.1`, like a real service on its own domain): PKCE S256, state and nonce
 * with `openid-client`, the code redeemed server-side, the ID token verified with `jose` against
 * ID-porten's JWKS, sessions kept server-side by the ID token's `sid`, so the front-channel
 * logout iframe (which gets no cookies cross-site) can end them.
 *
 * Every ID-porten page is also checked for a `lang` attribute, a label on every input, and no
 * console errors, CSP violations, failed requests or HTTP errors.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oc from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { testEngines } from '../../src/platform/db/testing.ts';
import { createIdportenClient, createMinidAccount, type IdportenClient } from '../../src/idporten/index.ts';
import { readOneTimeCode, startIdporten, type RunningIdporten } from '../../src/idporten/testing/oidc-harness.ts';
import { collectPageProblems, collectPageReports, type PageReport } from '../helpers/browser.ts';

const CHROMIUM = '/usr/bin/chromium';
const ORGNO = '991825827';
const PASSWORD = 'Sommer2024x';
const MOBILE = '+4799112233';

/** A service's server-side session, from a verified ID token. */
interface RpSession {
  pid: string;
  sid: string;
  acr: string;
  amr: string[];
  idToken: string;
}

/**
 * A relying party: an ID-porten client with its own little web server on `localhost`.
 * `/login` → ID-porten, `/callback` redeems the code, `/` shows who is logged in,
 * `/logout` → ID-porten's end session, `/frontchannel-logout` ends sessions by `sid`,
 * `/logged-out` is the `post_logout_redirect_uri`.
 */
class RelyingParty {
  readonly name: string;
  readonly cookie: string;
  readonly sessions = new Map<string, RpSession>();
  /** Logins under way, by `state`. */
  readonly pending = new Map<string, { verifier: string; nonce: string }>();
  /** Calls to `/frontchannel-logout`, in order. */
  readonly frontchannelCalls: Array<{ iss: string | null; sid: string | null; ended: number }> = [];
  /** `state` values sent to end session, and those that came back to `/logged-out`. */
  readonly logoutStates: string[] = [];
  readonly returnedStates: string[] = [];
  /** Anything that went wrong inside the party (asserted empty). */
  readonly errors: string[] = [];
  server!: Server;
  origin!: string;
  client!: IdportenClient;
  config!: oc.Configuration;
  issuer!: string;
  jwks!: ReturnType<typeof createRemoteJWKSet>;

  constructor(name: string) {
    this.name = name;
    this.cookie = `${name}_session`;
  }

  /** Listens on 127.0.0.1 (an ephemeral port), reached as `http://localhost:<port>`. */
  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.errors.push(`${req.url}: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) this.page(res, 500, 'Feil', `<p>${escapeHtml(String(err))}</p>`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://localhost:${(this.server.address() as AddressInfo).port}`;
  }

  /** Registers the party as an ID-porten client and reads ID-porten's discovery. */
  async register(idporten: RunningIdporten): Promise<void> {
    this.client = await createIdportenClient(
      idporten.platform.db,
      {
        client_name: `Tjeneste ${this.name}`,
        client_orgno: ORGNO,
        redirect_uris: [`${this.origin}/callback`],
        post_logout_redirect_uris: [`${this.origin}/logged-out`],
        frontchannel_logout_uri: `${this.origin}/frontchannel-logout`,
        frontchannel_logout_session_required: true,
      },
      { mode: 'test' },
    );
    this.issuer = idporten.issuer;
    this.config = await oc.discovery(new URL(idporten.issuer), this.client.client_id, this.client.client_secret, oc.ClientSecretBasic(this.client.client_secret), {
      execute: [oc.allowInsecureRequests],
    });
    this.jwks = createRemoteJWKSet(new URL(this.config.serverMetadata().jwks_uri!));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private sessionOf(req: IncomingMessage): [string, RpSession] | undefined {
    const id = cookiesOf(req).get(this.cookie);
    const session = id ? this.sessions.get(id) : undefined;
    return id && session ? [id, session] : undefined;
  }

  private page(res: ServerResponse, status: number, title: string, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(`<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    switch (url.pathname) {
      case '/favicon.ico':
        res.writeHead(204).end();
        return;
      case '/': {
        const s = this.sessionOf(req)?.[1];
        this.page(res, 200, `Tjeneste ${this.name}`, s ? `<p>Innlogget som <output data-pid>${s.pid}</output></p>` : '<p data-logged-out>Ikke innlogget</p>');
        return;
      }
      case '/login': {
        const verifier = oc.randomPKCECodeVerifier();
        const state = oc.randomState();
        const nonce = oc.randomNonce();
        this.pending.set(state, { verifier, nonce });
        const authorize = oc.buildAuthorizationUrl(this.config, {
          redirect_uri: `${this.origin}/callback`,
          scope: 'openid profile',
          code_challenge: await oc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        res.writeHead(302, { location: authorize.href, 'set-cookie': `${this.name}_state=${state}; Path=/; HttpOnly; SameSite=Lax` }).end();
        return;
      }
      case '/callback': {
        // The state must be the one this browser started with (its cookie), and known here.
        const state = cookiesOf(req).get(`${this.name}_state`) ?? '';
        const login = this.pending.get(state);
        if (!login) throw new Error(`callback without a login under way in this browser: ${url.search}`);
        this.pending.delete(state);
        const tokens = await oc.authorizationCodeGrant(this.config, url, { pkceCodeVerifier: login.verifier, expectedState: state, expectedNonce: login.nonce });
        const { payload } = await jwtVerify(tokens.id_token!, this.jwks, { issuer: this.issuer, audience: this.client.client_id });
        const claims = payload as JWTPayload & { pid?: string; sid?: string; acr?: string; amr?: string[]; nonce?: string };
        if (claims.nonce !== login.nonce) throw new Error('nonce mismatch');
        if (!claims.pid || !claims.sid) throw new Error(`ID token without pid or sid: ${JSON.stringify(claims)}`);
        const id = randomBytes(16).toString('base64url');
        this.sessions.set(id, { pid: claims.pid, sid: claims.sid, acr: claims.acr ?? '', amr: claims.amr ?? [], idToken: tokens.id_token! });
        res
          .writeHead(303, {
            location: '/',
            'set-cookie': [`${this.cookie}=${id}; Path=/; HttpOnly; SameSite=Lax`, `${this.name}_state=; Path=/; Max-Age=0`],
          })
          .end();
        return;
      }
      case '/logout': {
        const s = this.sessionOf(req)?.[1];
        if (!s) throw new Error('logout without a session');
        const state = oc.randomState();
        this.logoutStates.push(state);
        // The session ends when ID-porten calls /frontchannel-logout (not here), so the test
        // sees that the front-channel call itself ended it.
        const endSession = oc.buildEndSessionUrl(this.config, { id_token_hint: s.idToken, post_logout_redirect_uri: `${this.origin}/logged-out`, state });
        res.writeHead(302, { location: endSession.href }).end();
        return;
      }
      case '/frontchannel-logout': {
        const iss = url.searchParams.get('iss');
        const sid = url.searchParams.get('sid');
        let ended = 0;
        if (iss === this.issuer && sid) {
          for (const [id, s] of this.sessions) {
            if (s.sid === sid) {
              this.sessions.delete(id);
              ended++;
            }
          }
        }
        this.frontchannelCalls.push({ iss, sid, ended });
        this.page(res, 200, 'Utlogget', '<p>Utlogget</p>');
        return;
      }
      case '/logged-out': {
        this.returnedStates.push(url.searchParams.get('state') ?? '');
        this.page(res, 200, `Logget ut av tjeneste ${this.name}`, '<p data-logged-out>Du er logget ut</p>');
        return;
      }
      default:
        this.page(res, 404, 'Finnes ikke', '');
    }
  }
}

function cookiesOf(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

for (const engine of testEngines()) {
  describe(`ID-porten login, SSO and front-channel logout in Chromium on ${engine}`, () => {
    let idporten: RunningIdporten;
    const rp1 = new RelyingParty('rp1');
    const rp2 = new RelyingParty('rp2');
    let pid: string;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const problems: string[] = [];
    /** Reports of ID-porten's documents (main frame), in the order they loaded. */
    const reports: PageReport[] = [];
    /** Pages (status 200 documents) ID-porten showed in the main frame. */
    const idportenPages: string[] = [];

    before(async () => {
      if (!existsSync(CHROMIUM)) throw new Error('Chromium missing: apt-get install -y chromium');
      idporten = await startIdporten(engine, { RATE_LIMIT_MAX: '0' });
      await rp1.listen();
      await rp2.listen();
      await rp1.register(idporten);
      await rp2.register(idporten);
      const person = await idporten.db.kysely.selectFrom('registers_persons').select('pid').orderBy('pid').executeTakeFirstOrThrow();
      pid = (person as { pid: string }).pid;
      await createMinidAccount(idporten.platform.db, { pid, password: PASSWORD, mobile: MOBILE });

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
      await collectPageReports(context, { problems, reports }, (url) => url.startsWith(idporten.issuer));
      page = await context.newPage();
      collectPageProblems(page, problems);
      page.on('response', (res) => {
        if (res.frame() === page.mainFrame() && res.request().isNavigationRequest() && res.status() === 200 && res.url().startsWith(idporten.issuer)) {
          idportenPages.push(new URL(res.url()).pathname);
        }
      });
    });

    after(async () => {
      await browser?.close();
      await rp1.close();
      await rp2.close();
      await idporten?.close();
    });

    /** The pid a service's front page shows, or undefined when it shows "not logged in". */
    async function shownPid(): Promise<string | undefined> {
      const output = page.locator('[data-pid]');
      return (await output.count()) > 0 ? output.innerText() : undefined;
    }

    it('logs in at the first service with MinID: method choice, fødselsnummer and password, then the SMS code from the outbox', async () => {
      await page.goto(`${rp1.origin}/login`);
      assert.match(page.url(), /\/idporten\/login\/[^/]+$/, 'the method-choice page');
      assert.equal(await page.locator('[data-grunnmur-page="method-choice"]').count(), 1);
      await Promise.all([page.waitForURL(/\/minid$/), page.locator('a.ds-card[href$="/minid"]').click()]);

      await page.getByLabel('Fødselsnummer eller d-nummer').fill(pid);
      await page.getByLabel('Passord').fill(PASSWORD);
      await Promise.all([page.waitForURL(/\/minid\/kode$/), page.getByRole('button', { name: 'Neste' }).click()]);

      const code = await readOneTimeCode(idporten.base, MOBILE);
      assert.match(code, /^\d{5}$/);
      await page.getByLabel('Engangskode fra SMS').fill(code);
      await Promise.all([page.waitForURL(`${rp1.origin}/`), page.getByRole('button', { name: 'Logg inn' }).click()]);

      assert.equal(await shownPid(), pid);
      assert.deepEqual(rp1.errors, []);
      const [session] = [...rp1.sessions.values()];
      assert.equal(rp1.sessions.size, 1);
      assert.equal(session!.acr, 'idporten-loa-substantial');
      assert.deepEqual(session!.amr, ['Minid-OTC']);
      assert.deepEqual(idportenPages.map((p) => p.replace(/\/login\/[^/]+/, '/login/{uid}')), [
        '/idporten/login/{uid}',
        '/idporten/login/{uid}/minid',
        '/idporten/login/{uid}/minid/kode',
      ]);
    });

    it('gives the second service SSO: straight back logged in as the same person, no login page shown', async () => {
      idportenPages.length = 0;
      await page.goto(`${rp2.origin}/login`);
      await page.waitForURL(`${rp2.origin}/`);
      assert.equal(await shownPid(), pid);
      assert.deepEqual(idportenPages, [], 'ID-porten showed no page');
      assert.deepEqual(rp2.errors, []);
      const [session] = [...rp2.sessions.values()];
      assert.equal(rp2.sessions.size, 1);
      assert.deepEqual(session!.amr, ['Minid-OTC']);
      const [first] = [...rp1.sessions.values()];
      assert.notEqual(session!.sid, first!.sid, 'each client has its own sid');
    });

    it('logs out of both services through front-channel logout, then returns to the first with its state', async () => {
      const sid1 = [...rp1.sessions.values()][0]!.sid;
      const sid2 = [...rp2.sessions.values()][0]!.sid;
      idportenPages.length = 0;
      await page.goto(`${rp1.origin}/logout`);
      await page.waitForURL(new RegExp(`^${rp1.origin}/logged-out\\?`));
      assert.deepEqual(idportenPages, ['/idporten/logout'], 'the logout page was shown');
      assert.equal(new URL(page.url()).searchParams.get('state'), rp1.logoutStates[0]);
      assert.deepEqual(rp1.returnedStates, rp1.logoutStates);

      assert.deepEqual(rp1.frontchannelCalls, [{ iss: idporten.issuer, sid: sid1, ended: 1 }]);
      assert.deepEqual(rp2.frontchannelCalls, [{ iss: idporten.issuer, sid: sid2, ended: 1 }]);
      assert.equal(rp1.sessions.size, 0);
      assert.equal(rp2.sessions.size, 0);
      await page.goto(`${rp2.origin}/`);
      assert.equal(await shownPid(), undefined);
      assert.equal(await page.locator('[data-logged-out]').count(), 1);
    });

    it('asks for a login again at the second service after the logout', async () => {
      idportenPages.length = 0;
      await page.goto(`${rp2.origin}/login`);
      assert.match(page.url(), /\/idporten\/login\/[^/]+$/);
      assert.equal(await page.locator('[data-grunnmur-page="method-choice"]').count(), 1);
      assert.equal(rp2.sessions.size, 0);
    });

    it('showed ID-porten pages with a language and a label on every input', () => {
      const paths = reports.map((r) => new URL(r.url).pathname.replace(/\/login\/[^/]+/, '/login/{uid}'));
      for (const path of ['/idporten/login/{uid}', '/idporten/login/{uid}/minid', '/idporten/login/{uid}/minid/kode', '/idporten/logout']) {
        assert.ok(paths.includes(path), `no report from ${path}: ${paths.join(', ')}`);
      }
      for (const r of reports) {
        assert.equal(r.lang, 'nb', `lang on ${r.url}`);
        assert.deepEqual(r.unlabelled, [], `unlabelled inputs on ${r.url}`);
      }
      assert.equal(reports.find((r) => r.url.endsWith('/minid'))?.inputs, 2, 'fødselsnummer and password');
      assert.equal(reports.find((r) => r.url.endsWith('/minid/kode'))?.inputs, 1, 'the code');
    });

    it('loaded everything without console errors, CSP violations, failed requests or errors in the services', () => {
      assert.deepEqual(problems, []);
      assert.deepEqual([...rp1.errors, ...rp2.errors], []);
    });
  });
}
