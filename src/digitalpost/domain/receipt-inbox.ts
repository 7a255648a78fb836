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
