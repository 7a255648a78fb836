/**
 * Reliability of the integration point with real node processes (testing/node-process.ts) on one
 * shared database, driven over real HTTP with Maskinporten tokens:
 *
 * - a node killed (SIGKILL) at any step of a send, of its delivery or of the receiver's delete
 *   leaves the database at that step's boundary; a new node finishes the work and the message is
 *   delivered exactly once, with a complete status history on both sides (PostgreSQL and a
 *   SQLite file);
 * - two nodes on one PostgreSQL deliver 1,000 messages between several agencies, and the
 *   receivers empty their queues through both nodes at once: none lost, none duplicated, no
 *   message given to two consumers.
 *
 * @see specs/eformidling-elma-einnsyn.md §1; README.md in this folder ("Durability")
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { createPlatform, type RunningPlatform } from '../platform/boot.ts';
import { loadConfig } from '../platform/config.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { createTestDatabase, testEngines, testPostgresUrl, type TestDatabase } from '../platform/db/testing.ts';
import type { Engine } from '../platform/db/database.ts';
import { elmaComponent } from '../elma/index.ts';
import { krrComponent } from '../krr/index.ts';
import { maskinportenComponent } from '../maskinporten/index.ts';
import { registersComponent } from '../registers/index.ts';
import { DELIVERY_STEPS, EFORMIDLING_SCOPE, eformidlingComponent, SEND_QUEUE, verifyAsice, type DeliveryStep, type DpoDeliveryStep } from './index.ts';
import { ARKIVMELDING_XML, arkivmeldingSbd, DIGDIR, NAV, SKATTEETATEN } from './testing/fixtures.ts';
import type { NodeProcessOptions } from './testing/node-process.ts';

const nodeScript = fileURLToPath(new URL('./testing/node-process.ts', import.meta.url));
/** One PUBLIC_URL for every process: the tokens' issuer is `<PUBLIC_URL>/maskinporten/`. */
const PUBLIC_URL = 'http://grunnmur.test';
const SEED_PERSONS = 50;
const SEED_ORGS = 20;
const VEDLEGG = Buffer.from('Før loven står en dørvokter.');

// ---------------------------------------------------------------------------------------------
// The shared database and the node processes
// ---------------------------------------------------------------------------------------------

/** The database every process opens, migrated and seeded by a platform in the test process. */
interface Shared {
  db: TestDatabase;
  platform: RunningPlatform;
  /** Access tokens (scope `eformidling:integrasjonspunkt`) per orgnr. */
  tokens: Record<string, string>;
  caCertificatesPem: string[];
}

/**
 * Migrates and seeds a fresh database (a SQLite file, or a PostgreSQL schema) with a platform in
 * this process before any node boots, so no two nodes seed it at once. The tokens are minted
 * here with the signing key stored in the database, which the nodes verify them against.
 */
async function seedShared(db: TestDatabase): Promise<Shared> {
  const config = loadConfig({
    DATABASE_URL: db.url,
    PUBLIC_URL,
    JOBS_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    SEED_PERSONS: String(SEED_PERSONS),
    SEED_ORGS: String(SEED_ORGS),
  });
  const components = [registersComponent, maskinportenComponent, krrComponent, elmaComponent, eformidlingComponent];
  const platform = await createPlatform({ config, components, db, log: pino({ level: 'silent' }) });
  const tokens: Record<string, string> = {};
  for (const orgnr of [DIGDIR, NAV, SKATTEETATEN]) {
    tokens[orgnr] = await mintPlatformToken(platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: orgnr, lifetimeS: 3600 });
  }
  const caCertificatesPem = [await platform.pki.rootCertificatePem(), await platform.pki.issuingCertificatePem()];
  return { db, platform, tokens, caCertificatesPem };
}

/** A node process. */
interface NodeHandle {
  name: string;
  child: ChildProcess;
  /** Its HTTP port, once started. */
  port: number;
  /** Boots the node (it has loaded its code already) and resolves with its port once it serves. */
  start(): Promise<number>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Lines printed on stdout so far. */
  lines: string[];
  /** The last lines printed on stderr (the node's log), for failure messages. */
  stderrTail(): string;
}

/** Every node spawned by the running test; `afterEach` kills what still runs. */
const running: NodeHandle[] = [];

/**
 * Spawns a node on the database at `databaseUrl`. It loads its code at once and boots when
 * {@link NodeHandle.start} is called (after the database is seeded; for a standby node, when it
 * is to take over).
 */
function spawnNode(databaseUrl: string, name: string, options: { crashAt?: DeliveryStep; concurrency?: number } = {}): NodeHandle {
  const args: NodeProcessOptions = {
    databaseUrl,
    publicUrl: PUBLIC_URL,
    leaseS: 1,
    pollIntervalMs: 50,
    concurrency: options.concurrency ?? 4,
    seedPersons: SEED_PERSONS,
    seedOrgs: SEED_ORGS,
    ...(options.crashAt ? { crashAt: options.crashAt } : {}),
  };
  const child = spawn(process.execPath, [nodeScript, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const lines: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 40) stderr.shift();
  });
  const stderrTail = () => stderr.join('\n');
  const ready = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const m = /^ready (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(({ code, signal }) => reject(new Error(`node ${name} exited (code ${code}, signal ${signal}) before it was ready\n${stderrTail()}`)));
  });
  ready.catch(() => {}); // observed by start(); a node killed before it was started is no failure
  const handle: NodeHandle = {
    name,
    child,
    port: 0,
    exited,
    lines,
    stderrTail,
    async start() {
      child.stdin!.write('start\n');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`node ${name} did not serve within 60 s\n${stderrTail()}`)), 60_000);
      });
      try {
        handle.port = await Promise.race([ready, timeout]);
      } finally {
        clearTimeout(timer);
      }
      return handle.port;
    },
  };
  running.push(handle);
  return handle;
}

async function killAll(): Promise<void> {
  for (const node of running.splice(0)) {
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
    await node.exited;
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// The Next Move API over real HTTP
// ---------------------------------------------------------------------------------------------

/** An HTTP answer, read whole. */
interface Answer {
  status: number;
  body: Buffer;
  text: string;
  json<T = any>(): T;
}

/** The Next Move API of one tenant (its token) at one node, with `fetch`. */
function nextMoveHttp(node: NodeHandle, token: string) {
  const base = `http://127.0.0.1:${node.port}/eformidling/api`;
  const call = async (method: string, path: string, init: { headers?: Record<string, string>; body?: RequestInit['body'] } = {}): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const text = body.toString('utf8');
    return { status: res.status, body, text, json: () => JSON.parse(text) };
  };
  return {
    create: (sbd: unknown) => call('POST', '/messages/out', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(sbd) }),
    upload: (messageId: string, filename: string, content: Buffer, contentType: string) =>
      call('PUT', `/messages/out/${messageId}`, {
        headers: { 'content-type': contentType, 'content-disposition': `attachment; name="Dokument"; filename="${filename}"` },
        body: content,
      }),
    send: (messageId: string) => call('POST', `/messages/out/${messageId}`),
    /** `POST /messages/out/multipart`: the sbd part first, then the files. */
    multipart: (sbd: unknown, files: Array<{ name: string; filename: string; type: string; content: Buffer }>) => {
      const form = new FormData();
      form.append('sbd', JSON.stringify(sbd));
      for (const f of files) form.append(f.name, new Blob([f.content], { type: f.type }), f.filename);
      return call('POST', '/messages/out/multipart', { body: form });
    },
    peek: () => call('GET', '/messages/in/peek'),
    pop: (messageId: string) => call('GET', `/messages/in/pop/${messageId}`),
    deleteIncoming: (messageId: string) => call('DELETE', `/messages/in/${messageId}`),
    statuses: (messageId: string) => call('GET', `/statuses/${messageId}?size=100`),
  };
}

type NextMoveHttp = ReturnType<typeof nextMoveHttp>;

async function statusesOf(api: NextMoveHttp, messageId: string): Promise<Array<{ id: number; status: string }>> {
  const res = await api.statuses(messageId);
  assert.equal(res.status, 200, res.text);
  return (res.json() as { content: Array<{ id: number; status: string }> }).content;
}

/** Asserts a side's history is exactly `expected`, each status once, ids increasing. */
function assertHistory(history: Array<{ id: number; status: string }>, expected: string[], side: string): void {
  assert.deepEqual(
    history.map((s) => s.status),
    expected,
    `${side}'s status history`,
  );
  for (let i = 1; i < history.length; i++) assert.ok(history[i]!.id > history[i - 1]!.id, `${side}'s status ids increase: ${JSON.stringify(history)}`);
}

/** Runs a request that may be cut off by the node dying under it. */
async function settle(request: Promise<Answer>): Promise<{ answer: Answer } | { error: Error }> {
  try {
    return { answer: await request };
  } catch (error) {
    return { error: error as Error };
  }
}

/** What the database holds of one message, as the test compares it after a crash. */
async function snapshot(shared: Shared, messageId: string) {
  const k = shared.db.kysely;
  const sides = await k.selectFrom('eformidling_messages').select(['direction', 'state']).where('message_id', '=', messageId).execute();
  const statuses = await k.selectFrom('eformidling_statuses').select(['direction', 'status']).where('message_id', '=', messageId).orderBy('id').execute();
  const jobs = await k.selectFrom('platform_jobs').select(['state']).where('idempotency_key', '=', `eformidling.send:${messageId}`).execute();
  return {
    outgoing: sides.find((s) => s.direction === 'OUTGOING')?.state ?? null,
    incoming: sides.find((s) => s.direction === 'INCOMING')?.state ?? null,
    sender: statuses.filter((s) => s.direction === 'OUTGOING').map((s) => s.status as string),
    receiver: statuses.filter((s) => s.direction === 'INCOMING').map((s) => s.status as string),
    jobs: jobs.length,
  };
}

/**
 * The database right after a node died at each step: the step's own transaction committed
 * (`…:committed`, `deliver:sendt-recorded`) or rolled back (`…:in-transaction`), nothing after it.
 */
const AFTER_CRASH: Record<DpoDeliveryStep, Awaited<ReturnType<typeof snapshot>>> = {
  'send:in-transaction': { outgoing: 'DRAFT', incoming: null, sender: [], receiver: [], jobs: 0 },
  'send:committed': { outgoing: 'SENDING', incoming: null, sender: ['OPPRETTET'], receiver: [], jobs: 1 },
  'deliver:start': { outgoing: 'SENDING', incoming: null, sender: ['OPPRETTET'], receiver: [], jobs: 1 },
  'deliver:sendt-recorded': { outgoing: 'SENDING', incoming: null, sender: ['OPPRETTET', 'SENDT'], receiver: [], jobs: 1 },
  'deliver:asic-built': { outgoing: 'SENDING', incoming: null, sender: ['OPPRETTET', 'SENDT'], receiver: [], jobs: 1 },
  'deliver:in-transaction': { outgoing: 'SENDING', incoming: null, sender: ['OPPRETTET', 'SENDT'], receiver: [], jobs: 1 },
  'deliver:committed': { outgoing: 'SENT', incoming: 'QUEUED', sender: ['OPPRETTET', 'SENDT', 'MOTTATT'], receiver: ['INNKOMMENDE_MOTTATT'], jobs: 1 },
  'delete:in-transaction': { outgoing: 'SENT', incoming: 'QUEUED', sender: ['OPPRETTET', 'SENDT', 'MOTTATT'], receiver: ['INNKOMMENDE_MOTTATT'], jobs: 1 },
  'delete:committed': {
    outgoing: 'DONE',
    incoming: 'DELIVERED',
    sender: ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT'],
    receiver: ['INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT'],
    jobs: 1,
  },
};

async function countRows(shared: Shared, table: 'eformidling_messages' | 'eformidling_asic_chunks' | 'platform_jobs', where: (q: any) => any): Promise<number> {
  const row = await where(shared.db.kysely.selectFrom(table).select((eb: any) => eb.fn.countAll().as('n'))).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Peeks, pops (the ASiC-E verifies, signed by DIGDIR, with both files) and deletes one message. */
async function receiveOnce(shared: Shared, receiver: NextMoveHttp, messageId: string): Promise<void> {
  const peek = await receiver.peek();
  assert.equal(peek.status, 200, peek.text);
  assert.equal(peek.json().standardBusinessDocumentHeader.documentIdentification.instanceIdentifier, messageId);
  await popAndVerify(shared, receiver, messageId);
  const deleted = await receiver.deleteIncoming(messageId);
  assert.equal(deleted.status, 200, deleted.text);
}

async function popAndVerify(shared: Shared, receiver: NextMoveHttp, messageId: string): Promise<void> {
  const pop = await receiver.pop(messageId);
  assert.equal(pop.status, 200, pop.text);
  const verified = await verifyAsice(pop.body, { caCertificatesPem: shared.caCertificatesPem });
  assert.equal(verified.signerOrgnr, DIGDIR);
  assert.deepEqual(
    verified.files.map((f) => f.name),
    ['arkivmelding.xml', 'vedlegg.txt'],
  );
  assert.deepEqual(Buffer.from(verified.files[0]!.content), ARKIVMELDING_XML);
  assert.deepEqual(Buffer.from(verified.files[1]!.content), VEDLEGG);
}

// ---------------------------------------------------------------------------------------------
// 1. A node killed at any step
// ---------------------------------------------------------------------------------------------

for (const engine of testEngines()) {
  describe(`eFormidling: a node killed at any step of a send (${engine === 'postgres' ? 'PostgreSQL' : 'SQLite file'})`, () => {
    let db: TestDatabase | undefined;
    let shared: Shared | undefined;
    afterEach(async () => {
      await killAll();
      // The platform closes (and removes) the database it was given.
      await (shared ? shared.platform.close() : db?.close());
      shared = undefined;
      db = undefined;
    });

    for (const step of DELIVERY_STEPS) {
      it(`a node killed (SIGKILL) at ${step} is replaced, and the message is delivered exactly once with a complete status history`, { timeout: 120_000 }, async () => {
        db = await createTestDatabase(engine, [], { file: true });
        // A crashes at the step; B waits (code loaded) to take over once A is dead.
        const a = spawnNode(db.url, 'A', { crashAt: step });
        const b = spawnNode(db.url, 'B');
        shared = await seedShared(db);
        await a.start();
        const senderA = nextMoveHttp(a, shared.tokens[DIGDIR]!);
        const receiverA = nextMoveHttp(a, shared.tokens[NAV]!);
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;

        const created = await senderA.create(sbd);
        assert.equal(created.status, 200, created.text);
        assert.equal((await senderA.upload(messageId, 'arkivmelding.xml', ARKIVMELDING_XML, 'application/xml')).status, 200);
        assert.equal((await senderA.upload(messageId, 'vedlegg.txt', VEDLEGG, 'text/plain')).status, 200);
        const sent = await settle(senderA.send(messageId));
        if (step.startsWith('send:')) {
          assert.ok('error' in sent, `the send in flight when the node died fails at the client (got ${'answer' in sent ? sent.answer.status : ''})`);
        } else {
          assert.ok('answer' in sent && sent.answer.status === 200, `the send is accepted: ${'answer' in sent ? sent.answer.text : sent.error.message}`);
        }
        if (step.startsWith('delete:')) {
          // A delivers; the receiver takes the message from A and A dies under the delete.
          await waitFor(async () => (await statusesOf(senderA, messageId)).some((s) => s.status === 'MOTTATT'), 'MOTTATT on node A');
          const peek = await receiverA.peek();
          assert.equal(peek.status, 200, peek.text);
          await popAndVerify(shared, receiverA, messageId);
          const deleted = await settle(receiverA.deleteIncoming(messageId));
          assert.ok('error' in deleted, 'the delete in flight when the node died fails at the client');
        }

        const exit = await Promise.race([a.exited, sleep(30_000).then(() => null)]);
        assert.ok(exit, `node A did not die at ${step}\n${a.stderrTail()}`);
        assert.deepEqual(exit, { code: null, signal: 'SIGKILL' });
        assert.deepEqual(a.lines.filter((l) => l.startsWith('crash ')), [`crash ${step}`], 'A died at the step, once');
        assert.deepEqual(await snapshot(shared, messageId), AFTER_CRASH[step], `the database right after the crash at ${step}`);

        await b.start();
        const sender = nextMoveHttp(b, shared.tokens[DIGDIR]!);
        const receiver = nextMoveHttp(b, shared.tokens[NAV]!);
        if (step === 'send:in-transaction') {
          // The send's transaction rolled back: the client's retry sends it.
          const retry = await sender.send(messageId);
          assert.equal(retry.status, 200, retry.text);
        } else if (step === 'send:committed') {
          // The send committed but its answer was lost: the retry learns it was sent.
          const retry = await sender.send(messageId);
          assert.equal(retry.status, 400, retry.text);
          assert.equal(retry.json().code, 'EFORMIDLING_MESSAGE_ALREADY_SENT');
        }
        await waitFor(async () => (await statusesOf(sender, messageId)).some((s) => s.status === 'MOTTATT'), `MOTTATT on node B after the crash at ${step}`);

        if (step === 'delete:in-transaction') {
          // The delete rolled back; the peek's lock still holds, so the client's retry deletes.
          const retry = await receiver.deleteIncoming(messageId);
          assert.equal(retry.status, 200, retry.text);
          assert.equal(retry.json().standardBusinessDocumentHeader.documentIdentification.instanceIdentifier, messageId);
        } else if (step === 'delete:committed') {
          // The delete committed but its answer was lost: the retry finds nothing left to delete.
          const retry = await receiver.deleteIncoming(messageId);
          assert.equal(retry.status, 404, retry.text);
          assert.equal(retry.json().code, 'EFORMIDLING_MESSAGE_NOT_FOUND');
        } else {
          await receiveOnce(shared, receiver, messageId);
        }
        assert.equal((await receiver.peek()).status, 204, 'the queue is empty: the message came once');
        assert.equal((await receiver.pop(messageId)).status, 404);

        assertHistory(await statusesOf(sender, messageId), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT'], 'the sender');
        assertHistory(await statusesOf(receiver, messageId), ['INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT'], 'the receiver');
        assert.equal(await countRows(shared, 'eformidling_messages', (q) => q.where('message_id', '=', messageId).where('direction', '=', 'INCOMING')), 1, 'one incoming row');
        assert.deepEqual(await snapshot(shared, messageId), AFTER_CRASH['delete:committed']);
        assert.equal(await countRows(shared, 'eformidling_asic_chunks', (q) => q.where('message_id', '=', messageId)), 0, 'the delivered ASiC-E is deleted');

        const jobsDb = shared.db;
        const sendJob = () =>
          jobsDb.kysely
            .selectFrom('platform_jobs')
            .select(['state', 'attempts', 'queue'])
            .where('idempotency_key', '=', `eformidling.send:${messageId}`)
            .executeTakeFirstOrThrow();
        // After a crash at deliver:committed the message is in the queue at once, but the job A
        // held is only run again (and finds nothing to do) once A's lease has expired.
        await waitFor(async () => (await sendJob()).state !== 'running', `the send job settled after the crash at ${step}`);
        const job = await sendJob();
        assert.equal(job.queue, SEND_QUEUE);
        assert.equal(job.state, 'succeeded');
        if (step.startsWith('deliver:')) assert.ok(Number(job.attempts) >= 2, `the delivery A died in was run again (attempts ${job.attempts})`);
        assert.equal(await countRows(shared, 'platform_jobs', (q) => q.where('state', '=', 'dead')), 0, 'no job is dead');
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// 2. Two nodes, 1,000 messages
// ---------------------------------------------------------------------------------------------

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at a time. */
async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

describe('eFormidling: two nodes on one PostgreSQL', { skip: testPostgresUrl() ? false : 'TEST_DATABASE_URL is not set' }, () => {
  let db: TestDatabase | undefined;
  let shared: Shared | undefined;
  afterEach(async () => {
    await killAll();
    await (shared ? shared.platform.close() : db?.close());
    shared = undefined;
    db = undefined;
  });

  it('two nodes deliver 1,000 messages: none lost, none duplicated, none given to two consumers', { timeout: 300_000 }, async () => {
    const total = 1000;
    const started = Date.now();
    db = await createTestDatabase('postgres', [], { file: true });
    const nodes = [spawnNode(db.url, 'N1'), spawnNode(db.url, 'N2')];
    shared = await seedShared(db);
    await Promise.all(nodes.map((n) => n.start()));
    const booted = Date.now();
    const orgs = [DIGDIR, NAV, SKATTEETATEN];
    const pairs: Array<[string, string]> = [];
    for (const s of orgs) for (const r of orgs) if (s !== r) pairs.push([s, r]);

    // Send: every pair of agencies, through both nodes, half with one multipart request and
    // half with create + PUT + send.
    const sentTo = new Map<string, string>();
    const sentFrom = new Map<string, string>();
    const tokens = shared.tokens;
    await pool(total, 8, async (i) => {
      const [from, to] = pairs[i % pairs.length]!;
      const node = nodes[Math.floor(i / 2) % 2]!;
      const api = nextMoveHttp(node, tokens[from]!);
      const sbd = arkivmeldingSbd(from, to);
      const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      if (i % 2 === 0) {
        const res = await api.multipart(sbd, [
          { name: 'Arkivmelding', filename: 'arkivmelding.xml', type: 'application/xml', content: ARKIVMELDING_XML },
          { name: 'Vedlegg', filename: 'vedlegg.txt', type: 'text/plain', content: VEDLEGG },
        ]);
        assert.equal(res.status, 200, res.text);
      } else {
        const created = await api.create(sbd);
        assert.equal(created.status, 200, created.text);
        assert.equal((await api.upload(messageId, 'arkivmelding.xml', ARKIVMELDING_XML, 'application/xml')).status, 200);
        assert.equal((await api.upload(messageId, 'vedlegg.txt', VEDLEGG, 'text/plain')).status, 200);
        const sent = await api.send(messageId);
        assert.equal(sent.status, 200, sent.text);
      }
      sentTo.set(messageId, to);
      sentFrom.set(messageId, from);
    });
    const allSent = Date.now();

    const k = shared.db.kysely;
    const mottatt = async () =>
      Number(
        (
          await k
            .selectFrom('eformidling_statuses')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('direction', '=', 'OUTGOING')
            .where('status', '=', 'MOTTATT')
            .executeTakeFirstOrThrow()
        ).n,
      );
    await waitFor(async () => (await mottatt()) >= total, `all ${total} messages to reach MOTTATT`, 180_000);
    const allDelivered = Date.now();

    // Receive: per receiver, two consumers on each node at once, until the queue is empty.
    const taken: Array<{ messageId: string; receiver: string; consumer: string; asice: Buffer }> = [];
    const consumers: Array<Promise<void>> = [];
    for (const receiver of orgs) {
      for (const node of nodes) {
        for (let c = 0; c < 2; c++) {
          const consumer = `${receiver}@${node.name}#${c}`;
          const api = nextMoveHttp(node, tokens[receiver]!);
          consumers.push(
            (async () => {
              for (;;) {
                const peek = await api.peek();
                if (peek.status === 204) return;
                assert.equal(peek.status, 200, peek.text);
                const messageId = peek.json().standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
                const pop = await api.pop(messageId);
                assert.equal(pop.status, 200, `${consumer} pops ${messageId}: ${pop.text}`);
                taken.push({ messageId, receiver, consumer, asice: pop.body });
                const deleted = await api.deleteIncoming(messageId);
                assert.equal(deleted.status, 200, `${consumer} deletes ${messageId}: ${deleted.text}`);
              }
            })(),
          );
        }
      }
    }
    await Promise.all(consumers);
    const allReceived = Date.now();

    // Every message taken exactly once, by a consumer of its receiver.
    const ids = taken.map((t) => t.messageId);
    assert.equal(new Set(ids).size, ids.length, 'no message was given to two consumers');
    assert.equal(ids.length, total, 'every message was taken');
    assert.deepEqual(new Set(ids), new Set(sentTo.keys()));
    for (const t of taken) assert.equal(t.receiver, sentTo.get(t.messageId), `${t.messageId} went to its receiver`);
    // Every container verifies: signed by its sender, with both files intact.
    for (const t of taken) {
      const verified = await verifyAsice(t.asice, { caCertificatesPem: shared.caCertificatesPem });
      assert.equal(verified.signerOrgnr, sentFrom.get(t.messageId), `${t.messageId} is signed by its sender`);
      assert.deepEqual(
        verified.files.map((f) => [f.name, Buffer.from(f.content)]),
        [
          ['arkivmelding.xml', ARKIVMELDING_XML],
          ['vedlegg.txt', VEDLEGG],
        ],
      );
    }
    const allVerified = Date.now();

    // The database: one delivered incoming row per message, complete histories, no dead job.
    const incoming = await k.selectFrom('eformidling_messages').select(['message_id', 'state']).where('direction', '=', 'INCOMING').execute();
    assert.equal(incoming.length, total);
    assert.equal(new Set(incoming.map((r) => r.message_id)).size, total);
    assert.ok(incoming.every((r) => r.state === 'DELIVERED'));
    const outgoing = await k.selectFrom('eformidling_messages').select(['message_id', 'state']).where('direction', '=', 'OUTGOING').execute();
    assert.equal(outgoing.length, total);
    assert.ok(outgoing.every((r) => r.state === 'DONE'));
    const statuses = await k.selectFrom('eformidling_statuses').select(['message_id', 'direction', 'status']).orderBy('id').execute();
    const histories = new Map<string, string[]>();
    for (const s of statuses) {
      const key = `${s.direction} ${s.message_id}`;
      histories.set(key, [...(histories.get(key) ?? []), s.status as string]);
    }
    assert.equal(histories.size, 2 * total);
    for (const messageId of sentTo.keys()) {
      assert.deepEqual(histories.get(`OUTGOING ${messageId}`), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT'], `the sender's history of ${messageId}`);
      assert.deepEqual(histories.get(`INCOMING ${messageId}`), ['INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT'], `the receiver's history of ${messageId}`);
    }
    const jobs = await k.selectFrom('platform_jobs').select(['state', 'attempts', 'leased_by']).where('queue', '=', SEND_QUEUE).execute();
    assert.equal(jobs.length, total);
    assert.ok(
      jobs.every((j) => j.state === 'succeeded'),
      'every delivery job succeeded',
    );
    assert.equal(await countRows(shared, 'platform_jobs', (q) => q.where('state', '=', 'dead')), 0, 'no job is dead');

    const perWorker = new Map<string, number>();
    for (const j of jobs) perWorker.set(String(j.leased_by), (perWorker.get(String(j.leased_by)) ?? 0) + 1);
    const perConsumerNode = new Map<string, number>();
    for (const t of taken) {
      const node = t.consumer.split('@')[1]!.split('#')[0]!;
      perConsumerNode.set(node, (perConsumerNode.get(node) ?? 0) + 1);
    }
    process.stderr.write(
      `# ${total} messages: boot ${booted - started} ms, send ${allSent - booted} ms, delivered ${allDelivered - booted} ms after the first send, ` +
        `receive ${allReceived - allDelivered} ms, verify ${allVerified - allReceived} ms; delivery jobs per worker ${JSON.stringify([...perWorker.values()])}, ` +
        `retried ${jobs.filter((j) => Number(j.attempts) > 1).length}; taken per node ${JSON.stringify(Object.fromEntries(perConsumerNode))}\n`,
    );
  });
});
