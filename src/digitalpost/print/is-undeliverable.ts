/**
 * Grunnmur's test convention for return mail.
 *
 * The real print provider learns that a letter could not be delivered when the postal service
 * brings it back, days later, and then sends a `returpostkvittering`. Grunnmur's postal service
 * is synthetic, so which letters come back is decided by a fixed rule on the recipient address,
 * which lets a test (or a developer) trigger a `returpostkvittering` on purpose:
 *
 * - `adresselinje1` contains the word **"Ukjent"** ("unknown"), in any case, as a whole word
 *   ("Ukjent adresse", "UKJENT", "Gate 1, ukjent" — but not "Ukjentveien 3"); or
 * - `postnummer` is **"0000"** (not a postal code Posten uses).
 *
 * Every other address is delivered. The rule is Grunnmur's own, not the real service's.
 *
 * @see spec `krr-dpi-esign.md` §2 (receipt type `returpostkvittering`).
 */
import type { Postadresse } from './check-postadresse.ts';

/** "ukjent" not preceded or followed by a letter or digit (Unicode-aware, so "Ukjentå" is not it). */
const UKJENT = /(?<![\p{L}\p{N}])ukjent(?![\p{L}\p{N}])/iu;

/**
 * Whether Grunnmur's synthetic postal service returns a letter sent to this address (see the
 * module comment for the rule). Never throws; anything that is not an address is deliverable.
 *
 * @param address the recipient address (`utskrift.mottaker`).
 * @returns true when the letter comes back as return mail.
 */
export function isUndeliverable(address: Postadresse | null | undefined): boolean {
  if (typeof address !== 'object' || address === null) return false;
  const { adresselinje1, postnummer } = address;
  return (typeof adresselinje1 === 'string' && UKJENT.test(adresselinje1)) || postnummer === '0000';
}
