/**
 * The one error type of Grunnmur.
 *
 * Domain code throws `AppError` (or a component's own subclass) with a stable, upper-snake
 * `code`; only the HTTP edge turns it into a response (RFC 9457 problem+json, or the real
 * service's own error format where it has one). `expose` is true for 4xx: the message is safe
 * to show. For 5xx the message goes to the log and the caller sees a bare 500 with the request id.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9457 Problem Details for HTTP APIs
 */
export class AppError extends Error {
  /** Stable machine-readable code, `<AREA>_<PROBLEM>`, never reused for another meaning. */
  readonly code: string;
  /** HTTP status the edge answers with (400–599). */
  readonly status: number;
  /** Optional structured detail for the caller (field errors, limits), serialised as-is. */
  readonly detail: string | undefined;
  /** Extra members for the problem document, e.g. `{ errors: [...] }`. */
  readonly extra: Record<string, unknown> | undefined;
  /** True when the message is safe to show: all 4xx, and 5xx that opt in (e.g. readiness). */
  readonly expose: boolean;
  /**
   * Response headers the edge sends with the problem document (lower-case name → value), e.g.
   * `www-authenticate` on a 401 (RFC 6750 §3). Set by code, never from caller input.
   */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: string, status: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.detail = options.detail;
    this.extra = options.extra;
    this.expose = options.expose ?? status < 500;
    this.headers = options.headers;
  }
}

/** Describes one error code in a component's catalogue (see {@link platformErrors}). */
export interface ErrorCodeInfo {
  /** HTTP status answered. */
  status: number;
  /** Human title (English), the `title` of the problem document. */
  title: string;
}

/**
 * The platform kernel's error catalogue. Each component keeps its own list in its `errors.ts`;
 * `test/error-catalogue.test.ts` keeps the lists, the docs and the code in step.
 */
export const platformErrors = {
  PLATFORM_NOT_FOUND: { status: 404, title: 'Not found' },
  PLATFORM_BAD_REQUEST: { status: 400, title: 'Bad request' },
  PLATFORM_FORBIDDEN: { status: 403, title: 'Forbidden' },
  PLATFORM_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  PLATFORM_HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  PLATFORM_REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  PLATFORM_VALIDATION_FAILED: { status: 400, title: 'Validation failed' },
  PLATFORM_MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  PLATFORM_BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  PLATFORM_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  PLATFORM_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  PLATFORM_NOT_READY: { status: 503, title: 'Service not ready' },
  PLATFORM_INTERNAL: { status: 500, title: 'Internal server error' },
  PLATFORM_TEST_MODE_ONLY: { status: 404, title: 'Only available in test mode' },
  PLATFORM_DATABASE_UNREACHABLE: { status: 503, title: 'Cannot reach the database' },
  PLATFORM_DATABASE_URL_INVALID: { status: 500, title: 'Unsupported DATABASE_URL' },
  PLATFORM_MIGRATION_FAILED: { status: 500, title: 'A database migration failed' },
  PLATFORM_STATS_INVALID: { status: 400, title: 'Invalid statistics counter' },
  PLATFORM_UNKNOWN_COMPONENT: { status: 400, title: 'Unknown component' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link platformErrors}. */
export type PlatformErrorCode = keyof typeof platformErrors;

/** Options of an {@link AppError} built from a catalogue. */
export interface AppErrorOptions {
  detail?: string;
  extra?: Record<string, unknown>;
  cause?: unknown;
  expose?: boolean;
  /** Response headers sent with the problem document (see {@link AppError.headers}). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Builds an `AppError` from a code of a component's error catalogue, with the catalogued
 * status, so a status is written once, in the catalogue.
 *
 * @param catalogue the component's catalogue (`platformErrors`, `registersErrors`…)
 * @param code a key of that catalogue
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function catalogueError<C extends Record<string, ErrorCodeInfo>>(
  catalogue: C,
  code: keyof C & string,
  message?: string,
  options: AppErrorOptions = {},
): AppError {
  const info = catalogue[code] as ErrorCodeInfo;
  return new AppError(code, info.status, message ?? info.title, options);
}

/**
 * Builds an `AppError` from a catalogued platform code, with its catalogued status.
 *
 * @param code a key of {@link platformErrors}
 * @param message safe-to-show message; defaults to the catalogue title
 */
export function platformError(code: PlatformErrorCode, message?: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(platformErrors, code, message, options);
}
