/**
 * `npm run bench [workload] [-- --size smoke|full --duration S --connections C --json out.json]`
 *
 * Benchmarks ours against a peer under the same pinning (server on core 0, autocannon in this
 * process on core 1), prints a table of the medians of the rounds and the ratio ours ÷ peer, and
 * writes the same as JSON to `bench/results/<workload>-<timestamp>.json` (or `--json`).
 *
 * Exit codes: 0 measured; 1 a run saw errors or non-2xx responses, or a server failed;
 * 2 bad command line (unknown workload or option). Missing the ratio target is reported, not
 * an exit code: the figures of a shared CI machine are too noisy to gate on.
 *
 * @see bench/README.md
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pinSelf } from './lib/pinning.ts';
import { formatTable } from './lib/report.ts';
import { runWorkload, stopAllServers, type RunSettings, type Variant, type WorkloadResult } from './lib/runner.ts';
import { workloads } from './workloads/index.ts';

const USAGE = `usage: npm run bench [workload] [-- options]
       npm run bench -- [workload] [options]

workloads:
${workloads.map((w) => `  ${w.name.padEnd(18)} ${w.description}`).join('\n')}
  (none)             run every workload

options:
  --size smoke|full     smoke: 1 round × 3 s, 1 s warm-up, pipelining 1 only (CI, well under a minute)
                        full (default): 3 rounds × 10 s, 3 s warm-up, plus a pipelined (-p10) variant
  --duration S          measured seconds per round and side
  --connections C       concurrent keep-alive connections (default 100, krr-lookup 8); for the
                        login workloads: virtual browsers
  --pipelining P        only this pipelining depth (default: 1, plus 10 in full)
  --rounds N            measured rounds per side
  --warmup S            warm-up seconds per side and variant
  --log-level L         pino level of our server (default info; its stdout goes to /dev/null)
  --database-url URL    postgres://… for servers with a database (the ours of maskinporten-grant,
                        idporten-login* and krr-lookup*): each makes a fresh database there and
                        drops it; default a SQLite file
  --profile DIR         run the servers with --cpu-prof, profiles written to DIR
  --json FILE           write the JSON here instead of bench/results/<workload>-<timestamp>.json
  -h, --help`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer (got "${value}")`);
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      size: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      pipelining: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      'log-level': { type: 'string' },
      'database-url': { type: 'string' },
      profile: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (err) {
  fail((err as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const size = values.size ?? 'full';
if (size !== 'smoke' && size !== 'full') fail(`--size must be smoke or full (got "${size}")`);
const selected = positionals.length === 0 ? [...workloads] : positionals.map((name) => workloads.find((w) => w.name === name) ?? fail(`unknown workload "${name}"`));

const smoke = size === 'smoke';
const durationS = positiveInt('duration', values.duration) ?? (smoke ? 3 : 10);
const connections = positiveInt('connections', values.connections) ?? 100;
const pipelining = positiveInt('pipelining', values.pipelining);
const variants: Variant[] =
  pipelining !== undefined
    ? [{ name: `c${connections}${pipelining > 1 ? `-p${pipelining}` : ''}`, connections, pipelining, durationS }]
    : smoke
      ? [{ name: `c${connections}`, connections, pipelining: 1, durationS }]
      : [
          { name: `c${connections}`, connections, pipelining: 1, durationS },
          { name: `c${connections}-p10`, connections, pipelining: 10, durationS: Math.max(3, Math.round(durationS / 2)) },
        ];
const logLevel = values['log-level'] ?? 'info';
if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) fail(`--log-level: unknown level "${logLevel}"`);
const databaseUrl = values['database-url'];
if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail(`--database-url must be a postgres:// URL (got "${databaseUrl}")`);

const pinning = pinSelf();
const tmpDir = mkdtempSync(join(tmpdir(), 'grunnmur-bench-'));
const settings: RunSettings = {
  size,
  warmupS: positiveInt('warmup', values.warmup) ?? (smoke ? 1 : 3),
  rounds: positiveInt('rounds', values.rounds) ?? (smoke ? 1 : 3),
  variants,
  connectionsGiven: values.connections !== undefined,
  logLevel,
  ...(databaseUrl ? { databaseUrl } : {}),
  ...(values.profile ? { profileDir: resolve(values.profile) } : {}),
  tmpDir,
  pinning,
  print: (line) => process.stdout.write(`${line}\n`),
};

process.once('SIGINT', () => {
  void stopAllServers().finally(() => {
    rmSync(tmpDir, { recursive: true, force: true });
    process.exit(130);
  });
});

if (!pinning.enabled) process.stdout.write(`warning: running UNPINNED (${pinning.reason}); server and load generator share cores\n`);

const results: WorkloadResult[] = [];
let exitCode = 0;
try {
  for (const workload of selected) {
    process.stdout.write(`\n${workload.name} (${size}): ${workload.description}\n`);
    const result = await runWorkload(workload, settings);
    results.push(result);
    process.stdout.write(`\n${formatTable(result)}\n`);
    const file = values.json ? resolve(values.json) : resolve(import.meta.dirname, 'results', `${workload.name}-${result.startedAt.replace(/[:.]/g, '-')}.json`);
    if (!values.json || selected.length === 1) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`written ${file}\n`);
    }
    if (!result.ok) exitCode = 1;
  }
  if (values.json && selected.length > 1) {
    const file = resolve(values.json);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`written ${file}\n`);
  }
} catch (err) {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  exitCode = 1;
  await stopAllServers();
} finally {
  rmSync(tmpDir, { recursive: true, force: true });
}
process.exit(exitCode);
