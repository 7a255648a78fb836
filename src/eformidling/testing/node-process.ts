/**
 * A whole Grunnmur node (registers, Maskinporten, KRR, ELMA, eFormidling) run as its own process
 * by `eformidling.process.test.ts` (started with `process.execPath`): it opens the shared test
 * database, starts the HTTP server on a free port and the job worker, and, when asked, kills
 * itself with SIGKILL the first time a send or a delete reaches a given {@link DeliveryStep}.
 *
 * Usage: `node node-process.ts '<json NodeProcessOptions>'`. It loads its code, prints `loaded`,
 * and boots only when it reads the line `start` on stdin, so a test can start the process (and
 * pay for loading the code) while it prepares the database, or keep a standby node that takes
 * over when another dies. Then it prints `ready <port>` once it serves, and `crash <step>` just
 * before it kills itself (stdout is a pipe, written synchronously on Linux, so the line is out
 * before the signal). The log (level `warn`) goes to stderr. SIGTERM stops it cleanly; stdin
 * closing (the test process is gone) ends it too.
 *
 * The database must be migrated and seeded before `start` (the test boots a platform on it
 * first), so two nodes starting at once do not both seed it.
 */
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { createPlatform, startServer } from '../../platform/boot.ts';
import { loadConfig } from '../../platform/config.ts';
import { elmaComponent } from '../../elma/index.ts';
import { krrComponent } from '../../krr/index.ts';
import { maskinportenComponent } from '../../maskinporten/index.ts';
import { registersComponent } from '../../registers/index.ts';
import { DELIVERY_STEPS, eformidlingComponent, integrationPointOf, type DeliveryStep } from '../index.ts';

/** The JSON the test passes as the first argument. */
export interface NodeProcessOptions {
  /** `DATABASE_URL` of the shared test database. */
  databaseUrl: string;
  /** `PUBLIC_URL`: the same in every process, so one Maskinporten issuer signs the test's tokens. */
  publicUrl: string;
  /** Kill this process (SIGKILL) the first time a send or delete reaches this step; none = never. */
  crashAt?: DeliveryStep;
  /** `JOBS_LEASE_S`: lease of a claimed job, in seconds. */
  leaseS: number;
  /** `JOBS_POLL_INTERVAL_MS`. */
  pollIntervalMs: number;
  /** `JOBS_CONCURRENCY`. */
  concurrency: number;
  /** `SEED_PERSONS` / `SEED_ORGS` as the test platform seeded the database with. */
  seedPersons: number;
  seedOrgs: number;
}

/** The components every node serves (the eFormidling component and what it routes with). */
const NODE_COMPONENTS = [registersComponent, maskinportenComponent, krrComponent, elmaComponent, eformidlingComponent];

/** Resolves when stdin gives the line `start`; exits the process when stdin closes. */
function startSignal(): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() === 'start') resolve();
    });
    lines.on('close', () => process.exit(0));
  });
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as NodeProcessOptions;
  if (options.crashAt !== undefined && !(DELIVERY_STEPS as readonly string[]).includes(options.crashAt)) {
    throw new Error(`crashAt: ${JSON.stringify(options.crashAt)} is not one of ${DELIVERY_STEPS.join(', ')}`);
  }
  const started = startSignal();
  process.stdout.write('loaded\n');
  await started;
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    PUBLIC_URL: options.publicUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    JOBS_ENABLED: 'true',
    JOBS_LEASE_S: String(options.leaseS),
    JOBS_POLL_INTERVAL_MS: String(options.pollIntervalMs),
    JOBS_CONCURRENCY: String(options.concurrency),
    SEED_PERSONS: String(options.seedPersons),
    SEED_ORGS: String(options.seedOrgs),
    RATE_LIMIT_MAX: '0',
  });
  const log = pino({ level: 'warn' }, pino.destination(2));
  const platform = await createPlatform({ config, components: NODE_COMPONENTS, log });
  const crashAt = options.crashAt;
  if (crashAt !== undefined) {
    // Set before the job worker starts (startServer), so the first delivery already sees it.
    integrationPointOf(platform).options.checkpoint = (step) => {
      if (step !== crashAt) return;
      process.stdout.write(`crash ${step}\n`);
      process.kill(process.pid, 'SIGKILL');
    };
  }
  const { app, address } = await startServer(platform);

  process.on('SIGTERM', () => {
    void (async () => {
      await app.close();
      await platform.close();
      process.exit(0);
    })();
  });

  process.stdout.write(`ready ${new URL(address).port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`node-process failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
