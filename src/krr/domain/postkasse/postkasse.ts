/**
 * The mailbox-provider operations: a digital mailbox provider (Digipost, e-Boks) creates and
 * selects a citizen's mailbox in KRR, updates it, removes it, or reads its own entry. Each write
 * reads and changes the person row in one transaction (the row locked on PostgreSQL) and bumps
 * `updated_at`; a `FEILET` outcome changes nothing.
 *
 * Order of the checks, the same for every operation: the request's own fields first
 * (`UGYLDIG_PERSONNUMMER`, `UGYLDIG_ORGNR`, `UGYLDIG_EPOSTADRESSE`, `UGYLDIG_SERTIFIKAT`), then
 * the register (`BRUKER_IKKE_FUNNET`, `RESERVERT`, `ALLEREDE_AKTIV`,
 * `POSTKASSE_EKSISTERER_ALLEREDE`, `INGEN_POSTBOKS_FUNNET`), so a malformed request never
 * reveals anything about the person.
 *
 * @see https://docs.digdir.no/resources/begrep/oppslagstjenesten/OpprettOgVelgSikkerDigitalPostkasseRespons
 * @see https://github.com/difi/begrep-Oppslagstjenesten (OpprettOgVelgSikkerDigitalPostkasseForespoersel,
 *   OppdaterPostkasseForespoersel, SlettPostkasseForespoersel)
 * @see specs/krr-dpi-esign.md §1 "Mailbox provider entry"; src/krr/README.md "Mailbox-provider API"
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../../platform/db/database.ts';
import { validateFodselsnummer, validateOrganisasjonsnummer } from '../../../platform/identifiers/index.ts';
import type { TestPki } from '../../../platform/pki/test-pki.ts';
import { krrPostkasseError } from '../../postkasse-errors.ts';
import { describeRules } from '../check-personidentifikatorer.ts';
import { findPersonRow, findPersonsAndLogLookup, findProvider, krrDb } from '../../store/krr-store.ts';
import { updatePostkasse, type PersonPostkasseRow } from '../../store/postkasse-store.ts';
import type { KrrDb, KrrProviderRow } from '../../store/tables.ts';
import { checkPostkasseSertifikat } from './check-postkasse-sertifikat.ts';
import { PostkasseFeil } from './outcome.ts';

/** Longest `postkasseadresse`, in characters (Digipost addresses are far shorter). */
export const MAX_POSTKASSEADRESSE_LENGTH = 254;

/** A citizen's mailbox entry as the provider sees it (wire field names). */
export interface Postkasse {
  personidentifikator: string;
  postkasseadresse: string;
  /** The provider's organisasjonsnummer. */
  postkasseleverandoerAdresse: string;
  /** The certificate registered for this mailbox, base64 DER; absent: the provider's own certificate is published. */
  sertifikat?: string;
}

/** `OpprettOgVelgPostkasse`: create a mailbox and make it the person's selected one. */
export interface OpprettOgVelgPostkasseRequest {
  /** Fødselsnummer or D-number. */
  personidentifikator: string;
  postkasseadresse: string;
  /** The provider's organisasjonsnummer; optional, must be the caller's own when given. */
  postkasseleverandoerAdresse?: string;
  /** Base64 DER (or PEM); absent: the provider's own certificate is used. */
  sertifikat?: string;
}

/** `OppdaterPostkasse`: change the address and/or the certificate of the provider's mailbox. */
export interface OppdaterPostkasseRequest {
  personidentifikator: string;
  postkasseadresse?: string;
  postkasseleverandoerAdresse?: string;
  /** A new certificate; `null` removes the mailbox's own certificate (the provider's is used again). */
  sertifikat?: string | null;
}

/** `SlettPostkasse`: remove the provider's mailbox (the person no longer has a digital mailbox). */
export interface SlettPostkasseRequest {
  personidentifikator: string;
  postkasseleverandoerAdresse?: string;
}

/** `HentPostkasse` (Grunnmur's): the provider's own entry for a person. */
export interface HentPostkasseRequest {
  personidentifikator: string;
  postkasseleverandoerAdresse?: string;
}

/** Who calls, from the verified Maskinporten token (for the audit log of reads). */
export interface PostkasseCaller {
  /** The provider: the token's `consumer`. */
  providerOrgnr: string;
  supplierOrgno?: string;
  clientId: string;
  scope: string;
  requestId: string;
  /** `POST /rest/v1/postkasseleverandoer/…`, for the audit log. */
  endpoint: string;
}

/**
 * The mailbox provider with this orgnr.
 *
 * @throws AppError `KRR_POSTKASSE_NOT_PROVIDER` (403) when the organisation is not a registered
 *   provider with `rolle` `postkasse` (the print provider is not one)
 */
export async function getMailboxProvider(db: Database, orgnr: string): Promise<KrrProviderRow> {
  const provider = await findProvider(krrDb(db), orgnr);
  if (!provider || provider.rolle !== 'postkasse') {
    throw krrPostkasseError(
      'KRR_POSTKASSE_NOT_PROVIDER',
      `Organisation ${orgnr} is not a registered digital mailbox provider; only they may use the mailbox-provider API`,
    );
  }
  return provider;
}

/**
 * OpprettOgVelgPostkasse: gives the person a mailbox at the calling provider and selects it.
 * A mailbox at another provider is replaced (the person moves to this provider).
 *
 * @param now epoch ms (certificate validity, `updated_at`)
 * @returns the stored entry
 * @throws PostkasseFeil `UGYLDIG_PERSONNUMMER`, `UGYLDIG_ORGNR`, `UGYLDIG_EPOSTADRESSE`,
 *   `UGYLDIG_SERTIFIKAT`; `BRUKER_IKKE_FUNNET` (not in the register, or `SLETTET`);
 *   `RESERVERT` (the person has reserved); `ALLEREDE_AKTIV` (this very mailbox, same address, is
 *   already selected); `POSTKASSE_EKSISTERER_ALLEREDE` (a mailbox at this provider with another
 *   address exists: use OppdaterPostkasse)
 */
export async function opprettOgVelgPostkasse(
  db: Database,
  pki: TestPki,
  providerOrgnr: string,
  request: OpprettOgVelgPostkasseRequest,
  now: number = Date.now(),
): Promise<Postkasse> {
  checkPersonidentifikator(request.personidentifikator);
  checkLeverandoer(request.postkasseleverandoerAdresse, providerOrgnr);
  checkPostkasseadresse(request.postkasseadresse);
  const sertifikat = request.sertifikat === undefined ? null : await checkPostkasseSertifikat(pki, request.sertifikat, providerOrgnr, now);
  return writePerson(db, request.personidentifikator, async (trx, person) => {
    checkAktiv(person);
    if (person.reservasjon === 'JA') {
      throw new PostkasseFeil('RESERVERT', 'The person has reserved against digital communication; the reservation must be withdrawn first (MinProfil)');
    }
    if (person.postkasseleverandoeradresse === providerOrgnr && person.postkasseadresse !== null) {
      if (person.postkasseadresse === request.postkasseadresse) {
        throw new PostkasseFeil('ALLEREDE_AKTIV', 'The person already has this mailbox at this provider, active and selected');
      }
      throw new PostkasseFeil('POSTKASSE_EKSISTERER_ALLEREDE', 'The person already has a mailbox at this provider; change it with OppdaterPostkasse');
    }
    const columns = { postkasseadresse: request.postkasseadresse, postkasseleverandoeradresse: providerOrgnr, postkasse_sertifikat: sertifikat };
    await updatePostkasse(trx, person.personidentifikator, columns, bumped(person, now));
    return toPostkasse(person.personidentifikator, columns);
  });
}

/**
 * OppdaterPostkasse: changes the address and/or the certificate of the calling provider's
 * mailbox. Allowed for a reserved person (the entry stays correct; senders see the reservation).
 *
 * @throws PostkasseFeil `UGYLDIG_PERSONNUMMER`, `UGYLDIG_ORGNR`, `UGYLDIG_EPOSTADRESSE`,
 *   `UGYLDIG_SERTIFIKAT`, `BRUKER_IKKE_FUNNET`, `INGEN_POSTBOKS_FUNNET` (no mailbox at this
 *   provider)
 */
export async function oppdaterPostkasse(
  db: Database,
  pki: TestPki,
  providerOrgnr: string,
  request: OppdaterPostkasseRequest,
  now: number = Date.now(),
): Promise<Postkasse> {
  checkPersonidentifikator(request.personidentifikator);
  checkLeverandoer(request.postkasseleverandoerAdresse, providerOrgnr);
  if (request.postkasseadresse !== undefined) checkPostkasseadresse(request.postkasseadresse);
  const sertifikat =
    request.sertifikat === undefined || request.sertifikat === null
      ? request.sertifikat
      : await checkPostkasseSertifikat(pki, request.sertifikat, providerOrgnr, now);
  return writePerson(db, request.personidentifikator, async (trx, person) => {
    checkAktiv(person);
    const current = ownMailbox(person, providerOrgnr);
    const columns = {
      postkasseadresse: request.postkasseadresse ?? current,
      postkasseleverandoeradresse: providerOrgnr,
      postkasse_sertifikat: sertifikat === undefined ? person.postkasse_sertifikat : sertifikat,
    };
    await updatePostkasse(trx, person.personidentifikator, columns, bumped(person, now));
    return toPostkasse(person.personidentifikator, columns);
  });
}

/**
 * SlettPostkasse: removes the calling provider's mailbox; the person then has no digital
 * mailbox. Works for `SLETTET` persons too (a provider may always withdraw its own entry).
 *
 * @returns the entry as it was
 * @throws PostkasseFeil `UGYLDIG_PERSONNUMMER`, `UGYLDIG_ORGNR`, `BRUKER_IKKE_FUNNET` (not in the
 *   register), `INGEN_POSTBOKS_FUNNET`
 */
export async function slettPostkasse(db: Database, providerOrgnr: string, request: SlettPostkasseRequest, now: number = Date.now()): Promise<Postkasse> {
  checkPersonidentifikator(request.personidentifikator);
  checkLeverandoer(request.postkasseleverandoerAdresse, providerOrgnr);
  return writePerson(db, request.personidentifikator, async (trx, person) => {
    if (!person) throw notFound();
    const postkasseadresse = ownMailbox(person, providerOrgnr);
    await updatePostkasse(trx, person.personidentifikator, { postkasseadresse: null, postkasseleverandoeradresse: null, postkasse_sertifikat: null }, bumped(person, now));
    return toPostkasse(person.personidentifikator, { postkasseadresse, postkasseleverandoeradresse: providerOrgnr, postkasse_sertifikat: person.postkasse_sertifikat });
  });
}

/**
 * The calling provider's own entry for a person (Grunnmur's; the real register has no such
 * operation). The read is written to KRR's audit log (`krr_lookups`, `krr_lookup_persons`)
 * atomically with it, like every lookup of a person, whatever the outcome; a request refused
 * for its fields (`UGYLDIG_*`) writes nothing.
 *
 * @throws PostkasseFeil `UGYLDIG_PERSONNUMMER`, `UGYLDIG_ORGNR`, `BRUKER_IKKE_FUNNET` (not in the
 *   register), `INGEN_POSTBOKS_FUNNET` (no mailbox at this provider; a mailbox at another provider
 *   is not revealed)
 */
export async function hentPostkasse(db: Database, caller: PostkasseCaller, request: HentPostkasseRequest, now: number = Date.now()): Promise<Postkasse> {
  checkPersonidentifikator(request.personidentifikator);
  checkLeverandoer(request.postkasseleverandoerAdresse, caller.providerOrgnr);
  const lookup = {
    id: randomUUID(),
    looked_up_at: now,
    endpoint: caller.endpoint,
    consumer_orgno: caller.providerOrgnr,
    supplier_orgno: caller.supplierOrgno ?? null,
    client_id: caller.clientId,
    scope: caller.scope,
    request_id: caller.requestId,
    antall: 1,
  };
  const [person] = await findPersonsAndLogLookup(db, lookup, [request.personidentifikator]);
  if (!person) throw notFound();
  return toPostkasse(person.personidentifikator, {
    postkasseadresse: ownMailbox(person, caller.providerOrgnr),
    postkasseleverandoeradresse: caller.providerOrgnr,
    postkasse_sertifikat: person.postkasse_sertifikat,
  });
}

/** Runs `change` on the locked person row in one transaction; a throw rolls everything back. */
async function writePerson<T>(db: Database, personidentifikator: string, change: (trx: KrrDb, person: PersonPostkasseRow | undefined) => Promise<T>): Promise<T> {
  return krrDb(db)
    .transaction()
    .execute(async (trx) => change(trx, await findPersonRow(trx, personidentifikator, db.engine === 'postgres')));
}

/** `updated_at` of a write: now, and always later than the row's last change. */
function bumped(person: PersonPostkasseRow, now: number): number {
  return Math.max(now, Number(person.updated_at) + 1);
}

function notFound(): PostkasseFeil {
  return new PostkasseFeil('BRUKER_IKKE_FUNNET', 'The person is not in the register');
}

/** @throws PostkasseFeil `BRUKER_IKKE_FUNNET` unless the person is in the register and `AKTIV` */
function checkAktiv(person: PersonPostkasseRow | undefined): asserts person is PersonPostkasseRow {
  if (!person) throw notFound();
  if (person.status !== 'AKTIV') throw new PostkasseFeil('BRUKER_IKKE_FUNNET', 'The person is not active in the register (status SLETTET)');
}

/** The address of the provider's mailbox of this person. @throws PostkasseFeil `INGEN_POSTBOKS_FUNNET` */
function ownMailbox(person: PersonPostkasseRow, providerOrgnr: string): string {
  if (person.postkasseleverandoeradresse !== providerOrgnr || person.postkasseadresse === null) {
    throw new PostkasseFeil('INGEN_POSTBOKS_FUNNET', 'The person has no mailbox at this provider');
  }
  return person.postkasseadresse;
}

/** @throws PostkasseFeil `UGYLDIG_PERSONNUMMER`, naming the failed rules (never the number) */
function checkPersonidentifikator(value: string): void {
  const result = validateFodselsnummer(value);
  if (!result.valid) {
    throw new PostkasseFeil('UGYLDIG_PERSONNUMMER', `personidentifikator is not a valid fødselsnummer or D-number: ${describeRules(result.problems.map((p) => p.rule))}`);
  }
}

/** @throws PostkasseFeil `UGYLDIG_ORGNR` when given and malformed, or not the caller's own orgnr */
function checkLeverandoer(value: string | undefined, providerOrgnr: string): void {
  if (value === undefined) return;
  const result = validateOrganisasjonsnummer(value);
  if (!result.valid) {
    throw new PostkasseFeil('UGYLDIG_ORGNR', `postkasseleverandoerAdresse is not a valid organisasjonsnummer: ${result.problems.map((p) => p.message).join('; ')}`);
  }
  if (value !== providerOrgnr) {
    throw new PostkasseFeil('UGYLDIG_ORGNR', `postkasseleverandoerAdresse ${value} is not the calling provider (${providerOrgnr}); a provider registers only its own mailboxes`);
  }
}

/**
 * `postkasseadresse`: 1–254 characters, no whitespace or control characters (Digipost's
 * `kari.nordmann#AB12`, an e-Boks address). @throws PostkasseFeil `UGYLDIG_EPOSTADRESSE`
 */
function checkPostkasseadresse(value: string): void {
  if (value.length === 0 || value.length > MAX_POSTKASSEADRESSE_LENGTH || /[\s\p{Cc}\p{Cf}]/u.test(value)) {
    throw new PostkasseFeil(
      'UGYLDIG_EPOSTADRESSE',
      `postkasseadresse must be 1–${MAX_POSTKASSEADRESSE_LENGTH} characters without spaces or control characters`,
    );
  }
}

function toPostkasse(
  personidentifikator: string,
  columns: { postkasseadresse: string | null; postkasseleverandoeradresse: string | null; postkasse_sertifikat: string | null },
): Postkasse {
  return {
    personidentifikator,
    postkasseadresse: columns.postkasseadresse ?? '',
    postkasseleverandoerAdresse: columns.postkasseleverandoeradresse ?? '',
    ...(columns.postkasse_sertifikat === null ? {} : { sertifikat: columns.postkasse_sertifikat }),
  };
}
