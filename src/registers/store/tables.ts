/**
 * Row types of the registers component's tables (see `migrations.ts`).
 */
import type { Kysely } from 'kysely';

/** Folkeregisteret personstatus values the generator uses. */
export type PersonStatus = 'bosatt' | 'utflyttet' | 'doed' | 'midlertidig' | 'inaktiv';

/** One row of `registers_persons`. */
export interface PersonRow {
  /** Fødselsnummer or D-number, 11 digits. */
  pid: string;
  given_name: string;
  middle_name: string | null;
  family_name: string;
  /** YYYY-MM-DD. */
  birth_date: string;
  gender: 'female' | 'male';
  status: PersonStatus;
  /** YYYY-MM-DD the status began (dødsdato, utflyttingsdato), else null. */
  status_date: string | null;
  adressenavn: string | null;
  husnummer: number | null;
  husbokstav: string | null;
  postnummer: string | null;
  poststed: string | null;
  kommunenummer: string | null;
  utland_adressenavn: string | null;
  utland_postkode: string | null;
  utland_by: string | null;
  /** ISO 3166-1 alpha-2. */
  utland_landkode: string | null;
  /** Epoch milliseconds. */
  created_at: number;
}

/** Role of an organisation in Grunnmur itself. */
export type GrunnmurRole = 'mailbox_provider' | 'print_provider';

/** One row of `registers_organisations`. Flags are 0/1. */
export interface OrganisationRow {
  orgnr: string;
  navn: string;
  navn_sok: string;
  organisasjonsform: string;
  organisasjonsform_beskrivelse: string;
  er_underenhet: number;
  naeringskode: string | null;
  naeringskode_beskrivelse: string | null;
  sektorkode: string | null;
  sektorkode_beskrivelse: string | null;
  adresse: string | null;
  postnummer: string | null;
  poststed: string | null;
  kommune: string | null;
  kommunenummer: string | null;
  post_adresse: string | null;
  post_postnummer: string | null;
  post_poststed: string | null;
  post_kommune: string | null;
  post_kommunenummer: string | null;
  overordnet_enhet: string | null;
  /** YYYY-MM-DD. */
  registreringsdato: string;
  antall_ansatte: number | null;
  hjemmeside: string | null;
  is_public_agency: number;
  grunnmur_role: GrunnmurRole | null;
  registrert_i_mvaregisteret: number;
  registrert_i_foretaksregisteret: number;
  konkurs: number;
  under_avvikling: number;
  under_tvangsavvikling: number;
  /** Epoch milliseconds. */
  created_at: number;
}

/** One row of `registers_roles`: a person (`person_pid`) or an organisation (`enhet_orgnr`). */
export interface RoleRow {
  orgnr: string;
  rolle: string;
  rekkefolge: number;
  person_pid: string | null;
  enhet_orgnr: string | null;
  fratraadt: number;
  /** YYYY-MM-DD. */
  sist_endret: string;
}

/** The single row (id 1) of `registers_seed_state`. */
export interface SeedStateRow {
  id: number;
  seed: string;
  persons_target: number;
  orgs_target: number;
  /** Epoch ms. */
  started_at: number;
  /** Epoch ms, refreshed after every committed chunk. */
  heartbeat_at: number;
  /** Epoch ms, null while seeding (or after a crash mid-seed). */
  completed_at: number | null;
}

/** One row of `registers_lookup_log`: one Folkeregisteret person lookup. */
export interface LookupLogRow {
  /** UUID. */
  id: string;
  /** Epoch ms. */
  looked_up_at: number;
  /** The fødselsnummer or D-number looked up (always a valid one). */
  pid: string;
  /** 1 when the person exists, 0 when the lookup answered 404. */
  found: number;
  consumer_orgno: string;
  /** On delegated tokens: the supplier that called on the consumer's behalf. */
  supplier_orgno: string | null;
  client_id: string;
  /** The scope that admitted the lookup (the legal basis it claims). */
  scope: string;
  rettighetspakke: string;
  /** The request id (`instance` of problem documents, `reqId` in the logs). */
  request_id: string;
  /** `jti` of the access token, when it has one. */
  token_jti: string | null;
}

/** The registers component's tables, for `db.kysely as Kysely<RegistersTables>`. */
export interface RegistersTables {
  registers_persons: PersonRow;
  registers_organisations: OrganisationRow;
  registers_roles: RoleRow;
  registers_seed_state: SeedStateRow;
  registers_lookup_log: LookupLogRow;
}

/** The registers store's Kysely type. */
export type RegistersDb = Kysely<RegistersTables>;
