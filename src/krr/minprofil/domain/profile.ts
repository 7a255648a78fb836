/**
 * MinProfil's rules: what the citizen sees of their own entry in the register, and each change
 * they may make. Every change is one transaction on `krr_persons` (and MinProfil's own
 * `krr_minprofil_pending_changes`); bad input throws before anything is written.
 *
 * - **Change e-mail / mobile** ({@link requestContactChange}, {@link confirmContactChange}): a
 *   one-time code of {@link CODE_LENGTH} digits goes to the **new** address through the
 *   platform outbox (SMS for mobile, e-mail for e-mail), in the transaction that stores the
 *   change waiting for it. It works for {@link CODE_LIFETIME_MS} and once. The right code sets
 *   the address with `_oppdatert`, `_sist_validert` and `_sist_verifisert` = now (a validated
 *   address is also a confirmed one). {@link MAX_WRONG_CODES} wrong codes end the change; at most
 *   {@link MAX_CODES_PER_HOUR} codes per channel and hour are sent. Only an HMAC of the code is
 *   stored (per-installation key, bound to person, channel and address).
 * - **Confirm** ({@link confirmContactData}): `_sist_verifisert` = now on each channel that has
 *   an address.
 * - **Reserve / withdraw** ({@link setReservasjon}): `JA` sets `reservasjonstidspunkt` and
 *   `reservasjon_oppdatert`; `NEI` clears `reservasjonstidspunkt` and sets
 *   `reservasjon_oppdatert`. Choosing the current value changes nothing.
 * - **Language** ({@link setSpraak}): `nb`, `nn`, `en`, `se` with `spraak_oppdatert`.
 *
 * **A person not in the register** (`IKKE_REGISTRERT`) who saves anything (contact data,
 * reservation `JA`, a language) gets a row with status `AKTIV` in that transaction. A `SLETTET`
 * person who saves anything is registered again: the row becomes `AKTIV` and starts empty (old
 * contact data, language, reservation and mailbox are not brought back). Choosing `NEI` when
 * not registered saves nothing (there is no reservation to withdraw).
 *
 * `_duplisert` of a new address is set to `NEI` (0): MinProfil does not search the register for
 * the same address on other persons (no index on addresses; the flag comes from the seed and,
 * in time, the register's own duplicate job).
 *
 * @see specs/krr-dpi-esign.md §1 "Citizen self-service", issue #5 item 5
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.ts';
import type { Outbox } from '../../../platform/outbox/outbox.ts';
import { channelUsable, freshnessCutoff } from '../../domain/varslingsstatus.ts';
import { findPersonRow, findProvider, krrDb } from '../../store/krr-store.ts';
import type { KrrPersonRow } from '../../store/tables.ts';
import { minprofilError } from '../errors.ts';
import {
  countWrongCode,
  endPendingChange,
  findPendingChange,
  insertPersonIfAbsent,
  minprofilDb,
  savePendingChange,
  updatePersonRow,
} from '../store/minprofil-store.ts';
import type { MinprofilDb } from '../store/tables.ts';
import { normaliseAddress, type Kanal } from './contact-values.ts';
import { emptyPersonRow } from '../../domain/person-row.ts';

/** Digits of a one-time code. */
export const CODE_LENGTH = 6;
/** How long a one-time code works, in ms (10 min). */
export const CODE_LIFETIME_MS = 10 * 60_000;
/** Wrong codes that end a change. */
export const MAX_WRONG_CODES = 5;
/** Codes sent per person and channel in {@link CODE_WINDOW_MS}. */
export const MAX_CODES_PER_HOUR = 5;
/** The window of {@link MAX_CODES_PER_HOUR}, in ms. */
export const CODE_WINDOW_MS = 3_600_000;
/** Languages the register holds (`spraak`). */
export const SPRAAK_VALUES = ['nb', 'nn', 'en', 'se'] as const;
/** A language of the register. */
export type Spraak = (typeof SPRAAK_VALUES)[number];

/** What MinProfil's rules need. */
export interface MinprofilDeps {
  db: Database;
  outbox: Outbox;
  /** Per-installation HMAC key for one-time codes. */
  codeKey: string;
  /** The clock, epoch ms (default `Date.now`). */
  now?: () => number;
}

/** One channel as the citizen sees it. Times are epoch ms or null. */
export interface ChannelView {
  address: string;
  oppdatert: number | null;
  sistVerifisert: number | null;
  sistValidert: number | null;
  duplisert: boolean;
  /** Neither updated nor confirmed in the last 18 months (may not be used for notices). */
  stale: boolean;
}

/** The citizen's own entry in the register. */
export interface Profile {
  personidentifikator: string;
  status: 'AKTIV' | 'SLETTET' | 'IKKE_REGISTRERT';
  /** null when not registered. */
  reservasjon: 'JA' | 'NEI' | null;
  reservasjonstidspunkt: number | null;
  reservasjonOppdatert: number | null;
  epost: ChannelView | null;
  mobil: ChannelView | null;
  spraak: string | null;
  spraakOppdatert: number | null;
  /** The digital mailbox, with the provider's name when known. */
  postkasse: { adresse: string; leverandoerOrgnr: string; leverandoerNavn: string | null } | null;
  /** Any channel with an address older than 18 months. */
  stale: boolean;
}

const num = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function channelView(address: string | null, oppdatert: number | null, verifisert: number | null, validert: number | null, duplisert: number, cutoff: number): ChannelView | null {
  if (address === null || address === '') return null;
  const o = num(oppdatert);
  const v = num(verifisert);
  return {
    address,
    oppdatert: o,
    sistVerifisert: v,
    sistValidert: num(validert),
    duplisert: Number(duplisert) === 1,
    stale: !channelUsable({ address, oppdatert: o, sistVerifisert: v }, cutoff),
  };
}

/**
 * The citizen's entry (read only). A `SLETTET` entry shows no contact data, mailbox or language
 * (as the lookup API).
 *
 * @param now epoch ms of the 18-month rule
 */
export async function getProfile(db: Database, pid: string, now: number = Date.now()): Promise<Profile> {
  const k = minprofilDb(db);
  const row = await findPersonRow(krrDb(k), pid);
  const empty: Profile = {
    personidentifikator: pid,
    status: 'IKKE_REGISTRERT',
    reservasjon: null,
    reservasjonstidspunkt: null,
    reservasjonOppdatert: null,
    epost: null,
    mobil: null,
    spraak: null,
    spraakOppdatert: null,
    postkasse: null,
    stale: false,
  };
  if (!row) return empty;
  const base = {
    ...empty,
    status: row.status,
    reservasjon: row.reservasjon,
    reservasjonstidspunkt: num(row.reservasjonstidspunkt),
    reservasjonOppdatert: num(row.reservasjon_oppdatert),
  };
  if (row.status !== 'AKTIV') return base;
  const cutoff = freshnessCutoff(now);
  const epost = channelView(row.epostadresse, row.epostadresse_oppdatert, row.epostadresse_sist_verifisert, row.epostadresse_sist_validert, row.epostadresse_duplisert, cutoff);
  const mobil = channelView(
    row.mobiltelefonnummer,
    row.mobiltelefonnummer_oppdatert,
    row.mobiltelefonnummer_sist_verifisert,
    row.mobiltelefonnummer_sist_validert,
    row.mobiltelefonnummer_duplisert,
    cutoff,
  );
  let postkasse: Profile['postkasse'] = null;
  if (row.postkasseadresse && row.postkasseleverandoeradresse) {
    const provider = await findProvider(krrDb(k), row.postkasseleverandoeradresse);
    postkasse = { adresse: row.postkasseadresse, leverandoerOrgnr: row.postkasseleverandoeradresse, leverandoerNavn: provider?.navn ?? null };
  }
  return {
    ...base,
    epost,
    mobil,
    spraak: row.spraak,
    spraakOppdatert: num(row.spraak_oppdatert),
    postkasse,
    stale: (epost?.stale ?? false) || (mobil?.stale ?? false),
  };
}


/**
 * The person's row to change, `AKTIV`: the existing one (locked on PostgreSQL), a new one for a
 * person not in the register (inserted now), or a fresh one replacing a `SLETTET` row.
 */
async function activeRowForChange(trx: MinprofilDb, pid: string, now: number, lock: boolean): Promise<KrrPersonRow> {
  let row = await findPersonRow(krrDb(trx), pid, lock);
  if (!row) {
    await insertPersonIfAbsent(trx, emptyPersonRow(pid, now));
    row = await findPersonRow(krrDb(trx), pid, lock);
    if (!row) throw new Error('the person row vanished');
  }
  return row.status === 'AKTIV' ? { ...row } : emptyPersonRow(pid, now);
}

function transaction<T>(deps: Pick<MinprofilDeps, 'db'>, work: (trx: MinprofilDb, lock: boolean) => Promise<T>): Promise<T> {
  return deps.db.kysely.transaction().execute((trx: Kysely<any>) => work(minprofilDb(trx), deps.db.engine === 'postgres'));
}

function codeHash(key: string, pid: string, kanal: Kanal, verdi: string, code: string): string {
  return createHmac('sha256', key).update(`krr-minprofil-code:${pid}:${kanal}:${verdi}:${code}`).digest('base64url');
}

const codeTexts = {
  sms: {
    nb: (code: string) => `${code} er engangskoden din for å bekrefte mobilnummeret i Kontaktregisteret. Koden gjelder i 10 minutter.`,
    nn: (code: string) => `${code} er eingongskoden din for å stadfeste mobilnummeret i Kontaktregisteret. Koden gjeld i 10 minutt.`,
    en: (code: string) => `${code} is your one-time code to confirm your mobile number in the Contact register. It works for 10 minutes.`,
  },
  subject: { nb: 'Bekreft e-postadressen din', nn: 'Stadfest e-postadressa di', en: 'Confirm your e-mail address' },
  email: {
    nb: (code: string) => `Engangskoden din for å bekrefte e-postadressen i Kontaktregisteret er ${code}.\n\nKoden gjelder i 10 minutter. Har du ikke bedt om den, kan du se bort fra denne e-posten.`,
    nn: (code: string) => `Eingongskoden din for å stadfeste e-postadressa i Kontaktregisteret er ${code}.\n\nKoden gjeld i 10 minutt. Har du ikkje bede om han, kan du sjå bort frå denne e-posten.`,
    en: (code: string) => `Your one-time code to confirm your e-mail address in the Contact register is ${code}.\n\nIt works for 10 minutes. If you did not ask for it, ignore this e-mail.`,
  },
} as const;

/** What {@link requestContactChange} answers. */
export interface PendingChange {
  kanal: Kanal;
  /** The new address, normalised. */
  verdi: string;
  /** When the code stops working, epoch ms. */
  expiresAt: number;
}

/**
 * Starts a change of e-mail or mobile: checks the new address and sends a one-time code to it
 * (replacing any code sent before for this channel). The register is not changed yet.
 *
 * @param lang language of the message (`nb`, `nn`, `en`)
 * @throws AppError `MINPROFIL_INVALID_EPOSTADRESSE` / `MINPROFIL_INVALID_MOBILTELEFONNUMMER`
 *   (400), `MINPROFIL_UNCHANGED_ADDRESS` (400) when it is the registered address,
 *   `MINPROFIL_TOO_MANY_ATTEMPTS` (429) after {@link MAX_CODES_PER_HOUR} codes in an hour.
 *   Nothing is written or sent then.
 */
export async function requestContactChange(deps: MinprofilDeps, pid: string, kanal: Kanal, value: unknown, lang: 'nb' | 'nn' | 'en' = 'nb'): Promise<PendingChange> {
  const verdi = normaliseAddress(kanal, value);
  const now = (deps.now ?? Date.now)();
  return transaction(deps, async (trx, lock) => {
    const row = await findPersonRow(krrDb(trx), pid, lock);
    const current = row?.status === 'AKTIV' ? (kanal === 'epost' ? row.epostadresse : row.mobiltelefonnummer) : null;
    if (current !== null && current === verdi) {
      throw minprofilError('MINPROFIL_UNCHANGED_ADDRESS', kanal === 'epost' ? 'This e-mail address is already registered' : 'This mobile number is already registered');
    }
    const pending = await findPendingChange(trx, pid, kanal, lock);
    const windowOpen = pending !== undefined && Number(pending.window_started_at) > now - CODE_WINDOW_MS;
    const sent = windowOpen ? Number(pending.sent_count) : 0;
    if (sent >= MAX_CODES_PER_HOUR) {
      throw minprofilError('MINPROFIL_TOO_MANY_ATTEMPTS', `At most ${MAX_CODES_PER_HOUR} codes an hour; try again later`);
    }
    const code = String(randomInt(0, 10 ** CODE_LENGTH)).padStart(CODE_LENGTH, '0');
    const expiresAt = now + CODE_LIFETIME_MS;
    await savePendingChange(trx, {
      personidentifikator: pid,
      kanal,
      verdi,
      code_hash: codeHash(deps.codeKey, pid, kanal, verdi, code),
      expires_at: expiresAt,
      attempts: 0,
      sent_count: sent + 1,
      window_started_at: windowOpen ? Number(pending.window_started_at) : now,
      ended_at: null,
      created_at: now,
    });
    if (kanal === 'mobil') {
      await deps.outbox.sendSms({ to: verdi, text: codeTexts.sms[lang](code), component: 'krr' }, trx);
    } else {
      await deps.outbox.sendEmail({ to: verdi, subject: codeTexts.subject[lang], text: codeTexts.email[lang](code), component: 'krr' }, trx);
    }
    return { kanal, verdi, expiresAt };
  });
}

/** The change of `kanal` waiting for a code, if any (for the code page). */
export async function findPendingContactChange(db: Database, pid: string, kanal: Kanal): Promise<PendingChange | undefined> {
  const row = await findPendingChange(minprofilDb(db), pid, kanal, false);
  if (!row || row.ended_at !== null || Number(row.attempts) >= MAX_WRONG_CODES) return undefined;
  return { kanal, verdi: row.verdi, expiresAt: Number(row.expires_at) };
}

type CodeOutcome = { ok: true; profileChanged: true } | { ok: false; code: 'MINPROFIL_NO_PENDING_CHANGE' | 'MINPROFIL_CODE_EXPIRED' | 'MINPROFIL_CODE_WRONG' | 'MINPROFIL_TOO_MANY_ATTEMPTS' };

/**
 * Finishes a change of e-mail or mobile with the one-time code: sets the address with
 * `_oppdatert`, `_sist_validert` and `_sist_verifisert` = now, in one transaction (registering
 * a person not in the register, see the file header).
 *
 * @param code as typed; spaces are ignored
 * @throws AppError `MINPROFIL_NO_PENDING_CHANGE` (409); `MINPROFIL_CODE_EXPIRED` (400);
 *   `MINPROFIL_CODE_WRONG` (400, the wrong code is counted); `MINPROFIL_TOO_MANY_ATTEMPTS` (429)
 *   at the {@link MAX_WRONG_CODES}th wrong code (the change ends). The register is unchanged
 *   on every error.
 */
export async function confirmContactChange(deps: MinprofilDeps, pid: string, kanal: Kanal, code: unknown): Promise<Profile> {
  const now = (deps.now ?? Date.now)();
  const typed = typeof code === 'string' ? code.replace(/\s/g, '') : '';
  // Wrong codes are counted in a committed transaction, so the outcome is returned and thrown after.
  const outcome = await transaction<CodeOutcome>(deps, async (trx, lock) => {
    const pending = await findPendingChange(trx, pid, kanal, lock);
    if (!pending || pending.ended_at !== null) return { ok: false, code: 'MINPROFIL_NO_PENDING_CHANGE' };
    if (Number(pending.attempts) >= MAX_WRONG_CODES) {
      await endPendingChange(trx, pid, kanal, now);
      return { ok: false, code: 'MINPROFIL_TOO_MANY_ATTEMPTS' };
    }
    if (Number(pending.expires_at) <= now) return { ok: false, code: 'MINPROFIL_CODE_EXPIRED' };
    const expected = Buffer.from(pending.code_hash);
    const given = Buffer.from(/^\d{1,12}$/.test(typed) ? codeHash(deps.codeKey, pid, kanal, pending.verdi, typed) : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      if (Number(pending.attempts) + 1 >= MAX_WRONG_CODES) {
        await endPendingChange(trx, pid, kanal, now);
        return { ok: false, code: 'MINPROFIL_TOO_MANY_ATTEMPTS' };
      }
      await countWrongCode(trx, pid, kanal);
      return { ok: false, code: 'MINPROFIL_CODE_WRONG' };
    }
    const row = await activeRowForChange(trx, pid, now, lock);
    if (kanal === 'epost') {
      Object.assign(row, { epostadresse: pending.verdi, epostadresse_oppdatert: now, epostadresse_sist_validert: now, epostadresse_sist_verifisert: now, epostadresse_duplisert: 0 });
    } else {
      Object.assign(row, {
        mobiltelefonnummer: pending.verdi,
        mobiltelefonnummer_oppdatert: now,
        mobiltelefonnummer_sist_validert: now,
        mobiltelefonnummer_sist_verifisert: now,
        mobiltelefonnummer_duplisert: 0,
      });
    }
    row.updated_at = now;
    await updatePersonRow(trx, row);
    await endPendingChange(trx, pid, kanal, now);
    return { ok: true, profileChanged: true };
  });
  if (!outcome.ok) {
    const messages = {
      MINPROFIL_NO_PENDING_CHANGE: 'No change is waiting for a code; ask for a new code',
      MINPROFIL_CODE_EXPIRED: 'The code has expired; ask for a new code',
      MINPROFIL_CODE_WRONG: 'The code is wrong',
      MINPROFIL_TOO_MANY_ATTEMPTS: `${MAX_WRONG_CODES} wrong codes: the change is cancelled; start again`,
    } as const;
    throw minprofilError(outcome.code, messages[outcome.code]);
  }
  return getProfile(deps.db, pid, now);
}

/**
 * "My contact data is still right": `_sist_verifisert` = now on each channel with an address.
 *
 * @throws AppError `MINPROFIL_NOTHING_TO_CONFIRM` (409) when the person has no e-mail or mobile
 *   in the register (not registered, deleted, or no address). Nothing is written then.
 */
export async function confirmContactData(deps: MinprofilDeps, pid: string): Promise<Profile> {
  const now = (deps.now ?? Date.now)();
  await transaction(deps, async (trx, lock) => {
    const row = await findPersonRow(krrDb(trx), pid, lock);
    if (!row || row.status !== 'AKTIV' || (!row.epostadresse && !row.mobiltelefonnummer)) {
      throw minprofilError('MINPROFIL_NOTHING_TO_CONFIRM', 'There is no e-mail address or mobile number to confirm');
    }
    const next = { ...row, updated_at: now };
    if (row.epostadresse) next.epostadresse_sist_verifisert = now;
    if (row.mobiltelefonnummer) next.mobiltelefonnummer_sist_verifisert = now;
    await updatePersonRow(trx, next);
  });
  return getProfile(deps.db, pid, now);
}

/**
 * Reserves against digital communication (`JA`) or withdraws the reservation (`NEI`).
 *
 * @throws AppError `MINPROFIL_INVALID_RESERVASJON` (400) for anything but `JA`/`NEI`. Nothing
 *   is written then.
 */
export async function setReservasjon(deps: MinprofilDeps, pid: string, reservasjon: unknown): Promise<Profile> {
  if (reservasjon !== 'JA' && reservasjon !== 'NEI') throw minprofilError('MINPROFIL_INVALID_RESERVASJON', 'reservasjon must be JA or NEI');
  const now = (deps.now ?? Date.now)();
  await transaction(deps, async (trx, lock) => {
    const existing = await findPersonRow(krrDb(trx), pid, lock);
    const active = existing?.status === 'AKTIV';
    // Not registered (or deleted) and not reserved: nothing to withdraw.
    if (reservasjon === 'NEI' && !active) return;
    if (active && existing.reservasjon === reservasjon) return;
    const row = await activeRowForChange(trx, pid, now, lock);
    row.reservasjon = reservasjon;
    row.reservasjonstidspunkt = reservasjon === 'JA' ? now : null;
    row.reservasjon_oppdatert = now;
    row.updated_at = now;
    await updatePersonRow(trx, row);
  });
  return getProfile(deps.db, pid, now);
}

/**
 * Sets the preferred language (`spraak`, `spraak_oppdatert`).
 *
 * @throws AppError `MINPROFIL_INVALID_SPRAAK` (400) for anything but `nb`, `nn`, `en`, `se`.
 *   Nothing is written then.
 */
export async function setSpraak(deps: Pick<MinprofilDeps, 'db' | 'now'>, pid: string, spraak: unknown): Promise<Profile> {
  if (typeof spraak !== 'string' || !(SPRAAK_VALUES as readonly string[]).includes(spraak)) {
    throw minprofilError('MINPROFIL_INVALID_SPRAAK', `spraak must be one of ${SPRAAK_VALUES.join(', ')}`);
  }
  const now = (deps.now ?? Date.now)();
  await transaction(deps, async (trx, lock) => {
    const existing = await findPersonRow(krrDb(trx), pid, lock);
    if (existing?.status === 'AKTIV' && existing.spraak === spraak) return;
    const row = await activeRowForChange(trx, pid, now, lock);
    row.spraak = spraak;
    row.spraak_oppdatert = now;
    row.updated_at = now;
    await updatePersonRow(trx, row);
  });
  return getProfile(deps.db, pid, now);
}
