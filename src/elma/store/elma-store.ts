/**
 * Kysely queries over the ELMA tables. No rules here: the domain decides what to write and what
 * an answer means.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { ElmaDb, ElmaDocumentRow, ElmaParticipantRow, ElmaSigningCertificateRow, ElmaTables } from './tables.ts';

/** The ELMA tables of a database, or of a transaction on it. */
export function elmaDb(db: Database | Kysely<any>): ElmaDb {
  return ('kysely' in db ? db.kysely : db) as ElmaDb;
}

/** A participant row, or undefined. */
export async function findParticipant(k: ElmaDb, participantKey: string): Promise<ElmaParticipantRow | undefined> {
  return k.selectFrom('elma_participants').selectAll().where('participant_key', '=', participantKey).executeTakeFirst();
}

/** The participant's document rows, in registration order. */
export async function listDocuments(k: ElmaDb, participantKey: string): Promise<ElmaDocumentRow[]> {
  return k.selectFrom('elma_documents').selectAll().where('participant_key', '=', participantKey).orderBy('position').execute();
}

/** The participant's document identifiers (scheme, value), in registration order. */
export async function listDocumentIdentifiers(k: ElmaDb, participantKey: string): Promise<Array<Pick<ElmaDocumentRow, 'document_scheme' | 'document_value'>>> {
  return k
    .selectFrom('elma_documents')
    .select(['document_scheme', 'document_value'])
    .where('participant_key', '=', participantKey)
    .orderBy('position')
    .execute();
}

/** One document row, or undefined. The value compares case-sensitively on both engines (binary/deterministic collation). */
export async function findDocument(k: ElmaDb, participantKey: string, scheme: string, value: string): Promise<ElmaDocumentRow | undefined> {
  return k
    .selectFrom('elma_documents')
    .selectAll()
    .where('participant_key', '=', participantKey)
    .where('document_scheme', '=', scheme)
    .where('document_value', '=', value)
    .executeTakeFirst();
}

/**
 * Inserts a participant unless one with the key exists.
 *
 * @returns true when inserted
 */
export async function insertParticipantIfAbsent(k: ElmaDb, row: ElmaParticipantRow): Promise<boolean> {
  const inserted = await k.insertInto('elma_participants').values(row).onConflict((oc) => oc.column('participant_key').doNothing()).returning('participant_key').execute();
  return inserted.length > 0;
}

/** Reads a participant row for update (row lock on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers). */
export async function lockParticipant(trx: Kysely<ElmaTables>, participantKey: string, engine: Database['engine']): Promise<ElmaParticipantRow | undefined> {
  const q = trx.selectFrom('elma_participants').selectAll().where('participant_key', '=', participantKey);
  return (engine === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

/** Bumps a participant's version and `updated_at`. */
export async function touchParticipant(trx: Kysely<ElmaTables>, participantKey: string, now: number): Promise<void> {
  await trx
    .updateTable('elma_participants')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
    .where('participant_key', '=', participantKey)
    .execute();
}

/** Replaces every document row of a participant. */
export async function replaceDocuments(trx: Kysely<ElmaTables>, participantKey: string, rows: ElmaDocumentRow[]): Promise<void> {
  await trx.deleteFrom('elma_documents').where('participant_key', '=', participantKey).execute();
  if (rows.length > 0) await trx.insertInto('elma_documents').values(rows).execute();
}

/** Deletes a participant and its documents. */
export async function deleteParticipant(trx: Kysely<ElmaTables>, participantKey: string): Promise<void> {
  await trx.deleteFrom('elma_documents').where('participant_key', '=', participantKey).execute();
  await trx.deleteFrom('elma_participants').where('participant_key', '=', participantKey).execute();
}

/** The signing certificate row, or undefined. */
export async function findSigningCertificate(k: ElmaDb): Promise<ElmaSigningCertificateRow | undefined> {
  return k.selectFrom('elma_signing_certificate').selectAll().where('id', '=', 'smp').executeTakeFirst();
}

/** Inserts the signing certificate unless one exists (a loser's certificate is unused). */
export async function insertSigningCertificateIfAbsent(k: ElmaDb, row: ElmaSigningCertificateRow): Promise<void> {
  await k.insertInto('elma_signing_certificate').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/**
 * Marks the seed as done unless it was.
 *
 * @returns true when this call marked it (the caller seeds); false when it was seeded before
 */
export async function claimSeed(trx: Kysely<ElmaTables>, now: number): Promise<boolean> {
  const rows = await trx.insertInto('elma_seed_state').values({ id: 1, completed_at: now }).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
  return rows.length > 0;
}
