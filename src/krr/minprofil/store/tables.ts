/**
 * Row types of MinProfil's own tables (all prefixed `krr_minprofil_`; see `migrations.ts`).
 * Times are epoch milliseconds.
 */
import type { Kysely } from 'kysely';
import type { KrrTables } from '../../store/tables.ts';

/** A per-installation secret (made by the first process, shared by all). */
export interface MinprofilSecretRow {
  /** `client_secret`, `csrf_key`, `code_key`. */
  name: string;
  value: string;
  created_at: number;
}

/** A login under way: sent to ID-porten, not yet back. Keyed by the hash of the browser's cookie. */
export interface MinprofilLoginRow {
  /** SHA-256 (hex) of the random value in the `_minprofil_login` cookie. */
  id: string;
  state: string;
  nonce: string;
  code_verifier: string;
  /** A checked `gotoUrl` to keep for the session, or null. */
  goto_url: string | null;
  created_at: number;
  expires_at: number;
}

/** A logged-in browser. Keyed by the hash of its `_minprofil_session` cookie. */
export interface MinprofilSessionRow {
  /** SHA-256 (hex) of the random value in the cookie; the value itself is never stored. */
  id: string;
  /** The person (ID token `pid`). */
  pid: string;
  acr: string;
  /** The ID token, as `id_token_hint` for ID-porten's end session. */
  id_token: string;
  /** ID-porten's session id for this client (`sid`), for front-channel logout; null when absent. */
  sid: string | null;
  goto_url: string | null;
  created_at: number;
  last_seen_at: number;
  /** Absolute end (login + 2 h); the idle end is `last_seen_at` + 30 min. */
  expires_at: number;
}

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
