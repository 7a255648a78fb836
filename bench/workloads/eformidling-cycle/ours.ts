/**
 * "Ours" of the `eformidling-cycle` workload: the real platform server as `grunnmur start` builds
 * it (`createPlatform` + `buildServer`, migrations and every component's `onStart`) with the
 * registers, Maskinporten (the tokens' issuer), KRR and ELMA (routing) and eFormidling, on a
 * fresh SQLite file (or, with `--database-url`, a fresh PostgreSQL database made for the run and
 * dropped after it), log level as the harness says (`info`: one request log line per request),
 * rate limiter on with a limit that never triggers, and — unlike the other workloads — **the job
 * worker running** (`JOBS_ENABLED=true`, the defaults: 4 jobs at a time, woken at once by an
 * enqueue in this process), since delivery into the receiver's queue is the `eformidling.send`
 * job: it builds and signs the ASiC-E in this process.
 *
 * The sender is Digdir (991825827), the receiver NAV (889640782): both in ELMA's seed with the
 * arkivmelding process of `administrasjon`, so routing gives DPO. Their tokens are access tokens
 * of this platform's own Maskinporten issuer (`mintPlatformToken`, the claims the JWT-bearer grant
 * issues) with `eformidling:integrasjonspunkt`, 6 hours (a grant's 120 s would expire during a
 * run); every request verifies its token.
 *
 * Before listening it runs one whole cycle through `app.inject` and checks it: create and send
 * (multipart, the 10 KB file), the delivery job, peek, pop — the ASiC-E verified against the test
 * CA (signer Digdir, the one file, byte for byte) — delete, and the sender's statuses OPPRETTET →
 * SENDT → MOTTATT → LEVERT. That cycle also issues Digdir's signing certificate, so no measured
 * cycle pays for it. Reports {@link OursDetails}.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildServer, createPlatform } from '../../../src/platform/boot.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { mintPlatformToken } from '../../../src/platform/auth/testing.ts';
import { registersComponent } from '../../../src/registers/index.ts';
import { maskinportenComponent } from '../../../src/maskinporten/index.ts';
import { krrComponent } from '../../../src/krr/index.ts';
import { arkivmeldingProcess, EFORMIDLING_DOCUMENT_TYPES, elmaComponent } from '../../../src/elma/index.ts';
import { EFORMIDLING_SCOPE, eformidlingComponent, NEXTMOVE_PATH, verifyAsice } from '../../../src/eformidling/index.ts';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import { freshPostgresDatabase } from '../../lib/postgres.ts';
import { arkivmeldingSbd, FILE_NAME, multipartMessage, PAYLOAD, type OursDetails, type SbdTemplate } from './messages.ts';

/** Highest limit the config schema allows; per 60 s window far above what one core serves. */
const RATE_LIMIT_MAX = '10000000';
/** Seeded agencies (ELMA: arkivmelding under `administrasjon`). */
const DIGDIR = '991825827';
const NAV = '889640782';
/** How long the self-check waits for the delivery job. */
const SELF_CHECK_TIMEOUT_MS = 30_000;

runServerChild(async ({ tmpDir, logLevel, databaseUrl }) => {
  const postgres = databaseUrl ? await freshPostgresDatabase(databaseUrl) : undefined;
  const config = loadConfig({
    DATABASE_URL: postgres?.url ?? `sqlite:${join(tmpDir, 'bench.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://127.0.0.1',
    JOBS_ENABLED: 'true',
    LOG_LEVEL: logLevel,
    RATE_LIMIT_MAX,
    SEED_PERSONS: '0',
    SEED_ORGS: '10',
  });
  const platform = await createPlatform({ config, components: [registersComponent, maskinportenComponent, krrComponent, elmaComponent, eformidlingComponent] });
  const token = (orgnr: string) =>
    mintPlatformToken(platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: orgnr, clientId: `grunnmur-bench-eformidling-${orgnr}`, lifetimeS: 6 * 3600 });
  const tokens = { sender: await token(DIGDIR), receiver: await token(NAV) };
  const sbd: SbdTemplate = { sender: DIGDIR, receiver: NAV, standard: EFORMIDLING_DOCUMENT_TYPES.arkivmelding, process: arkivmeldingProcess('administrasjon') };
  const app = await buildServer(platform);
  platform.jobs.start();

  // One whole cycle and its effects, before any load.
  const t0 = performance.now();
  const fail = (what: string, response?: { statusCode: number; body: string }): never => {
    throw new Error(`eformidling-cycle self-check: ${what}${response ? ` (HTTP ${response.statusCode}: ${response.body.slice(0, 300)})` : ''}`);
  };
  const as = (who: 'sender' | 'receiver') => ({ authorization: `Bearer ${tokens[who]}` });
  const message = arkivmeldingSbd(sbd);
  const messageId = (message.standardBusinessDocumentHeader as { documentIdentification: { instanceIdentifier: string } }).documentIdentification.instanceIdentifier;
  const multipart = multipartMessage(message);
  const created = await app.inject({
    method: 'POST',
    url: `${NEXTMOVE_PATH}/messages/out/multipart`,
    headers: { ...as('sender'), 'content-type': multipart.contentType },
    payload: Buffer.concat(multipart.parts),
  });
  if (created.statusCode !== 200) fail('create and send', created);
  let peeked: Awaited<ReturnType<typeof app.inject>> | undefined;
  for (const deadline = Date.now() + SELF_CHECK_TIMEOUT_MS; Date.now() < deadline; await sleep(20)) {
    const peek = await app.inject({ method: 'GET', url: `${NEXTMOVE_PATH}/messages/in/peek`, headers: as('receiver') });
    if (peek.statusCode === 200) {
      peeked = peek;
      break;
    }
    if (peek.statusCode !== 204) fail('peek', peek);
  }
  if (!peeked) fail(`the delivery job did not deliver within ${SELF_CHECK_TIMEOUT_MS / 1000} s`);
  if (!peeked!.body.includes(messageId)) fail('peek gave another message', peeked);
  const pop = await app.inject({ method: 'GET', url: `${NEXTMOVE_PATH}/messages/in/pop/${messageId}`, headers: as('receiver') });
  if (pop.statusCode !== 200) fail('pop', pop);
  const verified = await verifyAsice(pop.rawPayload, { caCertificatesPem: [await platform.pki.rootCertificatePem(), await platform.pki.issuingCertificatePem()] });
  if (verified.signerOrgnr !== DIGDIR) fail(`the ASiC-E is signed by ${verified.signerOrgnr}, not ${DIGDIR}`);
  if (verified.files.length !== 1 || verified.files[0]!.name !== FILE_NAME || !Buffer.from(verified.files[0]!.content).equals(PAYLOAD)) {
    fail(`the ASiC-E holds ${verified.files.map((f) => `${f.name} (${f.content.byteLength} bytes)`).join(', ')}, not ${FILE_NAME} with the payload`);
  }
  const deleted = await app.inject({ method: 'DELETE', url: `${NEXTMOVE_PATH}/messages/in/${messageId}`, headers: as('receiver') });
  if (deleted.statusCode !== 200) fail('delete', deleted);
  const statuses = await app.inject({ method: 'GET', url: `${NEXTMOVE_PATH}/statuses/${messageId}`, headers: as('sender') });
  const seen = (statuses.json() as { content?: Array<{ status: string }> }).content?.map((s) => s.status).join(' → ');
  if (seen !== 'OPPRETTET → SENDT → MOTTATT → LEVERT') fail(`the sender's statuses are ${seen}`, statuses);
  const selfCheckSeconds = (performance.now() - t0) / 1000;

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const details: OursDetails = { basePath: NEXTMOVE_PATH, tokens, sbd, selfCheckSeconds, database: postgres ? 'postgres' : 'sqlite' };
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
