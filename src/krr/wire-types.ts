/**
 * The KRR lookup API's wire shapes, with the real service's field names.
 *
 * @see https://docs.digdir.no/docs/Kontaktregisteret/krr_attributter (attributes)
 * @see https://docs.digdir.no/resources/begrep/oppslagstjenesten/HentPersonRespons (shape)
 * @see specs/krr-dpi-esign.md §1 "Response fields"
 */

/** `status` of a person. */
export type KrrStatus = 'AKTIV' | 'SLETTET' | 'IKKE_REGISTRERT';

/** `varslingsstatus` (eForvaltningsforskriften §32, the 18-month rule). */
export type Varslingsstatus = 'KAN_VARSLES' | 'KAN_IKKE_VARSLES';

/** `reservasjon`: a string enum, not a boolean. */
export type Reservasjon = 'JA' | 'NEI';

/**
 * `kontaktinformasjon`: each member is present only when known. Timestamps are ISO 8601 in UTC
 * with milliseconds (`2023-08-05T10:45:15.768Z`); `_duplisert` is `JA`/`NEI`.
 */
export interface Kontaktinformasjon {
  epostadresse?: string;
  epostadresse_oppdatert?: string;
  epostadresse_sist_verifisert?: string;
  epostadresse_sist_validert?: string;
  epostadresse_duplisert?: 'JA' | 'NEI';
  mobiltelefonnummer?: string;
  mobiltelefonnummer_oppdatert?: string;
  mobiltelefonnummer_sist_verifisert?: string;
  mobiltelefonnummer_sist_validert?: string;
  mobiltelefonnummer_duplisert?: 'JA' | 'NEI';
}

/** `digital_post`: the person's digital mailbox. */
export interface DigitalPost {
  /** The address at the provider, e.g. `ola.nordmann#9YDT`. */
  postkasseadresse: string;
  /** The provider's organisasjonsnummer, e.g. `984661185`. */
  postkasseleverandoeradresse: string;
}

/** One person of a lookup answer. Members not allowed by the token's scopes are absent. */
export interface KrrPerson {
  personidentifikator: string;
  /** Absent for `IKKE_REGISTRERT` (the register holds no reservation for the person). */
  reservasjon?: Reservasjon;
  /** Only when `reservasjon` is `JA`. */
  reservasjonstidspunkt?: string;
  reservasjon_oppdatert?: string;
  status: KrrStatus;
  /** With `krr:global/kontaktinformasjon.read`. */
  varslingsstatus?: Varslingsstatus;
  /** With `krr:global/kontaktinformasjon.read`, for `AKTIV` persons with an address. */
  kontaktinformasjon?: Kontaktinformasjon;
  /** With `krr:global/digitalpost.read`, for `AKTIV` persons with a mailbox. */
  digital_post?: DigitalPost;
  /** The mailbox provider's X.509 encryption certificate, base64 DER; with `digital_post`. */
  sertifikat?: string;
  /** `nb`, `nn`, `en` or `se`; with `krr:global/kontaktinformasjon.read`. */
  spraak?: string;
  spraak_oppdatert?: string;
}

/** Body of `POST /rest/v1/personer` and `POST /rest/v2/personer`. */
export interface PersonerRequest {
  /** 1 to 1000 fødselsnumre or D-numbers. */
  personidentifikatorer: string[];
  /** v2 only: include `IKKE_REGISTRERT` entries (default false: they are left out). */
  inkluderIkkeRegistrerte?: boolean;
}

/** Answer of the lookup: one entry per distinct person asked for, in the order asked. */
export interface PersonerResponse {
  personer: KrrPerson[];
}

/** Answer of `/rest/v2/printSertifikat`, with the field names the eFormidling integration point reads. */
export interface PrintSertifikatResponse {
  /** The print provider's organisasjonsnummer. */
  postkasseleverandoerAdresse: string;
  /** The print provider's X.509 encryption certificate, base64 DER. */
  x509Sertifikat: string;
}
