/**
 * MinProfil's pages through `app.inject` on both databases, with the whole chain in one
 * process: registers, Maskinporten, ID-porten and KRR. The login is real: MinProfil sends the
 * browser to ID-porten (code flow with PKCE, state, nonce, acr), the test logs in with TestID,
 * and the code is redeemed by `openid-client` through `inject`. Then every page, each change,
 * each bad input (exact error on the page, nothing changed), CSRF, gotoUrl, lookups and logout.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPlatform, type TestPlatform } from '../../../../test/helpers/platform.ts';
import { formField, InjectBrowser } from '../../../../test/helpers/inject-browser.ts';
import { testEngines } from '../../../platform/db/testing.ts';
import { createIdportenClient, idportenComponent } from '../../../idporten/index.ts';
import { maskinportenComponent } from '../../../maskinporten/index.ts';
import { DIGDIR_ORGNR, registersComponent } from '../../../registers/index.ts';
import { krrComponent } from '../../index.ts';
import { insertPersons, krrDb } from '../../store/krr-store.ts';
import type { KrrPersonRow } from '../../store/tables.ts';
import { minprofilDb } from '../store/minprofil-store.ts';
import { cookieKey, createSession } from '../domain/sessions.ts';
import { LOGIN_COOKIE, SESSION_COOKIE } from './minprofil-routes.ts';
import { MINPROFIL_CLIENT_ID } from './idporten-rp.ts';
import { emptyPersonRow } from '../../domain/person-row.ts';

const PUBLIC_URL = 'http://localhost:8080';
const DAY = 86_400_000;

const field = formField;

function row(personidentifikator: string, o: Partial<KrrPersonRow> = {}): KrrPersonRow {
  const old = Date.now() - 600 * DAY;
  return {
    ...emptyPersonRow(personidentifikator, old),
    epostadresse: 'kari.nordmann@example.com',
    epostadresse_oppdatert: old,
    epostadresse_sist_verifisert: old,
    epostadresse_sist_validert: old,
    mobiltelefonnummer: '+4799887766',
    mobiltelefonnummer_oppdatert: old,
    spraak: 'nb',
    spraak_oppdatert: old,
    postkasseadresse: 'kari.nordmann#AB12',
    postkasseleverandoeradresse: '984661185',
    ...o,
  };
}

for (const engine of testEngines()) {
  describe(`MinProfil pages on ${engine}`, () => {
    let t: TestPlatform;
    let browser: InjectBrowser;
    let pid: string;
    let overviewPage: string;

    const person = async () => {
      const r = await krrDb(t.platform.db).selectFrom('krr_persons').selectAll().where('personidentifikator', '=', pid).executeTakeFirst();
      return r ? { ...r } : undefined;
    };
    const smsTo = (to: string) => t.platform.outbox.list({ to, channel: 'sms' });
    const csrf = async () => field((await browser.request('/krr/minprofil')).body, 'csrf');

    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, idportenComponent, krrComponent], { PUBLIC_URL, RATE_LIMIT_MAX: '0', SEED_PERSONS: '20' });
      browser = new InjectBrowser(t.app, PUBLIC_URL);
    });
    after(() => t.close());

    it('registered its ID-porten client at start: confidential, the callback under PUBLIC_URL', async () => {
      const client = await t.platform.db.kysely.selectFrom('idporten_clients').selectAll().where('client_id', '=', MINPROFIL_CLIENT_ID).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(client.redirect_uris), [`${PUBLIC_URL}/krr/minprofil/callback`]);
      assert.deepEqual(JSON.parse(client.post_logout_redirect_uris), [`${PUBLIC_URL}/krr/minprofil/logget-ut`]);
      assert.equal(client.token_endpoint_auth_method, 'client_secret_basic');
      assert.equal(client.client_orgno, DIGDIR_ORGNR);
    });

    it('sends a browser without a session to ID-porten: code flow with PKCE S256, state, nonce and acr idporten-loa-substantial', async () => {
      const first = await browser.request('/krr/minprofil');
      assert.equal(first.statusCode, 303);
      assert.equal(first.headers.location, '/krr/minprofil/logg-inn');
      const login = await browser.request('/krr/minprofil/logg-inn');
      assert.equal(login.statusCode, 303);
      const authorize = new URL(String(login.headers.location));
      assert.equal(`${authorize.origin}${authorize.pathname}`, `${PUBLIC_URL}/idporten/authorize`);
      const q = authorize.searchParams;
      assert.equal(q.get('client_id'), MINPROFIL_CLIENT_ID);
      assert.equal(q.get('redirect_uri'), `${PUBLIC_URL}/krr/minprofil/callback`);
      assert.equal(q.get('response_type'), 'code');
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.ok((q.get('state') ?? '').length >= 22);
      assert.ok((q.get('nonce') ?? '').length >= 22);
      assert.equal(q.get('acr_values'), 'idporten-loa-substantial');
      assert.equal(q.get('scope'), 'openid profile');
      const cookie = browser.setCookieLines.find((l) => l.startsWith(`${LOGIN_COOKIE}=`))!;
      assert.match(cookie, /Path=\/krr\/minprofil/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.doesNotMatch(cookie, /Secure/, 'not Secure on http');
    });

    it('logs in with TestID and shows the overview, with the session in the database (only the hash of the cookie)', async () => {
      const start = await browser.follow('/krr/minprofil/logg-inn');
      let page = start.res.body;
      const testid = /href="(\/idporten\/login\/[^"/]+\/testid)"/.exec(page)?.[1];
      if (testid) page = (await browser.follow(testid)).res.body;
      pid = field(page, 'pid');
      assert.match(pid, /^\d{11}$/);
      // The person's entry: data older than 18 months, a mailbox at Digipost.
      await krrDb(t.platform.db).deleteFrom('krr_persons').where('personidentifikator', '=', pid).execute();
      await insertPersons(krrDb(t.platform.db), [row(pid)]);
      const action = /<form method="post" action="([^"]+)"/.exec(page)![1]!;
      const done = await browser.follow(action, { csrf: field(page, 'csrf'), pid, acr: 'idporten-loa-substantial' });
      assert.equal(done.res.statusCode, 200, done.res.body.slice(0, 300));
      assert.equal(new URL(done.visited.at(-1)!).pathname, '/krr/minprofil');
      assert.ok(done.visited.some((v) => v.startsWith(`${PUBLIC_URL}/krr/minprofil/callback?`)));
      overviewPage = done.res.body;
      assert.match(overviewPage, /data-minprofil-page="oversikt"/);
      const value = browser.cookies.get(SESSION_COOKIE)!;
      assert.match(value, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(browser.cookies.has(LOGIN_COOKIE), false, 'the login cookie is spent');
      const sessions = await minprofilDb(t.platform.db).selectFrom('krr_minprofil_sessions').selectAll().execute();
      assert.equal(sessions.length, 1);
      assert.equal(sessions[0]!.id, cookieKey(value));
      assert.equal(sessions[0]!.pid, pid);
      assert.equal(sessions[0]!.acr, 'idporten-loa-substantial');
      assert.ok(sessions[0]!.sid, 'ID-porten gave a sid for front-channel logout');
      const line = browser.setCookieLines.find((l) => l.startsWith(`${SESSION_COOKIE}=`))!;
      assert.match(line, /HttpOnly/);
      assert.match(line, /SameSite=Lax/);
    });

    it('shows e-mail, mobile, their times, the stale-data warning, reservation, language and mailbox', () => {
      assert.match(overviewPage, /<html lang="nb"/);
      assert.match(overviewPage, /data-field="epostadresse">kari.nordmann@example.com/);
      assert.match(overviewPage, /data-field="mobiltelefonnummer">\+4799887766/);
      assert.match(overviewPage, /data-stale-warning/);
      assert.match(overviewPage, /eldre enn 18 måneder/);
      assert.match(overviewPage, /data-reservasjon="NEI"/);
      assert.match(overviewPage, /<option value="nb" lang="nb" selected>/);
      assert.match(overviewPage, /Postkasse hos POSTEN BRING AS: <span data-field="postkasseadresse">kari.nordmann#AB12/);
      assert.doesNotMatch(overviewPage, /data-goto-url/);
    });

    it('shows the pages in nynorsk and English too', async () => {
      assert.match((await browser.request('/krr/minprofil?lang=nn')).body, /Stemmer opplysningane\?/);
      assert.match((await browser.request('/krr/minprofil?lang=en')).body, /Are these details right\?/);
      await browser.request('/krr/minprofil?lang=nb');
    });

    it('refuses a posted form without the session\'s CSRF token with 403 MINPROFIL_CSRF_MISMATCH, sending and changing nothing', async () => {
      const before = await person();
      const sent = (await t.platform.outbox.list({ limit: 1000 })).length;
      for (const form of [{ verdi: '41234567' }, { verdi: '41234567', csrf: 'forged' }] as Array<Record<string, string>>) {
        const res = await browser.request('/krr/minprofil/mobil', form);
        assert.equal(res.statusCode, 403);
        assert.match(res.body, /data-error-code="MINPROFIL_CSRF_MISMATCH"/);
      }
      const res = await browser.request('/krr/minprofil/reservasjon', { reservasjon: 'JA' });
      assert.equal(res.statusCode, 403);
      assert.deepEqual(await person(), before);
      assert.equal((await t.platform.outbox.list({ limit: 1000 })).length, sent);
    });

    it('refuses an invalid Norwegian mobile number on the page with 400 MINPROFIL_INVALID_MOBILTELEFONNUMMER, sending nothing', async () => {
      const before = await person();
      const res = await browser.request('/krr/minprofil/mobil', { csrf: await csrf(), verdi: '+46 70 123 45 67' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /data-error-code="MINPROFIL_INVALID_MOBILTELEFONNUMMER"/);
      assert.match(res.body, /norsk mobilnummer med 8 siffer/);
      assert.match(res.body, /value="\+46 70 123 45 67"/, 'the typed value is shown again');
      assert.deepEqual(await person(), before);
      assert.equal((await smsTo('+46701234567')).length, 0);
    });

    it('refuses an invalid e-mail address on the page with 400 MINPROFIL_INVALID_EPOSTADRESSE', async () => {
      const before = await person();
      const res = await browser.request('/krr/minprofil/epost', { csrf: await csrf(), verdi: 'kari@' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /data-error-code="MINPROFIL_INVALID_EPOSTADRESSE"/);
      assert.deepEqual(await person(), before);
    });

    it('changes the mobile number: code by SMS to the new number, a wrong code is refused, the right one takes effect', async () => {
      const form = await browser.request('/krr/minprofil/mobil');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<label class="ds-label" for="ny-mobil">Nytt mobilnummer<\/label>/);
      const sent = await browser.request('/krr/minprofil/mobil', { csrf: field(form.body, 'csrf'), verdi: '412 34 567' });
      assert.equal(sent.statusCode, 303);
      assert.equal(sent.headers.location, '/krr/minprofil/mobil/kode');
      const codePage = await browser.request('/krr/minprofil/mobil/kode');
      assert.match(codePage.body, /data-pending="mobil">\+4741234567</);
      const [sms] = await smsTo('+4741234567');
      const code = /\b(\d{6})\b/.exec(sms!.text)![1]!;
      const before = await person();
      const wrong = await browser.request('/krr/minprofil/mobil/kode', { csrf: field(codePage.body, 'csrf'), kode: code === '000000' ? '111111' : '000000' });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /data-error-code="MINPROFIL_CODE_WRONG"/);
      assert.deepEqual(await person(), before);
      const right = await browser.request('/krr/minprofil/mobil/kode', { csrf: field(codePage.body, 'csrf'), kode: code });
      assert.equal(right.statusCode, 303);
      assert.equal(right.headers.location, '/krr/minprofil?endret=mobil');
      const after = await person();
      assert.equal(after!.mobiltelefonnummer, '+4741234567');
      assert.ok(Number(after!.mobiltelefonnummer_sist_validert) > Date.now() - 60_000);
      const page = (await browser.request('/krr/minprofil?endret=mobil')).body;
      assert.match(page, /data-changed="mobil"/);
      assert.match(page, /data-field="mobiltelefonnummer">\+4741234567/);
    });

    it('confirms the data, which ends the stale warning', async () => {
      const res = await browser.request('/krr/minprofil/bekreft', { csrf: await csrf() });
      assert.equal(res.statusCode, 303);
      const page = (await browser.request('/krr/minprofil')).body;
      assert.doesNotMatch(page, /data-stale-warning/);
      assert.ok(Number((await person())!.epostadresse_sist_verifisert) > Date.now() - 60_000);
    });

    it('reserves and withdraws the reservation; an invalid value is 400 MINPROFIL_INVALID_RESERVASJON and changes nothing', async () => {
      const bad = await browser.request('/krr/minprofil/reservasjon', { csrf: await csrf(), reservasjon: 'ja' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /data-error-code="MINPROFIL_INVALID_RESERVASJON"/);
      assert.equal((await person())!.reservasjon, 'NEI');
      const res = await browser.request('/krr/minprofil/reservasjon', { csrf: await csrf(), reservasjon: 'JA' });
      assert.equal(res.headers.location, '/krr/minprofil?endret=reservert');
      let page = (await browser.request('/krr/minprofil')).body;
      assert.match(page, /data-reservasjon="JA"/);
      assert.match(page, /data-field="reservasjonstidspunkt"/);
      assert.equal((await person())!.reservasjon, 'JA');
      await browser.request('/krr/minprofil/reservasjon', { csrf: await csrf(), reservasjon: 'NEI' });
      page = (await browser.request('/krr/minprofil')).body;
      assert.match(page, /data-reservasjon="NEI"/);
      assert.equal((await person())!.reservasjonstidspunkt, null);
    });

    it('sets the language; an unknown one is 400 MINPROFIL_INVALID_SPRAAK', async () => {
      const bad = await browser.request('/krr/minprofil/spraak', { csrf: await csrf(), spraak: 'sv' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /data-error-code="MINPROFIL_INVALID_SPRAAK"/);
      assert.equal((await person())!.spraak, 'nb');
      await browser.request('/krr/minprofil/spraak', { csrf: await csrf(), spraak: 'nn' });
      assert.equal((await person())!.spraak, 'nn');
    });

    it('lists who looked the person up, with the name from Enhetsregisteret when known', async () => {
      const k = krrDb(t.platform.db);
      const at = Date.now() - 60_000;
      await k.insertInto('krr_lookups').values({ id: '00000000-0000-4000-8000-0000000000a1', looked_up_at: at, endpoint: 'POST /rest/v2/personer', consumer_orgno: DIGDIR_ORGNR, supplier_orgno: null, client_id: 'c', scope: 'krr:global/kontaktinformasjon.read', request_id: 'r', antall: 1 }).execute();
      await k.insertInto('krr_lookup_persons').values({ lookup_id: '00000000-0000-4000-8000-0000000000a1', personidentifikator: pid, looked_up_at: at }).execute();
      const page = (await browser.request('/krr/minprofil/oppslag')).body;
      assert.match(page, new RegExp(`data-orgnr="${DIGDIR_ORGNR}" data-looked-up-at="${new Date(at).toISOString()}"`));
      assert.match(page, /<td data-field="navn">DIGITALISERINGSDIREKTORATET/);
      assert.match(page, /Kontaktinformasjon<\/td>/);
    });

    it('keeps a gotoUrl on the origin of an active ID-porten client and ignores a foreign one (no open redirect)', async () => {
      await createIdportenClient(t.platform.db, { client_name: 'Tjeneste', client_orgno: '974760673', redirect_uris: ['https://tjeneste.example.no/callback'] }, { mode: 'test' });
      const foreign = (await browser.request(`/krr/minprofil?gotoUrl=${encodeURIComponent('https://evil.example.com/')}`)).body;
      assert.doesNotMatch(foreign, /data-goto-url/);
      assert.doesNotMatch(foreign, /evil\.example\.com/);
      const ok = (await browser.request(`/krr/minprofil?gotoUrl=${encodeURIComponent('https://tjeneste.example.no/ferdig')}`)).body;
      assert.match(ok, /<a class="ds-button" data-variant="primary" href="https:\/\/tjeneste.example.no\/ferdig" data-goto-url>/);
      const later = (await browser.request(`/krr/minprofil?gotoUrl=${encodeURIComponent('javascript:alert(1)')}`)).body;
      assert.match(later, /href="https:\/\/tjeneste.example.no\/ferdig" data-goto-url/, 'the kept one stays');
    });

    it('ends the sessions of an ID-porten sid on front-channel logout (with ID-porten as iss only), framable by ID-porten alone', async () => {
      const value = await createSession(t.platform.db, { pid, acr: 'idporten-loa-substantial', idToken: 'x', sid: 'sid-1', gotoUrl: null }, Date.now());
      const sessions = () => minprofilDb(t.platform.db).selectFrom('krr_minprofil_sessions').select('id').where('id', '=', cookieKey(value)).execute();
      const foreign = await t.app.inject({ method: 'GET', url: `/krr/minprofil/frontchannel-logout?iss=${encodeURIComponent('https://evil.example.com')}&sid=sid-1` });
      assert.equal(foreign.statusCode, 200);
      assert.equal((await sessions()).length, 1);
      const res = await t.app.inject({ method: 'GET', url: `/krr/minprofil/frontchannel-logout?iss=${encodeURIComponent(`${PUBLIC_URL}/idporten`)}&sid=sid-1` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-security-policy'], `default-src 'none'; frame-ancestors ${PUBLIC_URL}`);
      assert.equal(res.headers['x-frame-options'], undefined);
      assert.equal((await sessions()).length, 0);
    });

    it('answers the callback without a login under way in this browser with 400 MINPROFIL_LOGIN_FAILED', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/krr/minprofil/callback?code=x&state=y' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /data-error-code="MINPROFIL_LOGIN_FAILED"/);
    });

    it('logs out through ID-porten\'s end session; the session is gone', async () => {
      const res = await browser.request('/krr/minprofil/logg-ut', { csrf: await csrf() });
      assert.equal(res.statusCode, 303);
      const target = new URL(String(res.headers.location));
      assert.equal(`${target.origin}${target.pathname}`, `${PUBLIC_URL}/idporten/logout`);
      assert.equal(target.searchParams.get('post_logout_redirect_uri'), `${PUBLIC_URL}/krr/minprofil/logget-ut`);
      assert.ok(target.searchParams.get('id_token_hint'));
      assert.equal(browser.cookies.has(SESSION_COOKIE), false);
      assert.equal((await minprofilDb(t.platform.db).selectFrom('krr_minprofil_sessions').selectAll().execute()).length, 0);
      // ID-porten's logout page calls MinProfil's front-channel logout in an iframe, then goes on.
      const logoutPage = await browser.follow(target.href);
      assert.equal(new URL(logoutPage.visited.at(-1)!).pathname, '/idporten/logout');
      assert.match(logoutPage.res.body, /<iframe[^>]+src="http:\/\/localhost:8080\/krr\/minprofil\/frontchannel-logout\?iss=/);
      assert.match(String(logoutPage.res.headers.refresh), /url=http:\/\/localhost:8080\/krr\/minprofil\/logget-ut/);
      const done = await browser.request('/krr/minprofil/logget-ut');
      assert.match(done.body, /Du er logget ut/);
      const again = await browser.request('/krr/minprofil');
      assert.equal(again.statusCode, 303);
      assert.equal(again.headers.location, '/krr/minprofil/logg-inn');
      const post = await browser.request('/krr/minprofil/reservasjon', { reservasjon: 'JA' });
      assert.equal(post.statusCode, 303);
      assert.equal((await person())!.reservasjon, 'NEI');
    });
  });
}
