/**
 * Corner 2's messages as in-process callers may read them.
 */
import type { Database } from '../../platform/db/database.ts';
import { digitalpostDb } from '../store/digitalpost-store.ts';
import type { MessageRow } from '../store/tables.ts';

/**
 * Who sent a message corner 2 holds, and for which eFormidling message (the hosted integration
 * point checks, after a `DIGITALPOST_MESSAGE_EXISTS`, that the message is its own re-run).
 *
 * @param messageId the SBD's `instanceIdentifier` (any case)
 * @returns the sender, the eFormidling message id (or null) and the state, or undefined
 */
export async function findDpiMessageOrigin(db: Database, messageId: string): Promise<Pick<MessageRow, 'sender_orgnr' | 'eformidling_message_id' | 'state'> | undefined> {
  return digitalpostDb(db)
    .selectFrom('digitalpost_messages')
    .select(['sender_orgnr', 'eformidling_message_id', 'state'])
    .where('message_id', '=', messageId.toLowerCase())
    .executeTakeFirst();
}
