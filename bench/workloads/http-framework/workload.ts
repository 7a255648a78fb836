/**
 * `http-framework`: the same JSON route as `http-core`, through the platform's full HTTP stack,
 * against a bare Fastify 5 instance with the same route and schemas. `http-core` compares with
 * `node:http`, which no Fastify server can match (bare Fastify measures ≈ 0.7× of it here);
 * this workload isolates what the kernel's own per-request work costs on top of the framework
 * the architecture prescribes.
 *
 * @see bench/README.md "Where our time goes"
 */
import type { Workload } from '../../lib/workload.ts';
import { httpCore } from '../http-core/workload.ts';

/** The `http-framework` workload. */
export const httpFramework: Workload = {
  name: 'http-framework',
  description: 'GET /bench/hello/:name → small JSON; ours = full platform stack, peer = bare Fastify 5 with the same route and schemas',
  servers: {
    ours: httpCore.servers.ours,
    peer: { label: 'bare Fastify 5', entry: new URL('./peer.ts', import.meta.url) },
  },
  request: httpCore.request,
  verify: httpCore.verify,
  // Grunnmur's own bar (no spec figure): the kernel should cost at most 20 % over its framework.
  target: { ratio: 0.8 },
};
