import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runMigrations } from '../../../platform/db/migrations.ts';
import { testEngines } from '../../../platform/db/testing.ts';
import { createRng, generateFodselsnummer } from '../../../platform/identifiers/index.ts';
import { createTestPlatform, type TestPlatform } from '../../../../test/helpers/platform.ts';
import { idportenMigrations } from '../../store/migrations.ts';
import { findMinidAccountRow, findMinidLogin } from '../../store/minid-store.ts';
import { createMinidAccount, MINID_MAX_FAILED_ATTEMPTS, type MinidAccount, type MinidSettings } from './accounts.ts';
import {
  MINID_CODE_LIFETIME_MS,
  MINID_CODE_MAX_ATTEMPTS,
  oneTimeCodeHash,
  resendOneTimeCode,
  startSecondFactor,
  verifySecondFactor,
  type SecondFactorDeps,
} from './second-factor.ts';
import { newTotpSecret, totpCode } from './totp.ts';

const FAST: MinidSettings = { argon2: { memoryKiB: 64, passes: 1, parallelism: 1 } };
const PID = generateFodselsnummer(createRng('minid-2fa'), { birthDate: '1990-05-17' });
const TOTP_PID = generateFodselsnummer(createRng('minid-2fa-totp'), { birthDate: '1970-12-24' });
const MOBILE = '+4791234567';
const T0 = 1_750_000_000_000;

for (const engine of testEngines()) {
  describe(`MinID second factor on ${engine}`, () => {
    let tp: TestPlatform;
    let deps: SecondFactorDeps;
    let account: MinidAccount;
    let totpAccount: MinidAccount;
    const totpSecret = newTotpSecret();

    /** The codes sent by SMS to MOBILE, oldest first. */
    async function smsCodes(): Promise<string[]> {
      const messages = await tp.platform.outbox.list({ channel: 'sms', to: MOBILE });
      return messages.reverse().map((m) => /\b(\d{5})\b/.exec(m.text)![1]!);
    }

    beforeEach(async () => {
      tp = await createTestPlatform(engine);
      await runMigrations(tp.db, [{ component: 'idporten', migrations: idportenMigrations }]);
      deps = {
        db: tp.db,
        codeKey: 'test-code-key',
        sendSms: (msg, executor) => tp.platform.outbox.sendSms({ ...msg, component: 'idporten' }, executor),
      };
      account = await createMinidAccount(tp.db, { pid: PID, password: 'Passord123', mobile: MOBILE }, FAST, T0);
      totpAccount = await createMinidAccount(tp.db, { pid: TOTP_PID, password: 'Passord123', mobile: '+4798765432', totpSecret }, FAST, T0);
    });
    afterEach(() => tp.close());

    it('sends one 5-digit code by SMS, keeps only its HMAC bound to the login, and logs in once with amr Minid-OTC', async () => {
      const started = await startSecondFactor(deps, { uid: 'login-1', account, lang: 'nb' }, T0);
      assert.deepEqual(started, { factor: 'otc', maskedMobile: '+47 ••• •• •67' });
      const [code] = await smsCodes();
      assert.match(code!, /^\d{5}$/);
      const messages = await tp.platform.outbox.list({ channel: 'sms', to: MOBILE });
      assert.equal(messages.length, 1);
      assert.equal(messages[0]!.text, `Engangskoden din for MinID er ${code}. Den gjelder i 5 minutter. Ikke gi den til noen.`);
      const row = await findMinidLogin(tp.db, 'login-1');
      assert.equal(row!.code_hash, oneTimeCodeHash('test-code-key', 'login-1', code!));
      assert.ok(!row!.code_hash!.includes(code!));
      assert.equal(row!.code_expires_at, T0 + MINID_CODE_LIFETIME_MS);

      assert.deepEqual(await verifySecondFactor(deps, 'login-1', code!, T0 + 1000), { ok: true, pid: PID, amr: ['Minid-OTC'] });
      assert.equal((await findMinidLogin(tp.db, 'login-1'))!.used_at, T0 + 1000);
    });

    it('refuses a code used once already (restart) and changes nothing more', async () => {
      await startSecondFactor(deps, { uid: 'login-1', account, lang: 'nb' }, T0);
      const [code] = await smsCodes();
      assert.equal((await verifySecondFactor(deps, 'login-1', code!, T0)).ok, true);
      const before = await findMinidLogin(tp.db, 'login-1');
      assert.deepEqual(await verifySecondFactor(deps, 'login-1', code!, T0), { ok: false, reason: 'restart' });
      assert.deepEqual(await findMinidLogin(tp.db, 'login-1'), before);
      assert.equal((await findMinidAccountRow(tp.db, PID))!.failed_attempts, 0);
    });

    it('refuses the code of one login in another login', async () => {
      await startSecondFactor(deps, { uid: 'login-a', account, lang: 'nb' }, T0);
      const [codeA] = await smsCodes();
      await startSecondFactor(deps, { uid: 'login-b', account, lang: 'nb' }, T0);
      const [, codeB] = await smsCodes();
      if (codeA === codeB) return; // 1 in 100 000: the same digits are the right code for both
      assert.deepEqual(await verifySecondFactor(deps, 'login-b', codeA!, T0), { ok: false, reason: 'wrong', attemptsLeft: 2 });
    });

    it(`counts wrong codes in the login and on the account, and ends the login at the ${MINID_CODE_MAX_ATTEMPTS}rd`, async () => {
      await startSecondFactor(deps, { uid: 'login-1', account, lang: 'nb' }, T0);
      const [code] = await smsCodes();
      const wrong = code === '00000' ? '11111' : '00000';
      assert.deepEqual(await verifySecondFactor(deps, 'login-1', wrong, T0), { ok: false, reason: 'wrong', attemptsLeft: 2 });
      assert.equal((await findMinidLogin(tp.db, 'login-1'))!.code_attempts, 1);
      assert.equal((await findMinidAccountRow(tp.db, PID))!.failed_attempts, 1);
      assert.deepEqual(await verifySecondFactor(deps, 'login-1', wrong, T0), { ok: false, reason: 'wrong', attemptsLeft: 1 });
      assert.deepEqual(await verifySecondFactor(deps, 'login-1', wrong, T0), { ok: false, reason: 'restart' });
      assert.equal(await findMinidLogin(tp.db, 'login-1'), undefined);
      assert.equal((await findMinidAccountRow(tp.db, PID))!.failed_attempts, 3);
      assert.deepEqual(await verifySecondFactor(deps, 'login-1', code!, T0), { ok: false, reason: 'restart' });
    });

    it('refuses an expired code without counting it, and a new code by SMS works', async () => {
      await startSecondFactor(deps, { uid: 'login-1', account, lang: 'nb' }, T0);
      const [code] = await smsCodes();
      const late = T0 + MINID_CODE_LIFETIME_MS;
      assert.deepEqual(await verifySecondFactor(deps, 'login-1', code!, late), { ok: false, reason: 'expired' });
      assert.equal((await findMinidLogin(tp.db, 'login-1'))!.code_attempts, 0);
      assert.equal((await findMinidAccountRow(tp.db, PID))!.failed_attempts, 0);
      assert.equal(await resendOneTimeCode(deps, 'login-1', 'en', late), true);
      const [, fresh] = await smsCodes();
      if (fresh !== code) assert.deepEqual(await verifySecondFactor(deps, 'login-1', code!, late), { ok: false, reason: 'wrong', attemptsLeft: 2 });
      assert.deepEqual(await verifySecondFactor(deps, 'login-1', fresh!, late), { ok: true, pid: PID, amr: ['Minid-OTC'] });
    });

    it('clears the account failures after a complete login', async () => {
      await startSecondFactor(deps, { uid: 'login-1', account, lang: 'nb' }, T0);
      const [code] = await smsCodes();
      await verifySecondFactor(deps, 'login-1', code === '00000' ? '11111' : '00000', T0);
      assert.equal((await findMinidAccountRow(tp.db, PID))!.failed_attempts, 1);
      assert.equal((await verifySecondFactor(deps, 'login-1', code!, T0)).ok, true);
      assert.equal((await findMinidAccountRow(tp.db, PID))!.failed_attempts, 0);
    });

    it(`locks the account at the ${MINID_MAX_FAILED_ATTEMPTS}th wrong code across logins, and a locked account's login must restart`, async () => {
      for (const uid of ['l1', 'l2']) {
        await startSecondFactor(deps, { uid, account, lang: 'nb' }, T0);
      }
      const codes = await smsCodes();
      const wrong = (c: string) => (c === '00000' ? '11111' : '00000');
      await verifySecondFactor(deps, 'l1', wrong(codes[0]!), T0);
      await verifySecondFactor(deps, 'l1', wrong(codes[0]!), T0);
      await verifySecondFactor(deps, 'l1', wrong(codes[0]!), T0);
      await verifySecondFactor(deps, 'l2', wrong(codes[1]!), T0);
      assert.deepEqual(await verifySecondFactor(deps, 'l2', wrong(codes[1]!), T0), { ok: false, reason: 'wrong', attemptsLeft: 1 });
      assert.ok((await findMinidAccountRow(tp.db, PID))!.locked_until! > T0);
      assert.deepEqual(await verifySecondFactor(deps, 'l2', codes[1]!, T0), { ok: false, reason: 'restart' });
      assert.equal(await findMinidLogin(tp.db, 'l2'), undefined);
    });

    it('asks an account with an authenticator app for TOTP (no SMS), accepts the current code once with amr Minid-TOTP', async () => {
      assert.deepEqual(await startSecondFactor(deps, { uid: 'login-t', account: totpAccount, lang: 'nb' }, T0), { factor: 'totp', maskedMobile: '+47 ••• •• •32' });
      assert.deepEqual(await tp.platform.outbox.list({ channel: 'sms' }), []);
      const code = totpCode(totpSecret, T0);
      assert.deepEqual(await verifySecondFactor(deps, 'login-t', code, T0), { ok: true, pid: TOTP_PID, amr: ['Minid-TOTP'] });
      await startSecondFactor(deps, { uid: 'login-t2', account: totpAccount, lang: 'nb' }, T0);
      assert.deepEqual(await verifySecondFactor(deps, 'login-t2', code, T0 + 5000), { ok: false, reason: 'wrong', attemptsLeft: 2 });
    });

    it('lets an authenticator-app user switch to an SMS code', async () => {
      await startSecondFactor(deps, { uid: 'login-t', account: totpAccount, lang: 'nb' }, T0);
      assert.equal(await resendOneTimeCode(deps, 'login-t', 'nb', T0), true);
      const [message] = await tp.platform.outbox.list({ channel: 'sms', to: '+4798765432' });
      const code = /\b(\d{5})\b/.exec(message!.text)![1]!;
      assert.deepEqual(await verifySecondFactor(deps, 'login-t', code, T0), { ok: true, pid: TOTP_PID, amr: ['Minid-OTC'] });
    });

    it('refuses a code for a login that never passed the password step', async () => {
      assert.deepEqual(await verifySecondFactor(deps, 'no-such-login', '12345', T0), { ok: false, reason: 'restart' });
      assert.equal(await resendOneTimeCode(deps, 'no-such-login', 'nb', T0), false);
      assert.deepEqual(await tp.platform.outbox.list({ channel: 'sms' }), []);
    });
  });
}
