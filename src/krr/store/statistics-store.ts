/**
 * KRR's figure for the platform's usage statistics (the statistics page, issue 8): how many
 * citizens have a digital mailbox now. A gauge, counted live from the register.
 */
import type { Database } from '../../platform/db/database.ts';
import { krrDb } from './krr-store.ts';

/**
 * The number of citizens with a digital mailbox: persons in the register, `AKTIV`, with a
 * `postkasseadresse` (at any mailbox provider), now.
 */
export async function countDigitalMailboxes(db: Database): Promise<number> {
  const row = await krrDb(db)
    .selectFrom('krr_persons')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', 'AKTIV')
    .where('postkasseadresse', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
