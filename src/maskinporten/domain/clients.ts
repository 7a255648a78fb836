/**
 * Maskinporten clients (integrations) in Digdir's self-service shapes: create, read, change,
 * delete (deactivate).
 *
 * Rules:
 * - the caller's organisation owns the clients it creates (`client_orgno`); a supplier with
 *   `idporten:dcr.supplier` may create clients for a customer (`client_orgno` = the customer)
 *   and is linked to them as `supplier_orgno`;
 * - an organisation sees and manages its own clients, and the clients it supplies only while it
 *   acts as supplier; another organisation's client is "not found" (404), so ids do not leak;
 * - only `integration_type: maskinporten` is served here, and it cannot change; Maskinporten
 *   clients are `web`, authenticate with `private_key_jwt` and use the JWT-bearer grant only;
 * - every scope on a client must exist, be active, allow Maskinporten clients, and be open to the
 *   client's organisation (owner, access grant, `accessible_for_all`, or delegable through
 *   `delegation_source`, which the grant checks against a delegation at token time);
 * - DELETE deactivates the client (ids are never reused) and removes its keys, so its `kid`s
 *   are free again and it can never get a token.
 *
 * @see specs/idporten-maskinporten.md §1 "Client registration"
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin, oidc_func_clientreg ("Oversikt over kombinasjonar")
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/db/database.ts';
import { maskinportenError } from '../errors.ts';
import { clientFromRow, deleteClientKeys, findClientRow, insertClientRow, listClients, updateClientRow } from '../store/clients-store.ts';
import { maskinportenDb } from '../store/db.ts';
import { findScopes, hasScopeAccess } from '../store/scopes-store.ts';
import type { ClientRow, MaskinportenDb } from '../store/tables.ts';
import { checkOrgno, type Actor } from './actor.ts';
import { MAX_ACCESS_TOKEN_LIFETIME_S } from './grant/issue-access-token.ts';
import type { NowOption } from './scopes.ts';
import type { Client } from './types.ts';
import { registryChanged } from './grant/registry-cache.ts';

/** The grant type of every Maskinporten client, and Digdir's short alias for it. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const JWT_BEARER_ALIAS = 'jwt_bearer_token';

/** Access-token lifetime of a client that sets none (or 0), in seconds. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_S = 120;
/** Longest access-token lifetime a client may ask for, in seconds (the issuer's maximum; scopes' `at_max_age` cap it further). */
export { MAX_ACCESS_TOKEN_LIFETIME_S };

/**
 * A client registration as posted (Digdir's field names). Fields that only ID-porten clients
 * use are accepted (so a registration read from Digdir's API can be posted back) but must be
 * empty or default.
 */
export interface ClientInput {
  client_name: string;
  description?: string | null;
  /** Default: the caller's organisation. */
  client_orgno?: string;
  /** Must be the caller's organisation when given (set automatically for a supplier's client). */
  supplier_orgno?: string | null;
  /** Required on create; `maskinporten` only; cannot change. */
  integration_type?: string;
  /** `web` only. */
  application_type?: string;
  scopes?: string[];
  /** `private_key_jwt` only. */
  token_endpoint_auth_method?: string;
  /** The JWT-bearer grant only. */
  grant_types?: string[];
  /** Seconds; 0 or absent = 120. */
  access_token_lifetime?: number;
  /** PUT: when given, must be the client's id. */
  client_id?: string;
  // ID-porten-only fields, accepted empty/default:
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  frontchannel_logout_uri?: string | null;
  frontchannel_logout_session_required?: boolean;
  authorization_lifetime?: number;
  refresh_token_lifetime?: number;
  refresh_token_usage?: string;
  client_uri?: string | null;
}

/** One reason a scope was refused on a client. */
export interface ClientScopeProblem {
  scope: string;
  /** `unknown` | `inactive` | `integration_type` | `no_access`. */
  reason: 'unknown' | 'inactive' | 'integration_type' | 'no_access';
  message: string;
}

/**
 * Registers a Maskinporten client.
 *
 * @param actor the acting organisation (`supplier: true` to create for a customer)
 * @returns the client, with its new `client_id` (a UUID)
 * @throws AppError `MASKINPORTEN_INVALID_ORGNO` (400), `MASKINPORTEN_CLIENT_ORGNO_FORBIDDEN`
 *   (403), `MASKINPORTEN_INVALID_CLIENT` (400), `MASKINPORTEN_CLIENT_SCOPE_REJECTED` (400, with
 *   `extra.problems`)
 */
export async function createClient(db: Database, input: ClientInput, actor: Actor, options: NowOption = {}): Promise<Client> {
  const clientOrgno = checkOrgno(input.client_orgno ?? actor.orgno, 'client_orgno');
  let supplierOrgno: string | null = null;
  if (clientOrgno !== actor.orgno) {
    if (!actor.supplier) {
      throw maskinportenError(
        'MASKINPORTEN_CLIENT_ORGNO_FORBIDDEN',
        `client_orgno ${clientOrgno} is not your organisation; creating clients for customers needs the scope idporten:dcr.supplier`,
      );
    }
    supplierOrgno = actor.orgno;
  }
  if (input.supplier_orgno !== undefined && input.supplier_orgno !== null && input.supplier_orgno !== '') {
    checkOrgno(input.supplier_orgno, 'supplier_orgno');
    if (input.supplier_orgno !== actor.orgno || supplierOrgno === null) {
      throw maskinportenError('MASKINPORTEN_CLIENT_ORGNO_FORBIDDEN', 'supplier_orgno is set to your organisation when you create a client for a customer, and to nothing else');
    }
  }
  if (input.integration_type === undefined) {
    throw maskinportenError('MASKINPORTEN_INVALID_CLIENT', 'integration_type is required ("maskinporten")');
  }
  if (input.client_id !== undefined) throw maskinportenError('MASKINPORTEN_INVALID_CLIENT', 'client_id is assigned by the server');
  checkMaskinportenFields(input);
  const k = maskinportenDb(db);
  const scopes = await checkClientScopes(k, input.scopes ?? [], clientOrgno);
  const now = options.now ?? Date.now();
  const row: ClientRow = {
    client_id: randomUUID(),
    client_orgno: clientOrgno,
    supplier_orgno: supplierOrgno,
    integration_type: 'maskinporten',
    application_type: 'web',
    client_name: input.client_name,
    description: emptyToNull(input.description),
    scopes: JSON.stringify(scopes),
    token_endpoint_auth_method: 'private_key_jwt',
    access_token_lifetime: accessTokenLifetime(input.access_token_lifetime),
    active: 1,
    created: now,
    last_updated: now,
  };
  await insertClientRow(k, row);
  registryChanged();
  return clientFromRow(row);
}

/**
 * The client with this id, if the actor may see it (deactivated clients included, with
 * `active: false`).
 *
 * @throws AppError `MASKINPORTEN_CLIENT_NOT_FOUND` (404)
 */
export async function getClient(db: Database, clientId: string, actor: Actor): Promise<Client> {
  return clientFromRow(await visibleClientRow(maskinportenDb(db), clientId, actor));
}

/**
 * The actor's clients (and, as supplier, its customers' clients it supplies), oldest first.
 *
 * @param options.includeInactive also deleted (deactivated) clients (`inactive=TRUE`)
 */
export async function listClientsFor(db: Database, actor: Actor, options: { includeInactive?: boolean } = {}): Promise<Client[]> {
  return listClients(maskinportenDb(db), {
    clientOrgno: actor.orgno,
    includeSupplied: actor.supplier ?? false,
    includeInactive: options.includeInactive ?? false,
  });
}

/**
 * Replaces a client's registration (PUT: absent fields take their defaults). The owner,
 * supplier, integration type and id cannot change; the fields may be posted back unchanged.
 *
 * @returns the client after the change
 * @throws AppError `MASKINPORTEN_CLIENT_NOT_FOUND` (404), `MASKINPORTEN_CLIENT_INACTIVE` (409),
 *   `MASKINPORTEN_INVALID_CLIENT` (400), `MASKINPORTEN_CLIENT_SCOPE_REJECTED` (400)
 */
export async function updateClient(db: Database, clientId: string, input: ClientInput, actor: Actor, options: NowOption = {}): Promise<Client> {
  const k = maskinportenDb(db);
  const current = await activeClientRow(k, clientId, actor);
  if (input.client_id !== undefined && input.client_id !== clientId) {
    throw maskinportenError('MASKINPORTEN_INVALID_CLIENT', `client_id in the body (${input.client_id}) is not the client in the path`);
  }
  if (input.client_orgno !== undefined && input.client_orgno !== current.client_orgno) {
    throw maskinportenError('MASKINPORTEN_INVALID_CLIENT', 'client_orgno cannot change');
  }
  const supplier = emptyToNull(input.supplier_orgno ?? undefined);
  if (input.supplier_orgno !== undefined && supplier !== current.supplier_orgno) {
    throw maskinportenError('MASKINPORTEN_INVALID_CLIENT', 'supplier_orgno cannot change');
  }
  checkMaskinportenFields(input);
  const scopes = await checkClientScopes(k, input.scopes ?? [], current.client_orgno);
  const now = options.now ?? Date.now();
  const set = {
    client_name: input.client_name,
    description: emptyToNull(input.description),
    scopes: JSON.stringify(scopes),
    access_token_lifetime: accessTokenLifetime(input.access_token_lifetime),
    last_updated: now,
  };
  await updateClientRow(k, clientId, set);
  registryChanged();
  return clientFromRow({ ...current, ...set });
}

/**
 * Deletes a client: deactivates it (the id is never reused) and removes its keys. Idempotent.
 *
 * @returns the deactivated client
 * @throws AppError `MASKINPORTEN_CLIENT_NOT_FOUND` (404)
 */
export async function deleteClient(db: Database, clientId: string, actor: Actor, options: NowOption = {}): Promise<Client> {
  const current = await visibleClientRow(maskinportenDb(db), clientId, actor);
  if (Number(current.active) === 0) return clientFromRow(current);
  const now = options.now ?? Date.now();
  await maskinportenDb(db)
    .transaction()
    .execute(async (trx) => {
      await deleteClientKeys(trx, clientId);
      await updateClientRow(trx, clientId, { active: 0, last_updated: now });
    });
  registryChanged();
  return clientFromRow({ ...current, active: 0, last_updated: now });
}

/**
 * The row of a client the actor may see: its own (`client_orgno`), or one it supplies while it
 * acts as supplier.
 *
 * @throws AppError `MASKINPORTEN_CLIENT_NOT_FOUND` (404)
 */
export async function visibleClientRow(db: MaskinportenDb, clientId: string, actor: Actor): Promise<ClientRow> {
  const row = await findClientRow(db, clientId);
  const visible = row !== undefined && (row.client_orgno === actor.orgno || (actor.supplier === true && row.supplier_orgno === actor.orgno));
  if (!visible) throw maskinportenError('MASKINPORTEN_CLIENT_NOT_FOUND', `No client ${clientId}`);
  return row;
}

/**
 * As {@link visibleClientRow}, and active.
 *
 * @throws AppError `MASKINPORTEN_CLIENT_NOT_FOUND` (404), `MASKINPORTEN_CLIENT_INACTIVE` (409)
 */
export async function activeClientRow(db: MaskinportenDb, clientId: string, actor: Actor): Promise<ClientRow> {
  const row = await visibleClientRow(db, clientId, actor);
  if (Number(row.active) === 0) throw maskinportenError('MASKINPORTEN_CLIENT_INACTIVE', `The client ${clientId} is deleted`);
  return row;
}

/**
 * Checks the scopes of a client of `clientOrgno` and returns them without duplicates, in order.
 *
 * @throws AppError `MASKINPORTEN_CLIENT_SCOPE_REJECTED` (400) with `extra.problems`
 *   ({@link ClientScopeProblem}[]) naming every refused scope
 */
export async function checkClientScopes(db: MaskinportenDb, requested: readonly string[], clientOrgno: string): Promise<string[]> {
  const names = [...new Set(requested)];
  const scopes = await findScopes(db, names);
  const problems: ClientScopeProblem[] = [];
  for (const name of names) {
    const scope = scopes.get(name);
    if (!scope) {
      problems.push({ scope: name, reason: 'unknown', message: `${name}: no such scope` });
    } else if (!scope.active) {
      problems.push({ scope: name, reason: 'inactive', message: `${name}: the scope is deactivated` });
    } else if (scope.allowed_integration_types.length > 0 && !scope.allowed_integration_types.includes('maskinporten')) {
      problems.push({ scope: name, reason: 'integration_type', message: `${name}: not for Maskinporten clients (${scope.allowed_integration_types.join(', ')})` });
    } else if (scope.requires_user_authentication) {
      problems.push({ scope: name, reason: 'integration_type', message: `${name}: requires an end user's login, which Maskinporten clients have not` });
    } else if (
      !scope.accessible_for_all &&
      scope.owner_orgno !== clientOrgno &&
      scope.delegation_source === undefined &&
      !(await hasScopeAccess(db, name, clientOrgno))
    ) {
      problems.push({ scope: name, reason: 'no_access', message: `${name}: ${clientOrgno} has no access; ask the owner ${scope.owner_orgno} for it` });
    }
  }
  if (problems.length > 0) {
    throw maskinportenError('MASKINPORTEN_CLIENT_SCOPE_REJECTED', problems.map((p) => p.message).join('; '), { extra: { problems } });
  }
  return names;
}

/** The fixed shape of a Maskinporten client: everything else is an ID-porten client's business. */
function checkMaskinportenFields(input: ClientInput): void {
  const bad = (message: string): never => {
    throw maskinportenError('MASKINPORTEN_INVALID_CLIENT', message);
  };
  if (input.integration_type !== undefined && input.integration_type !== 'maskinporten') {
    bad(`integration_type "${input.integration_type}" is not served here: this registry holds Maskinporten clients (integration_type "maskinporten"), and the integration type of a client cannot change`);
  }
  if (input.application_type !== undefined && input.application_type !== 'web') bad('application_type of a Maskinporten client is "web"');
  if (input.token_endpoint_auth_method !== undefined && input.token_endpoint_auth_method !== 'private_key_jwt') {
    bad('token_endpoint_auth_method of a Maskinporten client is "private_key_jwt" (a registered key or a virksomhetssertifikat)');
  }
  if (input.grant_types !== undefined && (input.grant_types.length === 0 || input.grant_types.some((g) => g !== JWT_BEARER_GRANT && g !== JWT_BEARER_ALIAS))) {
    bad(`grant_types of a Maskinporten client is ["${JWT_BEARER_GRANT}"]`);
  }
  if ((input.redirect_uris?.length ?? 0) > 0) bad('redirect_uris: Maskinporten clients have none');
  if ((input.post_logout_redirect_uris?.length ?? 0) > 0) bad('post_logout_redirect_uris: Maskinporten clients have none');
  if (emptyToNull(input.frontchannel_logout_uri) !== null) bad('frontchannel_logout_uri: Maskinporten clients have none');
  if (input.frontchannel_logout_session_required === true) bad('frontchannel_logout_session_required: Maskinporten clients have no sessions');
  if ((input.authorization_lifetime ?? 0) !== 0) bad('authorization_lifetime: only for ID-porten clients (0 or absent)');
  if ((input.refresh_token_lifetime ?? 0) !== 0) bad('refresh_token_lifetime: Maskinporten clients get no refresh tokens (0 or absent)');
}

function accessTokenLifetime(value: number | undefined): number {
  if (value === undefined || value === 0) return DEFAULT_ACCESS_TOKEN_LIFETIME_S;
  if (!Number.isInteger(value) || value < 0 || value > MAX_ACCESS_TOKEN_LIFETIME_S) {
    throw maskinportenError('MASKINPORTEN_INVALID_CLIENT', `access_token_lifetime must be whole seconds from 1 to ${MAX_ACCESS_TOKEN_LIFETIME_S} (0 = ${DEFAULT_ACCESS_TOKEN_LIFETIME_S})`);
  }
  return value;
}

function emptyToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}
