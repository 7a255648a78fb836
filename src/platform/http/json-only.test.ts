import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import { requireJsonBody } from './json-only.ts';
import { problemErrorHandler } from './problem.ts';

async function app() {
  const server = Fastify();
  server.setErrorHandler(problemErrorHandler);
  await server.register(formbody);
  server.addContentTypeParser('application/problem+json', { parseAs: 'string' }, (_req, body, done) => done(null, JSON.parse(body as string)));
  server.post('/json', { onRequest: requireJsonBody }, async (request) => ({ got: request.body }));
  return server;
}

describe('requireJsonBody', () => {
  it('lets application/json (with parameters) and +json types through', async () => {
    const server = await app();
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/problem+json']) {
      const res = await server.inject({ method: 'POST', url: '/json', headers: { 'content-type': type }, payload: '{"a":1}' });
      assert.equal(res.statusCode, 200, `${type}: ${res.body}`);
      assert.deepEqual(res.json(), { got: { a: 1 } });
    }
  });

  it('refuses a form, text and a body without Content-Type with 415 PLATFORM_UNSUPPORTED_MEDIA_TYPE naming the type', async () => {
    const server = await app();
    const cases: Array<[string | undefined, string]> = [
      ['application/x-www-form-urlencoded', 'This endpoint takes application/json, not application/x-www-form-urlencoded'],
      ['text/plain; charset=utf-8', 'This endpoint takes application/json, not text/plain'],
      [undefined, 'This endpoint takes application/json, not a body without Content-Type'],
    ];
    for (const [type, title] of cases) {
      const res = await server.inject({ method: 'POST', url: '/json', headers: type === undefined ? {} : { 'content-type': type }, payload: 'a=1' });
      assert.equal(res.statusCode, 415);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json().code, 'PLATFORM_UNSUPPORTED_MEDIA_TYPE');
      assert.equal(res.json().title, title);
    }
  });
});
