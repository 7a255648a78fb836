/**
 * ELMA's signing certificate: an enterprise certificate for Digitaliseringsdirektoratet (which
 * runs ELMA) from the platform's test PKI, made on the first start and kept, with its private
 * key, in `elma_signing_certificate`, so every process on the database signs with the same key.
 * Like the test CA's own keys (`platform_pki_cas`), the key is stored unencrypted: see
 * `src/platform/pki/README.md` "Security posture".
 *
 * Why not the platform's `KeyStore` (`src/platform/keys`): it keeps bare JWKs for JWT issuers
 * and rotates them; an SMP signature needs an X.509 certificate in `KeyInfo`, which a verifier
 * checks against its trust store (here the test CA).
 */
import type { Database } from '../../platform/db/database.ts';
import type { TestPki } from '../../platform/pki/test-pki.ts';
import { DIGDIR_ORGNR } from '../../registers/index.ts';
import { elmaDb, findSigningCertificate, insertSigningCertificateIfAbsent } from '../store/elma-store.ts';
import type { SmpSigningKey } from './smp-xml.ts';

/** Validity of the signing certificate, in days (the test PKI's maximum). */
export const SIGNING_CERTIFICATE_DAYS = 3650;
/** The organisation name in the certificate. */
export const SIGNING_CERTIFICATE_NAME = 'DIGITALISERINGSDIREKTORATET ELMA SMP';

/**
 * Returns ELMA's signing key and certificate, issuing them on first use. Safe with several
 * processes: insert-if-absent, then read back, so a process that lost the race signs with the
 * winner's key (its own certificate stays unused in the PKI's list).
 */
export async function ensureSigningCertificate(db: Database, pki: TestPki, now = Date.now()): Promise<SmpSigningKey> {
  const k = elmaDb(db);
  let row = await findSigningCertificate(k);
  if (!row) {
    // purpose `all`: digitalSignature among the key usages, which an XML-DSig verifier may demand.
    const issued = await pki.issueEnterpriseCertificate({ orgnr: DIGDIR_ORGNR, organisationName: SIGNING_CERTIFICATE_NAME, validityDays: SIGNING_CERTIFICATE_DAYS });
    await insertSigningCertificateIfAbsent(k, {
      id: 'smp',
      certificate_pem: issued.certificatePem,
      private_key_pem: issued.privateKeyPem,
      serial_number: issued.serialNumber,
      not_after_at: issued.notAfter.getTime(),
      created_at: now,
    });
    row = await findSigningCertificate(k);
    if (!row) throw new Error('ELMA signing certificate vanished after insert');
  }
  return { privateKeyPem: row.private_key_pem, certificatePem: row.certificate_pem };
}
