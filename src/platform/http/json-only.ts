/**
 * A route hook for JSON APIs: the request body must be `application/json` (or a `+json` type).
 * The kernel parses forms too (the OAuth endpoints take them), so without this a JSON API would
 * answer a form-encoded body as if it were JSON.
 */
import type { onRequestHookHandler } from 'fastify';
import { platformError } from '../errors.ts';

/**
 * `onRequest` hook: refuses a body of any other media type before it is read.
 *
 * @throws (to Fastify) AppError `PLATFORM_UNSUPPORTED_MEDIA_TYPE` (415) naming the type sent
 * @see RFC 9110 §15.5.16 (415 Unsupported Media Type)
 */
export const requireJsonBody: onRequestHookHandler = (request, _reply, done) => {
  const contentType = request.headers['content-type'];
  const media = contentType?.split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'application/json' || media?.endsWith('+json')) return done();
  done(platformError('PLATFORM_UNSUPPORTED_MEDIA_TYPE', `This endpoint takes application/json, not ${contentType === undefined ? 'a body without Content-Type' : media}`));
};
