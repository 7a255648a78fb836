/**
 * KRR's synthetic register, derived from the registers component's population: the same persons
 * (`syntheticPersons(seed, n)`, the persons `seedPopulation` writes to Folkeregisteret for that
 * seed), with contact data, reservations, languages and mailboxes drawn from
 * `createRng(seed + ':krr')`. Deterministic for a seed and a seed time: every timestamp is an
 * offset back from `now`, so the shares below (stale data, …) hold on the day of seeding.
 *
 * Shares (of all persons; documented in `src/krr/README.md`, "Seed"):
 * - dead in Folkeregisteret (≈ 2 %) → `SLETTET`; of the living: 4 % not in the register
 *   (`IKKE_REGISTRERT`), 1 % `SLETTET`, the rest `AKTIV`;
 * - `AKTIV`: 5 % reserved (`JA`); e-mail 93 %, mobile 96 %; 12 % with both channels older than
 *   18 months, 5 % only the e-mail, 3 % only the mobile; 1.5 % of addresses `_duplisert`;
 *   language nb 86 % / nn 9 % / en 4 % / se 1 % (8 % never chose one);
 *   not reserved: a Digipost mailbox 45 %, e-Boks 15 %, none 40 %.
 *
 * Addresses are safe to send to: e-mail under the IANA-reserved `example.com`/`.net`/`.org`;
 * mobile numbers are random Norwegian-looking `+474…`/`+479…` numbers (with a real SMS gateway
 * configured, do not send to the seeded numbers).
 *
 * @see specs/krr-dpi-esign.md §1; ARCHITECTURE.md "Synthetic population and test PKI"
 */
import type { Database } from '../../platform/db/database.ts';
import { createRng } from '../../platform/identifiers/index.ts';
import { EBOKS_ORGNR, POSTEN_BRING_ORGNR, syntheticPersons, type SyntheticPerson } from '../../registers/index.ts';
import { krrError } from '../errors.ts';
import { claimSeedState, hasPersons, insertPersons, krrDb } from '../store/krr-store.ts';
import type { KrrPersonRow } from '../store/tables.ts';
import { emptyPersonRow } from './person-row.ts';

const DAY_MS = 86_400_000;
/** Stale timestamps are at least this many days old (18 months is at most 549 days). */
const STALE_MIN_DAYS = 580;
/** Fresh confirmations are at most this many days old. */
const FRESH_MAX_DAYS = 500;
/** Rows generated before they are written. */
const CHUNK = 5000;

/** Options of {@link seedKrr}. */
export interface SeedKrrOptions {
  /** Persons of the population to derive the register from (`SEED_PERSONS`; ≥ 0). */
  persons: number;
  /** The population's seed (`SEED`). */
  seed: string;
  /** Seed time, epoch ms (default now): timestamps are drawn back from it. */
  now?: number;
}

/** What {@link seedKrr} did. */
export interface SeedKrrResult {
  /** False when the register was seeded before (or holds rows no seed wrote): nothing written. */
  seeded: boolean;
  aktiv: number;
  slettet: number;
  ikkeRegistrert: number;
  reservert: number;
  medPostkasse: number;
}

/**
 * Seeds the register once, in one transaction (a crash leaves nothing; two processes racing on
 * the seed-state row write it once).
 *
 * @throws AppError `KRR_INVALID_SEED_OPTIONS` (400) for a negative or fractional count or an empty seed
 */
export async function seedKrr(db: Database, options: SeedKrrOptions): Promise<SeedKrrResult> {
  const { persons, seed } = options;
  if (!Number.isInteger(persons) || persons < 0 || seed.length === 0) {
    throw krrError('KRR_INVALID_SEED_OPTIONS', 'persons must be an integer ≥ 0 and seed non-empty');
  }
  const now = options.now ?? Date.now();
  const result: SeedKrrResult = { seeded: false, aktiv: 0, slettet: 0, ikkeRegistrert: 0, reservert: 0, medPostkasse: 0 };
  return krrDb(db)
    .transaction()
    .execute(async (trx) => {
      if (!(await claimSeedState(trx, { id: 1, seed, persons, completed_at: now }))) return result;
      if (await hasPersons(trx)) throw new ForeignRows();
      let chunk: KrrPersonRow[] = [];
      for (const row of krrRegister(seed, persons, now)) {
        if (row === null) {
          result.ikkeRegistrert++;
          continue;
        }
        if (row.status === 'AKTIV') result.aktiv++;
        else result.slettet++;
        if (row.reservasjon === 'JA') result.reservert++;
        if (row.postkasseadresse !== null) result.medPostkasse++;
        chunk.push(row);
        if (chunk.length >= CHUNK) {
          await insertPersons(trx, chunk);
          chunk = [];
        }
      }
      await insertPersons(trx, chunk);
      result.seeded = true;
      return result;
    })
    .catch((err: unknown) => {
      // Rows no seed wrote: leave them (and the state) alone; the transaction was rolled back.
      if (err instanceof ForeignRows) return result;
      throw err;
    });
}

class ForeignRows extends Error {}

/**
 * The register's rows for the first `count` persons of the population of `seed`, in population
 * order: a row, or null for a person not in the register. Pure (no I/O).
 *
 * @param now epoch ms the timestamps are drawn back from
 */
export function* krrRegister(seed: string, count: number, now: number): Generator<KrrPersonRow | null> {
  const rng = createRng(`${seed}:krr`);
  const daysAgo = (min: number, max: number): number => now - Math.floor((min + rng() * (max - min)) * DAY_MS);
  for (const person of syntheticPersons(seed, count)) {
    const r = rng();
    if (person.status !== 'doed' && r < 0.04) {
      yield null;
      continue;
    }
    const row = emptyPersonRow(person.pid, now);
    if (person.status === 'doed' || r < 0.05) {
      row.status = 'SLETTET';
      yield row;
      continue;
    }
    const reserved = rng() < 0.05;
    if (reserved) {
      row.reservasjon = 'JA';
      row.reservasjonstidspunkt = daysAgo(30, 8 * 365);
      row.reservasjon_oppdatert = row.reservasjonstidspunkt;
    } else if (rng() < 0.03) {
      row.reservasjon_oppdatert = daysAgo(30, 8 * 365); // withdrew an earlier reservation
    }
    const f = rng();
    const emailStale = f < 0.17;
    const mobileStale = f < 0.12 || (f >= 0.17 && f < 0.2);
    if (rng() < 0.93) {
      const c = channel(emailStale);
      row.epostadresse = emailAddress(person, rng);
      row.epostadresse_oppdatert = c.oppdatert;
      row.epostadresse_sist_verifisert = c.verifisert;
      row.epostadresse_sist_validert = c.validert;
      row.epostadresse_duplisert = rng() < 0.015 ? 1 : 0;
    }
    if (rng() < 0.96) {
      const c = channel(mobileStale);
      row.mobiltelefonnummer = `+47${rng() < 0.5 ? '4' : '9'}${String(Math.floor(rng() * 10_000_000)).padStart(7, '0')}`;
      row.mobiltelefonnummer_oppdatert = c.oppdatert;
      row.mobiltelefonnummer_sist_verifisert = c.verifisert;
      row.mobiltelefonnummer_sist_validert = c.validert;
      row.mobiltelefonnummer_duplisert = rng() < 0.015 ? 1 : 0;
    }
    if (rng() >= 0.08) {
      const s = rng();
      row.spraak = s < 0.86 ? 'nb' : s < 0.95 ? 'nn' : s < 0.99 ? 'en' : 'se';
      row.spraak_oppdatert = daysAgo(1, 6 * 365);
    }
    if (!reserved) {
      const m = rng();
      if (m < 0.6) {
        row.postkasseleverandoeradresse = m < 0.45 ? POSTEN_BRING_ORGNR : EBOKS_ORGNR;
        row.postkasseadresse = `${slug(person.givenName)}.${slug(person.familyName)}#${suffix(rng)}`;
      }
    }
    yield row;
  }

  /** Timestamps of one channel: stale = neither updated nor confirmed within 18 months. */
  function channel(stale: boolean): { oppdatert: number; verifisert: number | null; validert: number | null } {
    if (stale) {
      const oppdatert = daysAgo(STALE_MIN_DAYS + 30, 10 * 365);
      const verifisert = rng() < 0.5 ? null : oppdatert + Math.floor(rng() * (now - STALE_MIN_DAYS * DAY_MS - oppdatert));
      return { oppdatert, verifisert, validert: rng() < 0.5 ? oppdatert : null };
    }
    const verifisert = daysAgo(1, FRESH_MAX_DAYS);
    const oppdatert = rng() < 0.3 ? verifisert : Math.min(verifisert, daysAgo(30, 8 * 365));
    return { oppdatert, verifisert, validert: rng() < 0.7 ? oppdatert : null };
  }
}


const DOMAINS = ['example.com', 'example.net', 'example.org'] as const;

function emailAddress(person: SyntheticPerson, rng: () => number): string {
  const n = Math.floor(rng() * 100);
  return `${slug(person.givenName)}.${slug(person.familyName)}${n}@${DOMAINS[Math.floor(rng() * DOMAINS.length)]}`;
}

const SUFFIX_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function suffix(rng: () => number): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += SUFFIX_CHARS[Math.floor(rng() * SUFFIX_CHARS.length)];
  return s;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'o')
    .replaceAll('å', 'a')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
