import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { html } from './html.ts';
import { renderPage, sendPage } from './layout.ts';

describe('renderPage', () => {
  it('renders a full document with <html lang>, the header, main and footer', () => {
    const page = renderPage({ lang: 'en', title: 'Test', body: html`<p>Body</p>`, path: '/krr/minprofil' });
    assert.match(page, /^<!doctype html>\n<html lang="en"/);
    assert.match(page, /<title>Test – Grunnmur<\/title>/);
    assert.match(page, /<header class="grunnmur-header">[\s\S]*Grunnmur[\s\S]*<\/header>/);
    assert.match(page, /<main id="main"[^>]*>[\s\S]*<p>Body<\/p>[\s\S]*<\/main>/);
    assert.match(page, /<footer/);
  });

  it('links the language switch to the same path with ?lang=, marking the current language', () => {
    const page = renderPage({ lang: 'en', title: 'T', body: html``, path: '/krr/minprofil?x=1' });
    assert.match(page, /href="\/krr\/minprofil\?lang=nb" hreflang="nb" lang="nb">Norsk \(bokmål\)/);
    assert.match(page, /href="\/krr\/minprofil\?lang=en" hreflang="en" lang="en" aria-current="true">English/);
  });

  it('offers bokmål, nynorsk and English in the switch, and renders a nynorsk page in nynorsk', () => {
    const page = renderPage({ lang: 'nn', title: 'T', body: html``, path: '/' });
    assert.match(page, /^<!doctype html>\n<html lang="nn"/);
    assert.match(page, /href="\/\?lang=nb" hreflang="nb" lang="nb">Norsk \(bokmål\)/);
    assert.match(page, /href="\/\?lang=nn" hreflang="nn" lang="nn" aria-current="true">Norsk \(nynorsk\)/);
    assert.match(page, /href="\/\?lang=en" hreflang="en" lang="en">English/);
    assert.equal(page.match(/aria-current="true"/g)?.length, 1, 'only the current language is marked');
    assert.match(page, /Hopp til hovudinnhald/);
    assert.match(page, /Grunnmur er ei open, sjølvhostbar implementering av fellesløysingane i Noreg/);
    assert.match(page, /Open kjeldekode \(Apache-2.0\)/);
  });

  it('escapes the title and breadcrumbs, and marks the last crumb as the current page', () => {
    const page = renderPage({
      lang: 'nb',
      title: '<b>',
      body: html``,
      path: '/',
      breadcrumbs: [{ label: 'Forside', href: '/' }, { label: 'KRR', href: '/krr' }, { label: '"Min" profil' }],
    });
    assert.match(page, /<title>&lt;b&gt; – Grunnmur/);
    assert.match(page, /<li><a class="ds-link" href="\/krr">KRR<\/a><\/li>/);
    assert.match(page, /<li><a class="ds-link" aria-current="page">&quot;Min&quot; profil<\/a><\/li>/);
  });

  it('has no inline scripts or styles (the CSP forbids them)', () => {
    const page = renderPage({ lang: 'nb', title: 'T', body: html``, path: '/' });
    assert.doesNotMatch(page, /<script|<style| style=/i);
  });
});

describe('sendPage', () => {
  it('sends Vary: Accept-Language, Cookie (the page language comes from them), added to a Vary already set', async () => {
    const app = Fastify();
    app.get('/page', async (_request, reply) => sendPage(reply, { lang: 'nb', title: 'T', body: html``, path: '/page' }));
    app.get('/cors', async (_request, reply) => {
      reply.header('vary', 'Origin, cookie');
      return sendPage(reply, { lang: 'nb', title: 'T', body: html``, path: '/cors' });
    });
    try {
      const page = await app.inject({ method: 'GET', url: '/page' });
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers.vary, 'Accept-Language, Cookie');
      const cors = await app.inject({ method: 'GET', url: '/cors' });
      assert.equal(cors.headers.vary, 'Origin, cookie, Accept-Language');
    } finally {
      await app.close();
    }
  });
});
