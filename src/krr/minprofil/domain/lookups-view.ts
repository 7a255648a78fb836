/**
 * "Who looked me up, and when": the audit log of KRR lookups seen from the citizen, with the
 * organisations' names from Enhetsregisteret when known. Beyond what the real register offers
 * (issue #5 item 4).
 */
import type { Database } from '../../../platform/db/database.ts';
import { listLookupsOf } from '../../domain/lookups-of-person.ts';

/** One lookup as MinProfil shows it. */
export interface LookupView {
  /** Epoch ms. */
  lookedUpAt: number;
  /** The organisation that looked the person up (the token's consumer). */
  orgnr: string;
  /** Its name in Enhetsregisteret, when known. */
  navn: string | null;
  /** The supplier that called for it, on delegated tokens. */
  supplierOrgnr: string | null;
  supplierNavn: string | null;
  /** The KRR scopes used (what the organisation could see). */
  scopes: string[];
}

/** Finds an organisation's name; undefined when unknown or the register cannot answer. */
export type OrganisationNames = (orgnr: string) => Promise<string | undefined>;

/** How many lookups the page shows (newest first). */
export const LOOKUPS_SHOWN = 100;

/**
 * The person's lookups, newest first, at most {@link LOOKUPS_SHOWN}, each organisation named
 * when `names` knows it.
 */
export async function listLookupsForCitizen(db: Database, pid: string, names: OrganisationNames): Promise<LookupView[]> {
  const lookups = await listLookupsOf(db, pid, { limit: LOOKUPS_SHOWN });
  const orgnrs = new Set<string>();
  for (const l of lookups) {
    orgnrs.add(l.consumerOrgno);
    if (l.supplierOrgno) orgnrs.add(l.supplierOrgno);
  }
  const named = new Map<string, string | null>();
  await Promise.all(
    [...orgnrs].map(async (orgnr) => {
      named.set(orgnr, (await names(orgnr).catch(() => undefined)) ?? null);
    }),
  );
  return lookups.map((l) => ({
    lookedUpAt: l.lookedUpAt,
    orgnr: l.consumerOrgno,
    navn: named.get(l.consumerOrgno) ?? null,
    supplierOrgnr: l.supplierOrgno ?? null,
    supplierNavn: l.supplierOrgno ? (named.get(l.supplierOrgno) ?? null) : null,
    scopes: l.scopes,
  }));
}
