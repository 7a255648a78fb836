/**
 * "Ours" of the `krr-lookup` workloads: the real platform server as `grunnmur start` builds it
 * (`createPlatform` + `buildServer`, migrations and every component's `onStart`) with the
 * registers, Maskinporten (the token issuer) and KRR (which registers its mailbox and print
 * providers with test-PKI certificates at first start), on a fresh SQLite file (or, with
 * `--database-url`, a fresh PostgreSQL database made for the run and dropped after it), jobs
 * off, log level as the harness says (`info`: one request log line per request), rate limiter
 * on with a limit that never triggers, `SEED_PERSONS=0` (no Folkeregisteret population, and the
 * KRR seed writes nothing).
 *
 * The register: `--size smoke` 100 000 persons, `full` 5 000 000 (`BENCH_KRR_PERSONS` overrides),
 * bulk-loaded into `krr_persons` by load.ts. The token: a Maskinporten access token of this
 * platform's own Maskinporten issuer and signing key (`mintPlatformToken`, the same claims as the
 * JWT-bearer grant issues), consumer 991825827, scopes `krr:global/kontaktinformasjon.read` and
 * `krr:global/digitalpost.read`, 6 hours (the grant's 120 s would expire during a full run); the
 * route verifies it (RS256, issuer, times, scopes) on every request.
 *
 * Before listening it checks one lookup through `app.inject` and its audit effect (one
 * `krr_lookups` row, one `krr_lookup_persons` row per person). Reports {@link KrrDetails}.
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import { buildServer, createPlatform } from '../../../src/platform/boot.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { mintPlatformToken } from '../../../src/platform/auth/testing.ts';
import { validateFodselsnummer } from '../../../src/platform/identifiers/index.ts';
import { registersComponent } from '../../../src/registers/index.ts';
import { maskinportenComponent } from '../../../src/maskinporten/index.ts';
import { KRR_SCOPE_DIGITALPOST, KRR_SCOPE_KONTAKTINFORMASJON, krrComponent } from '../../../src/krr/index.ts';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import { freshPostgresDatabase } from '../../lib/postgres.ts';
import { candidate, randomLookup, type KeySpace } from './keys.ts';
import { loadRegister } from './load.ts';

/** Highest limit the config schema allows; per 60 s window far above what one core serves. */
const RATE_LIMIT_MAX = '10000000';
/** Persons in the register per size. */
export const KRR_PERSONS = { smoke: 100_000, full: 5_000_000 } as const;
/** The lookup route of both workloads (v2 with `inkluderIkkeRegistrerte: true`). */
export const LOOKUP_PATH = '/krr/rest/v2/personer';

/** What ours announces: the key space, the token, and where the peer finds the same data. */
export interface KrrDetails {
  space: KeySpace;
  token: string;
  path: string;
  loadSeconds: number;
  database: { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };
}

runServerChild(async ({ tmpDir, logLevel, databaseUrl, size }) => {
  const persons = Number(process.env.BENCH_KRR_PERSONS ?? KRR_PERSONS[size ?? 'full']);
  if (!Number.isInteger(persons) || persons < 1000) throw new Error(`BENCH_KRR_PERSONS must be an integer ≥ 1000 (got ${process.env.BENCH_KRR_PERSONS})`);
  const postgres = databaseUrl ? await freshPostgresDatabase(databaseUrl) : undefined;
  const file = join(tmpDir, 'bench.db');
  const config = loadConfig({
    DATABASE_URL: postgres?.url ?? `sqlite:${file}`,
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://127.0.0.1',
    JOBS_ENABLED: 'false',
    LOG_LEVEL: logLevel,
    RATE_LIMIT_MAX,
    SEED_PERSONS: '0',
    SEED_ORGS: '10',
  });
  const platform = await createPlatform({ config, components: [registersComponent, maskinportenComponent, krrComponent] });
  const { db } = platform;

  // The generator's numbers must be the platform's valid ones.
  for (let c = 0; c < 5000; c++) {
    const key = candidate(c, 7);
    if (key !== null && !validateFodselsnummer(key).valid) throw new Error(`krr-lookup: generated ${key}, which the platform rejects`);
  }
  const { space, seconds } = await loadRegister(db, persons);
  process.stderr.write(`krr-lookup: loaded ${persons} persons into krr_persons (${db.engine}) in ${seconds.toFixed(1)} s\n`);

  const token = await mintPlatformToken(platform, {
    scope: [KRR_SCOPE_KONTAKTINFORMASJON, KRR_SCOPE_DIGITALPOST],
    clientId: 'grunnmur-bench-krr',
    lifetimeS: 6 * 3600,
  });
  const app = await buildServer(platform);

  // One lookup and its audit effect, before any load.
  const count = async (table: string): Promise<number> =>
    Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely)).rows[0]!.n);
  const before = [await count('krr_lookups'), await count('krr_lookup_persons')];
  const ids = randomLookup(space, 9, 1);
  const response = await app.inject({
    method: 'POST',
    url: LOOKUP_PATH,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ personidentifikatorer: ids, inkluderIkkeRegistrerte: true }),
  });
  const answer = response.json() as { personer?: Array<{ status: string }> };
  if (response.statusCode !== 200 || answer.personer?.length !== 10) throw new Error(`krr-lookup self-check: ${response.statusCode} ${response.body.slice(0, 300)}`);
  if (answer.personer.filter((p) => p.status === 'IKKE_REGISTRERT').length !== 1) throw new Error('krr-lookup self-check: expected exactly one IKKE_REGISTRERT');
  const after = [await count('krr_lookups'), await count('krr_lookup_persons')];
  if (after[0]! - before[0]! !== 1 || after[1]! - before[1]! !== 10) {
    throw new Error(`krr-lookup self-check: audit log grew by ${after[0]! - before[0]!} lookups and ${after[1]! - before[1]!} persons, expected 1 and 10`);
  }

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const details: KrrDetails = {
    space,
    token,
    path: LOOKUP_PATH,
    loadSeconds: seconds,
    database: postgres ? { engine: 'postgres', url: postgres.url } : { engine: 'sqlite', file },
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
});
