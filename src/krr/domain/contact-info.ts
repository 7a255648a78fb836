/**
 * A person's contact data as other components of this Grunnmur read it in-process (the mailbox
 * providers' notifications): no Maskinporten token, no audit entry, since the real mailbox
 * providers keep their own synchronised copy of the register rather than calling the lookup
 * service per letter.
 *
 * @see specs/krr-dpi-esign.md §1 (fields), §2 (`varsler`)
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { findPersonRow, krrDb } from '../store/krr-store.ts';

/** One person's contact data in the register (field names as in the lookup service's answer). */
export interface ContactInfo {
  /** E-mail address as registered; null when none. */
  epostadresse: string | null;
  /** Mobile number as registered (usually `+47` and 8 digits); null when none. */
  mobiltelefonnummer: string | null;
  /** `nb`, `nn`, `en` or `se`; null when never chosen. */
  spraak: string | null;
  reservasjon: 'JA' | 'NEI';
  status: 'AKTIV' | 'SLETTET';
}

/**
 * The contact data of one person, or undefined when the person is not in the register
 * (`IKKE_REGISTRERT`). Returns the data as registered: the caller decides what a reservation,
 * a `SLETTET` status or the 18-month rule means for its use.
 *
 * @param db the database, or a transaction on it (so a caller's transaction sees its own writes)
 * @param personidentifikator fødselsnummer or D-number, 11 digits (not checked here)
 */
export async function findContactInfo(db: Database | Kysely<any>, personidentifikator: string): Promise<ContactInfo | undefined> {
  const row = await findPersonRow(krrDb(db), personidentifikator);
  if (!row) return undefined;
  return {
    epostadresse: row.epostadresse,
    mobiltelefonnummer: row.mobiltelefonnummer,
    spraak: row.spraak,
    reservasjon: row.reservasjon,
    status: row.status,
  };
}
