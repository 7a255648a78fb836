/**
 * Kysely queries of KRR's mailbox-provider API over `krr_persons` and `krr_providers`. No rules
 * here: `domain/postkasse/` decides what a row means.
 */
import type { Engine } from '../../platform/db/database.ts';
import type { KrrDb, KrrPersonRow, KrrProviderRow } from './tables.ts';

/** The columns of a person the mailbox-provider API reads. */
export type PersonPostkasseRow = Pick<
  KrrPersonRow,
  'personidentifikator' | 'status' | 'reservasjon' | 'postkasseadresse' | 'postkasseleverandoeradresse' | 'postkasse_sertifikat' | 'updated_at'
>;

/** The mailbox part of a person row, as written by one operation. */
export type PostkasseColumns = Pick<KrrPersonRow, 'postkasseadresse' | 'postkasseleverandoeradresse' | 'postkasse_sertifikat'>;

/** The provider with this orgnr (any role); undefined when there is none. */
export async function findProvider(db: KrrDb, orgnr: string): Promise<KrrProviderRow | undefined> {
  return db.selectFrom('krr_providers').selectAll().where('orgnr', '=', orgnr).executeTakeFirst();
}

function personQuery(db: KrrDb, personidentifikator: string) {
  return db
    .selectFrom('krr_persons')
    .select(['personidentifikator', 'status', 'reservasjon', 'postkasseadresse', 'postkasseleverandoeradresse', 'postkasse_sertifikat', 'updated_at'])
    .where('personidentifikator', '=', personidentifikator);
}

/**
 * One person's row, read inside a write transaction: on PostgreSQL with `FOR UPDATE`, so two
 * providers writing the same person at once are serialized on the row; SQLite's write
 * transactions (`BEGIN IMMEDIATE`) are serial already.
 */
export async function findPersonForUpdate(trx: KrrDb, engine: Engine, personidentifikator: string): Promise<PersonPostkasseRow | undefined> {
  let query = personQuery(trx, personidentifikator);
  if (engine === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Writes the mailbox columns of one person and sets `updated_at` (epoch ms). */
export async function updatePostkasse(trx: KrrDb, personidentifikator: string, columns: PostkasseColumns, updatedAt: number): Promise<void> {
  await trx
    .updateTable('krr_persons')
    .set({ ...columns, updated_at: updatedAt })
    .where('personidentifikator', '=', personidentifikator)
    .executeTakeFirstOrThrow();
}
