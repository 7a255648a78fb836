import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { html } from './html.ts';
import { renderPage } from './layout.ts';

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
