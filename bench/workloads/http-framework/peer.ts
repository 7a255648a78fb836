/**
 * Peer of the `http-framework` workload: a bare Fastify 5 instance — no logger, no plugins, no
 * hooks — with the same route and the same params/response schemas as ours. It is the floor any
 * Fastify-based server can reach, so ours ÷ this peer is what the kernel's own per-request work
 * (request id, security headers, rate limit, metrics, access log) costs.
 */
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import { helloRouteSchema } from '../http-core/hello-route.ts';

runServerChild(async () => {
  const app = Fastify({ logger: false });
  app.get<{ Params: { name: string } }>('/bench/hello/:name', { schema: helloRouteSchema }, async (request) => ({
    hello: request.params.name,
    at: Date.now(),
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  announceListening((app.server.address() as AddressInfo).port, async () => {
    await app.close();
  });
});
