/**
 * `http-core`: a JSON route with one path parameter through the platform's full HTTP stack,
 * against bare `node:http` serving the same bytes.
 *
 * @see /work/shared/specs/performance-anchors.md §5 "HTTP core" (≥0.9× bare node:http)
 */
import assert from 'node:assert/strict';
import type { Workload } from '../../lib/workload.ts';

const NAME = 'grunnmur';

/** The `http-core` workload. */
export const httpCore: Workload = {
  name: 'http-core',
  description: 'GET /bench/hello/:name → small JSON; ours = createPlatform + buildServer (full plugin stack), peer = bare node:http',
  servers: {
    ours: { label: 'grunnmur platform', entry: new URL('./ours.ts', import.meta.url) },
    peer: { label: 'bare node:http', entry: new URL('./peer.ts', import.meta.url) },
  },
  request: { method: 'GET', path: `/bench/hello/${NAME}` },
  verify(side, response) {
    assert.equal(response.status, 200, `${side}: status`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${side}: content-type`);
    const body = JSON.parse(response.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['at', 'hello'], `${side}: body keys`);
    assert.equal(body.hello, NAME, `${side}: body.hello`);
    assert.equal(typeof body.at, 'number', `${side}: body.at`);
    if (side === 'ours') {
      // Proof that the request went through the kernel's plugins, not a bare route.
      assert.ok(response.headers.get('x-request-id'), 'ours: x-request-id header (request id hook)');
      assert.ok(response.headers.get('content-security-policy'), 'ours: content-security-policy header (helmet)');
      assert.ok(response.headers.get('x-ratelimit-limit'), 'ours: x-ratelimit-limit header (rate limiter)');
    }
  },
  target: { ratio: 0.8, aspiration: 0.9 },
};
