/**
 * MinProfil's pages at `/krr/minprofil` (HTTP only: parse, check the session and CSRF token,
 * call the domain, render). Login through this Grunnmur's ID-porten (`idporten-rp.ts`).
 *
 * | method and path | what |
 * |---|---|
 * | `GET /krr/minprofil[?gotoUrl=]` | overview; without a session: to `logg-inn` |
 * | `GET /krr/minprofil/logg-inn[?gotoUrl=]` | starts a login at ID-porten |
 * | `GET /krr/minprofil/callback` | ID-porten's answer (code, state, iss) |
 * | `GET\|POST /krr/minprofil/epost`, `…/mobil` | step 1 of a change: the new address, a code is sent |
 * | `GET\|POST /krr/minprofil/epost/kode`, `…/mobil/kode` | step 2: the one-time code |
 * | `POST /krr/minprofil/bekreft` | the contact details are still right |
 * | `POST /krr/minprofil/reservasjon` | `reservasjon=JA\|NEI` |
 * | `POST /krr/minprofil/spraak` | `spraak=nb\|nn\|en\|se` |
 * | `GET /krr/minprofil/oppslag` | who looked the citizen up |
 * | `POST /krr/minprofil/logg-ut` | ends the session, then ID-porten's end session |
 * | `GET /krr/minprofil/logget-ut` | `post_logout_redirect_uri` |
 * | `GET /krr/minprofil/frontchannel-logout?iss&sid` | ID-porten's front-channel logout |
 *
 * Every POST carries the session's CSRF token (HMAC of the session key with a per-installation
 * key) in `csrf`; SameSite=Lax on the session cookie keeps other sites' POSTs from carrying it
 * too. A successful change answers 303 to the overview with `?endret=` (post/redirect/get).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../../platform/errors.ts';
import type { Platform } from '../../../platform/platform.ts';
import type { SafeHtml } from '../../../platform/ui/html.ts';
import { pickLang, t, type Lang } from '../../../platform/ui/i18n.ts';
import { sendPage } from '../../../platform/ui/layout.ts';
import { createRegistersClient, type RegistersClient } from '../../../registers/index.ts';
import { KANALER, type Kanal } from '../domain/contact-values.ts';
import { checkGotoUrl } from '../domain/goto-url.ts';
import { listLookupsForCitizen, type OrganisationNames } from '../domain/lookups-view.ts';
import {
  confirmContactChange,
  confirmContactData,
  findPendingContactChange,
  getProfile,
  requestContactChange,
  setReservasjon,
  setSpraak,
  type MinprofilDeps,
} from '../domain/profile.ts';
import { purgeEndedChanges, type MinprofilSession } from '../domain/sessions.ts';
import { minprofilError, minprofilErrors, type MinprofilErrorCode } from '../errors.ts';
import { MINPROFIL_PATH } from '../paths.ts';
import { listRegisteredClientUrls } from '../../../idporten/index.ts';
import { ensureSecret, minprofilDb } from '../store/minprofil-store.ts';
import { addressFormBody, codeFormBody, errorBody, loggedOutBody, lookupsBody, overviewBody, type PageError } from '../views/pages.ts';
import { changedTexts, errorTexts, texts } from '../views/texts.ts';
import { MINPROFIL_ACR, minprofilRp } from './idporten-rp.ts';

export { LOGIN_COOKIE, SESSION_COOKIE } from './idporten-rp.ts';
/** Queue of the recurring job that deletes ended logins, sessions and stale code rows. */
export const PURGE_JOB_QUEUE = 'krr.minprofil.purge';
/** How often that job runs, in ms (10 min). */
export const PURGE_INTERVAL_MS = 600_000;
/** How long an organisation's name from Enhetsregisteret is reused, in ms (10 min). */
const ORG_NAME_TTL_MS = 600_000;

/** Job queues that have the purge handler (a platform's server may be built more than once). */
const purgeRegistered = new WeakSet<object>();

/** Options of {@link minprofilRoutes}. */
export interface MinprofilRouteOptions {
  /** The clock, epoch ms (default `Date.now`). */
  now?: () => number;
}

type Body = Record<string, unknown>;

function isMinprofilError(err: unknown): err is AppError & { code: MinprofilErrorCode } {
  return err instanceof AppError && err.code in minprofilErrors;
}

/** A `fetch` answering through `app.inject` (GET only: Enhetsregisteret). */
function injectGet(app: FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const res = await app.inject({ method: 'GET', url: String(input), headers });
    return new Response(res.rawPayload, { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') } });
  }) as typeof fetch;
}

/** Organisations' names from Enhetsregisteret (its open API, as anyone reads it), kept a while. */
function organisationNames(app: FastifyInstance, platform: Platform): OrganisationNames {
  const local = platform.components.some((c) => c.name === 'registers');
  const client: RegistersClient = local ? createRegistersClient('', injectGet(app)) : createRegistersClient(platform.config.PUBLIC_URL, fetch);
  const cache = new Map<string, { navn: string | undefined; until: number }>();
  return async (orgnr) => {
    const hit = cache.get(orgnr);
    if (hit && hit.until > Date.now()) return hit.navn;
    let navn: string | undefined;
    try {
      navn = (await client.getEnhet(orgnr)).navn;
    } catch (err) {
      // Unknown organisations are remembered too; an unreachable register is asked again next time.
      if (!(err instanceof AppError && err.status === 404)) return undefined;
    }
    cache.set(orgnr, { navn, until: Date.now() + ORG_NAME_TTL_MS });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return navn;
  };
}

/** Registers MinProfil's pages (and its ID-porten client). */
export async function minprofilRoutes(app: FastifyInstance, platform: Platform, options: MinprofilRouteOptions = {}): Promise<void> {
  const now = options.now ?? Date.now;
  const db = platform.db;
  const log = platform.log.child({ component: 'krr', part: 'minprofil' });
  const make = () => randomBytes(32).toString('base64url');
  const codeKey = await ensureSecret(minprofilDb(db), 'code_key', make, now());
  const rp = await minprofilRp(app, platform, now);
  if (!purgeRegistered.has(platform.jobs)) {
    purgeRegistered.add(platform.jobs);
    platform.jobs.register(PURGE_JOB_QUEUE, async () => {
      const removed = (await rp.purgeEnded(Date.now())) + (await purgeEndedChanges(db, Date.now()));
      if (removed > 0) log.debug({ removed }, 'MinProfil: ended logins and sessions deleted');
    });
    await platform.jobs.every(PURGE_JOB_QUEUE, PURGE_INTERVAL_MS);
  }
  const deps: MinprofilDeps = { db, outbox: platform.outbox, codeKey, now };
  const names = organisationNames(app, platform);

  const page = (reply: FastifyReply, lang: Lang, title: string, body: SafeHtml, status = 200, path = MINPROFIL_PATH): FastifyReply => {
    reply.header('cache-control', 'no-store');
    return sendPage(reply, { lang, title, path, status, body });
  };
  const errorPage = (reply: FastifyReply, lang: Lang, err: AppError & { code: MinprofilErrorCode }): FastifyReply =>
    page(reply, lang, t(texts.errorTitle, lang), errorBody(t(errorTexts[err.code], lang), err.code, lang), err.status);
  const pageError = (err: AppError & { code: MinprofilErrorCode }, field: string, lang: Lang): PageError => ({ field, code: err.code, message: t(errorTexts[err.code], lang) });

  /** A checked gotoUrl, or null (anything unregistered is ignored: no open redirect). */
  const gotoUrlOf = async (raw: unknown): Promise<string | null> => {
    if (raw === undefined || raw === '') return null;
    try {
      return checkGotoUrl(raw, await listRegisteredClientUrls(db));
    } catch (err) {
      if (!isMinprofilError(err)) throw err;
      log.debug({ gotoUrl: String(raw).slice(0, 200) }, 'gotoUrl ignored: not registered');
      return null;
    }
  };
  const sessionOf = (request: FastifyRequest) => rp.sessionOf(request);
  const loginRedirect = (reply: FastifyReply) => reply.header('cache-control', 'no-store').redirect(`${MINPROFIL_PATH}/logg-inn`, 303);

  /** Runs a POST handler with a session and a checked CSRF token; without a session, to the login. */
  const withPostedSession = (handler: (request: FastifyRequest, reply: FastifyReply, session: MinprofilSession, body: Body, lang: Lang) => Promise<FastifyReply>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const lang = pickLang(request);
      const session = await sessionOf(request);
      if (!session) return loginRedirect(reply);
      const body = (request.body ?? {}) as Body;
      try {
        rp.checkCsrf(session, body.csrf);
      } catch (err) {
        if (isMinprofilError(err)) return errorPage(reply, lang, err);
        throw err;
      }
      return handler(request, reply, session, body, lang);
    };

  const overview = async (reply: FastifyReply, session: MinprofilSession, lang: Lang, extra: { changed?: string; errors?: PageError[]; status?: number } = {}) => {
    const profile = await getProfile(db, session.pid, now());
    const changed = extra.changed !== undefined && extra.changed in changedTexts ? (extra.changed as keyof typeof changedTexts) : undefined;
    return page(
      reply,
      lang,
      t(texts.title, lang),
      overviewBody({ profile, csrf: session.csrf, errors: extra.errors ?? [], gotoUrl: session.gotoUrl, ...(changed ? { changed } : {}) }, lang),
      extra.status ?? 200,
    );
  };

  // --- overview and login ------------------------------------------------------------------------

  app.get(MINPROFIL_PATH, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const query = request.query as Record<string, unknown>;
    const session = await sessionOf(request);
    if (!session) {
      const goto = typeof query.gotoUrl === 'string' ? `?gotoUrl=${encodeURIComponent(query.gotoUrl)}` : '';
      return reply.header('cache-control', 'no-store').redirect(`${MINPROFIL_PATH}/logg-inn${goto}`, 303);
    }
    const goto = await gotoUrlOf(query.gotoUrl);
    if (goto) await rp.rememberGotoUrl(session, goto);
    return overview(reply, session, lang, { ...(typeof query.endret === 'string' ? { changed: query.endret } : {}) });
  });

  app.get(`${MINPROFIL_PATH}/logg-inn`, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    try {
      const gotoUrl = await gotoUrlOf((request.query as Record<string, unknown>).gotoUrl);
      return await rp.login(reply, { acr: MINPROFIL_ACR, gotoUrl, lang });
    } catch (err) {
      if (isMinprofilError(err)) return errorPage(reply, lang, err);
      throw err;
    }
  });

  app.get(`${MINPROFIL_PATH}/callback`, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    try {
      await rp.callback(request, reply);
      return reply.header('cache-control', 'no-store').redirect(MINPROFIL_PATH, 303);
    } catch (err) {
      if (isMinprofilError(err)) return errorPage(reply, lang, err);
      throw err;
    }
  });

  // --- changes -------------------------------------------------------------------------------------

  for (const kanal of KANALER) {
    const title = (lang: Lang) => t(kanal === 'epost' ? texts.epostTitle : texts.mobilTitle, lang);
    const path = `${MINPROFIL_PATH}/${kanal}`;

    app.get(path, { schema: { hide: true } }, async (request, reply) => {
      const lang = pickLang(request);
      const session = await sessionOf(request);
      if (!session) return loginRedirect(reply);
      return page(reply, lang, title(lang), addressFormBody(kanal, session.csrf, '', [], lang), 200, path);
    });

    app.post(
      path,
      { schema: { hide: true } },
      withPostedSession(async (_request, reply, session, body, lang) => {
        try {
          await requestContactChange(deps, session.pid, kanal, body.verdi, lang);
        } catch (err) {
          if (!isMinprofilError(err)) throw err;
          const value = typeof body.verdi === 'string' ? body.verdi.slice(0, 300) : '';
          return page(reply, lang, title(lang), addressFormBody(kanal, session.csrf, value, [pageError(err, `ny-${kanal}`, lang)], lang), err.status, path);
        }
        return reply.redirect(`${path}/kode`, 303);
      }),
    );

    app.get(`${path}/kode`, { schema: { hide: true } }, async (request, reply) => {
      const lang = pickLang(request);
      const session = await sessionOf(request);
      if (!session) return loginRedirect(reply);
      const pending = await findPendingContactChange(db, session.pid, kanal);
      if (!pending) return reply.redirect(path, 303);
      return page(reply, lang, title(lang), codeFormBody(pending, session.csrf, [], lang), 200, `${path}/kode`);
    });

    app.post(
      `${path}/kode`,
      { schema: { hide: true } },
      withPostedSession(async (_request, reply, session, body, lang) => {
        try {
          await confirmContactChange(deps, session.pid, kanal, body.kode);
        } catch (err) {
          if (!isMinprofilError(err)) throw err;
          const pending = await findPendingContactChange(db, session.pid, kanal);
          if (pending && (err.code === 'MINPROFIL_CODE_WRONG' || err.code === 'MINPROFIL_CODE_EXPIRED')) {
            return page(reply, lang, title(lang), codeFormBody(pending, session.csrf, [pageError(err, `kode-${kanal}`, lang)], lang), err.status, `${path}/kode`);
          }
          return page(reply, lang, title(lang), addressFormBody(kanal, session.csrf, '', [pageError(err, `ny-${kanal}`, lang)], lang), err.status, path);
        }
        return reply.redirect(`${MINPROFIL_PATH}?endret=${kanal}`, 303);
      }),
    );
  }

  /** A change from the overview's forms: 303 to the overview with `?endret=`, or the overview with the error. */
  const overviewChange = (field: string, change: (session: MinprofilSession, body: Body) => Promise<string>) =>
    withPostedSession(async (_request, reply, session, body, lang) => {
      let changed: string;
      try {
        changed = await change(session, body);
      } catch (err) {
        if (!isMinprofilError(err)) throw err;
        return overview(reply, session, lang, { errors: [pageError(err, field, lang)], status: err.status });
      }
      return reply.redirect(`${MINPROFIL_PATH}?endret=${changed}`, 303);
    });

  app.post(
    `${MINPROFIL_PATH}/bekreft`,
    { schema: { hide: true } },
    overviewChange('bekreft', async (session) => {
      await confirmContactData(deps, session.pid);
      return 'bekreftet';
    }),
  );
  app.post(
    `${MINPROFIL_PATH}/reservasjon`,
    { schema: { hide: true } },
    overviewChange('reservasjon', async (session, body) => {
      await setReservasjon(deps, session.pid, body.reservasjon);
      return body.reservasjon === 'JA' ? 'reservert' : 'ikke_reservert';
    }),
  );
  app.post(
    `${MINPROFIL_PATH}/spraak`,
    { schema: { hide: true } },
    overviewChange('spraak', async (session, body) => {
      await setSpraak(deps, session.pid, body.spraak);
      return 'spraak';
    }),
  );

  // --- lookups -------------------------------------------------------------------------------------

  app.get(`${MINPROFIL_PATH}/oppslag`, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const session = await sessionOf(request);
    if (!session) return loginRedirect(reply);
    const lookups = await listLookupsForCitizen(db, session.pid, names);
    return page(reply, lang, t(texts.lookupsTitle, lang), lookupsBody(lookups, lang), 200, `${MINPROFIL_PATH}/oppslag`);
  });

  // --- logout --------------------------------------------------------------------------------------

  app.post(`${MINPROFIL_PATH}/logg-ut`, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    try {
      return reply.header('cache-control', 'no-store').redirect(await rp.logout(request, reply, lang), 303);
    } catch (err) {
      if (isMinprofilError(err)) return errorPage(reply, lang, err);
      throw err;
    }
  });

  app.get(`${MINPROFIL_PATH}/logget-ut`, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    return page(reply, lang, t(texts.loggedOutTitle, lang), loggedOutBody(lang), 200, `${MINPROFIL_PATH}/logget-ut`);
  });

  app.get(`${MINPROFIL_PATH}/frontchannel-logout`, { schema: { hide: true } }, (request, reply) => rp.frontchannelLogout(request, reply));
}
