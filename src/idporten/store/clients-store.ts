/**
 * Kysely queries over `idporten_clients`. No rules here: `domain/clients.ts` decides; these
 * read and write rows and map them to {@link IdportenClient}.
 */
import type { JWK } from 'jose';
import type { Database } from '../../platform/db/database.ts';
import type { IdportenClient } from '../domain/types.ts';
import { idportenDb, type IdportenClientRow } from './tables.ts';

/** Maps a row to the wire shape (times as ISO 8601, flags as booleans, lists parsed). */
export function idportenClientFromRow(row: IdportenClientRow): IdportenClient {
  const client: IdportenClient = {
    client_id: row.client_id,
    client_name: row.client_name,
    client_orgno: row.client_orgno,
    integration_type: 'idporten',
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
  if (row.frontchannel_logout_uri !== null) client.frontchannel_logout_uri = row.frontchannel_logout_uri;
  if (row.client_secret !== null) client.client_secret = row.client_secret;
  if (row.jwks !== null) client.jwks = JSON.parse(row.jwks) as { keys: JWK[] };
  return client;
}

/** Maps the wire shape to a row. */
function rowFromIdportenClient(client: IdportenClient): IdportenClientRow {
  return {
    client_id: client.client_id,
    client_name: client.client_name,
    client_orgno: client.client_orgno,
    integration_type: client.integration_type,
    application_type: client.application_type,
    redirect_uris: JSON.stringify(client.redirect_uris),
    post_logout_redirect_uris: JSON.stringify(client.post_logout_redirect_uris),
    frontchannel_logout_uri: client.frontchannel_logout_uri ?? null,
    frontchannel_logout_session_required: client.frontchannel_logout_session_required ? 1 : 0,
    scopes: JSON.stringify(client.scopes),
    grant_types: JSON.stringify(client.grant_types),
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    client_secret: client.client_secret ?? null,
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

/**
 * The client with this id, active or not, or undefined. Read from the database on every call,
 * so a change is in force for the next request (oidc-provider keeps no client cache beyond the
 * identical-metadata instance cache).
 */
export async function findIdportenClient(db: Database, clientId: string): Promise<IdportenClient | undefined> {
  const row = await idportenDb(db).selectFrom('idporten_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  return row === undefined ? undefined : idportenClientFromRow(row);
}

/**
 * Inserts a client. The caller has validated it (see `createIdportenClient`).
 *
 * @returns false when a client with that id already exists (nothing written)
 */
export async function insertIdportenClient(db: Database, client: IdportenClient): Promise<boolean> {
  const result = await idportenDb(db)
    .insertInto('idporten_clients')
    .values(rowFromIdportenClient(client))
    .onConflict((oc) => oc.column('client_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Replaces every field of an existing client but `client_id` and `created`. The caller has
 * validated it.
 *
 * @returns false when no client with that id exists (nothing written)
 */
export async function updateIdportenClient(db: Database, client: IdportenClient): Promise<boolean> {
  const { client_id: clientId, created: _created, ...fields } = rowFromIdportenClient(client);
  const result = await idportenDb(db).updateTable('idporten_clients').set(fields).where('client_id', '=', clientId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
