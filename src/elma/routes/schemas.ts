/**
 * JSON schemas of ELMA's REST API (`/elma/api/v1/…`): request shapes checked by Fastify, and the
 * OpenAPI documents. Semantic checks (identifiers, URLs, dates, certificate) are the domain's
 * (`domain/check-service-metadata.ts`).
 */

const identifier = (description: string) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['scheme', 'value'],
    description,
    properties: { scheme: { type: 'string' }, value: { type: 'string' } },
  }) as const;

const identifierInput = (description: string) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['value'],
    description,
    properties: { scheme: { type: 'string', maxLength: 100 }, value: { type: 'string', maxLength: 1000 } },
  }) as const;

const endpointProperties = {
  transportProfile: { type: 'string', maxLength: 200, description: '`@transportProfile`, e.g. bdxr-transport-altinn (DPO) or peppol-transport-as4-v2_0' },
  endpointUrl: { type: 'string', maxLength: 4000, description: '`EndpointURI`: absolute http(s) URL' },
  certificate: { type: 'string', maxLength: 20000, description: "`Certificate`: the access point's X.509 certificate, base64 DER without PEM armour" },
  serviceActivationDate: { type: 'string', maxLength: 64, description: '`ServiceActivationDate`: RFC 3339 date-time with offset (answered in UTC)' },
  serviceExpirationDate: { type: 'string', maxLength: 64, description: '`ServiceExpirationDate`: RFC 3339 date-time with offset, after the activation' },
  requireBusinessLevelSignature: { type: 'boolean', description: '`RequireBusinessLevelSignature` (default false)' },
  serviceDescription: { type: 'string', maxLength: 1000, description: '`ServiceDescription`: 1–500 characters' },
  technicalContactUrl: { type: 'string', maxLength: 4000, description: '`TechnicalContactUrl`: absolute http(s) URL' },
} as const;

/** One endpoint in a write. */
const endpointInput = {
  type: 'object',
  additionalProperties: false,
  required: ['transportProfile', 'endpointUrl', 'certificate', 'serviceDescription', 'technicalContactUrl'],
  properties: endpointProperties,
} as const;

/** Body of `PUT /elma/api/v1/participants/{orgnr}`. */
export const putParticipantBody = {
  type: 'object',
  additionalProperties: false,
  required: ['documents'],
  properties: {
    documents: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      description: 'Every document type the participant receives (replaces what was registered)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['documentIdentifier', 'processes'],
        properties: {
          documentIdentifier: identifierInput('scheme busdox-docid-qns (default); value e.g. urn:no:difi:arkivmelding:xsd::arkivmelding (case-sensitive, ≤ 500 characters)'),
          processes: {
            type: 'array',
            minItems: 1,
            maxItems: 50,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['processIdentifier', 'endpoints'],
              properties: {
                processIdentifier: identifierInput('scheme cenbii-procid-ubl (default); value e.g. urn:no:difi:profile:arkivmelding:administrasjon:ver1.0 (case-sensitive, ≤ 200 characters)'),
                endpoints: { type: 'array', minItems: 1, maxItems: 10, items: endpointInput },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** A participant as answered. */
export const participantSchema = {
  type: 'object',
  required: ['participantIdentifier', 'orgnr', 'registeredBy', 'updated', 'documents'],
  properties: {
    participantIdentifier: identifier('{scheme: iso6523-actorid-upis, value: 0192:<orgnr>}'),
    orgnr: { type: 'string' },
    registeredBy: { type: 'string', description: 'The access-point provider (orgnr) that registered the participant' },
    updated: { type: 'string', format: 'date-time' },
    documents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['documentIdentifier', 'processes'],
        properties: {
          documentIdentifier: identifier('Document type'),
          processes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['processIdentifier', 'endpoints'],
              properties: {
                processIdentifier: identifier('Process'),
                endpoints: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['transportProfile', 'endpointUrl', 'certificate', 'requireBusinessLevelSignature', 'serviceDescription', 'technicalContactUrl'],
                    properties: endpointProperties,
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** Path parameter `orgnr`. */
export const orgnrParams = {
  type: 'object',
  required: ['orgnr'],
  properties: { orgnr: { type: 'string', description: 'The participant’s organisasjonsnummer (9 digits)' } },
} as const;
