/**
 * The login pages: `/idporten/login/{uid}` (method choice) and each method's pages. Errors on
 * these pages are HTML (the error page), not problem+json: a person reads them.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import { html } from '../../platform/ui/html.ts';
import { pickLang, t } from '../../platform/ui/i18n.ts';
import { addVary, PAGE_VARY, sendPage } from '../../platform/ui/layout.ts';
import { idportenError } from '../errors.ts';
import { loadLogin, type LoginDeps } from '../login/login-flow.ts';
import { loginMethods } from '../login/login-methods.ts';
import { acrRank } from '../provider/create-provider.ts';
import { renderIdportenErrorPage } from '../views/error-page.ts';

const texts = {
  choose: { nb: 'Velg elektronisk ID', nn: 'Vel elektronisk ID', en: 'Choose your electronic ID' },
  loggingInTo: { nb: 'Du logger inn på', nn: 'Du loggar inn på', en: 'You are logging in to' },
} as const;

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
    scope.get<{ Params: { uid: string } }>('/idporten/login/:uid', { schema: { hide: true } }, async (request, reply) => {
      const login = await loadLogin(deps, request, reply);
      const usable = methods.filter(
        (m) => m.enabled(platform) && (login.requiredAcr === undefined || m.levels.some((l) => acrRank(l) >= acrRank(login.requiredAcr))),
      );
      if (usable.length === 0) throw idportenError('IDPORTEN_METHOD_UNAVAILABLE', 'No login method can give the level of assurance the service asked for');
      const base = `/idporten/login/${encodeURIComponent(login.details.uid)}`;
      const lang = login.lang;
      if (usable.length === 1) return reply.redirect(`${base}/${usable[0]!.id}`, 303);
      const body = html`<div class="grunnmur-stack">
  <h1 class="ds-heading" data-size="lg">${t(texts.choose, lang)}</h1>
  <p class="ds-paragraph">${t(texts.loggingInTo, lang)} <strong>${login.clientName}</strong>.</p>
  <ul class="ds-list">${usable.map(
    (m) => html`<li><a class="ds-link" href="${base}/${m.id}">${t(m.label, lang)}</a> – ${t(m.description, lang)}</li>`,
  )}</ul>
</div>`;
      reply.header('cache-control', 'no-store');
      return sendPage(reply, { lang, title: t(texts.choose, lang), body, path: base });
    });

    for (const method of methods) await method.register(scope, platform, deps);
  });
}
