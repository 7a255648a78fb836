/**
 * The enterprise certificate (virksomhetssertifikat) each organisation's ASiC-E is signed with.
 * A real integration point holds its organisation's certificate in a keystore; the hosted one
 * holds one per tenant, issued by the platform's test PKI on the tenant's first send and kept in
 * `eformidling_certificates` (insert-if-absent, then read back, so two processes sign with one
 * key).
 */
import type { Platform } from '../../platform/platform.ts';
import { findOrganisationName } from '../../registers/index.ts';
import { eformidlingDb } from '../store/eformidling-store.ts';

/** Validity of a tenant's signing certificate, in days. */
export const SIGNING_CERTIFICATE_DAYS = 730;
/** A certificate is replaced this long before it ends (ms). */
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** Certificate and key of a signer (PEM). */
export interface Signer {
  certificatePem: string;
  privateKeyPem: string;
}

/**
 * The signer of an organisation: its stored certificate, or a new one from the test PKI.
 *
 * @param orgnr the tenant's organisasjonsnummer (already valid: it comes from a token)
 */
export async function signerOf(platform: Platform, orgnr: string, now = Date.now()): Promise<Signer> {
  const k = eformidlingDb(platform.db);
  const stored = await k.selectFrom('eformidling_certificates').selectAll().where('orgnr', '=', orgnr).executeTakeFirst();
  if (stored && Number(stored.not_after_at) - RENEW_BEFORE_MS > now) return { certificatePem: stored.certificate_pem, privateKeyPem: stored.private_key_pem };
  const name = (await findOrganisationName(platform.db, orgnr)) ?? `VIRKSOMHET ${orgnr}`;
  const issued = await platform.pki.issueEnterpriseCertificate({ orgnr, organisationName: name.slice(0, 64), validityDays: SIGNING_CERTIFICATE_DAYS, purpose: 'all' });
  const row = {
    orgnr,
    certificate_pem: issued.certificatePem,
    private_key_pem: issued.privateKeyPem,
    not_after_at: issued.notAfter.getTime(),
    created_at: now,
  };
  if (stored) {
    await k.updateTable('eformidling_certificates').set(row).where('orgnr', '=', orgnr).where('not_after_at', '=', stored.not_after_at).execute();
  } else {
    await k.insertInto('eformidling_certificates').values(row).onConflict((oc) => oc.column('orgnr').doNothing()).execute();
  }
  const winner = await k.selectFrom('eformidling_certificates').selectAll().where('orgnr', '=', orgnr).executeTakeFirstOrThrow();
  return { certificatePem: winner.certificate_pem, privateKeyPem: winner.private_key_pem };
}
