/**
 * Row types of the KRR component's tables (see `migrations.ts`). Times are epoch milliseconds
 * (`bigint`; read back as numbers), flags 0/1.
 */
import type { Kysely } from 'kysely';

/** `status` of a person in the register; `IKKE_REGISTRERT` is a person without a row. */
export type RegisterStatus = 'AKTIV' | 'SLETTET';

/** One row of `krr_persons`: one person in the register. */
export interface KrrPersonRow {
  /** Fødselsnummer or D-number, 11 digits. */
  personidentifikator: string;
  status: RegisterStatus;
  reservasjon: 'JA' | 'NEI';
  /** When the person reserved; null unless `reservasjon` is JA. */
  reservasjonstidspunkt: number | null;
  /** When the reservation status last changed; null if it never did. */
  reservasjon_oppdatert: number | null;
  epostadresse: string | null;
  epostadresse_oppdatert: number | null;
  epostadresse_sist_verifisert: number | null;
  epostadresse_sist_validert: number | null;
  /** 1 when the same address is registered on other persons. */
  epostadresse_duplisert: number;
  mobiltelefonnummer: string | null;
  mobiltelefonnummer_oppdatert: number | null;
  mobiltelefonnummer_sist_verifisert: number | null;
  mobiltelefonnummer_sist_validert: number | null;
  mobiltelefonnummer_duplisert: number;
  /** `nb`, `nn`, `en` or `se`; null when never chosen. */
  spraak: string | null;
  spraak_oppdatert: number | null;
  /** The person's address at the mailbox provider (`ola.nordmann#9YDT`); null: no mailbox. */
  postkasseadresse: string | null;
  /** The mailbox provider's organisasjonsnummer; null: no mailbox. */
  postkasseleverandoeradresse: string | null;
  /**
   * The certificate the provider registered for this person (base64 DER), when it registered
   * one of its own; null: the provider's certificate (`krr_providers.sertifikat`) is used.
   */
  postkasse_sertifikat: string | null;
  /** Last change of the row. */
  updated_at: number;
}

/** What a provider does: a digital mailbox (DPI) or the print channel. */
export type ProviderRole = 'postkasse' | 'print';

/** One row of `krr_providers`: a mailbox provider or the print provider. */
export interface KrrProviderRow {
  /** Organisasjonsnummer, 9 digits (`postkasseleverandoeradresse`). */
  orgnr: string;
  navn: string;
  rolle: ProviderRole;
  /** The provider's encryption certificate, base64 DER (no PEM armour). */
  sertifikat: string;
  /** Serial number of that certificate (lower-case hex), for the test PKI's revocation. */
  sertifikat_serial: string;
  /** Certificate `notAfter`, epoch ms. */
  sertifikat_gyldig_til: number;
  created_at: number;
}

/** One row of `krr_lookups`: one admitted lookup request (the audit log's head). */
export interface KrrLookupRow {
  /** UUID. */
  id: string;
  looked_up_at: number;
  /** `POST /rest/v1/personer`, `POST /rest/v2/personer` or `GET /rest/v1/person`. */
  endpoint: string;
  /** The consumer organisation from the token (`consumer` claim). */
  consumer_orgno: string;
  /** The supplier on delegated tokens. */
  supplier_orgno: string | null;
  client_id: string;
  /** The token's KRR scopes that were used, space-separated. */
  scope: string;
  /** The caller's `X-Request-Id` when well formed, else Fastify's request id. */
  request_id: string;
  /** Distinct persons asked for. */
  antall: number;
}

/** One row of `krr_lookup_persons`: a person asked for in a lookup. */
export interface KrrLookupPersonRow {
  lookup_id: string;
  personidentifikator: string;
  /** Copied from the lookup, so "who looked up X, and when" needs only this table's index. */
  looked_up_at: number;
}

/** The single row of `krr_seed_state`: which population the register was seeded from. */
export interface KrrSeedStateRow {
  id: number;
  seed: string;
  persons: number;
  completed_at: number;
}

/** The KRR tables. */
export interface KrrTables {
  krr_persons: KrrPersonRow;
  krr_providers: KrrProviderRow;
  krr_lookups: KrrLookupRow;
  krr_lookup_persons: KrrLookupPersonRow;
  krr_seed_state: KrrSeedStateRow;
}

/** Kysely over the KRR tables. */
export type KrrDb = Kysely<KrrTables>;
