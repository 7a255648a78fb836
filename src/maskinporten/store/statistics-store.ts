/**
 * Maskinporten's figures for the platform's usage statistics (the statistics page, issue 8):
 * the registered clients per organisation, now. A gauge, counted live from the client register.
 */
import type { Database } from '../../platform/db/database.ts';
import { maskinportenDb } from './db.ts';

/**
 * Active (not deleted) Maskinporten clients per owning organisation (`client_orgno`), now.
 *
 * @returns one entry per organisation with at least one client, by orgnr
 */
export async function countMaskinportenClientsByOrganisation(db: Database): Promise<Array<{ orgnr: string; clients: number }>> {
  const rows = await maskinportenDb(db)
    .selectFrom('maskinporten_clients')
    .select(['client_orgno', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('active', '=', 1)
    .groupBy('client_orgno')
    .orderBy('client_orgno')
    .execute();
  return rows.map((r) => ({ orgnr: r.client_orgno, clients: Number(r.n) }));
}
