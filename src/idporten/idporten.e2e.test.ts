/**
 * ID-porten end to end, over real HTTP against a listening server, with `openid-client` as the
 * relying party and a cookie-keeping fetch "browser" logging in with TestID.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oc from 'openid-client';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { testEngines } from '../platform/db/testing.ts';
import { createRng, generateFodselsnummer } from '../platform/identifiers/index.ts';
import { createIdportenClient, type IdportenClient } from './index.ts';
import { loginWithTestId, openLoginMethod, parseTestIdPage, startIdporten, TestBrowser, type RunningIdporten } from './testing/oidc-harness.ts';

const REDIRECT = 'http://localhost:9999/callback';
const ORGNO = '991825827';

interface Rp {
  client: IdportenClient;
  config: oc.Configuration;
}

async function rp(server: RunningIdporten, input: Partial<Parameters<typeof createIdportenClient>[1]> = {}): Promise<Rp> {
  const client = await createIdportenClient(
    server.platform.db,
    { client_name: 'Testtjeneste', client_orgno: ORGNO, redirect_uris: [REDIRECT], ...input },
    { mode: 'test' },
  );
  const config = await oc.discovery(new URL(server.issuer), client.client_id, client.client_secret, oc.ClientSecretBasic(client.client_secret), {
    execute: [oc.allowInsecureRequests],
  });
  return { client, config };
}

/** Authorization request parameters with PKCE, state and nonce. */
async function authParams(extra: Record<string, string> = {}): Promise<{ params: Record<string, string>; verifier: string; state: string; nonce: string }> {
  const verifier = oc.randomPKCECodeVerifier();
  const state = oc.randomState();
  const nonce = oc.randomNonce();
  return {
    verifier,
    state,
    nonce,
    params: {
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      code_challenge: await oc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    },
  };
}

/** A whole login: authorize → TestID → code → tokens. */
async function login(server: RunningIdporten, party: Rp, extra: Record<string, string> = {}, choose: { pid?: string; acr?: string } = {}) {
  const { params, verifier, state, nonce } = await authParams(extra);
  const url = oc.buildAuthorizationUrl(party.config, params);
  const { callback, pid } = await loginWithTestId(new TestBrowser(), url.href, server.base, choose);
  const tokens = await oc.authorizationCodeGrant(party.config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { tokens, pid, callback, verifier };
}

async function payloadRows(server: RunningIdporten): Promise<number> {
  const row = await server.db.kysely.selectFrom('idporten_oidc_payloads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number((row as { n: unknown }).n);
}

/** GET an authorization URL without following the redirect. */
async function authorize(server: RunningIdporten, params: Record<string, string>): Promise<Response> {
  return fetch(`${server.issuer}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
}

/** The OAuth error a redirect carries back to the client. */
function redirectedError(res: Response): { error: string | null; error_description: string | null; state: string | null; iss: string | null } {
  assert.equal(res.status, 303, `expected a redirect, got ${res.status}`);
  const location = new URL(res.headers.get('location')!);
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  // response_type=token's default response mode is the fragment (OAuth 2.0 Multiple Response Types §5).
  const q = location.searchParams.has('error') ? location.searchParams : new URLSearchParams(location.hash.slice(1));
  return { error: q.get('error'), error_description: q.get('error_description'), state: q.get('state'), iss: q.get('iss') };
}

async function tokenRequest(server: RunningIdporten, party: Rp, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(party.client.client_id)}:${encodeURIComponent(party.client.client_secret!)}`).toString('base64')}`,
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

for (const engine of testEngines()) {
  describe(`ID-porten over HTTP on ${engine}`, () => {
    let server: RunningIdporten;
    let web: Rp;
    let other: Rp;

    before(async () => {
      server = await startIdporten(engine);
      web = await rp(server, { grant_types: ['authorization_code', 'refresh_token'] });
      other = await rp(server, { frontchannel_logout_session_required: true, frontchannel_logout_uri: 'http://localhost:9999/logout' });
    });
    after(async () => {
      await server?.close();
    });

    it('publishes discovery with the issuer without a trailing slash and Digdir-shaped endpoints', async () => {
      const res = await fetch(`${server.issuer}/.well-known/openid-configuration`);
      assert.equal(res.status, 200);
      const doc = (await res.json()) as Record<string, unknown>;
      assert.equal(doc.issuer, server.issuer);
      assert.equal(doc.authorization_endpoint, `${server.issuer}/authorize`);
      assert.equal(doc.token_endpoint, `${server.issuer}/token`);
      assert.equal(doc.pushed_authorization_request_endpoint, `${server.issuer}/par`);
      assert.equal(doc.jwks_uri, `${server.issuer}/jwks.json`);
      assert.equal(doc.userinfo_endpoint, `${server.issuer}/userinfo`);
      assert.equal(doc.end_session_endpoint, `${server.issuer}/logout`);
      assert.equal(doc.revocation_endpoint, `${server.issuer}/revoke`);
      assert.equal(doc.introspection_endpoint, `${server.issuer}/token/introspect`);
      assert.deepEqual(doc.response_types_supported, ['code']);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(doc.acr_values_supported, ['idporten-loa-substantial', 'idporten-loa-high']);
      assert.deepEqual(doc.ui_locales_supported, ['nb', 'nn', 'en', 'se']);
      assert.deepEqual(doc.subject_types_supported, ['pairwise']);
      assert.equal(doc.authorization_response_iss_parameter_supported, true);
      assert.equal(doc.frontchannel_logout_supported, true);
      assert.equal(doc.frontchannel_logout_session_supported, true);
      assert.deepEqual(doc.token_endpoint_auth_signing_alg_values_supported, ['RS256', 'RS384', 'RS512']);
      assert.ok(!(doc.introspection_endpoint_auth_methods_supported as string[]).includes('none'));
    });

    it('completes code + PKCE with TestID: ID token with pid, acr, amr array, locale, pairwise sub and no sid', async () => {
      const { tokens, pid, callback } = await login(server, web, { ui_locales: 'nn' });
      assert.equal(callback.searchParams.get('iss'), server.issuer);
      const claims = tokens.claims()!;
      assert.equal(claims.pid, pid);
      assert.equal(claims.acr, 'idporten-loa-substantial');
      assert.deepEqual(claims.amr, ['TestID']);
      assert.equal(claims.locale, 'nn');
      assert.equal(typeof claims.auth_time, 'number');
      assert.notEqual(claims.sub, pid);
      assert.equal(claims.sid, undefined);
      const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()) as { alg: string; kid: string };
      assert.equal(header.alg, 'RS256');
      assert.equal(typeof header.kid, 'string');
    });

    it('gives each client its own sub for the same person, and sid only to a client registered with frontchannel_logout_session_required', async () => {
      const first = await login(server, web);
      const second = await login(server, other, {}, { pid: first.pid });
      assert.equal(second.tokens.claims()!.pid, first.pid);
      assert.notEqual(second.tokens.claims()!.sub, first.tokens.claims()!.sub);
      assert.equal(typeof second.tokens.claims()!.sid, 'string');
    });

    it('issues a JWT access token with Digdir claims, verifiable with the published JWKS', async () => {
      const { tokens, pid } = await login(server, web, {}, { acr: 'idporten-loa-high' });
      const jwks = createLocalJWKSet((await (await fetch(`${server.issuer}/jwks.json`)).json()) as { keys: [] });
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: server.issuer, typ: 'at+jwt' });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.aud, 'unspecified');
      assert.equal(payload.client_id, web.client.client_id);
      assert.equal(payload.client_amr, 'client_secret_basic');
      assert.deepEqual(payload.consumer, { authority: 'iso6523-actorid-upis', ID: `0192:${ORGNO}` });
      assert.equal(payload.scope, 'openid profile');
      assert.equal(payload.pid, pid);
      assert.equal(payload.acr, 'idporten-loa-high');
      assert.equal(payload.sub, tokens.claims()!.sub);
      assert.equal(payload.exp! - payload.iat!, 120);
      assert.equal(typeof payload.jti, 'string');
      assert.equal(tokens.expires_in, 120);
    });

    it('answers response_mode=form_post with an auto-posting form to the redirect URI, its script allowed by hash in the CSP', async () => {
      const { params, state } = await authParams({ response_mode: 'form_post' });
      const browser = new TestBrowser();
      const page = parseTestIdPage((await openLoginMethod(browser, oc.buildAuthorizationUrl(web.config, params).href, server.base, 'testid')).page);
      const done = await browser.follow(`${server.base}${page.action}`, server.base, { form: { csrf: page.csrf, pid: page.firstPid, acr: 'idporten-loa-substantial' } });
      assert.equal(done.res?.status, 200);
      const body = await done.res!.text();
      assert.match(body, new RegExp(`<form method="post" action="${REDIRECT}">`));
      assert.match(body, new RegExp(`name="state" value="${state}"`));
      assert.match(body, /name="code" value="[^"]+"/);
      assert.match(body, new RegExp(`name="iss" value="${server.issuer.replaceAll('/', '\\/')}"`));
      assert.match(done.res!.headers.get('content-security-policy') ?? '', /script-src 'self' 'sha256-[^']+'/);
    });

    it('puts the requested resource in the access token aud', async () => {
      const { tokens } = await login(server, web, { resource: 'https://api.example.no/' });
      assert.equal(decodeJwt(tokens.access_token).aud, 'https://api.example.no/');
    });

    it('signs with the new key after a rotation and keeps the old key in the JWKS', async () => {
      const before = await login(server, web);
      const oldKid = (JSON.parse(Buffer.from(before.tokens.id_token!.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
      const rotated = await server.platform.keys.rotate(server.issuer);
      assert.notEqual(rotated.kid, oldKid);
      const afterLogin = await login(server, web);
      const newKid = (JSON.parse(Buffer.from(afterLogin.tokens.id_token!.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
      assert.equal(newKid, rotated.kid);
      const jwks = (await (await fetch(`${server.issuer}/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
      assert.deepEqual(jwks.keys.map((k) => k.kid), [rotated.kid, oldKid]);
      await jwtVerify(before.tokens.access_token, createLocalJWKSet(jwks as never), { issuer: server.issuer });
    });

    it('answers userinfo with the pairwise sub and pid for the access token', async () => {
      const { tokens, pid } = await login(server, web);
      const info = await oc.fetchUserInfo(web.config, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.pid, pid);
    });

    it('refreshes for a client registered with refresh_token, rotating the refresh token', async () => {
      const { tokens } = await login(server, web);
      assert.equal(typeof tokens.refresh_token, 'string');
      const refreshed = await oc.refreshTokenGrant(web.config, tokens.refresh_token!);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
      assert.equal(decodeJwt(refreshed.access_token).acr, 'idporten-loa-substantial');
      const reused = await tokenRequest(server, web, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
      assert.equal(reused.status, 400);
      assert.equal(reused.body.error, 'invalid_grant');
    });

    it('gives no refresh token to a client not registered with refresh_token', async () => {
      const { tokens } = await login(server, other);
      assert.equal(tokens.refresh_token, undefined);
    });

    it('revokes a refresh token at /revoke', async () => {
      const { tokens } = await login(server, web);
      await oc.tokenRevocation(web.config, tokens.refresh_token!);
      const after = await tokenRequest(server, web, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
      assert.equal(after.status, 400);
      assert.equal(after.body.error, 'invalid_grant');
    });

    it('accepts a pushed authorization request with a 120 s request_uri and completes the login', async () => {
      const { params, verifier, state, nonce } = await authParams();
      const res = await fetch(`${server.issuer}/par`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${web.client.client_id}:${encodeURIComponent(web.client.client_secret!)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ ...params, response_type: 'code', client_id: web.client.client_id }).toString(),
      });
      assert.equal(res.status, 201);
      const par = (await res.json()) as { request_uri: string; expires_in: number };
      assert.equal(par.expires_in, 120);
      const url = `${server.issuer}/authorize?${new URLSearchParams({ client_id: web.client.client_id, request_uri: par.request_uri })}`;
      const { callback } = await loginWithTestId(new TestBrowser(), url, server.base);
      const tokens = await oc.authorizationCodeGrant(web.config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
      assert.deepEqual(tokens.claims()!.amr, ['TestID']);
    });

    describe('bad authorization requests', () => {
      const cases: Array<{ name: string; drop?: string[]; set?: Record<string, string>; error: string; description: string }> = [
        { name: 'a missing response_type', drop: ['response_type'], error: 'invalid_request', description: "missing required parameter 'response_type'" },
        { name: 'response_type=token', set: { response_type: 'token' }, error: 'unsupported_response_type', description: 'unsupported response_type requested' },
        { name: 'no PKCE', drop: ['code_challenge', 'code_challenge_method'], error: 'invalid_request', description: 'Authorization Server policy requires PKCE to be used for this request' },
        { name: 'a missing state', drop: ['state'], error: 'invalid_request', description: "missing required parameter 'state'" },
        { name: 'a missing nonce', drop: ['nonce'], error: 'invalid_request', description: "missing required parameter 'nonce'" },
        { name: 'an unsupported acr_values', set: { acr_values: 'Level4' }, error: 'invalid_request', description: 'acr_values not supported: Level4 (supported: idporten-loa-substantial idporten-loa-high)' },
        { name: 'a scope the client is not registered for', set: { scope: 'openid profile krr:user/kontaktinformasjon.read' }, error: 'invalid_scope', description: 'scope not registered for this client: krr:user/kontaktinformasjon.read' },
      ];
      for (const c of cases) {
        it(`redirects ${c.name} back with ${c.error} and stores nothing`, async () => {
          const { params } = await authParams();
          const all: Record<string, string> = { client_id: web.client.client_id, response_type: 'code', ...params, ...c.set };
          for (const name of c.drop ?? []) delete all[name];
          const before = await payloadRows(server);
          const res = await authorize(server, all);
          const err = redirectedError(res);
          assert.equal(err.error, c.error);
          assert.equal(err.error_description, c.description);
          assert.equal(err.iss, server.issuer);
          assert.equal(err.state, all.state ?? null);
          assert.equal(await payloadRows(server), before);
        });
      }

      it('shows an error page, never a redirect, for an unknown client_id, and stores nothing', async () => {
        const { params } = await authParams();
        const before = await payloadRows(server);
        const res = await authorize(server, { client_id: 'no-such-client', response_type: 'code', ...params });
        assert.equal(res.status, 400);
        assert.equal(res.headers.get('location'), null);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        const page = await res.text();
        assert.match(page, /<code>invalid_client<\/code>/);
        assert.doesNotMatch(page, /at .*\.js:\d+/);
        assert.equal(await payloadRows(server), before);
      });

      it('shows an error page, never a redirect, for an unregistered redirect_uri, and stores nothing', async () => {
        const { params } = await authParams({ redirect_uri: 'https://evil.example/callback' });
        const before = await payloadRows(server);
        const res = await authorize(server, { client_id: web.client.client_id, response_type: 'code', ...params });
        assert.equal(res.status, 400);
        assert.equal(res.headers.get('location'), null);
        const page = await res.text();
        assert.match(page, /<code>invalid_redirect_uri<\/code>/);
        assert.match(page, /redirect_uri did not match any of the client&#39;s registered redirect_uris/);
        assert.equal(await payloadRows(server), before);
      });
    });

    describe('the TestID login page', () => {
      /** Opens the TestID page of a new login in a new browser. */
      async function openTestId(extra: Record<string, string> = {}) {
        const { params } = await authParams(extra);
        const browser = new TestBrowser();
        const page = parseTestIdPage((await openLoginMethod(browser, oc.buildAuthorizationUrl(web.config, params).href, server.base, 'testid')).page);
        return { browser, page, url: `${server.base}${page.action}` };
      }

      it('shows the login in the language of ui_locales, CSRF-protected and not cached', async () => {
        const { params } = await authParams({ ui_locales: 'en' });
        const start = await new TestBrowser().follow(oc.buildAuthorizationUrl(web.config, params).href, server.base);
        const page = await start.res!.text();
        assert.match(page, /<html lang="en"/);
        assert.match(page, /You are logging in to <strong>Testtjeneste<\/strong>/);
        assert.equal(start.res!.headers.get('cache-control'), 'no-store');
      });

      it('re-shows the page with an error for an invalid fødselsnummer, a person not in Folkeregisteret, or a level below acr_values', async () => {
        const { browser, page, url } = await openTestId({ acr_values: 'idporten-loa-high' });
        const cases: Array<[Record<string, string>, RegExp]> = [
          [{ pid_typed: '12345678901', acr: 'idporten-loa-high' }, /Fødselsnummeret er ikke gyldig\./],
          // A valid synthetic number of someone born in 1854: the seeded population has no such person.
          [{ pid_typed: generateFodselsnummer(createRng('nobody'), { birthDate: '1854-01-01' }), acr: 'idporten-loa-high' }, /Det finnes ingen person med dette nummeret i Folkeregisteret\./],
          [{ pid: page.firstPid, acr: 'idporten-loa-substantial' }, /Velg et sikkerhetsnivå tjenesten godtar\./],
        ];
        for (const [form, message] of cases) {
          const before = await payloadRows(server);
          const res = await browser.request(url, { form: { csrf: page.csrf, ...form } });
          assert.equal(res.status, 400);
          assert.match(await res.text(), message);
          assert.equal(await payloadRows(server), before);
        }
      });

      it('refuses a form without this login\'s CSRF token with IDPORTEN_CSRF_MISMATCH', async () => {
        const { browser, page, url } = await openTestId();
        const before = await payloadRows(server);
        const res = await browser.request(url, { form: { csrf: 'forged', pid: page.firstPid, acr: 'idporten-loa-substantial' } });
        assert.equal(res.status, 403);
        assert.match(await res.text(), /<code>IDPORTEN_CSRF_MISMATCH<\/code>/);
        assert.equal(await payloadRows(server), before);
      });

      it('refuses to continue a login from another browser with IDPORTEN_LOGIN_NOT_FOUND', async () => {
        const { page, url } = await openTestId();
        const before = await payloadRows(server);
        const res = await new TestBrowser().request(url, { form: { csrf: page.csrf, pid: page.firstPid, acr: 'idporten-loa-substantial' } });
        assert.equal(res.status, 400);
        assert.match(await res.text(), /<code>IDPORTEN_LOGIN_NOT_FOUND<\/code>/);
        assert.equal(await payloadRows(server), before);
      });
    });

    it('keeps the kernel in front: problem+json 404 for other paths, request id and security headers on provider answers', async () => {
      const missing = await fetch(`${server.issuer}/nosuchpath`);
      assert.equal(missing.status, 404);
      assert.match(missing.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const discovery = await fetch(`${server.issuer}/.well-known/openid-configuration`, { headers: { 'x-request-id': 'test-request-0001' } });
      assert.equal(discovery.headers.get('x-request-id'), 'test-request-0001');
      assert.match(discovery.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.equal(discovery.headers.get('x-content-type-options'), 'nosniff');
    });

    it('answers an authorization request sent by POST with 405 Allow: GET (Lax session cookies; PAR is the POST way)', async () => {
      const before = await payloadRows(server);
      const res = await fetch(`${server.issuer}/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_id=x&response_type=code',
      });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
      assert.equal(((await res.json()) as { code: string }).code, 'PLATFORM_METHOD_NOT_ALLOWED');
      assert.equal(await payloadRows(server), before);
    });

    describe('bad token requests', () => {
      it('rejects a wrong code_verifier with invalid_grant', async () => {
        const { params } = await authParams();
        const { callback } = await loginWithTestId(new TestBrowser(), oc.buildAuthorizationUrl(web.config, params).href, server.base);
        const res = await tokenRequest(server, web, {
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          redirect_uri: REDIRECT,
          code_verifier: oc.randomPKCECodeVerifier(),
        });
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'invalid_grant');
      });

      it('rejects a code used twice with invalid_grant and revokes what the first use gave', async () => {
        const { params, verifier } = await authParams();
        const { callback } = await loginWithTestId(new TestBrowser(), oc.buildAuthorizationUrl(web.config, params).href, server.base);
        const form = { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier };
        const first = await tokenRequest(server, web, form);
        assert.equal(first.status, 200);
        const second = await tokenRequest(server, web, form);
        assert.equal(second.status, 400);
        assert.equal(second.body.error, 'invalid_grant');
        assert.equal(second.body.error_description, 'grant request is invalid');
        const refresh = await tokenRequest(server, web, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
        assert.equal(refresh.body.error, 'invalid_grant');
      });

      it('rejects a code issued to another client with invalid_grant', async () => {
        const { params, verifier } = await authParams();
        const { callback } = await loginWithTestId(new TestBrowser(), oc.buildAuthorizationUrl(other.config, params).href, server.base);
        const res = await tokenRequest(server, web, {
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          redirect_uri: REDIRECT,
          code_verifier: verifier,
        });
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'invalid_grant');
      });
    });
  });
}
