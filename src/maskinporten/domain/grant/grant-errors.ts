/**
 * The token endpoint's error catalogue: Maskinporten's own MP codes, each with the HTTP status
 * and the OAuth `error` the real service answers with, plus two Grunnmur codes for requests
 * that never reach an assertion (wrong grant type, not a form).
 *
 * The endpoint answers RFC 6749 §5.2 JSON, not problem+json:
 * `{"error": "invalid_grant", "error_description": "Invalid assertion. Client authentication
 * failed. Invalid JWT signature. (MP-124) (correlation id: <request id>)"}`, with
 * `Cache-Control: no-store`. Titles follow the messages the real Maskinporten writes (its
 * troubleshooting page), so clients that match on them keep working.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking (the MP codes and messages)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 (error response)
 * @see https://www.rfc-editor.org/rfc/rfc9396#section-5 (`invalid_authorization_details`)
 */
import { AppError, type ErrorCodeInfo } from '../../../platform/errors.ts';

/**
 * OAuth `error` values the token endpoint answers with. `forbidden` is not in RFC 6749's list:
 * it is what the real Maskinporten answers for MP-250/MP-251 (403), and Grunnmur copies it.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type'
  | 'invalid_authorization_details'
  | 'forbidden'
  | 'server_error';

/** One entry of {@link maskinportenGrantErrors}: status, title (message prefix) and OAuth `error`. */
export interface GrantErrorInfo extends ErrorCodeInfo {
  error: OAuthErrorCode;
}

/**
 * Every error of `POST /maskinporten/token`, keyed by code. `title` is the start of
 * `error_description`; the failing detail, the code and the correlation id follow it.
 */
export const maskinportenGrantErrors = {
  'MP-011': { status: 400, error: 'invalid_request', title: 'Invalid assertion. Invalid parameter value' },
  'MP-012': { status: 400, error: 'invalid_grant', title: 'Validation of JWT Bearer grant failed. Grant is used before' },
  'MP-100': { status: 400, error: 'invalid_grant', title: 'Invalid assertion. Client authentication failed' },
  'MP-110': { status: 400, error: 'invalid_grant', title: 'Invalid assertion. Client authentication failed. Invalid JWT claim aud' },
  'MP-120': {
    status: 400,
    error: 'invalid_grant',
    title: 'Invalid assertion. Client authentication failed. The JWT is signed with an invalid certificate',
  },
  'MP-121': { status: 400, error: 'invalid_grant', title: 'Invalid assertion. Client authentication failed. Expired key' },
  'MP-122': {
    status: 400,
    error: 'invalid_grant',
    title: 'Invalid JWT. Invalid organization number for client. Does not match certificate orgno',
  },
  'MP-123': { status: 400, error: 'invalid_grant', title: 'Validation of JWT failed. Invalid JWT header x5c' },
  'MP-124': { status: 400, error: 'invalid_grant', title: 'Invalid assertion. Client authentication failed. Invalid JWT signature' },
  'MP-130': { status: 400, error: 'invalid_grant', title: 'Invalid assertion. JWT is expired or not yet valid' },
  'MP-200': { status: 400, error: 'invalid_scope', title: 'Invalid scope. Token request contains invalid scopes for client' },
  'MP-201': { status: 400, error: 'invalid_scope', title: 'Invalid scope. Token request contains scopes not allowed for maskinporten' },
  'MP-250': { status: 403, error: 'forbidden', title: 'Consumer has not been granted access to the scope' },
  'MP-251': { status: 403, error: 'forbidden', title: 'Consumer has not delegated access to the scope to the supplier' },
  'MP-301': { status: 400, error: 'invalid_authorization_details', title: 'Unknown authorization details type' },
  'MP-302': { status: 400, error: 'invalid_authorization_details', title: 'Unknown or missing fields in the authorization details' },
  'MP-303': { status: 400, error: 'invalid_authorization_details', title: 'Invalid authorization details values' },
  MASKINPORTEN_UNSUPPORTED_GRANT_TYPE: {
    status: 400,
    error: 'unsupported_grant_type',
    title: 'Unsupported grant_type; only urn:ietf:params:oauth:grant-type:jwt-bearer is supported',
  },
  MASKINPORTEN_INVALID_TOKEN_REQUEST: { status: 400, error: 'invalid_request', title: 'Invalid token request' },
  MASKINPORTEN_TOKEN_SERVER_ERROR: { status: 500, error: 'server_error', title: 'The token could not be issued because of an internal error' },
} as const satisfies Record<string, GrantErrorInfo>;

/** Codes of {@link maskinportenGrantErrors}. */
export type GrantErrorCode = keyof typeof maskinportenGrantErrors;

/**
 * A failed grant: `code` is the MP code (or a Grunnmur code), `oauthError` the RFC 6749 `error`,
 * `message` the human part of `error_description` (title, then the detail). The edge appends the
 * code and the correlation id.
 */
export class GrantError extends AppError {
  /** RFC 6749 `error` value. */
  readonly oauthError: OAuthErrorCode;

  /**
   * @param code a key of {@link maskinportenGrantErrors}
   * @param detail what exactly failed, one or more sentences (appended after the title)
   * @param options.message the whole human text instead of title + detail, where the real
   *   service words it so (`Consumer has not been granted access to the scope <scope>.`)
   */
  constructor(code: GrantErrorCode, detail?: string, options: { cause?: unknown; message?: string } = {}) {
    const info: GrantErrorInfo = maskinportenGrantErrors[code];
    const message = options.message ?? (detail ? `${info.title}. ${detail}` : `${info.title}.`);
    super(code, info.status, message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'GrantError';
    this.oauthError = info.error;
  }
}

/** The RFC 6749 §5.2 error body. */
export interface OAuthErrorBody {
  error: OAuthErrorCode;
  /** Human text, then `(<code>) (correlation id: <id>)`. */
  error_description: string;
}

/**
 * The JSON body answered for a grant error.
 *
 * @param correlationId the request id (also in `x-request-id` and in the log line of the failure)
 */
export function oauthErrorBody(error: GrantError, correlationId: string): OAuthErrorBody {
  return { error: error.oauthError, error_description: `${error.message} (${error.code}) (correlation id: ${correlationId})` };
}
