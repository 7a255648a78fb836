/**
 * Folkeregisteret lookups: maps stored persons to (an abridged form of) Skatteetaten's
 * Folkeregisteret person document.
 *
 * @see https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/oppslag/
 */
import { randomUUID } from 'node:crypto';
import type { BaseLogger } from 'pino';
import type { Database } from '../../platform/db/database.ts';
import { checkFodselsnummer } from '../../platform/identifiers/index.ts';
import { registersError } from '../errors.ts';
import { insertLookup } from '../store/lookup-log-store.ts';
import { countPersons, findPerson, findSeedState, listPersons } from '../store/registers-store.ts';
import type { LookupLogRow, PersonRow } from '../store/tables.ts';
import type { FregMetadata, FregPerson, Testperson, TestpersonerPage, Vegadresse } from '../wire-types.ts';

/** Largest `size` of the test-person list. */
export const MAX_TESTPERSONER_SIZE = 1000;

function identifikatortype(pid: string): 'foedselsnummer' | 'dNummer' {
  return Number(pid[0]) >= 4 ? 'dNummer' : 'foedselsnummer';
}

/** Maps a stored person to the Folkeregisteret person document. */
export function toFregPerson(p: PersonRow): FregPerson {
  const when = new Date(p.created_at).toISOString();
  const meta = (gyldig: string = `${p.birth_date}T00:00:00Z`): FregMetadata => ({
    erGjeldende: true,
    ajourholdstidspunkt: when,
    gyldighetstidspunkt: gyldig,
    kilde: 'grunnmur',
  });
  const doc: FregPerson = {
    identifikasjonsnummer: [{ ...meta(), foedselsEllerDNummer: p.pid, identifikatortype: identifikatortype(p.pid), status: 'iBruk' }],
    status: [{ ...meta(p.status_date ? `${p.status_date}T00:00:00Z` : undefined), status: p.status }],
    kjoenn: [{ ...meta(), kjoenn: p.gender === 'female' ? 'kvinne' : 'mann' }],
    foedsel: [{ ...meta(), foedselsdato: p.birth_date, foedselsaar: p.birth_date.slice(0, 4) }],
    navn: [{ ...meta(), fornavn: p.given_name, ...(p.middle_name ? { mellomnavn: p.middle_name } : {}), etternavn: p.family_name }],
  };
  if (p.adressenavn && p.postnummer && p.kommunenummer) {
    const vegadresse: Vegadresse = {
      kommunenummer: p.kommunenummer,
      adressenavn: p.adressenavn,
      adressenummer: { husnummer: String(p.husnummer ?? 1), ...(p.husbokstav ? { husbokstav: p.husbokstav } : {}) },
      poststed: { poststedsnavn: p.poststed ?? '', postnummer: p.postnummer },
    };
    if (identifikatortype(p.pid) === 'dNummer') doc.oppholdsadresse = [{ ...meta(), vegadresse }];
    else doc.bostedsadresse = [{ ...meta(), vegadresse }];
  }
  if (p.status === 'utflyttet' && p.utland_landkode) {
    doc.postadresseIUtlandet = [
      {
        ...meta(`${p.status_date ?? p.birth_date}T00:00:00Z`),
        utenlandskAdresse: {
          adressenavn: p.utland_adressenavn ?? '',
          postkode: p.utland_postkode ?? '',
          byEllerStedsnavn: p.utland_by ?? '',
          landkode: p.utland_landkode,
        },
      },
    ];
    doc.utflyttingFraNorge = [
      { ...meta(`${p.status_date ?? p.birth_date}T00:00:00Z`), tilflyttingsland: p.utland_landkode, utflyttingsdato: p.status_date ?? p.birth_date },
    ];
  }
  if (p.status === 'doed' && p.status_date) doc.doedsfall = [{ ...meta(`${p.status_date}T00:00:00Z`), doedsdato: p.status_date }];
  return doc;
}

/**
 * Who asks for a person and on what basis, from the verified Maskinporten token and the request.
 * The audit log records all of it (ARCHITECTURE principle 6: "who asked and why").
 */
export interface LookupRequester {
  /** Organisasjonsnummer of the consumer (`consumer.ID` of the token). */
  consumerOrgno: string;
  /** Organisasjonsnummer of the supplier on delegated tokens (`supplier.ID`). */
  supplierOrgno?: string;
  /** `client_id` of the Maskinporten integration. */
  clientId: string;
  /** The scope that admitted the lookup: the legal basis the consumer claims. */
  scope: string;
  /** The rettighetspakke of the path asked (`offentlig-med-hjemmel`, …). */
  rettighetspakke: string;
  /** The request id (`instance` of problem documents, `reqId` in the logs). */
  requestId: string;
  /** `jti` of the access token. */
  tokenJti?: string;
}

/**
 * Looks up a person by fødselsnummer or D-number on behalf of `requester`, and audit-logs the
 * lookup: one `registers_lookup_log` row, committed before this returns (so before any answer
 * is sent), and one structured `info` line (`event: "folkeregisteret.lookup"`). A lookup of a
 * valid pid is logged whether or not the person exists (`found`); an invalid pid identifies
 * nobody and is rejected before anything is written.
 *
 * @param log where the audit line goes (the request's logger, so it carries `reqId`)
 * @param options `now`: epoch ms of the lookup (default `Date.now()`)
 * @throws AppError `REGISTERS_INVALID_FODSELSNUMMER` (400) naming each failed rule, nothing
 *   written; `REGISTERS_PERSON_NOT_FOUND` (404), after the lookup is logged
 * @see ARCHITECTURE.md principles 5 ("a lookup log is committed before it is acknowledged") and 6
 */
export async function lookUpPerson(
  db: Database,
  log: Pick<BaseLogger, 'info'>,
  pid: string,
  requester: LookupRequester,
  options: { now?: number } = {},
): Promise<FregPerson> {
  checkFodselsnummer(pid);
  const row = await findPerson(db, pid);
  const entry: LookupLogRow = {
    id: randomUUID(),
    looked_up_at: options.now ?? Date.now(),
    pid,
    found: row ? 1 : 0,
    consumer_orgno: requester.consumerOrgno,
    supplier_orgno: requester.supplierOrgno ?? null,
    client_id: requester.clientId,
    scope: requester.scope,
    rettighetspakke: requester.rettighetspakke,
    request_id: requester.requestId,
    token_jti: requester.tokenJti ?? null,
  };
  await insertLookup(db, entry);
  log.info(
    {
      event: 'folkeregisteret.lookup',
      lookupId: entry.id,
      pid,
      found: row !== undefined,
      consumerOrgno: requester.consumerOrgno,
      ...(requester.supplierOrgno ? { supplierOrgno: requester.supplierOrgno } : {}),
      clientId: requester.clientId,
      scope: requester.scope,
      rettighetspakke: requester.rettighetspakke,
      requestId: requester.requestId,
    },
    'Folkeregisteret person lookup',
  );
  if (!row) throw registersError('REGISTERS_PERSON_NOT_FOUND', 'No person with that fødselsnummer or D-number');
  return toFregPerson(row);
}

/** How long a count of a completed seed's population is reused, in milliseconds. */
export const PERSON_COUNT_TTL_MS = 60_000;

/** Per database: the person count, the `completed_at` of the seed it was taken after, and until when it holds. */
const personCounts = new WeakMap<Database, { total: number; completedAt: number; until: number }>();

/**
 * The number of persons, without counting the whole table on every call: persons are written
 * only by the seed, so after a completed seed the count is kept per process for
 * {@link PERSON_COUNT_TTL_MS}, keyed by the seed's `completed_at` (one primary-key read), so a
 * new seed, in any process, is counted at once. While no seed has completed (seeding, or rows
 * written another way) every call counts.
 */
async function personCount(db: Database, now: number): Promise<number> {
  const completed = (await findSeedState(db))?.completed_at;
  const completedAt = completed === null || completed === undefined ? undefined : Number(completed);
  const cached = personCounts.get(db);
  if (completedAt !== undefined && cached !== undefined && cached.completedAt === completedAt && cached.until > now) return cached.total;
  const total = await countPersons(db);
  if (completedAt !== undefined) personCounts.set(db, { total, completedAt, until: now + PERSON_COUNT_TTL_MS });
  else personCounts.delete(db);
  return total;
}

/**
 * Lists synthetic persons ordered by pid (Grunnmur-specific, for TestID and developers).
 *
 * `page.totalElements` is exact: a page shorter than `size` (and not past the end) gives it
 * directly; otherwise it is the count of persons, reused for up to {@link PERSON_COUNT_TTL_MS}
 * after a completed seed (see {@link personCount}; persons change only by seeding).
 *
 * @param page zero-based page
 * @param size persons per page, 1–{@link MAX_TESTPERSONER_SIZE}
 * @param options `now`: epoch ms (default `Date.now()`)
 */
export async function listTestpersoner(db: Database, page: number, size: number, options: { now?: number } = {}): Promise<TestpersonerPage> {
  const rows = await listPersons(db, page * size, size);
  const total = rows.length < size && (rows.length > 0 || page === 0) ? page * size + rows.length : await personCount(db, options.now ?? Date.now());
  const personer = rows.map(
    (p): Testperson => ({
      foedselsEllerDNummer: p.pid,
      identifikatortype: identifikatortype(p.pid),
      fornavn: p.given_name,
      ...(p.middle_name ? { mellomnavn: p.middle_name } : {}),
      etternavn: p.family_name,
      foedselsdato: p.birth_date,
      kjoenn: p.gender === 'female' ? 'kvinne' : 'mann',
      status: p.status,
    }),
  );
  return { personer, page: { size, totalElements: total, totalPages: Math.ceil(total / size), number: page } };
}
