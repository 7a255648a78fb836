/**
 * `GET|POST /idporten/logout`: ID-porten's end-session endpoint (Digdir recommends POST).
 *
 * Grunnmur's own route instead of oidc-provider's, which asks the user to confirm and has no
 * front-channel logout. The request is checked first (`checkLogoutRequest`: a bad one shows the
 * error page, HTTP 400, and changes nothing), then the SSO session ends (`endSession`), and
 * then:
 * - with clients to notify: the logout page (`views/logout-page.ts`) with one hidden iframe per
 *   client to its `frontchannel_logout_uri?iss=…&sid=…`, continuing to
 *   `post_logout_redirect_uri?state=…` (script after the iframes loaded; `Refresh` header and a
 *   link without JavaScript), or staying on "you are logged out";
 * - with none: a 303 redirect to `post_logout_redirect_uri?state=…`, or the logged-out page.
 *
 * @see spec §1 "SSO session and logout"; provider/end-session.ts
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/platform.ts';
import { pickLang, toLang, type Lang } from '../../platform/ui/i18n.ts';
import { addVary, PAGE_VARY } from '../../platform/ui/layout.ts';
import { IDPORTEN_PATH, PROVIDER_ROUTES, sessionCookieOptions } from '../provider/create-provider.ts';
import { checkLogoutRequest, endSession, LogoutRequestError } from '../provider/end-session.ts';
import type { ProviderHolder } from '../provider/provider-holder.ts';
import { renderIdportenErrorPage } from '../views/error-page.ts';
import { LOGOUT_REFRESH_S, logoutCsp, renderLogoutPage } from '../views/logout-page.ts';

/** The page language: `ui_locales`, then the usual order (`?lang=`, cookie, Accept-Language). */
function logoutLang(request: FastifyRequest, params: Record<string, unknown>): Lang {
  if (typeof params.ui_locales === 'string') {
    for (const tag of params.ui_locales.split(' ')) {
      const lang = toLang(tag);
      if (lang) return lang;
    }
  }
  return pickLang(request);
}

/** Registers the end-session endpoint. */
export async function logoutRoutes(app: FastifyInstance, platform: Platform, holder: ProviderHolder): Promise<void> {
  const path = `${IDPORTEN_PATH}${PROVIDER_ROUTES.end_session}`;
  const publicUrl = new URL(platform.config.PUBLIC_URL);
  const cookieOptions = sessionCookieOptions(platform.config);

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const params = ((request.method === 'POST' ? request.body : request.query) ?? {}) as Record<string, unknown>;
    const lang = logoutLang(request, params);
    addVary(reply, PAGE_VARY);
    reply.header('cache-control', 'no-store');
    const { provider } = await holder.get();

    let checked;
    try {
      checked = await checkLogoutRequest(provider, holder.issuer, await platform.keys.getJwks(holder.issuer), params);
    } catch (err) {
      if (!(err instanceof LogoutRequestError)) throw err;
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(renderIdportenErrorPage({ error: err.error, description: err.message, status: 400, reference: request.id }, lang, path));
    }

    // oidc-provider reads the session cookie through Koa, which decides `Secure` from these.
    const raw = request.raw;
    raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
    raw.headers['x-forwarded-host'] = publicUrl.host;
    const ended = await endSession(provider, holder.issuer, raw, reply.raw, cookieOptions);
    request.log.info({ clientId: checked.clientId, hadSession: ended.hadSession, frontchannel: ended.frontchannel.length }, 'idporten: logout');

    if (ended.frontchannel.length === 0 && checked.redirectTo) return reply.redirect(checked.redirectTo, 303);
    const frameOrigins = ended.frontchannel.map((f) => new URL(f.url).origin).filter((o) => o !== 'null');
    reply.header('content-security-policy', logoutCsp(String(reply.getHeader('content-security-policy') ?? "default-src 'self'"), frameOrigins));
    if (checked.redirectTo) reply.header('refresh', `${LOGOUT_REFRESH_S}; url=${checked.redirectTo}`);
    return reply
      .code(200)
      .type('text/html; charset=utf-8')
      .send(
        renderLogoutPage({
          lang,
          path,
          frames: ended.frontchannel.map((f) => f.url),
          ...(checked.redirectTo ? { continueTo: checked.redirectTo } : {}),
        }),
      );
  };

  const schema = { tags: ['idporten'], summary: 'End session (RP-initiated logout) with front-channel logout' };
  app.get(path, { schema }, handler);
  app.post(path, { schema: { ...schema, summary: 'End session (POST, recommended)' } }, handler);
}
