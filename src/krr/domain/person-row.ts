/**
 * The register row of a person who has given the register nothing yet.
 */
import type { KrrPersonRow } from '../store/tables.ts';

/**
 * An `AKTIV` row without reservation (`NEI`, never changed), contact data, language or mailbox:
 * what the seed starts from and what MinProfil registers a person with on their first save.
 *
 * @param personidentifikator fødselsnummer or D-number (not checked here)
 * @param now epoch ms, the row's `updated_at`
 */
export function emptyPersonRow(personidentifikator: string, now: number): KrrPersonRow {
  return {
    personidentifikator,
    status: 'AKTIV',
    reservasjon: 'NEI',
    reservasjonstidspunkt: null,
    reservasjon_oppdatert: null,
    epostadresse: null,
    epostadresse_oppdatert: null,
    epostadresse_sist_verifisert: null,
    epostadresse_sist_validert: null,
    epostadresse_duplisert: 0,
    mobiltelefonnummer: null,
    mobiltelefonnummer_oppdatert: null,
    mobiltelefonnummer_sist_verifisert: null,
    mobiltelefonnummer_sist_validert: null,
    mobiltelefonnummer_duplisert: 0,
    spraak: null,
    spraak_oppdatert: null,
    postkasseadresse: null,
    postkasseleverandoeradresse: null,
    postkasse_sertifikat: null,
    updated_at: now,
  };
}
