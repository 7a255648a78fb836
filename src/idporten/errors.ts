/**
 * The ID-porten component's own error codes, for failures that are Grunnmur's rather than the
 * OAuth/OIDC protocol's. Protocol errors at `/idporten/authorize`, `/token`, `/par`… are
 * oidc-provider's RFC 6749 / OIDC codes (`invalid_request`, `invalid_grant`, …): redirected to
 * the client when its redirect URI is known, otherwise shown on an error page.
 *
 * Listed in `src/idporten/README.md`, "Errors".
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../platform/errors.ts';

/** Every Grunnmur-specific error code of ID-porten. */
export const idportenErrors = {
  /** A client registration breaks one of Digdir's rules (redirect URIs, grant types, auth method, lifetimes…); `extra.problems` lists each. */
  IDPORTEN_INVALID_CLIENT: { status: 400, title: 'Invalid ID-porten client registration' },
  /** No ID-porten client with that client_id. */
  IDPORTEN_CLIENT_NOT_FOUND: { status: 404, title: 'ID-porten client not found' },
  /** A client with that client_id already exists. */
  IDPORTEN_CLIENT_EXISTS: { status: 409, title: 'ID-porten client already exists' },
  /** The login page was opened for a login that does not exist or has expired (the interaction cookie and the URL do not name a live login). */
  IDPORTEN_LOGIN_NOT_FOUND: { status: 400, title: 'The login has expired or does not exist' },
  /** The login form was posted without the CSRF token of this login, or with another one. */
  IDPORTEN_CSRF_MISMATCH: { status: 403, title: 'The form is not from this login' },
  /** A login method that does not exist, or is off (TestID in production mode). */
  IDPORTEN_METHOD_UNAVAILABLE: { status: 404, title: 'Login method not available' },
  /** Folkeregisteret could not be reached to look up the person. */
  IDPORTEN_REGISTER_UNAVAILABLE: { status: 503, title: 'Folkeregisteret is unavailable' },
  /** A new MinID account breaks a rule (fødselsnummer, password policy, mobile number); `extra.problems` lists each. */
  IDPORTEN_MINID_INVALID_ACCOUNT: { status: 400, title: 'Invalid MinID account' },
  /** The person already has a MinID account. */
  IDPORTEN_MINID_ACCOUNT_EXISTS: { status: 409, title: 'MinID account already exists' },
  /** A change, key or secret for a deleted (deactivated) client. */
  IDPORTEN_CLIENT_INACTIVE: { status: 409, title: 'The ID-porten client is deleted' },
  /** A client for another organisation than the caller's, without the scope idporten:dcr.supplier. */
  IDPORTEN_CLIENT_ORGNO_FORBIDDEN: { status: 403, title: 'Not allowed to register clients for this organisation' },
  /** A key's kid is registered on another ID-porten client (a kid is unique across all clients). */
  IDPORTEN_KID_IN_USE: { status: 409, title: 'The kid is registered on another client' },
  /** Secret rotation for a client that does not authenticate with a secret (private_key_jwt, none). */
  IDPORTEN_CLIENT_HAS_NO_SECRET: { status: 409, title: 'The client does not use a client secret' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A code of {@link idportenErrors}. */
export type IdportenErrorCode = keyof typeof idportenErrors;

/**
 * Builds an `AppError` with a catalogued ID-porten code and its status.
 *
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function idportenError(code: IdportenErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(idportenErrors, code, message, options);
}
