/**
 * ID-porten's SSO session (30 min inactivity, 120 min maximum, prompt=login, sso_disabled) and
 * logout (checks, front-channel logout page, what ends with the session), over real HTTP with a
 * cookie-keeping browser and TestID. Time is moved with node:test's mocked `Date` (oidc-provider
 * reads the clock through `Date.now`), never waited for.
 */
import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as oc from 'openid-client';
import { decodeJwt } from 'jose';
import { testEngines } from '../platform/db/testing.ts';
import { createIdportenClient, type IdportenClient } from './index.ts';
import { loginWithTestId, openLoginMethod, startIdporten, TestBrowser, type RunningIdporten } from './testing/oidc-harness.ts';
import { LOGOUT_SCRIPT_HASH } from './views/logout-page.ts';

const ORGNO = '991825827';
const MINUTE = 60_000;

interface Rp {
  client: IdportenClient;
  config: oc.Configuration;
  redirect: string;
}

async function rp(server: RunningIdporten, redirect: string, input: Partial<Parameters<typeof createIdportenClient>[1]> = {}): Promise<Rp> {
  const client = await createIdportenClient(
    server.platform.db,
    { client_name: 'Testtjeneste', client_orgno: ORGNO, redirect_uris: [redirect], ...input },
    { mode: 'test' },
  );
  const config = await oc.discovery(new URL(server.issuer), client.client_id, client.client_secret, oc.ClientSecretBasic(client.client_secret), {
    execute: [oc.allowInsecureRequests],
  });
  return { client, config, redirect };
}

/** A fresh authorization URL for the party, with its PKCE verifier, state and nonce. */
async function authorizationUrl(party: Rp, extra: Record<string, string> = {}) {
  const verifier = oc.randomPKCECodeVerifier();
  const state = oc.randomState();
  const nonce = oc.randomNonce();
  const url = oc.buildAuthorizationUrl(party.config, {
    redirect_uri: party.redirect,
    scope: 'openid profile',
    code_challenge: await oc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url: url.href, verifier, state, nonce };
}

/** Logs in with TestID in `browser` and redeems the code. */
async function login(server: RunningIdporten, browser: TestBrowser, party: Rp, choose: { pid?: string } = {}, extra: Record<string, string> = {}) {
  const auth = await authorizationUrl(party, extra);
  const { callback, pid } = await loginWithTestId(browser, auth.url, server.base, choose);
  const tokens = await oc.authorizationCodeGrant(party.config, callback, { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
  return { tokens, pid };
}

/**
 * Sends the browser to the party's authorization endpoint: either SSO (straight back to the
 * client with a code, redeemed here) or a login page.
 */
async function trySso(server: RunningIdporten, browser: TestBrowser, party: Rp, extra: Record<string, string> = {}) {
  const auth = await authorizationUrl(party, extra);
  const { res, redirectedTo } = await browser.follow(auth.url, server.base);
  if (!redirectedTo) {
    assert.equal(res?.status, 200);
    return { sso: false as const, page: await res!.text() };
  }
  assert.equal(`${redirectedTo.origin}${redirectedTo.pathname}`, party.redirect, `expected the client's redirect URI, got ${redirectedTo.href}`);
  assert.equal(redirectedTo.searchParams.get('error'), null, `authorization error: ${redirectedTo.search}`);
  const tokens = await oc.authorizationCodeGrant(party.config, redirectedTo, { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
  return { sso: true as const, tokens, pid: tokens.claims()!.pid as string };
}

/** Rows of oidc-provider artefacts of one model. */
async function rows(server: RunningIdporten, model: string): Promise<Array<{ id: string; payload: string }>> {
  return server.db.kysely
    .selectFrom('idporten_oidc_payloads' as never)
    .select(['id', 'payload'] as never)
    .where('model' as never, '=', model as never)
    .orderBy('id' as never)
    .execute() as Promise<Array<{ id: string; payload: string }>>;
}

/** Runs `fn` with `Date` mocked from now; `advance(ms)` moves it. */
async function withClock(fn: (advance: (ms: number) => void) => Promise<void>): Promise<void> {
  mock.timers.enable({ apis: ['Date'], now: Date.now() });
  try {
    await fn((ms) => mock.timers.tick(ms));
  } finally {
    mock.timers.reset();
  }
}

for (const engine of testEngines()) {
  describe(`ID-porten SSO and logout on ${engine}`, () => {
    let server: RunningIdporten;
    let a: Rp; // front-channel logout with sid in the ID token, refresh tokens
    let b: Rp; // front-channel logout on another origin
    let c: Rp; // no front-channel logout
    let x: Rp; // sso_disabled
    let api: Rp; // an API scope besides openid, refresh tokens

    before(async () => {
      server = await startIdporten(engine);
      a = await rp(server, 'http://localhost:9999/a/callback', {
        frontchannel_logout_uri: 'http://localhost:9999/a/logout',
        frontchannel_logout_session_required: true,
        post_logout_redirect_uris: ['http://localhost:9999/a/logged-out'],
        grant_types: ['authorization_code', 'refresh_token'],
      });
      b = await rp(server, 'http://127.0.0.1:9998/b/callback', { frontchannel_logout_uri: 'http://127.0.0.1:9998/b/logout?tenant=1' });
      c = await rp(server, 'http://localhost:9997/c/callback', { post_logout_redirect_uris: ['http://localhost:9997/c/bye'] });
      x = await rp(server, 'http://localhost:9996/x/callback', { sso_disabled: true, frontchannel_logout_uri: 'http://localhost:9996/x/logout' });
      api = await rp(server, 'http://localhost:9995/api/callback', {
        scopes: ['openid', 'profile', 'grunnmurtest:data.read'],
        grant_types: ['authorization_code', 'refresh_token'],
      });
    });
    after(async () => {
      await server?.close();
    });

    describe('SSO session', () => {
      it('gives a second client SSO without a new login, for the same person', async () => {
        const browser = new TestBrowser();
        const first = await login(server, browser, a);
        const second = await trySso(server, browser, b);
        assert.equal(second.sso, true);
        assert.equal(second.sso && second.pid, first.pid);
      });

      it('forces a new login with prompt=login', async () => {
        const browser = new TestBrowser();
        await login(server, browser, a);
        const again = await trySso(server, browser, b, { prompt: 'login' });
        assert.equal(again.sso, false);
      });

      it('isolates an sso_disabled client: it gets no SSO from others, gives none, and keeps its own', async () => {
        const browser = new TestBrowser();
        const common = await login(server, browser, a);
        // Logged in at a, but x needs its own login; log in there as someone else.
        assert.equal((await trySso(server, browser, x)).sso, false);
        const { page } = await openLoginMethod(new TestBrowser(), (await authorizationUrl(x)).url, server.base, 'testid');
        const otherPid = [...page.matchAll(/name="pid" value="(\d{11})"/g)].map((m) => m[1]!).find((p) => p !== common.pid)!;
        assert.equal(typeof otherPid, 'string');
        const isolated = await login(server, browser, x, { pid: otherPid });
        assert.equal(isolated.pid, otherPid);
        // x keeps its own SSO…
        const xAgain = await trySso(server, browser, x);
        assert.equal(xAgain.sso && xAgain.pid, otherPid);
        // …and the common session is untouched by x's login.
        const cAgain = await trySso(server, browser, c);
        assert.equal(cAgain.sso && cAgain.pid, common.pid);
      });

      it('does not give other clients SSO after a login to an sso_disabled client only', async () => {
        const browser = new TestBrowser();
        await login(server, browser, x);
        const next = await trySso(server, browser, a);
        assert.equal(next.sso, false);
      });

      it('ends the session after more than 30 minutes without an authentication request', async () => {
        await withClock(async (advance) => {
          const browser = new TestBrowser();
          await login(server, browser, a);
          advance(29 * MINUTE);
          assert.equal((await trySso(server, browser, b)).sso, true);
          advance(29 * MINUTE); // 58 min after the login, 29 after the last request
          assert.equal((await trySso(server, browser, c)).sso, true);
          advance(30 * MINUTE + 1000);
          assert.equal((await trySso(server, browser, a)).sso, false);
        });
      });

      it('ends the session 120 minutes after the login, however active', async () => {
        await withClock(async (advance) => {
          const browser = new TestBrowser();
          await login(server, browser, a);
          for (let minutes = 25; minutes <= 100; minutes += 25) {
            advance(25 * MINUTE);
            assert.equal((await trySso(server, browser, b)).sso, true, `SSO after ${minutes} min`);
          }
          advance(19 * MINUTE); // 119 min
          assert.equal((await trySso(server, browser, c)).sso, true);
          advance(2 * MINUTE); // 121 min
          assert.equal((await trySso(server, browser, a)).sso, false);
        });
      });
    });

    describe('logout', () => {
      /** A browser logged in at a (TestID), b and c (SSO); with a's tokens. */
      async function loggedInEverywhere() {
        const browser = new TestBrowser();
        const atA = await login(server, browser, a);
        const atB = await trySso(server, browser, b);
        const atC = await trySso(server, browser, c);
        assert.ok(atB.sso && atC.sso);
        return { browser, tokens: atA.tokens, bTokens: atB.tokens };
      }

      async function logout(browser: TestBrowser, form: Record<string, string>): Promise<Response> {
        return browser.request(`${server.issuer}/logout`, { form });
      }

      const bad: Array<{ name: string; form: (idToken: string) => Record<string, string>; error: string; description: RegExp }> = [
        { name: 'a malformed id_token_hint', form: () => ({ id_token_hint: 'not.a.jwt' }), error: 'invalid_request', description: /could not decode id_token_hint/ },
        {
          name: 'an id_token_hint with a broken signature',
          form: (idToken) => ({ id_token_hint: `${idToken.slice(0, -4)}AAAA` }),
          error: 'invalid_request',
          description: /could not validate id_token_hint/,
        },
        {
          name: 'an unregistered post_logout_redirect_uri',
          form: (idToken) => ({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/bye' }),
          error: 'invalid_request',
          description: /post_logout_redirect_uri not registered/,
        },
        {
          name: 'a state that is not printable ASCII',
          form: (idToken) => ({ id_token_hint: idToken, post_logout_redirect_uri: 'http://localhost:9999/a/logged-out', state: 'blåbær' }),
          error: 'invalid_request',
          description: /state must be printable ASCII/,
        },
        {
          name: 'a client_id that is not the id_token_hint audience',
          form: (idToken) => ({ id_token_hint: idToken, client_id: c.client.client_id }),
          error: 'invalid_request',
          description: /client_id does not match the provided id_token_hint/,
        },
        { name: 'an unknown client_id', form: () => ({ client_id: 'no-such-client', post_logout_redirect_uri: 'http://localhost:9999/a/logged-out' }), error: 'invalid_client', description: /client is invalid/ },
      ];
      for (const bc of bad) {
        it(`shows an error page, never a redirect, for ${bc.name}, and the session lives on`, async () => {
          const { browser, tokens } = await loggedInEverywhere();
          const sessionsBefore = await rows(server, 'Session');
          const grantsBefore = await rows(server, 'Grant');
          const res = await logout(browser, bc.form(tokens.id_token!));
          assert.equal(res.status, 400);
          assert.equal(res.headers.get('location'), null);
          assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
          const page = await res.text();
          assert.match(page, new RegExp(`<code>${bc.error}</code>`));
          assert.match(page, bc.description);
          assert.deepEqual((await rows(server, 'Session')).map((r) => r.id), sessionsBefore.map((r) => r.id));
          assert.deepEqual(await rows(server, 'Grant'), grantsBefore);
          assert.equal((await trySso(server, browser, b)).sso, true);
        });
      }

      it('renders one hidden iframe per client with a frontchannel_logout_uri (iss, sid), then continues to post_logout_redirect_uri with state', async () => {
        const { browser, tokens } = await loggedInEverywhere();
        const sid = tokens.claims()!.sid as string;
        assert.equal(typeof sid, 'string');
        const state = 'state with spaces & symbols ~!';
        const res = await logout(browser, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://localhost:9999/a/logged-out', state });
        assert.equal(res.status, 200);
        const page = await res.text();
        const frames = [...page.matchAll(/<iframe data-frontchannel-logout src="([^"]+)"[^>]*hidden><\/iframe>/g)].map((m) => new URL(m[1]!.replaceAll('&amp;', '&')));
        assert.equal(frames.length, 2);
        const byPath = new Map(frames.map((f) => [`${f.origin}${f.pathname}`, f]));
        const atA = byPath.get('http://localhost:9999/a/logout')!;
        const atB = byPath.get('http://127.0.0.1:9998/b/logout')!;
        assert.equal(atA.searchParams.get('iss'), server.issuer);
        assert.equal(atA.searchParams.get('sid'), sid);
        assert.equal(atB.searchParams.get('iss'), server.issuer);
        assert.equal(atB.searchParams.get('tenant'), '1');
        assert.match(atB.searchParams.get('sid') ?? '', /^.{10,}$/);
        assert.notEqual(atB.searchParams.get('sid'), sid);
        const expected = new URL('http://localhost:9999/a/logged-out');
        expected.searchParams.set('state', state);
        assert.equal(res.headers.get('refresh'), `3; url=${expected.href}`);
        assert.match(page, new RegExp(`data-logout-continue href="${expected.href.replaceAll('&', '&amp;').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /frame-src http:\/\/localhost:9999 http:\/\/127\.0\.0\.1:9998(;|$)/);
        assert.ok(csp.includes(`script-src 'self' ${LOGOUT_SCRIPT_HASH}`), csp);
        assert.match(csp, /frame-ancestors 'none'/);
        assert.equal(res.headers.get('cache-control'), 'no-store');
      });

      it('ends the session: a new authorization request needs a login, and login-only refresh tokens die', async () => {
        const { browser, tokens } = await loggedInEverywhere();
        const res = await logout(browser, { id_token_hint: tokens.id_token! });
        assert.equal(res.status, 200);
        assert.match(await res.text(), /Du er logget ut/);
        assert.equal(browser.cookies.has('_idporten_session'), false);
        assert.equal((await trySso(server, browser, b)).sso, false);
        const refresh = await fetch(`${server.issuer}/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${a.client.client_id}:${encodeURIComponent(a.client.client_secret!)}`).toString('base64')}`,
          },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }).toString(),
        });
        assert.equal(refresh.status, 400);
        assert.equal(((await refresh.json()) as { error: string }).error, 'invalid_grant');
      });

      it('keeps refresh tokens of grants with API scopes after logout (they need /revoke)', async () => {
        const browser = new TestBrowser();
        const auth = await authorizationUrl(api, { scope: 'openid grunnmurtest:data.read' });
        const { callback } = await loginWithTestId(browser, auth.url, server.base);
        const tokens = await oc.authorizationCodeGrant(api.config, callback, { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
        assert.equal(decodeJwt(tokens.access_token).scope, 'openid grunnmurtest:data.read');
        const res = await logout(browser, { id_token_hint: tokens.id_token! });
        assert.equal(res.status, 200);
        const refreshed = await oc.refreshTokenGrant(api.config, tokens.refresh_token!);
        assert.equal(typeof refreshed.access_token, 'string');
      });

      it('logs out of sso_disabled clients too (logout is global)', async () => {
        const browser = new TestBrowser();
        const common = await login(server, browser, a);
        const isolated = await login(server, browser, x, { pid: common.pid });
        const res = await logout(browser, { id_token_hint: isolated.tokens.id_token! });
        const page = await res.text();
        assert.match(page, /src="http:\/\/localhost:9999\/a\/logout\?/);
        assert.match(page, /src="http:\/\/localhost:9996\/x\/logout\?/);
        assert.equal((await trySso(server, browser, a)).sso, false);
        assert.equal((await trySso(server, browser, x)).sso, false);
      });

      it('redirects straight to post_logout_redirect_uri with state when no client has front-channel logout', async () => {
        const browser = new TestBrowser();
        const { tokens } = await login(server, browser, c);
        const res = await browser.request(`${server.issuer}/logout?${new URLSearchParams({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://localhost:9997/c/bye', state: 'abc' })}`);
        assert.equal(res.status, 303);
        assert.equal(res.headers.get('location'), 'http://localhost:9997/c/bye?state=abc');
        assert.equal((await trySso(server, browser, c)).sso, false);
      });

      it('answers a logout without a session with the redirect (client_id instead of id_token_hint)', async () => {
        const res = await new TestBrowser().request(`${server.issuer}/logout?${new URLSearchParams({ client_id: c.client.client_id, post_logout_redirect_uri: 'http://localhost:9997/c/bye' })}`);
        assert.equal(res.status, 303);
        assert.equal(res.headers.get('location'), 'http://localhost:9997/c/bye');
      });
    });
  });
}
