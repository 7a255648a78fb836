/**
 * Test helper: every row of the Maskinporten registry's tables, in a fixed order, so a test can
 * assert that a refused request changed nothing. Not for product code.
 */
import type { Database } from '../../platform/db/database.ts';
import { maskinportenDb } from '../store/db.ts';

/** The registry's tables and their key columns (the order rows are listed in). */
const TABLES = {
  maskinporten_clients: ['client_id'],
  maskinporten_client_keys: ['kid'],
  maskinporten_scopes: ['name'],
  maskinporten_scope_prefixes: ['prefix'],
  maskinporten_scope_access: ['scope', 'consumer_orgno'],
  maskinporten_delegations: ['scope', 'consumer_orgno', 'supplier_orgno'],
} as const;

/** Every row of the registry tables (times as numbers, so both engines compare alike). */
export async function registrySnapshot(db: Database): Promise<Record<string, unknown[]>> {
  const k = maskinportenDb(db);
  const snapshot: Record<string, unknown[]> = {};
  for (const [table, keys] of Object.entries(TABLES)) {
    let q = k.selectFrom(table as keyof typeof TABLES).selectAll();
    for (const key of keys) q = q.orderBy(key as never);
    const rows = (await q.execute()) as Record<string, unknown>[];
    snapshot[table] = rows.map((row) => Object.fromEntries(Object.entries(row).map(([c, v]) => [c, typeof v === 'bigint' ? Number(v) : v])));
  }
  return snapshot;
}
