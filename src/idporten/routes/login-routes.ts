/**
 * The login pages: `/idporten/login/{uid}` (method choice, "Velg elektronisk ID"),
 * `POST /idporten/login/{uid}/avbryt` (cancel) and each method's pages. Errors on
 * these pages are HTML (the error page), not problem+json: a person reads them.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import { pickLang } from '../../platform/ui/i18n.ts';
import { addVary, PAGE_VARY } from '../../platform/ui/layout.ts';
import { idportenError } from '../errors.ts';
import { checkCsrf, loadLogin, type LoginContext, type LoginDeps } from '../login/login-flow.ts';
import { loginMethods } from '../login/login-methods.ts';
import { acrRank } from '../provider/create-provider.ts';
import { renderIdportenErrorPage } from '../views/error-page.ts';
import { renderMethodChoice } from '../views/method-choice.ts';

/** Registers the login pages. */
export async function loginRoutes(app: FastifyInstance, platform: Platform, deps: LoginDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError | AppError, request, reply) => {
      const status = error instanceof AppError ? error.status : (error.statusCode ?? 500);
      if (status >= 500) request.log.error({ err: error }, 'idporten: login page failed');
      const code = error instanceof AppError ? error.code : status >= 500 ? 'server_error' : 'invalid_request';
      addVary(reply, PAGE_VARY);
      reply.header('cache-control', 'no-store');
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(
          renderIdportenErrorPage(
            { error: code, status, reference: request.id, ...(status < 500 ? { description: error.message } : {}) },
            pickLang(request),
            request.url.split('?')[0] ?? '/',
          ),
        );
    });

    const methods = loginMethods();
    /** The methods that are on and can give the level the login asks for (acr_values). */
    const usableFor = (login: LoginContext) =>
      methods.filter((m) => m.enabled(platform) && (login.requiredAcr === undefined || m.levels.some((l) => acrRank(l) >= acrRank(login.requiredAcr))));

    scope.get<{ Params: { uid: string } }>('/idporten/login/:uid', { schema: { hide: true } }, async (request, reply) => {
      const login = await loadLogin(deps, request, reply);
      const usable = usableFor(login);
      if (usable.length === 0) throw idportenError('IDPORTEN_METHOD_UNAVAILABLE', 'No login method can give the level of assurance the service asked for');
      const base = `/idporten/login/${encodeURIComponent(login.details.uid)}`;
      if (usable.length === 1) return reply.redirect(`${base}/${usable[0]!.id}`, 303);
      addVary(reply, PAGE_VARY);
      reply.header('cache-control', 'no-store');
      return reply
        .type('text/html; charset=utf-8')
        .send(
          renderMethodChoice({
            lang: login.lang,
            base,
            clientName: login.clientName,
            csrf: login.csrf,
            methods: usable.map((m) => ({
              id: m.id,
              label: m.label,
              description: m.description,
              levels: m.levels.filter((l) => login.requiredAcr === undefined || acrRank(l) >= acrRank(login.requiredAcr)),
            })),
          }),
        );
    });

    // Cancel: back to the service with error=access_denied (RFC 6749 §4.1.2.1).
    scope.post<{ Params: { uid: string }; Body: Record<string, unknown> }>('/idporten/login/:uid/avbryt', { schema: { hide: true } }, async (request, reply) => {
      const login = await loadLogin(deps, request, reply);
      checkCsrf(login, (request.body as Record<string, unknown> | undefined)?.csrf);
      const returnTo = await login.provider.interactionResult(
        request.raw,
        reply.raw,
        { error: 'access_denied', error_description: 'The user cancelled the login' },
        { mergeWithLastSubmission: false },
      );
      return reply.redirect(returnTo, 303);
    });

    for (const method of methods) await method.register(scope, platform, deps);
  });
}
