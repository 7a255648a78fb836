/**
 * Folkeregisteret lookups: maps stored persons to (an abridged form of) Skatteetaten's
 * Folkeregisteret person document.
 *
 * @see https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/oppslag/
 */
import type { Database } from '../../platform/db/database.ts';
import { checkFodselsnummer } from '../../platform/identifiers/index.ts';
import { registersError } from '../errors.ts';
import { countPersons, findPerson, listPersons } from '../store/registers-store.ts';
import type { PersonRow } from '../store/tables.ts';
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
 * Looks up a person by fødselsnummer or D-number.
 *
 * @throws AppError `REGISTERS_INVALID_FODSELSNUMMER` (400) naming each failed rule;
 *   `REGISTERS_PERSON_NOT_FOUND` (404)
 */
export async function getPerson(db: Database, pid: string): Promise<FregPerson> {
  checkFodselsnummer(pid);
  const row = await findPerson(db, pid);
  if (!row) throw registersError('REGISTERS_PERSON_NOT_FOUND', 'No person with that fødselsnummer or D-number');
  return toFregPerson(row);
}

/**
 * Lists synthetic persons ordered by pid (Grunnmur-specific, for TestID and developers).
 *
 * @param page zero-based page
 * @param size persons per page, 1–{@link MAX_TESTPERSONER_SIZE}
 */
export async function listTestpersoner(db: Database, page: number, size: number): Promise<TestpersonerPage> {
  const total = await countPersons(db);
  const rows = await listPersons(db, page * size, size);
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
