/**
 * Kysely queries of KRR's mailbox-provider API over `krr_persons` and `krr_providers`. No rules
 * here: `domain/postkasse/` decides what a row means.
 */
import type { KrrDb, KrrPersonRow, KrrProviderRow } from './tables.ts';

/** The columns of a person the mailbox-provider API reads. */
export type PersonPostkasseRow = Pick<
  KrrPersonRow,
  'personidentifikator' | 'status' | 'reservasjon' | 'postkasseadresse' | 'postkasseleverandoeradresse' | 'postkasse_sertifikat' | 'updated_at'
>;

/** The mailbox part of a person row, as written by one operation. */
export type PostkasseColumns = Pick<KrrPersonRow, 'postkasseadresse' | 'postkasseleverandoeradresse' | 'postkasse_sertifikat'>;

/** Writes the mailbox columns of one person and sets `updated_at` (epoch ms). */
export async function updatePostkasse(trx: KrrDb, personidentifikator: string, columns: PostkasseColumns, updatedAt: number): Promise<void> {
  await trx
    .updateTable('krr_persons')
    .set({ ...columns, updated_at: updatedAt })
    .where('personidentifikator', '=', personidentifikator)
    .executeTakeFirstOrThrow();
}
