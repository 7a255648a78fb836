/**
 * Test helper: every row of the ID-porten client registry's tables, in a fixed order, so a test
 * can assert that a refused request changed nothing. Not for product code.
 */
import type { Database } from '../../platform/db/database.ts';
import { idportenDb } from '../store/tables.ts';

/** Every row of `idporten_clients` and `idporten_client_kids` (numbers as numbers, so both engines compare alike). */
export async function clientsSnapshot(db: Database): Promise<Record<string, unknown[]>> {
  const k = idportenDb(db);
  const norm = (rows: Record<string, unknown>[]) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([c, v]) => [c, typeof v === 'bigint' || (typeof v === 'string' && /^(created|last_updated|client_secret_expires_at)$/.test(c)) ? Number(v) : v])));
  return {
    idporten_clients: norm(await k.selectFrom('idporten_clients').selectAll().orderBy('client_id').execute()),
    idporten_client_kids: norm(await k.selectFrom('idporten_client_kids').selectAll().orderBy('kid').execute()),
  };
}
