/**
 * Row types of the ID-porten tables (see `migrations.ts`) and the typed Kysely handle.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';

/** `idporten_oidc_payloads`: one oidc-provider artefact. */
export interface OidcPayloadRow {
  /** oidc-provider model name: `Session`, `Interaction`, `AuthorizationCode`, `Grant`, … */
  model: string;
  id: string;
  /** The model's payload as JSON. */
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  /** Epoch ms after which the row is gone (null = no expiry). */
  expires_at: number | null;
  /** Epoch ms when a single-use artefact (code, rotated refresh token) was used. */
  consumed_at: number | null;
}

/** `idporten_clients`: one client registration in Digdir's fields. */
export interface IdportenClientRow {
  client_id: string;
  client_name: string;
  client_orgno: string;
  integration_type: string;
  application_type: string;
  /** JSON array of strings. */
  redirect_uris: string;
  /** JSON array of strings. */
  post_logout_redirect_uris: string;
  frontchannel_logout_uri: string | null;
  frontchannel_logout_session_required: number;
  /** JSON array of strings. */
  scopes: string;
  /** JSON array of strings. */
  grant_types: string;
  token_endpoint_auth_method: string;
  client_secret: string | null;
  /** JSON `{keys: [...]}` of public JWKs, or null. */
  jwks: string | null;
  authorization_lifetime: number;
  access_token_lifetime: number;
  refresh_token_lifetime: number;
  sso_disabled: number;
  code_challenge_method: string;
  active: number;
  created: number;
  last_updated: number;
  /** Organisasjonsnummer of the supplier that manages the client for `client_orgno` (migration 0003). */
  supplier_orgno: string | null;
  display_name: string | null;
  description: string | null;
  client_uri: string | null;
  /** Epoch ms when `client_secret` stops being accepted; null = never. */
  client_secret_expires_at: number | null;
}

/** `idporten_client_kids`: each registered key id, once across all clients. */
export interface IdportenClientKidRow {
  kid: string;
  client_id: string;
}

/** `idporten_secrets`. */
export interface SecretRow {
  name: string;
  value: string;
  created_at: number;
}

/** The ID-porten tables. */
export interface IdportenTables {
  idporten_oidc_payloads: OidcPayloadRow;
  idporten_clients: IdportenClientRow;
  idporten_client_kids: IdportenClientKidRow;
  idporten_secrets: SecretRow;
}

/** Kysely typed with the ID-porten tables. */
export type IdportenDb = Kysely<IdportenTables>;

/** `db.kysely` typed with the ID-porten tables. */
export function idportenDb(db: Database): IdportenDb {
  return db.kysely as IdportenDb;
}
