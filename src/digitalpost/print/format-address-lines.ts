/**
 * The lines of an address as they go in an envelope window.
 *
 * Rules (Bring, "Adressering til mottakere i utlandet"; Digdir docs PR #566 "Land / Landkode må
 * alltid være siste linje i adressen"; Posten's rules for the recipient field as 21grams
 * summarises them, "Adressera rätt i Norge"):
 * - name, then the address lines, no empty lines;
 * - a Norwegian address ends with "postnummer poststed";
 * - a foreign address ends with the country on a line of its own, in capitals, in Norwegian when
 *   only `landkode` is given (`Intl.DisplayNames` `nb`, e.g. SE → "SVERIGE"; the code itself when
 *   the runtime does not know it). Norway itself is not written on domestic mail.
 */
import { isNorwegianAddress, type Postadresse } from './check-postadresse.ts';

let regionNames: Intl.DisplayNames | null | undefined;

/** Norwegian (bokmål) name of an ISO 3166-1 alpha-2 code, or null when unknown. */
function countryName(code: string): string | null {
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(['nb', 'no'], { type: 'region', fallback: 'none' });
    } catch {
      regionNames = null;
    }
  }
  if (regionNames === null || !/^[a-zA-Z]{2}$/.test(code)) return null;
  try {
    return regionNames.of(code.toUpperCase()) ?? null;
  } catch {
    return null;
  }
}

/**
 * The address as lines for the window of an envelope (see the module comment).
 *
 * @param a an address (normally one that passed `checkPostadresse`; missing fields are skipped).
 * @returns the non-empty lines, trimmed, in order: navn, adresselinje1–4, "postnummer poststed",
 *   and for a foreign address the country in capitals.
 */
export function formatAddressLines(a: Postadresse): string[] {
  const text = (v: unknown): string => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '');
  const lines = [a.navn, a.adresselinje1, a.adresselinje2, a.adresselinje3, a.adresselinje4].map(text);
  lines.push(`${text(a.postnummer)} ${text(a.poststed)}`.trim());
  if (!isNorwegianAddress(a)) {
    const land = text(a.land);
    const landkode = text(a.landkode);
    const country = land !== '' ? land : landkode !== '' ? (countryName(landkode) ?? landkode) : '';
    lines.push(country.toLocaleUpperCase('nb'));
  }
  return lines.filter((line) => line !== '');
}

/**
 * The address on one line, parts joined by ", " (for the return address in small print above
 * the recipient: Posten recommends one line, or a keyword such as "Returadresse" before it).
 */
export function formatAddressOneLine(a: Postadresse): string {
  return formatAddressLines(a).join(', ');
}
