/**
 * Kysely queries of the mailbox pages over the component's letters (`digitalpost_letters`,
 * `digitalpost_documents`) and messages (`digitalpost_messages`). No rules here: the domain
 * decides who sees what.
 */
import type { Kysely } from 'kysely';
import type { DigitalpostTables, DocumentRow, LetterRow, MessageRow } from '../../store/tables.ts';

/** The component's tables, of a database or a transaction on it. */
type Db = Kysely<DigitalpostTables>;

/** A letter as the inbox lists it. */
export type InboxRow = Pick<LetterRow, 'id' | 'sender_name' | 'sender_orgnr' | 'ikkesensitivtittel' | 'spraak' | 'sikkerhetsnivaa' | 'visible_from' | 'opened_at'>;

/**
 * One page of a person's letters visible at `now` (`visible_from <= now`), newest first
 * (`visible_from`, then `id`, descending).
 */
export async function selectInboxPage(db: Db, pid: string, now: number, limit: number, offset: number): Promise<InboxRow[]> {
  return db
    .selectFrom('digitalpost_letters')
    .select(['id', 'sender_name', 'sender_orgnr', 'ikkesensitivtittel', 'spraak', 'sikkerhetsnivaa', 'visible_from', 'opened_at'])
    .where('personidentifikator', '=', pid)
    .where('visible_from', '<=', now)
    .orderBy('visible_from', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** How many of a person's letters are visible at `now`, and how many of those are unopened. */
export async function countInbox(db: Db, pid: string, now: number): Promise<{ total: number; unread: number }> {
  const row = await db
    .selectFrom('digitalpost_letters')
    .select((eb) => [
      eb.fn.countAll().as('total'),
      eb.fn.sum<number | string | null>(eb.case().when('opened_at', 'is', null).then(1).else(0).end()).as('unread'),
    ])
    .where('personidentifikator', '=', pid)
    .where('visible_from', '<=', now)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), unread: Number(row.unread ?? 0) };
}

/** A person's letter by id, if it is visible at `now`. */
export async function selectVisibleLetter(db: Db, pid: string, id: string, now: number): Promise<LetterRow | undefined> {
  return db
    .selectFrom('digitalpost_letters')
    .selectAll()
    .where('id', '=', id)
    .where('personidentifikator', '=', pid)
    .where('visible_from', '<=', now)
    .executeTakeFirst();
}

/** A document's metadata (without its content). */
export type DocumentInfoRow = Omit<DocumentRow, 'content'>;

/** A letter's documents without their content: the main document first, then by position. */
export async function selectDocuments(db: Db, letterId: string): Promise<DocumentInfoRow[]> {
  return db
    .selectFrom('digitalpost_documents')
    .select(['letter_id', 'position', 'filename', 'mime_type', 'tittel', 'hoveddokument', 'size'])
    .where('letter_id', '=', letterId)
    .orderBy('hoveddokument', 'desc')
    .orderBy('position', 'asc')
    .execute();
}

/** One document of a letter, with its content. */
export async function selectDocument(db: Db, letterId: string, position: number): Promise<DocumentRow | undefined> {
  return db.selectFrom('digitalpost_documents').selectAll().where('letter_id', '=', letterId).where('position', '=', position).executeTakeFirst();
}

/**
 * Sets `opened_at` unless it is set: the guard that makes the first opening happen once, also
 * when two requests race (on PostgreSQL the second waits for the first's row lock and then sees
 * `opened_at` set; SQLite runs one writer at a time).
 *
 * @returns true when this call set it
 */
export async function markOpened(db: Db, letterId: string, now: number): Promise<boolean> {
  const result = await db.updateTable('digitalpost_letters').set({ opened_at: now }).where('id', '=', letterId).where('opened_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The DPI message a letter came from. */
export async function selectMessage(db: Db, messageId: string): Promise<Omit<MessageRow, 'dokumentpakke' | 'forretningsmelding'> | undefined> {
  return db
    .selectFrom('digitalpost_messages')
    .select(['message_id', 'conversation_id', 'type', 'sender_orgnr', 'consumer_orgnr', 'receiver_orgnr', 'avsenderidentifikator', 'kanal', 'state', 'eformidling_message_id', 'created_at', 'updated_at'])
    .where('message_id', '=', messageId)
    .executeTakeFirst();
}
