/**
 * The 18-month rule: contact data that the person has neither updated nor confirmed within the
 * last 18 months must not be used to notify about enkeltvedtak and similar letters.
 *
 * Rule, per channel (e-mail and mobile separately): the channel is usable when it has an
 * address and its `_oppdatert` or `_sist_verifisert` is at or after the cut-off, which is the
 * instant of the lookup moved back 18 calendar months (UTC; the day clamped to the month's
 * last day, so 31 Aug → 28/29 Feb). `_sist_validert` (a one-time code) is not counted on its
 * own: Digdir names only the two fields, and a validation comes with an update.
 *
 * `varslingsstatus` is `KAN_VARSLES` when the person is `AKTIV`, not reserved, and at least one
 * channel is usable; otherwise `KAN_IKKE_VARSLES` (expired data, reserved, deleted, not
 * registered).
 *
 * @see https://docs.digdir.no/docs/Kontaktregisteret/krr_18mnd ("Så lenge ett av datofeltene sistOppdatert eller sistVerifisert er nyere enn 18 mnd …")
 * @see https://docs.digdir.no/resources/begrep/felles/varslingsstatus
 * @see specs/krr-dpi-esign.md §1 "The 18-month rule"
 */
import type { Varslingsstatus } from '../wire-types.ts';

/** Months within which contact data must have been updated or confirmed. */
export const FRESHNESS_MONTHS = 18;

/**
 * The earliest instant (epoch ms) at which an update or confirmation still counts at `now`:
 * `now` minus {@link FRESHNESS_MONTHS} calendar months in UTC, the day clamped to the month.
 *
 * @param now epoch ms
 */
export function freshnessCutoff(now: number): number {
  const d = new Date(now);
  const months = d.getUTCFullYear() * 12 + d.getUTCMonth() - FRESHNESS_MONTHS;
  const year = Math.floor(months / 12);
  const month = months - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** One channel's data. Times are epoch ms or null. */
export interface ChannelData {
  address: string | null;
  oppdatert: number | null;
  sistVerifisert: number | null;
}

/**
 * Whether a channel may be used for notification at `cutoff` (see the file header).
 *
 * @param cutoff from {@link freshnessCutoff}
 */
export function channelUsable(channel: ChannelData, cutoff: number): boolean {
  if (channel.address === null || channel.address === '') return false;
  return (channel.oppdatert !== null && channel.oppdatert >= cutoff) || (channel.sistVerifisert !== null && channel.sistVerifisert >= cutoff);
}

/** What the rule needs of a person in the register. */
export interface VarslingInput {
  status: 'AKTIV' | 'SLETTET';
  reservasjon: 'JA' | 'NEI';
  epost: ChannelData;
  mobil: ChannelData;
}

/**
 * `varslingsstatus` of a person in the register; a person not in it is always
 * `KAN_IKKE_VARSLES`.
 *
 * @param cutoff from {@link freshnessCutoff}
 */
export function varslingsstatus(person: VarslingInput, cutoff: number): Varslingsstatus {
  if (person.status !== 'AKTIV' || person.reservasjon === 'JA') return 'KAN_IKKE_VARSLES';
  return channelUsable(person.epost, cutoff) || channelUsable(person.mobil, cutoff) ? 'KAN_VARSLES' : 'KAN_IKKE_VARSLES';
}
