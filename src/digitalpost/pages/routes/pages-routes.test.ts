/**
 * The mailbox pages through `app.inject` on both databases, with registers and ID-porten in the
 * same process. The first login and the step-up are real: the pages send the browser to
 * ID-porten (code flow with PKCE, state, nonce, acr_values), the test logs in with TestID, and
 * the code is redeemed by `openid-client` through `inject`. Other tests start sessions through
 * the relying-party kit's seam (`createRpSession`). Letters are filed straight into the tables.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPlatform, type TestPlatform } from '../../../../test/helpers/platform.ts';
import { formField, InjectBrowser } from '../../../../test/helpers/inject-browser.ts';
import { testEngines } from '../../../platform/db/testing.ts';
import type { Component } from '../../../platform/component.ts';
import { cookieKey, createRpSession, idportenComponent } from '../../../idporten/index.ts';
import { DIGDIR_ORGNR, POSTEN_BRING_ORGNR, registersComponent } from '../../../registers/index.ts';
import { digitalpostMigrations } from '../../store/migrations.ts';
import { digitalpostDb } from '../../store/digitalpost-store.ts';
import { RECEIPT_QUEUE } from '../../domain/receipts.ts';
import { openLetter } from '../domain/mailbox.ts';
import { digitalpostPagesMigrations, PAGES_TABLES } from '../store/migrations.ts';
import { makePdf, NAV_NAME, NAV_ORGNR, seedLetter, seedProviderKey } from '../testing/seed-letters.ts';
import { digitalpostPages } from './pages-routes.ts';
import { DIGITALPOST_CLIENT_ID, LOGIN_COOKIE, SESSION_COOKIE } from './idporten-rp.ts';

const PUBLIC_URL = 'http://localhost:8080';
const HOUR = 3_600_000;

/** Digital postkasse with its pages only (corner 2 and the providers are not needed here). */
const pagesComponent: Component = {
  name: 'digitalpost',
  title: { nb: 'Digital postkasse', en: 'Digital mailbox' },
  description: { nb: 'Testkomponent', en: 'Test component' },
  paths: ['/digitalpost'],
  migrations: [...digitalpostMigrations, ...digitalpostPagesMigrations],
  plugin: async (app, { platform }) => digitalpostPages(app, platform),
};

for (const engine of testEngines()) {
  describe(`Digital postkasse pages on ${engine}`, () => {
    let t: TestPlatform;
    let browser: InjectBrowser;
    let pid: string;
    let otherPid: string;

    const letterRow = (id: string) => digitalpostDb(t.platform.db).selectFrom('digitalpost_letters').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const receiptsOf = (messageId: string) => digitalpostDb(t.platform.db).selectFrom('digitalpost_receipts').selectAll().where('ref_message_id', '=', messageId).execute();
    /** A browser with a session at `acr` for `who` (the kit's test seam, no login). */
    const sessionBrowser = async (acr: string, who = pid) => {
      const b = new InjectBrowser(t.app, PUBLIC_URL);
      const value = await createRpSession({ db: t.platform.db.kysely, prefix: PAGES_TABLES }, { pid: who, acr, idToken: 'x', sid: null, gotoUrl: null }, Date.now());
      b.cookies.set(SESSION_COOKIE, value);
      return b;
    };
    /** Logs in at ID-porten with TestID (as `who`, at `acr`) from a page that led there. */
    const testIdLogin = async (start: string, who: string, acr: string) => {
      const first = await browser.follow(start);
      let page = first.res.body;
      const testid = /href="(\/idporten\/login\/[^"/]+\/testid)"/.exec(page)?.[1];
      if (testid) page = (await browser.follow(testid)).res.body;
      const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
      assert.ok(action, `a TestID form: ${page.slice(0, 300)}`);
      return { page, done: await browser.follow(action, { csrf: formField(page, 'csrf'), pid_typed: who, acr }) };
    };

    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, idportenComponent, pagesComponent], { PUBLIC_URL, RATE_LIMIT_MAX: '0', SEED_PERSONS: '20' });
      browser = new InjectBrowser(t.app, PUBLIC_URL);
      const persons = await t.platform.db.kysely.selectFrom('registers_persons').select('pid').orderBy('pid').limit(2).execute();
      pid = (persons[0] as { pid: string }).pid;
      otherPid = (persons[1] as { pid: string }).pid;
      await seedProviderKey(t.platform);
    });
    after(() => t.close());

    it('registered its ID-porten client at start: confidential, owned by Digdir, the callback under PUBLIC_URL', async () => {
      const client = await t.platform.db.kysely.selectFrom('idporten_clients').selectAll().where('client_id', '=', DIGITALPOST_CLIENT_ID).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(client.redirect_uris), [`${PUBLIC_URL}/digitalpost/callback`]);
      assert.deepEqual(JSON.parse(client.post_logout_redirect_uris), [`${PUBLIC_URL}/digitalpost/logget-ut`]);
      assert.equal(client.frontchannel_logout_uri, `${PUBLIC_URL}/digitalpost/frontchannel-logout`);
      assert.equal(client.token_endpoint_auth_method, 'client_secret_basic');
      assert.equal(client.client_orgno, DIGDIR_ORGNR);
    });

    it('sends a browser without a session to ID-porten: code flow with PKCE S256, state, nonce and acr idporten-loa-substantial', async () => {
      const first = await browser.request('/digitalpost');
      assert.equal(first.statusCode, 303);
      assert.equal(first.headers.location, '/digitalpost/logg-inn');
      const login = await browser.request('/digitalpost/logg-inn');
      assert.equal(login.statusCode, 303);
      const authorize = new URL(String(login.headers.location));
      assert.equal(`${authorize.origin}${authorize.pathname}`, `${PUBLIC_URL}/idporten/authorize`);
      const q = authorize.searchParams;
      assert.equal(q.get('client_id'), DIGITALPOST_CLIENT_ID);
      assert.equal(q.get('redirect_uri'), `${PUBLIC_URL}/digitalpost/callback`);
      assert.equal(q.get('response_type'), 'code');
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.ok((q.get('state') ?? '').length >= 22);
      assert.ok((q.get('nonce') ?? '').length >= 22);
      assert.equal(q.get('acr_values'), 'idporten-loa-substantial');
      const cookie = browser.setCookieLines.find((l) => l.startsWith(`${LOGIN_COOKIE}=`))!;
      assert.match(cookie, /Path=\/digitalpost/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
    });

    it('a letter link without a session logs in and comes back to the letter', async () => {
      const res = await new InjectBrowser(t.app, PUBLIC_URL).request('/digitalpost/brev/00000000-0000-4000-8000-000000000001');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/digitalpost/logg-inn?brev=00000000-0000-4000-8000-000000000001');
    });

    it('logs in with TestID at substantial and shows the inbox, with only the hash of the cookie stored', async () => {
      const { done } = await testIdLogin('/digitalpost/logg-inn', pid, 'idporten-loa-substantial');
      assert.equal(done.res.statusCode, 200, done.res.body.slice(0, 300));
      assert.equal(new URL(done.visited.at(-1)!).pathname, '/digitalpost');
      assert.ok(done.visited.some((v) => v.startsWith(`${PUBLIC_URL}/digitalpost/callback?`)));
      assert.match(done.res.body, /data-digitalpost-page="innboks"/);
      assert.match(done.res.body, /data-acr="idporten-loa-substantial"/);
      const value = browser.cookies.get(SESSION_COOKIE)!;
      assert.match(value, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(browser.cookies.has(LOGIN_COOKIE), false, 'the login cookie is spent');
      const sessions = await t.platform.db.kysely.selectFrom('digitalpost_pages_sessions').selectAll().execute();
      assert.equal(sessions.length, 1);
      assert.equal(sessions[0]!.id, cookieKey(value));
      assert.equal(sessions[0]!.pid, pid);
      assert.equal(sessions[0]!.acr, 'idporten-loa-substantial');
      assert.ok(sessions[0]!.sid, 'ID-porten gave a sid for front-channel logout');
    });

    it('lists the citizen’s own letters newest first with sender, title, date and unread/read; no one else’s, none before virkningstidspunkt (not even counted)', async () => {
      const now = Date.now();
      const older = await seedLetter(t.platform, { pid, title: 'Eldre brev', visibleFrom: now - 48 * HOUR, openedAt: now - 47 * HOUR });
      const newer = await seedLetter(t.platform, { pid, title: 'Vedtak om dagpenger', visibleFrom: now - HOUR });
      const future = await seedLetter(t.platform, { pid, title: 'Framtidig brev', visibleFrom: now + 24 * HOUR });
      const foreign = await seedLetter(t.platform, { pid: otherPid, title: 'Naboens brev' });
      const page = (await browser.request('/digitalpost')).body;
      const rows = [...page.matchAll(/<tr data-letter="([^"]+)" data-unread="(true|false)">/g)].map((m) => [m[1], m[2]]);
      assert.deepEqual(rows, [
        [newer.id, 'true'],
        [older.id, 'false'],
      ]);
      assert.match(page, /<span data-field="total">2<\/span>/);
      assert.match(page, /<span data-field="unread">1<\/span>/);
      assert.match(page, new RegExp(`<td data-field="avsender">${NAV_NAME}</td>`));
      assert.match(page, /<strong><a class="ds-link" href="\/digitalpost\/brev\/[^"]+" data-letter-link lang="no">Vedtak om dagpenger<\/a><\/strong>/);
      assert.match(page, new RegExp(`<time datetime="${new Date(newer.visible_from).toISOString()}">`));
      assert.match(page, /Ulest/);
      for (const hidden of [future, foreign]) {
        assert.doesNotMatch(page, new RegExp(hidden.id));
        assert.doesNotMatch(page, new RegExp(hidden.ikkesensitivtittel));
      }
    });

    it('shows a level-3 letter’s documents (main document first) and marks it opened, without a receipt when none was asked for', async () => {
      const letter = await seedLetter(t.platform, {
        pid,
        title: 'Vedtak om bostøtte',
        documents: [
          { filename: 'vedlegg.pdf', mimeType: 'application/pdf', content: await makePdf('Vedlegg'), tittel: 'Beregning' },
          { filename: 'vedtak.pdf', mimeType: 'application/pdf', content: await makePdf('Vedtak'), tittel: 'Vedtak', hoveddokument: true },
        ],
      });
      const res = await browser.request(`/digitalpost/brev/${letter.id}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /data-digitalpost-page="brev"/);
      assert.match(res.body, /<h1 class="ds-heading" data-size="lg" data-field="tittel" lang="no">Vedtak om bostøtte<\/h1>/);
      const docs = [...res.body.matchAll(/<li data-document="(\d+)" data-hoveddokument="(true|false)">/g)].map((m) => [m[1], m[2]]);
      assert.deepEqual(docs, [
        ['1', 'true'],
        ['0', 'false'],
      ]);
      assert.match(res.body, new RegExp(`href="/digitalpost/brev/${letter.id}/dokument/1\\?last-ned=1"`));
      assert.doesNotMatch(res.body, /data-step-up/);
      const row = await letterRow(letter.id);
      assert.ok(row.opened_at !== null && Number(row.opened_at) > Date.now() - 60_000);
      assert.deepEqual(await receiptsOf(letter.message_id), []);
    });

    it('shows a level-4 letter’s title at substantial but not its documents; the document answers 403 DIGITALPOST_LEVEL_TOO_LOW; the letter stays unopened', async () => {
      const letter = await seedLetter(t.platform, { pid, title: 'Svar på søknad om uføretrygd', sikkerhetsnivaa: 4 });
      const res = await browser.request(`/digitalpost/brev/${letter.id}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Svar på søknad om uføretrygd/);
      assert.match(res.body, /data-step-up/);
      assert.match(res.body, /krever høyere sikkerhetsnivå/);
      assert.doesNotMatch(res.body, /data-documents|\/dokument\//);
      assert.match(res.body, new RegExp(`href="/digitalpost/logg-inn\\?brev=${letter.id}&amp;nivaa=4" data-link="step-up"`));
      const doc = await browser.request(`/digitalpost/brev/${letter.id}/dokument/0`);
      assert.equal(doc.statusCode, 403);
      assert.match(doc.body, /data-error-code="DIGITALPOST_LEVEL_TOO_LOW"/);
      assert.doesNotMatch(String(doc.headers['content-type']), /pdf/);
      assert.equal((await letterRow(letter.id)).opened_at, null);
    });

    it('steps up: a new authorization request with acr_values=idporten-loa-high that returns to the letter, now with its documents', async () => {
      const letter = await seedLetter(t.platform, { pid, title: 'Brev på nivå 4', sikkerhetsnivaa: 4 });
      const start = await browser.request(`/digitalpost/logg-inn?brev=${letter.id}&nivaa=4`);
      assert.equal(start.statusCode, 303);
      assert.equal(new URL(String(start.headers.location)).searchParams.get('acr_values'), 'idporten-loa-high');
      const before = browser.cookies.get(SESSION_COOKIE)!;
      const { page, done } = await testIdLogin(`/digitalpost/logg-inn?brev=${letter.id}&nivaa=4`, pid, 'idporten-loa-high');
      assert.match(page, /TestID/, 'ID-porten asked for a new login (its SSO session was at substantial)');
      assert.equal(done.res.statusCode, 200, done.res.body.slice(0, 300));
      assert.equal(new URL(done.visited.at(-1)!).pathname, `/digitalpost/brev/${letter.id}`);
      assert.match(done.res.body, /data-documents/);
      assert.match(done.res.body, /data-acr="idporten-loa-high"/);
      const sessions = await t.platform.db.kysely.selectFrom('digitalpost_pages_sessions').selectAll().execute();
      assert.deepEqual(sessions.map((s) => s.acr), ['idporten-loa-high'], 'the step-up replaced the earlier session');
      assert.notEqual(browser.cookies.get(SESSION_COOKIE), before);
      assert.ok((await letterRow(letter.id)).opened_at !== null);
    });

    it('answers an unknown id, another person’s letter, a letter before its virkningstidspunkt and a malformed id with the same 404', async () => {
      const foreign = await seedLetter(t.platform, { pid: otherPid });
      const future = await seedLetter(t.platform, { pid, visibleFrom: Date.now() + HOUR });
      const answers = [];
      for (const id of ['00000000-0000-4000-8000-00000000dead', foreign.id, future.id, 'x'.repeat(40)]) {
        const res = await browser.request(`/digitalpost/brev/${id}`);
        assert.equal(res.statusCode, 404, id);
        assert.match(res.body, /data-error-code="DIGITALPOST_LETTER_NOT_FOUND"/);
        answers.push(res.body);
        const doc = await browser.request(`/digitalpost/brev/${id}/dokument/0`);
        assert.equal(doc.statusCode, 404);
        assert.match(doc.body, /data-error-code="DIGITALPOST_LETTER_NOT_FOUND"/);
      }
      assert.equal(new Set(answers).size, 1, 'the same page for all');
      assert.equal((await letterRow(foreign.id)).opened_at, null);
      assert.equal((await letterRow(future.id)).opened_at, null);
    });

    it('answers HEAD on a letter and its documents with 404 and opens nothing; logg-inn, callback and front-channel logout have no HEAD either', async () => {
      const letter = await seedLetter(t.platform, { pid, title: 'Brev til lenkesjekkeren' });
      const b = await sessionBrowser('idporten-loa-substantial');
      const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const head = (url: string) => t.app.inject({ method: 'HEAD', url, headers: { cookie } });
      const logins = async () => (await t.platform.db.kysely.selectFrom('digitalpost_pages_logins').selectAll().execute()).length;
      const loginsBefore = await logins();
      for (const url of [
        `/digitalpost/brev/${letter.id}`,
        `/digitalpost/brev/${letter.id}/dokument/0`,
        `/digitalpost/logg-inn?brev=${letter.id}`,
        '/digitalpost/callback?code=x&state=y',
        `/digitalpost/frontchannel-logout?iss=${encodeURIComponent(`${PUBLIC_URL}/idporten`)}&sid=x`,
      ]) {
        const res = await head(url);
        assert.ok(res.statusCode === 404 || res.statusCode === 405, `HEAD ${url}: ${res.statusCode}`);
      }
      const row = await letterRow(letter.id);
      assert.equal(row.opened_at, null, 'HEAD opened nothing');
      assert.deepEqual(await receiptsOf(letter.message_id), []);
      assert.equal(await logins(), loginsBefore, 'HEAD started no login');
      assert.equal((await head('/digitalpost/logget-ut')).statusCode, 200, 'a page that changes nothing keeps HEAD');
      assert.equal((await b.request(`/digitalpost/brev/${letter.id}`)).statusCode, 200);
      assert.notEqual((await letterRow(letter.id)).opened_at, null, 'GET opens it');
    });

    it('reads a letter id in any case, and a document position only without leading zeros', async () => {
      const letter = await seedLetter(t.platform, { pid, title: 'Brev med store bokstaver' });
      const b = await sessionBrowser('idporten-loa-substantial');
      const upper = letter.id.toUpperCase();
      assert.notEqual(upper, letter.id);
      const page = await b.request(`/digitalpost/brev/${upper}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Brev med store bokstaver/);
      assert.match(page.body, new RegExp(`href="/digitalpost/brev/${letter.id}/dokument/0"`), 'links use the canonical id');
      const doc = await b.request(`/digitalpost/brev/${upper}/dokument/0`);
      assert.equal(doc.statusCode, 200);
      assert.equal(doc.headers['content-type'], 'application/pdf');
      for (const position of ['00', '01', '000000']) {
        const res = await b.request(`/digitalpost/brev/${letter.id}/dokument/${position}`);
        assert.equal(res.statusCode, 404, position);
      }
    });

    it('serves a PDF inline with its type, nosniff and a file name; ?last-ned=1 as an attachment with filename* in UTF-8', async () => {
      const pdf = await makePdf('Årsoppgave');
      const letter = await seedLetter(t.platform, { pid, documents: [{ filename: 'Årsoppgave 2025.pdf', mimeType: 'application/pdf', content: pdf }] });
      const res = await browser.request(`/digitalpost/brev/${letter.id}/dokument/0`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.equal(res.headers['content-disposition'], `inline; filename="_rsoppgave 2025.pdf"; filename*=UTF-8''%C3%85rsoppgave%202025.pdf`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(String(res.headers['content-security-policy']), /^default-src 'none'; object-src 'self';/);
      assert.doesNotMatch(String(res.headers['content-security-policy']), /sandbox/, 'browsers’ PDF viewers do not run in a sandbox');
      assert.match(String(res.headers['cache-control']), /no-store/);
      assert.deepEqual(new Uint8Array(res.rawPayload), pdf);
      const down = await browser.request(`/digitalpost/brev/${letter.id}/dokument/0?last-ned=1`);
      assert.equal(down.headers['content-disposition'], `attachment; filename="_rsoppgave 2025.pdf"; filename*=UTF-8''%C3%85rsoppgave%202025.pdf`);
      assert.ok((await letterRow(letter.id)).opened_at !== null, 'opening a document opens the letter');
      const missing = await browser.request(`/digitalpost/brev/${letter.id}/dokument/7`);
      assert.equal(missing.statusCode, 404);
      assert.match(missing.body, /data-error-code="DIGITALPOST_DOCUMENT_NOT_FOUND"/);
    });

    it('serves an HTML document in a CSP sandbox (no scripts, nothing loaded), and an unknown type only as an attachment', async () => {
      const letter = await seedLetter(t.platform, {
        pid,
        documents: [
          { filename: 'brev.html', mimeType: 'text/html', content: Buffer.from('<p>Hei</p><script>alert(1)</script>') },
          { filename: 'data.bin', mimeType: 'application/x-unknown', content: Buffer.from([1, 2, 3]) },
          { filename: 'rar.txt', mimeType: 'text/html"><script>', content: Buffer.from('x') },
        ],
      });
      const res = await browser.request(`/digitalpost/brev/${letter.id}/dokument/0`);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /^sandbox;/);
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /allow-scripts|allow-same-origin/);
      assert.match(String(res.headers['content-disposition']), /^inline;/);
      const bin = await browser.request(`/digitalpost/brev/${letter.id}/dokument/1`);
      assert.match(String(bin.headers['content-disposition']), /^attachment; filename="data.bin"/);
      const odd = await browser.request(`/digitalpost/brev/${letter.id}/dokument/2`);
      assert.equal(odd.headers['content-type'], 'application/octet-stream');
      assert.match(String(odd.headers['content-disposition']), /^attachment;/);
    });

    it('asks before opening a letter with an opening receipt: no documents, no receipt, and its documents wait for the consent', async () => {
      const letter = await seedLetter(t.platform, { pid, title: 'Innkalling til møte', aapningskvittering: true });
      const res = await browser.request(`/digitalpost/brev/${letter.id}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /data-consent/);
      assert.match(res.body, new RegExp(`<form method="post" action="/digitalpost/brev/${letter.id}/aapne" data-form="aapne">`));
      assert.doesNotMatch(res.body, /data-documents/);
      const doc = await browser.request(`/digitalpost/brev/${letter.id}/dokument/0`);
      assert.equal(doc.statusCode, 303);
      assert.equal(doc.headers.location, `/digitalpost/brev/${letter.id}`);
      assert.equal((await letterRow(letter.id)).opened_at, null);
      assert.deepEqual(await receiptsOf(letter.message_id), []);
    });

    it('refuses the consent form without the session’s CSRF token with 403 DIGITALPOST_CSRF_MISMATCH, changing nothing', async () => {
      const letter = await seedLetter(t.platform, { pid, aapningskvittering: true });
      for (const form of [{}, { csrf: 'forged' }] as Array<Record<string, string>>) {
        const res = await browser.request(`/digitalpost/brev/${letter.id}/aapne`, form);
        assert.equal(res.statusCode, 403);
        assert.match(res.body, /data-error-code="DIGITALPOST_CSRF_MISMATCH"/);
      }
      assert.equal((await letterRow(letter.id)).opened_at, null);
      assert.deepEqual(await receiptsOf(letter.message_id), []);
    });

    it('opens on consent and sends the aapningskvittering exactly once, also when two tabs post at once', async () => {
      const letter = await seedLetter(t.platform, { pid, aapningskvittering: true, eformidlingMessageId: '11111111-1111-4111-8111-111111111111' });
      const page = (await browser.request(`/digitalpost/brev/${letter.id}`)).body;
      const csrf = formField(page, 'csrf');
      const [a, b] = await Promise.all([browser.request(`/digitalpost/brev/${letter.id}/aapne`, { csrf }), browser.request(`/digitalpost/brev/${letter.id}/aapne`, { csrf })]);
      for (const res of [a, b]) {
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, `/digitalpost/brev/${letter.id}`);
      }
      const receipts = await receiptsOf(letter.message_id);
      assert.equal(receipts.length, 1);
      const r = receipts[0]!;
      assert.equal(r.type, 'aapningskvittering');
      assert.equal(r.issuer_orgnr, POSTEN_BRING_ORGNR);
      assert.equal(r.receiver_orgnr, NAV_ORGNR);
      assert.equal(r.conversation_id, letter.conversation_id);
      const sbd = JSON.parse(Buffer.from(r.forretningsmelding.split('.')[1]!, 'base64url').toString()).standardBusinessDocument;
      assert.equal(sbd.standardBusinessDocumentHeader.documentIdentification.type, 'aapningskvittering');
      assert.ok(sbd.aapningskvittering.tidspunkt);
      const jobs = await t.platform.jobs.list({ queue: RECEIPT_QUEUE });
      assert.deepEqual(jobs.map((j) => (j.payload as { receiptId: string }).receiptId), [r.message_id]);
      const opened = await browser.request(`/digitalpost/brev/${letter.id}`);
      assert.match(opened.body, /data-documents/);
      assert.doesNotMatch(opened.body, /data-consent/);
      await browser.request(`/digitalpost/brev/${letter.id}/dokument/0`);
      assert.equal((await receiptsOf(letter.message_id)).length, 1, 'reading again sends nothing');
    });

    it('opens a letter once however many openings race (openLetter)', async () => {
      const letter = await seedLetter(t.platform, { pid, aapningskvittering: true });
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => openLetter(t.platform, letter, Date.now() + i)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await receiptsOf(letter.message_id)).length, 1);
    });

    it('does not open another person’s letter or a level-4 letter at substantial through the consent form', async () => {
      const foreign = await seedLetter(t.platform, { pid: otherPid, aapningskvittering: true });
      const high = await seedLetter(t.platform, { pid, aapningskvittering: true, sikkerhetsnivaa: 4 });
      const low = await sessionBrowser('idporten-loa-substantial');
      const csrf = formField((await low.request('/digitalpost')).body, 'csrf');
      const a = await low.request(`/digitalpost/brev/${foreign.id}/aapne`, { csrf });
      assert.equal(a.statusCode, 404);
      const b = await low.request(`/digitalpost/brev/${high.id}/aapne`, { csrf });
      assert.equal(b.statusCode, 303);
      for (const l of [foreign, high]) {
        assert.equal((await letterRow(l.id)).opened_at, null);
        assert.deepEqual(await receiptsOf(l.message_id), []);
      }
    });

    it('shows the pages in nynorsk and English too', async () => {
      const b = await sessionBrowser('idporten-loa-substantial');
      assert.match((await b.request('/digitalpost?lang=nn')).body, /<html lang="nn"[\s\S]*Brev frå det offentlege til deg/);
      assert.match((await b.request('/digitalpost?lang=en')).body, /<html lang="en"[\s\S]*Letters from public bodies to you/);
    });

    it('pages an inbox of more than 50 letters', async () => {
      const many = (await t.platform.db.kysely.selectFrom('registers_persons').select('pid').orderBy('pid').offset(2).limit(1).executeTakeFirstOrThrow()) as { pid: string };
      const now = Date.now();
      for (let i = 0; i < 52; i++) await seedLetter(t.platform, { pid: many.pid, title: `Brev ${i}`, visibleFrom: now - (i + 1) * 1000, documents: [] });
      const b = await sessionBrowser('idporten-loa-substantial', many.pid);
      const first = (await b.request('/digitalpost')).body;
      assert.equal([...first.matchAll(/<tr data-letter=/g)].length, 50);
      assert.match(first, />Brev 0</);
      assert.match(first, /href="\/digitalpost\?side=2" rel="next"/);
      const second = (await b.request('/digitalpost?side=2')).body;
      assert.deepEqual([...second.matchAll(/data-letter-link lang="no">(Brev \d+)</g)].map((m) => m[1]), ['Brev 50', 'Brev 51']);
    });

    it('ends the sessions of an ID-porten sid on front-channel logout (with ID-porten as iss only)', async () => {
      const value = await createRpSession({ db: t.platform.db.kysely, prefix: PAGES_TABLES }, { pid, acr: 'idporten-loa-high', idToken: 'x', sid: 'sid-dp', gotoUrl: null }, Date.now());
      const sessions = () => t.platform.db.kysely.selectFrom('digitalpost_pages_sessions').select('id').where('id', '=', cookieKey(value)).execute();
      await t.app.inject({ method: 'GET', url: `/digitalpost/frontchannel-logout?iss=${encodeURIComponent('https://evil.example.com')}&sid=sid-dp` });
      assert.equal((await sessions()).length, 1);
      const res = await t.app.inject({ method: 'GET', url: `/digitalpost/frontchannel-logout?iss=${encodeURIComponent(`${PUBLIC_URL}/idporten`)}&sid=sid-dp` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-security-policy'], `default-src 'none'; frame-ancestors ${PUBLIC_URL}`);
      assert.equal((await sessions()).length, 0);
    });

    it('answers the callback without a login under way in this browser with 400 DIGITALPOST_LOGIN_FAILED', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/digitalpost/callback?code=x&state=y' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /data-error-code="DIGITALPOST_LOGIN_FAILED"/);
    });

    it('logs out through ID-porten’s end session; the session is gone and the pages ask for a login again', async () => {
      const csrf = formField((await browser.request('/digitalpost')).body, 'csrf');
      const forged = await browser.request('/digitalpost/logg-ut', { csrf: 'forged' });
      assert.equal(forged.statusCode, 403);
      const res = await browser.request('/digitalpost/logg-ut', { csrf });
      assert.equal(res.statusCode, 303);
      const target = new URL(String(res.headers.location));
      assert.equal(`${target.origin}${target.pathname}`, `${PUBLIC_URL}/idporten/logout`);
      assert.equal(target.searchParams.get('post_logout_redirect_uri'), `${PUBLIC_URL}/digitalpost/logget-ut`);
      assert.ok(target.searchParams.get('id_token_hint'));
      assert.equal(browser.cookies.has(SESSION_COOKIE), false);
      const rows = await t.platform.db.kysely.selectFrom('digitalpost_pages_sessions').select('pid').where('acr', '=', 'idporten-loa-high').where('sid', 'is not', null).execute();
      assert.deepEqual(rows, []);
      const logoutPage = await browser.follow(target.href);
      assert.match(logoutPage.res.body, /<iframe[^>]+src="http:\/\/localhost:8080\/digitalpost\/frontchannel-logout\?iss=/);
      assert.match((await browser.request('/digitalpost/logget-ut')).body, /Du er logget ut/);
      const again = await browser.request('/digitalpost');
      assert.equal(again.statusCode, 303);
      assert.equal(again.headers.location, '/digitalpost/logg-inn');
    });
  });
}
