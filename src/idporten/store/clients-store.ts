/**
 * Kysely queries over `idporten_clients` and `idporten_client_kids`. No rules here:
 * `domain/clients.ts` and `domain/clients-admin.ts` decide; these read and write rows and map
 * them to {@link IdportenClient}. A client's `kid`s are written to `idporten_client_kids` in the
 * same transaction as the client, so a kid belongs to one client at a time.
 */
import type { JWK } from 'jose';
import type { Database } from '../../platform/db/database.ts';
import type { IdportenClient, IdportenIntegrationType } from '../domain/types.ts';
import { idportenDb, type IdportenClientRow, type IdportenDb } from './tables.ts';

/** Maps a row to the wire shape (times as ISO 8601, flags as booleans, lists parsed). */
export function idportenClientFromRow(row: IdportenClientRow): IdportenClient {
  const client: IdportenClient = {
    client_id: row.client_id,
    client_name: row.client_name,
    client_orgno: row.client_orgno,
    integration_type: row.integration_type as IdportenIntegrationType,
    application_type: row.application_type as IdportenClient['application_type'],
    redirect_uris: JSON.parse(row.redirect_uris) as string[],
    post_logout_redirect_uris: JSON.parse(row.post_logout_redirect_uris) as string[],
    frontchannel_logout_session_required: Number(row.frontchannel_logout_session_required) === 1,
    scopes: JSON.parse(row.scopes) as string[],
    grant_types: JSON.parse(row.grant_types) as IdportenClient['grant_types'],
    token_endpoint_auth_method: row.token_endpoint_auth_method as IdportenClient['token_endpoint_auth_method'],
    authorization_lifetime: Number(row.authorization_lifetime),
    access_token_lifetime: Number(row.access_token_lifetime),
    refresh_token_lifetime: Number(row.refresh_token_lifetime),
    sso_disabled: Number(row.sso_disabled) === 1,
    code_challenge_method: row.code_challenge_method === 'none' ? 'none' : 'S256',
    active: Number(row.active) === 1,
    created: new Date(Number(row.created)).toISOString(),
    last_updated: new Date(Number(row.last_updated)).toISOString(),
  };
  if (row.supplier_orgno !== null && row.supplier_orgno !== undefined) client.supplier_orgno = row.supplier_orgno;
  if (row.display_name !== null && row.display_name !== undefined) client.display_name = row.display_name;
  if (row.description !== null && row.description !== undefined) client.description = row.description;
  if (row.client_uri !== null && row.client_uri !== undefined) client.client_uri = row.client_uri;
  if (row.frontchannel_logout_uri !== null) client.frontchannel_logout_uri = row.frontchannel_logout_uri;
  if (row.client_secret !== null) client.client_secret = row.client_secret;
  if (row.client_secret_expires_at !== null && row.client_secret_expires_at !== undefined) {
    client.client_secret_expires_at = Math.floor(Number(row.client_secret_expires_at) / 1000);
  }
  if (row.jwks !== null) client.jwks = JSON.parse(row.jwks) as { keys: JWK[] };
  return client;
}

/** Maps the wire shape to a row. */
function rowFromIdportenClient(client: IdportenClient): IdportenClientRow {
  return {
    client_id: client.client_id,
    client_name: client.client_name,
    client_orgno: client.client_orgno,
    supplier_orgno: client.supplier_orgno ?? null,
    integration_type: client.integration_type,
    application_type: client.application_type,
    display_name: client.display_name ?? null,
    description: client.description ?? null,
    client_uri: client.client_uri ?? null,
    redirect_uris: JSON.stringify(client.redirect_uris),
    post_logout_redirect_uris: JSON.stringify(client.post_logout_redirect_uris),
    frontchannel_logout_uri: client.frontchannel_logout_uri ?? null,
    frontchannel_logout_session_required: client.frontchannel_logout_session_required ? 1 : 0,
    scopes: JSON.stringify(client.scopes),
    grant_types: JSON.stringify(client.grant_types),
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    client_secret: client.client_secret ?? null,
    client_secret_expires_at: client.client_secret_expires_at === undefined ? null : client.client_secret_expires_at * 1000,
    jwks: client.jwks === undefined ? null : JSON.stringify(client.jwks),
    authorization_lifetime: client.authorization_lifetime,
    access_token_lifetime: client.access_token_lifetime,
    refresh_token_lifetime: client.refresh_token_lifetime,
    sso_disabled: client.sso_disabled ? 1 : 0,
    code_challenge_method: client.code_challenge_method,
    active: client.active ? 1 : 0,
    created: Date.parse(client.created),
    last_updated: Date.parse(client.last_updated),
  };
}

/** The `kid`s of a client's keys. */
function kidsOf(client: IdportenClient): string[] {
  return (client.jwks?.keys ?? []).flatMap((k) => (typeof k.kid === 'string' ? [k.kid] : []));
}

/**
 * The client with this id, active or not, or undefined. Read from the database on every call;
 * the provider uses {@link findIdportenClientCached}.
 */
export async function findIdportenClient(db: Database, clientId: string): Promise<IdportenClient | undefined> {
  const row = await idportenDb(db).selectFrom('idporten_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  return row === undefined ? undefined : idportenClientFromRow(row);
}

/** How long {@link findIdportenClientCached} reuses a client read, in milliseconds. */
export const CLIENT_CACHE_TTL_MS = 1000;

/** Most clients (or unknown ids) one database's cache holds; past it the cache starts over. */
const CLIENT_CACHE_MAX_ENTRIES = 1000;

/** Per database: client reads by id with the epoch ms until which they hold, and a write generation. */
const clientCaches = new WeakMap<Database, { entries: Map<string, { client: IdportenClient | undefined; until: number }>; generation: number }>();

function clientCache(db: Database) {
  let cache = clientCaches.get(db);
  if (cache === undefined) {
    cache = { entries: new Map(), generation: 0 };
    clientCaches.set(db, cache);
  }
  return cache;
}

/** Forgets this process's cached reads of a client (after a write, and when one starts). */
function forgetClient(db: Database, clientId: string): void {
  const cache = clientCache(db);
  cache.generation++;
  cache.entries.delete(clientId);
}

/**
 * As {@link findIdportenClient}, for the provider's client lookups (several per login): a read
 * is reused for up to {@link CLIENT_CACHE_TTL_MS} in this process. A write through
 * {@link insertIdportenClient} or {@link updateIdportenClient} (so through the admin API, the
 * CLI and `createIdportenClient`) in this process forgets the client at once, and a read that
 * overlapped a write is not kept; another process's write shows here within the TTL. Unknown
 * ids are kept too (an insert forgets them). The answer is shared: do not change it.
 *
 * @param now epoch ms (default `Date.now()`)
 */
export async function findIdportenClientCached(db: Database, clientId: string, now: number = Date.now()): Promise<IdportenClient | undefined> {
  const cache = clientCache(db);
  const hit = cache.entries.get(clientId);
  if (hit !== undefined && hit.until > now) return hit.client;
  const generation = cache.generation;
  const client = await findIdportenClient(db, clientId);
  if (cache.generation === generation) {
    if (cache.entries.size >= CLIENT_CACHE_MAX_ENTRIES) cache.entries.clear();
    cache.entries.set(clientId, { client, until: now + CLIENT_CACHE_TTL_MS });
  }
  return client;
}

/**
 * The clients of an organisation, oldest first.
 *
 * @param filter.clientOrgno the owner
 * @param filter.supplierOrgno also the clients this organisation supplies
 * @param filter.includeInactive also deleted (deactivated) clients
 */
export async function listIdportenClients(
  db: Database,
  filter: { clientOrgno: string; supplierOrgno?: string; includeInactive?: boolean },
): Promise<IdportenClient[]> {
  let q = idportenDb(db)
    .selectFrom('idporten_clients')
    .selectAll()
    .where((eb) =>
      filter.supplierOrgno === undefined
        ? eb('client_orgno', '=', filter.clientOrgno)
        : eb.or([eb('client_orgno', '=', filter.clientOrgno), eb('supplier_orgno', '=', filter.supplierOrgno)]),
    );
  if (!filter.includeInactive) q = q.where('active', '=', 1);
  const rows = await q.orderBy('created').orderBy('client_id').execute();
  return rows.map(idportenClientFromRow);
}

/**
 * Every URL registered on an active client: its `redirect_uris`, `post_logout_redirect_uris` and
 * `client_uri`. For other components that accept only URLs "registered with Digdir" (KRR
 * MinProfil's `?gotoUrl=`).
 *
 * @returns the URLs as registered, in no particular order (duplicates possible)
 */
export async function listRegisteredClientUrls(db: Database): Promise<string[]> {
  const rows = await idportenDb(db)
    .selectFrom('idporten_clients')
    .select(['redirect_uris', 'post_logout_redirect_uris', 'client_uri'])
    .where('active', '=', 1)
    .execute();
  return rows.flatMap((r) => [
    ...(JSON.parse(r.redirect_uris) as string[]),
    ...(JSON.parse(r.post_logout_redirect_uris) as string[]),
    ...(r.client_uri ? [r.client_uri] : []),
  ]);
}

/**
 * Which of `kids` are registered on another client than `clientId` (`kid` → owner's client_id).
 */
export async function findKidOwners(db: Database, kids: readonly string[], clientId: string): Promise<Map<string, string>> {
  if (kids.length === 0) return new Map();
  const rows = await idportenDb(db).selectFrom('idporten_client_kids').selectAll().where('kid', 'in', kids).where('client_id', '!=', clientId).execute();
  return new Map(rows.map((r) => [r.kid, r.client_id]));
}

/** Replaces a client's rows in `idporten_client_kids` (inside the caller's transaction). */
async function writeKids(trx: IdportenDb, clientId: string, kids: readonly string[]): Promise<void> {
  await trx.deleteFrom('idporten_client_kids').where('client_id', '=', clientId).execute();
  if (kids.length > 0) await trx.insertInto('idporten_client_kids').values(kids.map((kid) => ({ kid, client_id: clientId }))).execute();
}

/**
 * Inserts a client and its `kid`s in one transaction. The caller has validated it (see
 * `createIdportenClient`).
 *
 * @returns false when a client with that id already exists (nothing written)
 * @throws the database's unique violation when a kid is registered on another client (nothing
 *   written; see {@link isUniqueViolation})
 */
export async function insertIdportenClient(db: Database, client: IdportenClient): Promise<boolean> {
  forgetClient(db, client.client_id);
  try {
    return await insertClientRows(db, client);
  } finally {
    forgetClient(db, client.client_id);
  }
}

async function insertClientRows(db: Database, client: IdportenClient): Promise<boolean> {
  return idportenDb(db)
    .transaction()
    .execute(async (trx) => {
      const result = await trx
        .insertInto('idporten_clients')
        .values(rowFromIdportenClient(client))
        .onConflict((oc) => oc.column('client_id').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      await writeKids(trx, client.client_id, kidsOf(client));
      return true;
    });
}

/**
 * Replaces every field of an existing client but `client_id` and `created`, and its `kid`s, in
 * one transaction. The caller has validated it.
 *
 * @returns false when no client with that id exists (nothing written)
 * @throws the database's unique violation when a kid is registered on another client (nothing
 *   written)
 */
export async function updateIdportenClient(db: Database, client: IdportenClient): Promise<boolean> {
  forgetClient(db, client.client_id);
  try {
    return await updateClientRows(db, client);
  } finally {
    forgetClient(db, client.client_id);
  }
}

async function updateClientRows(db: Database, client: IdportenClient): Promise<boolean> {
  const { client_id: clientId, created: _created, ...fields } = rowFromIdportenClient(client);
  return idportenDb(db)
    .transaction()
    .execute(async (trx) => {
      const result = await trx.updateTable('idporten_clients').set(fields).where('client_id', '=', clientId).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await writeKids(trx, clientId, kidsOf(client));
      return true;
    });
}

/** A primary-key or unique violation on PostgreSQL (23505) or SQLite. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return e?.code === '23505' || (typeof e?.message === 'string' && /UNIQUE constraint failed|PRIMARY KEY/i.test(e.message));
}
