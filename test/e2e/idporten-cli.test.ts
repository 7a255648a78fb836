/**
 * ID-porten for local work, as a user runs it: `grunnmur client create --integration-type
 * idporten`, then a TestID login through the printed authorization URL against a running
 * `grunnmur start`, and the code redeemed with the printed secret.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { createTestDatabase, testEngines } from '../../src/platform/db/testing.ts';
import { loginWithTestId, TestBrowser } from '../../src/idporten/testing/oidc-harness.ts';
import { MAIN, runCli, waitUntilRunning } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';

const ORG = '974760673';
const REDIRECT = 'http://localhost:9999/callback';

async function countClients(db: Awaited<ReturnType<typeof createTestDatabase>>): Promise<number> {
  const row = await db.kysely.selectFrom('idporten_clients' as never).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number((row as { n: unknown }).n);
}

/** A `name: value` line of the command's output. */
function field(stdout: string, name: string): string {
  const value = new RegExp(`^ {2}${name}: +(\\S+)`, 'm').exec(stdout)?.[1];
  assert.ok(value, `no ${name} in:\n${stdout}`);
  return value;
}

for (const engine of testEngines()) {
  describe(`grunnmur client create --integration-type idporten on ${engine}`, () => {
    it('refuses an http redirect URI that is not localhost, naming the rule, and writes nothing', async () => {
      const db = await createTestDatabase(engine, [], { file: true });
      try {
        const env = { DATABASE_URL: db.url };
        const run = await runCli(['client', 'create', '--integration-type', 'idporten', '--org', ORG, '--redirect-uri', 'http://tjeneste.example.no/cb'], env);
        assert.equal(run.code, 1, run.stderr);
        assert.equal(run.stderr, 'grunnmur: cannot create the client: redirect_uris[0]: must be https (plain http only to localhost) (IDPORTEN_INVALID_CLIENT)\n');
        assert.equal(run.stdout, '');
        assert.equal(await countClients(db), 0);
        const missing = await runCli(['client', 'create', '--integration-type', 'idporten', '--org', ORG], env);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /^grunnmur: --redirect-uri URL is required \(repeat it for more\)\n/);
        const unknown = await runCli(['client', 'create', '--integration-type', 'ansattporten', '--org', ORG, '--redirect-uri', REDIRECT], env);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /^grunnmur: --integration-type must be maskinporten \(default\), idporten or api_klient \(got "ansattporten"\)\n/);
        assert.equal(await countClients(db), 0);
      } finally {
        await db.close();
      }
    });

    it('creates a client whose printed authorization URL and secret log in with TestID against the running server', async () => {
      const db = await createTestDatabase(engine, [], { file: true });
      const dir = mkdtempSync(join(tmpdir(), 'grunnmur-idp-'));
      const port = String(await freePort());
      const env = { DATABASE_URL: db.url, SEED_PERSONS: '20', SEED_ORGS: '10' };
      const server = spawn(process.execPath, [MAIN, 'start', '--port', port], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' } });
      let serverErr = '';
      server.stderr.on('data', (d) => (serverErr += d));
      try {
        const base = await waitUntilRunning(server, 30_000, () => serverErr);
        const created = await runCli(
          ['client', 'create', '--integration-type', 'idporten', '--org', ORG, '--redirect-uri', REDIRECT, '--post-logout-redirect-uri', 'http://localhost:9999/', '--port', port],
          env,
        );
        assert.equal(created.code, 0, created.stderr);
        const clientId = field(created.stdout, 'client_id');
        const secret = field(created.stdout, 'client_secret');
        const issuer = field(created.stdout, 'issuer');
        assert.match(created.stdout, new RegExp(`^Created ID-porten client ${clientId} for .* \\(${ORG}\\)$`, 'm'));
        assert.equal(issuer, `${base}/idporten`);
        assert.equal(field(created.stdout, 'discovery'), `${issuer}/.well-known/openid-configuration`);
        const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
        assert.equal(discovery.issuer, issuer);

        const authorizeUrl = /^ {2}(http\S+\/idporten\/authorize\?\S+)$/m.exec(created.stdout)?.[1];
        assert.ok(authorizeUrl, created.stdout);
        const verifier = field(created.stdout, 'code_verifier');
        const { callback, pid } = await loginWithTestId(new TestBrowser(), authorizeUrl, base);
        assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT);
        const res = await fetch(`${issuer}/token`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${clientId}:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier }),
        });
        const tokens = (await res.json()) as { id_token?: string };
        assert.equal(res.status, 200, JSON.stringify(tokens));
        assert.equal(decodeJwt(tokens.id_token!).pid, pid);

        // private_key_jwt: a generated key, its private half written to --out, no secret.
        const keyDir = join(dir, 'key');
        const keyed = await runCli(['client', 'create', '--integration-type', 'idporten', '--org', ORG, '--redirect-uri', REDIRECT, '--auth-method', 'private_key_jwt', '--out', keyDir, '--port', port], env);
        assert.equal(keyed.code, 0, keyed.stderr);
        assert.doesNotMatch(keyed.stdout, /client_secret:/);
        assert.match(keyed.stdout, new RegExp(`auth method: +private_key_jwt \\(kid ${ORG}-[A-Za-z0-9_-]+; private key in ${keyDir}/private-key.pem\\)`));
        assert.ok(existsSync(join(keyDir, 'private-key.pem')));
      } finally {
        server.kill('SIGTERM');
        await new Promise((done) => server.once('exit', done));
        rmSync(dir, { recursive: true, force: true });
        await db.close();
      }
    });
  });
}
