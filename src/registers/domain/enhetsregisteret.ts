/**
 * Enhetsregisteret lookups: maps stored organisations and roles to the wire shapes of
 * Brønnøysundregistrene's open API (`data.brreg.no/enhetsregisteret/api`).
 *
 * @see https://data.brreg.no/enhetsregisteret/api/dokumentasjon/no/index.html
 */
import type { Database } from '../../platform/db/database.ts';
import { checkOrganisasjonsnummer } from '../../platform/identifiers/index.ts';
import { registersError } from '../errors.ts';
import { findOrganisation, findOrganisations, findPersons, listRoles, searchOrganisations } from '../store/registers-store.ts';
import type { OrganisationRow } from '../store/tables.ts';
import type { Adresse, Enhet, EnhetFelles, EnheterPage, KodeMedLenke, Link, Page, Rollegruppe, Roller, Underenhet, UnderenheterPage } from '../wire-types.ts';
import { COUNTRY_NAMES, ROLLEGRUPPETYPER, ROLLETYPER, rollegruppeFor } from './reference-data.ts';

/** Largest page × size window a search may reach, as in Brønnøysund's API. */
export const MAX_SEARCH_WINDOW = 10_000;

/** Order of role groups in a `roller` answer. */
const GROUP_ORDER = ['DAGL', 'INNH', 'DTSO', 'DTPR', 'STYR', 'KONT', 'REVI', 'REGN'];

function link(href: string): Link {
  return { href };
}

function orgform(api: string, row: Pick<OrganisationRow, 'organisasjonsform' | 'organisasjonsform_beskrivelse'>): KodeMedLenke {
  return {
    kode: row.organisasjonsform,
    beskrivelse: row.organisasjonsform_beskrivelse,
    _links: { self: link(`${api}/organisasjonsformer/${row.organisasjonsform}`) },
  };
}

function address(lines: string | null, postnummer: string | null, poststed: string | null, kommune: string | null, kommunenummer: string | null): Adresse | undefined {
  if (!lines && !postnummer) return undefined;
  const a: Adresse = { land: COUNTRY_NAMES.NO ?? 'Norge', landkode: 'NO', adresse: lines ? [lines] : [] };
  if (postnummer) a.postnummer = postnummer;
  if (poststed) a.poststed = poststed;
  if (kommune) a.kommune = kommune;
  if (kommunenummer) a.kommunenummer = kommunenummer;
  return a;
}

/** The fields a hovedenhet and an underenhet share (optional ones only when the row has them). */
function felles(api: string, row: OrganisationRow): EnhetFelles {
  const f: EnhetFelles = {
    organisasjonsnummer: row.orgnr,
    navn: row.navn,
    organisasjonsform: orgform(api, row),
    registreringsdatoEnhetsregisteret: row.registreringsdato,
    registrertIMvaregisteret: row.registrert_i_mvaregisteret === 1,
    antallAnsatte: row.antall_ansatte ?? 0,
    harRegistrertAntallAnsatte: (row.antall_ansatte ?? 0) > 0,
  };
  if (row.hjemmeside) f.hjemmeside = row.hjemmeside;
  const post = address(row.post_adresse, row.post_postnummer, row.post_poststed, row.post_kommune, row.post_kommunenummer);
  if (post) f.postadresse = post;
  if (row.naeringskode) f.naeringskode1 = { kode: row.naeringskode, beskrivelse: row.naeringskode_beskrivelse ?? '' };
  return f;
}

/**
 * Maps a stored hovedenhet to the `Enhet` wire shape.
 *
 * @param api base URL of the API, e.g. `http://localhost:8080/enhetsregisteret/api`
 */
export function toEnhet(api: string, row: OrganisationRow): Enhet {
  const enhet: Enhet = {
    ...felles(api, row),
    registrertIForetaksregisteret: row.registrert_i_foretaksregisteret === 1,
    registrertIStiftelsesregisteret: row.organisasjonsform === 'STI',
    registrertIFrivillighetsregisteret: row.organisasjonsform === 'FLI',
    konkurs: row.konkurs === 1,
    underAvvikling: row.under_avvikling === 1,
    underTvangsavviklingEllerTvangsopplosning: row.under_tvangsavvikling === 1,
    maalform: 'Bokmål',
    _links: { self: link(`${api}/enheter/${row.orgnr}`) },
  };
  if (row.overordnet_enhet) {
    enhet.overordnetEnhet = row.overordnet_enhet;
    enhet._links.overordnetEnhet = link(`${api}/enheter/${row.overordnet_enhet}`);
  }
  const forretning = address(row.adresse, row.postnummer, row.poststed, row.kommune, row.kommunenummer);
  if (forretning) enhet.forretningsadresse = forretning;
  if (row.sektorkode) enhet.institusjonellSektorkode = { kode: row.sektorkode, beskrivelse: row.sektorkode_beskrivelse ?? '' };
  return enhet;
}

/** Maps a stored underenhet to the `Underenhet` wire shape. */
export function toUnderenhet(api: string, row: OrganisationRow): Underenhet {
  const parent = row.overordnet_enhet ?? '';
  const u: Underenhet = {
    ...felles(api, row),
    overordnetEnhet: parent,
    oppstartsdato: row.registreringsdato,
    _links: { self: link(`${api}/underenheter/${row.orgnr}`), overordnetEnhet: link(`${api}/enheter/${parent}`) },
  };
  const beliggenhet = address(row.adresse, row.postnummer, row.poststed, row.kommune, row.kommunenummer);
  if (beliggenhet) u.beliggenhetsadresse = beliggenhet;
  return u;
}

/**
 * Looks up a hovedenhet.
 *
 * @param api base URL for `_links`
 * @throws AppError `REGISTERS_INVALID_ORGANISASJONSNUMMER` (400) naming each failed rule;
 *   `REGISTERS_ORGANISATION_NOT_FOUND` (404) when no hovedenhet has that number
 */
export async function getEnhet(db: Database, api: string, orgnr: string): Promise<Enhet> {
  checkOrganisasjonsnummer(orgnr);
  const row = await findOrganisation(db, orgnr);
  if (!row || row.er_underenhet === 1) throw registersError('REGISTERS_ORGANISATION_NOT_FOUND', `No enhet with organisasjonsnummer ${orgnr}`);
  return toEnhet(api, row);
}

/**
 * Looks up an underenhet.
 *
 * @throws AppError `REGISTERS_INVALID_ORGANISASJONSNUMMER` (400); `REGISTERS_UNDERENHET_NOT_FOUND` (404)
 */
export async function getUnderenhet(db: Database, api: string, orgnr: string): Promise<Underenhet> {
  checkOrganisasjonsnummer(orgnr);
  const row = await findOrganisation(db, orgnr);
  if (!row || row.er_underenhet !== 1) throw registersError('REGISTERS_UNDERENHET_NOT_FOUND', `No underenhet with organisasjonsnummer ${orgnr}`);
  return toUnderenhet(api, row);
}

/** Query of {@link searchEnheter}. */
export interface EnhetSearch {
  /** Case-insensitive substring of the name. */
  navn?: string;
  /** Organisasjonsform codes (any of). */
  organisasjonsform?: string[];
  /** Orgnr of the parent. */
  overordnetEnhet?: string;
  /** Zero-based page (default 0). */
  page?: number;
  /** Hits per page (default 20). */
  size?: number;
}

function pageLinks(selfUrl: URL, page: Page): EnheterPage['_links'] {
  const at = (n: number): Link => {
    const u = new URL(selfUrl);
    u.searchParams.set('page', String(n));
    u.searchParams.set('size', String(page.size));
    return link(u.toString());
  };
  const links: EnheterPage['_links'] = { self: at(page.number) };
  if (page.totalPages > 0) {
    links.first = at(0);
    if (page.number > 0) links.prev = at(page.number - 1);
    if (page.number < page.totalPages - 1) links.next = at(page.number + 1);
    links.last = at(page.totalPages - 1);
  }
  return links;
}

async function search(db: Database, underenheter: boolean, q: EnhetSearch) {
  const page = q.page ?? 0;
  const size = q.size ?? 20;
  if ((page + 1) * size > MAX_SEARCH_WINDOW) {
    throw registersError('REGISTERS_PAGE_OUT_OF_RANGE', `(page + 1) × size must be at most ${MAX_SEARCH_WINDOW}`);
  }
  if (q.overordnetEnhet !== undefined) checkOrganisasjonsnummer(q.overordnetEnhet);
  const navn = q.navn?.trim().toLowerCase();
  const { rows, total } = await searchOrganisations(
    db,
    {
      underenheter,
      ...(navn ? { navnSok: navn } : {}),
      ...(q.organisasjonsform ? { organisasjonsformer: q.organisasjonsform } : {}),
      ...(q.overordnetEnhet ? { overordnetEnhet: q.overordnetEnhet } : {}),
    },
    page * size,
    size,
  );
  const meta: Page = { size, totalElements: total, totalPages: Math.ceil(total / size), number: page };
  return { rows, meta };
}

/**
 * Searches hovedenheter by name (case-insensitive substring), organisasjonsform and parent,
 * ordered by name.
 *
 * @param selfUrl the request URL, for the HAL `_links`
 * @throws AppError `REGISTERS_PAGE_OUT_OF_RANGE` (400) when (page + 1) × size > 10 000;
 *   `REGISTERS_INVALID_ORGANISASJONSNUMMER` (400) for a malformed `overordnetEnhet`
 */
export async function searchEnheter(db: Database, api: string, selfUrl: URL, q: EnhetSearch): Promise<EnheterPage> {
  const { rows, meta } = await search(db, false, q);
  const result: EnheterPage = { _links: pageLinks(selfUrl, meta), page: meta };
  if (rows.length > 0) result._embedded = { enheter: rows.map((r) => toEnhet(api, r)) };
  return result;
}

/** As {@link searchEnheter}, over underenheter. */
export async function searchUnderenheter(db: Database, api: string, selfUrl: URL, q: EnhetSearch): Promise<UnderenheterPage> {
  const { rows, meta } = await search(db, true, q);
  const result: UnderenheterPage = { _links: pageLinks(selfUrl, meta), page: meta };
  if (rows.length > 0) result._embedded = { underenheter: rows.map((r) => toUnderenhet(api, r)) };
  return result;
}

/**
 * The roles of a hovedenhet, grouped as Brønnøysund groups them (DAGL, STYR, REVI, REGN…).
 *
 * @throws AppError `REGISTERS_INVALID_ORGANISASJONSNUMMER` (400); `REGISTERS_ORGANISATION_NOT_FOUND` (404)
 */
export async function getRoller(db: Database, api: string, orgnr: string): Promise<Roller> {
  checkOrganisasjonsnummer(orgnr);
  const org = await findOrganisation(db, orgnr);
  if (!org || org.er_underenhet === 1) throw registersError('REGISTERS_ORGANISATION_NOT_FOUND', `No enhet with organisasjonsnummer ${orgnr}`);
  const roles = await listRoles(db, orgnr);
  const persons = new Map((await findPersons(db, roles.flatMap((r) => (r.person_pid ? [r.person_pid] : [])))).map((p) => [p.pid, p]));
  const orgs = new Map((await findOrganisations(db, roles.flatMap((r) => (r.enhet_orgnr ? [r.enhet_orgnr] : [])))).map((o) => [o.orgnr, o]));
  const groups = new Map<string, Rollegruppe>();
  const sorted = [...roles].sort((a, b) => a.rekkefolge - b.rekkefolge);
  for (const r of sorted) {
    const gruppe = rollegruppeFor(r.rolle);
    let group = groups.get(gruppe);
    if (!group) {
      group = {
        type: { kode: gruppe, beskrivelse: ROLLEGRUPPETYPER[gruppe] ?? gruppe, _links: { self: link(`${api}/roller/rollegruppetyper/${gruppe}`) } },
        sistEndret: r.sist_endret,
        roller: [],
      };
      groups.set(gruppe, group);
    }
    if (r.sist_endret > group.sistEndret) group.sistEndret = r.sist_endret;
    const rolle: Rollegruppe['roller'][number] = {
      type: { kode: r.rolle, beskrivelse: ROLLETYPER[r.rolle] ?? r.rolle, _links: { self: link(`${api}/roller/rolletyper/${r.rolle}`) } },
      fratraadt: r.fratraadt === 1,
      rekkefolge: r.rekkefolge,
    };
    const p = r.person_pid ? persons.get(r.person_pid) : undefined;
    if (p) {
      rolle.person = {
        fodselsdato: p.birth_date,
        navn: { fornavn: p.given_name, ...(p.middle_name ? { mellomnavn: p.middle_name } : {}), etternavn: p.family_name },
        erDoed: p.status === 'doed',
      };
    }
    const o = r.enhet_orgnr ? orgs.get(r.enhet_orgnr) : undefined;
    if (o) {
      rolle.enhet = {
        organisasjonsnummer: o.orgnr,
        organisasjonsform: orgform(api, o),
        navn: [o.navn],
        erSlettet: false,
        _links: { self: link(`${api}/enheter/${o.orgnr}`) },
      };
    }
    if (rolle.person || rolle.enhet) group.roller.push(rolle);
  }
  const rollegrupper = [...groups.values()].sort((a, b) => GROUP_ORDER.indexOf(a.type.kode) - GROUP_ORDER.indexOf(b.type.kode));
  return { rollegrupper, _links: { self: link(`${api}/enheter/${orgnr}/roller`), enhet: link(`${api}/enheter/${orgnr}`) } };
}

/**
 * The registered name of an organisation (enhet or underenhet), or undefined when unknown.
 * For in-process callers such as the CLI, which reach the registers tables through this
 * component's entry point.
 */
export async function findOrganisationName(db: Database, orgnr: string): Promise<string | undefined> {
  return (await findOrganisation(db, orgnr))?.navn;
}
