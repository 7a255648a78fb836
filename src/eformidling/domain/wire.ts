/**
 * The Next Move API's JSON shapes: Spring Data's `Page` envelope, `MessageStatus`,
 * `Conversation`, and its date-times (ISO-8601 with the Norwegian offset). Null members are
 * left out, as the integration point's Jackson does.
 *
 * @see NextMove REST Docs 2.0.8 ("Find incoming messages", "Message statuses", "Conversations")
 */
import type { MessageRow, StatusRow } from '../store/tables.ts';

const OSLO = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/**
 * An instant as the integration point writes it: `2019-03-25T12:38:23.123+01:00` (Europe/Oslo
 * offset; milliseconds only when not zero).
 *
 * @param ms epoch milliseconds
 */
export function osloDateTime(ms: number): string {
  const parts: Record<string, string> = {};
  for (const p of OSLO.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName!.slice(3);
  const millis = ms % 1000 === 0 ? '' : `.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${millis}${offset}`;
}

/** Spring's `Sort` object. */
function sortObject(sorted: boolean) {
  return { sorted, unsorted: !sorted, empty: !sorted };
}

/** Paging asked for: 0-based page, size, and whether an explicit sort was given. */
export interface PageRequest {
  page: number;
  size: number;
  sorted: boolean;
}

/**
 * Spring Data's `Page` JSON of one page.
 *
 * @param content the page's items (already mapped)
 * @param total matching items over all pages
 */
export function springPage<T>(content: T[], total: number, request: PageRequest) {
  const totalPages = request.size === 0 ? 1 : Math.ceil(total / request.size);
  return {
    content,
    pageable: {
      sort: sortObject(request.sorted),
      offset: request.page * request.size,
      pageSize: request.size,
      pageNumber: request.page,
      unpaged: false,
      paged: true,
    },
    last: request.page >= totalPages - 1,
    totalElements: total,
    totalPages,
    size: request.size,
    number: request.page,
    sort: sortObject(request.sorted),
    first: request.page === 0,
    numberOfElements: content.length,
    empty: content.length === 0,
  };
}

/** A `MessageStatus` item (`id, lastUpdate, status, description, messageId, conversationId, convId`). */
export function statusJson(row: StatusRow, convId: number) {
  return {
    id: Number(row.id),
    lastUpdate: osloDateTime(Number(row.last_update)),
    status: row.status,
    ...(row.description === null ? {} : { description: row.description }),
    messageId: row.message_id,
    conversationId: row.conversation_id,
    convId,
  };
}

/** A `Conversation` item with its `messageStatuses` (nested items: `id, lastUpdate, status, description`). */
export function conversationJson(row: MessageRow, statuses: StatusRow[]) {
  const sbd = JSON.parse(row.sbd) as Record<string, any>;
  const business = sbd[row.message_type] as Record<string, unknown> | undefined;
  const title = typeof business?.tittel === 'string' ? business.tittel : undefined;
  const scopes = (sbd.standardBusinessDocumentHeader?.businessScope?.scope ?? []) as Array<Record<string, unknown>>;
  const senderRef = scopes.find((s) => s.type === 'SenderRef')?.identifier;
  return {
    id: Number(row.id),
    conversationId: row.conversation_id,
    messageId: row.message_id,
    senderIdentifier: row.sender_identifier,
    receiverIdentifier: row.receiver_identifier,
    processIdentifier: row.process_identifier,
    ...(typeof senderRef === 'string' ? { messageReference: senderRef } : {}),
    ...(title === undefined ? {} : { messageTitle: title }),
    lastUpdate: osloDateTime(Number(row.last_update)),
    finished: Number(row.finished) === 1,
    expiry: osloDateTime(Number(row.expires_at)),
    direction: row.direction,
    serviceIdentifier: row.service_identifier,
    messageStatuses: statuses.map((s) => ({
      id: Number(s.id),
      lastUpdate: osloDateTime(Number(s.last_update)),
      status: s.status,
      ...(s.description === null ? {} : { description: s.description }),
    })),
  };
}
