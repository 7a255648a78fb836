/**
 * Errors in the integration point's format (Spring Boot's `DefaultErrorAttributes`):
 * `{timestamp, status, error, message, path}`, plus Grunnmur's stable `code`, and `errors`
 * when a check lists several problems. Programs written for the real integration point read
 * `status` and `message`; nothing else changes shape.
 *
 * @see CONVENTIONS.md "Errors" (eFormidling answers like the integration point does);
 *   NextMove REST Docs "Error fields"
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toAppError } from '../../platform/http/problem.ts';
import { osloDateTime } from '../domain/wire.ts';

/** The error body. */
export function springError(status: number, message: string, path: string, code?: string, extra?: Record<string, unknown>) {
  return {
    timestamp: osloDateTime(Date.now()),
    status,
    error: STATUS_CODES[status] ?? 'Error',
    message,
    path,
    ...(code === undefined ? {} : { code }),
    ...(extra ?? {}),
  };
}

/** Fastify error handler of the eFormidling routes. */
export function nextMoveErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'unhandled error');
  else request.log.info({ code: appError.code, status: appError.status }, appError.message);
  if (appError.headers) reply.headers(appError.headers);
  const message = appError.expose ? appError.message : `Internal server error (request id ${request.id})`;
  const errors = appError.expose && appError.extra && Array.isArray(appError.extra.errors) ? { errors: appError.extra.errors } : undefined;
  return reply
    .code(appError.status)
    .type('application/json')
    .send(springError(appError.status, message, request.url.split('?')[0] ?? '/', appError.code, errors));
}
