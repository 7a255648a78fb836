/**
 * The `grunnmur` command: start, seed, migrate, config, cert issue, client create (Maskinporten or
 * ID-porten), token.
 *
 * Every failure prints one clear line (or the list of configuration problems) and exits 1;
 * stack traces go to the log only when LOG_LEVEL=debug.
 */
import { createServer, type AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { selectComponents, selectableComponentNames } from '../components.ts';
import { allMigrations, createPlatform, startServer } from '../platform/boot.ts';
import { ConfigError, configReferenceMarkdown, describeConfig, loadConfig } from '../platform/config.ts';
import { openDatabase } from '../platform/db/database.ts';
import { runMigrations } from '../platform/db/migrations.ts';
import { AppError } from '../platform/errors.ts';
import { TestPki, writeCertificateFiles } from '../platform/pki/test-pki.ts';
import { checkOrganisasjonsnummer, findOrganisationName, seedPopulation } from '../registers/index.ts';
import { seedKrr } from '../krr/index.ts';
import { CliError, CliUsageError, cmdClient, cmdToken } from './maskinporten-commands.ts';

const USAGE = `Usage: grunnmur <command> [options]

Commands:
  start [--port N] [--only a,b]        serve the platform (all components, or only the named ones)
  seed [--persons N] [--orgs M] [--seed S]
                                       fill the registers with a synthetic population
  migrate                              apply pending database migrations and exit
  config [--markdown]                  print the configuration reference
  cert issue --org ORGNR --out DIR [--name NAME]
                                       issue a test enterprise certificate (key + chain as PEM)
  client create --org ORGNR --scopes a,b [--cert] [--name NAME] [--out DIR] [--port N]
                                       register a Maskinporten client with a new key (or, with
                                       --cert, a test enterprise certificate); files in DIR
                                       (default data/clients/<client_id>)
  client create --integration-type idporten --org ORGNR --redirect-uri URL
         [--post-logout-redirect-uri URL] [--auth-method client_secret_basic|private_key_jwt|none]
         [--scopes a,b] [--name NAME] [--out DIR] [--port N]
                                       register an ID-porten client (or api_klient); prints its
                                       client_id, secret, issuer and an example authorize URL
  token --client ID --scope a,b [--resource URL] [--dir DIR] [--port N]
                                       sign a JWT grant with the client's key and print the
                                       Maskinporten access token
                                       (client and token: give the server's --port, or the same
                                       PORT / PUBLIC_URL, so the issuer is the server's)
  help                                 this text

Components: ${selectableComponentNames().join(', ')}
Configuration comes from environment variables; see 'grunnmur config'.`;

/** Thrown for bad command-line usage; printed with the usage text. */
class UsageError extends Error {}

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}

async function cmdStart(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, only: { type: 'string' } }, strict: true });
  const port = intOption(values.port, 'port', 0, 65535);
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  if (values.only !== undefined && (!only || only.length === 0)) throw new UsageError('--only needs at least one component name');
  const components = selectComponents(only);
  const overrides = port === undefined ? {} : { PORT: String(port) };
  let config = loadConfig(process.env, overrides);
  if (config.PORT === 0) {
    // Resolve "any free port" now, so PUBLIC_URL (links, issuer URLs, CRL locations) names the real port.
    config = loadConfig(process.env, { ...overrides, PORT: String(await findFreePort(config.HOST)) });
  }
  const platform = await createPlatform({ config, components });
  const { app, address } = await startServer(platform);
  platform.log.info({ address, components: components.map((c) => c.name), database: platform.db.safeUrl }, 'Grunnmur is running');
  process.stdout.write(`Grunnmur is running at ${address.replace('127.0.0.1', 'localhost')} (database ${platform.db.safeUrl})\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    platform.log.info({ signal }, 'stopping');
    await app.close();
    await platform.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** A TCP port that is free on `host` right now (the OS picks it). */
function findFreePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

async function cmdSeed(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { persons: { type: 'string' }, orgs: { type: 'string' }, seed: { type: 'string' } },
    strict: true,
  });
  const config = loadConfig(process.env);
  const persons = intOption(values.persons, 'persons', 0, 20_000_000) ?? config.SEED_PERSONS;
  const orgs = intOption(values.orgs, 'orgs', 0, 2_000_000) ?? config.SEED_ORGS;
  const seed = values.seed ?? config.SEED;
  const db = await openDatabase(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  try {
    await runMigrations(db, allMigrations(selectComponents()));
    const started = performance.now();
    let lastShown = 0;
    const result = await seedPopulation(db, {
      persons,
      orgs,
      seed,
      onProgress: (done, total) => {
        const now = performance.now();
        if (process.stderr.isTTY && (now - lastShown > 200 || done === total)) {
          lastShown = now;
          process.stderr.write(`\rseeding ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`);
        }
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    // KRR's register is derived from the same population (same persons, same seed).
    const krr = await seedKrr(db, { persons, seed });
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `Seeded ${result.persons} persons, ${result.organisations} organisations and ${result.roles} roles with seed "${seed}" in ${seconds.toFixed(1)} s (${db.safeUrl})\n` +
        (krr.seeded ? `KRR: ${krr.aktiv} active (${krr.reservert} reserved, ${krr.medPostkasse} with a digital mailbox), ${krr.slettet} deleted, ${krr.ikkeRegistrert} not registered\n` : ''),
    );
  } finally {
    await db.close();
  }
}

async function cmdMigrate(args: string[]): Promise<void> {
  parseArgs({ args, options: {}, strict: true });
  const config = loadConfig(process.env);
  const db = await openDatabase(config.DATABASE_URL, { poolSize: 2 });
  try {
    const applied = await runMigrations(db, allMigrations(selectComponents()));
    process.stdout.write(applied.length ? `Applied ${applied.length} migrations:\n${applied.map((m) => `  ${m}\n`).join('')}` : 'Database is up to date\n');
  } finally {
    await db.close();
  }
}

function cmdConfig(args: string[]): void {
  const { values } = parseArgs({ args, options: { markdown: { type: 'boolean' } }, strict: true });
  if (values.markdown) {
    process.stdout.write(`${configReferenceMarkdown()}\n`);
    return;
  }
  for (const row of describeConfig()) {
    process.stdout.write(`${row.name}  (${row.type}${row.default === undefined ? '' : `, default ${row.default}`})\n    ${row.description}\n`);
  }
}

async function cmdCert(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'issue') throw new UsageError(`Unknown cert command "${sub ?? ''}"; use: grunnmur cert issue --org ORGNR --out DIR`);
  const { values } = parseArgs({
    args: rest,
    options: { org: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  if (!values.org) throw new UsageError('--org ORGNR is required');
  if (!values.out) throw new UsageError('--out DIR is required');
  const orgnr = checkOrganisasjonsnummer(values.org);
  const config = loadConfig(process.env);
  const db = await openDatabase(config.DATABASE_URL, { poolSize: 2 });
  try {
    await runMigrations(db, allMigrations(selectComponents()));
    const organisationName = values.name ?? (await findOrganisationName(db, orgnr)) ?? `Testvirksomhet ${orgnr}`;
    const pki = new TestPki(db, { log: pino({ level: 'silent' }), publicUrl: config.PUBLIC_URL });
    await pki.ensure();
    const issued = await pki.issueEnterpriseCertificate({ orgnr, organisationName });
    const outDir = resolve(values.out);
    const files = await writeCertificateFiles(issued, outDir, orgnr);
    for (const [name, pem] of [
      ['root.pem', await pki.rootCertificatePem()],
      ['issuing.pem', await pki.issuingCertificatePem()],
    ] as const) {
      await writeFile(join(outDir, name), pem);
      files.push(join(outDir, name));
    }
    process.stdout.write(
      `Issued enterprise certificate for ${organisationName} (${orgnr}), serial ${issued.serialNumber}, valid to ${issued.notAfter.toISOString()}\n${files.map((f) => `  ${f}\n`).join('')}`,
    );
  } finally {
    await db.close();
  }
}

/** `grunnmur config | head -1`: a reader that stops early is not an error. */
export function ignoreClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/**
 * Runs the command line. Exit codes: 0 success, 1 failure (configuration, database, input),
 * 2 usage error.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'start':
        await cmdStart(args);
        return 0;
      case 'seed':
        await cmdSeed(args);
        return 0;
      case 'migrate':
        await cmdMigrate(args);
        return 0;
      case 'config':
        cmdConfig(args);
        return 0;
      case 'cert':
        await cmdCert(args);
        return 0;
      case 'client':
        await cmdClient(args);
        return 0;
      case 'token':
        await cmdToken(args);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } catch (err) {
    return reportFailure(err);
  }
}

function reportFailure(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`grunnmur: ${err.message}\n`);
    return 1;
  }
  if (err instanceof UsageError || err instanceof CliUsageError || (err as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
    process.stderr.write(`grunnmur: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`grunnmur: cannot start: ${err.message}\n`);
    return 1;
  }
  if (err instanceof AppError) {
    process.stderr.write(`grunnmur: ${err.message}\n`);
    return 1;
  }
  const sys = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (sys?.code === 'EADDRINUSE') {
    process.stderr.write(
      `grunnmur: cannot listen on ${sys.address ?? ''}:${sys.port ?? ''}: the port is already in use (EADDRINUSE); stop the other process or choose another port with --port or PORT\n`,
    );
    return 1;
  }
  if (typeof sys?.code === 'string' && typeof sys.syscall === 'string') {
    // A system error (file, socket): its message names the call, the path and the reason.
    process.stderr.write(`grunnmur: ${sys.message}\n`);
    return 1;
  }
  process.stderr.write(`grunnmur: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}

const isMain = process.argv[1] && import.meta.filename === resolve(process.argv[1]);
if (isMain) {
  ignoreClosedStdout();
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exit(code);
}
