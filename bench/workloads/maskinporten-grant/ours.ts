/**
 * "Ours" of the `maskinporten-grant` workload: the real platform server with the Maskinporten
 * component, built as `grunnmur start` builds it (`createPlatform` + `buildServer`, migrations
 * and the component's `onStart`, which registers the issuer and makes its first signing key), on
 * a fresh SQLite file (or, with `--database-url postgres://…`, a fresh PostgreSQL database made
 * for the run and dropped after it), jobs off, log level as the harness says (`info`: the
 * access-log line per token), rate limiter on with a limit that never triggers.
 *
 * Registered through the component's domain functions, as the self-service API would: a scope
 * `grunnmurbench:tokens` owned by one organisation (974760673), an access grant for a second
 * organisation (889640782), and that organisation's client with the scope and one RSA-2048 key
 * (RS256, `kid`). Every token therefore runs the whole grant: the assertion's checks, the
 * registry reads (client, key, scopes, the consumer's access grant; from the grant's registry
 * cache, read again every 2 s), the signature, the RS256 token, the replay row (one durable
 * insert) and the usage count (buffered by the process, written once a second).
 *
 * Reports `{ clientId, kid, privateJwk, audience, scope, tokenPath }` to the harness (see
 * signing.ts, feed.ts); the client key pair is made here and exists only for this run.
 */
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildServer, createPlatform } from '../../../src/platform/boot.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { createClient, ensureScope, grantScopeAccess, maskinportenComponent, setClientKeys } from '../../../src/maskinporten/index.ts';
import { freshPostgresDatabase } from '../../lib/postgres.ts';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import type { OursDetails } from './signing.ts';

/** Highest limit the config schema allows; per 60 s window far above what one core serves. */
const RATE_LIMIT_MAX = '10000000';
/** The issuer's base; only its text matters (assertion `aud` and token `iss`), nothing connects to it. */
const PUBLIC_URL = 'http://127.0.0.1';
/** Owner of the benchmark scope (Brønnøysundregistrene's number, a valid organisasjonsnummer). */
const SCOPE_OWNER = '974760673';
/** The client's organisation: the `consumer` of the tokens (NAV's number). */
const CONSUMER = '889640782';
const SCOPE = 'grunnmurbench:tokens';

runServerChild(async ({ tmpDir, logLevel, databaseUrl }) => {
  const postgres = databaseUrl ? await freshPostgresDatabase(databaseUrl) : undefined;
  const config = loadConfig({
    DATABASE_URL: postgres?.url ?? `sqlite:${join(tmpDir, 'bench.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL,
    JOBS_ENABLED: 'false',
    LOG_LEVEL: logLevel,
    RATE_LIMIT_MAX,
  });
  const platform = await createPlatform({ config, components: [maskinportenComponent] });
  const { db } = platform;

  await ensureScope(db, {
    name: SCOPE,
    owner_orgno: SCOPE_OWNER,
    description: 'Benchmark scope',
    allowed_integration_types: ['maskinporten'],
  });
  await grantScopeAccess(db, { scope: SCOPE, consumerOrgno: CONSUMER }, { orgno: SCOPE_OWNER });
  const client = await createClient(
    db,
    { client_name: 'grunnmur bench', integration_type: 'maskinporten', scopes: [SCOPE] },
    { orgno: CONSUMER },
  );
  const kid = 'grunnmur-bench-key-1';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await setClientKeys(
    db,
    client.client_id,
    { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] },
    { orgno: CONSUMER },
  );

  const app = await buildServer(platform);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const details: OursDetails = {
    clientId: client.client_id,
    kid,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256' },
    audience: `${config.PUBLIC_URL}/maskinporten/`,
    scope: SCOPE,
    tokenPath: '/maskinporten/token',
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
