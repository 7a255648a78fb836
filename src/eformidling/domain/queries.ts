/**
 * The Next Move API's list queries: outgoing and incoming messages, statuses and conversations
 * of one organisation, with the integration point's filters and Spring paging (`page` from 0,
 * `size` default 10, `sort=property,asc|desc`).
 *
 * @see NextMove REST Docs 2.0.8 ("Find incoming messages", "Message statuses", "Conversations")
 */
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { eformidlingError } from '../errors.ts';
import { eformidlingDb } from '../store/eformidling-store.ts';
import type { Direction, MessageRow, StatusRow } from '../store/tables.ts';
import { isMessageStatus } from './statuses.ts';
import { conversationJson, springPage, statusJson, type PageRequest } from './wire.ts';

/** Largest page size. */
export const MAX_PAGE_SIZE = 1000;
/** Default page size (`@PageableDefault`). */
export const DEFAULT_PAGE_SIZE = 10;

function bad(message: string) {
  return eformidlingError('EFORMIDLING_INVALID_PARAMETER', message);
}

/** Query parameters as Fastify gives them. */
export type Query = Record<string, string | undefined>;

/** Sort properties each list accepts → column. */
type SortMap = Record<string, string>;

interface ParsedPage extends PageRequest {
  orderBy: string;
  descending: boolean;
}

function intParam(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw bad(`${name}: '${raw.slice(0, 20)}' is not a whole number of at most 15 digits`);
  const value = Number(raw);
  if (value < min || value > max) throw bad(`${name}: must be between ${min} and ${max}`);
  return value;
}

/**
 * Parses `page` (from 0), `size` (1–{@link MAX_PAGE_SIZE}, default {@link DEFAULT_PAGE_SIZE}) and
 * `sort`; page and size out of range are clamped as Spring Data does.
 *
 * @throws AppError `EFORMIDLING_INVALID_PARAMETER` (400) for an unknown sort property or direction
 */
export function parsePage(query: Query, sorts: SortMap, defaultColumn: string, defaultDescending = false): ParsedPage {
  // As Spring Data's PageableHandlerMethodArgumentResolver: a page that is not a number or is
  // negative is page 0; a size that is not a number or below 1 is the default; above the maximum,
  // the maximum.
  const rawPage = /^-?\d{1,15}$/.test(query.page ?? '') ? Number(query.page) : 0;
  const page = Math.min(Math.max(rawPage, 0), 1_000_000);
  const rawSize = /^-?\d{1,15}$/.test(query.size ?? '') ? Number(query.size) : DEFAULT_PAGE_SIZE;
  const size = rawSize < 1 ? DEFAULT_PAGE_SIZE : Math.min(rawSize, MAX_PAGE_SIZE);
  const sort = query.sort;
  if (sort === undefined || sort === '') return { page, size, sorted: false, orderBy: defaultColumn, descending: defaultDescending };
  const [property, direction = 'asc'] = sort.split(',');
  const column = sorts[property!];
  if (!column) throw bad(`sort: unknown property '${property!.slice(0, 50)}'; one of ${Object.keys(sorts).join(', ')}`);
  if (direction.toLowerCase() !== 'asc' && direction.toLowerCase() !== 'desc') throw bad(`sort: direction must be asc or desc`);
  return { page, size, sorted: true, orderBy: column, descending: direction.toLowerCase() === 'desc' };
}

function dateTimeParam(query: Query, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw bad(`${name}: '${raw.slice(0, 40)}' is not an ISO-8601 date-time with offset`);
  return ms;
}

const MESSAGE_FILTERS: Record<string, keyof MessageRow> = {
  messageId: 'message_id',
  conversationId: 'conversation_id',
  receiverIdentifier: 'receiver_identifier',
  senderIdentifier: 'sender_identifier',
  serviceIdentifier: 'service_identifier',
  process: 'process_identifier',
  processIdentifier: 'process_identifier',
};

/** The equality filters of the message lists and peek, from query parameters. */
export function messageFilters(query: Query): Partial<Record<keyof MessageRow, string>> {
  const filters: Partial<Record<keyof MessageRow, string>> = {};
  for (const [param, column] of Object.entries(MESSAGE_FILTERS)) {
    const value = query[param];
    if (value !== undefined && value !== '') filters[column] = column === 'message_id' || column === 'conversation_id' ? value.toLowerCase() : value;
  }
  return filters;
}

const MESSAGE_SORTS: SortMap = { lastUpdated: 'last_update', lastUpdate: 'last_update', created: 'created_at', id: 'id' };

/**
 * `GET /api/messages/out` or `/api/messages/in`: the organisation's messages of one direction
 * as a page of SBDs. Outgoing lists every message not deleted; incoming lists the queue (not
 * yet deleted by the receiver).
 */
export async function listMessages(db: Database, orgnr: string, direction: Direction, query: Query) {
  const page = parsePage(query, MESSAGE_SORTS, 'id');
  const k = eformidlingDb(db);
  let base = k.selectFrom('eformidling_messages').where('orgnr', '=', orgnr).where('direction', '=', direction);
  if (direction === 'INCOMING') base = base.where('state', '=', 'QUEUED');
  for (const [column, value] of Object.entries(messageFilters(query))) base = base.where(column as 'message_id', '=', value!);
  const [{ n }] = (await base.select(sql<number>`count(*)`.as('n')).execute()) as [{ n: number }];
  const rows = await base
    .select('sbd')
    .orderBy(page.orderBy as 'id', page.descending ? 'desc' : 'asc')
    .orderBy('id')
    .limit(page.size)
    .offset(page.page * page.size)
    .execute();
  return springPage(
    rows.map((r) => JSON.parse(r.sbd) as unknown),
    Number(n),
    page,
  );
}

const STATUS_SORTS: SortMap = { id: 's.id', lastUpdate: 's.last_update' };

/**
 * `GET /api/statuses` (filters `id`, `messageId`, `conversationId`, `status`,
 * `serviceIdentifier`, `fromDateTime`, `toDateTime`) of the organisation, sorted by id.
 *
 * @throws AppError `EFORMIDLING_INVALID_PARAMETER` (400) for a bad status or date-time
 */
export async function listStatuses(db: Database, orgnr: string, query: Query) {
  const page = parsePage(query, STATUS_SORTS, 's.id');
  const k = eformidlingDb(db);
  let base = k
    .selectFrom('eformidling_statuses as s')
    .innerJoin('eformidling_messages as m', (j) => j.onRef('m.message_id', '=', 's.message_id').onRef('m.direction', '=', 's.direction'))
    .where('s.orgnr', '=', orgnr);
  if (query.id !== undefined && query.id !== '') base = base.where('s.id', '=', intParam(query, 'id', 0, 0, Number.MAX_SAFE_INTEGER));
  if (query.messageId) base = base.where('s.message_id', '=', query.messageId.toLowerCase());
  if (query.conversationId) base = base.where('s.conversation_id', '=', query.conversationId.toLowerCase());
  if (query.status) {
    const statuses = query.status.split(',');
    for (const s of statuses) if (!isMessageStatus(s)) throw bad(`status: '${s.slice(0, 40)}' is not a message status`);
    base = base.where('s.status', 'in', statuses);
  }
  if (query.serviceIdentifier) base = base.where('m.service_identifier', '=', query.serviceIdentifier);
  const from = dateTimeParam(query, 'fromDateTime');
  const to = dateTimeParam(query, 'toDateTime');
  if (from !== undefined) base = base.where('s.last_update', '>=', from);
  if (to !== undefined) base = base.where('s.last_update', '<=', to);
  const [{ n }] = (await base.select(sql<number>`count(*)`.as('n')).execute()) as [{ n: number }];
  const rows = await base
    .selectAll('s')
    .select('m.id as conv_id')
    .orderBy(page.orderBy as 's.id', page.descending ? 'desc' : 'asc')
    .orderBy('s.id')
    .limit(page.size)
    .offset(page.page * page.size)
    .execute();
  return springPage(
    rows.map((r) => statusJson(r as StatusRow, Number((r as { conv_id: number }).conv_id))),
    Number(n),
    page,
  );
}

/** One status of the organisation by its id, or 404. */
export async function getStatus(db: Database, orgnr: string, id: number) {
  const row = await eformidlingDb(db)
    .selectFrom('eformidling_statuses as s')
    .innerJoin('eformidling_messages as m', (j) => j.onRef('m.message_id', '=', 's.message_id').onRef('m.direction', '=', 's.direction'))
    .selectAll('s')
    .select('m.id as conv_id')
    .where('s.orgnr', '=', orgnr)
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) throw eformidlingError('EFORMIDLING_STATUS_NOT_FOUND', `Message status not found for id = ${id}`);
  return statusJson(row as StatusRow, Number(row.conv_id));
}

/** The convId of a status (its message side's row id). */
export async function convIdOf(db: Database, status: StatusRow): Promise<number> {
  const row = await eformidlingDb(db).selectFrom('eformidling_messages').select('id').where('message_id', '=', status.message_id).where('direction', '=', status.direction).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** `DELETE /api/statuses/{id}`: takes the status off the status queue (its history stays). */
export async function dequeueStatus(db: Database, orgnr: string, id: number): Promise<void> {
  const result = await eformidlingDb(db).updateTable('eformidling_statuses').set({ queued: 0 }).where('orgnr', '=', orgnr).where('id', '=', id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw eformidlingError('EFORMIDLING_STATUS_NOT_FOUND', `Message status not found for id = ${id}`);
}

const CONVERSATION_FILTERS: Record<string, keyof MessageRow> = {
  messageId: 'message_id',
  conversationId: 'conversation_id',
  senderIdentifier: 'sender_identifier',
  receiverIdentifier: 'receiver_identifier',
  processIdentifier: 'process_identifier',
  serviceIdentifier: 'service_identifier',
  direction: 'direction',
};
const CONVERSATION_SORTS: SortMap = { lastUpdate: 'last_update', id: 'id' };

async function withStatuses(db: Database, rows: MessageRow[]) {
  if (rows.length === 0) return [];
  const statuses = await eformidlingDb(db)
    .selectFrom('eformidling_statuses')
    .selectAll()
    .where(
      'message_id',
      'in',
      rows.map((r) => r.message_id),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => conversationJson(r, statuses.filter((s) => s.message_id === r.message_id && s.direction === r.direction)));
}

/**
 * `GET /api/conversations` (filters above plus `finished=true|false`) or, with `queueOnly`,
 * `GET /api/conversations/queue` (not finished). Sorted by `lastUpdate` desc unless `sort`
 * says otherwise. Drafts (never sent) are not conversations yet.
 */
export async function listConversations(db: Database, orgnr: string, query: Query, queueOnly: boolean) {
  const page = parsePage(query, CONVERSATION_SORTS, 'last_update', true);
  let base = eformidlingDb(db).selectFrom('eformidling_messages').where('orgnr', '=', orgnr).where('state', '!=', 'DRAFT');
  for (const [param, column] of Object.entries(CONVERSATION_FILTERS)) {
    const value = query[param];
    if (value !== undefined && value !== '') base = base.where(column as 'message_id', '=', column.endsWith('_id') ? value.toLowerCase() : value);
  }
  if (queueOnly) base = base.where('finished', '=', 0);
  else if (query.finished === 'true' || query.finished === 'false') base = base.where('finished', '=', query.finished === 'true' ? 1 : 0);
  else if (query.finished !== undefined && query.finished !== '') throw bad('finished: must be true or false');
  const [{ n }] = (await base.select(sql<number>`count(*)`.as('n')).execute()) as [{ n: number }];
  const rows = (await base
    .selectAll()
    .orderBy(page.orderBy as 'id', page.descending ? 'desc' : 'asc')
    .orderBy('id', 'desc')
    .limit(page.size)
    .offset(page.page * page.size)
    .execute()) as MessageRow[];
  return springPage(await withStatuses(db, rows), Number(n), page);
}

/** One conversation of the organisation by `id` or by `messageId`, or 404. */
export async function getConversation(db: Database, orgnr: string, key: { id?: number; messageId?: string }) {
  let query = eformidlingDb(db).selectFrom('eformidling_messages').selectAll().where('orgnr', '=', orgnr).where('state', '!=', 'DRAFT');
  query = key.id !== undefined ? query.where('id', '=', key.id) : query.where('message_id', '=', (key.messageId ?? '').toLowerCase());
  const rows = (await query.orderBy('id').execute()) as MessageRow[];
  if (rows.length === 0) {
    throw eformidlingError('EFORMIDLING_CONVERSATION_NOT_FOUND', key.id !== undefined ? `Conversation with id = ${key.id} was not found` : `Conversation with messageId = ${key.messageId?.slice(0, 64)} was not found`);
  }
  return (await withStatuses(db, rows.slice(0, 1)))[0]!;
}
