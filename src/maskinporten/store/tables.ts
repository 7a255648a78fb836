/**
 * Row types of the Maskinporten component's tables (see `migrations.ts`). Times are epoch
 * milliseconds (`bigint` columns: PostgreSQL returns them as strings, so stores convert with
 * `Number()`); flags are integers 0/1; lists and JSON objects are JSON text.
 */
import type { Kysely } from 'kysely';

/**
 * One row of `maskinporten_clients`: a client of Digdir's self-service API
 * (`integration_type: maskinporten`).
 *
 * @see specs/idporten-maskinporten.md §1 "Client registration", §3
 */
export interface ClientRow {
  /** Assigned by us (a UUID, as Digdir assigns them). */
  client_id: string;
  /** Organisation number of the client's owner: the `consumer` of its tokens. */
  client_orgno: string;
  /** Organisation number of the supplier that administers the client for its owner, if any. */
  supplier_orgno: string | null;
  /** `maskinporten` (the only type this component issues tokens for). */
  integration_type: string;
  /** `web`. */
  application_type: string;
  client_name: string;
  description: string | null;
  /** JSON array of scope names the client may ask for (`["krr:global/kontaktinformasjon.read"]`). */
  scopes: string;
  /** `private_key_jwt` (keys registered) or `none` (virksomhetssertifikat through `x5c`). */
  token_endpoint_auth_method: string;
  /** Access-token lifetime in seconds (default 120), capped by each scope's `at_max_age`. */
  access_token_lifetime: number;
  /** 1 = active; 0 = deleted (clients are deactivated, never removed, so ids stay unique). */
  active: number;
  created: number;
  last_updated: number;
}

/**
 * One row of `maskinporten_client_keys`: a public key registered on a client, chosen by `kid`.
 * `kid` is unique across all clients; a client has at most 5 keys, each valid at most one year.
 */
export interface ClientKeyRow {
  kid: string;
  client_id: string;
  /** The public JWK as JSON text (kty, n, e, kid, alg?, use?). */
  jwk: string;
  created: number;
  /** When the key stops being accepted (≤ created + 1 year). */
  expires: number;
}

/**
 * One row of `maskinporten_scopes`: an API scope (`prefix:subscope`), owned by an organisation.
 *
 * @see specs/idporten-maskinporten.md §3 "Scopes"
 */
export interface ScopeRow {
  /** `prefix:subscope`, the primary key. */
  name: string;
  prefix: string;
  subscope: string;
  description: string;
  long_description: string | null;
  owner_orgno: string;
  /** Altinn issuer URL when access may be delegated through Altinn (`https://www.altinn.no/`). */
  delegation_source: string | null;
  /** 1 = every organisation may use the scope without an access grant. */
  accessible_for_all: number;
  /** JSON array, e.g. `["maskinporten"]`. */
  allowed_integration_types: string;
  /** Longest access-token lifetime for this scope, seconds (null = no cap). */
  at_max_age: number | null;
  /** Longest authorization lifetime, seconds (null = no cap). */
  authorization_max_lifetime: number | null;
  /** `PUBLIC` | `PRIVATE` | `INTERNAL`. */
  visibility: string;
  /** `SELF_CONTAINED` | `OPAQUE` (Maskinporten issues self-contained tokens only). */
  token_type: string;
  requires_user_consent: number;
  requires_user_authentication: number;
  requires_pseudonymous_tokens: number;
  /** 1 = active; 0 = deactivated by DELETE (a POST of the same name then gives 409). */
  active: number;
  created: number;
  last_updated: number;
}

/**
 * One row of `maskinporten_scope_access`: the owner of `scope` let `consumer_orgno` use it.
 * A DELETE removes the row.
 */
export interface ScopeAccessRow {
  scope: string;
  consumer_orgno: string;
  /** `APPROVED`. */
  state: string;
  created: number;
  last_updated: number;
}

/**
 * One row of `maskinporten_delegations`: the customer `consumer_orgno` delegated its access to
 * `scope` to the supplier `supplier_orgno` (what Altinn holds in the real service, until Altinn
 * lands here).
 *
 * @see specs/idporten-maskinporten.md §3 "Delegation via Altinn"
 */
export interface DelegationRow {
  scope: string;
  consumer_orgno: string;
  supplier_orgno: string;
  /** The scope's `delegation_source` when the delegation was made. */
  delegation_source: string;
  created: number;
}

/**
 * One row of `maskinporten_used_jti`: a grant's `jti`, kept until the grant expires, so a
 * replay is refused on every process sharing the database (primary key = the check).
 */
export interface UsedJtiRow {
  client_id: string;
  jti: string;
  /** The assertion's `exp` (ms); the row may be purged after it. */
  expires: number;
}

/**
 * One row of `maskinporten_scope_prefixes`: the organisation a scope prefix (`nav`, `krr`…)
 * belongs to. Only that organisation may create scopes `prefix:…`.
 *
 * @see specs/idporten-maskinporten.md §3 "Scopes" (Digdir assigns the prefix by hand)
 */
export interface ScopePrefixRow {
  prefix: string;
  owner_orgno: string;
  created: number;
}

/** The Maskinporten component's tables. */
export interface MaskinportenTables {
  maskinporten_clients: ClientRow;
  maskinporten_client_keys: ClientKeyRow;
  maskinporten_scopes: ScopeRow;
  maskinporten_scope_access: ScopeAccessRow;
  maskinporten_delegations: DelegationRow;
  maskinporten_used_jti: UsedJtiRow;
  maskinporten_scope_prefixes: ScopePrefixRow;
}

/** A Kysely handle typed with the Maskinporten tables. */
export type MaskinportenDb = Kysely<MaskinportenTables>;
