/**
 * The seeded registrations: the public agencies of every Grunnmur population (the registers
 * component's fixed organisations) for the eFormidling processes they receive, Digdir for
 * eInnsyn's publishing, and the DPI mailbox and print providers for digital post to citizens.
 *
 * Every endpoint is at this Grunnmur, which hosts the integration point (`<PUBLIC_URL>/eformidling/api`,
 * transport profile `bdxr-transport-altinn`) and is meant to host the DPI providers' access
 * points (`<PUBLIC_URL>/digitalpost`, `peppol-transport-as4-v2_0`); neither is built yet. Every
 * endpoint carries one certificate: that of the hosted access point, issued to Digdir by the test
 * PKI (its private key is not kept; the eFormidling component is meant to replace these
 * registrations with its own certificate through the write API, as Digdir owns them).
 *
 * Runs once per database: the seed is marked done in the same transaction that inserts the
 * participants (insert-if-absent), so two processes starting together seed once, and a
 * participant deleted later is not brought back by a restart.
 *
 * @see specs/eformidling-elma-einnsyn.md §1.2 (identifiers), §2
 */
import type { Database } from '../../platform/db/database.ts';
import type { TestPki } from '../../platform/pki/test-pki.ts';
import { DIGDIR_ORGNR, EBOKS_ORGNR, FIXED_ORGANISATIONS, POSTEN_BRING_ORGNR, PRINT_PROVIDER_ORGNR } from '../../registers/index.ts';
import { claimSeed, elmaDb, insertParticipantIfAbsent, replaceDocuments } from '../store/elma-store.ts';
import type { ElmaDocument, ElmaEndpoint } from '../wire-types.ts';
import {
  ARKIVMELDING_SECTORS,
  arkivmeldingProcess,
  DOCUMENT_SCHEME,
  DPI_IDENTIFIERS,
  EFORMIDLING_DOCUMENT_TYPES,
  EFORMIDLING_PROCESSES,
  participantKey,
  participantOfOrgnr,
  PROCESS_SCHEME,
  TRANSPORT_BDXR_ALTINN,
  TRANSPORT_PEPPOL_AS4,
  type ArkivmeldingSector,
} from './identifiers.ts';

/** Activation date of every seeded endpoint (fixed, so the seed is deterministic). */
export const SEED_ACTIVATION_DATE = '2024-01-01T00:00:00.000Z';
/** Validity of the hosted access point's certificate, in days. */
export const ACCESS_POINT_CERTIFICATE_DAYS = 3650;

/**
 * Arkivmelding sectors of the state agencies beyond `administrasjon` (municipalities and county
 * municipalities receive every sector).
 */
export const AGENCY_SECTORS: Readonly<Record<string, readonly ArkivmeldingSector[]>> = {
  '889640782': ['helseSosialOgOmsorg'], // NAV
  '974761076': ['skatterOgAvgifter'], // Skatteetaten
  '971032081': ['trafikkReiserOgSamferdsel'], // Statens vegvesen
  '960885406': ['oppvekstOgUtdanning'], // Lånekassen
  '983544622': ['helseSosialOgOmsorg'], // Helsedirektoratet
  '972417858': ['planByggOgGeodata'], // KDD
};

/** What one seeded participant receives. */
export interface SeededParticipant {
  orgnr: string;
  documents: ElmaDocument[];
}

/**
 * The seeded participants, in order (deterministic for a given base URL and certificate).
 *
 * @param publicUrl this Grunnmur's `PUBLIC_URL`
 * @param certificate base64 DER of the hosted access point's certificate
 * @param expiration RFC 3339 end of the endpoints (the certificate's `notAfter`)
 */
export function seededParticipants(publicUrl: string, certificate: string, expiration: string): SeededParticipant[] {
  const endpoint = (transportProfile: string, path: string, serviceDescription: string): ElmaEndpoint => ({
    transportProfile,
    endpointUrl: `${publicUrl}${path}`,
    certificate,
    serviceActivationDate: SEED_ACTIVATION_DATE,
    serviceExpirationDate: expiration,
    requireBusinessLevelSignature: false,
    serviceDescription,
    technicalContactUrl: `${publicUrl}/`,
  });
  const ip = endpoint(TRANSPORT_BDXR_ALTINN, '/eformidling/api', 'Grunnmur: hosted eFormidling integration point (DPO)');
  const dpi = endpoint(TRANSPORT_PEPPOL_AS4, '/digitalpost', 'Grunnmur: Digital postkasse til innbyggere (DPI)');
  const doc = (value: string, processes: string[], ep: ElmaEndpoint): ElmaDocument => ({
    documentIdentifier: { scheme: DOCUMENT_SCHEME, value },
    processes: processes.map((p) => ({ processIdentifier: { scheme: PROCESS_SCHEME, value: p }, endpoints: [ep] })),
  });

  const participants: SeededParticipant[] = [];
  for (const org of FIXED_ORGANISATIONS) {
    if (!org.is_public_agency) continue;
    const everySector = org.organisasjonsform === 'KOMM' || org.organisasjonsform === 'FYLK';
    const sectors: readonly ArkivmeldingSector[] = everySector ? ARKIVMELDING_SECTORS : ['administrasjon', ...(AGENCY_SECTORS[org.orgnr] ?? [])];
    const documents = [
      doc(EFORMIDLING_DOCUMENT_TYPES.arkivmelding, sectors.map(arkivmeldingProcess), ip),
      doc(EFORMIDLING_DOCUMENT_TYPES.arkivmelding_kvittering, [EFORMIDLING_PROCESSES.arkivmeldingResponse], ip),
      doc(EFORMIDLING_DOCUMENT_TYPES.innsynskrav, [EFORMIDLING_PROCESSES.innsynskrav], ip),
      doc(EFORMIDLING_DOCUMENT_TYPES.einnsyn_kvittering, [EFORMIDLING_PROCESSES.einnsynResponse], ip),
    ];
    if (org.orgnr === DIGDIR_ORGNR) {
      // Digdir runs eInnsyn, which receives the agencies' journal and meeting publications (DPE).
      documents.push(doc(EFORMIDLING_DOCUMENT_TYPES.publisering, [EFORMIDLING_PROCESSES.einnsynJournalpost, EFORMIDLING_PROCESSES.einnsynMeeting], ip));
    }
    participants.push({ orgnr: org.orgnr, documents });
  }
  for (const orgnr of [POSTEN_BRING_ORGNR, EBOKS_ORGNR]) {
    participants.push({ orgnr, documents: [doc(DPI_IDENTIFIERS.digitalDocument, [DPI_IDENTIFIERS.digitalProcess], dpi)] });
  }
  // Digdir's examples send utskrift under both the digital and the utskrift process.
  participants.push({ orgnr: PRINT_PROVIDER_ORGNR, documents: [doc(DPI_IDENTIFIERS.utskriftDocument, [DPI_IDENTIFIERS.utskriftProcess, DPI_IDENTIFIERS.digitalProcess], dpi)] });
  return participants;
}

/** What {@link seedElma} did. */
export interface SeedElmaResult {
  /** False when the database was seeded before (nothing done). */
  seeded: boolean;
  /** Participants inserted now. */
  participants: number;
}

/**
 * Registers the seeded participants once per database (see the file header).
 *
 * @param publicUrl this Grunnmur's `PUBLIC_URL` (the endpoints' base)
 */
export async function seedElma(db: Database, pki: TestPki, publicUrl: string, now = Date.now()): Promise<SeedElmaResult> {
  const k = elmaDb(db);
  const done = await k.selectFrom('elma_seed_state').select('id').executeTakeFirst();
  if (done) return { seeded: false, participants: 0 };
  // Issued outside the transaction (the PKI writes its own rows); a process that loses the seed
  // race leaves an unused certificate in the PKI's list.
  const issued = await pki.issueEnterpriseCertificate({
    orgnr: DIGDIR_ORGNR,
    organisationName: 'DIGITALISERINGSDIREKTORATET AKSESSPUNKT',
    validityDays: ACCESS_POINT_CERTIFICATE_DAYS,
  });
  const certificate = issued.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
  const participants = seededParticipants(publicUrl, certificate, issued.notAfter.toISOString());
  return k.transaction().execute(async (trx) => {
    if (!(await claimSeed(trx, now))) return { seeded: false, participants: 0 };
    let inserted = 0;
    for (const p of participants) {
      const id = participantOfOrgnr(p.orgnr);
      const key = participantKey(id);
      const added = await insertParticipantIfAbsent(trx, {
        participant_key: key,
        scheme: id.scheme,
        value: id.value,
        orgnr: p.orgnr,
        registered_by: DIGDIR_ORGNR,
        version: 1,
        created_at: now,
        updated_at: now,
      });
      if (!added) continue;
      inserted++;
      await replaceDocuments(
        trx,
        key,
        p.documents.map((d, position) => ({
          participant_key: key,
          document_scheme: d.documentIdentifier.scheme,
          document_value: d.documentIdentifier.value,
          position,
          processes: JSON.stringify(d.processes),
        })),
      );
    }
    return { seeded: true, participants: inserted };
  });
}
