/**
 * The `grunnmur` command as a user runs it: a real process, real port, real database.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, testEngines } from '../../src/platform/db/testing.ts';
import { MAIN, runCli, waitUntilRunning, type Run } from '../helpers/cli.ts';

for (const engine of testEngines()) {
  describe(`grunnmur start on ${engine}`, () => {
    it('serves / and /health/ready with the synthetic population seeded, within 15 s of the start', async () => {
      const db = await createTestDatabase(engine, [], { file: true });
      const child = spawn(process.execPath, [MAIN, 'start', '--port', '0'], {
        env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', SEED_PERSONS: '1000' },
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      try {
        const address = await waitUntilRunning(child, 15_000, () => stderr);
        const ready = await fetch(`${address}/health/ready`);
        assert.equal(ready.status, 200);
        assert.equal(((await ready.json()) as { status: string }).status, 'UP');
        const front = await fetch(`${address}/`);
        assert.equal(front.status, 200);
        assert.match(await front.text(), /Grunnmur/);
        const persons = await db.kysely
          .selectFrom('registers_persons')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(persons.n), 1000);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('close', r));
        await db.close();
      }
    });
  });
}

describe('npm start', () => {
  it('stops the server when npm itself gets SIGTERM (as docker or systemd send it)', async () => {
    const db = await createTestDatabase('sqlite', [], { file: true });
    const child = spawn('npm', ['start', '--', '--port', '0'], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', SEED_PERSONS: '10' },
    });
    try {
      const address = await waitUntilRunning(child, 30_000);
      assert.equal((await fetch(`${address}/health/live`)).status, 200);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
      await new Promise((r) => setTimeout(r, 1000));
      await assert.rejects(fetch(`${address}/health/live`), 'the server must be gone');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await db.close();
    }
  });
});

describe('grunnmur start with bad input', () => {
  it('stops with the reason when DATABASE_URL cannot be reached, without a stack trace', async () => {
    const run = await runCli(['start', '--port', '0'], { DATABASE_URL: 'postgres://127.0.0.1:1/nowhere' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^grunnmur: Cannot reach the database at postgres:\/\/127\.0\.0\.1:1\/nowhere: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('names an unknown --only component and the valid ones, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grunnmur-cli-'));
    try {
      const run = await runCli(['start', '--only', 'registers,krrr'], { DATABASE_URL: `sqlite:${dir}/x.db` });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Unknown component "krrr" in --only; valid: registers/);
      // Nothing was created: the selection is checked before the database is opened.
      assert.throws(() => readFileSync(join(dir, 'x.db')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every bad configuration variable at once', async () => {
    const run = await runCli(['start'], { PORT: 'eighty', DATABASE_URL: 'mysql://x', JOBS_CONCURRENCY: '0' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Invalid configuration:/);
    assert.match(run.stderr, /PORT: .*\(got "eighty"\)/);
    assert.match(run.stderr, /DATABASE_URL: must start with sqlite: or postgres:\/\/ \(got "mysql:\/\/x"\)/);
    assert.match(run.stderr, /JOBS_CONCURRENCY: /);
  });

  it('reports a port already in use in one line, without a stack trace', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as import('node:net').AddressInfo;
    try {
      const run = await runCli(['start', '--port', String(port)], { DATABASE_URL: 'sqlite::memory:', SEED_PERSONS: '10' });
      assert.equal(run.code, 1);
      assert.equal(
        run.stderr,
        `grunnmur: cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); stop the other process or choose another port with --port or PORT\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad --port with a usage error', async () => {
    const run = await runCli(['start', '--port', '99999']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--port must be a whole number from 0 to 65535 \(got "99999"\)/);
  });
});

describe('grunnmur config', () => {
  it('stops quietly when the reader closes the pipe early (grunnmur config | head -1)', async () => {
    const run = await new Promise<Run>((resolvePromise) => {
      const child = spawn('bash', ['-c', `"${process.execPath}" "${MAIN}" config | head -1 >/dev/null; echo "rc=\${PIPESTATUS[0]}"`]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    });
    assert.equal(run.stdout.trim(), 'rc=0');
    assert.equal(run.stderr, '');
  });

  it('prints the reference of every variable', async () => {
    const run = await runCli(['config']);
    assert.equal(run.code, 0);
    for (const name of ['DATABASE_URL', 'PORT', 'SMTP_URL', 'SMS_GATEWAY_URL', 'JOBS_LEASE_S']) assert.match(run.stdout, new RegExp(`^${name} `, 'm'));
  });
});

describe('grunnmur seed', () => {
  it('seeds a deterministic population, then refuses to seed the same database again', async () => {
    const db = await createTestDatabase('sqlite', [], { file: true });
    try {
      const first = await runCli(['seed', '--persons', '3000', '--orgs', '150', '--seed', 'cli-test'], { DATABASE_URL: db.url });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^Seeded 3000 persons, \d+ organisations and \d+ roles with seed "cli-test" in [\d.]+ s/);
      const count = async () =>
        Number(
          (await db.kysely.selectFrom('registers_persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
        );
      assert.equal(await count(), 3000);
      const again = await runCli(['seed', '--persons', '10', '--seed', 'other'], { DATABASE_URL: db.url });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /^grunnmur: .*already seeded/i);
      assert.equal(await count(), 3000);
    } finally {
      await db.close();
    }
  });

  it('rejects a bad --persons with a usage error', async () => {
    const run = await runCli(['seed', '--persons', 'many']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--persons must be a whole number from 0 to 20000000 \(got "many"\)/);
  });
});

describe('grunnmur cert issue', () => {
  it('writes a key and a certificate chain for an organisation, with the orgnr in the subject', async () => {
    const db = await createTestDatabase('sqlite', [], { file: true });
    const out = mkdtempSync(join(tmpdir(), 'grunnmur-cert-'));
    try {
      const run = await runCli(['cert', 'issue', '--org', '991825827', '--out', out, '--name', 'Digitaliseringsdirektoratet'], {
        DATABASE_URL: db.url,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Issued enterprise certificate for Digitaliseringsdirektoratet \(991825827\)/);
      const { X509Certificate } = await import('node:crypto');
      const chainPem = readFileSync(join(out, '991825827.chain.pem'), 'utf8');
      const certs = chainPem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
      assert.equal(certs.length, 3);
      const leaf = new X509Certificate(readFileSync(join(out, '991825827.cert.pem')));
      const root = new X509Certificate(readFileSync(join(out, 'root.pem')));
      assert.ok(new X509Certificate(readFileSync(join(out, 'issuing.pem'))).verify(root.publicKey));
      assert.match(leaf.subject, /991825827/);
      const issuing = new X509Certificate(certs[1]!);
      assert.ok(leaf.verify(issuing.publicKey));
      const { createPrivateKey } = await import('node:crypto');
      assert.ok(leaf.checkPrivateKey(createPrivateKey(readFileSync(join(out, '991825827.key.pem')))));
    } finally {
      rmSync(out, { recursive: true, force: true });
      await db.close();
    }
  });

  it('rejects an organisasjonsnummer with a wrong check digit, naming the rule, and writes nothing', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'grunnmur-cert-')), 'certs');
    const run = await runCli(['cert', 'issue', '--org', '991825828', '--out', out], { DATABASE_URL: 'sqlite::memory:' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^grunnmur: Invalid organisasjonsnummer: .*check digit/);
    assert.throws(() => readFileSync(join(out, '991825828.cert.pem')));
  });
});
