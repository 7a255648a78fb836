/**
 * The SMP reads at `/elma` (Peppol SMP 1.x / OASIS BDXR SMP 1.0 REST binding), open to anyone
 * like every SMP:
 *
 * - `GET /elma/{participantScheme}::{participantValue}` → `ServiceGroup`
 * - `GET /elma/{participant}/services/{docScheme}::{docValue}` → `SignedServiceMetadata`
 *
 * Path segments are percent-decoded before parsing (`%3A%3A` and `::` alike; a document value
 * with `#` must be sent as `%23`). Answers are `text/xml; charset=utf-8` (see README,
 * "Decisions"); errors are problem+json.
 *
 * The document type is a wildcard segment (`services/*`): Peppol document identifiers are often
 * longer than the router's 100-character limit on named parameters.
 *
 * @see specs/eformidling-elma-einnsyn.md §2 "SMP REST reads"
 */
import type { FastifyInstance } from 'fastify';
import { problemResponse } from '../../platform/http/problem.ts';
import { parseDocumentIdentifier, parseParticipantIdentifier } from '../domain/identifiers.ts';
import type { Smp } from '../domain/smp.ts';

/** Base path of ELMA. */
export const ELMA_PATH = '/elma';
/** Content type of the SMP answers. */
export const SMP_CONTENT_TYPE = 'text/xml; charset=utf-8';

const xmlResponse = (description: string) => ({ description, content: { 'text/xml': { schema: { type: 'string' } } } });

/** Registers the SMP read routes. */
export async function smpRoutes(app: FastifyInstance, smp: Smp): Promise<void> {
  const tags = ['elma-smp'];
  app.get<{ Params: { participant: string } }>(
    `${ELMA_PATH}/:participant`,
    {
      schema: {
        tags,
        summary: 'ServiceGroup of a participant (OASIS BDXR SMP 1.0)',
        description:
          'participant: `iso6523-actorid-upis::0192:<orgnr>` (case-insensitive). Answers `<ServiceGroup xmlns="http://docs.oasis-open.org/bdxr/ns/SMP/2016/05">` with ' +
          '`ParticipantIdentifier` and one `ServiceMetadataReference/@href` (absolute, percent-encoded) per document type.',
        params: { type: 'object', required: ['participant'], properties: { participant: { type: 'string' } } },
        response: {
          200: xmlResponse('ServiceGroup (text/xml)'),
          400: problemResponse('Not <scheme>::<value>: ELMA_INVALID_PARTICIPANT_IDENTIFIER'),
          404: problemResponse('Unknown participant: ELMA_PARTICIPANT_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const participant = parseParticipantIdentifier(request.params.participant);
      return reply.type(SMP_CONTENT_TYPE).send(await smp.serviceGroup(participant));
    },
  );

  app.get<{ Params: { participant: string; '*': string } }>(
    `${ELMA_PATH}/:participant/services/*`,
    {
      schema: {
        tags,
        summary: 'SignedServiceMetadata of a participant’s document type, signed by ELMA',
        description:
          'participant: `iso6523-actorid-upis::0192:<orgnr>`; the rest of the path: `busdox-docid-qns::<document type>` (case-sensitive value, percent-encoded). ' +
          'Answers `<SignedServiceMetadata>` with `ServiceMetadata/ServiceInformation` (ParticipantIdentifier, DocumentIdentifier, ProcessList/Process/ServiceEndpointList/Endpoint) ' +
          "and an enveloped `ds:Signature` (RSA-SHA256, exclusive C14N, X509Data with ELMA's certificate, also at /elma/api/v1/certificate).",
        params: { type: 'object', required: ['participant', '*'], properties: { participant: { type: 'string' }, '*': { type: 'string', description: 'docScheme::docValue' } } },
        response: {
          200: xmlResponse('SignedServiceMetadata (text/xml)'),
          400: problemResponse('Not <scheme>::<value>: ELMA_INVALID_PARTICIPANT_IDENTIFIER, ELMA_INVALID_DOCUMENT_IDENTIFIER'),
          404: problemResponse('Unknown participant or document type: ELMA_PARTICIPANT_NOT_FOUND, ELMA_DOCUMENT_TYPE_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const participant = parseParticipantIdentifier(request.params.participant);
      const document = parseDocumentIdentifier(request.params['*']);
      return reply.type(SMP_CONTENT_TYPE).send(await smp.signedServiceMetadata(participant, document));
    },
  );
}
