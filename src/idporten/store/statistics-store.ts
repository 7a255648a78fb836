/**
 * ID-porten's figures for the platform's usage statistics (the statistics page, issue 8): the
 * registered clients per organisation, now. A gauge, counted live from the client registry.
 */
import type { Database } from '../../platform/db/database.ts';
import { idportenDb } from './tables.ts';

/**
 * Active (not deleted) ID-porten clients per owning organisation (`client_orgno`), now.
 *
 * @returns one entry per organisation with at least one client, by orgnr
 */
export async function countIdportenClientsByOrganisation(db: Database): Promise<Array<{ orgnr: string; clients: number }>> {
  const rows = await idportenDb(db)
    .selectFrom('idporten_clients')
    .select(['client_orgno', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('active', '=', 1)
    .groupBy('client_orgno')
    .orderBy('client_orgno')
    .execute();
  return rows.map((r) => ({ orgnr: r.client_orgno, clients: Number(r.n) }));
}
