import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { pickLang, t, toLang } from './i18n.ts';

/** The parts of a request pickLang reads. */
function request(parts: { query?: Record<string, string>; cookie?: string; acceptLanguage?: string }): FastifyRequest {
  const headers: Record<string, string> = {};
  if (parts.cookie) headers.cookie = parts.cookie;
  if (parts.acceptLanguage) headers['accept-language'] = parts.acceptLanguage;
  return { query: parts.query ?? {}, headers } as unknown as FastifyRequest;
}

describe('pickLang', () => {
  it('defaults to bokmål when nothing says otherwise', () => {
    assert.equal(pickLang(request({})), 'nb');
  });

  it('takes ?lang= before the cookie and Accept-Language', () => {
    assert.equal(pickLang(request({ query: { lang: 'en' }, cookie: 'lang=nn', acceptLanguage: 'nb' })), 'en');
  });

  it('takes the lang cookie before Accept-Language', () => {
    assert.equal(pickLang(request({ cookie: 'other=1; lang=en', acceptLanguage: 'nb-NO' })), 'en');
  });

  it('reads cookies parsed by @fastify/cookie', () => {
    const req = { query: {}, headers: {}, cookies: { lang: 'en' } } as unknown as FastifyRequest;
    assert.equal(pickLang(req), 'en');
  });

  it('takes the best Accept-Language by q-value, skipping unknown languages', () => {
    assert.equal(pickLang(request({ acceptLanguage: 'de-DE, nb;q=0.5, en-GB;q=0.8' })), 'en');
    assert.equal(pickLang(request({ acceptLanguage: 'sv, no;q=0.9' })), 'nb');
    assert.equal(pickLang(request({ acceptLanguage: 'nn-NO' })), 'nn');
  });

  it('ignores invalid values and falls through to the next source', () => {
    assert.equal(pickLang(request({ query: { lang: 'xx' }, cookie: 'lang=<script>', acceptLanguage: 'en' })), 'en');
    assert.equal(pickLang(request({ acceptLanguage: 'en;q=0' })), 'nb');
  });

  it('only picks supported languages', () => {
    assert.equal(pickLang(request({ query: { lang: 'nn' } }), ['nb', 'en']), 'nb');
    assert.equal(pickLang(request({ acceptLanguage: 'nn, en;q=0.5' }), ['nb', 'en']), 'en');
    assert.equal(pickLang(request({}), ['en']), 'en');
  });
});

describe('t', () => {
  it('gives the text in the language, nynorsk falling back to bokmål', () => {
    assert.equal(t({ nb: 'Hei', en: 'Hello' }, 'en'), 'Hello');
    assert.equal(t({ nb: 'Hei', en: 'Hello' }, 'nn'), 'Hei');
    assert.equal(t({ nb: 'Hei', nn: 'Hei du', en: 'Hello' }, 'nn'), 'Hei du');
  });

  it('maps language tags to languages', () => {
    assert.equal(toLang('nb-NO'), 'nb');
    assert.equal(toLang('EN_us'), 'en');
    assert.equal(toLang('se'), undefined);
  });
});
