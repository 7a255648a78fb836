/**
 * The receipts waiting for a sender at corner 2, read by in-process consumers (the hosted
 * eFormidling integration point takes its tenants' receipts from the `digitalpost.receipt` job
 * queue instead of polling `GET /dpi/messages/in`).
 *
 * @see src/digitalpost/README.md "Receipts"
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { digitalpostDb } from '../store/digitalpost-store.ts';
import type { ReceiptRow } from '../store/tables.ts';

/**
 * One receipt by its id (the receipt SBD's `instanceIdentifier`).
 *
 * @returns the row, or undefined
 */
export async function findReceipt(db: Database | Kysely<any>, messageId: string): Promise<ReceiptRow | undefined> {
  return digitalpostDb(db).selectFrom('digitalpost_receipts').selectAll().where('message_id', '=', messageId.toLowerCase()).executeTakeFirst();
}

/**
 * Marks a receipt read by its receiver, as `POST /messages/in/{messageId}/read` does.
 *
 * @param executor a transaction, so the read mark commits with what the reader did with it
 * @param receiverOrgnr the receipt's receiver (a receipt of someone else is left alone)
 * @returns true when the receipt was unread and is read now
 */
export async function markReceiptRead(executor: Kysely<any>, messageId: string, receiverOrgnr: string): Promise<boolean> {
  const result = await digitalpostDb(executor)
    .updateTable('digitalpost_receipts')
    .set({ read: 1 })
    .where('message_id', '=', messageId.toLowerCase())
    .where('receiver_orgnr', '=', receiverOrgnr)
    .where('read', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The unread receipts about one message for its sender, oldest first (receipts issued in the
 * same transaction share a time and come in the order a sender would see them happen:
 * mottakskvittering, leveringskvittering, varslingfeiletkvittering, aapningskvittering,
 * returpostkvittering, feil).
 *
 * @param executor the database or a transaction
 */
export async function unreadReceiptsAbout(executor: Database | Kysely<any>, refMessageId: string, receiverOrgnr: string): Promise<ReceiptRow[]> {
  const rows = await digitalpostDb(executor)
    .selectFrom('digitalpost_receipts')
    .selectAll()
    .where('ref_message_id', '=', refMessageId.toLowerCase())
    .where('receiver_orgnr', '=', receiverOrgnr)
    .where('read', '=', 0)
    .execute();
  return rows.sort((a, b) => Number(a.created_at) - Number(b.created_at) || rank(a.type) - rank(b.type));
}

const ORDER = ['mottakskvittering', 'leveringskvittering', 'varslingfeiletkvittering', 'aapningskvittering', 'returpostkvittering', 'feil'];

function rank(type: string): number {
  const i = ORDER.indexOf(type);
  return i < 0 ? ORDER.length : i;
}
