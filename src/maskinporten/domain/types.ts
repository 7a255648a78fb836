/**
 * The Maskinporten registry's shapes, as Digdir's self-service API
 * (`https://api.samarbeid.digdir.no/api/v1/…`) spells them. The store returns these; the admin
 * routes answer them as JSON; the grant reads them.
 *
 * @see specs/idporten-maskinporten.md §1 "Client registration", §3 "Scopes"
 */
import type { JWK } from 'jose';

/** A Maskinporten client (`integration_type: maskinporten`). Times are ISO 8601 strings on the wire. */
export interface Client {
  client_id: string;
  client_orgno: string;
  supplier_orgno?: string;
  integration_type: 'maskinporten';
  application_type: 'web';
  client_name: string;
  description?: string;
  scopes: string[];
  /** `private_key_jwt` when keys are registered, `none` for virksomhetssertifikat (`x5c`) only. */
  token_endpoint_auth_method: 'private_key_jwt' | 'none';
  grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'];
  /** Seconds; default 120. */
  access_token_lifetime: number;
  active: boolean;
  /** ISO 8601. */
  created: string;
  /** ISO 8601. */
  last_updated: string;
}

/** A public key registered on a client. */
export interface ClientKey {
  kid: string;
  client_id: string;
  /** The public JWK (kty RSA, n, e, kid, optional alg/use). */
  jwk: JWK;
  /** Epoch ms. */
  created: number;
  /** Epoch ms; after this the key is refused (MP-121). */
  expires: number;
}

/** An API scope `prefix:subscope`. */
export interface Scope {
  /** `prefix:subscope`. */
  name: string;
  prefix: string;
  subscope: string;
  description: string;
  long_description?: string;
  owner_orgno: string;
  delegation_source?: string;
  accessible_for_all: boolean;
  allowed_integration_types: string[];
  /** Longest access-token lifetime, seconds. */
  at_max_age?: number;
  /** Longest authorization lifetime, seconds. */
  authorization_max_lifetime?: number;
  visibility: 'PUBLIC' | 'PRIVATE' | 'INTERNAL';
  token_type: 'SELF_CONTAINED' | 'OPAQUE';
  requires_user_consent: boolean;
  requires_user_authentication: boolean;
  requires_pseudonymous_tokens: boolean;
  active: boolean;
  /** ISO 8601. */
  created: string;
  /** ISO 8601. */
  last_updated: string;
}

/** An access grant: the scope's owner lets `consumer_orgno` use `scope`. */
export interface ScopeAccess {
  scope: string;
  state: 'APPROVED';
  consumer_orgno: string;
  owner_orgno: string;
  /** ISO 8601. */
  created: string;
  /** ISO 8601. */
  last_updated: string;
}

/** A delegation: customer `consumer_orgno` lets supplier `supplier_orgno` use its access to `scope`. */
export interface Delegation {
  scope: string;
  consumer_orgno: string;
  supplier_orgno: string;
  delegation_source: string;
  /** ISO 8601. */
  created: string;
}

/** A client's public keys as the self-service API answers them (`GET|POST|PUT /clients/{id}/jwks`). */
export interface ClientJwks {
  /** When the oldest key of the set was posted, ISO 8601 (absent when the set is empty). */
  created?: string;
  /** When the set was last posted, ISO 8601 (absent when the set is empty). */
  last_updated?: string;
  /** The public JWKs, each with `exp` (epoch seconds) set to when it stops being accepted. */
  keys: JWK[];
}

/** A scope prefix and the organisation it is assigned to. */
export interface ScopePrefix {
  prefix: string;
  owner_orgno: string;
  /** ISO 8601. */
  created: string;
}
