/**
 * What every login method shares: loading the login (oidc-provider's interaction) a page
 * belongs to, the page language, the CSRF token of the login, and finishing the login.
 *
 * A login is bound to its browser: oidc-provider's interaction cookie (signed, HttpOnly,
 * SameSite=Lax, path `/idporten/login/<uid>`) must name the same login as the URL, so one
 * browser cannot continue another's login (the 2020 ID-porten incident), and a cross-site form
 * post carries no cookie. The CSRF token (an HMAC of the login's uid) is a second check on posts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InteractionDetails, Provider } from 'oidc-provider';
import { pickLang, toLang, type Lang } from '../../platform/ui/i18n.ts';
import { idportenError } from '../errors.ts';
import type { ProviderHolder } from '../provider/provider-holder.ts';
import { requiredAcr } from '../provider/create-provider.ts';
import type { Acr } from '../domain/types.ts';

/** A login in progress, as a method page sees it. */
export interface LoginContext {
  provider: Provider;
  details: InteractionDetails;
  /** The client's `client_name` (or id). */
  clientName: string;
  /** The page language: `?lang=`, then `ui_locales`, then cookie / Accept-Language. */
  lang: Lang;
  /** The lowest level the client accepts (`acr_values`), if it named one. */
  requiredAcr: Acr | undefined;
  /** The CSRF token the method's forms carry as `csrf`. */
  csrf: string;
}

/** The identity a method established. */
export interface LoginResult {
  /** Fødselsnummer / D-number: the account id and the `pid` claim. */
  pid: string;
  acr: Acr;
  /** Authentication methods, e.g. `["TestID"]`, `["Minid-OTC"]`. */
  amr: string[];
}

/** Shared dependencies of the login pages. */
export interface LoginDeps {
  holder: ProviderHolder;
  /** Key of the CSRF tokens (shared by every process). */
  csrfKey: string;
}

/** The CSRF token of a login: HMAC-SHA-256 of its uid, base64url. */
export function csrfToken(csrfKey: string, uid: string): string {
  return createHmac('sha256', csrfKey).update(`idporten-login:${uid}`).digest('base64url');
}

/**
 * Loads the login a page belongs to.
 *
 * @throws AppError `IDPORTEN_LOGIN_NOT_FOUND` (400) when the browser has no live login for this uid
 */
export async function loadLogin(deps: LoginDeps, request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply): Promise<LoginContext> {
  const { provider } = await deps.holder.get();
  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(request.raw, reply.raw);
  } catch (cause) {
    throw idportenError('IDPORTEN_LOGIN_NOT_FOUND', 'This login has expired or was started in another browser. Go back to the service and log in again.', { cause });
  }
  if (details.uid !== request.params.uid) {
    throw idportenError('IDPORTEN_LOGIN_NOT_FOUND', 'This login has expired or was started in another browser. Go back to the service and log in again.');
  }
  const client = await provider.Client.find(String(details.params.client_id));
  return {
    provider,
    details,
    clientName: client?.clientName ?? String(details.params.client_id),
    lang: loginLang(request, details.params.ui_locales),
    requiredAcr: requiredAcr(details.params.acr_values),
    csrf: csrfToken(deps.csrfKey, details.uid),
  };
}

/**
 * Checks a posted form's CSRF token against the login's.
 *
 * @throws AppError `IDPORTEN_CSRF_MISMATCH` (403)
 */
export function checkCsrf(login: LoginContext, posted: unknown): void {
  const expected = Buffer.from(login.csrf);
  const given = Buffer.from(typeof posted === 'string' ? posted : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw idportenError('IDPORTEN_CSRF_MISMATCH', 'The form does not belong to this login. Reload the page and try again.');
  }
}

/**
 * Finishes the login: the session gets the person, level and methods, and the browser goes
 * back to the authorization endpoint (303), which issues the code. The session cookie is a
 * browser-session cookie (`remember: false`), like ID-porten's.
 */
export async function finishLogin(login: LoginContext, request: FastifyRequest, reply: FastifyReply, result: LoginResult): Promise<FastifyReply> {
  const returnTo = await login.provider.interactionResult(
    request.raw,
    reply.raw,
    { login: { accountId: result.pid, acr: result.acr, amr: result.amr, remember: false } },
    { mergeWithLastSubmission: false },
  );
  return reply.redirect(returnTo, 303);
}

/** The page language: `?lang=` (the switch), then the client's `ui_locales`, then the usual order. */
function loginLang(request: FastifyRequest, uiLocales: unknown): Lang {
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = typeof query?.lang === 'string' ? toLang(query.lang) : undefined;
  if (fromQuery) return fromQuery;
  if (typeof uiLocales === 'string') {
    for (const tag of uiLocales.split(' ')) {
      const lang = toLang(tag);
      if (lang) return lang;
    }
  }
  return pickLang(request);
}
