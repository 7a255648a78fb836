/**
 * Row types of MinProfil's own tables (all prefixed `krr_minprofil_`; see `migrations.ts`).
 * Times are epoch milliseconds.
 */
import type { Kysely } from 'kysely';
import type { RpLoginRow, RpSecretRow, RpSessionRow } from '../../../idporten/index.ts';
import type { KrrTables } from '../../store/tables.ts';

/** A per-installation secret (`csrf_key`, `code_key`), made by the first process, shared by all. */
export type MinprofilSecretRow = RpSecretRow;

/**
 * A login under way: sent to ID-porten, not yet back (ID-porten's relying-party kit; `goto_url` is
 * a checked `gotoUrl` to keep for the session).
 */
export type MinprofilLoginRow = RpLoginRow;

/** A logged-in browser (ID-porten's relying-party kit). */
export type MinprofilSessionRow = RpSessionRow;

/** A change of e-mail or mobile waiting for its one-time code: one per person and channel. */
export interface MinprofilPendingChangeRow {
  personidentifikator: string;
  /** `epost` or `mobil`. */
  kanal: string;
  /** The new address, normalised. */
  verdi: string;
  /** HMAC-SHA-256 (base64url) of the code, bound to person, channel and address. */
  code_hash: string;
  /** When the current code stops working. */
  expires_at: number;
  /** Wrong codes entered for the current change. */
  attempts: number;
  /** Codes sent since `window_started_at`. */
  sent_count: number;
  /**
   * When the change ended (its code was used, or too many wrong codes), epoch ms; null while it
   * waits for its code. An ended row is kept until its hour of sends has passed, so ending a
   * change does not reset the hourly limit on codes sent.
   */
  ended_at: number | null;
  window_started_at: number;
  created_at: number;
}

/** MinProfil's tables, plus KRR's (MinProfil is part of KRR and writes `krr_persons`). */
export interface MinprofilTables extends KrrTables {
  krr_minprofil_secrets: MinprofilSecretRow;
  krr_minprofil_logins: MinprofilLoginRow;
  krr_minprofil_sessions: MinprofilSessionRow;
  krr_minprofil_pending_changes: MinprofilPendingChangeRow;
}

/** Kysely over MinProfil's and KRR's tables. */
export type MinprofilDb = Kysely<MinprofilTables>;
