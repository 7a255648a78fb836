/**
 * Kernel UI routes: the stylesheets pages load, served as static files, and the sticky
 * language choice.
 *
 * - `/static/designsystemet/*`: `@digdir/designsystemet-css` `dist/src/` (the whole folder, so
 *   files that import siblings keep working); pages load `index.css`.
 * - `/static/designsystemet-theme/*`: `@digdir/designsystemet-theme` `brand/` (pages load
 *   `digdir.css`).
 * - `/static/grunnmur/*`: Grunnmur's own layout CSS (`src/platform/ui/static/`).
 * - `/static/chart.js/chart.umd.min.js`: Chart.js's browser bundle (`chart.js` `dist/`, that
 *   file only), for pages with charts (the statistics page).
 *
 * A page request (GET/HEAD accepting `text/html`) with a valid `?lang=` gets a `lang` cookie,
 * so later pages keep the language.
 *
 * @see https://designsystemet.no
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { Platform } from '../platform.ts';
import { LANG_COOKIE, toLang, type Lang } from './i18n.ts';

const require = createRequire(import.meta.url);

/** Folder of `@digdir/designsystemet-css` `dist/src` (holds `index.css`). */
export const designsystemetCssDir = dirname(require.resolve('@digdir/designsystemet-css'));
/** Folder of `@digdir/designsystemet-theme` `brand` (holds `digdir.css`). */
export const designsystemetThemeDir = dirname(require.resolve('@digdir/designsystemet-theme/digdir.css'));
/** Folder of `chart.js` `dist` (holds the browser bundle `chart.umd.min.js`). */
export const chartJsDir = dirname(require.resolve('chart.js'));
/** The one file served from {@link chartJsDir}. */
const CHART_JS_FILE = '/chart.umd.min.js';
/** Folder of Grunnmur's own static UI files. */
export const grunnmurStaticDir = join(dirname(fileURLToPath(import.meta.url)), 'static');

/** How long browsers may cache the stylesheets, in seconds. */
const STATIC_MAX_AGE_S = 3600;
/** How long the language cookie lives, in seconds (one year). */
const LANG_COOKIE_MAX_AGE_S = 365 * 86_400;

/**
 * Registers the static stylesheet routes and the language-cookie hook on the root instance.
 * Pass it to `createHttpServer(platform, { kernelPlugins: [uiRoutes] })`.
 */
export async function uiRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const folders: Array<{ root: string; prefix: string; allowedPath?: (path: string) => boolean }> = [
    { root: designsystemetCssDir, prefix: '/static/designsystemet/' },
    { root: designsystemetThemeDir, prefix: '/static/designsystemet-theme/' },
    { root: grunnmurStaticDir, prefix: '/static/grunnmur/' },
    { root: chartJsDir, prefix: '/static/chart.js/', allowedPath: (path) => path === CHART_JS_FILE },
  ];
  for (const [i, { root, prefix, allowedPath }] of folders.entries()) {
    await app.register(fastifyStatic, {
      root,
      prefix,
      ...(allowedPath ? { allowedPath } : {}),
      // Only the first registration may decorate the reply with sendFile().
      decorateReply: i === 0,
      index: false,
      list: false,
      dotfiles: 'deny',
      maxAge: STATIC_MAX_AGE_S * 1000,
      schemaHide: true,
    });
  }

  const secure = platform.config.PUBLIC_URL.startsWith('https:');
  // Callback style: this hook sees every request, and a promise per request costs.
  app.addHook('onRequest', (request, reply, done) => {
    const lang = requestedPageLang(request);
    if (lang) {
      reply.setCookie(LANG_COOKIE, lang, {
        path: '/',
        maxAge: LANG_COOKIE_MAX_AGE_S,
        sameSite: 'lax',
        httpOnly: true,
        secure,
      });
    }
    done();
  });
}

/** The language a page request asks for with `?lang=`; undefined for API calls and non-GETs. */
function requestedPageLang(request: FastifyRequest): Lang | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  // Pages only: an API call that happens to take a `lang` parameter gets no cookie.
  const accept = request.headers.accept;
  if (typeof accept !== 'string' || !accept.includes('text/html')) return undefined;
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.lang === 'string' ? toLang(query.lang) : undefined;
}
