/**
 * The usage counter of ID-porten (`idporten`/`login`, the statistics page's "logins in
 * ID-porten"): one per authorization code issued at the end of a successful authorization (a
 * login, or SSO), counted in the transaction that stores the code. A token exchange, a refused
 * authorization and a replaced code count nothing; a rolled-back store counts nothing. The
 * adapter on both databases; the logins over HTTP with `openid-client` on both databases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oc from 'openid-client';
import { createTestDatabase, testEngines } from '../platform/db/testing.ts';
import { Stats, statsMigrations } from '../platform/stats/stats.ts';
import { LOGIN_STATS_EVENT } from './provider/create-provider.ts';
import { idportenMigrations } from './store/migrations.ts';
import { OidcDbAdapter } from './store/payloads-store.ts';
import { createIdportenClient } from './index.ts';
import { loginWithTestId, startIdporten, TestBrowser, type RunningIdporten } from './testing/oidc-harness.ts';

const REDIRECT = 'http://localhost:9999/callback';
const noClients = () => undefined;

for (const engine of testEngines()) {
  describe(`ID-porten's code store counts in its transaction on ${engine}`, () => {
    it('runs the insert hook once per new code, in the insert’s transaction, and rolls back both on failure', async () => {
      const db = await createTestDatabase(engine, [
        { component: 'platform', migrations: statsMigrations },
        { component: 'idporten', migrations: idportenMigrations },
      ]);
      try {
        const stats = new Stats(db);
        const count = async () => (await stats.list({ component: 'idporten', event: LOGIN_STATS_EVENT })).reduce((n, r) => n + r.count, 0);
        const codes = new OidcDbAdapter('AuthorizationCode', db, noClients, undefined, (trx) => stats.increment('idporten', LOGIN_STATS_EVENT, 1, { executor: trx }));
        await codes.upsert('code-1', { jti: 'code-1', grantId: 'g1' }, 60);
        assert.equal(await count(), 1);
        await codes.upsert('code-1', { jti: 'code-1', grantId: 'g1', scope: 'openid' }, 60);
        assert.equal(await count(), 1, 'a replaced code is not a new login');
        assert.equal((await codes.find('code-1'))?.scope, 'openid', 'the replacement is stored');

        const failing = new OidcDbAdapter('AuthorizationCode', db, noClients, undefined, async (trx) => {
          await stats.increment('idporten', LOGIN_STATS_EVENT, 1, { executor: trx });
          throw new Error('fails after counting');
        });
        await assert.rejects(failing.upsert('code-2', { jti: 'code-2' }, 60), /fails after counting/);
        assert.equal(await codes.find('code-2'), undefined, 'no code stored');
        assert.equal(await count(), 1, 'nothing counted');

        const sessions = new OidcDbAdapter('Session', db, noClients);
        await sessions.upsert('s-1', { uid: 'u-1' }, 60);
        assert.equal(await count(), 1, 'other models count nothing');
      } finally {
        await db.close();
      }
    });
  });

  describe(`ID-porten logins counted over HTTP on ${engine}`, () => {
    let server: RunningIdporten;
    let config: oc.Configuration;

    before(async () => {
      server = await startIdporten(engine);
      const client = await createIdportenClient(server.platform.db, { client_name: 'Statistikk', client_orgno: '991825827', redirect_uris: [REDIRECT] }, { mode: 'test' });
      config = await oc.discovery(new URL(server.issuer), client.client_id, client.client_secret, oc.ClientSecretBasic(client.client_secret), { execute: [oc.allowInsecureRequests] });
    });
    after(async () => server?.close());

    async function logins(): Promise<number> {
      return (await server.platform.stats.list({ component: 'idporten', event: LOGIN_STATS_EVENT })).reduce((n, r) => n + r.count, 0);
    }

    async function authorizationUrl(extra: Record<string, string> = {}): Promise<{ url: URL; verifier: string; state: string; nonce: string }> {
      const verifier = oc.randomPKCECodeVerifier();
      const state = oc.randomState();
      const nonce = oc.randomNonce();
      const url = oc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid profile',
        code_challenge: await oc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...extra,
      });
      return { url, verifier, state, nonce };
    }

    it('counts a TestID login once, nothing for its token exchange, and an SSO login once more', async () => {
      const before = await logins();
      const browser = new TestBrowser();
      const first = await authorizationUrl();
      const { callback } = await loginWithTestId(browser, first.url.href, server.base);
      assert.equal(await logins(), before + 1);
      const tokens = await oc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: first.verifier, expectedState: first.state, expectedNonce: first.nonce });
      assert.ok(tokens.access_token);
      assert.equal(await logins(), before + 1, 'the token exchange is not a login');

      const again = await authorizationUrl();
      const sso = await browser.follow(again.url.href, server.base);
      assert.ok(sso.redirectedTo?.searchParams.get('code'), 'SSO: a code without a login page');
      assert.equal(await logins(), before + 2);
    });

    it('counts nothing for an authorization that ends without a code', async () => {
      const before = await logins();
      const { url } = await authorizationUrl({ prompt: 'none' });
      const done = await new TestBrowser().follow(url.href, server.base);
      assert.equal(done.redirectedTo?.searchParams.get('error'), 'login_required');
      assert.equal(await logins(), before);
    });
  });
}
