/**
 * The outcome of a mailbox-provider operation, as the real register answers it: `status` `OK` or
 * `FEILET`, and on `FEILET` a reason code in `beskrivelse` from one shared code list.
 *
 * @see https://docs.digdir.no/resources/begrep/oppslagstjenesten/OpprettOgVelgSikkerDigitalPostkasseRespons
 *   (the same code lists on OppdaterPostkasseRespons and SlettPostkasseRespons)
 * @see specs/krr-dpi-esign.md §1 "Mailbox provider entry"
 */

/** `status` of an answer. */
export type PostkasseStatus = 'OK' | 'FEILET';

/**
 * The reason codes (`beskrivelse`) of a `FEILET` answer, with the real code list's meaning:
 * - `RESERVERT` — the person has reserved against digital communication;
 * - `ALLEREDE_AKTIV` — the person already has exactly this mailbox, active and selected;
 * - `INGEN_POSTBOKS_FUNNET` — the person has no mailbox at this provider;
 * - `BRUKER_IKKE_FUNNET` — the person is not (or no longer) in the register;
 * - `POSTKASSE_EKSISTERER_ALLEREDE` — the person already has a mailbox at this provider;
 * - `UGYLDIG_SERTIFIKAT` — the certificate is not acceptable;
 * - `UGYLDIG_PERSONNUMMER` — `personidentifikator` is not a valid fødselsnummer or D-number;
 * - `UGYLDIG_EPOSTADRESSE` — the address in the request (`postkasseadresse`) is malformed;
 * - `UGYLDIG_ORGNR` — `postkasseleverandoerAdresse` is malformed or not the caller's own.
 */
export const POSTKASSE_FEILKODER = [
  'RESERVERT',
  'ALLEREDE_AKTIV',
  'INGEN_POSTBOKS_FUNNET',
  'BRUKER_IKKE_FUNNET',
  'POSTKASSE_EKSISTERER_ALLEREDE',
  'UGYLDIG_SERTIFIKAT',
  'UGYLDIG_PERSONNUMMER',
  'UGYLDIG_EPOSTADRESSE',
  'UGYLDIG_ORGNR',
] as const;

/** One reason code of {@link POSTKASSE_FEILKODER}. */
export type PostkasseFeilkode = (typeof POSTKASSE_FEILKODER)[number];

/**
 * A `FEILET` outcome, thrown by the domain and answered by the routes in the real format. Not
 * an `AppError`: the answer is the register's own `{status, beskrivelse}`, not problem+json.
 */
export class PostkasseFeil extends Error {
  readonly beskrivelse: PostkasseFeilkode;

  /**
   * @param beskrivelse the reason code
   * @param melding a safe-to-show English explanation; never contains the personidentifikator
   */
  constructor(beskrivelse: PostkasseFeilkode, melding: string) {
    super(melding);
    this.name = 'PostkasseFeil';
    this.beskrivelse = beskrivelse;
  }
}
