/**
 * Queries of the eFormidling component. Every multi-step change runs in one transaction given
 * by the caller; statuses are inserted at most once per side of a message (unique key), so a
 * re-run step records nothing twice.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Engine } from '../../platform/db/database.ts';
import type { Direction, EformidlingDb, EformidlingTables, MessageRow, StatusRow } from './tables.ts';

/** The eFormidling tables of a database (or a transaction). */
export function eformidlingDb(db: Database | Kysely<any>): EformidlingDb {
  return ('kysely' in db ? db.kysely : db) as EformidlingDb;
}

/** A transaction over the eFormidling tables. */
export type EformidlingTrx = Transaction<EformidlingTables>;

/**
 * Inserts a message side unless one with the same (message_id, direction) exists.
 *
 * @returns the new row's id, or null when it existed
 */
export async function insertMessageIfAbsent(k: EformidlingDb, row: Omit<MessageRow, 'id'>): Promise<number | null> {
  const inserted = await k
    .insertInto('eformidling_messages')
    .values(row as MessageRow)
    .onConflict((oc) => oc.columns(['message_id', 'direction']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? Number(inserted.id) : null;
}

/** One side of a message of an organisation. */
export async function findMessage(k: EformidlingDb, direction: Direction, orgnr: string, messageId: string): Promise<MessageRow | undefined> {
  return k
    .selectFrom('eformidling_messages')
    .selectAll()
    .where('message_id', '=', messageId)
    .where('direction', '=', direction)
    .where('orgnr', '=', orgnr)
    .executeTakeFirst();
}

/** One side of a message, whoever owns it. */
export async function findMessageSide(k: EformidlingDb, direction: Direction, messageId: string): Promise<MessageRow | undefined> {
  return k.selectFrom('eformidling_messages').selectAll().where('message_id', '=', messageId).where('direction', '=', direction).executeTakeFirst();
}

/**
 * Reads a message row inside a transaction, locking it on PostgreSQL (`FOR UPDATE`); SQLite's
 * `BEGIN IMMEDIATE` already holds the only write lock.
 */
export async function lockMessageRow(trx: EformidlingTrx, engine: Engine, direction: Direction, messageId: string): Promise<MessageRow | undefined> {
  let query = trx.selectFrom('eformidling_messages').selectAll().where('message_id', '=', messageId).where('direction', '=', direction);
  if (engine === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * Records a status of one side of a message (at most once: a repeat changes nothing) and
 * moves the row's `latest_status`, `last_update` and `finished` along.
 *
 * @returns the status row when it was recorded now, null when it was there already
 */
export async function recordStatus(
  trx: EformidlingTrx,
  side: Pick<MessageRow, 'message_id' | 'direction' | 'orgnr' | 'conversation_id'>,
  status: string,
  description: string | null,
  now: number,
  finishes: boolean,
  engine: Engine,
): Promise<StatusRow | null> {
  const row = {
    message_id: side.message_id,
    direction: side.direction,
    orgnr: side.orgnr,
    conversation_id: side.conversation_id,
    status,
    description,
    last_update: now,
    queued: 1,
  };
  if (engine === 'postgres') {
    // One statement: the insert, and the row's move only when the insert happened.
    const { rows } = await sql<{ id: number }>`
      with s as (
        insert into eformidling_statuses (message_id, direction, orgnr, conversation_id, status, description, last_update, queued)
        values (${row.message_id}, ${row.direction}, ${row.orgnr}, ${row.conversation_id}, ${status}, ${description}, ${now}, 1)
        on conflict (message_id, direction, status) do nothing
        returning id
      ), u as (
        update eformidling_messages
        set latest_status = ${status}, last_update = ${now}, finished = case when ${finishes} then 1 else finished end
        where message_id = ${row.message_id} and direction = ${row.direction} and exists (select 1 from s)
      )
      select id from s`.execute(trx);
    return rows[0] ? { ...row, id: Number(rows[0].id) } : null;
  }
  const inserted = await trx
    .insertInto('eformidling_statuses')
    .values(row as StatusRow)
    .onConflict((oc) => oc.columns(['message_id', 'direction', 'status']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  await trx
    .updateTable('eformidling_messages')
    .set({ latest_status: status, last_update: now, ...(finishes ? { finished: 1 } : {}) })
    .where('message_id', '=', side.message_id)
    .where('direction', '=', side.direction)
    .execute();
  return { ...row, id: Number(inserted.id) };
}

/**
 * Locks the oldest queued incoming message of an organisation that no live peek holds (lock
 * expired or never set), until `lockUntil`. One statement on PostgreSQL (`FOR UPDATE SKIP
 * LOCKED`, so two peeks never get one message); a `BEGIN IMMEDIATE` transaction on SQLite.
 *
 * @param filters column equality filters (already checked names)
 * @returns the locked row, or undefined when the queue has nothing to give
 */
export async function claimIncoming(
  db: Database,
  orgnr: string,
  filters: Partial<Pick<MessageRow, 'message_id' | 'conversation_id' | 'sender_identifier' | 'receiver_identifier' | 'service_identifier' | 'process_identifier'>>,
  now: number,
  lockUntil: number,
): Promise<MessageRow | undefined> {
  const k = eformidlingDb(db);
  const candidates = (q: EformidlingDb | EformidlingTrx) => {
    let query = q
      .selectFrom('eformidling_messages')
      .select('id')
      .where('orgnr', '=', orgnr)
      .where('direction', '=', 'INCOMING')
      .where('state', '=', 'QUEUED')
      .where((eb) => eb.or([eb('lock_until', 'is', null), eb('lock_until', '<', now)]));
    for (const [column, value] of Object.entries(filters)) {
      if (value !== undefined) query = query.where(column as 'message_id', '=', value);
    }
    return query.orderBy('id').limit(1);
  };
  if (db.engine === 'postgres') {
    return k
      .updateTable('eformidling_messages')
      .set({ lock_until: lockUntil })
      .where('id', '=', (eb) => eb.selectFrom(candidates(k).forUpdate().skipLocked().as('c')).select('c.id'))
      .returningAll()
      .executeTakeFirst();
  }
  return k.transaction().execute(async (trx) => {
    const first = await candidates(trx).executeTakeFirst();
    if (!first) return undefined;
    return trx.updateTable('eformidling_messages').set({ lock_until: lockUntil }).where('id', '=', first.id).returningAll().executeTakeFirst();
  });
}

/**
 * Takes the oldest status of an organisation's status queue off the queue.
 *
 * @returns the status, or undefined when the queue is empty
 */
export async function takeQueuedStatus(db: Database, orgnr: string): Promise<StatusRow | undefined> {
  const k = eformidlingDb(db);
  const first = (q: EformidlingDb | EformidlingTrx) =>
    q.selectFrom('eformidling_statuses').select('id').where('orgnr', '=', orgnr).where('queued', '=', 1).orderBy('id').limit(1);
  if (db.engine === 'postgres') {
    return k
      .updateTable('eformidling_statuses')
      .set({ queued: 0 })
      .where('id', '=', (eb) => eb.selectFrom(first(k).forUpdate().skipLocked().as('f')).select('f.id'))
      .returningAll()
      .executeTakeFirst();
  }
  return k.transaction().execute(async (trx) => {
    const row = await first(trx).executeTakeFirst();
    if (!row) return undefined;
    return trx.updateTable('eformidling_statuses').set({ queued: 0 }).where('id', '=', row.id).returningAll().executeTakeFirst();
  });
}

/** Deletes every stored byte of an outgoing message's files (chunks) and, with `andFiles`, the file rows. */
export async function deleteFileData(trx: EformidlingTrx | EformidlingDb, messageId: string, andFiles: boolean): Promise<void> {
  await trx.deleteFrom('eformidling_file_chunks').where('message_id', '=', messageId).execute();
  if (andFiles) await trx.deleteFrom('eformidling_files').where('message_id', '=', messageId).execute();
}

/**
 * Reads one file's chunks in order, one query per chunk (memory bounded by the chunk size).
 *
 * @param size the file's size in bytes: exactly `ceil(size / chunkBytes)` chunks are read
 */
export async function* readFileChunks(k: EformidlingDb, messageId: string, position: number, size: number, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const chunks = Math.ceil(size / chunkBytes);
  for (let chunkNo = 0; chunkNo < chunks; chunkNo++) {
    const row = await k
      .selectFrom('eformidling_file_chunks')
      .select('data')
      .where('message_id', '=', messageId)
      .where('position', '=', position)
      .where('chunk_no', '=', chunkNo)
      .executeTakeFirst();
    if (!row) throw new Error(`eformidling: chunk ${chunkNo} of file ${position} of message ${messageId} is missing`);
    yield row.data;
  }
}

/**
 * Reads an incoming message's ASiC-E chunks in order, one query per chunk.
 *
 * @param size the container's size in bytes (`asic_size`)
 */
export async function* readAsicChunks(k: EformidlingDb, messageId: string, size: number, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const chunks = Math.ceil(size / chunkBytes);
  for (let chunkNo = 0; chunkNo < chunks; chunkNo++) {
    const row = await k.selectFrom('eformidling_asic_chunks').select('data').where('message_id', '=', messageId).where('chunk_no', '=', chunkNo).executeTakeFirst();
    if (!row) throw new Error(`eformidling: chunk ${chunkNo} of the ASiC-E of message ${messageId} is missing`);
    yield row.data;
  }
}
