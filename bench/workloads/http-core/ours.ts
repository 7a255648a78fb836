/**
 * "Ours" of the `http-core` workload: the real platform server, built exactly as
 * `grunnmur start` builds it (`createPlatform` + `buildServer`, no components), so every
 * request runs the full kernel plugin stack: request id, helmet headers, rate limiter (limit
 * set high enough never to trigger, but it counts), cookie/formbody hooks, metrics histogram,
 * and one pino request log line per request at level `info` (the harness sends stdout to
 * /dev/null). One extra route, `GET /bench/hello/:name` → `{ hello: name, at: Date.now() }`,
 * with a params and a response JSON schema, as a component route would have.
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildServer, createPlatform } from '../../../src/platform/boot.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import { helloRouteSchema } from './hello-route.ts';

/** Highest limit the config schema allows; per 60 s window that is far above what one core serves. */
const RATE_LIMIT_MAX = '10000000';

runServerChild(async ({ tmpDir, logLevel }) => {
  const config = loadConfig({
    DATABASE_URL: `sqlite:${join(tmpDir, 'bench.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    JOBS_ENABLED: 'false',
    LOG_LEVEL: logLevel,
    RATE_LIMIT_MAX,
  });
  const platform = await createPlatform({ config, components: [] });
  const app = await buildServer(platform);
  app.get<{ Params: { name: string } }>(
    '/bench/hello/:name',
    { schema: helloRouteSchema },
    async (request) => ({ hello: request.params.name, at: Date.now() }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  announceListening(port, async () => {
    await app.close();
    await platform.close();
  });
});
