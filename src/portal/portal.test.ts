import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Component } from '../platform/component.ts';
import { testEngines } from '../platform/db/testing.ts';
import { createUiTestServer, type UiTestServer } from '../platform/ui/testing.ts';
import { portalComponent } from './index.ts';

/** A component that serves nothing but shows on the front page. */
function fakeComponent(name: string, extra: Partial<Component> = {}): Component {
  return {
    name,
    title: { nb: `${name} på bokmål`, en: `${name} in English` },
    description: { nb: `Om ${name}`, en: `About ${name}` },
    paths: [`/${name}`],
    migrations: [],
    plugin: async () => {},
    ...extra,
  };
}

const krr = fakeComponent('krr', {
  title: { nb: 'Kontakt- og reservasjonsregisteret', en: 'Contact and Reservation Register' },
  links: [
    { kind: 'api', label: { nb: 'Oppslag', en: 'Lookup' }, href: '/krr/rest/v2/personer' },
    { kind: 'page', label: { nb: 'Min profil', en: 'My profile' }, href: '/krr/minprofil' },
  ],
  checkHealth: async () => {},
});
const broken = fakeComponent('broken', {
  checkHealth: async () => {
    throw new Error('dependency gone');
  },
});
const registers = fakeComponent('registers', { paths: ['/folkeregisteret', '/enhetsregisteret'] });
const evil = fakeComponent('evil', { title: { nb: '<img src=x onerror=alert(1)>', en: 'x' } });

for (const engine of testEngines()) {
  describe(`front page on ${engine}`, () => {
    let server: UiTestServer;
    before(async () => {
      server = await createUiTestServer(engine, [portalComponent, krr, broken]);
    });
    after(() => server.close());

    it('lists every served component but the portal, with its links', async () => {
      const res = await server.app.inject({ method: 'GET', url: '/' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/);
      const page = res.body;
      assert.match(page, /data-component="krr"/);
      assert.match(page, /data-component="broken"/);
      assert.doesNotMatch(page, /data-component="portal"/);
      assert.match(page, /Kontakt- og reservasjonsregisteret/);
      assert.match(page, /href="\/krr\/minprofil"/);
      assert.match(page, /href="\/krr\/rest\/v2\/personer"/);
      assert.match(page, /href="\/krr\/openapi.json"/, 'the kernel-served OpenAPI is linked');
      assert.match(page, /href="\/health\/ready"/);
      for (const path of ['/health/live', '/metrics', '/openapi.json']) assert.ok(page.includes(`href="${path}"`), path);
    });

    it('shows no rows for components that are not served', async () => {
      const page = (await server.app.inject({ method: 'GET', url: '/' })).body;
      for (const name of ['idporten', 'maskinporten', 'registers', 'altinn']) {
        assert.doesNotMatch(page, new RegExp(`data-component="${name}"`));
      }
      assert.doesNotMatch(page, /testpersoner/, 'no test-person link without the registers component');
    });

    it('shows a component whose checkHealth throws as DOWN, and a healthy one as UP', async () => {
      const page = (await server.app.inject({ method: 'GET', url: '/' })).body;
      const card = (name: string) => page.slice(page.indexOf(`data-component="${name}"`)).split('</article>')[0] ?? '';
      assert.match(card('broken'), /data-color="danger"[^>]*data-status="DOWN"/);
      assert.match(card('krr'), /data-color="success"[^>]*data-status="UP"/);
    });

    it('is in bokmål by default and in English with ?lang=en, with <html lang> following', async () => {
      const nb = await server.app.inject({ method: 'GET', url: '/' });
      assert.match(nb.body, /<html lang="nb"/);
      assert.match(nb.body, /Norges fellesløsninger, selvhostet/);
      const en = await server.app.inject({ method: 'GET', url: '/?lang=en' });
      assert.match(en.body, /<html lang="en"/);
      assert.match(en.body, /Norway&#39;s common components, self-hosted/);
      assert.match(en.body, /Contact and Reservation Register/);
      assert.match(en.body, /href="\/\?lang=nb"/, 'switch back to bokmål');
    });

    it('remembers the chosen language in a cookie', async () => {
      const en = await server.app.inject({ method: 'GET', url: '/?lang=en', headers: { accept: 'text/html' } });
      const setCookie = String(en.headers['set-cookie']);
      assert.match(setCookie, /^lang=en;/);
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      const again = await server.app.inject({ method: 'GET', url: '/', headers: { cookie: 'lang=en' } });
      assert.match(again.body, /<html lang="en"/);
    });

    it('follows Accept-Language when no choice was made', async () => {
      const res = await server.app.inject({ method: 'GET', url: '/', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
      assert.match(res.body, /<html lang="en"/);
    });

    it('is sent with the security headers, a CSP without inline scripts or styles, and no inline code', async () => {
      const res = await server.app.inject({ method: 'GET', url: '/' });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /style-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.ok(res.headers['x-frame-options'] || csp.includes("frame-ancestors 'none'"));
      assert.doesNotMatch(res.body, /<script|<style| style=/i);
      assert.match(res.body, /<link rel="stylesheet" href="\/static\/designsystemet\/index.css">/);
    });

    it('shows the outbox and certificate API in test mode', async () => {
      const page = (await server.app.inject({ method: 'GET', url: '/' })).body;
      assert.match(page, /href="\/outbox"/);
      assert.match(page, /POST \/pki\/enterprise-certificates/);
      assert.match(page, /href="\/pki\/root.pem"/);
      assert.match(page, /npx grunnmur cert issue --org ORGNR --out DIR/);
    });
  });

  // One test database open at a time: each suite builds its own server in before().
  describe(`front page with the registers component on ${engine}`, () => {
    let server: UiTestServer;
    before(async () => {
      server = await createUiTestServer(engine, [portalComponent, registers, evil]);
    });
    after(() => server.close());

    it('links the synthetic test persons', async () => {
      const page = (await server.app.inject({ method: 'GET', url: '/' })).body;
      assert.match(page, /href="\/folkeregisteret\/api\/v1\/testpersoner"/);
      assert.match(page, /data-component="registers"/);
    });

    it('escapes component texts', async () => {
      const page = (await server.app.inject({ method: 'GET', url: '/' })).body;
      assert.doesNotMatch(page, /<img src=x/);
      assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
    });
  });

  describe(`front page in production mode on ${engine}`, () => {
    let server: UiTestServer;
    before(async () => {
      server = await createUiTestServer(engine, [portalComponent], { GRUNNMUR_MODE: 'production' });
    });
    after(() => server.close());

    it('hides the outbox and the certificate API, keeps the CLI instructions', async () => {
      const page = (await server.app.inject({ method: 'GET', url: '/' })).body;
      assert.doesNotMatch(page, /href="\/outbox"/);
      assert.doesNotMatch(page, /POST \/pki\/enterprise-certificates/);
      assert.match(page, /npx grunnmur cert issue/);
    });

    it('says so when no component but the portal is served', async () => {
      const page = (await server.app.inject({ method: 'GET', url: '/?lang=en' })).body;
      assert.match(page, /No components run in this instance yet/);
      assert.doesNotMatch(page, /data-component=/);
    });
  });
}
