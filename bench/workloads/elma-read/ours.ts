/**
 * "Ours" of the `elma-read` workload: the real platform server as `grunnmur start` builds it
 * (`createPlatform` + `buildServer`, migrations and every component's `onStart`) with the
 * registers, Maskinporten (the issuer of the write API's tokens) and ELMA, on a fresh SQLite file
 * (or, with `--database-url`, a fresh PostgreSQL database made for the run and dropped after it),
 * jobs off, log level as the harness says (`info`: one request log line per request), rate
 * limiter on with a limit that never triggers.
 *
 * The register: ELMA's seed (19 participants, 66 document types) plus `--size smoke` 150, `full`
 * 1,000 more participants (`BENCH_ELMA_PARTICIPANTS` overrides), registered before listening
 * through ELMA's own write API (`PUT /elma/api/v1/participants/{orgnr}` through `app.inject`,
 * with a Maskinporten token of this platform's issuer for Digdir, scope
 * `elma:participants.write`): each the four eFormidling document types (arkivmelding under
 * `administrasjon` and 0–3 more sectors, its kvittering, innsynskrav and its kvittering), one
 * `bdxr-transport-altinn` endpoint with a test-PKI enterprise certificate. Then every
 * participant's `ServiceGroup` is read once (through `app.inject`) and its
 * `ServiceMetadataReference/@href`s become the working set of `SignedServiceMetadata` paths, as
 * an SMP client follows them (percent-encoded).
 *
 * Reports {@link ElmaDetails}: the paths (in a file), ELMA's signing certificate (for the pre-flight's
 * signature check) and the port (the peer fetches every document from ours before the load).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildServer, createPlatform } from '../../../src/platform/boot.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { mintPlatformToken } from '../../../src/platform/auth/testing.ts';
import { createRng, generateOrganisasjonsnummer, randomInt } from '../../../src/platform/identifiers/index.ts';
import { registersComponent } from '../../../src/registers/index.ts';
import { maskinportenComponent } from '../../../src/maskinporten/index.ts';
import {
  ARKIVMELDING_SECTORS,
  arkivmeldingProcess,
  EFORMIDLING_DOCUMENT_TYPES,
  EFORMIDLING_PROCESSES,
  ELMA_SCOPE_PARTICIPANTS_WRITE,
  elmaComponent,
  type PutParticipantRequest,
} from '../../../src/elma/index.ts';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import { freshPostgresDatabase } from '../../lib/postgres.ts';

/** Highest limit the config schema allows; per 60 s window far above what one core serves. */
const RATE_LIMIT_MAX = '10000000';
/** Participants registered on top of ELMA's seed, per size. */
export const ELMA_EXTRA_PARTICIPANTS = { smoke: 150, full: 1_000 } as const;
/** `PUBLIC_URL` of ours (the hrefs in a ServiceGroup start with it; the paths are what follows). */
const PUBLIC_URL = 'http://127.0.0.1';

/** The working set (JSON in {@link ElmaDetails.pathsFile}). */
export interface ElmaPaths {
  /** `GET /elma/iso6523-actorid-upis::0192:<orgnr>`, one per participant. */
  serviceGroups: string[];
  /** The `ServiceMetadataReference/@href` paths of every participant (percent-encoded). */
  serviceMetadata: string[];
}

/** What ours announces. */
export interface ElmaDetails {
  /**
   * A JSON file of {@link ElmaPaths} in ours' scratch directory (removed with it after the run):
   * the harness hands ours' details to the peer on its command line, too small for thousands of
   * paths.
   */
  pathsFile: string;
  /** ServiceGroup and ServiceMetadata documents in the working set. */
  documents: { serviceGroups: number; serviceMetadata: number };
  /** ELMA's signing certificate, PEM (`GET /elma/api/v1/certificate`). */
  certificatePem: string;
  /** Ours' port on 127.0.0.1 (the peer fetches every document from it once). */
  port: number;
  /** Seconds the registration took. */
  registerSeconds: number;
}

/** A write body for a bench participant: the four eFormidling document types. */
function participantBody(rng: () => number, certificate: string, n: number): PutParticipantRequest {
  const endpoint = {
    transportProfile: 'bdxr-transport-altinn',
    endpointUrl: `https://ap${n % 7}.bench.example.no/eformidling/api`,
    certificate,
    serviceActivationDate: '2025-01-01T00:00:00+01:00',
    serviceExpirationDate: '2034-01-01T00:00:00Z',
    requireBusinessLevelSignature: false,
    serviceDescription: `Benchmark access point ${n % 7}`,
    technicalContactUrl: `https://ap${n % 7}.bench.example.no/kontakt`,
  };
  const others = ARKIVMELDING_SECTORS.filter((s) => s !== 'administrasjon');
  const sectors = new Set<string>(['administrasjon']);
  const more = randomInt(rng, 0, 3);
  while (sectors.size < 1 + more) sectors.add(others[randomInt(rng, 0, others.length - 1)]!);
  const doc = (value: string, processes: string[]) => ({
    documentIdentifier: { value },
    processes: processes.map((p) => ({ processIdentifier: { value: p }, endpoints: [endpoint] })),
  });
  return {
    documents: [
      doc(EFORMIDLING_DOCUMENT_TYPES.arkivmelding, [...sectors].map((s) => arkivmeldingProcess(s as (typeof ARKIVMELDING_SECTORS)[number]))),
      doc(EFORMIDLING_DOCUMENT_TYPES.arkivmelding_kvittering, [EFORMIDLING_PROCESSES.arkivmeldingResponse]),
      doc(EFORMIDLING_DOCUMENT_TYPES.innsynskrav, [EFORMIDLING_PROCESSES.innsynskrav]),
      doc(EFORMIDLING_DOCUMENT_TYPES.einnsyn_kvittering, [EFORMIDLING_PROCESSES.einnsynResponse]),
    ],
  };
}

runServerChild(async ({ tmpDir, logLevel, databaseUrl, size }) => {
  const extra = Number(process.env.BENCH_ELMA_PARTICIPANTS ?? ELMA_EXTRA_PARTICIPANTS[size ?? 'full']);
  if (!Number.isInteger(extra) || extra < 0 || extra > 2000) throw new Error(`BENCH_ELMA_PARTICIPANTS must be an integer 0–2000 (got ${process.env.BENCH_ELMA_PARTICIPANTS})`);
  const postgres = databaseUrl ? await freshPostgresDatabase(databaseUrl) : undefined;
  const file = join(tmpDir, 'bench.db');
  const config = loadConfig({
    DATABASE_URL: postgres?.url ?? `sqlite:${file}`,
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL,
    JOBS_ENABLED: 'false',
    LOG_LEVEL: logLevel,
    RATE_LIMIT_MAX,
    SEED_PERSONS: '0',
    SEED_ORGS: '10',
  });
  const platform = await createPlatform({ config, components: [registersComponent, maskinportenComponent, elmaComponent] });
  const app = await buildServer(platform);

  // More participants, through ELMA's write API (as an access-point provider would register them).
  const t0 = performance.now();
  const token = await mintPlatformToken(platform, { scope: [ELMA_SCOPE_PARTICIPANTS_WRITE], clientId: 'grunnmur-bench-elma', lifetimeS: 3600 });
  const certificate = (await platform.pki.issueEnterpriseCertificate({ orgnr: '991825827', organisationName: 'BENCH AKSESSPUNKT' })).certificatePem.replace(
    /-----(BEGIN|END) CERTIFICATE-----|\s+/g,
    '',
  );
  const rng = createRng('elma-read');
  const orgnrs = new Set<string>();
  while (orgnrs.size < extra) orgnrs.add(generateOrganisasjonsnummer(rng, { firstDigit: rng() < 0.5 ? 8 : 9 }));
  let n = 0;
  for (const orgnr of orgnrs) {
    const response = await app.inject({
      method: 'PUT',
      url: `/elma/api/v1/participants/${orgnr}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(participantBody(rng, certificate, n++)),
    });
    // A generated number may be a seeded participant's (then Digdir's, replaced: 200).
    if (response.statusCode !== 201 && response.statusCode !== 200) throw new Error(`elma-read: PUT ${orgnr}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  }
  const registerSeconds = (performance.now() - t0) / 1000;

  // The working set: every participant's ServiceGroup and the hrefs it lists.
  const participants = await platform.db.kysely
    .selectFrom('elma_participants' as never)
    .select('value' as never)
    .orderBy('value' as never)
    .execute() as Array<{ value: string }>;
  const serviceGroups: string[] = [];
  const serviceMetadata: string[] = [];
  for (const { value } of participants) {
    const path = `/elma/iso6523-actorid-upis::${value}`;
    const response = await app.inject({ url: path });
    if (response.statusCode !== 200) throw new Error(`elma-read: GET ${path}: ${response.statusCode} ${response.body.slice(0, 300)}`);
    const hrefs = [...response.body.matchAll(/<ServiceMetadataReference href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    if (hrefs.length === 0) throw new Error(`elma-read: ${path} lists no document types`);
    for (const href of hrefs) {
      if (!href.startsWith(`${PUBLIC_URL}/elma/`)) throw new Error(`elma-read: unexpected href ${href}`);
      serviceMetadata.push(href.slice(PUBLIC_URL.length));
    }
    serviceGroups.push(path);
  }
  const certificateResponse = await app.inject({ url: '/elma/api/v1/certificate' });
  if (certificateResponse.statusCode !== 200) throw new Error(`elma-read: GET /elma/api/v1/certificate: ${certificateResponse.statusCode}`);
  process.stderr.write(
    `elma-read: ${participants.length} participants (${extra} registered in ${registerSeconds.toFixed(1)} s), ${serviceMetadata.length} ServiceMetadata documents (${platform.db.engine})\n`,
  );

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const pathsFile = join(tmpDir, 'elma-paths.json');
  writeFileSync(pathsFile, JSON.stringify({ serviceGroups, serviceMetadata } satisfies ElmaPaths));
  const details: ElmaDetails = {
    pathsFile,
    documents: { serviceGroups: serviceGroups.length, serviceMetadata: serviceMetadata.length },
    certificatePem: certificateResponse.body,
    port,
    registerSeconds,
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
