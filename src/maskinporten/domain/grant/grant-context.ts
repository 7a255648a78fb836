/**
 * The shapes the JWT-bearer grant's steps pass along: the decoded assertion, the dependencies
 * every step may use, and the outcome.
 *
 * @see ./jwt-bearer-grant.ts for the order of the steps
 */
import type { KeyStore } from '../../../platform/keys/key-store.ts';
import type { TestPki } from '../../../platform/pki/test-pki.ts';
import type { Stats } from '../../../platform/stats/stats.ts';
import type { MaskinportenDb } from '../../store/tables.ts';
import type { ClientKeyCache } from './client-key-cache.ts';
import type { GrantRegistry } from './registry-cache.ts';

/** The JWS algorithms Maskinporten accepts on a grant. */
export const GRANT_ALGORITHMS = ['RS256', 'RS384', 'RS512'] as const;

/** One of {@link GRANT_ALGORITHMS}. */
export type GrantAlgorithm = (typeof GRANT_ALGORITHMS)[number];

/** The grant's JOSE header after {@link checkHeader}: exactly one of `kid` and `x5c`. */
export type AssertionHeader =
  | { alg: GrantAlgorithm; kid: string; x5c?: undefined }
  | { alg: GrantAlgorithm; kid?: undefined; x5c: string[] };

/** A compact JWS split and decoded, signature not yet verified. */
export interface DecodedAssertion {
  /** The assertion as sent. */
  compact: string;
  /** The decoded protected header (a JSON object). */
  rawHeader: Record<string, unknown>;
  /** The decoded claims (a JSON object). */
  claims: Record<string, unknown>;
  /** The third part, base64url, as sent. */
  signature: string;
}

/** What every grant step may use. */
export interface GrantDeps {
  /** The database: the replay register, and the client's keys on an `x5c` grant. */
  db: MaskinportenDb;
  /** The registry reads of client, key, scopes, access grants and delegations (cached briefly: `registry-cache.ts`). */
  registry: GrantRegistry;
  pki: TestPki;
  keys: KeyStore;
  stats: Stats;
  /** Our issuer, with trailing slash (`<PUBLIC_URL>/maskinporten/`). */
  issuer: string;
  /** The clock, epoch ms (injectable for tests). */
  now: () => number;
  /** Longest accepted `exp − iat`, seconds (MASKINPORTEN_MAX_ASSERTION_LIFETIME_S). */
  maxAssertionLifetimeS: number;
  /** Imported public keys of registered client keys, by `kid`. */
  keyCache: ClientKeyCache;
}

/** The successful token response (RFC 6749 §5.1), as the real Maskinporten answers it. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds until the access token expires. */
  expires_in: number;
  /** The granted scopes, space-separated. */
  scope: string;
}
