/**
 * Maskinporten's protocol endpoints: the RFC 8414 metadata, `POST /maskinporten/token` (the
 * JWT-bearer grant) and the JWKS at `/maskinporten/jwk`. HTTP only: the grant's rules are in
 * `domain/grant/`.
 *
 * @see specs/idporten-maskinporten.md §3 "Endpoints", "Token request", "Errors"
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemErrorHandler } from '../../platform/http/problem.ts';
import { serveJwks } from '../../platform/keys/jwks-route.ts';
import type { Platform } from '../../platform/platform.ts';
import { SYSTEMUSER_TYPE } from '../domain/grant/check-authorization-details.ts';
import { JWT_BEARER_GRANT_TYPE } from '../domain/grant/check-form-params.ts';
import { GRANT_ALGORITHMS, type GrantDeps } from '../domain/grant/grant-context.ts';
import { GrantError, oauthErrorBody, type GrantErrorCode } from '../domain/grant/grant-errors.ts';
import { runJwtBearerGrant } from '../domain/grant/jwt-bearer-grant.ts';
import { maskinportenIssuer, maskinportenJwksUri, maskinportenTokenEndpoint } from '../domain/issuer.ts';
import { grantDeps } from '../domain/start-grant.ts';

/** Largest token request body, bytes; bigger bodies get a 400 `invalid_request`, not a 413. */
export const TOKEN_BODY_LIMIT_BYTES = 262_144;

/** The RFC 8414 metadata document, as the real Maskinporten publishes it. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
  token_endpoint_auth_methods_supported: string[];
  grant_types_supported: string[];
  token_endpoint_auth_signing_alg_values_supported: string[];
  authorization_details_types_supported: string[];
}

/**
 * The metadata document: issuer, token endpoint, JWKS, the jwt-bearer grant, `private_key_jwt`,
 * RS256/RS384/RS512 and the `urn:altinn:systemuser` authorization details type. The same
 * members as `https://maskinporten.no/.well-known/oauth-authorization-server`, minus
 * `urn:altinn:consent`, which Grunnmur does not implement.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function authorizationServerMetadata(config: Platform['config']): AuthorizationServerMetadata {
  return {
    issuer: maskinportenIssuer(config),
    token_endpoint: maskinportenTokenEndpoint(config),
    jwks_uri: maskinportenJwksUri(config),
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    grant_types_supported: [JWT_BEARER_GRANT_TYPE],
    token_endpoint_auth_signing_alg_values_supported: [...GRANT_ALGORITHMS],
    authorization_details_types_supported: [SYSTEMUSER_TYPE],
  };
}

const metadataSchema = {
  type: 'object',
  required: ['issuer', 'token_endpoint', 'jwks_uri', 'grant_types_supported'],
  properties: {
    issuer: { type: 'string' },
    token_endpoint: { type: 'string' },
    jwks_uri: { type: 'string' },
    token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
    grant_types_supported: { type: 'array', items: { type: 'string' } },
    token_endpoint_auth_signing_alg_values_supported: { type: 'array', items: { type: 'string' } },
    authorization_details_types_supported: { type: 'array', items: { type: 'string' } },
  },
} as const;

const oauthErrorSchema = {
  type: 'object',
  required: ['error', 'error_description'],
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
} as const;

/**
 * Registers the metadata (at `/maskinporten/.well-known/oauth-authorization-server` and at the
 * RFC 8414 §3 path-inserted form `/.well-known/oauth-authorization-server/maskinporten`),
 * `POST /maskinporten/token` and `GET /maskinporten/jwk`.
 *
 * @param options.grant overrides of the grant's dependencies (a fixed clock in tests)
 */
export async function tokenRoutes(app: FastifyInstance, platform: Platform, options: { grant?: Partial<GrantDeps> } = {}): Promise<void> {
  const metadata = authorizationServerMetadata(platform.config);
  const deps = grantDeps(platform, options.grant);

  const metadataRoute = {
    schema: {
      tags: ['maskinporten'],
      summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
      response: { 200: metadataSchema },
    },
  };
  const sendMetadata = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'public, max-age=300');
    return metadata;
  };
  app.get('/maskinporten/.well-known/oauth-authorization-server', metadataRoute, sendMetadata);
  app.get('/.well-known/oauth-authorization-server/maskinporten', { schema: { ...metadataRoute.schema, hide: true } }, sendMetadata);

  app.post(
    '/maskinporten/token',
    {
      bodyLimit: TOKEN_BODY_LIMIT_BYTES,
      errorHandler: tokenErrorHandler,
      schema: {
        tags: ['maskinporten'],
        summary: 'Token endpoint: the JWT-bearer grant (RFC 7523 §2.1)',
        description:
          'Form-encoded `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and `assertion=<signed JWT grant>`. ' +
          'Errors are RFC 6749 JSON `{error, error_description}`; the description ends with the MP code and a correlation id.',
        consumes: ['application/x-www-form-urlencoded'],
        response: {
          200: {
            type: 'object',
            required: ['access_token', 'token_type', 'expires_in', 'scope'],
            properties: {
              access_token: { type: 'string' },
              token_type: { type: 'string', enum: ['Bearer'] },
              expires_in: { type: 'integer' },
              scope: { type: 'string' },
            },
          },
          400: oauthErrorSchema,
          403: oauthErrorSchema,
          500: oauthErrorSchema,
        },
      },
    },
    async (request, reply) => {
      noStore(reply);
      try {
        const granted = await runJwtBearerGrant(deps, { contentType: request.headers['content-type'], body: request.body });
        // Debug, not info: the kernel's access-log line already records every request (one line
        // per token at info), and the usage statistics count the tokens.
        // Asked first: request.log makes its pino child on its first call, even one below its level.
        if (request.log.level === 'debug' || request.log.level === 'trace') {
          request.log.debug(
            { client_id: granted.claims.client_id, scope: granted.claims.scope, consumer: granted.claims.consumer.ID },
            'maskinporten token issued',
          );
        }
        return granted.response;
      } catch (err) {
        return sendGrantError(err, request, reply);
      }
    },
  );

  serveJwks(app, '/maskinporten/jwk', platform.keys, deps.issuer);
}

function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** Answers a failed grant as RFC 6749 JSON; anything but a {@link GrantError} is a 500 `server_error`. */
function sendGrantError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = err instanceof GrantError ? err : new GrantError('MASKINPORTEN_TOKEN_SERVER_ERROR', undefined, { cause: err });
  if (error.status >= 500) request.log.error({ err }, 'maskinporten token request failed');
  else request.log.info({ code: error.code, status: error.status }, error.message);
  noStore(reply);
  return reply.code(error.status).send(oauthErrorBody(error, String(request.id)));
}

/**
 * Errors raised before the handler (Fastify's body parsing: not a form, body too large,
 * malformed encoding) become `invalid_request`, not problem+json, so an OAuth client always
 * reads an OAuth error. Rate limiting keeps the platform's 429.
 */
function tokenErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.statusCode === 429) return problemErrorHandler(error, request, reply);
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    const detail: Partial<Record<string, string>> = {
      FST_ERR_CTP_BODY_TOO_LARGE: `The request body is larger than ${TOKEN_BODY_LIMIT_BYTES} bytes.`,
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The token request must be sent as application/x-www-form-urlencoded.',
    };
    const code: GrantErrorCode = 'MASKINPORTEN_INVALID_TOKEN_REQUEST';
    return sendGrantError(new GrantError(code, detail[error.code] ?? 'The request body could not be read.', { cause: error }), request, reply);
  }
  return sendGrantError(error, request, reply);
}
