/**
 * MinID end to end, over real HTTP: the method-choice page, password + SMS code (read from the
 * dev outbox) and password + authenticator-app logins through the provider with `openid-client`
 * as the relying party, every failure (wrong password, wrong/expired/reused code, locked
 * account, CSRF) with its exact page error and database state, and the account pages
 * (registration, password change, authenticator-app setup).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oc from 'openid-client';
import { testEngines } from '../../../platform/db/testing.ts';
import { createRng, generateFodselsnummer } from '../../../platform/identifiers/index.ts';
import { createIdportenClient, type IdportenClient } from '../../index.ts';
import {
  loginWithMinid,
  openLoginMethod,
  parseMinidPage,
  readOneTimeCode,
  startIdporten,
  TestBrowser,
  type RunningIdporten,
} from '../../testing/oidc-harness.ts';
import { createMinidAccount, MINID_LOCK_DURATION_MS, MINID_MAX_FAILED_ATTEMPTS } from '../../domain/minid/accounts.ts';
import { newTotpSecret, totpCode } from '../../domain/minid/totp.ts';
import { findMinidAccountRow, findMinidLogin } from '../../store/minid-store.ts';
import { minidTexts } from './minid-method.ts';
import { accountTexts, MINID_ACCOUNT_PATHS } from './minid-account-pages.ts';

const REDIRECT = 'http://localhost:9999/callback';
const PASSWORD = 'Passord123';
/** Cheap Argon2id for tests (the config variable exists for this). */
const FAST_ARGON2 = { MINID_ARGON2_MEMORY_KIB: '64', MINID_ARGON2_PASSES: '1' };

interface Rp {
  client: IdportenClient;
  config: oc.Configuration;
}

/** The error summary of a page (the part every failure's text is in). */
function errorSummaryOf(page: string): string {
  const summary = /<div class="ds-error-summary"[\s\S]*?<\/div>/.exec(page)?.[0];
  if (!summary) throw new Error(`no error summary on the page: ${page.slice(0, 300)}`);
  return summary;
}

/** Escapes text like the html tag does, to find a message in a page. */
function escaped(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

for (const engine of testEngines()) {
  describe(`MinID over HTTP on ${engine}`, () => {
    let server: RunningIdporten;
    let rp: Rp;
    /** Persons in Folkeregisteret: [0..3] get MinID accounts here, the rest are free. */
    let persons: string[];
    let mobileSeq = 0;
    const newMobile = () => `+479${String(1_000_000 + mobileSeq++).padStart(7, '0')}`;

    before(async () => {
      server = await startIdporten(engine, FAST_ARGON2);
      const client = await createIdportenClient(server.platform.db, { client_name: 'Testtjeneste', client_orgno: '991825827', redirect_uris: [REDIRECT] }, { mode: 'test' });
      const config = await oc.discovery(new URL(server.issuer), client.client_id, client.client_secret, oc.ClientSecretBasic(client.client_secret), {
        execute: [oc.allowInsecureRequests],
      });
      rp = { client, config };
      const rows = await server.db.kysely.selectFrom('registers_persons').select('pid').orderBy('pid').limit(12).execute();
      persons = rows.map((r) => (r as { pid: string }).pid);
    });
    after(async () => {
      await server?.close();
    });

    /** A MinID account for a person of the register, with a fresh mobile number. */
    async function account(index: number, extra: { totpSecret?: string } = {}) {
      const mobile = newMobile();
      const pid = persons[index]!;
      await createMinidAccount(server.platform.db, { pid, password: PASSWORD, mobile, ...extra }, { argon2: { memoryKiB: 64, passes: 1, parallelism: 1 } });
      return { pid, password: PASSWORD, mobile };
    }

    async function authorizationUrl(extra: Record<string, string> = {}) {
      const verifier = oc.randomPKCECodeVerifier();
      const state = oc.randomState();
      const nonce = oc.randomNonce();
      const url = oc.buildAuthorizationUrl(rp.config, {
        redirect_uri: REDIRECT,
        scope: 'openid',
        code_challenge: await oc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...extra,
      });
      return { url: url.href, verifier, state, nonce };
    }

    async function tokensFor(callback: URL, auth: { verifier: string; state: string; nonce: string }) {
      return oc.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
    }

    async function sessionCount(): Promise<number> {
      const row = await server.db.kysely
        .selectFrom('idporten_oidc_payloads')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('model', '=', 'Session')
        .executeTakeFirstOrThrow();
      return Number((row as { n: unknown }).n);
    }

    /** Opens the MinID password page of a new login. */
    async function openMinid(extra: Record<string, string> = {}) {
      const auth = await authorizationUrl(extra);
      const browser = new TestBrowser();
      const { page } = await openLoginMethod(browser, auth.url, server.base, 'minid');
      const form = parseMinidPage(page);
      return { browser, auth, form, url: `${server.base}${form.action}`, uid: form.action.split('/')[3]! };
    }

    /** Opens MinID and gets past the password: the code page's form. */
    async function toCodePage(acct: { pid: string; password: string }) {
      const opened = await openMinid();
      const res = await opened.browser.follow(opened.url, server.base, { form: { csrf: opened.form.csrf, pid: acct.pid, password: acct.password } });
      assert.equal(res.res?.status, 200);
      const page = await res.res!.text();
      return { ...opened, codePage: page, codeUrl: `${server.base}${parseMinidPage(page).action}` };
    }

    describe('the method-choice page', () => {
      it('lists MinID and TestID as "Velg elektronisk ID" in the language of ui_locales, not cached, with a CSRF-protected cancel', async () => {
        const { url } = await authorizationUrl({ ui_locales: 'en' });
        const start = await new TestBrowser().follow(url, server.base);
        assert.equal(start.res?.status, 200);
        assert.equal(start.res!.headers.get('cache-control'), 'no-store');
        const page = await start.res!.text();
        assert.match(page, /<html lang="en"/);
        assert.match(page, /<h1 class="ds-heading" data-size="lg">Choose your electronic ID<\/h1>/);
        assert.match(page, /You are logging in to <strong>Testtjeneste<\/strong>/);
        assert.match(page, /<a class="ds-card" href="\/idporten\/login\/[^"]+\/minid"[\s\S]*?<h2 class="ds-heading" data-size="sm">MinID<\/h2>[\s\S]*?Level of assurance: substantial/);
        assert.match(page, /<a class="ds-card" href="\/idporten\/login\/[^"]+\/testid"[\s\S]*?Level of assurance: substantial, high/);
        assert.match(page, /<form method="post" action="\/idporten\/login\/[^"]+\/avbryt">\s*<input type="hidden" name="csrf" value="[^"]+">/);
      });

      it('goes straight to TestID when the service asks for idporten-loa-high, which MinID cannot give', async () => {
        const { url } = await authorizationUrl({ acr_values: 'idporten-loa-high' });
        const start = await new TestBrowser().follow(url, server.base);
        const page = await start.res!.text();
        assert.doesNotMatch(page, /data-grunnmur-page="method-choice"/);
        assert.match(page, /<h1 class="ds-heading" data-size="lg">TestID<\/h1>/);
      });

      it('refuses the MinID page of a login that asks for idporten-loa-high with IDPORTEN_METHOD_UNAVAILABLE', async () => {
        const { url } = await authorizationUrl({ acr_values: 'idporten-loa-high' });
        const browser = new TestBrowser();
        const start = await browser.follow(url, server.base);
        const loginUid = /action="\/idporten\/login\/([^/"]+)\/testid"/.exec(await start.res!.text())?.[1];
        assert.ok(loginUid);
        const res = await browser.request(`${server.base}/idporten/login/${loginUid}/minid`);
        assert.equal(res.status, 404);
        assert.match(await res.text(), /<code>IDPORTEN_METHOD_UNAVAILABLE<\/code>/);
      });

      it('sends the user back to the service with error=access_denied on cancel', async () => {
        const auth = await authorizationUrl();
        const browser = new TestBrowser();
        const page = await (await browser.follow(auth.url, server.base)).res!.text();
        const action = /<form method="post" action="([^"]+\/avbryt)">/.exec(page)![1]!;
        const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
        const done = await browser.follow(`${server.base}${action}`, server.base, { form: { csrf } });
        assert.equal(`${done.redirectedTo!.origin}${done.redirectedTo!.pathname}`, REDIRECT);
        assert.equal(done.redirectedTo!.searchParams.get('error'), 'access_denied');
        assert.equal(done.redirectedTo!.searchParams.get('state'), auth.state);
      });
    });

    describe('login', () => {
      it('logs in with password and the SMS code from the outbox: pid, acr substantial, amr ["Minid-OTC"]', async () => {
        const acct = await account(0);
        const auth = await authorizationUrl();
        const { callback } = await loginWithMinid(new TestBrowser(), auth.url, server.base, acct);
        const claims = (await tokensFor(callback, auth)).claims()!;
        assert.equal(claims.pid, acct.pid);
        assert.equal(claims.acr, 'idporten-loa-substantial');
        assert.deepEqual(claims.amr, ['Minid-OTC']);
        assert.match(await readOneTimeCode(server.base, acct.mobile), /^\d{5}$/);
        assert.equal((await findMinidAccountRow(server.platform.db, acct.pid))!.failed_attempts, 0);
      });

      it('logs in with password and a code from the authenticator app: amr ["Minid-TOTP"], no SMS sent', async () => {
        const secret = newTotpSecret();
        const acct = await account(1, { totpSecret: secret });
        const auth = await authorizationUrl();
        const browser = new TestBrowser();
        const { callback } = await loginWithMinid(browser, auth.url, server.base, { ...acct, code: () => totpCode(secret, Date.now()) });
        const claims = (await tokensFor(callback, auth)).claims()!;
        assert.equal(claims.pid, acct.pid);
        assert.deepEqual(claims.amr, ['Minid-TOTP']);
        const sms = (await (await fetch(`${server.base}/outbox/api/messages?to=${encodeURIComponent(acct.mobile)}`)).json()) as { messages: unknown[] };
        assert.deepEqual(sms.messages, []);
      });

      it('gives byte-identical errors for an unknown person, a wrong password and a locked account, with no session and only the wrong password counted', async () => {
        const acct = await account(2);
        const unknown = generateFodselsnummer(createRng('minid-unknown'), { birthDate: '1960-03-03' });
        const { browser, form, url } = await openMinid();
        const sessions = await sessionCount();

        const post = async (pid: string, password: string) => {
          const res = await browser.request(url, { form: { csrf: form.csrf, pid, password } });
          assert.equal(res.status, 400);
          return (await res.text()).replaceAll(pid, 'PID');
        };
        const unknownPage = await post(unknown, PASSWORD);
        const wrongPage = await post(acct.pid, 'Feilpassord1');
        assert.equal(unknownPage, wrongPage);
        assert.ok(unknownPage.includes(escaped(minidTexts.rejected.nb)));
        assert.equal((await findMinidAccountRow(server.platform.db, acct.pid))!.failed_attempts, 1);

        for (let i = 2; i <= MINID_MAX_FAILED_ATTEMPTS; i++) await post(acct.pid, 'Feilpassord1');
        const locked = await findMinidAccountRow(server.platform.db, acct.pid);
        assert.ok(locked!.locked_until! > Date.now() + MINID_LOCK_DURATION_MS - 60_000);
        assert.equal(locked!.failed_attempts, 0);
        const lockedPage = await post(acct.pid, PASSWORD);
        assert.equal(lockedPage, wrongPage);
        assert.equal(errorSummaryOf(lockedPage), errorSummaryOf(unknownPage));
        assert.equal(await sessionCount(), sessions);
        assert.equal(await findMinidLogin(server.platform.db, form.action.split('/')[3]!), undefined);
      });

      it('shows "Feil kode" with the attempts left for a wrong code, and starts over at the third', async () => {
        const acct = await account(3);
        const { browser, codePage, codeUrl, uid } = await toCodePage(acct);
        const csrf = parseMinidPage(codePage).csrf;
        const right = await readOneTimeCode(server.base, acct.mobile);
        const wrong = right === '00000' ? '11111' : '00000';

        let res = await browser.request(codeUrl, { form: { csrf, code: wrong } });
        assert.equal(res.status, 400);
        assert.ok((await res.text()).includes(escaped(minidTexts.wrongCode.nb.replace('{n}', '2'))));
        assert.equal((await findMinidLogin(server.platform.db, uid))!.code_attempts, 1);
        assert.equal((await findMinidAccountRow(server.platform.db, acct.pid))!.failed_attempts, 1);

        res = await browser.request(codeUrl, { form: { csrf, code: wrong } });
        assert.ok((await res.text()).includes(escaped(minidTexts.wrongCode.nb.replace('{n}', '1'))));
        const sessions = await sessionCount();
        res = await browser.request(codeUrl, { form: { csrf, code: wrong } });
        assert.equal(res.status, 400);
        const page = await res.text();
        assert.ok(page.includes(escaped(minidTexts.restart.nb)));
        assert.match(page, /autocomplete="current-password"/, 'back on the password page');
        assert.equal(await findMinidLogin(server.platform.db, uid), undefined);
        assert.equal((await findMinidAccountRow(server.platform.db, acct.pid))!.failed_attempts, 3);

        res = await browser.request(codeUrl, { form: { csrf, code: right } });
        assert.equal(res.status, 400);
        assert.ok((await res.text()).includes(escaped(minidTexts.restart.nb)));
        assert.equal(await sessionCount(), sessions);
      });

      it('refuses an expired code with "Koden er utløpt" without counting it; a new code by SMS then logs in', async () => {
        const acct = { pid: persons[4]!, password: PASSWORD, mobile: newMobile() };
        await createMinidAccount(server.platform.db, acct, { argon2: { memoryKiB: 64, passes: 1, parallelism: 1 } });
        const { browser, codePage, codeUrl, uid } = await toCodePage(acct);
        const page = parseMinidPage(codePage);
        const code = await readOneTimeCode(server.base, acct.mobile);
        await server.db.kysely.updateTable('idporten_minid_logins').set({ code_expires_at: Date.now() - 1 }).where('uid', '=', uid).execute();

        const res = await browser.request(codeUrl, { form: { csrf: page.csrf, code } });
        assert.equal(res.status, 400);
        assert.ok((await res.text()).includes(escaped(minidTexts.expired.nb)));
        assert.equal((await findMinidLogin(server.platform.db, uid))!.code_attempts, 0);
        assert.equal((await findMinidAccountRow(server.platform.db, acct.pid))!.failed_attempts, 0);

        const resend = /<form method="post" action="([^"]+\/minid\/sms)">/.exec(codePage)![1]!;
        const again = await browser.follow(`${server.base}${resend}`, server.base, { form: { csrf: page.csrf } });
        assert.equal(again.res?.status, 200);
        const fresh = await readOneTimeCode(server.base, acct.mobile);
        const done = await browser.follow(codeUrl, server.base, { form: { csrf: page.csrf, code: fresh } });
        assert.ok(done.redirectedTo?.searchParams.get('code'));
      });

      it('refuses a code used once already (a second submission of the same form)', async () => {
        const acct = { pid: persons[5]!, password: PASSWORD, mobile: newMobile() };
        await createMinidAccount(server.platform.db, acct, { argon2: { memoryKiB: 64, passes: 1, parallelism: 1 } });
        const { browser, codePage, codeUrl, uid } = await toCodePage(acct);
        const csrf = parseMinidPage(codePage).csrf;
        const code = await readOneTimeCode(server.base, acct.mobile);
        const first = await browser.request(codeUrl, { form: { csrf, code } });
        assert.equal(first.status, 303);
        const usedAt = (await findMinidLogin(server.platform.db, uid))!.used_at;
        assert.equal(typeof usedAt, 'number');
        const second = await browser.request(codeUrl, { form: { csrf, code } });
        assert.equal(second.status, 400);
        assert.ok((await second.text()).includes(escaped(minidTexts.restart.nb)));
        assert.equal((await findMinidLogin(server.platform.db, uid))!.used_at, usedAt);
      });

      it('refuses a password form without this login\'s CSRF token with IDPORTEN_CSRF_MISMATCH, counting nothing', async () => {
        const acct = { pid: persons[6]!, password: PASSWORD, mobile: newMobile() };
        await createMinidAccount(server.platform.db, acct, { argon2: { memoryKiB: 64, passes: 1, parallelism: 1 } });
        const { browser, url } = await openMinid();
        const res = await browser.request(url, { form: { csrf: 'forged', pid: acct.pid, password: 'Feilpassord1' } });
        assert.equal(res.status, 403);
        assert.match(await res.text(), /<code>IDPORTEN_CSRF_MISMATCH<\/code>/);
        assert.equal((await findMinidAccountRow(server.platform.db, acct.pid))!.failed_attempts, 0);
      });
    });

    describe('account pages', () => {
      /** Opens an account page in a browser: its CSRF token. */
      async function openAccountPage(browser: TestBrowser, path: string): Promise<string> {
        const res = await browser.request(`${server.base}${path}`);
        assert.equal(res.status, 200);
        const cookie = res.headers.getSetCookie().find((c) => c.startsWith('_idporten_minid_csrf='));
        assert.match(cookie ?? '', /; Path=\/idporten\/minid; HttpOnly; SameSite=Strict$/);
        return /name="csrf" value="([^"]+)"/.exec(await res.text())![1]!;
      }

      it('registers a MinID for a person in Folkeregisteret (test mode), who can then log in', async () => {
        const browser = new TestBrowser();
        const csrf = await openAccountPage(browser, MINID_ACCOUNT_PATHS.register);
        const pid = persons[7]!;
        const mobile = newMobile();
        const url = `${server.base}${MINID_ACCOUNT_PATHS.register}`;
        const res = await browser.request(url, { form: { csrf, pid, password: PASSWORD, password2: PASSWORD, mobile } });
        assert.equal(res.status, 200);
        assert.ok((await res.text()).includes(escaped(accountTexts.created.nb)));
        assert.equal((await findMinidAccountRow(server.platform.db, pid))!.mobile, mobile);

        const again = await browser.request(url, { form: { csrf, pid, password: PASSWORD, password2: PASSWORD, mobile } });
        assert.equal(again.status, 409);
        assert.ok((await again.text()).includes(escaped(accountTexts.exists.nb)));

        const auth = await authorizationUrl();
        const { callback } = await loginWithMinid(new TestBrowser(), auth.url, server.base, { pid, password: PASSWORD, mobile });
        assert.equal((await tokensFor(callback, auth)).claims()!.pid, pid);
      });

      it('re-shows registration with every problem and writes nothing: invalid number, unknown person, weak or unmatched password, bad mobile', async () => {
        const browser = new TestBrowser();
        const csrf = await openAccountPage(browser, MINID_ACCOUNT_PATHS.register);
        const url = `${server.base}${MINID_ACCOUNT_PATHS.register}`;
        const count = async () => Number(((await server.db.kysely.selectFrom('idporten_minid_accounts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()) as { n: unknown }).n);
        const before = await count();
        let res = await browser.request(url, { form: { csrf, pid: '12345678901', password: 'kort', password2: 'annet', mobile: '123' } });
        assert.equal(res.status, 400);
        const summary = errorSummaryOf(await res.text());
        for (const text of [accountTexts.invalidPid, accountTexts.too_short, accountTexts.digit, accountTexts.mismatch, accountTexts.invalidMobile]) {
          assert.ok(summary.includes(escaped(text.nb)), text.nb);
        }
        const nobody = generateFodselsnummer(createRng('minid-nobody'), { birthDate: '1854-01-01' });
        res = await browser.request(url, { form: { csrf, pid: nobody, password: PASSWORD, password2: PASSWORD, mobile: newMobile() } });
        assert.equal(res.status, 400);
        assert.ok(errorSummaryOf(await res.text()).includes(escaped(accountTexts.unknownPid.nb)));
        assert.equal(await count(), before);
      });

      it('refuses an account form without the cookie\'s CSRF token with IDPORTEN_CSRF_MISMATCH and writes nothing', async () => {
        const pid = persons[8]!;
        const res = await new TestBrowser().request(`${server.base}${MINID_ACCOUNT_PATHS.register}`, {
          form: { csrf: 'forged', pid, password: PASSWORD, password2: PASSWORD, mobile: newMobile() },
        });
        assert.equal(res.status, 403);
        assert.match(await res.text(), /<code>IDPORTEN_CSRF_MISMATCH<\/code>/);
        assert.equal(await findMinidAccountRow(server.platform.db, pid), undefined);
      });

      it('changes the password with the old one; a wrong old password gets the login\'s kind of error and counts', async () => {
        const acct = { pid: persons[9]!, password: PASSWORD, mobile: newMobile() };
        await createMinidAccount(server.platform.db, acct, { argon2: { memoryKiB: 64, passes: 1, parallelism: 1 } });
        const browser = new TestBrowser();
        const csrf = await openAccountPage(browser, MINID_ACCOUNT_PATHS.password);
        const url = `${server.base}${MINID_ACCOUNT_PATHS.password}`;
        let res = await browser.request(url, { form: { csrf, pid: acct.pid, old_password: 'Feilpassord1', new_password: 'NyttPassord9', new_password2: 'NyttPassord9' } });
        assert.equal(res.status, 400);
        assert.ok(errorSummaryOf(await res.text()).includes(escaped(accountTexts.rejected.nb)));
        assert.equal((await findMinidAccountRow(server.platform.db, acct.pid))!.failed_attempts, 1);

        res = await browser.request(url, { form: { csrf, pid: acct.pid, old_password: PASSWORD, new_password: 'nydigits', new_password2: 'nydigits' } });
        assert.equal(res.status, 400);
        assert.ok(errorSummaryOf(await res.text()).includes(escaped(accountTexts.digit.nb)));

        res = await browser.request(url, { form: { csrf, pid: acct.pid, old_password: PASSWORD, new_password: 'NyttPassord9', new_password2: 'NyttPassord9' } });
        assert.equal(res.status, 200);
        assert.ok((await res.text()).includes(escaped(accountTexts.changed.nb)));
        const auth = await authorizationUrl();
        const { callback } = await loginWithMinid(new TestBrowser(), auth.url, server.base, { ...acct, password: 'NyttPassord9' });
        assert.equal((await tokensFor(callback, auth)).claims()!.pid, acct.pid);
      });

      it('sets up an authenticator app with the otpauth URI, a code from the app and the SMS code; the next login asks for the app', async () => {
        const acct = { pid: persons[10]!, password: PASSWORD, mobile: newMobile() };
        await createMinidAccount(server.platform.db, acct, { argon2: { memoryKiB: 64, passes: 1, parallelism: 1 } });
        const browser = new TestBrowser();
        const csrf = await openAccountPage(browser, MINID_ACCOUNT_PATHS.totp);
        const res = await browser.request(`${server.base}${MINID_ACCOUNT_PATHS.totp}`, { form: { csrf, pid: acct.pid, password: PASSWORD } });
        assert.equal(res.status, 200);
        const page = await res.text();
        const secret = /<code id="totp-secret">([A-Z2-7]+)<\/code>/.exec(page)![1]!;
        assert.match(page, new RegExp(`href="otpauth://totp/Grunnmur%20MinID\\?secret=${secret}&amp;issuer=Grunnmur%20MinID&amp;algorithm=SHA1&amp;digits=6&amp;period=30"`));
        const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
        const smsCode = await readOneTimeCode(server.base, acct.mobile);
        const confirmUrl = `${server.base}${MINID_ACCOUNT_PATHS.totpConfirm}`;

        const wrong = await browser.request(confirmUrl, { form: { csrf, token, app_code: totpCode(secret, Date.now()), sms_code: smsCode === '00000' ? '11111' : '00000' } });
        assert.equal(wrong.status, 400);
        assert.ok(errorSummaryOf(await wrong.text()).includes(escaped(accountTexts.wrongSmsCode.nb)));
        assert.equal((await findMinidAccountRow(server.platform.db, acct.pid))!.totp_secret, null);

        const ok = await browser.request(confirmUrl, { form: { csrf, token, app_code: totpCode(secret, Date.now()), sms_code: smsCode } });
        assert.equal(ok.status, 200);
        assert.ok((await ok.text()).includes(escaped(accountTexts.totpDone.nb)));
        assert.equal((await findMinidAccountRow(server.platform.db, acct.pid))!.totp_secret, secret);

        const { codePage } = await toCodePage(acct);
        assert.ok(codePage.includes(escaped(minidTexts.totpTitle.nb)));
      });
    });
  });
}
