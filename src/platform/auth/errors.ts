/**
 * Error codes of the bearer-token checks, and the RFC 6750 `WWW-Authenticate` challenge that goes
 * with each of them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 The WWW-Authenticate response header field
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../errors.ts';

/** Error codes of `src/platform/auth`. */
export const authErrors = {
  AUTH_TOKEN_MISSING: { status: 401, title: 'Bearer token missing' },
  AUTH_TOKEN_INVALID: { status: 401, title: 'Invalid bearer token' },
  AUTH_TOKEN_EXPIRED: { status: 401, title: 'Bearer token expired' },
  AUTH_INSUFFICIENT_SCOPE: { status: 403, title: 'Insufficient scope' },
  AUTH_JWKS_UNAVAILABLE: { status: 503, title: "The token issuer's keys cannot be fetched" },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link authErrors}. */
export type AuthErrorCode = keyof typeof authErrors;

/** Builds an `AppError` of {@link authErrors} with its catalogued status. */
export function authError(code: AuthErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(authErrors, code, message, options);
}

/**
 * The RFC 6750 §3 challenge for an auth error, or undefined for codes that have none
 * (`AUTH_JWKS_UNAVAILABLE`, a 503).
 *
 * - `AUTH_TOKEN_MISSING`: `Bearer realm="…"` with no error code (§3.1: the client did not try).
 * - `AUTH_TOKEN_INVALID`, `AUTH_TOKEN_EXPIRED`: `Bearer realm="…", error="invalid_token", error_description="…"`.
 * - `AUTH_INSUFFICIENT_SCOPE`: `Bearer realm="…", error="insufficient_scope", error_description="…", scope="…"`.
 *
 * Quoted values are reduced to the characters §3 allows in them (printable ASCII without `"`
 * and `\`), so a message can never break the header.
 *
 * @param code the error code
 * @param realm the protection space, e.g. the public base URL
 * @param description the `error_description` (the error's message)
 * @param scopes the scopes that would have been enough (for `insufficient_scope`)
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function bearerChallenge(code: string, realm: string, description: string, scopes: readonly string[] = []): string | undefined {
  const params = [`realm="${quotable(realm)}"`];
  switch (code) {
    case 'AUTH_TOKEN_MISSING':
      break;
    case 'AUTH_TOKEN_INVALID':
    case 'AUTH_TOKEN_EXPIRED':
      params.push('error="invalid_token"', `error_description="${quotable(description)}"`);
      break;
    case 'AUTH_INSUFFICIENT_SCOPE':
      params.push('error="insufficient_scope"', `error_description="${quotable(description)}"`);
      if (scopes.length > 0) params.push(`scope="${quotable(scopes.join(' '))}"`);
      break;
    default:
      return undefined;
  }
  return `Bearer ${params.join(', ')}`;
}

/** The error again, with its `WWW-Authenticate` challenge as a response header (when it has one). */
export function withChallenge(error: AppError, realm: string, scopes: readonly string[] = []): AppError {
  const challenge = bearerChallenge(error.code, realm, error.message, scopes);
  if (challenge === undefined) return error;
  return new AppError(error.code, error.status, error.message, {
    detail: error.detail,
    extra: error.extra,
    cause: error.cause,
    expose: error.expose,
    headers: { ...error.headers, 'www-authenticate': challenge },
  });
}

/** RFC 6750 §3: error_description and scope values use %x20-21 / %x23-5B / %x5D-7E only. */
function quotable(value: string): string {
  return value.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
}
