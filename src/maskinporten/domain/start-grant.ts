/**
 * What the token endpoint needs once per process: the issuer registered with the key store
 * (so a rotated-out key stays in the JWKS until the last token it signed has expired), its first
 * signing key, and the recurring purge of spent replay keys.
 */
import type { Platform } from '../../platform/platform.ts';
import { purgeUsedJtis } from '../store/replay-store.ts';
import type { MaskinportenDb } from '../store/tables.ts';
import { ClientKeyCache } from './grant/client-key-cache.ts';
import { CachedGrantRegistry } from './grant/registry-cache.ts';
import type { GrantDeps } from './grant/grant-context.ts';
import { MAX_ACCESS_TOKEN_LIFETIME_S } from './grant/issue-access-token.ts';
import { maskinportenIssuer } from './issuer.ts';

/** Queue of the job that deletes replay rows of expired grants. */
export const JTI_PURGE_QUEUE = 'maskinporten.jti.purge';

/** How often the purge runs, ms (10 min). */
export const JTI_PURGE_INTERVAL_MS = 600_000;

/**
 * `onStart` part of the token endpoint: registers the issuer with
 * `maxTokenLifetimeS = MAX_ACCESS_TOKEN_LIFETIME_S`, makes sure it has a signing key, and
 * registers and schedules the {@link JTI_PURGE_QUEUE} job.
 */
export async function startGrant(platform: Platform): Promise<void> {
  const issuer = maskinportenIssuer(platform.config);
  await platform.keys.registerIssuer(issuer, { maxTokenLifetimeS: MAX_ACCESS_TOKEN_LIFETIME_S });
  await platform.keys.getSigningKey(issuer);
  const db = platform.db.kysely as MaskinportenDb;
  platform.jobs.register(JTI_PURGE_QUEUE, async (_job, { log }) => {
    const removed = await purgeUsedJtis(db, Date.now());
    if (removed > 0) log.info({ removed }, 'expired grant replay keys purged');
  });
  await platform.jobs.every(JTI_PURGE_QUEUE, JTI_PURGE_INTERVAL_MS);
}

/**
 * The grant's dependencies from the platform.
 *
 * @param overrides e.g. a fixed clock in tests
 */
export function grantDeps(platform: Platform, overrides: Partial<GrantDeps> = {}): GrantDeps {
  const db = platform.db.kysely as MaskinportenDb;
  return {
    db,
    registry: new CachedGrantRegistry(db, { ttlMs: platform.config.MASKINPORTEN_REGISTRY_CACHE_TTL_MS }),
    pki: platform.pki,
    keys: platform.keys,
    stats: platform.stats,
    issuer: maskinportenIssuer(platform.config),
    now: Date.now,
    maxAssertionLifetimeS: platform.config.MASKINPORTEN_MAX_ASSERTION_LIFETIME_S,
    keyCache: new ClientKeyCache(),
    ...overrides,
  };
}
