/**
 * Token introspection (RFC 7662 with Digdir's rules) and the scopes' `at_max_age` cap on access
 * tokens, over real HTTP. Scopes live in Maskinporten's registry and are read by ID-porten
 * through its open list.
 */
import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as oc from 'openid-client';
import { decodeJwt } from 'jose';
import { testEngines } from '../platform/db/testing.ts';
import { createScope } from '../maskinporten/index.ts';
import { createIdportenClient, INTROSPECTION_SCOPE, type IdportenClient } from './index.ts';
import { loginWithTestId, startIdporten, TestBrowser, type RunningIdporten } from './testing/oidc-harness.ts';

const ORGNO = '991825827';
const REDIRECT = 'http://localhost:9999/callback';

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

async function login(server: RunningIdporten, party: Rp, scope = 'openid profile') {
  const verifier = oc.randomPKCECodeVerifier();
  const state = oc.randomState();
  const nonce = oc.randomNonce();
  const url = oc.buildAuthorizationUrl(party.config, {
    redirect_uri: REDIRECT,
    scope,
    code_challenge: await oc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { callback, pid } = await loginWithTestId(new TestBrowser(), url.href, server.base);
  const tokens = await oc.authorizationCodeGrant(party.config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { tokens, pid };
}

async function introspect(server: RunningIdporten, caller: Rp, token: string, secret = caller.client.client_secret!): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.issuer}/token/introspect`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(caller.client.client_id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

for (const engine of testEngines()) {
  describe(`ID-porten introspection and at_max_age on ${engine}`, () => {
    let server: RunningIdporten;
    let web: Rp; // may introspect (its own tokens); API scopes with caps
    let resourceServer: Rp; // may introspect, but no scope names it
    let plain: Rp; // may not introspect

    before(async () => {
      server = await startIdporten(engine);
      const owner = { orgno: ORGNO };
      await createScope(server.platform.db, { prefix: 'grunnmurtest', subscope: 'short', description: 'Kort', at_max_age: 60 }, owner);
      await createScope(server.platform.db, { prefix: 'grunnmurtest', subscope: 'shorter', description: 'Kortere', at_max_age: 30 }, owner);
      await createScope(server.platform.db, { prefix: 'grunnmurtest', subscope: 'long', description: 'Lang', at_max_age: 3600 }, owner);
      web = await rp(server, {
        scopes: ['openid', 'profile', INTROSPECTION_SCOPE, 'grunnmurtest:short', 'grunnmurtest:shorter', 'grunnmurtest:long'],
        grant_types: ['authorization_code', 'refresh_token'],
      });
      resourceServer = await rp(server, { scopes: ['openid', INTROSPECTION_SCOPE] });
      plain = await rp(server);
    });
    after(async () => {
      await server?.close();
    });

    describe('introspection', () => {
      it('refuses a caller without idporten:token.introspection with 403 insufficient_scope', async () => {
        const { tokens } = await login(server, plain);
        const res = await introspect(server, plain, tokens.access_token);
        assert.equal(res.status, 403);
        assert.equal(res.body.error, 'insufficient_scope');
        assert.equal(res.body.active, undefined);
      });

      it('refuses a caller with a wrong secret with 401 invalid_client', async () => {
        const { tokens } = await login(server, web);
        const res = await introspect(server, web, tokens.access_token, 'wrong-secret');
        assert.equal(res.status, 401);
        assert.equal(res.body.error, 'invalid_client');
      });

      it('answers a JWT access token with active: true and its claims to the client it was issued to', async () => {
        const { tokens, pid } = await login(server, web);
        const res = await introspect(server, web, tokens.access_token);
        assert.equal(res.status, 200);
        const claims = decodeJwt(tokens.access_token);
        assert.equal(res.body.active, true);
        assert.equal(res.body.token_type, 'Bearer');
        assert.equal(res.body.pid, pid);
        assert.equal(res.body.client_id, web.client.client_id);
        assert.equal(res.body.scope, 'openid profile');
        assert.equal(res.body.iss, server.issuer);
        assert.equal(res.body.acr, 'idporten-loa-substantial');
        assert.equal(res.body.exp, claims.exp);
        assert.equal(res.body.sub, claims.sub);
      });

      it('answers a refresh token with active: true to its own client', async () => {
        const { tokens } = await login(server, web);
        const res = await introspect(server, web, tokens.refresh_token!);
        assert.equal(res.status, 200);
        assert.equal(res.body.active, true);
        assert.equal(res.body.client_id, web.client.client_id);
        assert.equal(res.body.scope, 'openid profile');
      });

      it('answers active: false when the token\'s scopes do not name the caller', async () => {
        const login1 = await login(server, web);
        const login2 = await login(server, web, 'openid grunnmurtest:long');
        for (const token of [login1.tokens.access_token, login1.tokens.refresh_token!, login2.tokens.access_token]) {
          const res = await introspect(server, resourceServer, token);
          assert.equal(res.status, 200);
          assert.deepEqual(res.body, { active: false });
        }
        // Not even the token's own client for an API scope that does not name it.
        assert.deepEqual((await introspect(server, web, login2.tokens.access_token)).body, { active: false });
      });

      it('answers active: false for a garbage token, a forged JWT and an expired access token', async () => {
        const { tokens } = await login(server, web);
        const [header, payload] = tokens.access_token.split('.');
        for (const token of ['garbage', `${header}.${payload}.AAAA`, tokens.id_token!]) {
          assert.deepEqual((await introspect(server, web, token)).body, { active: false }, token);
        }
        mock.timers.enable({ apis: ['Date'], now: Date.now() });
        try {
          mock.timers.tick(121_000);
          assert.deepEqual((await introspect(server, web, tokens.access_token)).body, { active: false });
        } finally {
          mock.timers.reset();
        }
      });
    });

    describe('at_max_age', () => {
      const cases: Array<{ scope: string; lifetime: number; why: string }> = [
        { scope: 'openid profile', lifetime: 120, why: 'no cap for openid/profile: the client lifetime' },
        { scope: 'openid grunnmurtest:long', lifetime: 120, why: 'a cap above the client lifetime changes nothing' },
        { scope: 'openid grunnmurtest:short', lifetime: 60, why: 'the scope caps the token' },
        { scope: 'openid grunnmurtest:short grunnmurtest:shorter grunnmurtest:long', lifetime: 30, why: 'several scopes: the lowest wins' },
      ];
      for (const c of cases) {
        it(`gives ${c.scope} an access token of ${c.lifetime} s (${c.why})`, async () => {
          const { tokens } = await login(server, web, c.scope);
          const claims = decodeJwt(tokens.access_token);
          assert.equal(claims.scope, c.scope);
          assert.equal(claims.exp! - claims.iat!, c.lifetime);
          assert.equal(tokens.expires_in, c.lifetime);
        });
      }

      it('caps refreshed access tokens too', async () => {
        const { tokens } = await login(server, web, 'openid grunnmurtest:shorter');
        const refreshed = await oc.refreshTokenGrant(web.config, tokens.refresh_token!);
        const claims = decodeJwt(refreshed.access_token);
        assert.equal(claims.exp! - claims.iat!, 30);
      });
    });
  });
}
