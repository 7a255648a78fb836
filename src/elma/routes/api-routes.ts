/**
 * ELMA's REST API at `/elma/api/v1`: the JSON view of a participant (open, like the SMP), the
 * write API for access-point providers (Maskinporten token with `elma:participants.write`,
 * checked before the body is read), and the signing certificate.
 *
 * @see src/elma/README.md "REST API"
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerSecurity, getMaskinportenToken, requireScopes } from '../../platform/auth/index.ts';
import { problemResponse } from '../../platform/http/problem.ts';
import type { Platform } from '../../platform/platform.ts';
import { deleteParticipant, getParticipant, putParticipant } from '../domain/participants.ts';
import { ELMA_SCOPE_PARTICIPANTS_WRITE } from '../domain/scopes.ts';
import type { Smp } from '../domain/smp.ts';
import type { PutParticipantRequest } from '../wire-types.ts';
import { orgnrParams, participantSchema, putParticipantBody } from './schemas.ts';
import { ELMA_PATH } from './smp-routes.ts';

/** Base path of the REST API. */
export const ELMA_API_PATH = `${ELMA_PATH}/api/v1`;

const authResponses = {
  401: problemResponse('No, invalid or expired token: AUTH_TOKEN_MISSING, AUTH_TOKEN_INVALID, AUTH_TOKEN_EXPIRED'),
  403: problemResponse(`The token lacks ${ELMA_SCOPE_PARTICIPANTS_WRITE} (AUTH_INSUFFICIENT_SCOPE), or another access-point provider registered the participant (ELMA_PARTICIPANT_OWNED_BY_OTHER)`),
} as const;

/** Registers the REST API routes. */
export async function apiRoutes(app: FastifyInstance, platform: Platform, smp: Smp): Promise<void> {
  const tags = ['elma-api'];
  const writer = (request: FastifyRequest) => ({ providerOrgnr: getMaskinportenToken(request).consumerOrgno });
  const write = { onRequest: requireScopes(platform, [ELMA_SCOPE_PARTICIPANTS_WRITE]) };
  const security = bearerSecurity([ELMA_SCOPE_PARTICIPANTS_WRITE]);

  app.get<{ Params: { orgnr: string } }>(
    `${ELMA_API_PATH}/participants/:orgnr`,
    {
      schema: {
        tags,
        summary: 'A participant and the document types, processes and endpoints it receives (JSON)',
        params: orgnrParams,
        response: {
          200: participantSchema,
          400: problemResponse('Bad organisasjonsnummer: ELMA_INVALID_ORGNR'),
          404: problemResponse('Not registered: ELMA_PARTICIPANT_NOT_FOUND'),
        },
      },
    },
    async (request) => getParticipant(platform.db, request.params.orgnr),
  );

  app.put<{ Params: { orgnr: string }; Body: PutParticipantRequest }>(
    `${ELMA_API_PATH}/participants/:orgnr`,
    {
      ...write,
      schema: {
        tags,
        summary: 'Create or replace the whole service metadata of a participant (access-point providers)',
        description:
          'The caller (the token’s consumer) becomes the participant’s access-point provider; only it may replace or delete it later. ' +
          '201 when created, 200 when replaced. Signed ServiceMetadata reflect the change on the next read.',
        ...security,
        params: orgnrParams,
        body: putParticipantBody,
        response: {
          200: participantSchema,
          201: participantSchema,
          400: problemResponse(
            'ELMA_INVALID_ORGNR, ELMA_INVALID_DOCUMENT_IDENTIFIER, ELMA_INVALID_PROCESS_IDENTIFIER, ELMA_DUPLICATE_IDENTIFIER, ELMA_INVALID_TRANSPORT_PROFILE, ' +
              'ELMA_INVALID_URL, ELMA_INVALID_DATE, ELMA_INVALID_SERVICE_PERIOD, ELMA_INVALID_CERTIFICATE, ELMA_INVALID_TEXT; a body that fails the schema: PLATFORM_VALIDATION_FAILED',
          ),
          ...authResponses,
        },
      },
    },
    async (request, reply) => {
      const { participant, created } = await putParticipant(platform.db, writer(request), request.params.orgnr, request.body);
      return reply.code(created ? 201 : 200).send(participant);
    },
  );

  app.delete<{ Params: { orgnr: string } }>(
    `${ELMA_API_PATH}/participants/:orgnr`,
    {
      ...write,
      schema: {
        tags,
        summary: 'Delete a participant and all its service metadata (its access-point provider only)',
        ...security,
        params: orgnrParams,
        response: {
          204: { description: 'Deleted', type: 'null' },
          400: problemResponse('Bad organisasjonsnummer: ELMA_INVALID_ORGNR'),
          404: problemResponse('Not registered: ELMA_PARTICIPANT_NOT_FOUND'),
          ...authResponses,
        },
      },
    },
    async (request, reply) => {
      await deleteParticipant(platform.db, writer(request), request.params.orgnr);
      return reply.code(204).send();
    },
  );

  app.get(
    `${ELMA_API_PATH}/certificate`,
    {
      schema: {
        tags,
        summary: "ELMA's signing certificate (PEM): the certificate in every SignedServiceMetadata's KeyInfo",
        response: { 200: { description: 'PEM', content: { 'application/x-pem-file': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => reply.type('application/x-pem-file').send((await smp.signingKey()).certificatePem),
  );
}
