/**
 * Webhook subscriptions (`/api/subscriptions`) and their events: every status change of a
 * tenant's messages (an incoming message is the status event `INNKOMMENDE_MOTTATT` with
 * `direction: INCOMING`) is POSTed as JSON to each matching subscription's `pushEndpoint`.
 *
 * Events are durable jobs (`eformidling.webhook`) enqueued in the transaction that records the
 * status, tried up to 4 times (the integration point: "retried three times"), then dropped.
 * A subscription is created only after a `ping` event to its endpoint answers 2xx.
 *
 * @see NextMove REST Docs "Webhook subscriptions", "Webhook events"
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Job, JobQueue } from '../../platform/jobs/job-queue.ts';
import { PermanentJobError } from '../../platform/jobs/job-queue.ts';
import type { Database } from '../../platform/db/database.ts';
import { eformidlingError } from '../errors.ts';
import { eformidlingDb, type EformidlingTrx } from '../store/eformidling-store.ts';
import type { MessageRow, StatusRow, SubscriptionRow } from '../store/tables.ts';
import { isMessageStatus } from './statuses.ts';
import { osloDateTime } from './wire.ts';

/** Job queue of webhook events. */
export const WEBHOOK_QUEUE = 'eformidling.webhook';
/** Tries per event (first + three retries). */
export const WEBHOOK_ATTEMPTS = 4;
/** Time allowed for a push endpoint to answer (ms). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

const RESOURCES = ['all', 'messages'];
const EVENTS = ['all', 'status'];
const FILTER_KEYS = ['status', 'serviceIdentifier', 'direction'] as const;
const SERVICE_IDENTIFIERS = ['DPO', 'DPV', 'DPI', 'DPF', 'DPFIO', 'DPE', 'DPH', 'UNKNOWN'];
const DIRECTIONS = ['INCOMING', 'OUTGOING'];

/**
 * Addresses that are not on the public internet (RFC 6890 special-purpose ranges: loopback,
 * private, CGNAT, link-local incl. cloud metadata, benchmarking, multicast, reserved; IPv6
 * loopback, unique-local, link-local, multicast).
 */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) NON_PUBLIC.addSubnet(net, prefix, 'ipv6');

/** True when an IP address (v4, v6, or v4-mapped v6) is not a public one. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NON_PUBLIC.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Refuses a push endpoint whose host resolves to a non-public address, unless allowed.
 *
 * @returns a problem text, or null when the endpoint may be used
 */
export async function pushTargetProblem(pushEndpoint: string, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const host = new URL(pushEndpoint).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `its host ${host.slice(0, 100)} does not resolve`;
  }
  const bad = addresses.find(isNonPublicAddress);
  return bad === undefined ? null : `it resolves to a loopback, private or link-local address, which this Grunnmur does not push to (EFORMIDLING_WEBHOOK_PRIVATE_ADDRESSES)`;
}

/** A subscription as the API answers and takes it. */
export interface SubscriptionJson {
  id?: number;
  name: string;
  pushEndpoint: string;
  resource: string;
  event: string;
  filter?: string;
}

/** A parsed filter: key → allowed values. */
type Filter = Partial<Record<(typeof FILTER_KEYS)[number], string[]>>;

function invalid(message: string) {
  return eformidlingError('EFORMIDLING_INVALID_SUBSCRIPTION', message);
}

/**
 * Parses `status=FEIL,LEVETID_UTLOPT&direction=INCOMING&serviceIdentifier=DPO,DPI`.
 *
 * @throws AppError `EFORMIDLING_INVALID_SUBSCRIPTION` (400): `Unknown filter name: x.`, or a value outside its list
 */
export function parseFilter(filter: string | undefined | null): Filter {
  const result: Filter = {};
  if (filter === undefined || filter === null || filter === '') return result;
  for (const clause of filter.split('&')) {
    const eq = clause.indexOf('=');
    if (eq <= 0) throw invalid(`filter: '${clause.slice(0, 50)}' is not name=value`);
    const name = clause.slice(0, eq);
    if (!(FILTER_KEYS as readonly string[]).includes(name)) throw invalid(`Unknown filter name: ${name.slice(0, 50)}.`);
    const values = clause.slice(eq + 1).split(',').filter((v) => v !== '');
    if (values.length === 0) throw invalid(`filter: ${name} has no value`);
    const allowed = name === 'status' ? null : name === 'direction' ? DIRECTIONS : SERVICE_IDENTIFIERS;
    for (const value of values) {
      if (allowed ? !allowed.includes(value) : !isMessageStatus(value)) throw invalid(`filter: '${value.slice(0, 50)}' is not a valid ${name}`);
    }
    result[name as keyof Filter] = values;
  }
  return result;
}

/**
 * Checks a subscription body.
 *
 * @throws AppError `EFORMIDLING_INVALID_SUBSCRIPTION` (400) naming the field, as the integration
 *   point's constraint messages do (`event: 'x' is not expected. Allowed values are: [all, status]`)
 */
export function checkSubscription(body: unknown): SubscriptionJson {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('The body must be a JSON object');
  const b = body as Record<string, unknown>;
  const text = (field: string, max: number): string => {
    const value = b[field];
    if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field}: must not be null`);
    if (value.length > max) throw invalid(`${field}: longer than ${max} characters`);
    return value;
  };
  const name = text('name', 200);
  const pushEndpoint = text('pushEndpoint', 2000);
  let url: URL;
  try {
    url = new URL(pushEndpoint);
  } catch {
    throw invalid('pushEndpoint: must be a valid URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) throw invalid('pushEndpoint: must be an http(s) URL without credentials');
  const oneOf = (field: string, allowed: string[]): string => {
    const value = b[field];
    if (typeof value !== 'string') throw invalid(`${field}: must not be null`);
    if (!allowed.includes(value)) throw invalid(`${field}: '${value.slice(0, 50)}' is not expected. Allowed values are: [${allowed.join(', ')}]`);
    return value;
  };
  const resource = oneOf('resource', RESOURCES);
  const event = oneOf('event', EVENTS);
  const filter = b.filter === undefined || b.filter === null || b.filter === '' ? undefined : typeof b.filter === 'string' ? b.filter : undefined;
  if (b.filter !== undefined && b.filter !== null && typeof b.filter !== 'string') throw invalid('filter: must be a string');
  if (filter !== undefined && filter.length > 1000) throw invalid('filter: longer than 1000 characters');
  parseFilter(filter);
  return { name, pushEndpoint, resource, event, ...(filter === undefined ? {} : { filter }) };
}

/** The stored row to its JSON. */
export function subscriptionJson(row: SubscriptionRow): SubscriptionJson {
  return {
    id: Number(row.id),
    name: row.name,
    pushEndpoint: row.push_endpoint,
    resource: row.resource,
    event: row.event,
    ...(row.filter === null ? {} : { filter: row.filter }),
  };
}

/** The status event's body. */
export function statusEvent(side: Pick<MessageRow, 'message_id' | 'conversation_id' | 'direction' | 'service_identifier'>, status: StatusRow) {
  return {
    createdTs: osloDateTime(Number(status.last_update)),
    resource: 'messages',
    event: 'status',
    messageId: side.message_id,
    conversationId: side.conversation_id,
    direction: side.direction,
    serviceIdentifier: side.service_identifier,
    status: status.status,
    ...(status.description === null ? {} : { description: status.description }),
  };
}

function matches(subscription: SubscriptionRow, side: MessageRow, status: StatusRow): boolean {
  const filter = parseFilter(subscription.filter);
  if (filter.status && !filter.status.includes(status.status)) return false;
  if (filter.direction && !filter.direction.includes(side.direction)) return false;
  if (filter.serviceIdentifier && !filter.serviceIdentifier.includes(side.service_identifier)) return false;
  return true;
}

/** How long a process keeps an organisation's subscriptions (ms): another process's change shows within this. */
export const SUBSCRIPTION_CACHE_MS = 1000;

/**
 * The subscriptions of each organisation, read at most once per {@link SUBSCRIPTION_CACHE_MS}
 * (every status would otherwise read them). A change made through this process is seen at once
 * ({@link invalidate}); one made through another process within a second.
 */
export class SubscriptionCache {
  readonly #entries = new Map<string, { at: number; rows: SubscriptionRow[] }>();

  /** The organisation's subscriptions (read through `executor` when not cached). */
  async of(executor: EformidlingTrx | ReturnType<typeof eformidlingDb>, orgnr: string, now = Date.now()): Promise<SubscriptionRow[]> {
    const hit = this.#entries.get(orgnr);
    if (hit && now - hit.at < SUBSCRIPTION_CACHE_MS) return hit.rows;
    const rows = await executor.selectFrom('eformidling_subscriptions').selectAll().where('orgnr', '=', orgnr).execute();
    if (this.#entries.size > 10_000) this.#entries.clear();
    this.#entries.set(orgnr, { at: now, rows });
    return rows;
  }

  /** Forgets an organisation's entry (after a change through this process). */
  invalidate(orgnr: string): void {
    this.#entries.delete(orgnr);
  }
}

/**
 * Enqueues the status event for every matching subscription of the side's organisation, in the
 * caller's transaction (so an event exists exactly when its status does).
 *
 * @param subscriptions the organisation's subscriptions ({@link SubscriptionCache.of})
 */
export async function enqueueWebhooks(trx: EformidlingTrx, jobs: JobQueue, side: MessageRow, status: StatusRow, subscriptions: readonly SubscriptionRow[]): Promise<void> {
  for (const subscription of subscriptions) {
    if (!matches(subscription, side, status)) continue;
    await jobs.enqueue(
      {
        queue: WEBHOOK_QUEUE,
        payload: { pushEndpoint: subscription.push_endpoint, body: statusEvent(side, status) },
        idempotencyKey: `${WEBHOOK_QUEUE}:${subscription.id}:${status.id}`,
        maxAttempts: WEBHOOK_ATTEMPTS,
      },
      trx,
    );
  }
}

/** POSTs an event; throws on a network failure or a non-2xx answer. */
export async function push(pushEndpoint: string, body: unknown, signal?: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
  const response = await fetch(pushEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=UTF-8', accept: 'application/json;charset=UTF-8' },
    body: JSON.stringify(body),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    redirect: 'manual',
  });
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299) throw new Error(`push endpoint answered ${response.status}`);
}

/**
 * The `eformidling.webhook` job handler. The endpoint's address is checked again at each push
 * (a name may resolve elsewhere than when it was subscribed).
 *
 * @param allowPrivate whether non-public addresses may be pushed to (config)
 */
export function webhookHandler(allowPrivate: boolean) {
  return async (job: Job, ctx: { signal: AbortSignal }): Promise<void> => {
    const payload = job.payload as { pushEndpoint?: unknown; body?: unknown };
    if (typeof payload?.pushEndpoint !== 'string') throw new PermanentJobError('eformidling.webhook: payload without pushEndpoint');
    const problem = await pushTargetProblem(payload.pushEndpoint, allowPrivate);
    if (problem) throw new PermanentJobError(`eformidling.webhook: not pushed: ${problem}`);
    await push(payload.pushEndpoint, payload.body, ctx.signal);
  };
}

/**
 * `POST /api/subscriptions`: pings the endpoint, then stores the subscription.
 *
 * @throws AppError `EFORMIDLING_INVALID_SUBSCRIPTION`, `EFORMIDLING_SUBSCRIPTION_EXISTS`,
 *   `EFORMIDLING_WEBHOOK_PING_FAILED` (400)
 */
export async function createSubscription(db: Database, orgnr: string, body: unknown, options: { allowPrivate: boolean }, now = Date.now()): Promise<SubscriptionJson> {
  const s = checkSubscription(body);
  const target = await pushTargetProblem(s.pushEndpoint, options.allowPrivate);
  if (target) throw invalid(`pushEndpoint: ${target}`);
  const k = eformidlingDb(db);
  const same = await k.selectFrom('eformidling_subscriptions').select('id').where('orgnr', '=', orgnr).where('name', '=', s.name).where('push_endpoint', '=', s.pushEndpoint).executeTakeFirst();
  if (same) throw eformidlingError('EFORMIDLING_SUBSCRIPTION_EXISTS', 'Subscription with same name and push endpoint already exists.');
  try {
    await push(s.pushEndpoint, { createdTs: osloDateTime(now), event: 'ping' });
  } catch (error) {
    throw eformidlingError('EFORMIDLING_WEBHOOK_PING_FAILED', `Ping failed with: ${(error as Error).message.slice(0, 200)}.`);
  }
  const inserted = await k
    .insertInto('eformidling_subscriptions')
    .values({ orgnr, name: s.name, push_endpoint: s.pushEndpoint, resource: s.resource, event: s.event, filter: s.filter ?? null, created_at: now } as SubscriptionRow)
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(inserted.id), ...s };
}

/** A subscription of the organisation, or 404. */
export async function getSubscription(db: Database, orgnr: string, id: number): Promise<SubscriptionRow> {
  const row = await eformidlingDb(db).selectFrom('eformidling_subscriptions').selectAll().where('orgnr', '=', orgnr).where('id', '=', id).executeTakeFirst();
  if (!row) throw eformidlingError('EFORMIDLING_SUBSCRIPTION_NOT_FOUND', `Subscription with id = ${id} was not found`);
  return row;
}

/** `PUT /api/subscriptions/{id}`: replaces the subscription's fields (no ping). */
export async function updateSubscription(db: Database, orgnr: string, id: number, body: unknown, options: { allowPrivate: boolean }): Promise<void> {
  const s = checkSubscription(body);
  const target = await pushTargetProblem(s.pushEndpoint, options.allowPrivate);
  if (target) throw invalid(`pushEndpoint: ${target}`);
  await getSubscription(db, orgnr, id);
  await eformidlingDb(db)
    .updateTable('eformidling_subscriptions')
    .set({ name: s.name, push_endpoint: s.pushEndpoint, resource: s.resource, event: s.event, filter: s.filter ?? null })
    .where('orgnr', '=', orgnr)
    .where('id', '=', id)
    .execute();
}

/** `DELETE /api/subscriptions/{id}` (404 when absent) or, with id undefined, every subscription of the organisation. */
export async function deleteSubscriptions(db: Database, orgnr: string, id?: number): Promise<void> {
  if (id !== undefined) await getSubscription(db, orgnr, id);
  let query = eformidlingDb(db).deleteFrom('eformidling_subscriptions').where('orgnr', '=', orgnr);
  if (id !== undefined) query = query.where('id', '=', id);
  await query.execute();
}
