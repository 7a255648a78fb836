/**
 * The Next Move API at `/eformidling/api`, as the integration point serves it at `/api`. Every
 * route needs a Maskinporten token with `eformidling:integrasjonspunkt`; the token's consumer is
 * the tenant (the organisation whose messages, queue and statuses are seen).
 *
 * @see specs/eformidling-elma-einnsyn.md §1.1; README.md in this folder
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { bearerSecurity, getMaskinportenToken, requireScopes } from '../../platform/auth/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { eformidlingError } from '../errors.ts';
import { platformError } from '../../platform/errors.ts';
import { filenameKey, IntegrationPoint, MAX_MULTIPART_BYTES, type FileUpload } from '../domain/integration-point.ts';
import { convIdOf, dequeueStatus, parsePage, getConversation, getStatus, listConversations, listMessages, listStatuses, messageFilters, type Query } from '../domain/queries.ts';
import { capabilities, type Caller } from '../domain/routing.ts';
import { EFORMIDLING_SCOPE } from '../domain/scopes.ts';
import { webhookPrivateAddressesAllowed } from '../domain/webhook-policy.ts';
import { createSubscription, deleteSubscriptions, getSubscription, subscriptionJson, updateSubscription } from '../domain/webhooks.ts';
import { springPage, statusJson } from '../domain/wire.ts';
import { takeQueuedStatus, eformidlingDb } from '../store/eformidling-store.ts';
import { prototypeSbd, findProcess } from '../validation/index.ts';
import { nextMoveErrorHandler } from './error-format.ts';

/** Base path of the Next Move API. */
export const NEXTMOVE_PATH = '/eformidling/api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Most bytes of a failed upload's body read and dropped (see {@link discardRestOfBody}). */
const DISCARD_MAX_BYTES = 32 * 1024 * 1024;

/**
 * `onError` of the upload routes: a request refused part-way through its body (a multipart part
 * over 5 MiB, a duplicate filename, a PUT over the limit) has the rest of its body read and
 * dropped, so a client that sends its whole body before it reads the answer gets the error, and
 * the connection serves its next request, as with the real integration point (Spring reads the
 * whole request before it answers). Node drains a body nobody read, but not one that busboy or
 * the upload had started on: that connection would hang until the server's timeouts. Past
 * {@link DISCARD_MAX_BYTES} the connection is closed instead (as Tomcat does past its swallow limit).
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

function callerOf(request: FastifyRequest): Caller {
  const token = getMaskinportenToken(request);
  return { orgnr: token.consumerOrgno, clientId: token.clientId, requestId: String(request.id) };
}

/** `204 No Content` with the integration point's body (most clients drop it). */
function noContent(reply: FastifyReply) {
  return reply.code(204).send();
}

/**
 * Node reads header bytes as Latin-1; clients (curl, Java's HttpClient) send a raw UTF-8 file
 * name. Bytes that are valid UTF-8 are read as UTF-8, anything else stays Latin-1.
 */
function utf8OrLatin1(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  const utf8 = bytes.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(bytes) ? utf8 : value;
}

/**
 * Parses `Content-Disposition` (RFC 6266): `filename*` (RFC 8187, UTF-8) before `filename`;
 * `name` is the title. Quoted and unquoted values.
 */
export function parseContentDisposition(header: string | undefined): { filename?: string; name?: string } {
  if (!header) return {};
  const result: { filename?: string; name?: string } = {};
  const re = /;\s*([a-zA-Z*]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  let star: string | undefined;
  for (const m of `;${header.replace(/^[^;]*/, '')}`.matchAll(re)) {
    const key = m[1]!.toLowerCase();
    const value = utf8OrLatin1(m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!.trim());
    if (key === 'filename*') {
      const ext = /^utf-8''(.*)$/i.exec(value);
      if (ext) {
        try {
          star = decodeURIComponent(ext[1]!);
        } catch {
          /* ignored: falls back to filename */
        }
      }
    } else if (key === 'filename') result.filename = value;
    else if (key === 'name') result.name = value;
  }
  if (star !== undefined) result.filename = star;
  return result;
}

/** Registers the Next Move API. */
export async function nextMoveRoutes(app: FastifyInstance, platform: Platform, ip: IntegrationPoint): Promise<void> {
  app.setErrorHandler(nextMoveErrorHandler);
  const auth = { onRequest: requireScopes(platform, [EFORMIDLING_SCOPE]) };
  const allowPrivate = webhookPrivateAddressesAllowed(platform);
  // GETs that change something (peek locks or dequeues, pop is for a locked message, capabilities
  // logs a KRR lookup) answer no HEAD: a probe must not take a message or a status.
  const noHead = { exposeHeadRoute: false } as const;
  const security = bearerSecurity([EFORMIDLING_SCOPE]);
  const base = NEXTMOVE_PATH;
  const doc = (tag: string, summary: string, description?: string) => ({ tags: [`eformidling-${tag}`], summary, ...(description ? { description } : {}), ...security });
  const messageIdParams = { type: 'object', properties: { messageId: { type: 'string', maxLength: 100 } }, required: ['messageId'] } as const;

  // Outgoing messages
  app.post(`${base}/messages/out`, { ...auth, schema: doc('messages', 'Create an outgoing message (SBD JSON); answers the stored SBD') }, async (request) => {
    const media = request.headers['content-type']?.split(';', 1)[0]!.trim().toLowerCase();
    if (media !== 'application/json' && !media?.endsWith('+json')) throw eformidlingError('EFORMIDLING_INVALID_PARAMETER', 'The SBD must be sent as application/json');
    return (await ip.createMessage(callerOf(request), request.body)).sbd;
  });
  app.get(`${base}/messages/out`, { ...auth, schema: doc('messages', 'Outgoing messages (page of SBDs)', 'Filters: messageId, conversationId, receiverIdentifier, senderIdentifier, serviceIdentifier, processIdentifier; page, size, sort.') }, async (request) =>
    listMessages(platform.db, callerOf(request).orgnr, 'OUTGOING', request.query as Query),
  );
  app.get<{ Params: { messageId: string } }>(`${base}/messages/out/:messageId`, { ...auth, schema: { ...doc('messages', 'One outgoing message (SBD)'), params: messageIdParams } }, async (request) =>
    JSON.parse((await ip.outgoing(callerOf(request), request.params.messageId)).sbd),
  );
  app.delete<{ Params: { messageId: string } }>(`${base}/messages/out/:messageId`, { ...auth, schema: { ...doc('messages', 'Delete an outgoing message that was not sent'), params: messageIdParams } }, async (request, reply) => {
    await ip.deleteOutgoing(callerOf(request), request.params.messageId);
    return reply.code(200).send();
  });
  app.post<{ Params: { messageId: string } }>(
    `${base}/messages/out/:messageId`,
    { ...auth, schema: { ...doc('messages', 'Send a created message'), params: messageIdParams } },
    async (request, reply) => {
      await ip.sendMessage(callerOf(request), request.params.messageId);
      return reply.code(200).send();
    },
  );

  // File upload (raw body, streamed) in its own context: no body parser reads it first.
  await app.register(async (child) => {
    child.removeAllContentTypeParsers();
    child.addHook('onError', async (request) => discardRestOfBody(request));
    child.addContentTypeParser('*', (_request, _payload, done) => done(null));
    child.put<{ Params: { messageId: string }; Querystring: { title?: string } }>(
      `${base}/messages/out/:messageId`,
      {
        ...auth,
        schema: {
          ...doc('messages', 'Attach a file to a created message (raw body, streamed)', 'Headers Content-Type (the file’s MIME type) and Content-Disposition (`attachment; name=<title>; filename=<file name>`) are required; `?title=` overrides the title.'),
          params: messageIdParams,
        },
      },
      async (request, reply) => {
        const contentType = request.headers['content-type'];
        if (!contentType) throw eformidlingError('EFORMIDLING_MISSING_HTTP_HEADER', "Expected a HTTP header named 'Content-Type'");
        const disposition = parseContentDisposition(request.headers['content-disposition']);
        if (disposition.filename === undefined) throw eformidlingError('EFORMIDLING_MISSING_HTTP_HEADER', "Expected a HTTP header named 'Content-Disposition' with a filename");
        const file: FileUpload = { filename: disposition.filename, mimeType: contentType.slice(0, 255), title: request.query.title ?? disposition.name ?? null };
        await ip.attachFile(callerOf(request), request.params.messageId, file, request.raw.iterator({ destroyOnReturn: false }), ip.options.maxFileBytes, false);
        return reply.code(200).send();
      },
    );
  });

  // Create and send in one multipart request.
  await app.register(async (child) => {
    // preservePath: a name with a path is refused (as on PUT), not cut to its last segment.
    await child.register(multipart, { preservePath: true, limits: { fileSize: MAX_MULTIPART_BYTES * 2, files: 100, fields: 10, fieldSize: 1024 * 1024, parts: 110 } });
    child.addHook('onError', async (request) => discardRestOfBody(request));
    child.post(
      `${base}/messages/out/multipart`,
      { ...auth, schema: doc('messages', 'Create and send a message in one multipart/form-data request', 'Part `sbd`: the SBD JSON; every other part a file (part name = title, filename = name in the ASiC-E), at most 5 MiB each.') },
      async (request) => {
        if (!request.isMultipart()) throw platformError('PLATFORM_UNSUPPORTED_MEDIA_TYPE', 'This endpoint takes multipart/form-data');
        let sbd: unknown;
        const early: Array<{ file: FileUpload; data: Buffer }> = [];
        const parts = request.parts();
        const iterator = parts[Symbol.asyncIterator]();
        // Files before the sbd part are held in memory (each ≤ 5 MiB); the rest stream.
        for (;;) {
          const { value: part, done } = await iterator.next();
          if (done) break;
          if (part.fieldname === 'sbd') {
            // @fastify/multipart parses a field sent as application/json itself.
            if (part.type === 'field' && part.value !== null && typeof part.value === 'object') sbd = part.value;
            else {
              const text = part.type === 'file' ? (await part.toBuffer()).toString('utf8') : String(part.value);
              try {
                sbd = JSON.parse(text);
              } catch {
                throw eformidlingError('EFORMIDLING_INVALID_MULTIPART', 'The sbd part is not valid JSON');
              }
            }
            break;
          }
          if (part.type !== 'file') throw eformidlingError('EFORMIDLING_INVALID_MULTIPART', `Part '${part.fieldname.slice(0, 50)}' is not a file: every part but sbd must be a file`);
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const c of part.file) {
            size += c.length;
            if (size > MAX_MULTIPART_BYTES) {
              throw eformidlingError(
                'EFORMIDLING_MULTIPART_FILE_TOO_LARGE',
                `The attachment named '${part.filename}' is too large. The maximum size for multipart requests is ${MAX_MULTIPART_BYTES} bytes. Please use the non-multipart API to avoid such problems.`,
              );
            }
            chunks.push(c);
          }
          early.push({ file: { filename: part.filename, mimeType: part.mimetype, title: part.fieldname }, data: Buffer.concat(chunks) });
        }
        if (sbd === undefined) throw eformidlingError('EFORMIDLING_INVALID_MULTIPART', 'Missing the part named sbd');
        const names = new Set<string>();
        async function* all(): AsyncGenerator<{ file: FileUpload; body: AsyncIterable<Uint8Array> }> {
          for (const e of early) {
            if (names.has(filenameKey(e.file.filename))) throw eformidlingError('EFORMIDLING_DUPLICATE_FILENAME', `Filename already exists in message: ${e.file.filename}.`);
            names.add(filenameKey(e.file.filename));
            yield { file: e.file, body: (async function* () { yield e.data; })() };
          }
          for (;;) {
            const { value: part, done } = await iterator.next();
            if (done) return;
            if (part.type !== 'file') throw eformidlingError('EFORMIDLING_INVALID_MULTIPART', `Part '${part.fieldname.slice(0, 50)}' is not a file: every part but sbd must be a file`);
            if (names.has(filenameKey(part.filename))) throw eformidlingError('EFORMIDLING_DUPLICATE_FILENAME', `Filename already exists in message: ${part.filename}.`);
            names.add(filenameKey(part.filename));
            yield { file: { filename: part.filename, mimeType: part.mimetype, title: part.fieldname }, body: part.file };
          }
        }
        return ip.createAndSend(callerOf(request), sbd, all());
      },
    );
  });

  // Incoming messages
  app.get(`${base}/messages/in`, { ...auth, schema: doc('messages', 'The incoming queue (page of SBDs)', 'Filters: messageId, conversationId, receiverIdentifier, senderIdentifier, serviceIdentifier, process; page, size, sort.') }, async (request) =>
    listMessages(platform.db, callerOf(request).orgnr, 'INCOMING', request.query as Query),
  );
  app.get(`${base}/messages/in/peek`, { ...auth, ...noHead, schema: doc('messages', 'Lock and return the oldest incoming message (204 when none)') }, async (request, reply) => {
    const sbd = await ip.peek(callerOf(request), messageFilters(request.query as Query));
    return sbd === null ? noContent(reply) : sbd;
  });
  app.get<{ Params: { messageId: string } }>(
    `${base}/messages/in/pop/:messageId`,
    { ...auth, ...noHead, schema: { ...doc('messages', 'The ASiC-E of a locked incoming message (application/vnd.etsi.asic-e+zip)'), params: messageIdParams } },
    async (request, reply) => {
      const { size, stream } = await ip.pop(callerOf(request), request.params.messageId);
      return reply
        .header('content-type', 'application/vnd.etsi.asic-e+zip')
        .header('content-disposition', 'attachment; filename=asic.zip')
        .header('content-length', String(size))
        .send(Readable.from(stream));
    },
  );
  app.delete<{ Params: { messageId: string } }>(
    `${base}/messages/in/:messageId`,
    { ...auth, schema: { ...doc('messages', 'Acknowledge (delete) a locked incoming message; answers its SBD'), params: messageIdParams } },
    async (request) => ip.deleteIncoming(callerOf(request), request.params.messageId),
  );

  // Statuses
  app.get(`${base}/statuses`, { ...auth, schema: doc('statuses', 'Statuses of the organisation’s messages (page, sorted by id)', 'Filters: id, messageId, conversationId, status (comma-separated), serviceIdentifier, fromDateTime, toDateTime (ISO-8601).') }, async (request) =>
    listStatuses(platform.db, callerOf(request).orgnr, request.query as Query),
  );
  app.get(`${base}/statuses/peek`, { ...auth, ...noHead, schema: doc('statuses', 'Take the oldest status off the status queue (204 when empty)') }, async (request, reply) => {
    const row = await takeQueuedStatus(platform.db, callerOf(request).orgnr);
    if (!row) return noContent(reply);
    return statusJson(row, await convIdOf(platform.db, row));
  });
  app.get<{ Params: { key: string } }>(
    `${base}/statuses/:key`,
    { ...auth, schema: { ...doc('statuses', 'Statuses of one message (messageId: page) or one status (numeric id)'), params: { type: 'object', properties: { key: { type: 'string', maxLength: 100 } } } } },
    async (request) => {
      const { key } = request.params;
      const orgnr = callerOf(request).orgnr;
      if (/^\d{1,15}$/.test(key)) return getStatus(platform.db, orgnr, Number(key));
      if (!UUID.test(key)) throw eformidlingError('EFORMIDLING_INVALID_PARAMETER', 'Expected a messageId (UUID) or a status id');
      return listStatuses(platform.db, orgnr, { ...(request.query as Query), messageId: key });
    },
  );
  app.delete<{ Params: { id: string } }>(`${base}/statuses/:id`, { ...auth, schema: doc('statuses', 'Take a status off the status queue (its history stays)') }, async (request, reply) => {
    if (!/^\d{1,15}$/.test(request.params.id)) throw eformidlingError('EFORMIDLING_INVALID_PARAMETER', 'id: not a status id');
    await dequeueStatus(platform.db, callerOf(request).orgnr, Number(request.params.id));
    return reply.code(200).send();
  });

  // Conversations
  app.get(`${base}/conversations`, { ...auth, schema: doc('conversations', 'Conversations (page, lastUpdate desc)', 'Filters: messageId, conversationId, senderIdentifier, receiverIdentifier, processIdentifier, serviceIdentifier, direction, finished.') }, async (request) =>
    listConversations(platform.db, callerOf(request).orgnr, request.query as Query, false),
  );
  app.get(`${base}/conversations/queue`, { ...auth, schema: doc('conversations', 'Conversations not finished yet') }, async (request) =>
    listConversations(platform.db, callerOf(request).orgnr, request.query as Query, true),
  );
  app.get<{ Params: { messageId: string } }>(`${base}/conversations/messageId/:messageId`, { ...auth, schema: { ...doc('conversations', 'The conversation of a message'), params: messageIdParams } }, async (request) =>
    getConversation(platform.db, callerOf(request).orgnr, { messageId: request.params.messageId }),
  );
  app.get<{ Params: { id: string } }>(`${base}/conversations/:id`, { ...auth, schema: doc('conversations', 'One conversation by id') }, async (request) => {
    if (!/^\d{1,15}$/.test(request.params.id)) throw eformidlingError('EFORMIDLING_CONVERSATION_NOT_FOUND', 'Conversation with id = (not a number) was not found');
    return getConversation(platform.db, callerOf(request).orgnr, { id: Number(request.params.id) });
  });

  // Capabilities and prototypes
  app.get<{ Params: { receiver: string }; Querystring: { process?: string; securityLevel?: string } }>(
    `${base}/capabilities/:receiver`,
    { ...auth, ...noHead, schema: doc('capabilities', 'What a receiver (0192:orgnr, orgnr or fødselsnummer) can receive', 'From ELMA (organisations) and KRR (citizens; the lookup is logged in KRR). Query: process, securityLevel (1–4).') },
    async (request) => {
      const level = request.query.securityLevel;
      if (level !== undefined && !/^[1-4]$/.test(level)) throw eformidlingError('EFORMIDLING_INVALID_PARAMETER', 'securityLevel: must be 1, 2, 3 or 4');
      return { capabilities: await capabilities(platform, callerOf(request), request.params.receiver, { process: request.query.process }) };
    },
  );
  app.get<{ Params: { capability: string }; Querystring: { standard?: string; receiverIdentifier?: string } }>(
    `${base}/prototype/:capability`,
    { ...auth, schema: doc('capabilities', 'A prefilled SBD for a process (the capability’s `process`)', 'Query: standard (document type; default the process’s first), receiverIdentifier. The sender is the caller.') },
    async (request) => {
      const info = findProcess(request.params.capability);
      if (!info) throw eformidlingError('EFORMIDLING_PROTOTYPE_NOT_FOUND', `No prototype for capability ${request.params.capability.slice(0, 200)}`);
      const standard = request.query.standard ?? info.documentTypes[0]!.standard;
      if (!info.documentTypes.some((d) => d.standard === standard)) throw eformidlingError('EFORMIDLING_PROTOTYPE_NOT_FOUND', `The process ${info.process} has no document type ${standard.slice(0, 200)}`);
      return prototypeSbd({ process: info.process, standard, sender: `0192:${callerOf(request).orgnr}`, receiver: request.query.receiverIdentifier });
    },
  );

  // Webhook subscriptions
  const idOf = (raw: string): number => {
    if (!/^\d{1,15}$/.test(raw)) throw eformidlingError('EFORMIDLING_SUBSCRIPTION_NOT_FOUND', 'Subscription with id = (not a number) was not found');
    return Number(raw);
  };
  app.get(`${base}/subscriptions`, { ...auth, schema: doc('subscriptions', 'Webhook subscriptions (page)') }, async (request) => {
    const page = parsePage(request.query as Query, { id: 'id', name: 'name' }, 'id');
    const k = eformidlingDb(platform.db);
    const orgnr = callerOf(request).orgnr;
    const all = await k.selectFrom('eformidling_subscriptions').selectAll().where('orgnr', '=', orgnr).orderBy(page.orderBy as 'id', page.descending ? 'desc' : 'asc').execute();
    return springPage(all.slice(page.page * page.size, (page.page + 1) * page.size).map(subscriptionJson), all.length, page);
  });
  app.get<{ Params: { id: string } }>(`${base}/subscriptions/:id`, { ...auth, schema: doc('subscriptions', 'One subscription') }, async (request) =>
    subscriptionJson(await getSubscription(platform.db, callerOf(request).orgnr, idOf(request.params.id))),
  );
  app.post(`${base}/subscriptions`, { ...auth, schema: doc('subscriptions', 'Create a subscription (after a ping to pushEndpoint)', 'Body: {name, pushEndpoint, resource: all|messages, event: all|status, filter?: "status=…&direction=…&serviceIdentifier=…"}.') }, async (request) => {
    const orgnr = callerOf(request).orgnr;
    const created = await createSubscription(platform.db, orgnr, request.body, { allowPrivate });
    ip.subscriptions.invalidate(orgnr);
    return created;
  });
  app.put<{ Params: { id: string } }>(`${base}/subscriptions/:id`, { ...auth, schema: doc('subscriptions', 'Replace a subscription') }, async (request, reply) => {
    await updateSubscription(platform.db, callerOf(request).orgnr, idOf(request.params.id), request.body, { allowPrivate });
    ip.subscriptions.invalidate(callerOf(request).orgnr);
    return reply.code(200).send();
  });
  app.delete<{ Params: { id: string } }>(`${base}/subscriptions/:id`, { ...auth, schema: doc('subscriptions', 'Delete a subscription') }, async (request, reply) => {
    await deleteSubscriptions(platform.db, callerOf(request).orgnr, idOf(request.params.id));
    ip.subscriptions.invalidate(callerOf(request).orgnr);
    return reply.code(200).send();
  });
  app.delete(`${base}/subscriptions`, { ...auth, schema: doc('subscriptions', 'Delete every subscription of the organisation') }, async (request, reply) => {
    await deleteSubscriptions(platform.db, callerOf(request).orgnr);
    ip.subscriptions.invalidate(callerOf(request).orgnr);
    return reply.code(200).send();
  });
}
