/**
 * The mailbox providers' certificates (`krr_providers.sertifikat`), by organisation number, for
 * the lookup answers' `sertifikat` of persons whose mailbox uses its provider's certificate.
 *
 * A 1000-person answer names two or three providers, so the certificates are read once per
 * process and kept for {@link PROVIDER_CERTIFICATES_TTL_MS}, instead of joined onto every person
 * row (about 1 KiB per person read from the database otherwise). A provider's new certificate
 * shows in lookups within that time; one written by this process, at once
 * ({@link providerCertificatesChanged}).
 */
import type { Database } from '../../platform/db/database.ts';
import { krrDb, listProviders } from '../store/krr-store.ts';

/** How long a process keeps the providers' certificates before it reads them again, in ms. */
export const PROVIDER_CERTIFICATES_TTL_MS = 2_000;

interface Kept {
  readAt: number;
  /** orgnr → certificate (base64 DER) */
  certificates: Promise<ReadonlyMap<string, string>>;
}

const kept = new WeakMap<Database, Kept>();

/**
 * Every provider's certificate, by `orgnr` (mailbox and print providers alike).
 *
 * @param now epoch ms (tests); default `Date.now()`
 * @throws whatever the database throws (nothing is kept then)
 */
export async function providerCertificates(db: Database, now: number = Date.now()): Promise<ReadonlyMap<string, string>> {
  const hit = kept.get(db);
  if (hit !== undefined && now - hit.readAt < PROVIDER_CERTIFICATES_TTL_MS) return hit.certificates;
  const certificates = listProviders(krrDb(db)).then((rows) => new Map(rows.map((r) => [r.orgnr, r.sertifikat])));
  kept.set(db, { readAt: now, certificates });
  certificates.catch(() => {
    if (kept.get(db)?.certificates === certificates) kept.delete(db);
  });
  return certificates;
}

/** Forgets the kept certificates of `db` (after this process wrote a provider). */
export function providerCertificatesChanged(db: Database): void {
  kept.delete(db);
}
