import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Component } from '../platform/component.ts';
import { testEngines } from '../platform/db/testing.ts';
import { createUiTestServer, type UiTestServer } from '../platform/ui/testing.ts';
import { registersComponent } from '../registers/index.ts';
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

    it('sends Vary: Accept-Language, Cookie, since the language comes from those headers', async () => {
      for (const headers of [{}, { 'accept-language': 'en' }, { cookie: 'lang=nn' }]) {
        const res = await server.app.inject({ method: 'GET', url: '/', headers });
        const vary = String(res.headers.vary).split(',').map((v) => v.trim().toLowerCase());
        assert.ok(vary.includes('accept-language'), `Vary: ${res.headers.vary}`);
        assert.ok(vary.includes('cookie'), `Vary: ${res.headers.vary}`);
      }
    });

    it('is in nynorsk with ?lang=nn: <html lang="nn">, nynorsk heading, intro and layout, and nynorsk marked in the switch', async () => {
      const res = await server.app.inject({ method: 'GET', url: '/?lang=nn' });
      assert.equal(res.statusCode, 200);
      const page = res.body;
      assert.match(page, /<html lang="nn"/);
      assert.match(page, /<h1 class="ds-heading" data-size="xl">Fellesløysingane i Noreg, sjølvhosta<\/h1>/);
      assert.match(page, /Grunnmur er ei open, sjølvhostbar implementering – bygd komponent for komponent –/);
      assert.match(page, /Denne instansen tilbyr komponentane som er lista opp nedanfor\. Dei andre kjem etter kvart\./);
      assert.match(page, /Komponentar/);
      assert.match(page, /Endepunkta til plattforma/);
      assert.match(page, /Hopp til hovudinnhald/);
      assert.match(page, /hreflang="nn" lang="nn" aria-current="true">Norsk \(nynorsk\)/);
      assert.doesNotMatch(page, /Norges fellesløsninger, selvhostet|Hopp til hovedinnhold|Plattformens endepunkter/, 'no bokmål fallback');
    });

    it('says what Grunnmur is and that only the listed components run here, without claiming the others run', async () => {
      const en = (await server.app.inject({ method: 'GET', url: '/?lang=en' })).body;
      assert.match(en, /Grunnmur is an open, self-hostable implementation – built component by component – of the common digital components Digdir runs for Norway/);
      assert.match(en, /This instance serves the components listed below\. The others arrive over time\./);
      const nb = (await server.app.inject({ method: 'GET', url: '/?lang=nb' })).body;
      assert.match(nb, /Denne instansen tilbyr komponentene som er listet opp nedenfor\. De andre kommer etter hvert\./);
    });

    it('tells how to get an empty database for npx grunnmur seed', async () => {
      const en = (await server.app.inject({ method: 'GET', url: '/?lang=en' })).body;
      const hint = en.slice(en.indexOf('id="reseed"')).split('</li>')[0] ?? '';
      assert.match(hint, /<code>npx grunnmur seed<\/code> on an empty database: stop Grunnmur and delete <code>\.\/data\/grunnmur\.db<\/code>/);
      assert.match(hint, /the default <code>DATABASE_URL<\/code> is <code>sqlite:\.\/data\/grunnmur\.db<\/code>/);
      assert.match(hint, /or point <code>DATABASE_URL<\/code> at an empty database\./);
      const nb = (await server.app.inject({ method: 'GET', url: '/?lang=nb' })).body;
      assert.match(nb, /på en tom database: stopp Grunnmur og slett <code>\.\/data\/grunnmur\.db<\/code>/);
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

  describe(`front page with the real registers component in test mode on ${engine}`, () => {
    let server: UiTestServer;
    before(async () => {
      server = await createUiTestServer(engine, [portalComponent, registersComponent]);
    });
    after(() => server.close());

    it('links the test persons on the registers card and in the test users section', async () => {
      const page = (await server.app.inject({ method: 'GET', url: '/' })).body;
      const card = page.slice(page.indexOf('data-component="registers"')).split('</article>')[0] ?? '';
      assert.match(card, /href="\/folkeregisteret\/api\/v1\/testpersoner" data-kind="api">Testpersoner</);
      assert.match(card, /href="\/enhetsregisteret\/api\/enheter"/);
      assert.equal(page.match(/href="\/folkeregisteret\/api\/v1\/testpersoner"/g)?.length, 2);
    });
  });

  describe(`front page with the real registers component in production mode on ${engine}`, () => {
    let server: UiTestServer;
    before(async () => {
      server = await createUiTestServer(engine, [portalComponent, registersComponent], { GRUNNMUR_MODE: 'production' });
    });
    after(() => server.close());

    it('does not link the test persons (404 PLATFORM_TEST_MODE_ONLY there), and keeps the open Enhetsregisteret links', async () => {
      for (const lang of ['nb', 'nn', 'en']) {
        const page = (await server.app.inject({ method: 'GET', url: `/?lang=${lang}` })).body;
        assert.doesNotMatch(page, /testpersoner/i, lang);
        assert.doesNotMatch(page, /Test persons|Testpersoner|Testpersonar/, lang);
        const card = page.slice(page.indexOf('data-component="registers"')).split('</article>')[0] ?? '';
        assert.match(card, /href="\/enhetsregisteret\/api\/enheter"/, lang);
        assert.match(card, /href="\/enhetsregisteret\/openapi.json"/, lang);
      }
      const res = await server.app.inject({ method: 'GET', url: '/folkeregisteret/api/v1/testpersoner' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'PLATFORM_TEST_MODE_ONLY');
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
