/**
 * The ID-porten client registry's admin API at `/idporten/clients`, in Digdir's shapes (the real
 * one is `https://api.samarbeid.digdir.no/clients/`, one API for every integration type; here
 * ID-porten's clients live under ID-porten and Maskinporten's under `/selvbetjening/api/v1`).
 * HTTP only: parse, authorize (the token's scope here, the organisation's ownership in the
 * domain), call the domain, answer.
 *
 * Protected by Maskinporten tokens: `idporten:dcr.read` (read), `idporten:dcr.write` (create,
 * change), `idporten:dcr.modify` (change), `idporten:dcr.supplier` (all, also for customers).
 * Errors are problem+json with `IDPORTEN_*` codes (`../errors.ts`) and the kernel's `AUTH_*`
 * codes for the token (401/403).
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerSecurity, getMaskinportenToken, requireScopes } from '../../platform/auth/index.ts';
import type { Platform } from '../../platform/platform.ts';
import {
  deactivateIdportenClient,
  getIdportenClientFor,
  getIdportenClientKeys,
  listIdportenClientsFor,
  registerIdportenClient,
  replaceIdportenClient,
  replaceIdportenClientKeys,
  rotateIdportenClientSecret,
  type IdportenActor,
  type IdportenClientRegistration,
} from '../domain/clients-admin.ts';
import type { IdportenClient } from '../domain/types.ts';
import { clientBody, clientSchema, flag, jwksBody, jwksSchema } from './admin-schemas.ts';

/** Path of the client registry. */
export const CLIENTS_PATH = '/idporten/clients';

/** The scopes of Digdir's admin API. */
export const DCR_SCOPES = {
  READ: 'idporten:dcr.read',
  WRITE: 'idporten:dcr.write',
  MODIFY: 'idporten:dcr.modify',
  SUPPLIER: 'idporten:dcr.supplier',
} as const;

const READ = [DCR_SCOPES.READ, DCR_SCOPES.WRITE, DCR_SCOPES.MODIFY, DCR_SCOPES.SUPPLIER];
const CREATE = [DCR_SCOPES.WRITE, DCR_SCOPES.SUPPLIER];
const CHANGE = [DCR_SCOPES.WRITE, DCR_SCOPES.MODIFY, DCR_SCOPES.SUPPLIER];

const tags = ['idporten-klienter'];
const arrayOf = (items: object) => ({ type: 'array', items }) as const;
const clientIdParams = { type: 'object', required: ['client_id'], properties: { client_id: { type: 'string', maxLength: 255 } } } as const;
/** Fields of the client model that are read-only: accepted in a body (a GET answer posted back) and ignored. */
const READ_ONLY = ['active', 'created', 'last_updated', 'client_secret_expires_at'] as const;

/** The caller: the organisation of its Maskinporten token, and whether it acts as supplier. */
function actorOf(request: FastifyRequest): IdportenActor {
  const token = getMaskinportenToken(request);
  return { orgno: token.consumerOrgno, supplier: token.scopes.includes(DCR_SCOPES.SUPPLIER) };
}

/** The `onRequest` hook and OpenAPI `security` of a route open to any of `anyOf`. */
function guard(platform: Platform, anyOf: readonly string[]) {
  return { onRequest: requireScopes(platform, anyOf, { anyOf: true }), ...bearerSecurity(anyOf) };
}

/** A client as answered: keys at `/jwks`, the secret only when just issued. */
function clientWire(client: IdportenClient, withSecret = false): Record<string, unknown> {
  const { jwks: _jwks, client_secret: secret, ...wire } = client;
  return withSecret && secret !== undefined ? { ...wire, client_secret: secret } : wire;
}

/** The body without the read-only fields. */
function registration(body: Record<string, unknown>): IdportenClientRegistration {
  const copy = { ...body };
  for (const field of READ_ONLY) delete copy[field];
  return copy as unknown as IdportenClientRegistration;
}

/** Registers the admin API routes. */
export async function adminRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const { db } = platform;
  const options = () => ({ mode: platform.config.GRUNNMUR_MODE });

  {
    const g = guard(platform, READ);
    app.get<{ Querystring: { inactive?: string } }>(
      CLIENTS_PATH,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'List your ID-porten clients',
          description:
            'Clients owned by your organisation (the consumer of your token), and with idporten:dcr.supplier the clients you supply for customers. Deleted clients only with inactive=TRUE. Secrets are never listed.',
          security: g.security,
          querystring: { type: 'object', additionalProperties: true, properties: { inactive: flag('Include deleted clients') } },
          response: { 200: arrayOf(clientSchema) },
        },
      },
      async (request) =>
        (await listIdportenClientsFor(db, actorOf(request), { includeInactive: request.query.inactive?.toLowerCase() === 'true' })).map((c) => clientWire(c)),
    );
    app.get<{ Params: { client_id: string } }>(
      `${CLIENTS_PATH}/:client_id`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Get a client',
          description: '404 IDPORTEN_CLIENT_NOT_FOUND for unknown clients and for other organisations’ clients. A deleted client is answered with active: false.',
          security: g.security,
          params: clientIdParams,
          response: { 200: clientSchema },
        },
      },
      async (request) => clientWire(await getIdportenClientFor(db, request.params.client_id, actorOf(request))),
    );
    app.get<{ Params: { client_id: string } }>(
      `${CLIENTS_PATH}/:client_id/jwks`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: "Get a client's public keys",
          description: 'The registered JWK Set, each key with exp (epoch seconds).',
          security: g.security,
          params: clientIdParams,
          response: { 200: jwksSchema },
        },
      },
      async (request) => getIdportenClientKeys(db, request.params.client_id, actorOf(request)),
    );
  }

  {
    const g = guard(platform, CREATE);
    app.post<{ Body: Record<string, unknown> }>(
      CLIENTS_PATH,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Register an ID-porten client',
          description:
            'integration_type "idporten" (default) or "api_klient". client_id is assigned; for client_secret_basic/post the answer holds the client_secret, shown this once, which lives 360 days (client_secret_expires_at). client_orgno defaults to your organisation; another one needs idporten:dcr.supplier and makes you its supplier_orgno. Every broken rule is listed in problems of IDPORTEN_INVALID_CLIENT. In force at once. Answers 201.',
          security: g.security,
          body: clientBody,
          response: { 201: clientSchema },
        },
      },
      async (request, reply) => {
        const client = await registerIdportenClient(db, registration(request.body), actorOf(request), options());
        reply.code(201);
        return clientWire(client, true);
      },
    );
  }

  {
    const g = guard(platform, CHANGE);
    app.put<{ Params: { client_id: string }; Body: Record<string, unknown> }>(
      `${CLIENTS_PATH}/:client_id`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Replace a client registration',
          description:
            'A full replacement (absent fields take their defaults), by the same rules as a new client. client_id, client_orgno, supplier_orgno and integration_type cannot change but may be sent back unchanged; active/created/last_updated/client_secret_expires_at are ignored. The secret stays while the method stays client_secret_*, is removed when it changes to another, and a new one is issued (and shown once) when it changes to client_secret_*. Without jwks the registered keys stay. 409 IDPORTEN_CLIENT_INACTIVE for a deleted client. In force at once.',
          security: g.security,
          params: clientIdParams,
          body: clientBody,
          response: { 200: clientSchema },
        },
      },
      async (request) => {
        const { client, secretIssued } = await replaceIdportenClient(db, request.params.client_id, registration(request.body), actorOf(request), options());
        return clientWire(client, secretIssued);
      },
    );
    app.delete<{ Params: { client_id: string } }>(
      `${CLIENTS_PATH}/:client_id`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Delete (deactivate) a client',
          description: 'The client is deactivated, never removed (its id is not reused); its keys and secret are removed and it can no longer log anyone in. Answers the client with active: false; idempotent.',
          security: g.security,
          params: clientIdParams,
          response: { 200: clientSchema },
        },
      },
      async (request) => clientWire(await deactivateIdportenClient(db, request.params.client_id, actorOf(request))),
    );
    for (const method of ['POST', 'PUT'] as const) {
      app.route<{ Params: { client_id: string }; Body: { keys: Array<Record<string, unknown>> } }>({
        method,
        url: `${CLIENTS_PATH}/:client_id/jwks`,
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: `Replace a client's public keys (${method})`,
          description:
            'POST and PUT both replace the whole set. Only for private_key_jwt clients; 1–5 public RSA keys (RS256/RS384/RS512, 2048–8192 bits); kid of letters, digits and ._- , unique across all ID-porten clients (409 IDPORTEN_KID_IN_USE); exp (epoch seconds) at most one year after posting, default one year; no private members. In force at once.',
          security: g.security,
          params: clientIdParams,
          body: jwksBody,
          response: { 200: jwksSchema },
        },
        handler: async (request) => replaceIdportenClientKeys(db, request.params.client_id, request.body, actorOf(request)),
      });
    }
    app.post<{ Params: { client_id: string } }>(
      `${CLIENTS_PATH}/:client_id/secret`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Rotate the client secret',
          description:
            'A new client_secret replaces the old one at once (the old one is refused from the next request on) and lives 360 days. The answer is the client with the new secret, shown this once. 409 IDPORTEN_CLIENT_HAS_NO_SECRET for private_key_jwt and none clients.',
          security: g.security,
          params: clientIdParams,
          response: { 200: clientSchema },
        },
      },
      async (request) => clientWire(await rotateIdportenClientSecret(db, request.params.client_id, actorOf(request)), true),
    );
  }
}
