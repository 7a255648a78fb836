/**
 * The ID-porten client registry as an organisation manages it through the admin API
 * (`/idporten/clients`): list, read, create, replace, delete (deactivate), keys and secret
 * rotation, each for the caller's own clients only.
 *
 * Rules (on top of Digdir's registration rules in `clients.ts`, which every create and change
 * passes through):
 * - the caller's organisation owns the clients it creates (`client_orgno`); a supplier with
 *   `idporten:dcr.supplier` may create clients for a customer (`client_orgno` = the customer) and
 *   is linked to them as `supplier_orgno` (as in Maskinporten's self-service API);
 * - an organisation sees and manages its own clients, and the clients it supplies only while it
 *   acts as supplier; another organisation's client is "not found" (404), so ids do not leak;
 * - `client_id` and the secret are assigned by ID-porten (not posted); the secret is shown on
 *   creation and rotation only, and lives 360 days;
 * - PUT replaces the registration (absent fields take their defaults); `client_id`,
 *   `client_orgno`, `supplier_orgno` and `integration_type` cannot change; the secret stays
 *   while the method stays `client_secret_basic`/`_post`, is removed when the method changes to
 *   another, and a new one is issued (and shown once) when the method changes to a secret method;
 * - DELETE deactivates (ids are never reused) and removes the keys (their `kid`s are free again)
 *   and the secret; the provider no longer knows the client;
 * - every change is in force for the next request: the provider reads clients from the database
 *   on each lookup.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin ("Endring av integrasjon",
 *   "Rotering av client_secret", "Bruk av asymmetrisk nøkkel")
 * @see specs/idporten-maskinporten.md §1 "Client registration"
 */
import type { JWK } from 'jose';
import type { Database } from '../../platform/db/database.ts';
import { validateOrganisasjonsnummer } from '../../platform/identifiers/index.ts';
import { idportenError } from '../errors.ts';
import { findIdportenClient, isUniqueViolation, listIdportenClients, updateIdportenClient } from '../store/clients-store.ts';
import {
  checkIdportenClient,
  checkKeys,
  checkKidsFree,
  isSecretMethod,
  newClientSecret,
  storeNewIdportenClient,
  type IdportenClientInput,
} from './clients.ts';
import type { IdportenClient } from './types.ts';

/** Who acts: the organisation of the caller's Maskinporten token. */
export interface IdportenActor {
  /** Organisasjonsnummer of the token's `consumer`. */
  orgno: string;
  /** True when the token carries `idporten:dcr.supplier`. */
  supplier?: boolean;
}

/** Options of the registry operations. */
export interface RegistryOptions {
  /** `test` allows `http://localhost` redirect URIs (the installation's `GRUNNMUR_MODE`). */
  mode: 'test' | 'production';
  /** Epoch ms (default now). */
  now?: number;
}

/** A client registration as posted to the admin API: {@link IdportenClientInput}, plus `supplier_orgno` posted back. */
export type IdportenClientRegistration = Partial<IdportenClientInput> & { supplier_orgno?: string | null; client_name: string };

/**
 * The actor's clients (and, as supplier, those it supplies), oldest first.
 *
 * @param options.includeInactive also deleted (deactivated) clients
 */
export async function listIdportenClientsFor(db: Database, actor: IdportenActor, options: { includeInactive?: boolean } = {}): Promise<IdportenClient[]> {
  return listIdportenClients(db, {
    clientOrgno: actor.orgno,
    ...(actor.supplier ? { supplierOrgno: actor.orgno } : {}),
    includeInactive: options.includeInactive ?? false,
  });
}

/**
 * A client the actor may see (deleted ones too, with `active: false`).
 *
 * @throws AppError `IDPORTEN_CLIENT_NOT_FOUND` (404), also for another organisation's client
 */
export async function getIdportenClientFor(db: Database, clientId: string, actor: IdportenActor): Promise<IdportenClient> {
  const client = await findIdportenClient(db, clientId);
  const visible = client !== undefined && (client.client_orgno === actor.orgno || (actor.supplier === true && client.supplier_orgno === actor.orgno));
  if (!visible) throw idportenError('IDPORTEN_CLIENT_NOT_FOUND', `No ID-porten client ${clientId}`);
  return client;
}

/**
 * As {@link getIdportenClientFor}, and active.
 *
 * @throws AppError `IDPORTEN_CLIENT_NOT_FOUND` (404), `IDPORTEN_CLIENT_INACTIVE` (409)
 */
async function getActiveClientFor(db: Database, clientId: string, actor: IdportenActor): Promise<IdportenClient> {
  const client = await getIdportenClientFor(db, clientId, actor);
  if (!client.active) throw idportenError('IDPORTEN_CLIENT_INACTIVE', `The client ${clientId} is deleted`);
  return client;
}

/**
 * Registers a client for the actor's organisation (or, as supplier, for a customer).
 *
 * @returns the stored client, with its new `client_id` and, for the secret methods, its
 *   `client_secret` (shown this once) and `client_secret_expires_at`
 * @throws AppError `IDPORTEN_INVALID_CLIENT` (400, `extra.problems`),
 *   `IDPORTEN_CLIENT_ORGNO_FORBIDDEN` (403), `IDPORTEN_KID_IN_USE` (409). Nothing is written on error.
 */
export async function registerIdportenClient(db: Database, input: IdportenClientRegistration, actor: IdportenActor, options: RegistryOptions): Promise<IdportenClient> {
  const assigned = (['client_id', 'client_secret'] as const).filter((f) => input[f] !== undefined);
  if (assigned.length > 0) {
    throw invalid(assigned.map((field) => ({ field, message: `is assigned by ID-porten${field === 'client_secret' ? ' (rotate it with POST /idporten/clients/{client_id}/secret)' : ''}` })));
  }
  const clientOrgno = input.client_orgno ?? actor.orgno;
  let supplierOrgno: string | undefined;
  if (clientOrgno !== actor.orgno && validateOrganisasjonsnummer(clientOrgno).valid) {
    if (!actor.supplier) {
      throw idportenError(
        'IDPORTEN_CLIENT_ORGNO_FORBIDDEN',
        `client_orgno ${clientOrgno} is not your organisation; creating clients for customers needs the scope idporten:dcr.supplier`,
      );
    }
    supplierOrgno = actor.orgno;
  }
  const postedSupplier = emptyToUndefined(input.supplier_orgno);
  if (postedSupplier !== undefined && (postedSupplier !== actor.orgno || supplierOrgno === undefined)) {
    throw idportenError('IDPORTEN_CLIENT_ORGNO_FORBIDDEN', 'supplier_orgno is set to your organisation when you create a client for a customer, and to nothing else');
  }
  const { supplier_orgno: _ignored, ...registration } = input;
  const client = checkIdportenClient({ ...registration, client_orgno: clientOrgno } as IdportenClientInput, options);
  if (supplierOrgno !== undefined) client.supplier_orgno = supplierOrgno;
  return storeNewIdportenClient(db, client);
}

/**
 * Replaces a client's registration (PUT) by the same rules as a new one.
 *
 * @returns the client after the change, and whether a new secret was issued (the method changed
 *   to a secret method; the response then shows it once)
 * @throws AppError `IDPORTEN_CLIENT_NOT_FOUND` (404), `IDPORTEN_CLIENT_INACTIVE` (409),
 *   `IDPORTEN_INVALID_CLIENT` (400), `IDPORTEN_KID_IN_USE` (409). Nothing is written on error.
 */
export async function replaceIdportenClient(
  db: Database,
  clientId: string,
  input: IdportenClientRegistration,
  actor: IdportenActor,
  options: RegistryOptions,
): Promise<{ client: IdportenClient; secretIssued: boolean }> {
  const current = await getActiveClientFor(db, clientId, actor);
  const postedSupplier = emptyToUndefined(input.supplier_orgno);
  if (input.supplier_orgno !== undefined && postedSupplier !== current.supplier_orgno) throw invalid([{ field: 'supplier_orgno', message: 'cannot change' }]);
  const { supplier_orgno: _ignored, ...registration } = input;
  const client = checkIdportenClient(registration as IdportenClientInput, { ...options, current });
  await saveChange(db, client);
  return { client, secretIssued: client.client_secret !== undefined && client.client_secret !== current.client_secret };
}

/**
 * Deletes a client: deactivates it (the id is never reused) and removes its keys and secret.
 * Idempotent.
 *
 * @returns the deactivated client
 * @throws AppError `IDPORTEN_CLIENT_NOT_FOUND` (404)
 */
export async function deactivateIdportenClient(db: Database, clientId: string, actor: IdportenActor, options: { now?: number } = {}): Promise<IdportenClient> {
  const current = await getIdportenClientFor(db, clientId, actor);
  if (!current.active) return current;
  const { jwks: _jwks, client_secret: _secret, client_secret_expires_at: _expires, ...rest } = current;
  const client: IdportenClient = { ...rest, active: false, last_updated: new Date(options.now ?? Date.now()).toISOString() };
  await updateIdportenClient(db, client);
  return client;
}

/**
 * The client's registered public keys (each with `exp`, epoch seconds).
 *
 * @throws AppError `IDPORTEN_CLIENT_NOT_FOUND` (404)
 */
export async function getIdportenClientKeys(db: Database, clientId: string, actor: IdportenActor): Promise<{ keys: JWK[] }> {
  const client = await getIdportenClientFor(db, clientId, actor);
  return { keys: client.jwks?.keys ?? [] };
}

/**
 * Replaces the client's keys (POST and PUT alike): 1–5 RSA public keys by the kernel's key rules,
 * each `kid` unique across all ID-porten clients.
 *
 * @returns the stored set, each key with its `exp` (epoch seconds)
 * @throws AppError `IDPORTEN_CLIENT_NOT_FOUND` (404), `IDPORTEN_CLIENT_INACTIVE` (409),
 *   `IDPORTEN_INVALID_CLIENT` (400; the client does not use `private_key_jwt`, an empty set, or a
 *   broken key rule, in `extra.problems`), `IDPORTEN_KID_IN_USE` (409). Nothing is written on error.
 */
export async function replaceIdportenClientKeys(
  db: Database,
  clientId: string,
  jwks: { keys: Array<Record<string, unknown>> },
  actor: IdportenActor,
  options: { now?: number } = {},
): Promise<{ keys: JWK[] }> {
  const current = await getActiveClientFor(db, clientId, actor);
  if (current.token_endpoint_auth_method !== 'private_key_jwt') {
    throw invalid([{ field: 'jwks', message: `only for clients with token_endpoint_auth_method private_key_jwt (this one uses ${current.token_endpoint_auth_method})` }]);
  }
  if (jwks.keys.length === 0) throw invalid([{ field: 'jwks', message: 'private_key_jwt needs at least one public key' }]);
  const now = options.now ?? Date.now();
  const checked = checkKeys(jwks, now);
  if ('problem' in checked) throw invalid([checked.problem]);
  const client: IdportenClient = { ...current, jwks: { keys: checked.keys }, last_updated: new Date(now).toISOString() };
  await saveChange(db, client);
  return { keys: checked.keys };
}

/**
 * Rotates the client secret: a new one replaces the old at once (the old is refused from the
 * next request on) and lives 360 days.
 *
 * @returns the client with its new `client_secret` (shown this once) and `client_secret_expires_at`
 * @throws AppError `IDPORTEN_CLIENT_NOT_FOUND` (404), `IDPORTEN_CLIENT_INACTIVE` (409),
 *   `IDPORTEN_CLIENT_HAS_NO_SECRET` (409, the client uses `private_key_jwt` or `none`)
 */
export async function rotateIdportenClientSecret(db: Database, clientId: string, actor: IdportenActor, options: { now?: number } = {}): Promise<IdportenClient> {
  const current = await getActiveClientFor(db, clientId, actor);
  if (!isSecretMethod(current.token_endpoint_auth_method)) {
    throw idportenError(
      'IDPORTEN_CLIENT_HAS_NO_SECRET',
      `The client authenticates with ${current.token_endpoint_auth_method}, not a secret; change token_endpoint_auth_method to client_secret_basic or client_secret_post to get one`,
    );
  }
  const now = options.now ?? Date.now();
  const { secret, expiresAt } = newClientSecret(now);
  const client: IdportenClient = { ...current, client_secret: secret, client_secret_expires_at: expiresAt, last_updated: new Date(now).toISOString() };
  await saveChange(db, client);
  return client;
}

/** Writes a changed client, turning a kid taken concurrently into `IDPORTEN_KID_IN_USE`. */
async function saveChange(db: Database, client: IdportenClient): Promise<void> {
  await checkKidsFree(db, client);
  try {
    await updateIdportenClient(db, client);
  } catch (err) {
    if (isUniqueViolation(err)) await checkKidsFree(db, client);
    throw err;
  }
}

function invalid(problems: Array<{ field: string; message: string }>) {
  return idportenError('IDPORTEN_INVALID_CLIENT', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { extra: { problems } });
}

function emptyToUndefined(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}
