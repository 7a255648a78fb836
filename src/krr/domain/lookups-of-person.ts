/**
 * "Which organisations looked me up, and when": the audit log seen from one person, for
 * MinProfil (beyond what the real register offers; issue #5 item 4).
 */
import type { Database } from '../../platform/db/database.ts';
import { krrDb, listLookupsOfPerson } from '../store/krr-store.ts';

/** One lookup of the person. */
export interface LookupOfPerson {
  lookupId: string;
  /** Epoch ms. */
  lookedUpAt: number;
  /** Organisasjonsnummer of the organisation that looked the person up (the token's consumer). */
  consumerOrgno: string;
  /** The supplier that made the call for the consumer, on delegated tokens. */
  supplierOrgno?: string;
  clientId: string;
  /** Scopes used, e.g. `['krr:global/kontaktinformasjon.read']`. */
  scopes: string[];
  endpoint: string;
}

/** Options of {@link listLookupsOf}. */
export interface ListLookupsOptions {
  /** Only lookups at or after this epoch ms. */
  since?: number;
  /** At most this many, newest first (default 100, at most 1000). */
  limit?: number;
}

/**
 * The lookups of one person, newest first.
 *
 * @param personidentifikator the person's fødselsnummer or D-number (not checked: a malformed
 *   one simply has no lookups)
 */
export async function listLookupsOf(db: Database, personidentifikator: string, options: ListLookupsOptions = {}): Promise<LookupOfPerson[]> {
  const limit = Math.max(1, Math.min(1000, Math.floor(options.limit ?? 100)));
  const rows = await listLookupsOfPerson(krrDb(db), personidentifikator, { limit, ...(options.since === undefined ? {} : { since: options.since }) });
  return rows.map((r) => ({
    lookupId: r.lookup_id,
    lookedUpAt: r.looked_up_at,
    consumerOrgno: r.consumer_orgno,
    ...(r.supplier_orgno === null ? {} : { supplierOrgno: r.supplier_orgno }),
    clientId: r.client_id,
    scopes: r.scope.split(' ').filter((s) => s.length > 0),
    endpoint: r.endpoint,
  }));
}
