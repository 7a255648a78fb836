/**
 * The mailbox providers and the print provider KRR knows, with their encryption certificates
 * from the platform's test PKI (real X.509, issued by the Grunnmur Test Issuing CA with the
 * orgnr in the subject, key usage keyEncipherment + dataEncipherment).
 *
 * The organisations are the registers component's fixed ones: Posten Bring AS 984661185
 * (Digipost), e-Boks AS 996460320 and the synthetic print provider 923456783.
 *
 * The private keys are not kept: KRR publishes certificates, it never decrypts. The DPI
 * component is meant to register its own certificates through the mailbox-provider API (not
 * built yet), replacing these.
 *
 * @see specs/krr-dpi-esign.md §1 "Mailbox provider entry", §4 (e-Boks 996460320)
 */
import type { Database } from '../../platform/db/database.ts';
import type { TestPki } from '../../platform/pki/test-pki.ts';
import { EBOKS_ORGNR, FIXED_ORGANISATIONS, POSTEN_BRING_ORGNR, PRINT_PROVIDER_ORGNR } from '../../registers/index.ts';
import { findProviderByRole, insertProviderIfAbsent, krrDb, listProviders } from '../store/krr-store.ts';
import { providerCertificatesChanged } from './provider-certificates.ts';
import type { KrrProviderRow, ProviderRole } from '../store/tables.ts';
import type { PrintSertifikatResponse } from '../wire-types.ts';
import { krrError } from '../errors.ts';

/** Validity of the seeded provider certificates, in days (the test PKI's maximum). */
export const PROVIDER_CERTIFICATE_DAYS = 3650;

/** The providers KRR seeds. */
export const SEEDED_PROVIDERS: ReadonlyArray<{ orgnr: string; rolle: ProviderRole }> = [
  { orgnr: POSTEN_BRING_ORGNR, rolle: 'postkasse' },
  { orgnr: EBOKS_ORGNR, rolle: 'postkasse' },
  { orgnr: PRINT_PROVIDER_ORGNR, rolle: 'print' },
];

/** The base64 DER of the first certificate in a PEM text. */
export function pemToBase64Der(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no certificate in PEM');
  return m[1]!.replace(/\s+/g, '');
}

/**
 * Makes sure every seeded provider has a row with a certificate; issues the missing ones.
 * Idempotent and safe with several processes (insert-if-absent: a loser's certificate is unused).
 *
 * @returns the orgnrs added now
 */
export async function ensureProviders(db: Database, pki: TestPki, now = Date.now()): Promise<string[]> {
  const k = krrDb(db);
  const have = new Set((await listProviders(k)).map((p) => p.orgnr));
  const added: string[] = [];
  for (const { orgnr, rolle } of SEEDED_PROVIDERS) {
    if (have.has(orgnr)) continue;
    const navn = FIXED_ORGANISATIONS.find((o) => o.orgnr === orgnr)?.navn ?? orgnr;
    const issued = await pki.issueEnterpriseCertificate({ orgnr, organisationName: navn.slice(0, 64), purpose: 'encryption', validityDays: PROVIDER_CERTIFICATE_DAYS });
    const row: KrrProviderRow = {
      orgnr,
      navn,
      rolle,
      sertifikat: pemToBase64Der(issued.certificatePem),
      sertifikat_serial: issued.serialNumber,
      sertifikat_gyldig_til: issued.notAfter.getTime(),
      created_at: now,
    };
    if (await insertProviderIfAbsent(k, row)) added.push(orgnr);
  }
  if (added.length > 0) providerCertificatesChanged(db);
  return added;
}

/**
 * The print provider's address and certificate.
 *
 * @throws AppError `KRR_PRINT_PROVIDER_MISSING` (503) when none is registered
 */
export async function getPrintSertifikat(db: Database): Promise<PrintSertifikatResponse> {
  const print = await findProviderByRole(krrDb(db), 'print');
  if (!print) throw krrError('KRR_PRINT_PROVIDER_MISSING', 'No print provider is registered yet; KRR registers it at start', { expose: true });
  return { postkasseleverandoerAdresse: print.orgnr, x509Sertifikat: print.sertifikat };
}
