/**
 * The citizens' digital mailbox at `/digitalpost` (HTTP only: parse, check the session and CSRF
 * token, call the domain, render). Login through this Grunnmur's ID-porten (`idporten-rp.ts`).
 *
 * | method and path | what |
 * |---|---|
 * | `GET /digitalpost[?side=]` | the inbox; without a session: to `logg-inn` |
 * | `GET /digitalpost/logg-inn[?brev=&nivaa=4]` | starts a login at ID-porten (`nivaa=4`: `acr_values=idporten-loa-high`, the step-up), back to the letter `brev` |
 * | `GET /digitalpost/callback` | ID-porten's answer (code, state, iss) |
 * | `GET /digitalpost/brev/{id}` | a letter: title and sender; documents when the level suffices |
 * | `POST /digitalpost/brev/{id}/aapne` | opens a letter whose sender asked for an opening receipt (the citizen's consent) |
 * | `GET /digitalpost/brev/{id}/dokument/{position}[?last-ned=1]` | a document's bytes, inline or as an attachment |
 * | `POST /digitalpost/logg-ut` | ends the session, then ID-porten's end session |
 * | `GET /digitalpost/logget-ut` | `post_logout_redirect_uri` |
 * | `GET /digitalpost/frontchannel-logout?iss&sid` | ID-porten's front-channel logout |
 *
 * Every POST carries the session's CSRF token in `csrf`; SameSite=Lax on the session cookie keeps
 * other sites' POSTs from carrying it too. An unknown letter, another person's and one not yet
 * visible all answer the same 404 `DIGITALPOST_LETTER_NOT_FOUND`. A letter id is read
 * case-insensitively (ids are lower-case UUIDs); a document position only in its canonical form
 * (`0`, `1`, … — `00` or `01` is 404).
 *
 * HEAD: Fastify answers HEAD for every GET route by running the GET handler. The GET routes that
 * change state — a letter's page and its documents (they open the letter: `opened_at`, reminders
 * stop), `logg-inn` (a login under way), `callback` (redeems the code, starts a session) and
 * `frontchannel-logout` (ends sessions) — have no HEAD route (`exposeHeadRoute: false`): HEAD
 * there is 404, and a link checker or prefetcher that sends HEAD changes nothing (RFC 9110
 * §9.2.1: HEAD is safe). The inbox and `logget-ut` keep HEAD.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RpSession } from '../../../idporten/index.ts';
import type { AppError } from '../../../platform/errors.ts';
import type { Platform } from '../../../platform/platform.ts';
import type { SafeHtml } from '../../../platform/ui/html.ts';
import { pickLang, t, type Lang } from '../../../platform/ui/i18n.ts';
import { sendPage } from '../../../platform/ui/layout.ts';
import { consentAndOpen, findDocument, listInbox, viewLetter } from '../domain/mailbox.ts';
import { isPagesError, pagesError, type DigitalpostPagesErrorCode } from '../errors.ts';
import { DIGITALPOST_PAGES_PATH, letterPath } from '../paths.ts';
import { errorBody, inboxBody, letterBody, levelTooLowBody, loggedOutBody, type SessionInfo } from '../views/pages.ts';
import { errorTexts, texts } from '../views/texts.ts';
import { contentDisposition } from './content-disposition.ts';
import { digitalpostRp } from './idporten-rp.ts';

/** Queue of the recurring job that deletes ended logins and sessions. */
export const PURGE_JOB_QUEUE = 'digitalpost.pages.purge';
/** How often that job runs, in ms (10 min). */
export const PURGE_INTERVAL_MS = 600_000;

/** A letter id as it may appear in a URL (our ids are UUIDs; at most 36 characters; any case). */
const LETTER_ID = /^[A-Za-z0-9-]{1,36}$/;
/** A document position in a URL: a number without leading zeros (one URL per document). */
const POSITION = /^(?:0|[1-9]\d{0,5})$/;
/** GET routes that change state answer no HEAD (see the module comment). */
const NO_HEAD = { exposeHeadRoute: false } as const;
/** A media type as stored; anything else is served as `application/octet-stream`. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
/** Types a browser shows safely inline; other types are always sent as attachments. */
const INLINE_TYPES = new Set(['application/pdf', 'text/plain', 'text/html', 'image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/**
 * The CSP of a document: a sender's HTML (or any other document but a PDF) runs in a sandbox (an
 * opaque origin: no scripts, forms, plug-ins, popups or same-origin access) and loads nothing
 * from anywhere, but inline styles and `data:` images.
 *
 * @see https://www.w3.org/TR/CSP3/#directive-sandbox
 */
const DOCUMENT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'";
/**
 * The CSP of a PDF, shown by the browser's own viewer: no sandbox (Safari shows an empty window
 * for a sandboxed PDF, adobe/aem-core-wcm-components#2839, and Chromium's viewer has refused one
 * before, webtorrent/instant.io#63); inline styles for the page that holds the viewer (without
 * them Chromium drew the viewer in a fifth of the window, chromium issue 271452); nothing else.
 */
const PDF_CSP = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

/** Job queues that have the purge handler (a platform's server may be built more than once). */
const purgeRegistered = new WeakSet<object>();

/** Options of {@link digitalpostPages}. */
export interface DigitalpostPagesOptions {
  /** The clock, epoch ms (default `Date.now`). */
  now?: () => number;
}

type Body = Record<string, unknown>;
type Params = { id: string; position?: string };

/** The `charset` parameter of a stored media type, when it is a plain token. */
function charsetOf(mimeType: string): string | undefined {
  const m = /;\s*charset="?([A-Za-z0-9._-]{1,40})"?\s*(?:;|$)/i.exec(mimeType);
  return m?.[1]?.toLowerCase();
}

const sessionInfo = (s: RpSession): SessionInfo => ({ pid: s.pid, acr: s.acr, csrf: s.csrf });

/**
 * Registers the mailbox pages at {@link DIGITALPOST_PAGES_PATH} (and the mailbox's ID-porten
 * client). Needs the tables of `digitalpostPagesMigrations` and the component's own.
 */
export async function digitalpostPages(app: FastifyInstance, platform: Platform, options: DigitalpostPagesOptions = {}): Promise<void> {
  const now = options.now ?? Date.now;
  const PATH = DIGITALPOST_PAGES_PATH;
  const log = platform.log.child({ component: 'digitalpost', part: 'pages' });
  const rp = await digitalpostRp(app, platform, now);
  if (!purgeRegistered.has(platform.jobs)) {
    purgeRegistered.add(platform.jobs);
    platform.jobs.register(PURGE_JOB_QUEUE, async () => {
      const removed = await rp.purgeEnded(Date.now());
      if (removed > 0) log.debug({ removed }, 'Digital postkasse: ended logins and sessions deleted');
    });
    await platform.jobs.every(PURGE_JOB_QUEUE, PURGE_INTERVAL_MS);
  }

  const page = (reply: FastifyReply, lang: Lang, title: string, body: SafeHtml, status = 200, path = PATH, breadcrumbs?: Array<{ label: string; href?: string }>): FastifyReply => {
    reply.header('cache-control', 'no-store');
    return sendPage(reply, { lang, title, path, status, body, ...(breadcrumbs ? { breadcrumbs } : {}) });
  };
  const errorPage = (reply: FastifyReply, lang: Lang, err: AppError & { code: DigitalpostPagesErrorCode }): FastifyReply => {
    const title = t(err.code === 'DIGITALPOST_LETTER_NOT_FOUND' ? texts.notFoundTitle : texts.errorTitle, lang);
    return page(reply, lang, title, errorBody(title, t(errorTexts[err.code], lang), err.code, lang), err.status);
  };
  const notFound = (reply: FastifyReply, lang: Lang) => errorPage(reply, lang, pagesError('DIGITALPOST_LETTER_NOT_FOUND') as AppError & { code: DigitalpostPagesErrorCode });
  const loginRedirect = (reply: FastifyReply, letterId?: string) =>
    reply.header('cache-control', 'no-store').redirect(`${PATH}/logg-inn${letterId && LETTER_ID.test(letterId) ? `?brev=${encodeURIComponent(letterId)}` : ''}`, 303);

  // --- inbox and login ---------------------------------------------------------------------------

  app.get(PATH, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const session = await rp.sessionOf(request);
    if (!session) return loginRedirect(reply);
    const side = Number((request.query as Record<string, unknown>).side);
    const inbox = await listInbox(platform, session.pid, now(), Number.isSafeInteger(side) && side > 0 ? side : 1);
    return page(reply, lang, t(texts.title, lang), inboxBody(inbox, sessionInfo(session), lang));
  });

  app.get(`${PATH}/logg-inn`, { ...NO_HEAD, schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const query = request.query as Record<string, unknown>;
    // The way back is built here from a checked letter id, never taken as a URL (no open redirect).
    const brev = typeof query.brev === 'string' && LETTER_ID.test(query.brev) ? query.brev.toLowerCase() : undefined;
    try {
      return await rp.login(reply, {
        acr: query.nivaa === '4' ? 'idporten-loa-high' : 'idporten-loa-substantial',
        gotoUrl: brev ? letterPath(brev) : null,
        lang,
      });
    } catch (err) {
      if (isPagesError(err)) return errorPage(reply, lang, err);
      throw err;
    }
  });

  app.get(`${PATH}/callback`, { ...NO_HEAD, schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    try {
      const session = await rp.callback(request, reply);
      const back = session.gotoUrl !== null && session.gotoUrl.startsWith(`${PATH}/brev/`) ? session.gotoUrl : PATH;
      return reply.header('cache-control', 'no-store').redirect(back, 303);
    } catch (err) {
      if (isPagesError(err)) return errorPage(reply, lang, err);
      throw err;
    }
  });

  // --- letters ---------------------------------------------------------------------------------------

  app.get<{ Params: Params }>(`${PATH}/brev/:id`, { ...NO_HEAD, schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const id = request.params.id.toLowerCase();
    const session = await rp.sessionOf(request);
    if (!session) return loginRedirect(reply, id);
    const view = LETTER_ID.test(id) ? await viewLetter(platform, session.pid, session.acr, id, now()) : undefined;
    if (!view) return notFound(reply, lang);
    const title = view.letter.ikkesensitivtittel;
    return page(reply, lang, title, letterBody(view, sessionInfo(session), lang), 200, letterPath(id), [{ label: t(texts.title, lang), href: PATH }, { label: title }]);
  });

  app.post<{ Params: Params }>(`${PATH}/brev/:id/aapne`, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const id = request.params.id.toLowerCase();
    const session = await rp.sessionOf(request);
    if (!session) return loginRedirect(reply, id);
    try {
      rp.checkCsrf(session, ((request.body ?? {}) as Body).csrf);
    } catch (err) {
      if (isPagesError(err)) return errorPage(reply, lang, err);
      throw err;
    }
    const result = LETTER_ID.test(id) ? await consentAndOpen(platform, session.pid, session.acr, id, now()) : 'not-found';
    if (result === 'not-found') return notFound(reply, lang);
    // Opened, or the level is too low (the letter's page then offers the step-up).
    return reply.header('cache-control', 'no-store').redirect(letterPath(id), 303);
  });

  app.get<{ Params: Params }>(`${PATH}/brev/:id/dokument/:position`, { ...NO_HEAD, schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const id = request.params.id.toLowerCase();
    const { position } = request.params;
    const session = await rp.sessionOf(request);
    if (!session) return loginRedirect(reply, id);
    if (!LETTER_ID.test(id) || !POSITION.test(position ?? '')) return notFound(reply, lang);
    const access = await findDocument(platform, session.pid, session.acr, id, Number(position), now());
    switch (access.kind) {
      case 'not-found':
        return notFound(reply, lang);
      case 'no-document':
        return errorPage(reply, lang, pagesError('DIGITALPOST_DOCUMENT_NOT_FOUND') as AppError & { code: DigitalpostPagesErrorCode });
      case 'level-too-low': {
        const code = 'DIGITALPOST_LEVEL_TOO_LOW';
        const status = pagesError(code).status;
        return page(reply, lang, t(texts.stepUpTitle, lang), levelTooLowBody(id, access.requiredAcr, sessionInfo(session), t(errorTexts[code], lang), code, lang), status, letterPath(id));
      }
      case 'needs-consent':
        return reply.header('cache-control', 'no-store').redirect(letterPath(id), 303);
      case 'document':
        break;
    }
    const doc = access.document;
    const stored = doc.mime_type.split(';')[0]!.trim().toLowerCase();
    const mediaType = MEDIA_TYPE.test(stored) ? stored : 'application/octet-stream';
    const download = (request.query as Record<string, unknown>)['last-ned'] === '1' || !INLINE_TYPES.has(mediaType);
    reply
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', mediaType === 'application/pdf' ? PDF_CSP : DOCUMENT_CSP)
      .header('content-disposition', contentDisposition(download ? 'attachment' : 'inline', doc.filename))
      .type(mediaType.startsWith('text/') ? `${mediaType}; charset=${charsetOf(doc.mime_type) ?? 'utf-8'}` : mediaType);
    return reply.send(Buffer.from(doc.content));
  });

  // --- logout --------------------------------------------------------------------------------------

  app.post(`${PATH}/logg-ut`, { schema: { hide: true } }, async (request: FastifyRequest, reply) => {
    const lang = pickLang(request);
    try {
      return reply.header('cache-control', 'no-store').redirect(await rp.logout(request, reply, lang), 303);
    } catch (err) {
      if (isPagesError(err)) return errorPage(reply, lang, err);
      throw err;
    }
  });

  app.get(`${PATH}/logget-ut`, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    return page(reply, lang, t(texts.loggedOutTitle, lang), loggedOutBody(lang), 200, `${PATH}/logget-ut`);
  });

  app.get(`${PATH}/frontchannel-logout`, { ...NO_HEAD, schema: { hide: true } }, (request, reply) => rp.frontchannelLogout(request, reply));
}
