/**
 * The client admin API against a listening server: a change made through `/idporten/clients` is
 * in force at the authorize and token endpoints from the next request on.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oc from 'openid-client';
import { decodeJwt } from 'jose';
import { mintPlatformToken } from '../../platform/auth/testing.ts';
import { testEngines } from '../../platform/db/testing.ts';
import { registerIdportenClient } from '../index.ts';
import { loginWithTestId, startIdporten, TestBrowser, type RunningIdporten } from '../testing/oidc-harness.ts';

const ORGNO = '991825827';
const FIRST = 'http://localhost:9999/first';
const SECOND = 'http://localhost:9999/second';

/** A token request at /idporten/token with client_secret_basic. */
async function tokenRequest(server: RunningIdporten, clientId: string, secret: string, form: Record<string, string>) {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  const res = await fetch(`${server.issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** Authorization request parameters with PKCE, state and nonce for `redirectUri`. */
async function authorizeUrl(server: RunningIdporten, clientId: string, redirectUri: string): Promise<{ url: string; verifier: string }> {
  const verifier = oc.randomPKCECodeVerifier();
  const params = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile',
    code_challenge: await oc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: oc.randomState(),
    nonce: oc.randomNonce(),
  });
  return { url: `${server.issuer}/authorize?${params}`, verifier };
}

for (const engine of testEngines()) {
  describe(`ID-porten client admin API in force at once, over HTTP on ${engine}`, () => {
    let server: RunningIdporten;
    let auth: string;

    async function admin(method: string, path: string, body?: unknown) {
      const res = await fetch(`${server.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${auth}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    }

    before(async () => {
      server = await startIdporten(engine);
      auth = await mintPlatformToken(server.platform, { consumerOrgno: ORGNO, scope: ['idporten:dcr.write'], lifetimeS: 3600 });
    });
    after(() => server.close());

    it('logs in at an updated redirect_uri at once, refuses the old one, and after a secret rotation refuses the old secret and accepts the new', async () => {
      const created = await admin('POST', '/idporten/clients', { client_name: 'Tjeneste', redirect_uris: [FIRST] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const clientId: string = created.body.client_id;
      const changed = await admin('PUT', `/idporten/clients/${clientId}`, { client_name: 'Tjeneste', redirect_uris: [SECOND] });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));

      // The old redirect URI is now unregistered: an error page, never a redirect.
      const old = await fetch((await authorizeUrl(server, clientId, FIRST)).url, { redirect: 'manual' });
      assert.equal(old.status, 400);
      assert.equal(old.headers.get('location'), null);

      // The new one works at once: a whole TestID login back to it.
      const { url, verifier } = await authorizeUrl(server, clientId, SECOND);
      const { callback, pid } = await loginWithTestId(new TestBrowser(), url, server.base);
      assert.equal(`${callback.origin}${callback.pathname}`, SECOND);
      const code = callback.searchParams.get('code')!;
      const form = { grant_type: 'authorization_code', code, redirect_uri: SECOND, code_verifier: verifier };

      const rotated = await admin('POST', `/idporten/clients/${clientId}/secret`);
      assert.equal(rotated.status, 200);
      const refused = await tokenRequest(server, clientId, created.body.client_secret, form);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'invalid_client');
      const accepted = await tokenRequest(server, clientId, rotated.body.client_secret, form);
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      assert.equal(decodeJwt(accepted.body.id_token!).pid, pid);
    });

    it('refuses a secret past its 360 days at the token endpoint with invalid_client', async () => {
      const longAgo = Date.now() - 361 * 86_400_000;
      const expired = await registerIdportenClient(server.platform.db, { client_name: 'Gammel', redirect_uris: [FIRST] }, { orgno: ORGNO }, { mode: 'test', now: longAgo });
      const fresh = await registerIdportenClient(server.platform.db, { client_name: 'Ny', redirect_uris: [FIRST] }, { orgno: ORGNO }, { mode: 'test' });
      const form = { grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: FIRST, code_verifier: 'x'.repeat(43) };
      const refused = await tokenRequest(server, expired.client_id, expired.client_secret!, form);
      // oidc-provider answers this invalid_client with 400 (a wrong secret gets 401).
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body, { error: 'invalid_client', error_description: 'could not authenticate the client - its client secret is expired' });
      // A valid secret gets past client authentication to the (bogus) code.
      const authenticated = await tokenRequest(server, fresh.client_id, fresh.client_secret!, form);
      assert.equal(authenticated.body.error, 'invalid_grant');
    });

    it('no longer knows a deleted client at the authorize endpoint', async () => {
      const created = await admin('POST', '/idporten/clients', { client_name: 'Kortlivet', redirect_uris: [FIRST] });
      assert.equal((await admin('DELETE', `/idporten/clients/${created.body.client_id}`)).status, 200);
      const res = await fetch((await authorizeUrl(server, created.body.client_id, FIRST)).url, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
    });
  });
}
