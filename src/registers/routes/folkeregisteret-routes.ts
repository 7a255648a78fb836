/**
 * HTTP routes shaped like Skatteetaten's Folkeregisteret lookup API (`personer/{id}`), plus the
 * Grunnmur-specific test-person list.
 *
 * Person lookups are served in both modes and need a Maskinporten token with the scope of the
 * path's rettighetspakke (checked `onRequest`, before the pid is looked at, so a caller without
 * a token learns nothing); every lookup is audit-logged. The test-person list is open, but in
 * test mode only: in production mode it answers 404 `PLATFORM_TEST_MODE_ONLY` and is left out of
 * the OpenAPI documents (`schema.hide`).
 *
 * @see https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/oppslag/
 * @see https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/maskinporten/
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerSecurity, getMaskinportenToken, requireScopes } from '../../platform/auth/index.ts';
import { platformError } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import { listTestpersoner, lookUpPerson, MAX_TESTPERSONER_SIZE } from '../domain/folkeregisteret.ts';
import { RETTIGHETSPAKKER, type Rettighetspakke } from '../domain/rettighetspakker.ts';

const tags = ['folkeregisteret'];

/** Registers the Folkeregisteret routes. */
export async function folkeregisteretRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const personSchema = (pakke: Rettighetspakke, path: string) => ({
    ...bearerSecurity([pakke.scope]),
    tags,
    summary: `Get a person (${pakke.name})`,
    description:
      `Folkeregisteret person document (abridged) for a fødselsnummer or D-number, rettighetspakke ${pakke.name}. ` +
      `Requires a Maskinporten token with scope ${pakke.scope}` +
      (path === '/folkeregisteret/api/v1/personer/:pid' ? ' (Grunnmur’s short path for offentlig-med-hjemmel; not a path of the real API)' : '') +
      '. Every lookup is audit-logged with the consumer, client, pid and request id. ' +
      '401 AUTH_TOKEN_MISSING / AUTH_TOKEN_INVALID / AUTH_TOKEN_EXPIRED; 403 AUTH_INSUFFICIENT_SCOPE; ' +
      '400 REGISTERS_INVALID_FODSELSNUMMER naming the failed rule; 404 REGISTERS_PERSON_NOT_FOUND.',
    params: {
      type: 'object',
      required: ['pid'],
      properties: { pid: { type: 'string', description: 'Fødselsnummer or D-number, 11 digits' } },
    },
    response: { 200: { type: 'object', additionalProperties: true, description: 'Person document' } },
  });

  // One route per path, so each carries its own scope check and its own OpenAPI security.
  for (const pakke of RETTIGHETSPAKKER) {
    const onRequest = requireScopes(platform, [pakke.scope]);
    for (const path of pakke.personPaths) {
      // No automatic HEAD: it would look the person up, and log the lookup, to send no data.
      app.get<{ Params: { pid: string } }>(path, { onRequest, exposeHeadRoute: false, schema: personSchema(pakke, path) }, async (request) => {
        const token = getMaskinportenToken(request);
        return lookUpPerson(platform.db, request.log, request.params.pid, {
          consumerOrgno: token.consumerOrgno,
          ...(token.supplierOrgno ? { supplierOrgno: token.supplierOrgno } : {}),
          clientId: token.clientId,
          scope: pakke.scope,
          rettighetspakke: pakke.name,
          requestId: request.id,
          ...(typeof token.claims.jti === 'string' ? { tokenJti: token.claims.jti } : {}),
        });
      });
    }
  }

  const testModeOnly = async (_request: FastifyRequest): Promise<void> => {
    if (platform.config.GRUNNMUR_MODE !== 'test') {
      throw platformError('PLATFORM_TEST_MODE_ONLY', 'The test-person list is only served in test mode');
    }
  };
  app.get<{ Querystring: { page: number; size: number } }>(
    '/folkeregisteret/api/v1/testpersoner',
    {
      schema: {
        hide: platform.config.GRUNNMUR_MODE !== 'test',
        tags,
        summary: 'List synthetic test persons (Grunnmur-specific)',
        description: 'Synthetic persons ordered by fødselsnummer, for TestID and developers. Not part of the real API. Open, test mode only.',
        querystring: {
          type: 'object',
          properties: {
            page: { type: 'integer', minimum: 0, default: 0 },
            size: { type: 'integer', minimum: 1, maximum: MAX_TESTPERSONER_SIZE, default: 20 },
          },
        },
        response: { 200: { type: 'object', additionalProperties: true, description: '{ personer: [...], page }' } },
      },
      preHandler: testModeOnly,
    },
    async (request) => listTestpersoner(platform.db, request.query.page, request.query.size),
  );
}
