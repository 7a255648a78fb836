/**
 * Boot: builds the platform context for a process (database, migrations, kernel services,
 * component start hooks) and the HTTP server around it. Used by `grunnmur start`, by the
 * end-to-end tests, and by the benchmark.
 */
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { Component } from './component.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { runMigrations, type ComponentMigrations } from './db/migrations.ts';
import { createHttpServer } from './http/server.ts';
import { JobQueue, jobsMigrations } from './jobs/job-queue.ts';
import { KeyStore, keysMigrations, registerKeyRotation } from './keys/key-store.ts';
import { createProcessLogger } from './log.ts';
import { Outbox, outboxMigrations, outboxRoutes } from './outbox/outbox.ts';
import { pkiMigrations, TestPki } from './pki/test-pki.ts';
import { pkiRoutes } from './pki/pki-routes.ts';
import type { Platform } from './platform.ts';
import { Stats, statsMigrations } from './stats/stats.ts';
import { statusMigrations } from './status/health-checks.ts';
import { registerStatusChecks } from './status/status-jobs.ts';
import { statusRoutes } from './status/status-routes.ts';
import { uiRoutes } from './ui/ui-routes.ts';

/** The kernel's own migrations, one migration table per kernel module. */
export const kernelMigrations: ComponentMigrations[] = [
  { component: 'platform_jobs', migrations: jobsMigrations },
  { component: 'platform_outbox', migrations: outboxMigrations },
  { component: 'platform_keys', migrations: keysMigrations },
  { component: 'platform_pki', migrations: pkiMigrations },
  { component: 'platform_stats', migrations: statsMigrations },
  { component: 'platform_status', migrations: statusMigrations },
];

/** Every migration set for a list of components, kernel first. */
export function allMigrations(components: readonly Component[]): ComponentMigrations[] {
  return [...kernelMigrations, ...components.map((c) => ({ component: c.name, migrations: c.migrations }))];
}

/** A platform with its lifecycle. */
export interface RunningPlatform extends Platform {
  /** Stops the job worker, writes buffered usage counts and closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createPlatform}. */
export interface CreatePlatformOptions {
  config: Config;
  components: readonly Component[];
  /** Logger; default {@link createProcessLogger} at `config.LOG_LEVEL` (pino JSON lines on stdout). */
  log?: Logger;
  /** An already open database (tests); default: open `config.DATABASE_URL`. */
  db?: Database;
}

/**
 * Opens the database, runs every pending migration (kernel, then components in order), builds
 * the kernel services, creates the test CA on first start, registers the kernel's job handlers,
 * and runs each component's `onStart` (which seeds the registers on an empty database).
 * The job worker is not started here: see {@link startServer}.
 *
 * @throws AppError `PLATFORM_DATABASE_UNREACHABLE` when the database cannot be reached;
 *   `PLATFORM_MIGRATION_FAILED` when a migration fails
 */
export async function createPlatform(options: CreatePlatformOptions): Promise<RunningPlatform> {
  const { config, components } = options;
  const log = options.log ?? createProcessLogger(config.LOG_LEVEL);
  const db = options.db ?? (await openDatabase(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE }));
  try {
    await runMigrations(db, allMigrations(components));
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    const jobs = new JobQueue(db, {
      leaseMs: config.JOBS_LEASE_S * 1000,
      pollIntervalMs: config.JOBS_POLL_INTERVAL_MS,
      concurrency: config.JOBS_CONCURRENCY,
      log: log.child({ module: 'jobs' }),
      metrics,
    });
    const outbox = new Outbox({ db, jobs, config, log: log.child({ module: 'outbox' }) });
    const keys = new KeyStore(db, {
      rotationIntervalMs: config.KEY_ROTATION_INTERVAL_S * 1000,
      algorithm: config.KEY_ALGORITHM,
      log: log.child({ module: 'keys' }),
    });
    const pki = new TestPki(db, { log: log.child({ module: 'pki' }), publicUrl: config.PUBLIC_URL });
    const stats = new Stats(db, { log: log.child({ module: 'stats' }) });
    await pki.ensure();
    outbox.registerHandlers();
    await registerKeyRotation(jobs, keys);
    let closed = false;
    const platform: RunningPlatform = {
      config,
      db,
      log,
      jobs,
      outbox,
      keys,
      pki,
      stats,
      metrics,
      components,
      close: async () => {
        if (closed) return;
        closed = true;
        await jobs.stop();
        // Buffered usage counts (Stats.incrementBuffered) are written before the database closes.
        await stats.close().catch((err: unknown) => log.warn({ err }, 'usage statistics: buffered counts lost at close'));
        await db.close();
      },
    };
    // The status page's scheduled health check and the purge of old checks (one per slot platform-wide).
    await registerStatusChecks(platform);
    for (const component of components) await component.onStart?.(platform);
    return platform;
  } catch (err) {
    if (!options.db) await db.close();
    throw err;
  }
}

/**
 * The HTTP server of a platform with the kernel's pages (design-system static files, dev
 * outbox, test PKI, status page) and every component. Does not listen.
 */
export async function buildServer(platform: Platform): Promise<FastifyInstance> {
  return createHttpServer(platform, { kernelPlugins: [uiRoutes, outboxRoutes, pkiRoutes, statusRoutes] });
}

/**
 * Builds the server, listens on `config.HOST:config.PORT`, and starts the job worker when
 * `JOBS_ENABLED`. Returns the server and the bound address (`http://host:port`).
 */
export async function startServer(platform: RunningPlatform): Promise<{ app: FastifyInstance; address: string }> {
  const app = await buildServer(platform);
  const address = await app.listen({ host: platform.config.HOST, port: platform.config.PORT });
  if (platform.config.JOBS_ENABLED) platform.jobs.start();
  return { app, address };
}
