/**
 * Maskinporten for local work, as a user runs it: `grunnmur client create`, `grunnmur token`,
 * and the token used against a running `grunnmur start` (its self-service API checks the token
 * with the platform's token check) and against `jose` with the published JWKS.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createTestDatabase, testEngines } from '../../src/platform/db/testing.ts';
import { MAIN, runCli, waitUntilRunning } from '../helpers/cli.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const ORG = '974760673';

for (const engine of testEngines()) {
  describe(`grunnmur client create and token on ${engine}`, () => {
    it('refuses a client with an unknown scope, naming it, and writes nothing', async () => {
      const db = await createTestDatabase(engine, [], { file: true });
      const dir = mkdtempSync(join(tmpdir(), 'grunnmur-mp-'));
      try {
        const env = { DATABASE_URL: db.url, PUBLIC_URL };
        const run = await runCli(['client', 'create', '--org', ORG, '--scopes', 'idporten:dcr.read,nosuch:scope', '--out', dir], env);
        assert.equal(run.code, 1, run.stderr);
        assert.equal(run.stderr, 'grunnmur: cannot create the client: nosuch:scope: no such scope (see /selvbetjening/api/v1/scopes/all)\n');
        const clients = await db.kysely.selectFrom('maskinporten_clients' as never).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number((clients as { n: unknown }).n), 0);
        // (The built-in scopes' own grants, to the mailbox providers, are made at every first start.)
        const grants = await db.kysely
          .selectFrom('maskinporten_scope_access' as never)
          .where('consumer_orgno' as never, '=', ORG as never)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number((grants as { n: unknown }).n), 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await db.close();
      }
    });

    it('creates a client with a key and with a certificate, prints tokens that the running platform and jose accept', async () => {
      const db = await createTestDatabase(engine, [], { file: true });
      const dir = mkdtempSync(join(tmpdir(), 'grunnmur-mp-'));
      const env = { DATABASE_URL: db.url, PUBLIC_URL, SEED_PERSONS: '20', SEED_ORGS: '10' };
      const server = spawn(process.execPath, [MAIN, 'start', '--port', '0'], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' } });
      let serverErr = '';
      server.stderr.on('data', (d) => (serverErr += d));
      try {
        const address = await waitUntilRunning(server, 30_000, () => serverErr);

        // A client with a generated key (kid).
        const keyDir = join(dir, 'key');
        const created = await runCli(['client', 'create', '--org', ORG, '--scopes', 'idporten:dcr.read', '--out', keyDir], env);
        assert.equal(created.code, 0, created.stderr);
        const file = JSON.parse(readFileSync(join(keyDir, 'client.json'), 'utf8')) as { client_id: string; kid: string; issuer: string };
        assert.equal(file.issuer, `${PUBLIC_URL}/maskinporten/`);
        assert.match(created.stdout, new RegExp(`Created Maskinporten client ${file.client_id} `));
        assert.match(created.stdout, /access granted: {2}idporten:dcr\.read \(owner 991825827\)/);

        const token = await runCli(['token', '--client', file.client_id, '--scope', 'idporten:dcr.read', '--dir', keyDir], env);
        assert.equal(token.code, 0, token.stderr);
        const accessToken = token.stdout.trim();
        const claims = decodeJwt(accessToken);
        assert.equal(claims.iss, `${PUBLIC_URL}/maskinporten/`);
        assert.equal(claims.client_id, file.client_id);
        assert.equal(claims.client_amr, 'private_key_jwt');
        assert.equal(claims.scope, 'idporten:dcr.read');
        assert.deepEqual(claims.consumer, { authority: 'iso6523-actorid-upis', ID: `0192:${ORG}` });

        // jose with the JWKS the running server publishes.
        const jwks = createRemoteJWKSet(new URL(`${address}/maskinporten/jwk`));
        const verified = await jwtVerify(accessToken, jwks, { issuer: `${PUBLIC_URL}/maskinporten/` });
        assert.equal(verified.payload.client_id, file.client_id);

        // The platform's token check in front of the self-service API.
        const listed = await fetch(`${address}/selvbetjening/api/v1/clients`, { headers: { authorization: `Bearer ${accessToken}` } });
        assert.equal(listed.status, 200, await listed.clone().text());
        const clients = (await listed.json()) as Array<{ client_id: string }>;
        assert.deepEqual(clients.map((c) => c.client_id), [file.client_id]);

        // A scope not on the client: the grant's MP-200, and no replay record.
        const before = await db.kysely.selectFrom('maskinporten_used_jti' as never).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        const refused = await runCli(['token', '--client', file.client_id, '--scope', 'idporten:dcr.write', '--dir', keyDir], env);
        assert.equal(refused.code, 1);
        assert.equal(refused.stdout, '');
        assert.match(refused.stderr, /^grunnmur: token refused: invalid_scope: .*idporten:dcr\.write.* \(MP-200\)\n$/);
        const after = await db.kysely.selectFrom('maskinporten_used_jti' as never).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number((after as { n: unknown }).n), Number((before as { n: unknown }).n));

        // A client with an enterprise certificate from the test CA (x5c).
        const certDir = join(dir, 'cert');
        const withCert = await runCli(['client', 'create', '--org', ORG, '--scopes', 'idporten:dcr.read', '--cert', '--out', certDir], env);
        assert.equal(withCert.code, 0, withCert.stderr);
        const certFile = JSON.parse(readFileSync(join(certDir, 'client.json'), 'utf8')) as { client_id: string; kid?: string };
        assert.equal(certFile.kid, undefined);
        const certToken = await runCli(['token', '--client', certFile.client_id, '--scope', 'idporten:dcr.read', '--dir', certDir], env);
        assert.equal(certToken.code, 0, certToken.stderr);
        assert.equal(decodeJwt(certToken.stdout.trim()).client_amr, 'virksomhetssertifikat');
      } finally {
        server.kill('SIGTERM');
        await new Promise((done) => server.once('exit', done));
        rmSync(dir, { recursive: true, force: true });
        await db.close();
      }
    });
  });
}

describe('grunnmur client create and token options', () => {
  it('signs under the issuer of the server on --port, as grunnmur start --port would serve it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grunnmur-mp-'));
    try {
      const env = { DATABASE_URL: `sqlite:${join(dir, 'g.db')}`, SEED_PERSONS: '0', SEED_ORGS: '0' };
      const created = await runCli(['client', 'create', '--org', ORG, '--scopes', 'idporten:dcr.read', '--out', join(dir, 'c'), '--port', '9123'], env);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /issuer \(aud\): {4}http:\/\/localhost:9123\/maskinporten\//);
      const id = (JSON.parse(readFileSync(join(dir, 'c', 'client.json'), 'utf8')) as { client_id: string }).client_id;
      const token = await runCli(['token', '--client', id, '--scope', 'idporten:dcr.read', '--dir', join(dir, 'c'), '--port', '9123'], env);
      assert.equal(token.code, 0, token.stderr);
      assert.equal(decodeJwt(token.stdout.trim()).iss, 'http://localhost:9123/maskinporten/');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an --out that cannot be a folder before anything is registered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grunnmur-mp-'));
    try {
      const db = join(dir, 'g.db');
      writeFileSync(join(dir, 'file'), 'x');
      const run = await runCli(['client', 'create', '--org', ORG, '--scopes', 'idporten:dcr.read', '--out', join(dir, 'file', 'sub')], { DATABASE_URL: `sqlite:${db}` });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^grunnmur: ENOTDIR/);
      assert.equal(existsSync(db), false, 'no database was even opened');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('grunnmur token usage', () => {
  it('needs --client, and says where the client files were looked for', async () => {
    const missing = await runCli(['token', '--scope', 'x:y']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^grunnmur: --client CLIENT_ID is required\n/);
    const dir = mkdtempSync(join(tmpdir(), 'grunnmur-mp-'));
    try {
      const noFiles = await runCli(['token', '--client', 'abc', '--scope', 'x:y', '--dir', dir], { DATABASE_URL: 'sqlite::memory:' });
      assert.equal(noFiles.code, 1);
      assert.match(noFiles.stderr, new RegExp(`^grunnmur: cannot read the client's files in ${dir} `));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
