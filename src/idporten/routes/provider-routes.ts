/**
 * oidc-provider (a Koa application) mounted under Fastify at `/idporten`.
 *
 * Only the provider's own endpoints are routed to it (anything else under `/idporten` is the
 * kernel's problem+json 404). They live in an encapsulated context whose only body parser
 * leaves the body unread, so oidc-provider reads it from the stream itself. The kernel's hooks
 * still run first: request id, rate limit and security headers, which are copied onto the raw
 * response before the provider writes it (oidc-provider adds the hash of its `form_post` script
 * to that CSP).
 *
 * URLs the provider builds (discovery, redirects to the login page, `iss`) come from
 * `PUBLIC_URL`, never from the request's `Host`: the request is presented to Koa with
 * `X-Forwarded-Proto/Host` of `PUBLIC_URL` and the prefix as mount path.
 *
 * @see oidc-provider docs/README.md "Mounting oidc-provider"
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Platform } from '../../platform/platform.ts';
import { IDPORTEN_PATH, PROVIDER_ROUTES } from '../provider/create-provider.ts';
import type { ProviderHolder } from '../provider/provider-holder.ts';

/** Paths (under `/idporten`) answered by oidc-provider. */
export const PROVIDER_PATHS = [
  '/.well-known/openid-configuration',
  PROVIDER_ROUTES.authorization,
  `${PROVIDER_ROUTES.authorization}/:uid`,
  PROVIDER_ROUTES.token,
  PROVIDER_ROUTES.pushed_authorization_request,
  // GET|POST /logout is Grunnmur's (logout-routes.ts); /logout/confirm is oidc-provider's own
  // step when another person logs in on a browser with a session.
  `${PROVIDER_ROUTES.end_session}/confirm`,
  `${PROVIDER_ROUTES.end_session}/success`,
  PROVIDER_ROUTES.revocation,
  PROVIDER_ROUTES.introspection,
] as const;

/** Registers the provider's endpoints. */
export async function providerRoutes(app: FastifyInstance, platform: Platform, holder: ProviderHolder): Promise<void> {
  const publicUrl = new URL(platform.config.PUBLIC_URL);
  const publicPath = publicUrl.pathname.replace(/\/+$/, '');
  const proto = publicUrl.protocol.slice(0, -1);

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { callback } = await holder.get();
    const raw = request.raw as IncomingMessage & { originalUrl?: string };
    const res = reply.raw;
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) res.setHeader(name, value as string | number | readonly string[]);
    }
    const url = raw.url ?? '/';
    raw.originalUrl = `${publicPath}${url}`;
    raw.url = url.slice(IDPORTEN_PATH.length) || '/';
    raw.headers['x-forwarded-proto'] = proto;
    raw.headers['x-forwarded-host'] = publicUrl.host;
    raw.headers['x-forwarded-for'] = request.ip;
    reply.hijack();
    await new Promise<void>((resolve) => {
      res.once('finish', resolve);
      res.once('close', resolve);
      callback(raw, res);
    });
  };

  await app.register(async (scope) => {
    // oidc-provider reads and parses bodies itself; the kernel's parsers would consume them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    for (const path of PROVIDER_PATHS) {
      // Authorization is GET only: oidc-provider serves POST there only with SameSite=None
      // session cookies (a cross-site form POST carries no Lax cookies), which need https and
      // weaken CSRF protection. Without a route the kernel answers POST with 405 and `Allow`.
      const getOnly = path === PROVIDER_ROUTES.authorization || path === `${PROVIDER_ROUTES.authorization}/:uid`;
      scope.route({
        method: getOnly ? ['GET'] : ['GET', 'POST', 'OPTIONS'],
        url: `${IDPORTEN_PATH}${path}`,
        schema: { hide: true },
        handler,
      });
    }
  });
}
