/**
 * RFC 9457 problem documents, and the mapping from any thrown error to one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, platformError } from '../errors.ts';

/** An RFC 9457 problem document with Grunnmur's stable `code`. */
export interface ProblemDocument {
  /** URI of the problem type: `urn:grunnmur:problem:<code>`. */
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The request id (also in the `x-request-id` header and in the log). */
  instance: string;
  code: string;
  [extra: string]: unknown;
}

/**
 * Turns any error into an `AppError`: `AppError`s pass through; Fastify's body-parser and
 * validation errors become the platform's 4xx codes; anything else becomes `PLATFORM_INTERNAL`.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError & { validation?: Array<{ instancePath?: string; message?: string; params?: unknown }> };
  if (fe && typeof fe === 'object') {
    if (Array.isArray(fe.validation)) {
      const errors = fe.validation.map((v) => ({ pointer: v.instancePath || '/', message: v.message ?? 'invalid' }));
      return platformError('PLATFORM_VALIDATION_FAILED', 'The request does not match the schema', {
        detail: fe.message,
        extra: { errors },
        cause: error,
      });
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return platformError('PLATFORM_MALFORMED_JSON', 'The request body is not valid JSON', { detail: fe.message, cause: error });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return platformError('PLATFORM_BODY_TOO_LARGE', 'The request body is larger than this endpoint accepts', {
          detail: fe.message,
          cause: error,
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return platformError('PLATFORM_UNSUPPORTED_MEDIA_TYPE', 'This content type is not accepted here', { detail: fe.message, cause: error });
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return platformError('PLATFORM_BAD_REQUEST', 'Content-Length does not match the body', { cause: error });
    }
    if (fe.statusCode === 403) return platformError('PLATFORM_FORBIDDEN', 'Access to this resource is forbidden', { cause: error });
    if (fe.statusCode === 429) return platformError('PLATFORM_RATE_LIMITED', 'Too many requests; slow down and retry later', { cause: error });
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return new AppError('PLATFORM_BAD_REQUEST', fe.statusCode, fe.message || 'Bad request', { cause: error });
    }
  }
  return platformError('PLATFORM_INTERNAL', 'Internal server error', { cause: error });
}

/**
 * The JSON schema of a problem document (RFC 9457) as the kernel writes it: `type`, `title`,
 * `status`, `instance` (the request id) and `code` always, `detail` and code-specific members
 * (`problems`, `requiredScopes`, …) when there are any.
 */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'instance', 'code'],
  properties: {
    type: { type: 'string', description: '`urn:grunnmur:problem:<code in kebab case>`' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request id (`x-request-id`)' },
    code: { type: 'string', description: 'Stable error code (docs/errors.md)' },
  },
  additionalProperties: true,
} as const;

/**
 * An OpenAPI response of a route schema for an error status: `application/problem+json` with
 * {@link problemSchema}, and the codes it may carry in the description.
 *
 * @param description what the status means here, e.g. the codes
 */
export function problemResponse(description: string): { description: string; content: { 'application/problem+json': { schema: typeof problemSchema } } } {
  return { description, content: { 'application/problem+json': { schema: problemSchema } } };
}

/** The problem `type` URI of a code: `PLATFORM_NOT_FOUND` → `urn:grunnmur:problem:platform-not-found`. */
export function problemType(code: string): string {
  return `urn:grunnmur:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

/** Builds the problem document for an error (5xx errors show no message beyond the title). */
export function problemDocument(error: AppError, requestId: string): ProblemDocument {
  const doc: ProblemDocument = {
    type: problemType(error.expose ? error.code : 'PLATFORM_INTERNAL'),
    title: error.expose ? error.message : 'Internal server error',
    status: error.status,
    instance: requestId,
    code: error.expose ? error.code : 'PLATFORM_INTERNAL',
  };
  if (error.expose && error.detail) doc.detail = error.detail;
  if (error.expose && error.extra) Object.assign(doc, error.extra);
  return doc;
}

/**
 * Fastify error handler answering `application/problem+json`. 5xx errors are logged with
 * their stack; the caller sees only the title, the status and the request id.
 */
export function problemErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'unhandled error');
  else request.log.info({ code: appError.code, status: appError.status }, appError.message);
  const retryAfter = (error as { headers?: Record<string, string> })?.headers?.['retry-after'];
  if (retryAfter) reply.header('retry-after', retryAfter);
  if (appError.headers) reply.headers(appError.headers);
  return reply
    .code(appError.status)
    .type('application/problem+json; charset=utf-8')
    .send(problemDocument(appError, String(request.id)));
}
