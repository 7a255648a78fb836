/**
 * Language of pages: Norwegian bokmål (`nb`, the default), nynorsk (`nn`) and English (`en`).
 *
 * The choice comes from, in order: the `?lang=` query parameter (the language switch links),
 * the `lang` cookie (set by `uiRoutes` when `?lang=` is given, so the choice sticks), the
 * browser's `Accept-Language` header, and finally bokmål.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.4 Accept-Language
 */
import type { FastifyRequest } from 'fastify';

/** A language pages can be shown in (BCP 47 primary subtag). */
export type Lang = 'nb' | 'nn' | 'en';

/** Every language Grunnmur knows, in preference order. */
export const allLangs: readonly Lang[] = ['nb', 'nn', 'en'];

/** Name of the cookie that remembers the chosen language. */
export const LANG_COOKIE = 'lang';

/** Maps a language tag (`nb-NO`, `no`, `en-GB`, `NN`) to a {@link Lang}, or undefined. */
export function toLang(tag: string | undefined): Lang | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  switch (primary) {
    case 'nb':
    case 'no': // "Norwegian" without a written standard: bokmål is what most mean
      return 'nb';
    case 'nn':
      return 'nn';
    case 'en':
      return 'en';
    default:
      return undefined;
  }
}

/** The `lang` cookie: from `@fastify/cookie` when registered, else parsed from the header. */
function cookieLang(request: FastifyRequest): string | undefined {
  const parsed = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  if (parsed && typeof parsed[LANG_COOKIE] === 'string') return parsed[LANG_COOKIE];
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.split('=');
    if (name?.trim() === LANG_COOKIE) return rest.join('=').trim();
  }
  return undefined;
}

/** Languages in an `Accept-Language` header, best first (by q-value, then by order). */
function acceptedLangs(header: string | undefined): Lang[] {
  if (!header) return [];
  const entries: Array<{ lang: Lang; q: number; index: number }> = [];
  header.split(',').forEach((item, index) => {
    const [tag, ...params] = item.split(';');
    const lang = toLang(tag);
    if (!lang) return;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (Number.isFinite(q) && q > 0) entries.push({ lang, q, index });
  });
  entries.sort((a, b) => b.q - a.q || a.index - b.index);
  return entries.map((e) => e.lang);
}

/**
 * Picks the language of a page for a request: `?lang=`, then the `lang` cookie, then
 * `Accept-Language` (by q-value), then `nb` (or the first supported language when `nb` is not
 * supported). Values outside `supported` are skipped.
 *
 * @param supported languages the page offers; default all of `nb`, `nn`, `en`
 */
export function pickLang(request: FastifyRequest, supported: Lang[] = [...allLangs]): Lang {
  const ok = (lang: Lang | undefined): lang is Lang => lang !== undefined && supported.includes(lang);
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = typeof query?.lang === 'string' ? toLang(query.lang) : undefined;
  if (ok(fromQuery)) return fromQuery;
  const fromCookie = toLang(cookieLang(request));
  if (ok(fromCookie)) return fromCookie;
  const header = request.headers['accept-language'];
  for (const lang of acceptedLangs(typeof header === 'string' ? header : undefined)) {
    if (ok(lang)) return lang;
  }
  return supported.includes('nb') ? 'nb' : (supported[0] ?? 'nb');
}

/**
 * The text in the given language; nynorsk falls back to bokmål where no `nn` text is given.
 *
 * @param text the same text in each language
 */
export function t(text: { nb: string; en: string; nn?: string }, lang: Lang): string {
  if (lang === 'en') return text.en;
  if (lang === 'nn') return text.nn ?? text.nb;
  return text.nb;
}
