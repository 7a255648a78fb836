/**
 * Test helper: an HTTP server with the kernel UI routes and the given components on a
 * minimal platform (config, a clean test database, a silent logger, a metrics registry).
 * The job queue, outbox, keys, test PKI and statistics are not built: use it for page tests
 * of components that do not need them; use `createPlatform` from `boot.ts` for the rest.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Component } from '../component.ts';
import { loadConfig } from '../config.ts';
import type { Engine } from '../db/database.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { createHttpServer } from '../http/server.ts';
import type { Platform } from '../platform.ts';
import { uiRoutes } from './ui-routes.ts';

/** A page-test server and what it was built from. */
export interface UiTestServer {
  app: FastifyInstance;
  platform: Platform;
  db: TestDatabase;
  /** Closes the server and drops the database. */
  close(): Promise<void>;
}

/**
 * Builds (does not listen) a server with `uiRoutes` and the components, on a clean database
 * with the components' migrations applied.
 *
 * @param env configuration variables (e.g. `{ GRUNNMUR_MODE: 'production' }`); the rate limit is
 *   off and the log silent unless given
 */
export async function createUiTestServer(
  engine: Engine,
  components: Component[],
  env: Record<string, string> = {},
): Promise<UiTestServer> {
  const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0', ...env });
  const db = await createTestDatabase(
    engine,
    components.map((c) => ({ component: c.name, migrations: c.migrations })),
  );
  const platform = {
    config,
    db,
    log: pino({ level: config.LOG_LEVEL }),
    metrics: new Registry(),
    components,
  } as unknown as Platform;
  const app = await createHttpServer(platform, { kernelPlugins: [uiRoutes] });
  return {
    app,
    platform,
    db,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
