/**
 * One person of a lookup answer, from the register row and what the caller may see.
 *
 * Rules:
 * - `personidentifikator` and `status` always; `reservasjon` (with `reservasjonstidspunkt` when
 *   `JA`, and `reservasjon_oppdatert` when known) for every person in the register, whatever
 *   the scopes. A person not in the register is `IKKE_REGISTRERT` with no reservation.
 * - `krr:global/kontaktinformasjon.read`: `varslingsstatus` for everyone (`KAN_IKKE_VARSLES`
 *   for `SLETTET` and `IKKE_REGISTRERT`); `kontaktinformasjon`, `spraak`, `spraak_oppdatert`
 *   for `AKTIV` persons, each member only when known.
 * - `krr:global/digitalpost.read`: `digital_post` and `sertifikat` for `AKTIV` persons with a
 *   mailbox.
 * - Never any contact, mailbox or certificate data for `SLETTET` or `IKKE_REGISTRERT`.
 * - Expired contact data (18-month rule) is still returned; only `varslingsstatus` says so.
 *
 * @see specs/krr-dpi-esign.md §1 "Maskinporten scopes", "Response fields"
 * @see https://docs.digdir.no/resources/begrep/oppslagstjenesten/Person ("Ved SLETTET og IKKE_REGISTRERT …")
 */
import type { KrrPersonRow } from '../store/tables.ts';
import type { Kontaktinformasjon, KrrPerson } from '../wire-types.ts';
import type { Disclosure } from './scopes.ts';
import { varslingsstatus } from './varslingsstatus.ts';

const DAY_MS = 86_400_000;
/** `YYYY-MM-DDT` of a UTC day (epoch ms of its midnight → text); a register has a few thousand. */
const dayTexts = new Map<number, string>();

/**
 * Epoch ms → the wire's timestamp (ISO 8601, UTC, milliseconds), exactly what
 * `new Date(ms).toISOString()` gives (tested on random instants). A 1000-person answer has up to
 * 8000 timestamps, and `toISOString` alone was ≈ 9 % of such a lookup: the day's text is kept
 * (UTC days are 86,400,000 ms in ECMAScript time, no leap seconds) and the time of day is
 * written directly.
 *
 * @throws RangeError for an instant `Date` cannot represent (as `toISOString` does)
 */
export function wireTime(ms: number): string {
  // Outside Date's range, or not a whole millisecond: Date's own answer (or its RangeError).
  if (!Number.isSafeInteger(ms) || ms > 8.64e15 || ms < -8.64e15) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  let date = dayTexts.get(day);
  if (date === undefined) {
    date = new Date(day).toISOString().slice(0, 11);
    if (dayTexts.size > 100_000) dayTexts.clear();
    dayTexts.set(day, date);
  }
  let rest = ms - day;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  return `${date}${hour < 10 ? '0' : ''}${hour}:${min < 10 ? '0' : ''}${min}:${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** The entry of a person who is not in the register. */
export function notRegistered(personidentifikator: string, disclosure: Disclosure): KrrPerson {
  const person: KrrPerson = { personidentifikator, status: 'IKKE_REGISTRERT' };
  if (disclosure.kontaktinformasjon) person.varslingsstatus = 'KAN_IKKE_VARSLES';
  return person;
}

/**
 * The entry of a person in the register.
 *
 * @param providers the mailbox providers' certificates by orgnr ({@link providerCertificates});
 *   a person's mailbox uses its provider's unless the provider registered one for the person
 * @param cutoff the 18-month cut-off of this lookup (`freshnessCutoff(now)`)
 */
export function registeredPerson(row: KrrPersonRow, providers: ReadonlyMap<string, string>, disclosure: Disclosure, cutoff: number): KrrPerson {
  // Members in the order of the API's schema (and Digdir's examples), whichever serialiser writes them.
  const person = { personidentifikator: row.personidentifikator, reservasjon: row.reservasjon } as KrrPerson;
  if (row.reservasjon === 'JA' && row.reservasjonstidspunkt !== null) person.reservasjonstidspunkt = wireTime(row.reservasjonstidspunkt);
  if (row.reservasjon_oppdatert !== null) person.reservasjon_oppdatert = wireTime(row.reservasjon_oppdatert);
  person.status = row.status;
  const aktiv = row.status === 'AKTIV';
  if (disclosure.kontaktinformasjon) {
    person.varslingsstatus = varslingsstatus(
      {
        status: row.status,
        reservasjon: row.reservasjon,
        epost: { address: row.epostadresse, oppdatert: row.epostadresse_oppdatert, sistVerifisert: row.epostadresse_sist_verifisert },
        mobil: { address: row.mobiltelefonnummer, oppdatert: row.mobiltelefonnummer_oppdatert, sistVerifisert: row.mobiltelefonnummer_sist_verifisert },
      },
      cutoff,
    );
    if (aktiv) {
      const kontakt = kontaktinformasjon(row);
      if (kontakt) person.kontaktinformasjon = kontakt;
    }
  }
  if (disclosure.digitalpost && aktiv && row.postkasseadresse !== null && row.postkasseleverandoeradresse !== null) {
    person.digital_post = { postkasseadresse: row.postkasseadresse, postkasseleverandoeradresse: row.postkasseleverandoeradresse };
    const sertifikat = row.postkasse_sertifikat ?? providers.get(row.postkasseleverandoeradresse);
    if (sertifikat !== undefined) person.sertifikat = sertifikat;
  }
  if (disclosure.kontaktinformasjon && aktiv && row.spraak !== null) {
    person.spraak = row.spraak;
    if (row.spraak_oppdatert !== null) person.spraak_oppdatert = wireTime(row.spraak_oppdatert);
  }
  return person;
}

function kontaktinformasjon(row: KrrPersonRow): Kontaktinformasjon | undefined {
  const k: Kontaktinformasjon = {};
  if (row.epostadresse !== null) {
    k.epostadresse = row.epostadresse;
    if (row.epostadresse_oppdatert !== null) k.epostadresse_oppdatert = wireTime(row.epostadresse_oppdatert);
    if (row.epostadresse_sist_verifisert !== null) k.epostadresse_sist_verifisert = wireTime(row.epostadresse_sist_verifisert);
    if (row.epostadresse_sist_validert !== null) k.epostadresse_sist_validert = wireTime(row.epostadresse_sist_validert);
    k.epostadresse_duplisert = row.epostadresse_duplisert ? 'JA' : 'NEI';
  }
  if (row.mobiltelefonnummer !== null) {
    k.mobiltelefonnummer = row.mobiltelefonnummer;
    if (row.mobiltelefonnummer_oppdatert !== null) k.mobiltelefonnummer_oppdatert = wireTime(row.mobiltelefonnummer_oppdatert);
    if (row.mobiltelefonnummer_sist_verifisert !== null) k.mobiltelefonnummer_sist_verifisert = wireTime(row.mobiltelefonnummer_sist_verifisert);
    if (row.mobiltelefonnummer_sist_validert !== null) k.mobiltelefonnummer_sist_validert = wireTime(row.mobiltelefonnummer_sist_validert);
    k.mobiltelefonnummer_duplisert = row.mobiltelefonnummer_duplisert ? 'JA' : 'NEI';
  }
  return row.epostadresse === null && row.mobiltelefonnummer === null ? undefined : k;
}
