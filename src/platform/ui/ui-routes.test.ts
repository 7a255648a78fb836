import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createUiTestServer, type UiTestServer } from './testing.ts';
import { stylesheets } from './layout.ts';

describe('uiRoutes', () => {
  let server: UiTestServer;
  before(async () => {
    server = await createUiTestServer('sqlite', []);
  });
  after(() => server.close());

  it('serves every stylesheet the layout links, as text/css', async () => {
    for (const href of Object.values(stylesheets)) {
      const res = await server.app.inject({ method: 'GET', url: href });
      assert.equal(res.statusCode, 200, href);
      assert.match(String(res.headers['content-type']), /^text\/css/, href);
      assert.ok(res.body.length > 100, href);
    }
  });

  it('serves the design system with its components and the Digdir brand colours', async () => {
    const css = (await server.app.inject({ method: 'GET', url: stylesheets.designsystemet })).body;
    assert.match(css, /\.ds-button\{/);
    const theme = (await server.app.inject({ method: 'GET', url: stylesheets.theme })).body;
    assert.match(theme, /--ds-color-accent-base-default/);
  });

  it('serves nothing outside the static folders', async () => {
    for (const url of [
      '/static/designsystemet/../../package.json',
      '/static/designsystemet/%2e%2e/%2e%2e/package.json',
      '/static/grunnmur/',
      '/static/designsystemet-theme/../package.json',
    ]) {
      const res = await server.app.inject({ method: 'GET', url });
      assert.notEqual(res.statusCode, 200, url);
    }
  });

  it('sets the lang cookie only for a page request with a valid ?lang=', async () => {
    const headers = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const ok = await server.app.inject({ method: 'GET', url: '/health/live?lang=nn', headers });
    assert.match(String(ok.headers['set-cookie']), /^lang=nn; Max-Age=31536000; Path=\//);
    const bad = await server.app.inject({ method: 'GET', url: '/health/live?lang=%3Cx%3E', headers });
    assert.equal(bad.headers['set-cookie'], undefined);
    const api = await server.app.inject({ method: 'GET', url: '/health/live?lang=en', headers: { accept: 'application/json' } });
    assert.equal(api.headers['set-cookie'], undefined);
  });
});
