import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Component } from '../../src/platform/component.ts';
import { AppError } from '../../src/platform/errors.ts';
import { testEngines } from '../../src/platform/db/testing.ts';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';

/** A component with routes that exercise the kernel's HTTP behaviour. */
const probe: Component = {
  name: 'probe',
  title: { nb: 'Probe', en: 'Probe' },
  description: { nb: 'Test', en: 'Test' },
  paths: ['/probe'],
  migrations: [
    {
      name: '0001_probe',
      async up(db) {
        await db.schema.createTable('probe_items').addColumn('name', 'text', (c) => c.primaryKey()).execute();
      },
    },
  ],
  async plugin(app, { platform }) {
    app.post(
      '/probe/items',
      {
        schema: {
          tags: ['probe'],
          body: {
            type: 'object',
            required: ['name'],
            additionalProperties: false,
            properties: { name: { type: 'string', minLength: 1, maxLength: 20 } },
          },
        },
      },
      async (request, reply) => {
        const { name } = request.body as { name: string };
        await platform.db.kysely.insertInto('probe_items').values({ name }).execute();
        return reply.code(201).send({ name });
      },
    );
    app.get('/probe/domain-error', { schema: { hide: true } }, async () => {
      throw new AppError('PROBE_NOPE', 409, 'Not this way', { detail: 'because' });
    });
    app.get('/probe/crash', { schema: { hide: true } }, async () => {
      throw new Error('secret internal detail');
    });
  },
};

async function countItems(t: TestPlatform): Promise<number> {
  const row = await t.platform.db.kysely.selectFrom('probe_items').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const engine of testEngines()) {
  describe(`HTTP kernel on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createTestPlatform(engine, [probe], { BODY_LIMIT_BYTES: '2048' });
    });
    after(() => t.close());

    it('answers /health/live and /health/ready with the database check', async () => {
      const live = await t.app.inject('/health/live');
      assert.equal(live.statusCode, 200);
      assert.deepEqual(live.json(), { status: 'UP' });
      const ready = await t.app.inject('/health/ready');
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'UP', checks: { database: 'UP' } });
    });

    it('echoes a well-formed x-request-id and generates one otherwise', async () => {
      const given = await t.app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-123-def-456' } });
      assert.equal(given.headers['x-request-id'], 'abc-123-def-456');
      const bad = await t.app.inject({ url: '/health/live', headers: { 'x-request-id': 'a b<script>' } });
      assert.match(String(bad.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    });

    it('sends helmet security headers', async () => {
      const res = await t.app.inject('/health/live');
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.ok(res.headers['strict-transport-security']);
    });

    it('serves Prometheus metrics including the request histogram', async () => {
      await t.app.inject('/health/live');
      const res = await t.app.inject('/metrics');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /http_request_duration_seconds_bucket\{/);
      assert.match(res.body, /process_cpu_user_seconds_total/);
    });

    it('answers an unknown path with a 404 problem+json carrying the request id', async () => {
      const res = await t.app.inject({ url: '/nowhere', headers: { 'x-request-id': 'req-0000-1111' } });
      assert.equal(res.statusCode, 404);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.deepEqual(res.json(), {
        type: 'urn:grunnmur:problem:platform-not-found',
        title: 'No resource at GET /nowhere',
        status: 404,
        instance: 'req-0000-1111',
        code: 'PLATFORM_NOT_FOUND',
      });
    });

    it('rejects a malformed JSON body with PLATFORM_MALFORMED_JSON and writes nothing', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/probe/items',
        headers: { 'content-type': 'application/json' },
        payload: '{"name": "a",',
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'PLATFORM_MALFORMED_JSON');
      assert.equal(res.json().title, 'The request body is not valid JSON');
      assert.equal(await countItems(t), 0);
    });

    it('rejects an oversized body with 413 PLATFORM_BODY_TOO_LARGE and writes nothing', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/probe/items',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'x'.repeat(5000) }),
      });
      assert.equal(res.statusCode, 413);
      assert.equal(res.json().code, 'PLATFORM_BODY_TOO_LARGE');
      assert.equal(await countItems(t), 0);
    });

    it('rejects a body that breaks the schema with PLATFORM_VALIDATION_FAILED naming the field', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/probe/items', payload: { name: '', extra: 1 } });
      assert.equal(res.statusCode, 400);
      const body = res.json();
      assert.equal(body.code, 'PLATFORM_VALIDATION_FAILED');
      assert.ok(body.errors.some((e: { pointer: string }) => e.pointer === '/name'));
      assert.equal(await countItems(t), 0);
    });

    it('does not coerce body types: a number where the schema wants a string is a validation error', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/probe/items', payload: { name: 12345 } });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'PLATFORM_VALIDATION_FAILED');
      assert.equal(await countItems(t), 0);
    });

    it('answers a text/plain body on a JSON endpoint with 415 PLATFORM_UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/probe/items', headers: { 'content-type': 'text/plain' }, payload: 'name=x' });
      assert.equal(res.statusCode, 415);
      assert.equal(res.json().code, 'PLATFORM_UNSUPPORTED_MEDIA_TYPE');
      assert.equal(await countItems(t), 0);
    });

    it('rejects a JSON body with a __proto__ key (prototype poisoning) and writes nothing', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/probe/items',
        headers: { 'content-type': 'application/json' },
        payload: '{"name":"x","__proto__":{"admin":true}}',
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'PLATFORM_MALFORMED_JSON');
      assert.equal(await countItems(t), 0);
    });

    it('rejects the NUL character in a JSON body, a form body and the URL with PLATFORM_VALIDATION_FAILED and writes nothing', async () => {
      // PostgreSQL cannot store U+0000 in text (a 500 there), SQLite can: both engines refuse it alike.
      assert.equal(await countItems(t), 0);
      const json = await t.app.inject({ method: 'POST', url: '/probe/items', headers: { 'content-type': 'application/json' }, payload: '{"name":"a\\u0000b"}' });
      const form = await t.app.inject({ method: 'POST', url: '/probe/items', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=a%00b' });
      const url = await t.app.inject({ method: 'GET', url: '/probe/x%00y?q=%00' });
      for (const res of [json, form, url]) {
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().code, 'PLATFORM_VALIDATION_FAILED');
        assert.match(res.json().title, /NUL character/);
      }
      assert.equal(await countItems(t), 0);
    });

    it('answers a known path with the wrong method with 405 and an Allow header', async () => {
      const res = await t.app.inject({ method: 'DELETE', url: '/probe/items' });
      assert.equal(res.statusCode, 405);
      assert.equal(res.headers.allow, 'POST');
      assert.equal(res.json().code, 'PLATFORM_METHOD_NOT_ALLOWED');
    });

    it('accepts a valid body', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/probe/items', payload: { name: 'ok' } });
      assert.equal(res.statusCode, 201);
      assert.equal(await countItems(t), 1);
    });

    it('renders an AppError with its code, status and detail', async () => {
      const res = await t.app.inject('/probe/domain-error');
      assert.equal(res.statusCode, 409);
      assert.deepEqual(
        { code: res.json().code, title: res.json().title, detail: res.json().detail },
        { code: 'PROBE_NOPE', title: 'Not this way', detail: 'because' },
      );
    });

    it('hides an unexpected error behind a bare 500 with the request id', async () => {
      const res = await t.app.inject({ url: '/probe/crash', headers: { 'x-request-id': 'crash-req-0001' } });
      assert.equal(res.statusCode, 500);
      assert.deepEqual(res.json(), {
        type: 'urn:grunnmur:problem:platform-internal',
        title: 'Internal server error',
        status: 500,
        instance: 'crash-req-0001',
        code: 'PLATFORM_INTERNAL',
      });
      assert.doesNotMatch(res.body, /secret internal detail/);
    });

    it('serves the OpenAPI document of a component restricted to its paths', async () => {
      const res = await t.app.inject('/probe/openapi.json');
      assert.equal(res.statusCode, 200);
      const doc = res.json();
      assert.equal(doc.openapi, '3.1.0');
      assert.deepEqual(Object.keys(doc.paths), ['/probe/items']);
    });
  });
}

describe('readiness', () => {
  it('answers 503 PLATFORM_NOT_READY naming the check that is down, and 200 once it is up again', async () => {
    let down = true;
    const flaky: Component = {
      name: 'flaky',
      title: { nb: 'Flaky', en: 'Flaky' },
      description: { nb: 'Flaky', en: 'Flaky' },
      paths: [],
      migrations: [],
      async plugin() {},
      async checkHealth() {
        if (down) throw new Error('not yet');
      },
    };
    const t = await createTestPlatform('sqlite', [flaky]);
    try {
      const res = await t.app.inject('/health/ready');
      assert.equal(res.statusCode, 503);
      assert.deepEqual(
        { code: res.json().code, title: res.json().title, checks: res.json().checks },
        { code: 'PLATFORM_NOT_READY', title: 'A dependency is down', checks: { database: 'UP', flaky: 'DOWN' } },
      );
      down = false;
      assert.deepEqual((await t.app.inject('/health/ready')).json(), { status: 'UP', checks: { database: 'UP', flaky: 'UP' } });
    } finally {
      await t.close();
    }
  });
});

describe('readiness with a hanging check', () => {
  it('counts a check that does not answer within 2 s as DOWN instead of hanging', async () => {
    const hanging: Component = {
      name: 'hanging',
      title: { nb: 'Hanging', en: 'Hanging' },
      description: { nb: 'Hanging', en: 'Hanging' },
      paths: [],
      migrations: [],
      async plugin() {},
      checkHealth: () => new Promise<void>(() => {}),
    };
    const t = await createTestPlatform('sqlite', [hanging]);
    try {
      const res = await t.app.inject('/health/ready');
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json().checks, { database: 'UP', hanging: 'DOWN' });
    } finally {
      await t.close();
    }
  });
});

describe('HTTP parser errors', () => {
  it('answers headers larger than 16 KiB with 431 problem+json, not Fastify\'s JSON', async () => {
    const t = await createTestPlatform('sqlite');
    try {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = t.app.server.address() as import('node:net').AddressInfo;
      const { connect } = await import('node:net');
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
        });
        let data = '';
        socket.on('data', (d) => (data += d));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
      assert.match(raw, /^HTTP\/1\.1 431 /);
      assert.match(raw, /content-type: application\/problem\+json/i);
      assert.equal(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).code, 'PLATFORM_HEADERS_TOO_LARGE');
    } finally {
      await t.close();
    }
  });
});

describe('rate limiting', () => {
  it('does not let a client pick its own bucket with X-Forwarded-For unless TRUST_PROXY says so', async () => {
    const t = await createTestPlatform('sqlite', [], { RATE_LIMIT_MAX: '2' });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await t.app.inject('/metrics')).statusCode, 200);
      const spoofed = await t.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': '10.9.9.9' } });
      assert.equal(spoofed.statusCode, 429);
    } finally {
      await t.close();
    }
    const behindProxy = await createTestPlatform('sqlite', [], { RATE_LIMIT_MAX: '2', TRUST_PROXY: '127.0.0.1' });
    try {
      for (let i = 0; i < 2; i++) {
        assert.equal((await behindProxy.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': '10.0.0.1' } })).statusCode, 200);
      }
      assert.equal((await behindProxy.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': '10.0.0.1' } })).statusCode, 429);
      assert.equal((await behindProxy.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': '10.0.0.2' } })).statusCode, 200);
    } finally {
      await behindProxy.close();
    }
  });

  it('counts an IPv6 client by its /64 network and an IPv4-mapped address as its IPv4 address', async () => {
    const t = await createTestPlatform('sqlite', [], { RATE_LIMIT_MAX: '2' });
    try {
      const from = (remoteAddress: string) => t.app.inject({ url: '/metrics', remoteAddress });
      assert.equal((await from('2001:db8:0:1::1')).statusCode, 200);
      assert.equal((await from('2001:db8:0:1::2')).statusCode, 200);
      assert.equal((await from('2001:db8:0:1:ffff::3')).statusCode, 429);
      assert.equal((await from('2001:db8:0:2::1')).statusCode, 200);
      assert.equal((await from('192.0.2.1')).statusCode, 200);
      assert.equal((await from('::ffff:192.0.2.1')).statusCode, 200);
      assert.equal((await from('192.0.2.1')).statusCode, 429);
    } finally {
      await t.close();
    }
  });

  it('answers 429 PLATFORM_RATE_LIMITED with retry-after once the limit is passed', async () => {
    const t = await createTestPlatform('sqlite', [], { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_S: '60' });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await t.app.inject('/metrics')).statusCode, 200);
      const res = await t.app.inject('/metrics');
      assert.equal(res.statusCode, 429);
      assert.equal(res.json().code, 'PLATFORM_RATE_LIMITED');
      assert.ok(res.headers['retry-after']);
      // Health checks are never rate limited (load balancers poll them).
      assert.equal((await t.app.inject('/health/live')).statusCode, 200);
    } finally {
      await t.close();
    }
  });
});
