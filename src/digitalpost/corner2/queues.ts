/**
 * What a sender reads back from corner 2: the transport statuses of its messages, and the
 * receipts the providers issued for it (unread until it marks them read).
 */
import type { Database } from '../../platform/db/database.ts';
import { digitalpostError } from '../errors.ts';
import { digitalpostDb } from '../store/digitalpost-store.ts';
import type { TransportStatus } from '../store/tables.ts';
import { osloDateTime } from './oslo-time.ts';

/** Most receipts one `GET /messages/in` returns (the oldest unread ones; the client asks again for more). */
export const MAX_RECEIPTS_PER_CALL = 100;

/** One status as `GET /messages/out/{messageId}/statuses` answers it. */
export interface StatusJson {
  status: TransportStatus;
  /** Left out when there is none. */
  beskrivelse?: string;
  /** ISO 8601 with the Oslo offset, milliseconds. */
  timestamp: string;
}

/** One receipt as `GET /messages/in` answers it. */
export interface ReceiptJson {
  /** The receipt SBD, a compact JWS signed by the provider. */
  forretningsmelding: string;
  /** Always null: receipts carry no package. */
  downloadurl: null;
}

const STATUS_ORDER: Readonly<Record<TransportStatus, number>> = { OPPRETTET: 0, SENDT: 1, FEILET: 2 };

/**
 * The statuses of a message the caller sent, oldest first.
 *
 * @param consumerOrgnr the caller (the token's consumer)
 * @throws AppError `DIGITALPOST_MESSAGE_NOT_FOUND` (404) when the caller sent no such message
 */
export async function listStatuses(db: Database, consumerOrgnr: string, messageId: string): Promise<StatusJson[]> {
  const k = digitalpostDb(db);
  const id = messageId.toLowerCase();
  const message = await k.selectFrom('digitalpost_messages').select('message_id').where('message_id', '=', id).where('consumer_orgnr', '=', consumerOrgnr).executeTakeFirst();
  if (!message) throw digitalpostError('DIGITALPOST_MESSAGE_NOT_FOUND', `No message ${messageId.slice(0, 100)} sent by 0192:${consumerOrgnr}`);
  const rows = await k.selectFrom('digitalpost_message_statuses').selectAll().where('message_id', '=', id).execute();
  rows.sort((a, b) => Number(a.timestamp) - Number(b.timestamp) || STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
  return rows.map((r) => ({ status: r.status, ...(r.beskrivelse === null ? {} : { beskrivelse: r.beskrivelse }), timestamp: osloDateTime(Number(r.timestamp)) }));
}

/**
 * The caller's unread receipts, oldest first.
 *
 * @param filters `avsenderidentifikator` and `kanal`: when given, only receipts of messages sent
 *   with that value; when not given or empty (`?avsenderidentifikator=`), every receipt (no
 *   message is stored with an empty value: an empty `avsenderidentifikator` is read as none, and
 *   `kanal` has at least one character)
 */
export async function listUnreadReceipts(db: Database, consumerOrgnr: string, filters: { avsenderidentifikator?: string; kanal?: string; limit: number }): Promise<ReceiptJson[]> {
  let query = digitalpostDb(db).selectFrom('digitalpost_receipts').select(['forretningsmelding']).where('receiver_orgnr', '=', consumerOrgnr).where('read', '=', 0);
  if (filters.avsenderidentifikator) query = query.where('avsenderidentifikator', '=', filters.avsenderidentifikator);
  if (filters.kanal) query = query.where('kanal', '=', filters.kanal);
  const rows = await query.orderBy('created_at').orderBy('message_id').limit(filters.limit).execute();
  return rows.map((r) => ({ forretningsmelding: r.forretningsmelding, downloadurl: null }));
}

/**
 * Marks a receipt of the caller read (again is fine).
 *
 * @param messageId the receipt's own id (its SBD's `instanceIdentifier`)
 * @throws AppError `DIGITALPOST_MESSAGE_NOT_FOUND` (404) when the caller has no such receipt
 */
export async function markRead(db: Database, consumerOrgnr: string, messageId: string): Promise<void> {
  const k = digitalpostDb(db);
  const id = messageId.toLowerCase();
  const result = await k.updateTable('digitalpost_receipts').set({ read: 1 }).where('message_id', '=', id).where('receiver_orgnr', '=', consumerOrgnr).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw digitalpostError('DIGITALPOST_MESSAGE_NOT_FOUND', `No receipt ${messageId.slice(0, 100)} for 0192:${consumerOrgnr}`);
}
