import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runMigrations } from '../../../platform/db/migrations.ts';
import { testEngines } from '../../../platform/db/testing.ts';
import { AppError } from '../../../platform/errors.ts';
import { createRng, generateFodselsnummer } from '../../../platform/identifiers/index.ts';
import { createTestPlatform, type TestPlatform } from '../../../../test/helpers/platform.ts';
import { idportenMigrations } from '../../store/migrations.ts';
import { findMinidAccountRow } from '../../store/minid-store.ts';
import {
  changeMinidPassword,
  checkMinidPassword,
  createMinidAccount,
  findMinidAccount,
  MINID_LOCK_DURATION_MS,
  MINID_MAX_FAILED_ATTEMPTS,
  type MinidSettings,
} from './accounts.ts';

/** Cheap Argon2id parameters for tests (the rules do not depend on the cost). */
const FAST: MinidSettings = { argon2: { memoryKiB: 64, passes: 1, parallelism: 1 } };
const PID = generateFodselsnummer(createRng('minid-accounts'), { birthDate: '1990-05-17' });
const OTHER_PID = generateFodselsnummer(createRng('minid-accounts-other'), { birthDate: '1985-01-02' });
const PASSWORD = 'Passord123';
const T0 = 1_750_000_000_000;

async function accountCount(tp: TestPlatform): Promise<number> {
  const row = await tp.db.kysely.selectFrom('idporten_minid_accounts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number((row as { n: unknown }).n);
}

for (const engine of testEngines()) {
  describe(`MinID accounts on ${engine}`, () => {
    let tp: TestPlatform;
    beforeEach(async () => {
      tp = await createTestPlatform(engine);
      await runMigrations(tp.db, [{ component: 'idporten', migrations: idportenMigrations }]);
      await createMinidAccount(tp.db, { pid: PID, password: PASSWORD, mobile: '912 34 567' }, FAST, T0);
    });
    afterEach(() => tp.close());

    it('creates an account with a normalised mobile, an Argon2id hash and no failures', async () => {
      const row = await findMinidAccountRow(tp.db, PID);
      assert.equal(row?.mobile, '+4791234567');
      assert.match(row!.password_hash, /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
      assert.equal(row!.failed_attempts, 0);
      assert.equal(row!.locked_until, null);
      assert.equal(row!.totp_secret, null);
      assert.deepEqual(await findMinidAccount(tp.db, PID), { pid: PID, mobile: '+4791234567', totp: false, failedAttempts: 0, lockedUntil: null, createdAt: T0, updatedAt: T0 });
    });

    it('rejects an invalid account with IDPORTEN_MINID_INVALID_ACCOUNT listing every problem, and writes nothing', async () => {
      await assert.rejects(
        createMinidAccount(tp.db, { pid: '12345678901', password: 'kort', mobile: '1234' }, FAST),
        (err: AppError) => {
          assert.equal(err.code, 'IDPORTEN_MINID_INVALID_ACCOUNT');
          assert.equal(err.status, 400);
          assert.deepEqual(err.extra?.problems, [
            { field: 'pid', problem: 'invalid' },
            { field: 'password', problem: 'too_short' },
            { field: 'password', problem: 'digit' },
            { field: 'mobile', problem: 'invalid' },
          ]);
          return true;
        },
      );
      assert.equal(await accountCount(tp), 1);
    });

    it('rejects a second account for the same person with IDPORTEN_MINID_ACCOUNT_EXISTS and keeps the first', async () => {
      const before = await findMinidAccountRow(tp.db, PID);
      await assert.rejects(createMinidAccount(tp.db, { pid: PID, password: 'Annet1234', mobile: '98765432' }, FAST), { code: 'IDPORTEN_MINID_ACCOUNT_EXISTS', status: 409 });
      assert.deepEqual(await findMinidAccountRow(tp.db, PID), before);
    });

    it('accepts the right password without clearing earlier failures', async () => {
      assert.equal((await checkMinidPassword(tp.db, PID, 'feil123456', FAST, T0)).ok, false);
      const check = await checkMinidPassword(tp.db, PID, PASSWORD, FAST, T0);
      assert.equal(check.ok, true);
      assert.equal((await findMinidAccountRow(tp.db, PID))!.failed_attempts, 1);
    });

    it(`locks the account for one hour at the ${MINID_MAX_FAILED_ATTEMPTS}th wrong password, rejects even the right password then, and lets it in after`, async () => {
      for (let i = 1; i < MINID_MAX_FAILED_ATTEMPTS; i++) {
        assert.deepEqual(await checkMinidPassword(tp.db, PID, `feil${i}passord`, FAST, T0), { ok: false });
        assert.equal((await findMinidAccountRow(tp.db, PID))!.failed_attempts, i);
      }
      assert.deepEqual(await checkMinidPassword(tp.db, PID, 'feil5passord', FAST, T0), { ok: false });
      let row = await findMinidAccountRow(tp.db, PID);
      assert.equal(row!.locked_until, T0 + MINID_LOCK_DURATION_MS);
      assert.equal(row!.failed_attempts, 0);
      assert.deepEqual(await checkMinidPassword(tp.db, PID, PASSWORD, FAST, T0 + MINID_LOCK_DURATION_MS - 1), { ok: false });
      row = await findMinidAccountRow(tp.db, PID);
      assert.equal(row!.failed_attempts, 0, 'attempts while locked are not counted');
      assert.equal((await checkMinidPassword(tp.db, PID, PASSWORD, FAST, T0 + MINID_LOCK_DURATION_MS)).ok, true);
    });

    it('answers an unknown person like a wrong password and writes nothing', async () => {
      const before = await findMinidAccountRow(tp.db, PID);
      assert.deepEqual(await checkMinidPassword(tp.db, OTHER_PID, PASSWORD, FAST, T0), { ok: false });
      assert.deepEqual(await findMinidAccountRow(tp.db, PID), before);
      assert.equal(await accountCount(tp), 1);
    });

    it('re-hashes with the current parameters at a successful password check', async () => {
      const slower: MinidSettings = { argon2: { memoryKiB: 128, passes: 1, parallelism: 1 } };
      assert.equal((await checkMinidPassword(tp.db, PID, PASSWORD, slower, T0)).ok, true);
      assert.match((await findMinidAccountRow(tp.db, PID))!.password_hash, /^\$argon2id\$v=19\$m=128,t=1,p=1\$/);
      assert.equal((await checkMinidPassword(tp.db, PID, PASSWORD, slower, T0)).ok, true);
    });

    it('changes the password with the right old one; a policy breach is refused before anything is counted', async () => {
      const before = await findMinidAccountRow(tp.db, PID);
      assert.deepEqual(await changeMinidPassword(tp.db, { pid: PID, oldPassword: PASSWORD, newPassword: 'kort1' }, FAST, T0), { ok: false, reason: 'policy', problems: ['too_short'] });
      assert.deepEqual(await findMinidAccountRow(tp.db, PID), before);
      assert.deepEqual(await changeMinidPassword(tp.db, { pid: PID, oldPassword: 'feil123456', newPassword: 'NyttPassord9' }, FAST, T0), { ok: false, reason: 'rejected' });
      assert.equal((await findMinidAccountRow(tp.db, PID))!.failed_attempts, 1);
      assert.deepEqual(await changeMinidPassword(tp.db, { pid: PID, oldPassword: PASSWORD, newPassword: 'NyttPassord9' }, FAST, T0), { ok: true });
      assert.equal((await checkMinidPassword(tp.db, PID, PASSWORD, FAST, T0)).ok, false);
      assert.equal((await checkMinidPassword(tp.db, PID, 'NyttPassord9', FAST, T0)).ok, true);
    });
  });
}
