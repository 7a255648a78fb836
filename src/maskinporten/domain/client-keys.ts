/**
 * A client's public keys (`/clients/{client_id}/jwks`): POST and PUT both replace the whole set.
 *
 * Rules, each checked on every key before anything is written: the kernel's
 * (`platform/auth/client-jwks.ts`, shared with ID-porten's client registry), each broken rule
 * answered with its `MASKINPORTEN_` code: `MASKINPORTEN_TOO_MANY_KEYS` (more than 5),
 * `MASKINPORTEN_PRIVATE_KEY_MATERIAL`, `MASKINPORTEN_INVALID_KID`, `MASKINPORTEN_DUPLICATE_KID`,
 * `MASKINPORTEN_UNSUPPORTED_KEY` (RSA 2048–8192 bits, RS256/384/512, matching `x5c`),
 * `MASKINPORTEN_INVALID_KEY_EXPIRY` (`exp` at most one year ahead); and here: a `kid` unique
 * across all Maskinporten clients (`MASKINPORTEN_KID_IN_USE`, 409).
 *
 * @see specs/idporten-maskinporten.md §1 "Client registration" (keys at most 1 year, kid rules)
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin ("Bruk av asymmetrisk nøkkel")
 * @see nais/digdirator `jwk-updater` README: "The JWK itself also has an exp parameter … implicitly
 *   set to 1 year in the future (which is also the maximum value)"
 */
import type { Database } from '../../platform/db/database.ts';
import { checkClientJwks, ClientJwksError, type JwksInput } from '../../platform/auth/index.ts';
import { maskinportenError, type MaskinportenErrorCode } from '../errors.ts';
import { deleteClientKeys, findClientKeys, insertClientKeys, listClientKeys } from '../store/clients-store.ts';
import { maskinportenDb } from '../store/db.ts';
import { updateClientRow } from '../store/clients-store.ts';
import type { ClientKeyRow } from '../store/tables.ts';
import type { Actor } from './actor.ts';
import { activeClientRow, visibleClientRow } from './clients.ts';
import type { NowOption } from './scopes.ts';
import type { ClientJwks, ClientKey } from './types.ts';
import { registryChanged } from './grant/registry-cache.ts';

// The key rules are the kernel's (shared with ID-porten's client registry).
export { MAX_CLIENT_KEYS, CLIENT_KEY_ALGORITHMS, maxKeyExpiry, type JwksInput } from '../../platform/auth/index.ts';

/**
 * Replaces the client's keys with `jwks` (an empty set removes them all).
 *
 * @returns the stored set, each key with its `exp` (epoch seconds)
 * @throws AppError `MASKINPORTEN_CLIENT_NOT_FOUND` (404), `MASKINPORTEN_CLIENT_INACTIVE` (409),
 *   `MASKINPORTEN_TOO_MANY_KEYS`, `MASKINPORTEN_PRIVATE_KEY_MATERIAL`, `MASKINPORTEN_INVALID_KID`,
 *   `MASKINPORTEN_DUPLICATE_KID`, `MASKINPORTEN_UNSUPPORTED_KEY`, `MASKINPORTEN_INVALID_KEY_EXPIRY`
 *   (400), `MASKINPORTEN_KID_IN_USE` (409)
 */
export async function setClientKeys(db: Database, clientId: string, jwks: JwksInput, actor: Actor, options: NowOption = {}): Promise<ClientJwks> {
  const k = maskinportenDb(db);
  await activeClientRow(k, clientId, actor);
  const now = options.now ?? Date.now();
  const rows = checkJwks(jwks, clientId, now);
  const taken = (await findClientKeys(k, rows.map((r) => r.kid))).filter((key) => key.client_id !== clientId);
  if (taken.length > 0) throw kidInUse(taken.map((t) => t.kid));
  try {
    await k.transaction().execute(async (trx) => {
      await deleteClientKeys(trx, clientId);
      await insertClientKeys(trx, rows);
      await updateClientRow(trx, clientId, { last_updated: now });
    });
  } catch (err) {
    // A concurrent registration took one of the kids between the check and the insert.
    if (isUniqueViolation(err)) throw kidInUse(rows.map((r) => r.kid));
    throw err;
  }
  registryChanged();
  return toJwks(await listClientKeys(k, clientId));
}

/**
 * The client's registered keys (expired ones included, each with its `exp`).
 *
 * @throws AppError `MASKINPORTEN_CLIENT_NOT_FOUND` (404)
 */
export async function getClientKeys(db: Database, clientId: string, actor: Actor): Promise<ClientJwks> {
  const k = maskinportenDb(db);
  await visibleClientRow(k, clientId, actor);
  return toJwks(await listClientKeys(k, clientId));
}

/**
 * Checks a posted set and returns the rows to store (pure; the kernel's rules, see
 * `platform/auth/client-jwks.ts`), with Maskinporten's error codes.
 *
 * @param now epoch ms of the posting
 * @throws AppError `MASKINPORTEN_TOO_MANY_KEYS`, `MASKINPORTEN_PRIVATE_KEY_MATERIAL`,
 *   `MASKINPORTEN_INVALID_KID`, `MASKINPORTEN_DUPLICATE_KID`, `MASKINPORTEN_UNSUPPORTED_KEY`,
 *   `MASKINPORTEN_INVALID_KEY_EXPIRY` (400)
 */
export function checkJwks(jwks: JwksInput, clientId: string, now: number): ClientKeyRow[] {
  try {
    return checkClientJwks(jwks, now).map((key) => ({ kid: key.kid, client_id: clientId, jwk: JSON.stringify(key.jwk), created: now, expires: key.expires }));
  } catch (err) {
    if (err instanceof ClientJwksError) throw maskinportenError(`MASKINPORTEN_${err.rule}` satisfies MaskinportenErrorCode, err.message);
    throw err;
  }
}

function toJwks(keys: ClientKey[]): ClientJwks {
  if (keys.length === 0) return { keys: [] };
  const created = Math.min(...keys.map((k) => k.created));
  const lastUpdated = Math.max(...keys.map((k) => k.created));
  return {
    created: new Date(created).toISOString(),
    last_updated: new Date(lastUpdated).toISOString(),
    keys: keys.map((k) => ({ ...k.jwk, exp: Math.floor(k.expires / 1000) })),
  };
}

function kidInUse(kids: string[]) {
  return maskinportenError('MASKINPORTEN_KID_IN_USE', `kid ${kids.map((k) => `"${k}"`).join(', ')} is registered on another client; a kid is unique across all clients`);
}

/** A primary-key or unique violation on PostgreSQL (23505) or SQLite. */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return e?.code === '23505' || (typeof e?.message === 'string' && /UNIQUE constraint failed|PRIMARY KEY/i.test(e.message));
}
