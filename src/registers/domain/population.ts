/**
 * The synthetic population: persons (Folkeregisteret), organisations and roles
 * (Enhetsregisteret), generated deterministically from a seed and written in chunks.
 *
 * Determinism: persons come from the stream `createRng(seed + ':persons')`, organisations and
 * roles from `createRng(seed + ':organisations')`, so the same seed gives the same rows, and the
 * first N persons of a seed are the same whatever the total. Nothing is held for the whole
 * population except a set of the numbers already used (to keep pids / orgnrs unique) and a
 * pool of at most {@link ROLE_HOLDER_POOL} adult residents who hold roles.
 *
 * Proportions are documented in `src/registers/README.md` ("Seed proportions").
 *
 * Crash safety: a `registers_seed_state` row is written before the first chunk and marked
 * complete after the last. Each chunk is one transaction and refreshes the row's heartbeat.
 * A seed whose heartbeat is older than {@link SEED_STALE_MS} and that never completed is
 * treated as crashed: the next `seedPopulation` deletes its rows and starts again (the seed is
 * deterministic, so restarting gives the same population as finishing would have).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { createRng, generateFodselsnummer, generateOrganisasjonsnummer } from '../../platform/identifiers/index.ts';
import { registersError } from '../errors.ts';
import { insertRows } from '../store/bulk-insert.ts';
import {
  claimSeedState,
  clearStaleSeed,
  completeSeedState,
  findSeedState,
  hasAnyRows,
  touchSeedState,
} from '../store/registers-store.ts';
import type { OrganisationRow, PersonRow, PersonStatus, RegistersDb, RoleRow, SeedStateRow } from '../store/tables.ts';
import { FIXED_ORGANISATIONS } from './public-agencies.ts';
import {
  ACCOUNTING_INDUSTRY,
  AUDIT_INDUSTRY,
  FAMILY_NAMES,
  FEMALE_GIVEN_NAMES,
  FOREIGN_ADDRESSES,
  INDUSTRIES,
  MALE_GIVEN_NAMES,
  NAME_WORDS,
  NONPROFIT_INDUSTRIES,
  ORGANISASJONSFORMER,
  POSTAL_AREAS,
  SEKTORKODER,
  STREET_NAMES,
  type Industry,
  type PostalArea,
} from './reference-data.ts';

/** Persons written per transaction. */
const PERSON_CHUNK = 5000;
/** Organisations (with their roles) written per transaction. */
const ORG_CHUNK = 2000;
/** At most this many adult residents are kept as role holders. */
export const ROLE_HOLDER_POOL = 20_000;
/** An unfinished seed whose heartbeat is older than this (ms) is considered crashed. */
export const SEED_STALE_MS = 60_000;

/**
 * How to get an empty database to seed again, for the `REGISTERS_ALREADY_SEEDED` message (and
 * the front page): a seed never overwrites a population.
 */
export const EMPTY_DATABASE_HINT =
  'To seed again, start from an empty database: stop Grunnmur and delete ./data/grunnmur.db (the default DATABASE_URL is sqlite:./data/grunnmur.db), or point DATABASE_URL at an empty database.';

/** Options of {@link seedPopulation}. */
export interface SeedPopulationOptions {
  /** Persons to generate (≥ 0). */
  persons: number;
  /** Organisations to generate (≥ 0; hovedenheter and underenheter together), on top of the fixed ones. */
  orgs: number;
  /** Seed string; the same seed gives the same population. */
  seed: string;
  /** Called after every committed chunk with rows written so far and the total to write. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called once this call has claimed the seed (any crashed seed cleared), before the first
   * chunk is written: from here on the call seeds, unless it fails.
   */
  onClaimed?: () => void;
}

/** Rows written by {@link seedPopulation}. */
export interface SeedResult {
  persons: number;
  /** Fixed organisations plus generated ones. */
  organisations: number;
  roles: number;
}

/**
 * Where the seed stands, for `grunnmur seed`, the first-start seeder and readiness. Times are
 * epoch ms; `startedAt` identifies one seed attempt (it is the claim time of the state row).
 */
export type SeedStatus =
  | { state: 'empty' }
  | { state: 'complete'; seed: string; completedAt: number }
  | { state: 'in-progress'; seed: string; startedAt: number; heartbeatAt: number }
  | { state: 'crashed'; seed: string; startedAt: number; heartbeatAt: number }
  | { state: 'foreign-rows' };

/**
 * Reports whether the registers are empty, seeded, being seeded, left half-seeded by a crash,
 * or hold rows that no seed wrote.
 *
 * @param now epoch ms (default `Date.now()`)
 */
export async function getSeedStatus(db: Database, now = Date.now()): Promise<SeedStatus> {
  const state = await findSeedState(db);
  if (state) return describeState(state, now);
  return (await hasAnyRows(db)) ? { state: 'foreign-rows' } : { state: 'empty' };
}

function describeState(state: SeedStateRow, now: number): SeedStatus {
  if (state.completed_at !== null) return { state: 'complete', seed: state.seed, completedAt: state.completed_at };
  return now - state.heartbeat_at > SEED_STALE_MS
    ? { state: 'crashed', seed: state.seed, startedAt: state.started_at, heartbeatAt: state.heartbeat_at }
    : { state: 'in-progress', seed: state.seed, startedAt: state.started_at, heartbeatAt: state.heartbeat_at };
}

/**
 * Fills the registers with a synthetic population: `persons` persons, the fixed public
 * agencies and Grunnmur's mailbox and print providers, `orgs` generated organisations, and the
 * roles between them. Deterministic from `seed`; written in chunked multi-row inserts, one
 * transaction per chunk.
 *
 * A crashed earlier seed (never completed, heartbeat older than 60 s) is cleared and restarted.
 *
 * @returns rows written
 * @throws AppError `REGISTERS_INVALID_SEED_OPTIONS` (400) for negative or non-integer counts or
 *   an empty seed; `REGISTERS_ALREADY_SEEDED` (409) when a seed completed, or when the tables
 *   hold rows that no seed wrote; `REGISTERS_SEED_IN_PROGRESS` (409) when another process is
 *   seeding (fresh heartbeat) or claimed the seed first
 */
export async function seedPopulation(db: Database, options: SeedPopulationOptions): Promise<SeedResult> {
  const { persons, orgs, seed } = options;
  const problems: string[] = [];
  if (!Number.isInteger(persons) || persons < 0) problems.push('persons must be an integer ≥ 0');
  if (!Number.isInteger(orgs) || orgs < 0) problems.push('orgs must be an integer ≥ 0');
  if (typeof seed !== 'string' || seed.length === 0) problems.push('seed must be a non-empty string');
  if (problems.length > 0) throw registersError('REGISTERS_INVALID_SEED_OPTIONS', `Invalid seed options: ${problems.join('; ')}`);

  const now = Date.now();
  const status = await getSeedStatus(db, now);
  switch (status.state) {
    case 'complete':
      throw registersError('REGISTERS_ALREADY_SEEDED', `The registers are already seeded (seed "${status.seed}"). ${EMPTY_DATABASE_HINT}`);
    case 'foreign-rows':
      throw registersError('REGISTERS_ALREADY_SEEDED', `The registers already hold persons or organisations. ${EMPTY_DATABASE_HINT}`);
    case 'in-progress':
      throw registersError('REGISTERS_SEED_IN_PROGRESS', `Another process is seeding the registers (seed "${status.seed}")`);
    case 'crashed':
      if (!(await clearStaleSeed(db, status.heartbeatAt))) {
        throw registersError('REGISTERS_SEED_IN_PROGRESS', 'Another process is restarting the crashed seed');
      }
      break;
    case 'empty':
      break;
  }
  const claimed = await claimSeedState(db, { seed, persons_target: persons, orgs_target: orgs, started_at: now, heartbeat_at: now });
  if (!claimed) throw registersError('REGISTERS_SEED_IN_PROGRESS', 'Another process claimed the seed first');
  options.onClaimed?.();

  const total = persons + orgs + FIXED_ORGANISATIONS.length;
  let done = 0;
  const kysely = db.kysely as RegistersDb;
  const writeChunk = async (fn: (trx: Kysely<any>) => Promise<void>): Promise<void> => {
    await kysely.transaction().execute(async (trx) => {
      await fn(trx);
      await touchSeedState(trx, Date.now());
    });
  };

  // Persons.
  const personGen = new PersonGenerator(seed);
  let personRows: unknown[][] = [];
  for (let i = 0; i < persons; i++) {
    personRows.push(personValues(personGen.next()));
    if (personRows.length === PERSON_CHUNK || i === persons - 1) {
      const chunk = personRows;
      personRows = [];
      await writeChunk((trx) => insertRows(trx, db.engine, 'registers_persons', PERSON_COLUMNS, chunk));
      done += chunk.length;
      options.onProgress?.(done, total);
    }
  }

  // Organisations and roles.
  const orgGen = new OrganisationGenerator(seed, personGen.pool);
  let orgRows: unknown[][] = [];
  let roleRows: unknown[][] = [];
  let organisations = 0;
  let roles = 0;
  const flush = async (): Promise<void> => {
    if (orgRows.length === 0) return;
    const o = orgRows;
    const r = roleRows;
    orgRows = [];
    roleRows = [];
    await writeChunk(async (trx) => {
      await insertRows(trx, db.engine, 'registers_organisations', ORGANISATION_COLUMNS, o);
      await insertRows(trx, db.engine, 'registers_roles', ROLE_COLUMNS, r);
    });
    done += o.length;
    options.onProgress?.(done, total);
  };
  for (const generated of orgGen.generate(orgs, now)) {
    orgRows.push(organisationValues(generated.organisation));
    for (const role of generated.roles) roleRows.push(roleValues(role));
    organisations++;
    roles += generated.roles.length;
    if (orgRows.length >= ORG_CHUNK) await flush();
  }
  await flush();

  await completeSeedState(db, Date.now());
  return { persons, organisations, roles };
}

// ---------------------------------------------------------------------------------------------
// Persons

const PERSON_COLUMNS = [
  'pid', 'given_name', 'middle_name', 'family_name', 'birth_date', 'gender', 'status', 'status_date',
  'adressenavn', 'husnummer', 'husbokstav', 'postnummer', 'poststed', 'kommunenummer',
  'utland_adressenavn', 'utland_postkode', 'utland_by', 'utland_landkode', 'created_at',
] as const satisfies ReadonlyArray<keyof PersonRow>;

function personValues(p: PersonRow): unknown[] {
  return PERSON_COLUMNS.map((c) => p[c]);
}

const DAY_MS = 86_400_000;
const FIRST_BIRTH_YEAR = 1930;
const LAST_BIRTH_YEAR = 2008;
/** The "today" of the synthetic world: status dates and registration dates end here. */
const WORLD_END = Date.UTC(2024, 11, 31);

/** Birth-year weights: fewer persons born before 1950 (mortality), flat after. */
const BIRTH_YEAR_CUMULATIVE: number[] = (() => {
  const weights: number[] = [];
  for (let y = FIRST_BIRTH_YEAR; y <= LAST_BIRTH_YEAR; y++) {
    weights.push(y >= 1950 ? 1 : 0.15 + (0.85 * (y - FIRST_BIRTH_YEAR)) / 20);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / sum));
})();

const POSTAL_CUMULATIVE: number[] = (() => {
  const sum = POSTAL_AREAS.reduce((a, p) => a + p.weight, 0);
  let acc = 0;
  return POSTAL_AREAS.map((p) => (acc += p.weight / sum));
})();

function pickCumulative(cumulative: readonly number[], r: number): number {
  for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return i;
  return cumulative.length - 1;
}

function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.min(list.length - 1, Math.floor(rng() * list.length))]!;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function randomDayBetween(rng: () => number, fromMs: number, toMs: number): string {
  const days = Math.max(0, Math.floor((toMs - fromMs) / DAY_MS));
  return isoDay(fromMs + Math.floor(rng() * (days + 1)) * DAY_MS);
}

function randomPostalArea(rng: () => number): PostalArea {
  return POSTAL_AREAS[pickCumulative(POSTAL_CUMULATIVE, rng())]!;
}

/** An adult resident who may hold roles in organisations. */
export interface RoleHolder {
  pid: string;
  /** "GIVEN FAMILY", upper case, for ENK/ANS names. */
  name: string;
  familyName: string;
}

/**
 * One person of the synthetic population, as another component may derive its own register from
 * it (KRR's contact register): the same persons, in the same order, as {@link seedPopulation}
 * writes to Folkeregisteret for the same seed.
 */
export interface SyntheticPerson {
  /** Fødselsnummer or D-number, 11 digits. */
  pid: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  /** Folkeregisteret personstatus. */
  status: PersonStatus;
}

/**
 * The first `count` persons of the population of `seed`, generated without any I/O: exactly the
 * persons (pid, names, birth date, status) {@link seedPopulation} writes for that seed, whatever
 * its total. Lets a component seed its own tables for the same population without reading the
 * registers' tables (components meet only at their public APIs) and without the registers being
 * served by the same process.
 *
 * @param seed the seed string (`SEED`)
 * @param count persons to generate (≥ 0)
 */
export function* syntheticPersons(seed: string, count: number): Generator<SyntheticPerson> {
  const gen = new PersonGenerator(seed);
  for (let i = 0; i < count; i++) {
    const p = gen.next();
    yield { pid: p.pid, givenName: p.given_name, familyName: p.family_name, birthDate: p.birth_date, status: p.status };
  }
}

/** Generates persons one at a time from the seed's person stream. */
class PersonGenerator {
  readonly #rng: () => number;
  readonly #used = new Set<number>();
  /** Adult bosatt FNR persons, in generation order, at most {@link ROLE_HOLDER_POOL}. */
  readonly pool: RoleHolder[] = [];

  constructor(seed: string) {
    this.#rng = createRng(`${seed}:persons`);
  }

  next(): PersonRow {
    const rng = this.#rng;
    const year = FIRST_BIRTH_YEAR + pickCumulative(BIRTH_YEAR_CUMULATIVE, rng());
    const yearStart = Date.UTC(year, 0, 1);
    const birthMs = yearStart + Math.floor(rng() * ((Date.UTC(year + 1, 0, 1) - yearStart) / DAY_MS)) * DAY_MS;
    const birthDate = isoDay(birthMs);
    const gender: 'female' | 'male' = rng() < 0.5 ? 'female' : 'male';
    const type: 'FNR' | 'DNR' = rng() < 0.03 ? 'DNR' : 'FNR';
    let pid = generateFodselsnummer(rng, { birthDate, type, synthetic: 'tenor', gender });
    while (this.#used.has(Number(pid))) pid = generateFodselsnummer(rng, { birthDate, type, synthetic: 'tenor', gender });
    this.#used.add(Number(pid));

    const given = pick(rng, gender === 'female' ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES);
    const middle = rng() < 0.15 ? pick(rng, FAMILY_NAMES) : null;
    let family: string = pick(rng, FAMILY_NAMES);
    if (family === middle) family = pick(rng, FAMILY_NAMES);

    const s = rng();
    let status: PersonStatus = s < 0.95 ? 'bosatt' : s < 0.98 ? 'utflyttet' : 'doed';
    if (type === 'DNR' && status !== 'doed') status = status === 'bosatt' && rng() < 0.8 ? 'midlertidig' : 'inaktiv';
    let statusDate: string | null = null;
    if (status === 'doed') statusDate = randomDayBetween(rng, Math.max(birthMs + DAY_MS, Date.UTC(1990, 0, 1)), WORLD_END);
    if (status === 'utflyttet') statusDate = randomDayBetween(rng, Math.min(birthMs + 18 * 365 * DAY_MS, WORLD_END), WORLD_END);

    const row: PersonRow = {
      pid,
      given_name: given,
      middle_name: middle,
      family_name: family,
      birth_date: birthDate,
      gender,
      status,
      status_date: statusDate,
      adressenavn: null,
      husnummer: null,
      husbokstav: null,
      postnummer: null,
      poststed: null,
      kommunenummer: null,
      utland_adressenavn: null,
      utland_postkode: null,
      utland_by: null,
      utland_landkode: null,
      created_at: Date.now(),
    };
    if (status === 'utflyttet') {
      const a = pick(rng, FOREIGN_ADDRESSES);
      row.utland_adressenavn = a.adressenavn;
      row.utland_postkode = a.postkode;
      row.utland_by = a.byEllerStedsnavn;
      row.utland_landkode = a.landkode;
    } else {
      const area = randomPostalArea(rng);
      row.adressenavn = pick(rng, STREET_NAMES);
      row.husnummer = 1 + Math.floor(rng() * rng() * 120);
      row.husbokstav = rng() < 0.1 ? pick(rng, ['A', 'B', 'C']) : null;
      row.postnummer = area.postnummer;
      row.poststed = area.poststed;
      row.kommunenummer = area.kommunenummer;
    }
    if (status === 'bosatt' && type === 'FNR' && year >= 1945 && year <= 2004 && this.pool.length < ROLE_HOLDER_POOL) {
      this.pool.push({ pid, name: `${given} ${family}`.toUpperCase(), familyName: family.toUpperCase() });
    }
    return row;
  }
}

// ---------------------------------------------------------------------------------------------
// Organisations and roles

const ORGANISATION_COLUMNS = [
  'orgnr', 'navn', 'navn_sok', 'organisasjonsform', 'organisasjonsform_beskrivelse', 'er_underenhet',
  'naeringskode', 'naeringskode_beskrivelse', 'sektorkode', 'sektorkode_beskrivelse',
  'adresse', 'postnummer', 'poststed', 'kommune', 'kommunenummer',
  'post_adresse', 'post_postnummer', 'post_poststed', 'post_kommune', 'post_kommunenummer',
  'overordnet_enhet', 'registreringsdato', 'antall_ansatte', 'hjemmeside', 'is_public_agency', 'grunnmur_role',
  'registrert_i_mvaregisteret', 'registrert_i_foretaksregisteret', 'konkurs', 'under_avvikling', 'under_tvangsavvikling',
  'created_at',
] as const satisfies ReadonlyArray<keyof OrganisationRow>;

function organisationValues(o: OrganisationRow): unknown[] {
  return ORGANISATION_COLUMNS.map((c) => o[c]);
}

const ROLE_COLUMNS = ['orgnr', 'rolle', 'rekkefolge', 'person_pid', 'enhet_orgnr', 'fratraadt', 'sist_endret'] as const satisfies ReadonlyArray<
  keyof RoleRow
>;

function roleValues(r: RoleRow): unknown[] {
  return ROLE_COLUMNS.map((c) => r[c]);
}

/** Weights of organisasjonsform among generated hovedenheter (after the first audit/accounting firms). */
const FORM_WEIGHTS: ReadonlyArray<[string, number]> = [
  ['AS', 0.6],
  ['ASA', 0.005],
  ['ENK', 0.2],
  ['ANS', 0.025],
  ['DA', 0.01],
  ['SA', 0.03],
  ['STI', 0.03],
  ['FLI', 0.1],
];
const FORM_CUMULATIVE: number[] = (() => {
  const sum = FORM_WEIGHTS.reduce((a, [, w]) => a + w, 0);
  let acc = 0;
  return FORM_WEIGHTS.map(([, w]) => (acc += w / sum));
})();

const SECTOR_BY_FORM: Readonly<Record<string, string>> = {
  AS: '2100', ASA: '2100', ENK: '8200', ANS: '2500', DA: '2500', SA: '2100', STI: '7000', FLI: '7000',
};

/** One generated organisation and its roles. */
interface GeneratedOrganisation {
  organisation: OrganisationRow;
  roles: RoleRow[];
}

/** Generates the fixed organisations, then `count` more, from the seed's organisation stream. */
class OrganisationGenerator {
  readonly #rng: () => number;
  readonly #pool: readonly RoleHolder[];
  readonly #used = new Set<number>(FIXED_ORGANISATIONS.map((o) => Number(o.orgnr)));
  /** Orgnrs of generated audit firms (REVI holders) and accounting firms (REGN holders). */
  readonly #auditors: string[] = [];
  readonly #accountants: string[] = [];

  constructor(seed: string, pool: readonly RoleHolder[]) {
    this.#rng = createRng(`${seed}:organisations`);
    this.#pool = pool;
  }

  *generate(count: number, now: number): Generator<GeneratedOrganisation> {
    const rng = this.#rng;
    for (const f of FIXED_ORGANISATIONS) {
      const organisation: OrganisationRow = {
        orgnr: f.orgnr,
        navn: f.navn,
        navn_sok: f.navn.toLowerCase(),
        organisasjonsform: f.organisasjonsform,
        organisasjonsform_beskrivelse: ORGANISASJONSFORMER[f.organisasjonsform] ?? f.organisasjonsform,
        er_underenhet: f.er_underenhet ? 1 : 0,
        naeringskode: f.naeringskode,
        naeringskode_beskrivelse: f.naeringskode_beskrivelse,
        sektorkode: f.sektorkode,
        sektorkode_beskrivelse: f.sektorkode ? (SEKTORKODER[f.sektorkode] ?? null) : null,
        adresse: f.adresse,
        postnummer: f.postnummer,
        poststed: f.poststed,
        kommune: f.kommune,
        kommunenummer: f.kommunenummer,
        post_adresse: null,
        post_postnummer: null,
        post_poststed: null,
        post_kommune: null,
        post_kommunenummer: null,
        overordnet_enhet: f.overordnet_enhet,
        registreringsdato: f.registreringsdato,
        antall_ansatte: f.antall_ansatte,
        hjemmeside: f.hjemmeside,
        is_public_agency: f.is_public_agency ? 1 : 0,
        grunnmur_role: f.grunnmur_role,
        registrert_i_mvaregisteret: f.organisasjonsform === 'AS' ? 1 : 0,
        registrert_i_foretaksregisteret: f.organisasjonsform === 'AS' ? 1 : 0,
        konkurs: 0,
        under_avvikling: 0,
        under_tvangsavvikling: 0,
        created_at: now,
      };
      const roles: RoleRow[] = [];
      if (!f.er_underenhet && this.#pool.length > 0) {
        roles.push(this.#role(f.orgnr, 'DAGL', 0, this.#holder().pid, null, f.registreringsdato));
      }
      yield { organisation, roles };
    }

    const firms = count === 0 ? 0 : Math.max(2, Math.floor(count * 0.02));
    let produced = 0;
    while (produced < count) {
      const form = produced < firms ? 'AS' : FORM_WEIGHTS[pickCumulative(FORM_CUMULATIVE, rng())]![0];
      const industry: Industry =
        produced < firms
          ? produced % 2 === 0
            ? AUDIT_INDUSTRY
            : ACCOUNTING_INDUSTRY
          : form === 'STI' || form === 'FLI'
            ? pick(rng, NONPROFIT_INDUSTRIES)
            : pick(rng, INDUSTRIES);
      const parent = this.#hovedenhet(form, industry, now);
      if (industry === AUDIT_INDUSTRY) this.#auditors.push(parent.organisation.orgnr);
      if (industry === ACCOUNTING_INDUSTRY) this.#accountants.push(parent.organisation.orgnr);
      yield parent;
      produced++;

      const underenhetChance = form === 'AS' || form === 'ASA' || form === 'SA' ? 0.25 : form === 'ENK' ? 0.05 : 0.05;
      if (rng() < underenhetChance) {
        const n = 1 + Math.floor(rng() * rng() * 3);
        for (let j = 0; j < n && produced < count; j++) {
          yield { organisation: this.#underenhet(parent.organisation, now), roles: [] };
          produced++;
        }
      }
    }
  }

  #orgnr(): string {
    let orgnr = generateOrganisasjonsnummer(this.#rng, { firstDigit: 9 });
    while (this.#used.has(Number(orgnr))) orgnr = generateOrganisasjonsnummer(this.#rng, { firstDigit: 9 });
    this.#used.add(Number(orgnr));
    return orgnr;
  }

  #holder(): RoleHolder {
    return pick(this.#rng, this.#pool);
  }

  #role(orgnr: string, rolle: string, rekkefolge: number, pid: string | null, enhet: string | null, from: string): RoleRow {
    return {
      orgnr,
      rolle,
      rekkefolge,
      person_pid: pid,
      enhet_orgnr: enhet,
      fratraadt: 0,
      sist_endret: randomDayBetween(this.#rng, Date.parse(from), WORLD_END),
    };
  }

  #hovedenhet(form: string, industry: Industry, now: number): GeneratedOrganisation {
    const rng = this.#rng;
    const orgnr = this.#orgnr();
    const hasPool = this.#pool.length > 0;
    const owner = hasPool ? this.#holder() : null;
    const partner = hasPool ? this.#holder() : null;
    const place = rng() < 0.5 ? pick(rng, NAME_WORDS) : pick(rng, FAMILY_NAMES).toUpperCase();
    const area = randomPostalArea(rng);
    let navn: string;
    switch (form) {
      case 'ENK':
        navn = `${owner ? owner.name : place} ${industry.word}`;
        break;
      case 'ANS':
      case 'DA':
        navn = `${owner ? owner.familyName : place} & ${partner ? partner.familyName : pick(rng, NAME_WORDS)} ${industry.word} ${form}`;
        break;
      case 'SA':
        navn = `${place} SAMVIRKELAG SA`;
        break;
      case 'STI':
        navn = `STIFTELSEN ${place} ${area.poststed}`;
        break;
      case 'FLI':
        navn = `${area.poststed} ${industry.word === 'STIFTELSEN' ? 'VELFORENING' : industry.word}`;
        break;
      default:
        navn = `${place} ${industry.word} ${form}`;
    }
    const registreringsdato = randomDayBetween(rng, Date.UTC(1995, 0, 1), WORLD_END);
    const business = form !== 'STI' && form !== 'FLI';
    const employees =
      form === 'ENK' ? (rng() < 0.2 ? 1 : 0) : business ? Math.floor(rng() * rng() * rng() * 250) : Math.floor(rng() * 4);
    const company = form === 'AS' || form === 'ASA';
    const post = rng() < 0.2;
    const sektorkode = SECTOR_BY_FORM[form] ?? null;
    const organisation: OrganisationRow = {
      orgnr,
      navn,
      navn_sok: navn.toLowerCase(),
      organisasjonsform: form,
      organisasjonsform_beskrivelse: ORGANISASJONSFORMER[form] ?? form,
      er_underenhet: 0,
      naeringskode: industry.kode,
      naeringskode_beskrivelse: industry.beskrivelse,
      sektorkode,
      sektorkode_beskrivelse: sektorkode ? (SEKTORKODER[sektorkode] ?? null) : null,
      adresse: `${pick(rng, STREET_NAMES)} ${1 + Math.floor(rng() * 80)}`,
      postnummer: area.postnummer,
      poststed: area.poststed,
      kommune: area.kommune,
      kommunenummer: area.kommunenummer,
      post_adresse: post ? `Postboks ${1 + Math.floor(rng() * 9000)}` : null,
      post_postnummer: post ? area.postnummer : null,
      post_poststed: post ? area.poststed : null,
      post_kommune: post ? area.kommune : null,
      post_kommunenummer: post ? area.kommunenummer : null,
      overordnet_enhet: null,
      registreringsdato,
      antall_ansatte: employees,
      hjemmeside: company && rng() < 0.3 ? `www.${slug(navn)}.no` : null,
      is_public_agency: 0,
      grunnmur_role: null,
      registrert_i_mvaregisteret: business && rng() < (form === 'ENK' ? 0.5 : 0.85) ? 1 : 0,
      registrert_i_foretaksregisteret: business && (form !== 'ENK' || rng() < 0.4) ? 1 : 0,
      konkurs: business && rng() < 0.01 ? 1 : 0,
      under_avvikling: company && rng() < 0.02 ? 1 : 0,
      under_tvangsavvikling: company && rng() < 0.005 ? 1 : 0,
      created_at: now,
    };
    return { organisation, roles: this.#rolesFor(orgnr, form, registreringsdato, owner, partner) };
  }

  #rolesFor(orgnr: string, form: string, from: string, owner: RoleHolder | null, partner: RoleHolder | null): RoleRow[] {
    const rng = this.#rng;
    const roles: RoleRow[] = [];
    const taken = new Set<string>();
    const person = (): string | null => {
      if (this.#pool.length === 0) return null;
      for (let attempt = 0; attempt < 4; attempt++) {
        const pid = this.#holder().pid;
        if (!taken.has(pid)) {
          taken.add(pid);
          return pid;
        }
      }
      return null;
    };
    const add = (rolle: string, rekkefolge: number, pid: string | null, enhet: string | null = null): void => {
      if (pid !== null || enhet !== null) roles.push(this.#role(orgnr, rolle, rekkefolge, pid, enhet, from));
    };
    const board = (members: number, vara: number, nestleder: boolean): void => {
      let order = 0;
      add('LEDE', order++, person());
      if (nestleder) add('NEST', order++, person());
      for (let i = 0; i < members; i++) add('MEDL', order++, person());
      for (let i = 0; i < vara; i++) add('VARA', order++, person());
    };
    const auditor = (): void => {
      if (this.#auditors.length > 0 && !this.#auditors.includes(orgnr)) add('REVI', 0, null, pick(rng, this.#auditors));
    };
    const accountant = (): void => {
      if (this.#accountants.length > 0 && !this.#accountants.includes(orgnr) && rng() < 0.85) add('REGN', 0, null, pick(rng, this.#accountants));
      else add('REGN', 0, person());
    };
    if (owner) taken.add(owner.pid);
    if (partner) taken.add(partner.pid);
    switch (form) {
      case 'AS':
      case 'ASA':
        if (rng() < 0.9) add('DAGL', 0, person());
        board(Math.floor(rng() * 4), rng() < 0.4 ? 1 : 0, rng() < 0.2);
        if (form === 'ASA' || rng() < 0.6) auditor();
        if (rng() < 0.6) accountant();
        break;
      case 'ENK':
        add('INNH', 0, owner?.pid ?? null);
        if (rng() < 0.3) accountant();
        break;
      case 'ANS':
      case 'DA': {
        const code = form === 'ANS' ? 'DTSO' : 'DTPR';
        add(code, 0, owner?.pid ?? null);
        if (partner && partner.pid !== owner?.pid) add(code, 1, partner.pid);
        if (rng() < 0.3) add('DAGL', 0, person());
        break;
      }
      case 'SA':
        if (rng() < 0.7) add('DAGL', 0, person());
        board(2, 1, false);
        if (rng() < 0.8) auditor();
        break;
      case 'STI':
        if (rng() < 0.4) add('DAGL', 0, person());
        board(2, 0, false);
        auditor();
        break;
      case 'FLI':
        board(Math.floor(rng() * 4), 0, false);
        if (rng() < 0.4) add('KONT', 0, person());
        break;
    }
    return roles;
  }

  #underenhet(parent: OrganisationRow, now: number): OrganisationRow {
    const rng = this.#rng;
    const area = randomPostalArea(rng);
    const form = parent.organisasjonsform === 'STI' || parent.organisasjonsform === 'FLI' ? 'AAFY' : 'BEDR';
    const navn = rng() < 0.5 ? parent.navn : `${parent.navn} AVD ${area.poststed}`;
    return {
      ...parent,
      orgnr: this.#orgnr(),
      navn,
      navn_sok: navn.toLowerCase(),
      organisasjonsform: form,
      organisasjonsform_beskrivelse: ORGANISASJONSFORMER[form] ?? form,
      er_underenhet: 1,
      sektorkode: null,
      sektorkode_beskrivelse: null,
      adresse: `${pick(rng, STREET_NAMES)} ${1 + Math.floor(rng() * 80)}`,
      postnummer: area.postnummer,
      poststed: area.poststed,
      kommune: area.kommune,
      kommunenummer: area.kommunenummer,
      post_adresse: null,
      post_postnummer: null,
      post_poststed: null,
      post_kommune: null,
      post_kommunenummer: null,
      overordnet_enhet: parent.orgnr,
      registreringsdato: randomDayBetween(rng, Date.parse(parent.registreringsdato), WORLD_END),
      antall_ansatte: Math.floor((parent.antall_ansatte ?? 0) * rng() * 0.5),
      registrert_i_foretaksregisteret: 0,
      konkurs: 0,
      under_avvikling: 0,
      under_tvangsavvikling: 0,
      created_at: now,
    };
  }
}

function slug(navn: string): string {
  return navn
    .toLowerCase()
    .replace(/\s+(as|asa)$/, '')
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'o')
    .replaceAll('å', 'a')
    .replaceAll('é', 'e')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
