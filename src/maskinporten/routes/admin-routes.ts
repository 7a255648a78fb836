/**
 * Digdir's self-service API for Maskinporten under `/selvbetjening/api/v1` (the real base is
 * `https://api.samarbeid.digdir.no/api/v1`: a client swaps the base URL only), plus Grunnmur's
 * delegation stand-in for Altinn. HTTP only: parse, authorize (the token's scope here, the
 * organisation's ownership in the domain), call the domain, answer.
 *
 * Errors are problem+json with `MASKINPORTEN_*` codes (`../errors.ts`) and the kernel's
 * `AUTH_*` codes for the token (401/403).
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin_maskinporten
 */
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/platform.ts';
import { getClientKeys, setClientKeys, type JwksInput } from '../domain/client-keys.ts';
import { createClient, deleteClient, getClient, listClientsFor, updateClient, type ClientInput } from '../domain/clients.ts';
import { delegateScope, listDelegationsFor, revokeDelegation } from '../domain/delegations.ts';
import { grantScopeAccess, listAccessibleScopes, listScopeAccessForOwner, revokeScopeAccess } from '../domain/scope-access.ts';
import {
  createScope,
  deactivateScope,
  getOwnedScope,
  listOwnPrefixes,
  listOwnScopes,
  listPublicScopes,
  updateScope,
  type ScopeInput,
  type ScopeUpdate,
} from '../domain/scopes.ts';
import type { Client } from '../domain/types.ts';
import { ADMIN_SCOPES as S, actorOf, getCaller, guard } from './caller.ts';
import {
  clientBody,
  clientSchema,
  delegationSchema,
  flag,
  jwksBody,
  jwksSchema,
  parseFlag,
  prefixSchema,
  scopeAccessSchema,
  scopeCreateBody,
  scopeSchema,
  scopeUpdateBody,
} from './schemas.ts';

/** Base path of the self-service API. */
export const SELF_SERVICE_BASE = '/selvbetjening/api/v1';

const tags = ['maskinporten-selvbetjening'];
const B = SELF_SERVICE_BASE;

const READ_CLIENTS = [S.DCR_READ, S.DCR_WRITE, S.DCR_MODIFY, S.DCR_SUPPLIER];
const CREATE_CLIENTS = [S.DCR_WRITE, S.DCR_SUPPLIER];
const CHANGE_CLIENTS = [S.DCR_WRITE, S.DCR_MODIFY, S.DCR_SUPPLIER];
const SCOPES_WRITE = [S.SCOPES_WRITE];
const READ_ACCESS = [S.DCR_READ, S.DCR_WRITE, S.DCR_MODIFY, S.DCR_SUPPLIER, S.SCOPES_WRITE];
const DELEGATIONS = [S.DELEGATIONS_WRITE];

const arrayOf = (items: object) => ({ type: 'array', items }) as const;
const clientIdParams = { type: 'object', required: ['client_id'], properties: { client_id: { type: 'string', maxLength: 64 } } } as const;
const scopeQuery = { type: 'object', required: ['scope'], additionalProperties: true, properties: { scope: { type: 'string', minLength: 1, maxLength: 255 } } } as const;
const orgnoParams = (name: string) => ({ type: 'object', required: [name], properties: { [name]: { type: 'string', maxLength: 64 } } }) as const;

/** The extra fields of Digdir's client model that Maskinporten clients always have empty. */
function clientWire(client: Client): Client & Record<string, unknown> {
  return {
    ...client,
    authorization_lifetime: 0,
    refresh_token_lifetime: 0,
    refresh_token_usage: 'ONETIME',
    frontchannel_logout_session_required: false,
    redirect_uris: [],
    post_logout_redirect_uris: [],
  };
}

/** Registers the self-service routes. */
export async function adminRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const { db } = platform;
  const actor = (request: Parameters<typeof getCaller>[0]) => actorOf(getCaller(request));

  // ---- Clients -------------------------------------------------------------------------------

  {
    const g = guard(platform, READ_CLIENTS);
    app.get<{ Querystring: { inactive?: string } }>(
      `${B}/clients`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'List your Maskinporten clients',
          description:
            'Clients owned by your organisation (the consumer of your token), and with idporten:dcr.supplier the clients you supply for customers. Deleted clients only with inactive=TRUE.',
          security: g.security,
          querystring: { type: 'object', additionalProperties: true, properties: { inactive: flag('Include deleted clients') } },
          response: { 200: arrayOf(clientSchema) },
        },
      },
      async (request) => (await listClientsFor(db, actor(request), { includeInactive: parseFlag(request.query.inactive) ?? false })).map(clientWire),
    );
    app.get<{ Params: { client_id: string } }>(
      `${B}/clients/:client_id`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Get a client',
          description: '404 MASKINPORTEN_CLIENT_NOT_FOUND for unknown clients and for other organisations’ clients. A deleted client is answered with active: false.',
          security: g.security,
          params: clientIdParams,
          response: { 200: clientSchema },
        },
      },
      async (request) => clientWire(await getClient(db, request.params.client_id, actor(request))),
    );
    app.get<{ Params: { client_id: string } }>(
      `${B}/clients/:client_id/jwks`,
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
      async (request) => getClientKeys(db, request.params.client_id, actor(request)),
    );
  }

  {
    const g = guard(platform, CREATE_CLIENTS);
    app.post<{ Body: ClientInput }>(
      `${B}/clients`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Register a Maskinporten client',
          description:
            'integration_type "maskinporten" (required), application_type "web", token_endpoint_auth_method "private_key_jwt", the JWT-bearer grant. client_orgno defaults to your organisation; another one needs idporten:dcr.supplier and makes you its supplier_orgno. Every scope must be open to client_orgno (MASKINPORTEN_CLIENT_SCOPE_REJECTED). Answers 201 with the client and its new client_id.',
          security: g.security,
          body: clientBody,
          response: { 201: clientSchema },
        },
      },
      async (request, reply) => {
        reply.code(201);
        return clientWire(await createClient(db, request.body, actor(request)));
      },
    );
  }

  {
    const g = guard(platform, CHANGE_CLIENTS);
    app.put<{ Params: { client_id: string }; Body: ClientInput }>(
      `${B}/clients/:client_id`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Replace a client registration',
          description:
            'A full replacement of client_name, description, scopes and access_token_lifetime (absent = default). client_id, client_orgno, supplier_orgno and integration_type cannot change but may be sent back unchanged; created/last_updated/active are ignored. 409 MASKINPORTEN_CLIENT_INACTIVE for a deleted client.',
          security: g.security,
          params: clientIdParams,
          body: clientBody,
          response: { 200: clientSchema },
        },
      },
      async (request) => clientWire(await updateClient(db, request.params.client_id, request.body, actor(request))),
    );
    app.delete<{ Params: { client_id: string } }>(
      `${B}/clients/:client_id`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Delete (deactivate) a client',
          description: 'The client is deactivated, never removed (its id is not reused), and its keys are removed. Answers the client with active: false; idempotent.',
          security: g.security,
          params: clientIdParams,
          response: { 200: clientSchema },
        },
      },
      async (request) => clientWire(await deleteClient(db, request.params.client_id, actor(request))),
    );
    for (const method of ['POST', 'PUT'] as const) {
      app.route<{ Params: { client_id: string }; Body: JwksInput }>({
        method,
        url: `${B}/clients/:client_id/jwks`,
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: `Replace a client's public keys (${method})`,
          description:
            'POST and PUT both replace the whole set ({"keys": [...]}, empty removes all). At most 5 public RSA keys (RS256/RS384/RS512, 2048–8192 bits); kid of letters, digits and ._- , unique across all clients (409 MASKINPORTEN_KID_IN_USE); exp (epoch seconds) at most one year after posting, default one year; no private members.',
          security: g.security,
          params: clientIdParams,
          body: jwksBody,
          response: { 200: jwksSchema },
        },
        handler: async (request) => setClientKeys(db, request.params.client_id, request.body, actor(request)),
      });
    }
  }

  // ---- Scopes --------------------------------------------------------------------------------

  app.get<{ Querystring: { inactive?: string; accessible_for_all?: string; integration_type?: string; delegated_sources?: string } }>(
    `${B}/scopes/all`,
    {
      schema: {
        tags,
        summary: 'List every public scope (open, no token)',
        description: 'PUBLIC scopes of every owner. Deactivated scopes only with inactive=TRUE. Filters: accessible_for_all, integration_type (case-insensitive), delegated_sources (only scopes with delegation_source).',
        querystring: {
          type: 'object',
          additionalProperties: true,
          properties: {
            inactive: flag('Include deactivated scopes'),
            accessible_for_all: flag('Only scopes open (TRUE) or not open (FALSE) to all'),
            integration_type: { type: 'string', maxLength: 64, description: 'Only scopes clients of this integration type may use' },
            delegated_sources: flag('Only scopes with a delegation_source'),
          },
        },
        response: { 200: arrayOf(scopeSchema) },
      },
    },
    async (request) => {
      const q = request.query;
      const accessibleForAll = parseFlag(q.accessible_for_all);
      return listPublicScopes(db, {
        includeInactive: parseFlag(q.inactive) ?? false,
        ...(accessibleForAll === undefined ? {} : { accessibleForAll }),
        ...(q.integration_type === undefined ? {} : { integrationType: q.integration_type }),
        delegable: parseFlag(q.delegated_sources) ?? false,
      });
    },
  );

  {
    const g = guard(platform, SCOPES_WRITE);
    app.get<{ Querystring: { scope?: string; inactive?: string } }>(
      `${B}/scopes`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'List your scopes, or get one (?scope=…)',
          description:
            'Without scope: every scope your organisation owns, public and private (deactivated ones only with inactive=TRUE). With scope=prefix:subscope: that scope (404 MASKINPORTEN_SCOPE_NOT_FOUND, or 403 MASKINPORTEN_SCOPE_NOT_OWNED for another owner’s public scope).',
          security: g.security,
          querystring: {
            type: 'object',
            additionalProperties: true,
            properties: { scope: { type: 'string', minLength: 1, maxLength: 255 }, inactive: flag('Include deactivated scopes') },
          },
          response: { 200: { anyOf: [scopeSchema, arrayOf(scopeSchema)] } },
        },
      },
      async (request) => {
        const { scope, inactive } = request.query;
        if (scope !== undefined) return getOwnedScope(db, scope, actor(request));
        return listOwnScopes(db, actor(request), { includeInactive: parseFlag(inactive) ?? false });
      },
    );
    app.post<{ Body: ScopeInput }>(
      `${B}/scopes`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Create a scope',
          description:
            'prefix must be assigned to your organisation (the first scope under an unassigned prefix assigns it to you; 403 MASKINPORTEN_PREFIX_NOT_ASSIGNED otherwise). 409 MASKINPORTEN_SCOPE_EXISTS when the name exists, also when deactivated. Answers 201 with the scope.',
          security: g.security,
          body: scopeCreateBody,
          response: { 201: scopeSchema },
        },
      },
      async (request, reply) => {
        reply.code(201);
        return createScope(db, request.body, actor(request));
      },
    );
    app.put<{ Querystring: { scope: string }; Body: ScopeUpdate }>(
      `${B}/scopes`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Change a scope (?scope=…)',
          description: 'A full replacement of the attributes (absent = default), except active, which absent keeps its state; active: true reactivates. The name and owner cannot change.',
          security: g.security,
          querystring: scopeQuery,
          body: scopeUpdateBody,
          response: { 200: scopeSchema },
        },
      },
      async (request) => updateScope(db, request.query.scope, request.body, actor(request)),
    );
    app.delete<{ Querystring: { scope: string } }>(
      `${B}/scopes`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Deactivate a scope (?scope=…)',
          description: 'Scopes are never removed: DELETE deactivates (no more tokens), access grants stay. Idempotent. Answers the scope.',
          security: g.security,
          querystring: scopeQuery,
          response: { 200: scopeSchema },
        },
      },
      async (request) => deactivateScope(db, request.query.scope, actor(request)),
    );
    app.get<{ Querystring: { scope: string } }>(
      `${B}/scopes/access`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'List the access grants of your scope (?scope=…)',
          security: g.security,
          querystring: scopeQuery,
          response: { 200: arrayOf(scopeAccessSchema) },
        },
      },
      async (request) => listScopeAccessForOwner(db, request.query.scope, actor(request)),
    );
    app.put<{ Params: { consumer_orgno: string }; Querystring: { scope: string } }>(
      `${B}/scopes/access/:consumer_orgno`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'Give an organisation access to your scope (?scope=…)',
          description: 'Idempotent. 409 MASKINPORTEN_SCOPE_INACTIVE for a deactivated scope.',
          security: g.security,
          params: orgnoParams('consumer_orgno'),
          querystring: scopeQuery,
          response: { 200: scopeAccessSchema },
        },
      },
      async (request) => grantScopeAccess(db, { scope: request.query.scope, consumerOrgno: request.params.consumer_orgno }, actor(request)),
    );
    app.delete<{ Params: { consumer_orgno: string }; Querystring: { scope: string } }>(
      `${B}/scopes/access/:consumer_orgno`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: "Remove an organisation's access to your scope (?scope=…)",
          description: 'Answers the grant as it was; 404 MASKINPORTEN_ACCESS_NOT_FOUND when there is none.',
          security: g.security,
          params: orgnoParams('consumer_orgno'),
          querystring: scopeQuery,
          response: { 200: scopeAccessSchema },
        },
      },
      async (request) => revokeScopeAccess(db, { scope: request.query.scope, consumerOrgno: request.params.consumer_orgno }, actor(request)),
    );
    app.get(
      `${B}/prefix`,
      {
        onRequest: g.onRequest,
        schema: { tags, summary: 'The scope prefixes assigned to your organisation', security: g.security, response: { 200: arrayOf(prefixSchema) } },
      },
      async (request) => listOwnPrefixes(db, actor(request)),
    );
  }

  {
    const g = guard(platform, READ_ACCESS);
    app.get<{ Querystring: { inactive?: string; integration_type?: string; accessible_for_all?: string } }>(
      `${B}/scopes/access/all`,
      {
        onRequest: g.onRequest,
        schema: {
          tags,
          summary: 'The scopes your organisation has been given access to',
          description:
            'Access grants where your organisation is the consumer. With accessible_for_all=TRUE also every scope open to all organisations. Filters: integration_type, inactive=TRUE (grants of deactivated scopes).',
          security: g.security,
          querystring: {
            type: 'object',
            additionalProperties: true,
            properties: {
              inactive: flag('Include grants of deactivated scopes'),
              integration_type: { type: 'string', maxLength: 64 },
              accessible_for_all: flag('Also list the scopes open to all'),
            },
          },
          response: { 200: arrayOf(scopeAccessSchema) },
        },
      },
      async (request) => {
        const q = request.query;
        return listAccessibleScopes(db, actor(request), {
          includeInactive: parseFlag(q.inactive) ?? false,
          accessibleForAll: parseFlag(q.accessible_for_all) ?? false,
          ...(q.integration_type === undefined ? {} : { integrationType: q.integration_type }),
        });
      },
    );
  }

  // ---- Delegations (Grunnmur's stand-in for Altinn's delegation dialogue) -------------------

  {
    const g = guard(platform, DELEGATIONS);
    const delegationTags = ['maskinporten-delegering'];
    app.get<{ Querystring: { scope?: string } }>(
      `${B}/delegations`,
      {
        onRequest: g.onRequest,
        schema: {
          tags: delegationTags,
          summary: 'Delegations you made (as customer) or received (as supplier)',
          description: 'Grunnmur only (the real service keeps delegations in Altinn).',
          security: g.security,
          querystring: { type: 'object', additionalProperties: true, properties: { scope: { type: 'string', minLength: 1, maxLength: 255 } } },
          response: { 200: arrayOf(delegationSchema) },
        },
      },
      async (request) => listDelegationsFor(db, actor(request), request.query.scope),
    );
    app.put<{ Params: { supplier_orgno: string }; Querystring: { scope: string } }>(
      `${B}/delegations/:supplier_orgno`,
      {
        onRequest: g.onRequest,
        schema: {
          tags: delegationTags,
          summary: 'Delegate your access to a scope to a supplier (?scope=…)',
          description:
            'Grunnmur only, in place of Altinn’s delegation dialogue: the supplier’s clients may then ask for the scope with consumer_org = your organisation. The scope needs a delegation_source, and your organisation access to it. Idempotent.',
          security: g.security,
          params: orgnoParams('supplier_orgno'),
          querystring: scopeQuery,
          response: { 200: delegationSchema },
        },
      },
      async (request) => delegateScope(db, { scope: request.query.scope, supplierOrgno: request.params.supplier_orgno }, actor(request)),
    );
    app.delete<{ Params: { supplier_orgno: string }; Querystring: { scope: string } }>(
      `${B}/delegations/:supplier_orgno`,
      {
        onRequest: g.onRequest,
        schema: {
          tags: delegationTags,
          summary: 'Withdraw a delegation (?scope=…)',
          description: 'Answers the delegation as it was; 404 MASKINPORTEN_DELEGATION_NOT_FOUND when there is none.',
          security: g.security,
          params: orgnoParams('supplier_orgno'),
          querystring: scopeQuery,
          response: { 200: delegationSchema },
        },
      },
      async (request) => revokeDelegation(db, { scope: request.query.scope, supplierOrgno: request.params.supplier_orgno }, actor(request)),
    );
  }
}
