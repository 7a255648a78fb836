/**
 * Concurrent ID-porten logins never mix (the 2020 ID-porten incident, where people logging in at
 * the same time could receive another person's identity).
 *
 * Two `grunnmur start` processes share one database and one `PUBLIC_URL` (as behind a load
 * balancer), on different ports. 200 "browsers" (each its own cookie jar, its own synthetic
 * person, alternating between two clients) log in with TestID. Every HTTP step of every login
 * (authorize, method choice, TestID page, TestID post, resume, token, userinfo) goes to a randomly
 * chosen process, and the steps of all logins are shuffled: the next step is taken from a random
 * login that is not waiting for an answer, with many requests in flight at once. Then every ID
 * token and every userinfo answer must name the person who logged in in that browser, for the
 * client and nonce of that browser, and every code must be refused when redeemed a second time
 * (at a random process).
 *
 * Runs on PostgreSQL (with `TEST_DATABASE_URL`) and on a shared SQLite file (WAL) opened by both
 * processes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/platform/db/testing.ts';
import { createIdportenClient, type IdportenClient } from '../../src/idporten/index.ts';
import { MAIN, waitUntilRunning } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';

/** The address both processes present themselves under (nothing listens there). */
const PUBLIC_URL = 'http://idporten.grunnmur.test';
const ISSUER = `${PUBLIC_URL}/idporten`;
const REDIRECT = 'http://localhost:9999/callback';
const ORGNO = '991825827';
/** Logins, each by its own person in its own browser. */
const LOGINS = 200;
/** Requests in flight at once. */
const IN_FLIGHT = 48;

/** A small seeded PRNG (mulberry32), so a failing interleaving can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One `grunnmur start` process. */
interface Node {
  name: string;
  origin: string;
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  /** Requests this process answered in the run. */
  served: number;
}

async function startNode(name: string, env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, 'start', '--port', String(port)], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await waitUntilRunning(child, 60_000, () => err);
  return { name, origin: `http://127.0.0.1:${port}`, child, stderr: () => err, served: 0 };
}

async function stopNode(node: Node | undefined): Promise<void> {
  if (!node || node.child.exitCode !== null) return;
  const exited = new Promise((done) => node.child.once('exit', done));
  node.child.kill('SIGTERM');
  await exited;
}

/** A cookie of a browser's jar (host-only: every process is the same site, `PUBLIC_URL`). */
interface Cookie {
  value: string;
  path: string;
}

/**
 * A browser: its own cookie jar, honouring each cookie's `Path` (so the interaction cookie on
 * `/idporten/login/{uid}` is sent only there, as a real browser does), and expiry by `Max-Age=0`
 * or a past `Expires`. Every request goes to the process `pick()` chooses, under the site's URL.
 */
class Browser {
  readonly jar = new Map<string, Cookie>();

  cookieHeader(path: string): string | undefined {
    const pairs = [...this.jar]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`);
    return pairs.length ? pairs.join('; ') : undefined;
  }

  store(res: Response, requestPath: string): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const attr = (n: string) => attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith(`${n}=`))?.slice(n.length + 1);
      const path = attr('path') ?? (requestPath.lastIndexOf('/') > 0 ? requestPath.slice(0, requestPath.lastIndexOf('/')) : '/');
      const expires = attr('expires');
      const expired = attr('max-age') === '0' || (expires !== undefined && Date.parse(expires) < Date.now());
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, { value, path });
    }
  }

  /** One request to `node` for `url` (a URL of the site), without following redirects. */
  async request(node: Node, url: string, form?: Record<string, string>): Promise<Response> {
    const target = new URL(url, PUBLIC_URL);
    assert.equal(target.origin, PUBLIC_URL, `the browser was sent off the site: ${url}`);
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(target.pathname);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    node.served++;
    const res = await fetch(`${node.origin}${target.pathname}${target.search}`, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    this.store(res, target.pathname);
    return res;
  }
}

/** What one login must end with. */
interface Login {
  index: number;
  pid: string;
  client: IdportenClient;
  browser: Browser;
  state: string;
  nonce: string;
  verifier: string;
  /** Next step (0-based); `steps.length` when done. */
  step: number;
  /** Where the browser is to go next (a URL of the site). */
  next?: string;
  /** The TestID form: its action and CSRF token. */
  form?: { action: string; csrf: string };
  code?: string;
  tokens?: { id_token: string; access_token: string };
  userinfo?: Record<string, unknown>;
  /** Processes that served this login's steps, in order. */
  trail: string[];
}

/** A response's status and, on surprise, its start. */
async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${(await res.text()).slice(0, 400)}`);
}

function basicAuth(client: IdportenClient): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret!)}`).toString('base64')}`;
}

/** The steps of a login, each one HTTP request to the process given. */
const steps: Array<(login: Login, node: Node) => Promise<void>> = [
  // 1. The service sends the browser to /authorize; ID-porten starts a login and redirects to its page.
  async (login, node) => {
    const params = new URLSearchParams({
      client_id: login.client.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      state: login.state,
      nonce: login.nonce,
      code_challenge: createHash('sha256').update(login.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const res = await login.browser.request(node, `/idporten/authorize?${params}`);
    await expectStatus(res, 303, 'authorize');
    login.next = res.headers.get('location')!;
    assert.match(new URL(login.next, PUBLIC_URL).pathname, /^\/idporten\/login\/[^/]+$/);
  },
  // 2. The method-choice page; the browser follows its TestID link.
  async (login, node) => {
    const res = await login.browser.request(node, login.next!);
    await expectStatus(res, 200, 'method choice');
    const page = await res.text();
    const link = /href="(\/idporten\/login\/[^"/]+\/testid)"/.exec(page)?.[1];
    assert.ok(link, `no TestID link on the method-choice page: ${page.slice(0, 300)}`);
    login.next = link;
  },
  // 3. The TestID page: its form.
  async (login, node) => {
    const res = await login.browser.request(node, login.next!);
    await expectStatus(res, 200, 'TestID page');
    const page = await res.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
    assert.ok(csrf && action, `not a TestID page: ${page.slice(0, 300)}`);
    login.form = { csrf, action };
  },
  // 4. The person of this browser logs in; back to the authorization endpoint.
  async (login, node) => {
    const res = await login.browser.request(node, login.form!.action, { csrf: login.form!.csrf, pid_typed: login.pid, acr: 'idporten-loa-substantial' });
    await expectStatus(res, 303, 'TestID post');
    login.next = res.headers.get('location')!;
    assert.match(new URL(login.next, PUBLIC_URL).pathname, /^\/idporten\/authorize\/[^/]+$/);
  },
  // 5. The resumed authorization request redirects to the service with the code.
  async (login, node) => {
    const res = await login.browser.request(node, login.next!);
    await expectStatus(res, 303, 'resume');
    const callback = new URL(res.headers.get('location')!);
    assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT);
    assert.equal(callback.searchParams.get('state'), login.state);
    assert.equal(callback.searchParams.get('iss'), ISSUER);
    const code = callback.searchParams.get('code');
    assert.ok(code, `no code in ${callback.href}`);
    login.code = code;
  },
  // 6. The service redeems the code (back channel).
  async (login, node) => {
    node.served++;
    const res = await fetch(`${node.origin}/idporten/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(login.client) },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: login.code!, redirect_uri: REDIRECT, code_verifier: login.verifier }).toString(),
    });
    await expectStatus(res, 200, 'token');
    login.tokens = (await res.json()) as Login['tokens'];
  },
  // 7. The service asks userinfo with the access token.
  async (login, node) => {
    node.served++;
    const res = await fetch(`${node.origin}/idporten/userinfo`, { headers: { authorization: `Bearer ${login.tokens!.access_token}` } });
    await expectStatus(res, 200, 'userinfo');
    login.userinfo = (await res.json()) as Record<string, unknown>;
  },
];

/**
 * Runs every login's steps, interleaved: up to {@link IN_FLIGHT} requests at once, each time
 * taking the next step of a random login not already waiting, sent to a random process.
 */
async function runInterleaved(logins: Login[], nodes: Node[], random: () => number): Promise<void> {
  const ready = [...logins];
  let inFlight = 0;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      if (ready.length === 0 && inFlight === 0) return resolve();
      while (inFlight < IN_FLIGHT && ready.length > 0) {
        const i = Math.floor(random() * ready.length);
        const login = ready[i]!;
        ready[i] = ready[ready.length - 1]!;
        ready.pop();
        const node = nodes[Math.floor(random() * nodes.length)]!;
        const step = login.step;
        inFlight++;
        steps[step]!(login, node).then(
          () => {
            inFlight--;
            login.trail.push(node.name);
            login.step++;
            if (login.step < steps.length) ready.push(login);
            pump();
          },
          (err: unknown) => {
            failed = true;
            reject(new Error(`login ${login.index} (person ${login.pid}), step ${step + 1} on ${node.name} after ${login.trail.join(',')}: ${(err as Error).message}`, { cause: err }));
          },
        );
      }
    };
    pump();
  });
}

const engines = testEngines();
if (!engines.includes('postgres')) {
  // Say so in the output: the acceptance criterion names PostgreSQL.
  console.log('# idporten-concurrent-logins: TEST_DATABASE_URL is not set, so the PostgreSQL run is skipped (SQLite only)');
}

for (const engine of engines) {
  describe(`concurrent ID-porten logins across two processes on ${engine}`, () => {
    let db: TestDatabase;
    let nodes: Node[] = [];
    let persons: string[];
    let clients: IdportenClient[];

    before(async () => {
      db = await createTestDatabase(engine, [], { file: true });
      const env = { DATABASE_URL: db.url, PUBLIC_URL, SEED_PERSONS: String(LOGINS + 60), SEED_ORGS: '5', JOBS_ENABLED: 'false', RATE_LIMIT_MAX: '100000' };
      // One after the other: the first migrates and seeds the empty database, the second finds it ready.
      nodes.push(await startNode('A', env));
      nodes.push(await startNode('B', env));
      const rows = await db.kysely
        .selectFrom('registers_persons' as never)
        .select('pid' as never)
        .where('status' as never, '=', 'bosatt' as never)
        .orderBy('pid' as never)
        .limit(LOGINS)
        .execute();
      persons = (rows as Array<{ pid: string }>).map((r) => r.pid);
      assert.equal(persons.length, LOGINS, 'enough living synthetic persons');
      clients = [];
      for (const name of ['Tjeneste A', 'Tjeneste B']) {
        clients.push(await createIdportenClient(db, { client_name: name, client_orgno: ORGNO, redirect_uris: [REDIRECT] }, { mode: 'test' }));
      }
    });

    after(async () => {
      await Promise.all(nodes.map(stopNode));
      nodes = [];
      await db?.close();
    });

    it('gives every browser the identity of the person who logged in there, and every code once', async () => {
      const seed = Number(process.env.CONCURRENT_LOGINS_SEED ?? randomBytes(4).readUInt32LE());
      const random = prng(seed);
      const logins: Login[] = persons.map((pid, index) => ({
        index,
        pid,
        client: clients[index % clients.length]!,
        browser: new Browser(),
        state: randomBytes(16).toString('base64url'),
        nonce: randomBytes(16).toString('base64url'),
        verifier: randomBytes(32).toString('base64url'),
        step: 0,
        trail: [],
      }));

      try {
        await runInterleaved(logins, nodes, random);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n(replay with CONCURRENT_LOGINS_SEED=${seed})\nA: ${nodes[0]!.stderr().slice(-1500)}\nB: ${nodes[1]!.stderr().slice(-1500)}`, { cause: err });
      }

      // The steps really were spread over both processes, within logins too.
      for (const node of nodes) assert.ok(node.served > LOGINS, `process ${node.name} served only ${node.served} requests`);
      const mixed = logins.filter((l) => new Set(l.trail).size === 2).length;
      assert.ok(mixed > LOGINS / 2, `only ${mixed} logins had steps on both processes`);

      const jwks = (await (await fetch(`${nodes[0]!.origin}/idporten/jwks.json`)).json()) as JSONWebKeySet;
      const keys = createLocalJWKSet(jwks);
      const subs = new Set<string>();
      for (const login of logins) {
        const { payload } = await jwtVerify(login.tokens!.id_token, keys, { issuer: ISSUER, audience: login.client.client_id });
        assert.equal(payload.pid, login.pid, `ID token of login ${login.index} (seed ${seed})`);
        assert.equal(payload.nonce, login.nonce, `nonce of login ${login.index}`);
        assert.deepEqual(payload.amr, ['TestID']);
        assert.equal(payload.acr, 'idporten-loa-substantial');
        const access = await jwtVerify(login.tokens!.access_token, keys, { issuer: ISSUER });
        assert.equal(access.payload.pid, login.pid, `access token of login ${login.index}`);
        assert.equal(access.payload.client_id, login.client.client_id);
        assert.equal(login.userinfo!.pid, login.pid, `userinfo of login ${login.index}`);
        assert.equal(login.userinfo!.sub, payload.sub);
        subs.add(`${login.client.client_id} ${payload.sub}`);
      }
      assert.equal(subs.size, LOGINS, 'one pairwise sub per person and client');
      assert.equal(new Set(logins.map((l) => l.code)).size, LOGINS, 'every login got its own code');

      // Every code was redeemed once: a second redemption, at a random process, is refused.
      const again = [...logins];
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let login = again.pop(); login; login = again.pop()) {
            const node = nodes[Math.floor(random() * nodes.length)]!;
            const res = await fetch(`${node.origin}/idporten/token`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(login.client) },
              body: new URLSearchParams({ grant_type: 'authorization_code', code: login.code!, redirect_uri: REDIRECT, code_verifier: login.verifier }).toString(),
            });
            assert.equal(res.status, 400, `second redemption of login ${login.index}'s code`);
            assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
          }
        }),
      );
    });
  });
}
