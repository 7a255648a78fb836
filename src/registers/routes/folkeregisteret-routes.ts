/**
 * HTTP routes shaped like Skatteetaten's Folkeregisteret lookup API (`personer/{id}`), plus the
 * Grunnmur-specific test-person list. Test mode only until Maskinporten scopes protect them:
 * in production mode they answer 404 `PLATFORM_TEST_MODE_ONLY` and are left out of the OpenAPI
 * documents (`schema.hide`), so no document lists a route that cannot be used.
 *
 * @see https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/oppslag/
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { platformError } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import { getPerson, listTestpersoner, MAX_TESTPERSONER_SIZE } from '../domain/folkeregisteret.ts';

const tags = ['folkeregisteret'];

/** Rettighetspakker of the real API; each serves the same document here. */
export const RETTIGHETSPAKKER = ['offentlig-med-hjemmel', 'offentlig-uten-hjemmel', 'finans-og-begrenset'] as const;

/** Registers the Folkeregisteret routes. */
export async function folkeregisteretRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const hide = platform.config.GRUNNMUR_MODE !== 'test';
  const testModeOnly = async (_request: FastifyRequest): Promise<void> => {
    if (platform.config.GRUNNMUR_MODE !== 'test') {
      throw platformError('PLATFORM_TEST_MODE_ONLY', 'Folkeregisteret lookups are only open in test mode until Maskinporten scopes protect them');
    }
  };
  const personSchema = (withPakke: boolean) => ({
    hide,
    tags,
    summary: 'Get a person',
    description:
      'Folkeregisteret person document (abridged) for a fødselsnummer or D-number. 400 REGISTERS_INVALID_FODSELSNUMMER naming the failed rule; 404 REGISTERS_PERSON_NOT_FOUND. Test mode only.',
    params: {
      type: 'object',
      required: withPakke ? ['rettighetspakke', 'pid'] : ['pid'],
      properties: {
        ...(withPakke ? { rettighetspakke: { type: 'string', enum: [...RETTIGHETSPAKKER] } } : {}),
        pid: { type: 'string', description: 'Fødselsnummer or D-number, 11 digits' },
      },
    },
    response: { 200: { type: 'object', additionalProperties: true, description: 'Person document' } },
  });

  app.get<{ Params: { pid: string } }>(
    '/folkeregisteret/api/v1/personer/:pid',
    { schema: personSchema(false), preHandler: testModeOnly },
    async (request) => getPerson(platform.db, request.params.pid),
  );
  app.get<{ Params: { pid: string; rettighetspakke: string } }>(
    '/folkeregisteret/:rettighetspakke/api/v1/personer/:pid',
    { schema: personSchema(true), preHandler: testModeOnly },
    async (request) => getPerson(platform.db, request.params.pid),
  );

  app.get<{ Querystring: { page: number; size: number } }>(
    '/folkeregisteret/api/v1/testpersoner',
    {
      schema: {
        hide,
        tags,
        summary: 'List synthetic test persons (Grunnmur-specific)',
        description: 'Synthetic persons ordered by fødselsnummer, for TestID and developers. Not part of the real API. Test mode only.',
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
