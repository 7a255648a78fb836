/**
 * Kysely queries over `maskinporten_clients` and `maskinporten_client_keys`. No rules here: the
 * domain (`domain/clients.ts`, `domain/client-keys.ts`) decides; these read and write rows and
 * map them to the wire shapes of `domain/types.ts`.
 */
import type { JWK } from 'jose';
import type { Client, ClientKey } from '../domain/types.ts';
import type { ClientKeyRow, ClientRow, MaskinportenDb } from './tables.ts';

/** Maps a client row to the wire shape (times as ISO 8601, flags as booleans). */
export function clientFromRow(row: ClientRow): Client {
  const client: Client = {
    client_id: row.client_id,
    client_orgno: row.client_orgno,
    integration_type: 'maskinporten',
    application_type: 'web',
    client_name: row.client_name,
    scopes: JSON.parse(row.scopes) as string[],
    token_endpoint_auth_method: row.token_endpoint_auth_method === 'none' ? 'none' : 'private_key_jwt',
    grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
    access_token_lifetime: Number(row.access_token_lifetime),
    active: Number(row.active) === 1,
    created: new Date(Number(row.created)).toISOString(),
    last_updated: new Date(Number(row.last_updated)).toISOString(),
  };
  if (row.supplier_orgno !== null) client.supplier_orgno = row.supplier_orgno;
  if (row.description !== null) client.description = row.description;
  return client;
}

/** Maps a key row to {@link ClientKey} (times stay epoch ms). */
export function clientKeyFromRow(row: ClientKeyRow): ClientKey {
  return {
    kid: row.kid,
    client_id: row.client_id,
    jwk: JSON.parse(row.jwk) as JWK,
    created: Number(row.created),
    expires: Number(row.expires),
  };
}

/**
 * The client with this id, active or not (`active: false` once deleted), or undefined.
 *
 * @param clientId as assigned at creation (a UUID)
 */
export async function findClient(db: MaskinportenDb, clientId: string): Promise<Client | undefined> {
  const row = await db.selectFrom('maskinporten_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  return row === undefined ? undefined : clientFromRow(row);
}

/**
 * The registered key with this `kid` (unique across all clients), expired or not, or undefined.
 * The caller checks `expires` and that the key's client is the assertion's `iss`.
 */
export async function findClientKey(db: MaskinportenDb, kid: string): Promise<ClientKey | undefined> {
  const row = await db.selectFrom('maskinporten_client_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
  return row === undefined ? undefined : clientKeyFromRow(row);
}

/** Every key registered on `clientId` (expired ones included), ordered by `kid`. */
export async function listClientKeys(db: MaskinportenDb, clientId: string): Promise<ClientKey[]> {
  const rows = await db.selectFrom('maskinporten_client_keys').selectAll().where('client_id', '=', clientId).orderBy('kid').execute();
  return rows.map(clientKeyFromRow);
}

/** The client row with this id, or undefined. */
export async function findClientRow(db: MaskinportenDb, clientId: string): Promise<ClientRow | undefined> {
  return db.selectFrom('maskinporten_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

/** Filters of {@link listClients}. */
export interface ClientFilter {
  /** Clients owned by this organisation (`client_orgno`). */
  clientOrgno: string;
  /** Also clients this organisation administers as supplier (`supplier_orgno`). */
  includeSupplied: boolean;
  /** Include deleted (deactivated) clients (default: active only). */
  includeInactive: boolean;
}

/** Clients matching `filter`, ordered by creation then id. */
export async function listClients(db: MaskinportenDb, filter: ClientFilter): Promise<Client[]> {
  let q = db.selectFrom('maskinporten_clients').selectAll();
  q = filter.includeSupplied
    ? q.where((eb) => eb.or([eb('client_orgno', '=', filter.clientOrgno), eb('supplier_orgno', '=', filter.clientOrgno)]))
    : q.where('client_orgno', '=', filter.clientOrgno);
  if (!filter.includeInactive) q = q.where('active', '=', 1);
  const rows = await q.orderBy('created').orderBy('client_id').execute();
  return rows.map(clientFromRow);
}

/** Inserts a client row. */
export async function insertClientRow(db: MaskinportenDb, row: ClientRow): Promise<void> {
  await db.insertInto('maskinporten_clients').values(row).execute();
}

/** Sets the given columns of a client (never its id, owner, supplier, type or `created`). */
export async function updateClientRow(
  db: MaskinportenDb,
  clientId: string,
  set: Partial<Omit<ClientRow, 'client_id' | 'client_orgno' | 'supplier_orgno' | 'integration_type' | 'created'>>,
): Promise<void> {
  await db.updateTable('maskinporten_clients').set(set).where('client_id', '=', clientId).execute();
}

/** The keys with these kids, on any client. */
export async function findClientKeys(db: MaskinportenDb, kids: readonly string[]): Promise<ClientKey[]> {
  if (kids.length === 0) return [];
  const rows = await db.selectFrom('maskinporten_client_keys').selectAll().where('kid', 'in', [...kids]).execute();
  return rows.map(clientKeyFromRow);
}

/** Removes every key of the client. */
export async function deleteClientKeys(db: MaskinportenDb, clientId: string): Promise<void> {
  await db.deleteFrom('maskinporten_client_keys').where('client_id', '=', clientId).execute();
}

/** Inserts key rows (the kid is the primary key: a kid on another client fails the insert). */
export async function insertClientKeys(db: MaskinportenDb, rows: readonly ClientKeyRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('maskinporten_client_keys').values([...rows]).execute();
}
