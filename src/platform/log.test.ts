import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildServer, createPlatform, type RunningPlatform } from './boot.ts';
import type { Component } from './component.ts';
import { loadConfig } from './config.ts';
import { createTestDatabase, testEngines, type TestDatabase } from './db/testing.ts';
import { accessLogWriter, createProcessLogger, lineBatcher, MAX_PENDING_CHARS, type LineSink, type LogDestination } from './log.ts';

/** A sink that records what it is given. */
function recordingSink(): LineSink & { writes: string[]; syncFlushes: number } {
  const sink = {
    writes: [] as string[],
    syncFlushes: 0,
    write(text: string) {
      sink.writes.push(text);
      return true;
    },
    flush(callback?: (err?: Error) => void) {
      callback?.();
    },
    flushSync() {
      sink.syncFlushes++;
    },
  };
  return sink;
}

/** A destination that keeps every line. */
function recordingDestination(): LogDestination & { lines: string[] } {
  const destination = {
    lines: [] as string[],
    write(line: string) {
      destination.lines.push(line);
      return true;
    },
    flush(callback?: (err?: Error) => void) {
      callback?.();
    },
    flushSync() {},
  };
  return destination;
}

describe('lineBatcher', () => {
  it('hands the lines of one event-loop turn to the sink in one write when the turn ends', async () => {
    const sink = recordingSink();
    const out = lineBatcher(sink);
    out.write('{"a":1}\n');
    out.write('{"b":2}\n');
    out.write('{"c":3}\n');
    assert.deepEqual(sink.writes, []);
    await nextTurn();
    assert.deepEqual(sink.writes, ['{"a":1}\n{"b":2}\n{"c":3}\n']);
    out.write('{"d":4}\n');
    await nextTurn();
    assert.deepEqual(sink.writes, ['{"a":1}\n{"b":2}\n{"c":3}\n', '{"d":4}\n']);
  });

  it('writes at once when more than MAX_PENDING_CHARS are pending', () => {
    const sink = recordingSink();
    const out = lineBatcher(sink);
    const line = `${'x'.repeat(1023)}\n`;
    const lines = Math.floor(MAX_PENDING_CHARS / line.length) + 1;
    for (let i = 0; i < lines; i++) out.write(line);
    assert.equal(sink.writes.length, 1);
    assert.equal(sink.writes[0], line.repeat(lines));
  });

  it('writes pending lines on flushSync, before the turn ends, and nothing twice', async () => {
    const sink = recordingSink();
    const out = lineBatcher(sink);
    out.write('{"a":1}\n');
    out.flushSync();
    assert.deepEqual(sink.writes, ['{"a":1}\n']);
    assert.equal(sink.syncFlushes, 1);
    await nextTurn();
    assert.deepEqual(sink.writes, ['{"a":1}\n']);
  });

  it('gives pino the same JSON lines as a direct destination', async () => {
    const sink = recordingSink();
    const direct: string[] = [];
    const batched = pino({ base: { service: 'grunnmur' }, timestamp: false }, lineBatcher(sink));
    const plain = pino({ base: { service: 'grunnmur' }, timestamp: false }, { write: (s: string) => direct.push(s) });
    for (const log of [batched, plain]) {
      log.info({ reqId: 'r1', method: 'GET', url: '/x?q="y"', status: 200, ms: 0.4 }, 'request');
      log.child({ module: 'jobs' }).warn('late');
    }
    await nextTurn();
    assert.equal(sink.writes.join(''), direct.join(''));
  });
});

describe('stdoutDestination', () => {
  /** Runs `code` (an ES module that has `createProcessLogger` in scope) in a child process and returns its stdout. */
  function run(code: string): { stdout: string; status: number | null } {
    const script = `import { createProcessLogger } from ${JSON.stringify(new URL('./log.ts', import.meta.url).href)};\n${code}`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    return { stdout: child.stdout, status: child.status };
  }

  it('writes the lines of the last turn when the process exits, also on process.exit() and after an uncaught exception', () => {
    const exited = run(`const log = createProcessLogger('info'); log.info('one'); log.info('two'); process.exit(3);`);
    assert.equal(exited.status, 3);
    assert.deepEqual(exited.stdout.trim().split('\n').map((l) => JSON.parse(l).msg), ['one', 'two']);
    const crashed = run(`const log = createProcessLogger('info'); log.info('before the crash'); throw new Error('boom');`);
    assert.equal(crashed.status, 1);
    assert.deepEqual(crashed.stdout.trim().split('\n').map((l) => JSON.parse(l).msg), ['before the crash']);
  });
});

describe('accessLogWriter', () => {
  const lines = [
    { reqId: '0b7c1c9e-3f0e-4bb7-9f36-0f3b5c2b1d11', method: 'GET', url: '/bench/hello/grunnmur', status: 200, ms: 0.3 },
    { reqId: 'req-id-0001', method: 'POST', url: '/maskinporten/token?x="quoted"&b=\\back', status: 400, ms: 12 },
    { reqId: 'req-id-0002', method: 'GET', url: `/l${'o'.repeat(120)}ng/æøå/%00`, status: 404, ms: 1234.5 },
    { reqId: 'req-id-0003', method: 'GET', url: '/tab\there', status: 503, ms: 0 },
  ];

  it("writes, for the process logger, byte for byte the line pino's info() writes", () => {
    const fast = recordingDestination();
    const viaPino = recordingDestination();
    const write = accessLogWriter(createProcessLogger('info', fast));
    const reference = pino({ level: 'info', base: { service: 'grunnmur' } }, viaPino);
    for (const line of lines) {
      write(line);
      reference.info(line, 'request');
    }
    const withoutTime = (l: string) => l.replace(/"time":\d+/, '"time":0');
    assert.equal(fast.lines.length, lines.length);
    assert.deepEqual(fast.lines.map(withoutTime), viaPino.lines.map(withoutTime));
    for (const line of fast.lines) assert.match(line, /^\{"level":30,"time":\d{13},"service":"grunnmur","reqId":/);
  });

  it('writes nothing when the logger is above info, also after a level change', () => {
    const out = recordingDestination();
    const log = createProcessLogger('warn', out);
    const write = accessLogWriter(log);
    write(lines[0]!);
    assert.deepEqual(out.lines, []);
    log.level = 'info';
    write(lines[0]!);
    assert.equal(out.lines.length, 1);
  });

  it('writes through info() for a logger it did not make', () => {
    const out: string[] = [];
    const write = accessLogWriter(pino({ base: { app: 'other' }, timestamp: false }, { write: (s: string) => out.push(s) }));
    write(lines[0]!);
    assert.deepEqual(out, [
      '{"level":30,"app":"other","reqId":"0b7c1c9e-3f0e-4bb7-9f36-0f3b5c2b1d11","method":"GET","url":"/bench/hello/grunnmur","status":200,"ms":0.3,"msg":"request"}\n',
    ]);
  });
});

/** A component whose routes log lines of their own through request.log. */
const talker: Component = {
  name: 'talker',
  title: { nb: 'Talker', en: 'Talker' },
  description: { nb: 'Test', en: 'Test' },
  paths: ['/talker'],
  migrations: [],
  async plugin(app) {
    app.get('/talker/say', { schema: { hide: true } }, async (request) => {
      request.log.info({ said: 'hello' }, 'talking');
      return { ok: true };
    });
    app.get('/talker/quiet', { logLevel: 'warn', schema: { hide: true } }, async () => ({ ok: true }));
    app.get('/talker/chatty', { logLevel: 'debug', schema: { hide: true } }, async (request) => {
      request.log.debug('chatting');
      return { ok: true };
    });
  },
};

for (const engine of testEngines()) {
  describe(`request logging on ${engine}`, () => {
    const out = recordingDestination();
    const lines = (): Array<Record<string, unknown>> => out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    let children = 0;
    let db: TestDatabase;
    let platform: RunningPlatform;
    let app: FastifyInstance;
    before(async () => {
      db = await createTestDatabase(engine);
      const log = createProcessLogger('info', out);
      const child = log.child.bind(log);
      log.child = ((bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => {
        children++;
        return child(bindings, options);
      }) as unknown as typeof log.child;
      const config = loadConfig({ JOBS_ENABLED: 'false', DATABASE_URL: db.url });
      platform = await createPlatform({ config, components: [talker], db, log });
      app = await buildServer(platform);
      await app.ready();
    });
    after(async () => {
      await app.close();
      await platform.close();
      await db.close();
    });

    it('writes one access-log line per request with the request id, method, url, status and duration', async () => {
      out.lines.length = 0;
      const res = await app.inject({ url: '/health/live?probe=1', headers: { 'x-request-id': 'req-id-0001' } });
      assert.equal(res.statusCode, 200);
      const access = lines().filter((l) => l.msg === 'request');
      assert.equal(access.length, 1);
      const [line] = access;
      assert.deepEqual(Object.keys(line!), ['level', 'time', 'service', 'reqId', 'method', 'url', 'status', 'ms', 'msg']);
      assert.deepEqual(
        { ...line, time: 0, ms: 0 },
        { level: 30, time: 0, service: 'grunnmur', reqId: 'req-id-0001', method: 'GET', url: '/health/live?probe=1', status: 200, ms: 0, msg: 'request' },
      );
      assert.equal(typeof line!.ms, 'number');
    });

    it('logs a 404 with its status too', async () => {
      out.lines.length = 0;
      const res = await app.inject({ url: '/nowhere', headers: { 'x-request-id': 'req-id-0002' } });
      assert.equal(res.statusCode, 404);
      const access = lines().filter((l) => l.msg === 'request');
      assert.equal(access.length, 1);
      assert.equal(access[0]!.reqId, 'req-id-0002');
      assert.equal(access[0]!.status, 404);
    });

    it("makes a request's pino child only when the request logs a line of its own, bound to its request id", async () => {
      children = 0;
      out.lines.length = 0;
      assert.equal((await app.inject('/health/live')).statusCode, 200);
      assert.equal(children, 0);
      const res = await app.inject({ url: '/talker/say', headers: { 'x-request-id': 'req-id-0003' } });
      assert.equal(res.statusCode, 200);
      assert.equal(children, 1);
      const talking = lines().filter((l) => l.msg === 'talking');
      assert.equal(talking.length, 1);
      assert.equal(talking[0]!.reqId, 'req-id-0003');
      assert.equal(talking[0]!.said, 'hello');
      assert.equal(lines().filter((l) => l.msg === 'request' && l.reqId === 'req-id-0003').length, 1);
    });

    it("honours a route's own log level, for its access-log line as for its other lines", async () => {
      out.lines.length = 0;
      assert.equal((await app.inject({ url: '/talker/quiet', headers: { 'x-request-id': 'req-id-0004' } })).statusCode, 200);
      assert.deepEqual(out.lines, []);
      assert.equal((await app.inject({ url: '/talker/chatty', headers: { 'x-request-id': 'req-id-0005' } })).statusCode, 200);
      assert.deepEqual(
        lines().map((l) => [l.msg, l.reqId, l.level]),
        [
          ['chatting', 'req-id-0005', 20],
          ['request', 'req-id-0005', 30],
        ],
      );
    });
  });
}
