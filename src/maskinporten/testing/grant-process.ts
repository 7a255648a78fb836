/**
 * A Grunnmur process serving Maskinporten, started by `replay.process.test.ts` with
 * `process.execPath`, so two OS processes share one database as two replicas would.
 *
 * Usage: `node grant-process.ts '<json GrantProcessOptions>'`. Protocol on stdin/stdout, one
 * line each: prints `ready` once started; reads one JSON line, an array of assertions, and
 * prints `loaded`; reads `go <epoch ms> <forward|reverse>`, waits until that moment (so both
 * processes start together), posts every assertion to `/maskinporten/token` at once, in the
 * given order, and prints one JSON line
 * `{"results": [{"status": 200} | {"status": 400, "code": "MP-012"}, …]}` (in the order of the
 * assertions array), then exits.
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { maskinportenComponent } from '../index.ts';
import { buildServer, createPlatform } from '../../platform/boot.ts';
import { loadConfig } from '../../platform/config.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { JWT_BEARER_GRANT_TYPE } from '../domain/grant/check-form-params.ts';

/** The JSON the test passes as the first argument. */
export interface GrantProcessOptions {
  /** DATABASE_URL of the shared test database (already migrated). */
  url: string;
  publicUrl: string;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as GrantProcessOptions;
  const db = await openDatabase(options.url, { poolSize: 10 });
  const config = loadConfig({ DATABASE_URL: options.url, PUBLIC_URL: options.publicUrl, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0' });
  const platform = await createPlatform({ config, components: [maskinportenComponent], db, log: pino({ level: 'silent' }) });
  const app = await buildServer(platform);
  await app.ready();
  process.stdout.write('ready\n');

  let assertions: string[] = [];
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.startsWith('go ')) {
      assertions = JSON.parse(line) as string[];
      process.stdout.write('loaded\n');
      continue;
    }
    const [, at, order] = line.split(' ');
    await sleep(Math.max(0, Number(at) - Date.now()));
    const indices = assertions.map((_a, i) => i);
    if (order === 'reverse') indices.reverse();
    const inOrder = await Promise.all(
      indices.map((i) => assertions[i] as string).map((assertion) =>
        app.inject({
          method: 'POST',
          url: '/maskinporten/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }).toString(),
        }),
      ),
    );
    const responses = new Array<(typeof inOrder)[number]>(inOrder.length);
    indices.forEach((i, n) => {
      responses[i] = inOrder[n] as (typeof inOrder)[number];
    });
    const results = responses.map((res) => {
      const code = /\((MP-\d+|MASKINPORTEN_[A-Z_]+)\)/.exec(res.body)?.[1];
      return code === undefined ? { status: res.statusCode } : { status: res.statusCode, code };
    });
    process.stdout.write(`${JSON.stringify({ results })}\n`);
    break;
  }
  await app.close();
  await platform.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`grant-process failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
