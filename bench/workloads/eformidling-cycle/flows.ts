/**
 * The message cycle of `eformidling-cycle`, as a flow of lib/flow-driver.ts. Each virtual client
 * is both an agency's archive system sending and another's receiving, and one flow (a *cycle*)
 * is, over HTTP with keep-alive:
 *
 * - **ours:** `POST /eformidling/api/messages/out/multipart` as the sender (the SBD part and one
 *   10 KB file: create, attach and send in one request, as a client with files ≤ 5 MiB does it;
 *   the alternative, create + `PUT` + send, is three requests) → `GET /messages/in/peek` as the
 *   receiver, again after 10, 20, 40, 80, 100, 100 … ms while it answers 204 (nothing delivered yet,
 *   a client backing off as an idle integration-point client does) →
 *   `GET /messages/in/pop/{messageId}` (the ASiC-E: read whole, checked to be a ZIP of the
 *   announced length with `META-INF/signatures.xml`) → `DELETE /messages/in/{messageId}`. The
 *   cycle counts when the delete answers 200. The peek takes the oldest delivered message, so a
 *   client usually receives another client's message; in the steady state every client has
 *   one message in flight and the time of a cycle is about a message's time from send to delete.
 * - **peer:** `POST /cycle` with the 10 KB payload (insert, claim, delete in the peer's process;
 *   see peer.ts), answered with the claimed 10 KB.
 *
 * Requests go through `node:http` with one keep-alive agent per server (the flow browser only
 * posts forms), counted in the browser's `requests` for the harness's HTTP requests per flow.
 * A request on a reused socket that the server had just closed (ECONNRESET before any answer) is
 * sent once more on a new socket, as Node's docs advise.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FlowContext, FlowDriver } from '../../lib/flow-driver.ts';
import type { PreflightResponse, Side } from '../../lib/workload.ts';
import { arkivmeldingSbd, ASICE_MIME_TYPE, multipartMessage, PAYLOAD, type OursDetails, type PeerDetails } from './messages.ts';

/** Give up on a cycle whose message was not delivered within this long. */
const DELIVERY_TIMEOUT_MS = 30_000;
/** First and longest wait between empty peeks, in ms. */
const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 100;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const agents = new Map<string, Agent>();

function agentFor(origin: string): Agent {
  let agent = agents.get(origin);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 1024 });
    agents.set(origin, agent);
  }
  return agent;
}

/** One request; `body` parts are written in order. Retries once on a reset reused socket. */
async function send(ctx: FlowContext, method: string, path: string, headers: Record<string, string>, body?: { parts: Buffer[]; length: number }): Promise<Answer> {
  const origin = new URL(ctx.origin);
  const attempt = (retry: boolean): Promise<Answer> =>
    new Promise((resolve, reject) => {
      ctx.browser.requests++;
      const req = httpRequest(
        {
          agent: agentFor(ctx.origin),
          host: origin.hostname,
          port: origin.port,
          method,
          path,
          headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (c: Buffer) => chunks.push(c));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
          incoming.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (retry && req.reusedSocket && err.code === 'ECONNRESET') attempt(false).then(resolve, reject);
        else reject(err);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`no answer within 30 s: ${method} ${path}`)));
      if (body) for (const part of body.parts) req.write(part);
      req.end();
    });
  return attempt(true);
}

function expect(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status} (expected ${status}): ${answer.body.toString('utf8').slice(0, 300)}`);
  return answer;
}

/** An answer as the workload's `verify` takes it. */
function preflight(answer: Answer): PreflightResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return { status: answer.status, headers, body: answer.body.toString('utf8') };
}

/** Checks a popped ASiC-E cheaply (the signature is verified once, in ours' self-check). */
function checkAsice(pop: Answer): void {
  const type = pop.headers['content-type'];
  if (type !== ASICE_MIME_TYPE) throw new Error(`pop: content-type ${type}, expected ${ASICE_MIME_TYPE}`);
  if (String(pop.body.length) !== pop.headers['content-length']) throw new Error(`pop: ${pop.body.length} bytes, content-length ${pop.headers['content-length']}`);
  if (pop.body.readUInt32LE(0) !== 0x04034b50) throw new Error('pop: not a ZIP archive');
  if (!pop.body.includes('META-INF/signatures.xml', 0, 'latin1')) throw new Error('pop: no META-INF/signatures.xml in the ASiC-E');
  if (pop.body.length < PAYLOAD.length) throw new Error(`pop: ${pop.body.length} bytes, fewer than the ${PAYLOAD.length}-byte payload`);
}

async function oursCycle(ctx: FlowContext): Promise<PreflightResponse> {
  const d = ctx.details as OursDetails;
  const sender = { authorization: `Bearer ${d.tokens.sender}` };
  const receiver = { authorization: `Bearer ${d.tokens.receiver}` };
  const message = multipartMessage(arkivmeldingSbd(d.sbd));
  expect(await send(ctx, 'POST', `${d.basePath}/messages/out/multipart`, { ...sender, 'content-type': message.contentType }, message), 200, 'create and send');

  const peekPath = `${d.basePath}/messages/in/peek`;
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  let peek = await send(ctx, 'GET', peekPath, receiver);
  for (let wait = POLL_FIRST_MS; peek.status === 204; wait = Math.min(POLL_MAX_MS, wait * 2)) {
    if (Date.now() > deadline) throw new Error(`peek: nothing delivered within ${DELIVERY_TIMEOUT_MS / 1000} s`);
    await sleep(wait);
    peek = await send(ctx, 'GET', peekPath, receiver);
  }
  expect(peek, 200, 'peek');
  const sbd = JSON.parse(peek.body.toString('utf8')) as { standardBusinessDocumentHeader?: { documentIdentification?: { instanceIdentifier?: string } } };
  const messageId = sbd.standardBusinessDocumentHeader?.documentIdentification?.instanceIdentifier;
  if (typeof messageId !== 'string') throw new Error(`peek: no messageId in ${peek.body.toString('utf8').slice(0, 300)}`);

  checkAsice(expect(await send(ctx, 'GET', `${d.basePath}/messages/in/pop/${messageId}`, receiver), 200, 'pop'));
  return preflight(expect(await send(ctx, 'DELETE', `${d.basePath}/messages/in/${messageId}`, receiver), 200, 'delete'));
}

async function peerCycle(ctx: FlowContext): Promise<PreflightResponse> {
  const d = ctx.details as PeerDetails;
  const answer = expect(await send(ctx, 'POST', d.path, { 'content-type': 'application/octet-stream' }, { parts: [PAYLOAD], length: PAYLOAD.length }), 200, 'cycle');
  if (answer.body.length !== PAYLOAD.length) throw new Error(`cycle: ${answer.body.length} bytes back, expected ${PAYLOAD.length}`);
  return preflight(answer);
}

/** The message cycle (see the file header). */
export const messageCycle: FlowDriver = {
  unit: 'cycles',
  run: (side: Side, ctx: FlowContext) => (side === 'ours' ? oursCycle(ctx) : peerCycle(ctx)),
};
