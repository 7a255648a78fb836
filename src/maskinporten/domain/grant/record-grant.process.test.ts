/**
 * The replay rule across real OS processes: two Grunnmur processes (testing/grant-process.ts)
 * on one database receive the same grants at the same moment, and each grant is accepted by
 * exactly one of them; the other answers MP-012. Every accepted grant is counted once in the
 * usage statistics, once the processes have closed (they buffer their counts).
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { allMigrations } from '../../../platform/boot.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../../../platform/db/testing.ts';
import { Stats } from '../../../platform/stats/stats.ts';
import { maskinportenComponent } from '../../index.ts';
import { countUsedJtis } from '../../store/replay-store.ts';
import type { MaskinportenDb } from '../../store/tables.ts';
import { grantClaims, insertClient, insertClientKey, insertScope, ORGS, signGrant, testKeyPair } from '../../testing/fixtures.ts';
import type { GrantProcessOptions } from '../../testing/grant-process.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const ISSUER = 'http://grunnmur.test/maskinporten/';
const script = fileURLToPath(new URL('../../testing/grant-process.ts', import.meta.url));
const GRANTS = 40;

interface Proc {
  child: ChildProcess;
  exited: Promise<unknown>;
  nextLine(timeoutMs?: number): Promise<string>;
}

function startProcess(options: GrantProcessOptions): Proc {
  const child = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  return {
    child,
    exited,
    nextLine(timeoutMs = 60_000) {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the grant process printed nothing in time')), timeoutMs);
        waiting.push((l) => {
          clearTimeout(timer);
          resolve(l);
        });
        void exited.then(() => reject(new Error('the grant process exited early')));
      });
    },
  };
}

for (const engine of testEngines()) {
  const where = engine === 'postgres' ? 'one PostgreSQL' : 'one SQLite file';
  describe(`grant replay across processes on ${engine}`, () => {
    let db: TestDatabase | undefined;
    const procs: Proc[] = [];
    afterEach(async () => {
      for (const p of procs.splice(0)) {
        if (p.child.exitCode === null && p.child.signalCode === null) {
          p.child.kill('SIGKILL');
          await p.exited;
        }
      }
      await db?.close();
      db = undefined;
    });

    it(`accepts the same jti sent concurrently to two processes on ${where} once`, async () => {
      db = await createTestDatabase(engine, allMigrations([maskinportenComponent]), { file: true });
      const k = db.kysely as MaskinportenDb;
      await insertScope(k, { name: 'grunnmurtest:open', owner: ORGS.apiOwner, accessibleForAll: true });
      const clientId = await insertClient(k, { orgno: ORGS.consumer, scopes: ['grunnmurtest:open'] });
      const kid = await insertClientKey(k, { clientId, publicJwk: testKeyPair(0).publicJwk });

      // One after the other, so their first starts (CA, signing key, seeding) do not race here.
      for (let i = 0; i < 2; i++) {
        const p = startProcess({ url: db.url, publicUrl: PUBLIC_URL });
        procs.push(p);
        assert.equal(await p.nextLine(), 'ready');
      }
      const assertions = Array.from({ length: GRANTS }, () =>
        signGrant({ alg: 'RS256', kid }, grantClaims(ISSUER, clientId, 'grunnmurtest:open'), testKeyPair(0).privateKey),
      );
      for (const p of procs) {
        p.child.stdin!.write(`${JSON.stringify(assertions)}\n`);
        assert.equal(await p.nextLine(), 'loaded');
      }
      // Both start at the same moment, one from each end of the list, so they meet in the middle.
      const at = Date.now() + 300;
      procs.forEach((p, i) => p.child.stdin!.write(`go ${at} ${i === 0 ? 'forward' : 'reverse'}\n`));
      type Result = { status: number; code?: string };
      const lines: string[] = await Promise.all(procs.map((p) => p.nextLine()));
      const [a, b] = lines.map((line): Result[] => (JSON.parse(line) as { results: Result[] }).results);
      assert.equal(a?.length, GRANTS);
      assert.equal(b?.length, GRANTS);
      for (let i = 0; i < GRANTS; i++) {
        const pair: Array<Result | undefined> = [a?.[i], b?.[i]];
        const ok = pair.filter((r) => r?.status === 200);
        const replays = pair.filter((r) => r?.status === 400 && r.code === 'MP-012');
        assert.equal(ok.length, 1, `grant ${i} accepted once: ${JSON.stringify(pair)}`);
        assert.equal(replays.length, 1, `grant ${i} refused once as a replay: ${JSON.stringify(pair)}`);
      }
      assert.equal(await countUsedJtis(k), GRANTS);
      // Each process counts its tokens in its statistics buffer and writes it when it closes.
      await Promise.all(procs.map((p) => p.exited));
      const counted = (await new Stats(db).list({ component: 'maskinporten', event: 'token' })).reduce((n, r) => n + r.count, 0);
      assert.equal(counted, GRANTS);
    });
  });
}
