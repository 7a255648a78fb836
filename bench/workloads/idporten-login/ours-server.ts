/**
 * "Ours" of the `idporten-login` workloads: the real platform server as `grunnmur start` builds
 * it (`createPlatform` + `buildServer`, migrations and every component's `onStart`) with the
 * registers (Folkeregisteret for TestID and MinID), Maskinporten (whose issuer signs ID-porten's
 * register token) and ID-porten, on a fresh SQLite file (or, with `--database-url`, a fresh
 * PostgreSQL database made for the run and dropped after it), jobs off, log level as the harness
 * says (`info`: one request log line per request), rate limiter on with a limit that never
 * triggers, `PUBLIC_URL` = the address it listens on.
 *
 * Registered through the component's domain functions: one ID-porten client
 * (`createIdportenClient`, `client_secret_basic`, PKCE required) and, for the MinID workload,
 * one MinID account per virtual browser (`createMinidAccount`, Argon2id with OWASP's
 * parameters, the server's default). Reports {@link LoginDetails} to the harness.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildServer, createPlatform } from '../../../src/platform/boot.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { registersComponent } from '../../../src/registers/index.ts';
import { maskinportenComponent } from '../../../src/maskinporten/index.ts';
import { createIdportenClient, createMinidAccount, idportenComponent, minidSettings } from '../../../src/idporten/index.ts';
import { announceListening, type ServerChildOptions } from '../../lib/server-child.ts';
import { freshPostgresDatabase } from '../../lib/postgres.ts';
import type { LoginDetails } from './flows.ts';

/** Highest limit the config schema allows; per 60 s window far above what one core serves. */
const RATE_LIMIT_MAX = '10000000';
const REDIRECT = 'http://localhost:9999/callback';
/** The client's organisation (Digdir's number, a valid organisasjonsnummer). */
const ORGNO = '991825827';
/** Persons the TestID logins take in turn. */
const PERSONS = 100;
/** The MinID accounts' password (policy: 8+ characters, a letter and a digit). */
const MINID_PASSWORD = 'Bench-passord-1';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts ours and announces it.
 *
 * @param options `minidAccounts`: how many MinID accounts to make (one per virtual browser; 0 for TestID)
 */
export async function startOurs({ tmpDir, logLevel, databaseUrl }: ServerChildOptions, options: { minidAccounts: number }): Promise<void> {
  const postgres = databaseUrl ? await freshPostgresDatabase(databaseUrl) : undefined;
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: postgres?.url ?? `sqlite:${join(tmpDir, 'bench.db')}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    JOBS_ENABLED: 'false',
    LOG_LEVEL: logLevel,
    RATE_LIMIT_MAX,
    SEED_PERSONS: String(PERSONS + options.minidAccounts + 50),
    SEED_ORGS: '10',
  });
  const platform = await createPlatform({ config, components: [registersComponent, maskinportenComponent, idportenComponent] });
  const { db } = platform;

  const client = await createIdportenClient(db, { client_name: 'Grunnmur bench', client_orgno: ORGNO, redirect_uris: [REDIRECT] }, { mode: 'test' });
  const rows = (await db.kysely
    .selectFrom('registers_persons')
    .select('pid')
    .where('status', '=', 'bosatt')
    .orderBy('pid')
    .limit(PERSONS + options.minidAccounts)
    .execute()) as Array<{ pid: string }>;
  const pids = rows.map((r) => r.pid);
  if (pids.length < PERSONS + options.minidAccounts) throw new Error(`only ${pids.length} living persons were seeded`);
  const minidAccounts: NonNullable<LoginDetails['minidAccounts']> = [];
  const settings = minidSettings(config);
  for (let i = 0; i < options.minidAccounts; i++) {
    const account = { pid: pids[PERSONS + i]!, password: MINID_PASSWORD, mobile: `+479${String(i).padStart(7, '0')}` };
    await createMinidAccount(db, account, settings);
    minidAccounts.push(account);
  }

  const app = await buildServer(platform);
  await app.listen({ host: '127.0.0.1', port });
  const details: LoginDetails = {
    publicUrl,
    authorizePath: '/idporten/authorize',
    tokenPath: '/idporten/token',
    clientId: client.client_id,
    clientSecret: client.client_secret!,
    redirectUri: REDIRECT,
    persons: pids.slice(0, PERSONS),
    ...(options.minidAccounts > 0 ? { minidAccounts } : {}),
  };
  announceListening(
    port,
    async () => {
      await app.close();
      await platform.close();
      await postgres?.drop();
    },
    details,
  );
}
