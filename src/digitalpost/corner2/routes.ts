/**
 * The corner-2 REST API at `/dpi` (the DPI access point senders talk to), as Digdir's
 * integration point's dpi-client uses it. Every route needs a Maskinporten token with
 * `digitalpostinnbygger:send`; the token's consumer is the sender whose messages and receipts
 * are seen. Errors are RFC 9457 problem+json with `code` (the platform's format).
 *
 * - `POST /dpi/messages/out[?kanal=]`: multipart/form-data, parts `forretningsmelding`
 *   (`application/jwt`, the signed SBD) and `dokumentpakke` (`application/cms`, at most
 *   100 MiB); 200 `{"messageId": "…"}` once stored.
 * - `GET /dpi/messages/out/{messageId}/statuses`: `[{status, beskrivelse?, timestamp}]`, oldest first.
 * - `GET /dpi/messages/in[?avsenderidentifikator=&kanal=]`: the caller's unread receipts, oldest
 *   first, at most 100: `[{forretningsmelding, downloadurl: null}]`.
 * - `POST /dpi/messages/in/{messageId}/read`: marks a receipt read (200; 404 for another's or none).
 *
 * @see design "The real wire model"; spec `krr-dpi-esign.md` §2
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { bearerSecurity, getMaskinportenToken, requireScopes } from '../../platform/auth/index.ts';
import { problemResponse } from '../../platform/http/problem.ts';
import type { Platform } from '../../platform/platform.ts';
import { digitalpostError } from '../errors.ts';
import { acceptMessage, MAX_DOKUMENTPAKKE_BYTES, MAX_FORRETNINGSMELDING_BYTES, MAX_KANAL_LENGTH } from './accept-message.ts';
import { DPI_SCOPE } from './checks/check-maskinportentoken.ts';
import { listStatuses, listUnreadReceipts, markRead, MAX_RECEIPTS_PER_CALL } from './queues.ts';

/** Base path of the corner-2 API. */
export const DPI_PATH = '/dpi';

/** Most bytes of a refused upload's body read and dropped before the connection is closed. */
const DISCARD_MAX_BYTES = 32 * 1024 * 1024;

/**
 * A request refused part-way through its body has the rest read and dropped, so a client that
 * sends its whole body before reading the answer gets the error (busboy stops reading, and
 * Node does not drain a body something started on). Past {@link DISCARD_MAX_BYTES} the
 * connection is closed instead.
 */
function discardRestOfBody(request: FastifyRequest): void {
  const raw = request.raw;
  if (raw.readableEnded || raw.destroyed) return;
  raw.unpipe();
  let dropped = 0;
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_MAX_BYTES) raw.destroy();
  });
  raw.resume();
}

/** The media type of a part, lower case, without parameters. */
function mediaType(value: string | undefined): string {
  return (value ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** Reads a file part whole, refusing more than `max` bytes. */
async function readPart(stream: AsyncIterable<Buffer>, max: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

const PARTS = {
  forretningsmelding: 'application/jwt',
  dokumentpakke: 'application/cms',
} as const;

/**
 * Reads the two parts of `POST /messages/out`.
 *
 * @throws AppError `DIGITALPOST_MULTIPART_INVALID` (400), `DIGITALPOST_PACKAGE_TOO_LARGE` (413)
 */
async function readMessageParts(request: FastifyRequest): Promise<{ forretningsmelding: string; dokumentpakke: Buffer }> {
  if (!request.isMultipart()) throw digitalpostError('DIGITALPOST_MULTIPART_INVALID', 'POST /messages/out takes multipart/form-data with the parts forretningsmelding and dokumentpakke');
  const got: Partial<Record<keyof typeof PARTS, Buffer>> = {};
  for await (const part of request.parts()) {
    const name = part.fieldname as keyof typeof PARTS;
    if (!(name in PARTS)) throw digitalpostError('DIGITALPOST_MULTIPART_INVALID', `Unknown part ${JSON.stringify(part.fieldname.slice(0, 50))}; the parts are forretningsmelding and dokumentpakke`);
    if (got[name] !== undefined) throw digitalpostError('DIGITALPOST_MULTIPART_INVALID', `The part ${name} is given twice`);
    if (mediaType(part.mimetype) !== PARTS[name]) {
      throw digitalpostError('DIGITALPOST_MULTIPART_INVALID', `The part ${name} must have Content-Type ${PARTS[name]}, not ${JSON.stringify(String(part.mimetype).slice(0, 100))}`);
    }
    if (part.type === 'file') {
      got[name] =
        name === 'dokumentpakke'
          ? await readPart(part.file, MAX_DOKUMENTPAKKE_BYTES, () => digitalpostError('DIGITALPOST_PACKAGE_TOO_LARGE', `The dokumentpakke is larger than ${MAX_DOKUMENTPAKKE_BYTES} bytes (100 MiB)`))
          : await readPart(part.file, MAX_FORRETNINGSMELDING_BYTES, () => digitalpostError('DIGITALPOST_MULTIPART_INVALID', `The forretningsmelding is larger than ${MAX_FORRETNINGSMELDING_BYTES} bytes`));
    } else {
      if (name === 'dokumentpakke') throw digitalpostError('DIGITALPOST_MULTIPART_INVALID', 'The dokumentpakke must be a file part (binary CMS)');
      got[name] = Buffer.from(String(part.value), 'utf8');
    }
  }
  if (!got.forretningsmelding) throw digitalpostError('DIGITALPOST_MULTIPART_INVALID', 'Missing the part forretningsmelding (application/jwt)');
  if (!got.dokumentpakke) throw digitalpostError('DIGITALPOST_MULTIPART_INVALID', 'Missing the part dokumentpakke (application/cms)');
  return { forretningsmelding: got.forretningsmelding.toString('utf8').trim(), dokumentpakke: got.dokumentpakke };
}

const messageIdParams = { type: 'object', properties: { messageId: { type: 'string', maxLength: 100 } }, required: ['messageId'] } as const;

/**
 * The request body of `POST /messages/out` as the OpenAPI document shows it. For the docs only
 * (added by the route's `swaggerTransform`): Fastify does not validate a multipart body against
 * a schema (`@fastify/multipart` streams the parts); `readMessageParts` checks them.
 */
const MESSAGE_OUT_BODY_DOC = {
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['forretningsmelding', 'dokumentpakke'],
        properties: {
          forretningsmelding: {
            type: 'string',
            contentMediaType: 'application/jwt',
            description:
              'Content-Type `application/jwt`, filename `sbd.jwt`: the SBD `{"standardBusinessDocument": {…}}` (type `digital` or `utskrift`, Digdir’s schemas innbyggerpost_dpi_digital_1_0 / _utskrift_1_0) as a compact JWS, RS256, header `x5c` = the sender’s enterprise certificate. At most 1 MiB. No string in it may hold a control character (a `varslingstekst` may hold tab, LF and CR LF).',
          },
          dokumentpakke: {
            type: 'string',
            format: 'binary',
            contentMediaType: 'application/cms',
            description:
              'Content-Type `application/cms`, filename `asic.cms`: the ASiC-E as CMS EnvelopedData (DER) encrypted to the receiving provider’s certificate in KRR; its SHA-256 is the SBD’s `dokumentpakkefingeravtrykk`. At most 100 MiB.',
          },
        },
      },
    },
  },
} as const;

/** Error answers shared by the routes (RFC 9457 problem+json with `code`). */
const PROBLEMS = {
  401: problemResponse('No, invalid or expired bearer token: AUTH_TOKEN_MISSING, AUTH_TOKEN_INVALID, AUTH_TOKEN_EXPIRED'),
  403: problemResponse('The token lacks digitalpostinnbygger:send: AUTH_INSUFFICIENT_SCOPE (`requiredScopes`)'),
} as const;

/** One transport status (`GET /messages/out/{messageId}/statuses`). */
const statusSchema = {
  type: 'object',
  required: ['status', 'timestamp'],
  properties: {
    status: { type: 'string', enum: ['OPPRETTET', 'SENDT', 'FEILET'] },
    beskrivelse: { type: 'string', description: 'Left out when there is none' },
    timestamp: { type: 'string', format: 'date-time', description: 'ISO 8601 with the Europe/Oslo offset and milliseconds, e.g. 2024-05-01T12:00:00.123+02:00' },
  },
  additionalProperties: false,
} as const;

/** One receipt (`GET /messages/in`). */
const receiptSchema = {
  type: 'object',
  required: ['forretningsmelding', 'downloadurl'],
  properties: {
    forretningsmelding: {
      type: 'string',
      description:
        'The receipt SBD (leveringskvittering, aapningskvittering, varslingfeiletkvittering, mottakskvittering, returpostkvittering or feil) as a compact JWS signed by the provider (`x5c`)',
    },
    downloadurl: { type: 'null', description: 'Always null: receipts carry no package' },
  },
  additionalProperties: false,
} as const;

/**
 * Registers the corner-2 routes under {@link DPI_PATH}.
 *
 * @param app the component's (encapsulated) Fastify context
 */
export async function corner2Routes(app: FastifyInstance, platform: Platform): Promise<void> {
  const auth = { onRequest: requireScopes(platform, [DPI_SCOPE]) };
  const doc = (summary: string, description?: string) => ({ tags: ['dpi'], summary, ...(description ? { description } : {}), ...bearerSecurity([DPI_SCOPE]) });

  await app.register(async (child) => {
    await child.register(multipart, {
      // Part counts are checked by readMessageParts (a precise error); these are only a backstop.
      limits: { fileSize: MAX_DOKUMENTPAKKE_BYTES + 1, files: 10, fields: 10, parts: 10, fieldSize: MAX_FORRETNINGSMELDING_BYTES, headerPairs: 100 },
      throwFileSizeLimit: false,
    });
    child.addHook('onError', async (request) => discardRestOfBody(request));
    child.post<{ Querystring: { kanal?: string } }>(
      `${DPI_PATH}/messages/out`,
      {
        ...auth,
        // The multipart body is documented, not validated (see MESSAGE_OUT_BODY_DOC).
        config: { swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, body: MESSAGE_OUT_BODY_DOC }, url }) },
        schema: {
          ...doc(
            'Send a DPI message (digital or utskrift)',
            'multipart/form-data: part `forretningsmelding` (application/jwt, the SBD signed as JWS RS256 with x5c) and part `dokumentpakke` (application/cms, the ASiC-E as CMS EnvelopedData, at most 100 MiB). Every check runs before anything is stored.',
          ),
          querystring: { type: 'object', properties: { kanal: { type: 'string', minLength: 1, maxLength: MAX_KANAL_LENGTH } }, additionalProperties: false },
          response: {
            200: {
              description: 'Accepted and stored; the receiving provider processes it next (statuses OPPRETTET, SENDT)',
              type: 'object',
              required: ['messageId'],
              properties: { messageId: { type: 'string', description: 'The SBD’s documentIdentification.instanceIdentifier, lower case' } },
              additionalProperties: false,
            },
            400: problemResponse(
              'A check failed, nothing stored: DIGITALPOST_MULTIPART_INVALID, DIGITALPOST_JWS_INVALID, DIGITALPOST_MESSAGE_TYPE_UNSUPPORTED, DIGITALPOST_SBD_INVALID (every problem in `errors: [{path, message}]`), DIGITALPOST_ADDRESS_INVALID (`errors`), DIGITALPOST_SIGNER_NOT_SENDER, DIGITALPOST_MASKINPORTENTOKEN_INVALID, DIGITALPOST_MASKINPORTENTOKEN_EXPIRED, DIGITALPOST_MASKINPORTENTOKEN_SCOPE, DIGITALPOST_MASKINPORTENTOKEN_NOT_SENDER, DIGITALPOST_FINGERPRINT_MISMATCH, DIGITALPOST_RECEIVER_UNKNOWN, DIGITALPOST_CMS_INVALID, DIGITALPOST_CMS_WRONG_RECIPIENT, PLATFORM_VALIDATION_FAILED (kanal)',
            ),
            401: PROBLEMS[401],
            403: problemResponse('AUTH_INSUFFICIENT_SCOPE (`requiredScopes`); DIGITALPOST_SENDER_NOT_CALLER: the SBD’s sender is not the token’s organisation'),
            409: problemResponse('DIGITALPOST_MESSAGE_EXISTS: a message with this messageId was sent before'),
            413: problemResponse('DIGITALPOST_PACKAGE_TOO_LARGE: the dokumentpakke is larger than 100 MiB'),
          },
        },
      },
      async (request) => {
        const { forretningsmelding, dokumentpakke } = await readMessageParts(request);
        const token = getMaskinportenToken(request);
        return acceptMessage(platform, { consumerOrgnr: token.consumerOrgno, scopes: token.scopes, forretningsmelding, dokumentpakke, kanal: request.query.kanal ?? null });
      },
    );
  });

  app.get<{ Params: { messageId: string } }>(
    `${DPI_PATH}/messages/out/:messageId/statuses`,
    {
      ...auth,
      schema: {
        ...doc('Transport statuses of a sent message (OPPRETTET, SENDT, FEILET), oldest first'),
        params: messageIdParams,
        response: {
          200: { description: 'The statuses, oldest first', type: 'array', items: statusSchema },
          400: problemResponse('PLATFORM_VALIDATION_FAILED: messageId longer than 100 characters'),
          ...PROBLEMS,
          404: problemResponse('DIGITALPOST_MESSAGE_NOT_FOUND: the caller sent no such message'),
        },
      },
    },
    async (request) => listStatuses(platform.db, getMaskinportenToken(request).consumerOrgno, request.params.messageId),
  );

  app.get<{ Querystring: { avsenderidentifikator?: string; kanal?: string } }>(
    `${DPI_PATH}/messages/in`,
    {
      ...auth,
      schema: {
        ...doc('The caller’s unread receipts (oldest first, at most 100)', 'Each item is `{forretningsmelding: <receipt SBD as JWS signed by the provider>, downloadurl: null}`. Filters: avsenderidentifikator, kanal.'),
        querystring: {
          type: 'object',
          properties: {
            avsenderidentifikator: { type: 'string', maxLength: 100, description: 'Only receipts of messages sent with this avsenderidentifikator; empty = no filter' },
            kanal: { type: 'string', maxLength: MAX_KANAL_LENGTH, description: 'Only receipts of messages sent with this kanal; empty = no filter' },
          },
          additionalProperties: false,
        },
        response: {
          200: { description: 'The caller’s unread receipts, oldest first, at most 100', type: 'array', maxItems: MAX_RECEIPTS_PER_CALL, items: receiptSchema },
          400: problemResponse('PLATFORM_VALIDATION_FAILED: an unknown query parameter or a value too long'),
          ...PROBLEMS,
        },
      },
    },
    async (request) =>
      listUnreadReceipts(platform.db, getMaskinportenToken(request).consumerOrgno, {
        avsenderidentifikator: request.query.avsenderidentifikator,
        kanal: request.query.kanal,
        limit: MAX_RECEIPTS_PER_CALL,
      }),
  );

  app.post<{ Params: { messageId: string } }>(
    `${DPI_PATH}/messages/in/:messageId/read`,
    {
      ...auth,
      schema: {
        ...doc('Mark a receipt read (it is not listed again)'),
        params: messageIdParams,
        response: {
          200: { description: 'Marked read (again too); no body', type: 'null' },
          400: problemResponse('PLATFORM_VALIDATION_FAILED: messageId longer than 100 characters'),
          ...PROBLEMS,
          404: problemResponse('DIGITALPOST_MESSAGE_NOT_FOUND: the caller has no receipt with this id'),
        },
      },
    },
    async (request, reply) => {
      await markRead(platform.db, getMaskinportenToken(request).consumerOrgno, request.params.messageId);
      return reply.code(200).send();
    },
  );
}
