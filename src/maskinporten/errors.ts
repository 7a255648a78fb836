/**
 * The Maskinporten component's error catalogue for its self-service API (`/selvbetjening/api/v1`,
 * problem+json). The token endpoint answers RFC 6749 `{error, error_description}` with Digdir's
 * MP-xxx codes instead; those live with the grant.
 *
 * Listed in `src/maskinporten/README.md`, "Self-service API" → "Errors".
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../platform/errors.ts';

/** Every problem+json code of the Maskinporten self-service API. */
export const maskinportenErrors = {
  /** An organisasjonsnummer (path, body or query) is not 9 digits with a valid MOD11 check digit; `extra.problems` lists the failed rules. */
  MASKINPORTEN_INVALID_ORGNO: { status: 400, title: 'Invalid organisasjonsnummer' },
  /** No client with that id that the caller may see (another organisation's clients are not found either). */
  MASKINPORTEN_CLIENT_NOT_FOUND: { status: 404, title: 'Client not found' },
  /** A write to a client that was deleted (deactivated). */
  MASKINPORTEN_CLIENT_INACTIVE: { status: 409, title: 'Client is deactivated' },
  /** The client would belong to another organisation, and the caller is no supplier (`idporten:dcr.supplier`), or names another supplier than itself. */
  MASKINPORTEN_CLIENT_ORGNO_FORBIDDEN: { status: 403, title: 'Not allowed to manage clients for that organisation' },
  /** A client field has a value Maskinporten clients cannot have (integration type, grant type, redirect URIs…), or a read-only field was changed. */
  MASKINPORTEN_INVALID_CLIENT: { status: 400, title: 'Invalid client registration' },
  /** A scope on the client is unknown, deactivated, not for Maskinporten clients, or not accessible to the client's organisation; `extra.problems` names each. */
  MASKINPORTEN_CLIENT_SCOPE_REJECTED: { status: 400, title: 'Scope not allowed on the client' },
  /** A JWKS with more than 5 keys. */
  MASKINPORTEN_TOO_MANY_KEYS: { status: 400, title: 'Too many keys' },
  /** A `kid` with characters other than letters, digits and `._-`, or longer than 255. */
  MASKINPORTEN_INVALID_KID: { status: 400, title: 'Invalid kid' },
  /** The same `kid` twice in one JWKS. */
  MASKINPORTEN_DUPLICATE_KID: { status: 400, title: 'Duplicate kid in the key set' },
  /** The `kid` is registered on another client (a kid is unique across all clients). */
  MASKINPORTEN_KID_IN_USE: { status: 409, title: 'kid already in use by another client' },
  /** A key that is not an RSA signing key of at least 2048 bits for RS256/RS384/RS512, or whose `x5c` certificate does not hold it. */
  MASKINPORTEN_UNSUPPORTED_KEY: { status: 400, title: 'Unsupported key' },
  /** A JWK with private key members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`): only public keys are registered. */
  MASKINPORTEN_PRIVATE_KEY_MATERIAL: { status: 400, title: 'Private key material in a JWK' },
  /** A key whose `exp` is in the past or more than one year after posting. */
  MASKINPORTEN_INVALID_KEY_EXPIRY: { status: 400, title: 'Invalid key expiry' },
  /** A scope name that is not `prefix:subscope` (prefix `[a-z0-9]+`; subscope letters/digits separated by `/ . _ - :`). */
  MASKINPORTEN_INVALID_SCOPE_NAME: { status: 400, title: 'Invalid scope name' },
  /** No scope with that name that the caller may see. */
  MASKINPORTEN_SCOPE_NOT_FOUND: { status: 404, title: 'Scope not found' },
  /** POST of a scope that exists, active or deactivated (reactivate with PUT `active: true`). */
  MASKINPORTEN_SCOPE_EXISTS: { status: 409, title: 'Scope already exists' },
  /** The scope belongs to another organisation. */
  MASKINPORTEN_SCOPE_NOT_OWNED: { status: 403, title: 'Scope owned by another organisation' },
  /** The scope prefix is assigned to another organisation. */
  MASKINPORTEN_PREFIX_NOT_ASSIGNED: { status: 403, title: 'Scope prefix assigned to another organisation' },
  /** A PUT tried to change a scope's name, prefix, subscope or owner. */
  MASKINPORTEN_SCOPE_IMMUTABLE: { status: 400, title: 'Scope name and owner cannot change' },
  /** A scope attribute is out of range or contradicts another (e.g. `delegation_source` on a scope Maskinporten clients cannot use). */
  MASKINPORTEN_INVALID_SCOPE: { status: 400, title: 'Invalid scope attributes' },
  /** An access grant or a delegation for a deactivated scope. */
  MASKINPORTEN_SCOPE_INACTIVE: { status: 409, title: 'Scope is deactivated' },
  /** DELETE of an access grant that does not exist. */
  MASKINPORTEN_ACCESS_NOT_FOUND: { status: 404, title: 'Access grant not found' },
  /** A delegation of a scope without `delegation_source`. */
  MASKINPORTEN_SCOPE_NOT_DELEGABLE: { status: 400, title: 'Scope cannot be delegated' },
  /** The delegating organisation has no access to the scope itself. */
  MASKINPORTEN_NO_ACCESS_TO_DELEGATE: { status: 403, title: 'No access to delegate' },
  /** A delegation to the delegating organisation itself. */
  MASKINPORTEN_SELF_DELEGATION: { status: 400, title: 'Cannot delegate to oneself' },
  /** DELETE of a delegation that does not exist. */
  MASKINPORTEN_DELEGATION_NOT_FOUND: { status: 404, title: 'Delegation not found' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link maskinportenErrors}. */
export type MaskinportenErrorCode = keyof typeof maskinportenErrors;

/**
 * Builds an `AppError` from a catalogued Maskinporten code, with its catalogued status.
 *
 * @param code a key of {@link maskinportenErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function maskinportenError(code: MaskinportenErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(maskinportenErrors, code, message, options);
}
