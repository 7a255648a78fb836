/**
 * Test helpers: a whole platform (kernel + chosen components) on a clean test database, and
 * its HTTP server for `inject()`.
 */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildServer, createPlatform, type RunningPlatform } from '../../src/platform/boot.ts';
import type { Component } from '../../src/platform/component.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createTestDatabase, type TestDatabase } from '../../src/platform/db/testing.ts';
import type { Engine } from '../../src/platform/db/database.ts';

/** A platform on a clean test database with its (not listening) server. */
export interface TestPlatform {
  platform: RunningPlatform;
  app: FastifyInstance;
  db: TestDatabase;
  close(): Promise<void>;
}

/**
 * Builds a platform for a test.
 *
 * @param engine database engine
 * @param components components to serve
 * @param env configuration variables (strings, as in the environment); jobs are off unless set
 */
export async function createTestPlatform(
  engine: Engine,
  components: Component[] = [],
  env: Record<string, string> = {},
): Promise<TestPlatform> {
  const db = await createTestDatabase(engine);
  const config = loadConfig({ JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', SEED_PERSONS: '50', SEED_ORGS: '20', ...env, DATABASE_URL: db.url });
  const platform = await createPlatform({ config, components, db, log: pino({ level: 'silent' }) });
  const app = await buildServer(platform);
  await app.ready();
  return {
    platform,
    app,
    db,
    close: async () => {
      await app.close();
      await platform.close();
      await db.close();
    },
  };
}
