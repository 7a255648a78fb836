/**
 * The providers' keys. The two mailbox providers (Digipost by Posten Bring AS, e-Boks AS) and the
 * print provider are tenants of Digital postkasse with keys of their own; KRR publishes only
 * their certificates (`krr_providers.sertifikat`). At start, a provider without a usable key gets
 * one from the platform's test PKI, stored in `digitalpost_provider_keys`, and KRR's published
 * certificate is replaced by it, so every sender encrypts to a key the provider holds.
 *
 * One key per provider does both jobs: the certificate is issued with purpose `all`
 * (keyEncipherment + dataEncipherment for the CMS, digitalSignature + nonRepudiation for the
 * receipts' JWS). The real providers hold separate encryption and signing certificates; one
 * row per key keeps the table and the rotation simple, and a receiver of a receipt checks only
 * that the certificate chains to the CA and names the provider's orgnr.
 *
 * Old keys stay (a message encrypted to last year's certificate still opens); the newest
 * unexpired key is the one published and the one that signs.
 *
 * @see specs/krr-dpi-esign.md §2 ("Encrypt … to the mailbox provider's certificate from KRR")
 */
import { sql, type Kysely } from 'kysely';
import { findKrrProvider, replaceProviderCertificate, SEEDED_PROVIDERS } from '../../krr/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { findOrganisationName } from '../../registers/index.ts';
import type { DecryptionKey, Signer } from '../crypto/index.ts';
import { digitalpostError } from '../errors.ts';
import { digitalpostDb } from '../store/digitalpost-store.ts';

/** Validity of a provider's certificate, in days (the test PKI's maximum). */
export const PROVIDER_KEY_DAYS = 3650;

/** A key is replaced when it has less than this left (ms): a sender must not encrypt to a certificate about to expire. */
export const PROVIDER_KEY_RENEW_BEFORE_MS = 30 * 86_400_000;

/** A provider's key (certificate and RSA private key, PEM). */
export interface ProviderKey extends DecryptionKey {
  orgnr: string;
  /** Certificate serial, lower-case hex. */
  serial: string;
  notAfterAt: number;
  createdAt: number;
}

/** Organisation numbers of the providers Digital postkasse runs (KRR's seeded providers). */
export function providerOrgnrs(): string[] {
  return SEEDED_PROVIDERS.map((p) => p.orgnr);
}

/**
 * Every key of a provider, newest first (expired ones included: they still decrypt old
 * messages).
 *
 * @param orgnr the provider's organisasjonsnummer
 * @param executor a transaction to read in (on SQLite a query outside an open transaction
 *   waits for it); default the platform database
 */
export async function providerKeys(platform: Platform, orgnr: string, executor?: Kysely<any>): Promise<ProviderKey[]> {
  const rows = await digitalpostDb(executor ?? platform.db)
    .selectFrom('digitalpost_provider_keys')
    .selectAll()
    .where('orgnr', '=', orgnr)
    .orderBy('created_at', 'desc')
    .orderBy('serial', 'desc')
    .execute();
  return rows.map((r) => ({
    orgnr: r.orgnr,
    serial: r.serial,
    certificatePem: r.certificate_pem,
    privateKeyPem: r.private_key_pem,
    notAfterAt: Number(r.not_after_at),
    createdAt: Number(r.created_at),
  }));
}

/**
 * The key a provider signs with and publishes: its newest key that has not expired.
 *
 * @param now epoch ms (default now)
 * @param executor as for {@link providerKeys}
 * @throws AppError `DIGITALPOST_PROVIDER_KEY_MISSING` (503) when it has none
 */
export async function providerSigner(platform: Platform, orgnr: string, now = Date.now(), executor?: Kysely<any>): Promise<Signer & { serial: string }> {
  const key = (await providerKeys(platform, orgnr, executor)).find((k) => k.notAfterAt > now);
  if (!key) throw digitalpostError('DIGITALPOST_PROVIDER_KEY_MISSING', `Provider ${orgnr} has no key; Digital postkasse issues one at start`);
  return { certificatePem: key.certificatePem, privateKeyPem: key.privateKeyPem, serial: key.serial };
}

/** The base64 DER of the first certificate of a PEM text. */
function base64Der(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('digitalpost: no certificate in PEM');
  return m[1]!.replace(/\s+/g, '');
}

/** Whether a provider has a key valid for more than {@link PROVIDER_KEY_RENEW_BEFORE_MS} after `now`. */
async function hasUsableKey(executor: Kysely<any>, orgnr: string, now: number): Promise<boolean> {
  const row = await digitalpostDb(executor)
    .selectFrom('digitalpost_provider_keys')
    .select('serial')
    .where('orgnr', '=', orgnr)
    .where('not_after_at', '>', now + PROVIDER_KEY_RENEW_BEFORE_MS)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Serialises the key decision of one provider across processes, until `trx` ends. PostgreSQL: a
 * transaction-level advisory lock on the provider (`pg_advisory_xact_lock`); SQLite: nothing to
 * do, its transactions start with `BEGIN IMMEDIATE` and so run one at a time.
 *
 * @see https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 */
async function lockProviderKeys(platform: Platform, trx: Kysely<any>, orgnr: string): Promise<void> {
  if (platform.db.engine !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtext(${`digitalpost_provider_keys:${orgnr}`}))`.execute(trx);
}

/**
 * Gives every provider a usable key and publishes it in KRR. For each provider: when it has no
 * key valid for more than {@link PROVIDER_KEY_RENEW_BEFORE_MS}, a certificate is issued
 * (`purpose: 'all'`, {@link PROVIDER_KEY_DAYS} days); then, in one transaction that first takes
 * the provider's lock ({@link lockProviderKeys}), the check is made again and the key is stored
 * only if there is still none. So however many processes start together, a provider gets ONE
 * new key: a process that lost the race drops its certificate and revokes it at the test PKI
 * (reason `superseded`; its private key was never stored). The certificate is issued before the
 * transaction, not in it, because the PKI writes through the platform's database (on SQLite one
 * connection, which the transaction holds).
 *
 * Then the provider's newest key is read back and KRR's certificate is replaced with it
 * (`replaceProviderCertificate`, a no-op when KRR has it already). Idempotent.
 *
 * A provider KRR does not know (KRR not served by this database) keeps its key unpublished, with
 * a warning in the log.
 *
 * @param now epoch ms (default now): a key must be valid 30 days after it
 * @returns the orgnrs that got a new key from this call
 */
export async function ensureProviderKeys(platform: Platform, now = Date.now()): Promise<string[]> {
  const k = digitalpostDb(platform.db);
  const log = platform.log.child({ component: 'digitalpost' });
  const issued: string[] = [];
  for (const orgnr of providerOrgnrs()) {
    if (!(await hasUsableKey(k, orgnr, now))) {
      const name = (await findOrganisationName(platform.db, orgnr).catch(() => undefined)) ?? `POSTKASSELEVERANDØR ${orgnr}`;
      const certificate = await platform.pki.issueEnterpriseCertificate({ orgnr, organisationName: name.slice(0, 64), purpose: 'all', validityDays: PROVIDER_KEY_DAYS });
      const stored = await k.transaction().execute(async (trx) => {
        await lockProviderKeys(platform, trx, orgnr);
        if (await hasUsableKey(trx, orgnr, now)) return false;
        await trx
          .insertInto('digitalpost_provider_keys')
          .values({
            orgnr,
            serial: certificate.serialNumber,
            certificate_pem: certificate.certificatePem,
            private_key_pem: certificate.privateKeyPem,
            not_after_at: certificate.notAfter.getTime(),
            created_at: now,
          })
          .execute();
        return true;
      });
      if (stored) {
        issued.push(orgnr);
      } else {
        log.info({ provider: orgnr, serial: certificate.serialNumber }, 'another process gave the provider a key first; this certificate is not used');
        await platform.pki.revoke(certificate.serialNumber, 'superseded').catch((err: unknown) => log.warn({ err, serial: certificate.serialNumber }, 'could not revoke the unused provider certificate'));
      }
    }
    const newest = await providerSigner(platform, orgnr, now);
    try {
      if (!(await findKrrProvider(platform.db, orgnr))) {
        log.warn({ provider: orgnr }, 'KRR does not list this provider; its certificate is not published');
        continue;
      }
      if (await replaceProviderCertificate(platform.db, orgnr, base64Der(newest.certificatePem))) {
        log.info({ provider: orgnr, serial: newest.serial }, 'published the provider’s certificate in KRR');
      }
    } catch (err) {
      log.warn({ err, provider: orgnr }, 'could not publish the provider’s certificate in KRR');
    }
  }
  return issued;
}
