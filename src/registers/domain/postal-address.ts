/**
 * Postal addresses in the shape Digital post til innbyggere's print messages use (`utskrift`
 * `mottaker` / `retur.mottaker`, schema `innbyggerpost_dpi_utskrift_1_0`, commons
 * `adresse`): a citizen's from Folkeregisteret (bostedsadresse/oppholdsadresse, or the
 * postadresse abroad of an emigrated person) and an organisation's from Enhetsregisteret
 * (postadresse, else forretningsadresse).
 *
 * The real integration point gets these through the service registry, which reads the same
 * registers; these reads are not written to the registers' lookup log (they are the platform's
 * own use, not an API consumer's request; the KRR lookup that routed the letter is logged).
 *
 * @see specs/krr-dpi-esign.md §2 "Print fallback"
 */
import type { Database } from '../../platform/db/database.ts';
import { findOrganisation, findPerson } from '../store/registers-store.ts';

/** An address as DPI print messages carry it. Absent members are left out. */
export interface Postadresse {
  navn: string;
  adresselinje1?: string;
  adresselinje2?: string;
  adresselinje3?: string;
  adresselinje4?: string;
  /** Four digits, Norwegian addresses only. */
  postnummer?: string;
  poststed?: string;
  /** ISO 3166-1 alpha-2, foreign addresses only. */
  landkode?: string;
}

/**
 * A citizen's postal address from Folkeregisteret.
 *
 * @param pid fødselsnummer or D-number (11 digits)
 * @returns the address, or undefined when the person is unknown, dead, or has no address
 */
export async function findPersonPostadresse(db: Database, pid: string): Promise<Postadresse | undefined> {
  const p = await findPerson(db, pid);
  if (!p || p.status === 'doed') return undefined;
  const navn = [p.given_name, p.middle_name, p.family_name].filter(Boolean).join(' ');
  if (p.status === 'utflyttet' && p.utland_landkode) {
    const line2 = [p.utland_postkode, p.utland_by].filter(Boolean).join(' ');
    return { navn, adresselinje1: p.utland_adressenavn ?? '', ...(line2 ? { adresselinje2: line2 } : {}), landkode: p.utland_landkode };
  }
  if (!p.adressenavn || !p.postnummer) return undefined;
  const nummer = `${p.husnummer ?? ''}${p.husbokstav ?? ''}`;
  return { navn, adresselinje1: nummer ? `${p.adressenavn} ${nummer}` : p.adressenavn, postnummer: p.postnummer, poststed: p.poststed ?? '' };
}

/**
 * An organisation's postal address from Enhetsregisteret: its postadresse, else its
 * forretningsadresse.
 *
 * @param orgnr organisasjonsnummer (9 digits)
 * @returns the address, or undefined when the organisation is unknown or has neither address
 */
export async function findOrganisationPostadresse(db: Database, orgnr: string): Promise<Postadresse | undefined> {
  const o = await findOrganisation(db, orgnr);
  if (!o) return undefined;
  if (o.post_adresse && o.post_postnummer) return { navn: o.navn, adresselinje1: o.post_adresse, postnummer: o.post_postnummer, poststed: o.post_poststed ?? '' };
  if (o.adresse && o.postnummer) return { navn: o.navn, adresselinje1: o.adresse, postnummer: o.postnummer, poststed: o.poststed ?? '' };
  return undefined;
}
