/**
 * Wire types of the registers APIs: the JSON that `/enhetsregisteret/api/…` and
 * `/folkeregisteret/api/v1/…` answer, shaped like Brønnøysundregistrene's open Enhetsregisteret
 * API and Skatteetaten's Folkeregisteret person document. Optional members are left out of
 * the JSON when empty, as the real services do.
 *
 * @see https://data.brreg.no/enhetsregisteret/api/dokumentasjon/no/index.html
 * @see https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/oppslag/
 */

/** A HAL link. */
export interface Link {
  href: string;
}

/** A `{ kode, beskrivelse }` code (næringskode, sektorkode). */
export interface Kode {
  kode: string;
  beskrivelse: string;
}

/** A code with its own `_links.self` (organisasjonsform, role types). */
export interface KodeMedLenke extends Kode {
  _links: { self: Link };
}

/** An address in Enhetsregisteret (forretningsadresse, postadresse, beliggenhetsadresse). */
export interface Adresse {
  land: string;
  /** ISO 3166-1 alpha-2. */
  landkode: string;
  postnummer?: string;
  poststed?: string;
  /** Address lines. */
  adresse: string[];
  kommune?: string;
  /** Four digits. */
  kommunenummer?: string;
}

/** The fields a hovedenhet and an underenhet share. */
export interface EnhetFelles {
  organisasjonsnummer: string;
  navn: string;
  organisasjonsform: KodeMedLenke;
  hjemmeside?: string;
  postadresse?: Adresse;
  /** YYYY-MM-DD. */
  registreringsdatoEnhetsregisteret: string;
  registrertIMvaregisteret: boolean;
  naeringskode1?: Kode;
  antallAnsatte: number;
  harRegistrertAntallAnsatte: boolean;
}

/** A hovedenhet (`GET /enhetsregisteret/api/enheter/{organisasjonsnummer}`). */
export interface Enhet extends EnhetFelles {
  /** Orgnr of the parent (for organisasjonsledd in the public sector). */
  overordnetEnhet?: string;
  forretningsadresse?: Adresse;
  institusjonellSektorkode?: Kode;
  registrertIForetaksregisteret: boolean;
  registrertIStiftelsesregisteret: boolean;
  registrertIFrivillighetsregisteret: boolean;
  konkurs: boolean;
  underAvvikling: boolean;
  underTvangsavviklingEllerTvangsopplosning: boolean;
  /** `Bokmål` or `Nynorsk`. */
  maalform: string;
  _links: { self: Link; overordnetEnhet?: Link };
}

/** An underenhet (`GET /enhetsregisteret/api/underenheter/{organisasjonsnummer}`). */
export interface Underenhet extends EnhetFelles {
  /** Orgnr of the hovedenhet. */
  overordnetEnhet: string;
  /** YYYY-MM-DD. */
  oppstartsdato: string;
  beliggenhetsadresse?: Adresse;
  _links: { self: Link; overordnetEnhet: Link };
}

/** HAL page metadata. */
export interface Page {
  size: number;
  totalElements: number;
  totalPages: number;
  /** Zero-based page number. */
  number: number;
}

/** Search result (`GET /enhetsregisteret/api/enheter?navn=…`). `_embedded` is absent when nothing matched. */
export interface EnheterPage {
  _embedded?: { enheter: Enhet[] };
  _links: { self: Link; first?: Link; prev?: Link; next?: Link; last?: Link };
  page: Page;
}

/** Search result over underenheter. */
export interface UnderenheterPage {
  _embedded?: { underenheter: Underenhet[] };
  _links: { self: Link; first?: Link; prev?: Link; next?: Link; last?: Link };
  page: Page;
}

/** A person holding a role (no fødselsnummer: the open API shows the birth date only). */
export interface RollePerson {
  /** YYYY-MM-DD. */
  fodselsdato: string;
  navn: { fornavn: string; mellomnavn?: string; etternavn: string };
  erDoed: boolean;
}

/** An organisation holding a role (auditor, accountant). */
export interface RolleEnhet {
  organisasjonsnummer: string;
  organisasjonsform: KodeMedLenke;
  /** Name lines. */
  navn: string[];
  erSlettet: boolean;
  _links: { self: Link };
}

/** One role. Exactly one of `person` and `enhet` is present. */
export interface Rolle {
  type: KodeMedLenke;
  person?: RollePerson;
  enhet?: RolleEnhet;
  fratraadt: boolean;
  rekkefolge: number;
}

/** A role group (DAGL, STYR, REVI, REGN…). */
export interface Rollegruppe {
  type: KodeMedLenke;
  /** YYYY-MM-DD of the latest change in the group. */
  sistEndret: string;
  roller: Rolle[];
}

/** `GET /enhetsregisteret/api/enheter/{organisasjonsnummer}/roller`. */
export interface Roller {
  rollegrupper: Rollegruppe[];
  _links: { self: Link; enhet: Link };
}

/** Metadata every Folkeregisteret element carries (abridged). */
export interface FregMetadata {
  erGjeldende: boolean;
  /** ISO 8601 timestamp. */
  ajourholdstidspunkt: string;
  /** ISO 8601 timestamp. */
  gyldighetstidspunkt: string;
  kilde: string;
}

/** A Norwegian road address in Folkeregisteret. */
export interface Vegadresse {
  kommunenummer: string;
  adressenavn: string;
  adressenummer: { husnummer: string; husbokstav?: string };
  poststed: { poststedsnavn: string; postnummer: string };
}

/** A foreign address in Folkeregisteret. */
export interface UtenlandskAdresse {
  adressenavn: string;
  postkode: string;
  byEllerStedsnavn: string;
  /** ISO 3166-1 alpha-2. */
  landkode: string;
}

/** Folkeregisteret person document (`GET /folkeregisteret/api/v1/personer/{pid}`), abridged. */
export interface FregPerson {
  identifikasjonsnummer: Array<
    FregMetadata & { foedselsEllerDNummer: string; identifikatortype: 'foedselsnummer' | 'dNummer'; status: 'iBruk' }
  >;
  /** Personstatus: bosatt, utflyttet, doed, midlertidig, inaktiv. */
  status: Array<FregMetadata & { status: string }>;
  kjoenn: Array<FregMetadata & { kjoenn: 'kvinne' | 'mann' }>;
  foedsel: Array<FregMetadata & { foedselsdato: string; foedselsaar: string }>;
  navn: Array<FregMetadata & { fornavn: string; mellomnavn?: string; etternavn: string }>;
  /** For residents (fødselsnummer). */
  bostedsadresse?: Array<FregMetadata & { vegadresse: Vegadresse }>;
  /** For D-number holders (they have no bostedsadresse). */
  oppholdsadresse?: Array<FregMetadata & { vegadresse: Vegadresse }>;
  /** For emigrated persons. */
  postadresseIUtlandet?: Array<FregMetadata & { utenlandskAdresse: UtenlandskAdresse }>;
  utflyttingFraNorge?: Array<FregMetadata & { tilflyttingsland: string; utflyttingsdato: string }>;
  doedsfall?: Array<FregMetadata & { doedsdato: string }>;
}

/** One synthetic person in `GET /folkeregisteret/api/v1/testpersoner` (Grunnmur-specific). */
export interface Testperson {
  foedselsEllerDNummer: string;
  identifikatortype: 'foedselsnummer' | 'dNummer';
  fornavn: string;
  mellomnavn?: string;
  etternavn: string;
  foedselsdato: string;
  kjoenn: 'kvinne' | 'mann';
  status: string;
}

/** `GET /folkeregisteret/api/v1/testpersoner?page=&size=` (Grunnmur-specific). */
export interface TestpersonerPage {
  personer: Testperson[];
  page: Page;
}
