/**
 * The mailbox providers and the print provider KRR knows, with their encryption certificates
 * from the platform's test PKI (real X.509, issued by the Grunnmur Test Issuing CA with the
 * orgnr in the subject, key usage keyEncipherment + dataEncipherment).
 *
 * The organisations are the registers component's fixed ones: Posten Bring AS 984661185
 * (Digipost), e-Boks AS 996460320 and the synthetic print provider 923456783.
 *
 * The private keys are not kept: KRR publishes certificates, it never decrypts. Digital
 * postkasse, which holds the providers' keys, issues its own certificates at start and replaces
 * these through {@link replaceProviderCertificate}.
 *
 * @see specs/krr-dpi-esign.md §1 "Mailbox provider entry", §4 (e-Boks 996460320)
 */
import type { Database } from '../../platform/db/database.ts';
import type { TestPki } from '../../platform/pki/test-pki.ts';
import { EBOKS_ORGNR, FIXED_ORGANISATIONS, POSTEN_BRING_ORGNR, PRINT_PROVIDER_ORGNR } from '../../registers/index.ts';
import { x509 } from '../../platform/pki/x509.ts';
import { findProvider, findProviderByRole, insertProviderIfAbsent, krrDb, listProviders } from '../store/krr-store.ts';
import { providerCertificatesChanged } from './provider-certificates.ts';
import type { KrrPersonRow, KrrProviderRow, ProviderRole } from '../store/tables.ts';
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

/** A provider as other components see it (`krr_providers` without bookkeeping). */
export interface KrrProvider {
  /** Organisasjonsnummer (`postkasseleverandoeradresse`). */
  orgnr: string;
  navn: string;
  /** `postkasse` (a digital mailbox provider) or `print`. */
  rolle: ProviderRole;
  /** The encryption certificate KRR publishes for it, base64 DER. */
  sertifikat: string;
}

/**
 * The provider (mailbox or print) with this organisasjonsnummer, or undefined.
 *
 * @param orgnr 9 digits
 */
export async function findKrrProvider(db: Database, orgnr: string): Promise<KrrProvider | undefined> {
  const row = await findProvider(krrDb(db), orgnr);
  return row ? { orgnr: row.orgnr, navn: row.navn, rolle: row.rolle, sertifikat: row.sertifikat } : undefined;
}

/**
 * Replaces the encryption certificate KRR publishes for a provider (`krr_providers.sertifikat`,
 * with its serial and `notAfter`), so lookups and `printSertifikat` name it at once in this
 * process and within `PROVIDER_CERTIFICATES_TTL_MS` (2 s) in others. Persons whose
 * `postkasse_sertifikat` is null use the provider's certificate; a person certificate the
 * provider registered itself is left alone. Digital postkasse calls this at start, when it
 * issues the providers their keys.
 *
 * @param orgnr the provider's organisasjonsnummer (must be registered)
 * @param certificateBase64Der the new certificate, base64 DER (no PEM armour)
 * @returns true when the row changed, false when it held this certificate already
 * @throws Error when the provider is not registered or the certificate cannot be parsed
 */
export async function replaceProviderCertificate(db: Database, orgnr: string, certificateBase64Der: string): Promise<boolean> {
  const der = Buffer.from(certificateBase64Der, 'base64');
  const certificate = new x509.X509Certificate(der);
  const serial = certificate.serialNumber.toLowerCase().replace(/^0+(?=.)/, '');
  const sertifikat = der.toString('base64');
  const result = await krrDb(db)
    .updateTable('krr_providers')
    .set({ sertifikat, sertifikat_serial: serial, sertifikat_gyldig_til: certificate.notAfter.getTime() })
    .where('orgnr', '=', orgnr)
    .where('sertifikat', '!=', sertifikat)
    .executeTakeFirst();
  const changed = Number(result.numUpdatedRows) > 0;
  if (!changed && !(await findProvider(krrDb(db), orgnr))) throw new Error(`krr: provider ${orgnr} is not registered`);
  providerCertificatesChanged(db);
  return changed;
}

/** A citizen's mailbox at a provider, as the provider needs it to file a letter. */
export interface KrrMailbox {
  personidentifikator: string;
  /** `AKTIV` or `SLETTET`. */
  status: KrrPersonRow['status'];
  reservasjon: 'JA' | 'NEI';
  postkasseadresse: string;
  /** The provider's orgnr. */
  postkasseleverandoeradresse: string;
  /** A certificate the provider registered for this person (base64 DER), or null (the provider's is used). */
  postkasse_sertifikat: string | null;
  /** Contact data for notifications (null when unknown). */
  epostadresse: string | null;
  mobiltelefonnummer: string | null;
  spraak: string | null;
}

/**
 * The mailbox with this address at this provider, or undefined. With `personidentifikator`
 * the person's row is read by its key and must have this address at this provider; without
 * it the register is searched by address.
 *
 * @param query.providerOrgnr the provider (`postkasseleverandoeradresse`)
 * @param query.postkasseadresse the address (`ola.nordmann#9YDT`), compared exactly
 */
export async function findMailbox(
  db: Database,
  query: { providerOrgnr: string; postkasseadresse: string; personidentifikator?: string },
): Promise<KrrMailbox | undefined> {
  let q = krrDb(db)
    .selectFrom('krr_persons')
    .select(['personidentifikator', 'status', 'reservasjon', 'postkasseadresse', 'postkasseleverandoeradresse', 'postkasse_sertifikat', 'epostadresse', 'mobiltelefonnummer', 'spraak'])
    .where('postkasseleverandoeradresse', '=', query.providerOrgnr)
    .where('postkasseadresse', '=', query.postkasseadresse);
  if (query.personidentifikator !== undefined) q = q.where('personidentifikator', '=', query.personidentifikator);
  const row = await q.orderBy('personidentifikator').limit(1).executeTakeFirst();
  return row as KrrMailbox | undefined;
}
