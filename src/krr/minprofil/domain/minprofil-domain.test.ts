/**
 * MinProfil's rules on both databases: each change (e-mail and mobile with a one-time code from
 * the outbox, confirm, reserve/withdraw, language), a person not in the register or deleted,
 * and every bad input named in issue #5 (wrong code, expired code, too many codes, invalid
 * e-mail, invalid Norwegian mobile, bad reservation/language, foreign gotoUrl) with its exact
 * error and an unchanged database.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPlatform, type TestPlatform } from '../../../../test/helpers/platform.ts';
import { AppError } from '../../../platform/errors.ts';
import { testEngines } from '../../../platform/db/testing.ts';
import { createRng, generateFodselsnummer } from '../../../platform/identifiers/index.ts';
import { krrComponent } from '../../index.ts';
import { freshnessCutoff } from '../../domain/varslingsstatus.ts';
import { insertPersons, krrDb } from '../../store/krr-store.ts';
import type { KrrPersonRow } from '../../store/tables.ts';
import { minprofilDb } from '../store/minprofil-store.ts';
import { normaliseEpostadresse, normaliseMobiltelefonnummer } from './contact-values.ts';
import { checkGotoUrl } from './goto-url.ts';
import { listLookupsForCitizen } from './lookups-view.ts';
import {
  CODE_LIFETIME_MS,
  MAX_CODES_PER_HOUR,
  MAX_WRONG_CODES,
  confirmContactChange,
  findPendingContactChange,
  confirmContactData,
  getProfile,
  requestContactChange,
  setReservasjon,
  setSpraak,
  type MinprofilDeps,
} from './profile.ts';
import { emptyPersonRow } from '../../domain/person-row.ts';

const NOW = Date.UTC(2026, 10, 30, 10, 0, 0, 0);
const DAY = 86_400_000;
const rng = createRng('minprofil-domain-test');
const newPid = (birthDate: string) => generateFodselsnummer(rng, { birthDate, type: 'FNR', synthetic: 'tenor' });

function row(personidentifikator: string, o: Partial<KrrPersonRow> = {}): KrrPersonRow {
  return {
    ...emptyPersonRow(personidentifikator, NOW - 30 * DAY),
    epostadresse: 'kari.nordmann@example.com',
    epostadresse_oppdatert: NOW - 30 * DAY,
    epostadresse_sist_verifisert: NOW - 20 * DAY,
    epostadresse_sist_validert: NOW - 30 * DAY,
    mobiltelefonnummer: '+4799887766',
    mobiltelefonnummer_oppdatert: NOW - 40 * DAY,
    mobiltelefonnummer_sist_verifisert: NOW - 20 * DAY,
    mobiltelefonnummer_duplisert: 1,
    spraak: 'nb',
    spraak_oppdatert: NOW - 100 * DAY,
    ...o,
  };
}

/** Asserts `promise` rejects with exactly this AppError code, status and message. */
async function rejectsWith(promise: Promise<unknown>, code: string, status: number, message?: string | RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

for (const engine of testEngines()) {
  describe(`MinProfil rules on ${engine}`, () => {
    let t: TestPlatform;
    let clock = NOW;
    let deps: MinprofilDeps;
    before(async () => {
      t = await createTestPlatform(engine, [krrComponent], { PUBLIC_URL: 'http://grunnmur.test', SEED_PERSONS: '0' });
      deps = { db: t.platform.db, outbox: t.platform.outbox, codeKey: 'test-code-key', now: () => clock };
    });
    after(() => t.close());
    beforeEach(() => {
      clock = NOW;
    });

    const personRow = async (pid: string) => {
      const r = await krrDb(t.platform.db).selectFrom('krr_persons').selectAll().where('personidentifikator', '=', pid).executeTakeFirst();
      return r ? { ...r } : undefined;
    };
    /** Everything a refused change must leave alone: the register, pending changes and the outbox. */
    const snapshot = async (pid: string) =>
      JSON.stringify({
        person: await personRow(pid),
        pending: await minprofilDb(t.platform.db).selectFrom('krr_minprofil_pending_changes').selectAll().where('personidentifikator', '=', pid).orderBy('kanal').execute(),
        outbox: (await t.platform.outbox.list({ limit: 1000 })).length,
      });
    const lastCode = async (to: string): Promise<string> => {
      const [message] = await t.platform.outbox.list({ to, limit: 1 });
      assert.ok(message, `no message to ${to}`);
      const code = /\b(\d{6})\b/.exec(message.text)?.[1];
      assert.ok(code, `no code in ${message.text}`);
      return code;
    };

    describe('changing the mobile number with a one-time code', () => {
      it('sends a 6-digit code by SMS to the new number and changes nothing before it is entered', async () => {
        const pid = newPid('1980-01-01');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        const before = await personRow(pid);
        const pending = await requestContactChange(deps, pid, 'mobil', '912 34 567');
        assert.deepEqual(pending, { kanal: 'mobil', verdi: '+4791234567', expiresAt: NOW + CODE_LIFETIME_MS });
        const [sms] = await t.platform.outbox.list({ to: '+4791234567' });
        assert.equal(sms!.channel, 'sms');
        assert.equal(sms!.component, 'krr');
        assert.match(sms!.text, /^\d{6} er engangskoden din/);
        assert.deepEqual(await personRow(pid), before);
      });

      it('sets the number with _oppdatert, _sist_validert and _sist_verifisert when the right code is entered', async () => {
        const pid = newPid('1980-01-02');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        await requestContactChange(deps, pid, 'mobil', '+4741234567');
        clock = NOW + 60_000;
        const profile = await confirmContactChange(deps, pid, 'mobil', ` ${await lastCode('+4741234567')} `);
        assert.equal(profile.mobil?.address, '+4741234567');
        const after = await personRow(pid);
        assert.deepEqual(after, {
          ...row(pid),
          mobiltelefonnummer: '+4741234567',
          mobiltelefonnummer_oppdatert: NOW + 60_000,
          mobiltelefonnummer_sist_validert: NOW + 60_000,
          mobiltelefonnummer_sist_verifisert: NOW + 60_000,
          mobiltelefonnummer_duplisert: 0,
          updated_at: NOW + 60_000,
        });
        // The code is spent: a second use finds no change waiting.
        await rejectsWith(confirmContactChange(deps, pid, 'mobil', await lastCode('+4741234567')), 'MINPROFIL_NO_PENDING_CHANGE', 409);
      });

      it('refuses a wrong code with MINPROFIL_CODE_WRONG and leaves the register unchanged', async () => {
        const pid = newPid('1980-01-03');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        await requestContactChange(deps, pid, 'mobil', '41111111');
        const code = await lastCode('+4741111111');
        const wrong = code === '000000' ? '000001' : '000000';
        const before = await personRow(pid);
        await rejectsWith(confirmContactChange(deps, pid, 'mobil', wrong), 'MINPROFIL_CODE_WRONG', 400, 'The code is wrong');
        await rejectsWith(confirmContactChange(deps, pid, 'mobil', 'abc'), 'MINPROFIL_CODE_WRONG', 400);
        assert.deepEqual(await personRow(pid), before);
        // The right code still works after fewer than the maximum wrong ones.
        await confirmContactChange(deps, pid, 'mobil', code);
        assert.equal((await personRow(pid))!.mobiltelefonnummer, '+4741111111');
      });

      it(`ends the change at the ${MAX_WRONG_CODES}th wrong code with MINPROFIL_TOO_MANY_ATTEMPTS; the right code no longer works`, async () => {
        const pid = newPid('1980-01-04');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        await requestContactChange(deps, pid, 'mobil', '42222222');
        const code = await lastCode('+4742222222');
        const wrong = code === '000000' ? '000001' : '000000';
        const before = await personRow(pid);
        for (let i = 1; i < MAX_WRONG_CODES; i++) await rejectsWith(confirmContactChange(deps, pid, 'mobil', wrong), 'MINPROFIL_CODE_WRONG', 400);
        await rejectsWith(confirmContactChange(deps, pid, 'mobil', wrong), 'MINPROFIL_TOO_MANY_ATTEMPTS', 429);
        await rejectsWith(confirmContactChange(deps, pid, 'mobil', code), 'MINPROFIL_NO_PENDING_CHANGE', 409);
        assert.deepEqual(await personRow(pid), before);
      });

      it('refuses an expired code with MINPROFIL_CODE_EXPIRED and changes nothing', async () => {
        const pid = newPid('1980-01-05');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        await requestContactChange(deps, pid, 'mobil', '43333333');
        const code = await lastCode('+4743333333');
        clock = NOW + CODE_LIFETIME_MS;
        const before = await snapshot(pid);
        await rejectsWith(confirmContactChange(deps, pid, 'mobil', code), 'MINPROFIL_CODE_EXPIRED', 400, 'The code has expired; ask for a new code');
        assert.equal(await snapshot(pid), before);
      });

      it('answers a code without a change waiting with MINPROFIL_NO_PENDING_CHANGE', async () => {
        const pid = newPid('1980-01-06');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        const before = await snapshot(pid);
        await rejectsWith(confirmContactChange(deps, pid, 'mobil', '123456'), 'MINPROFIL_NO_PENDING_CHANGE', 409);
        assert.equal(await snapshot(pid), before);
      });

      for (const bad of ['12345678', '+4612345678', '+47 3123 4567', '9123456', '912345678', '', 'nummer']) {
        it(`refuses ${JSON.stringify(bad)} with MINPROFIL_INVALID_MOBILTELEFONNUMMER, sending and writing nothing`, async () => {
          const pid = newPid('1980-01-07');
          const before = await snapshot(pid);
          await rejectsWith(requestContactChange(deps, pid, 'mobil', bad), 'MINPROFIL_INVALID_MOBILTELEFONNUMMER', 400, 'Not a Norwegian mobile number');
          assert.equal(await snapshot(pid), before);
        });
      }

      it('accepts the usual ways of writing a Norwegian mobile number', () => {
        for (const ok of ['91234567', '+4791234567', '+47 912 34 567', '0047 912-34-567', '41234567']) {
          assert.match(normaliseMobiltelefonnummer(ok), /^\+47[49]\d{7}$/);
        }
      });

      it('refuses the registered number with MINPROFIL_UNCHANGED_ADDRESS', async () => {
        const pid = newPid('1980-01-08');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        const before = await snapshot(pid);
        await rejectsWith(requestContactChange(deps, pid, 'mobil', '99887766'), 'MINPROFIL_UNCHANGED_ADDRESS', 400);
        assert.equal(await snapshot(pid), before);
      });

      it(`sends at most ${MAX_CODES_PER_HOUR} codes an hour per channel, then MINPROFIL_TOO_MANY_ATTEMPTS; a new hour opens again`, async () => {
        const pid = newPid('1980-01-09');
        for (let i = 0; i < MAX_CODES_PER_HOUR; i++) await requestContactChange(deps, pid, 'mobil', `4444444${i}`);
        const before = await snapshot(pid);
        await rejectsWith(requestContactChange(deps, pid, 'mobil', '45555555'), 'MINPROFIL_TOO_MANY_ATTEMPTS', 429);
        assert.equal(await snapshot(pid), before);
        clock = NOW + 3_600_001;
        await requestContactChange(deps, pid, 'mobil', '45555555');
        // The e-mail channel has its own count.
        clock = NOW;
        await requestContactChange(deps, pid, 'epost', 'ny@example.org');
      });
      it('keeps counting the codes sent when a change ends: too many wrong codes do not open the hour again', async () => {
        const pid = newPid('1980-01-10');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        for (let round = 0; round < MAX_CODES_PER_HOUR; round++) {
          await requestContactChange(deps, pid, 'mobil', `4666666${round}`);
          const code = await lastCode(`+474666666${round}`);
          const wrong = code === '000000' ? '000001' : '000000';
          for (let i = 1; i < MAX_WRONG_CODES; i++) await rejectsWith(confirmContactChange(deps, pid, 'mobil', wrong), 'MINPROFIL_CODE_WRONG', 400);
          await rejectsWith(confirmContactChange(deps, pid, 'mobil', wrong), 'MINPROFIL_TOO_MANY_ATTEMPTS', 429);
        }
        const before = await snapshot(pid);
        await rejectsWith(requestContactChange(deps, pid, 'mobil', '47777777'), 'MINPROFIL_TOO_MANY_ATTEMPTS', 429);
        assert.equal(await snapshot(pid), before);
      });

      it('keeps counting after a change is confirmed, and a used code cannot be used again', async () => {
        const pid = newPid('1980-01-11');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        await requestContactChange(deps, pid, 'mobil', '48888888');
        const code = await lastCode('+4748888888');
        await confirmContactChange(deps, pid, 'mobil', code);
        await rejectsWith(confirmContactChange(deps, pid, 'mobil', code), 'MINPROFIL_NO_PENDING_CHANGE', 409);
        assert.equal(await findPendingContactChange(t.platform.db, pid, 'mobil'), undefined);
        for (let i = 1; i < MAX_CODES_PER_HOUR; i++) await requestContactChange(deps, pid, 'mobil', `4999999${i}`);
        await rejectsWith(requestContactChange(deps, pid, 'mobil', '49999990'), 'MINPROFIL_TOO_MANY_ATTEMPTS', 429);
      });
    });

    describe('changing the e-mail address', () => {
      it('sends the code by e-mail to the new address and sets the address with its timestamps', async () => {
        const pid = newPid('1981-02-01');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        await requestContactChange(deps, pid, 'epost', '  Ola.Nordmann@EXAMPLE.org ', 'nn');
        const [mail] = await t.platform.outbox.list({ to: 'Ola.Nordmann@example.org' });
        assert.equal(mail!.channel, 'email');
        assert.equal(mail!.subject, 'Stadfest e-postadressa di');
        const code = /\b(\d{6})\b/.exec(mail!.text)![1]!;
        clock = NOW + 1000;
        await confirmContactChange(deps, pid, 'epost', code);
        const after = await personRow(pid);
        assert.equal(after!.epostadresse, 'Ola.Nordmann@example.org');
        assert.equal(Number(after!.epostadresse_oppdatert), NOW + 1000);
        assert.equal(Number(after!.epostadresse_sist_validert), NOW + 1000);
        assert.equal(Number(after!.epostadresse_sist_verifisert), NOW + 1000);
        assert.equal(after!.mobiltelefonnummer, '+4799887766', 'the other channel is untouched');
        assert.equal(Number(after!.mobiltelefonnummer_oppdatert), NOW - 40 * DAY);
      });

      for (const bad of ['ola@', 'ola.nordmann', '@example.org', 'ola nordmann@example.org', `${'a'.repeat(250)}@example.org`, '']) {
        it(`refuses ${JSON.stringify(bad.length > 40 ? `${bad.slice(0, 20)}…` : bad)} with MINPROFIL_INVALID_EPOSTADRESSE, sending and writing nothing`, async () => {
          const pid = newPid('1981-02-02');
          await insertPersons(krrDb(t.platform.db), [row(pid)]).catch(() => {});
          const before = await snapshot(pid);
          await rejectsWith(requestContactChange(deps, pid, 'epost', bad), 'MINPROFIL_INVALID_EPOSTADRESSE', 400, 'Not a valid e-mail address');
          assert.equal(await snapshot(pid), before);
        });
      }

      it('normalises the domain to lower case', () => {
        assert.equal(normaliseEpostadresse(' Kari@Example.NO '), 'Kari@example.no');
      });
    });

    describe('a person not in the register, or deleted', () => {
      it('registers a person without a row (IKKE_REGISTRERT) as AKTIV when the first contact data is saved', async () => {
        const pid = newPid('1990-03-01');
        assert.equal((await getProfile(t.platform.db, pid, NOW)).status, 'IKKE_REGISTRERT');
        await requestContactChange(deps, pid, 'mobil', '46666666');
        assert.equal(await personRow(pid), undefined, 'no row before the code');
        await confirmContactChange(deps, pid, 'mobil', await lastCode('+4746666666'));
        const r = await personRow(pid);
        assert.equal(r!.status, 'AKTIV');
        assert.equal(r!.reservasjon, 'NEI');
        assert.equal(r!.mobiltelefonnummer, '+4746666666');
        assert.equal(r!.epostadresse, null);
        assert.equal(r!.postkasseadresse, null);
        const profile = await getProfile(t.platform.db, pid, NOW);
        assert.equal(profile.status, 'AKTIV');
        assert.equal(profile.stale, false);
      });

      it('registers a SLETTET person again as AKTIV with an empty entry', async () => {
        const pid = newPid('1990-03-02');
        await insertPersons(krrDb(t.platform.db), [row(pid, { status: 'SLETTET', postkasseadresse: 'x#1', postkasseleverandoeradresse: '984661185' })]);
        assert.equal((await getProfile(t.platform.db, pid, NOW)).epost, null, 'SLETTET shows no contact data');
        await setSpraak(deps, pid, 'nn');
        const r = await personRow(pid);
        assert.equal(r!.status, 'AKTIV');
        assert.equal(r!.spraak, 'nn');
        assert.equal(r!.epostadresse, null);
        assert.equal(r!.mobiltelefonnummer, null);
        assert.equal(r!.postkasseadresse, null);
      });

      it('has nothing to confirm for a person without a row: MINPROFIL_NOTHING_TO_CONFIRM, and no row is made', async () => {
        const pid = newPid('1990-03-03');
        await rejectsWith(confirmContactData(deps, pid), 'MINPROFIL_NOTHING_TO_CONFIRM', 409);
        assert.equal(await personRow(pid), undefined);
      });

      it('saves nothing when a person without a row withdraws a reservation they do not have', async () => {
        const pid = newPid('1990-03-04');
        const profile = await setReservasjon(deps, pid, 'NEI');
        assert.equal(profile.status, 'IKKE_REGISTRERT');
        assert.equal(await personRow(pid), undefined);
      });
    });

    describe('confirming, reserving and language', () => {
      it('confirm sets _sist_verifisert on both channels and nothing else', async () => {
        const pid = newPid('1982-04-01');
        await insertPersons(krrDb(t.platform.db), [row(pid, { epostadresse_oppdatert: NOW - 800 * DAY, epostadresse_sist_verifisert: NOW - 800 * DAY, mobiltelefonnummer_oppdatert: NOW - 700 * DAY, mobiltelefonnummer_sist_verifisert: null })]);
        assert.equal((await getProfile(t.platform.db, pid, NOW)).stale, true);
        clock = NOW + 5;
        const profile = await confirmContactData(deps, pid);
        assert.equal(profile.stale, false);
        assert.deepEqual(await personRow(pid), {
          ...row(pid, { epostadresse_oppdatert: NOW - 800 * DAY, mobiltelefonnummer_oppdatert: NOW - 700 * DAY }),
          epostadresse_sist_verifisert: NOW + 5,
          mobiltelefonnummer_sist_verifisert: NOW + 5,
          updated_at: NOW + 5,
        });
      });

      it('confirm touches only the channel that has an address', async () => {
        const pid = newPid('1982-04-02');
        await insertPersons(krrDb(t.platform.db), [row(pid, { epostadresse: null, epostadresse_oppdatert: null, epostadresse_sist_verifisert: null, epostadresse_sist_validert: null })]);
        await confirmContactData(deps, pid);
        const r = await personRow(pid);
        assert.equal(r!.epostadresse_sist_verifisert, null);
        assert.equal(Number(r!.mobiltelefonnummer_sist_verifisert), NOW);
      });

      it('reserves (JA with reservasjonstidspunkt and reservasjon_oppdatert) and withdraws (NEI clears the time)', async () => {
        const pid = newPid('1982-04-03');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        await setReservasjon(deps, pid, 'JA');
        let r = await personRow(pid);
        assert.equal(r!.reservasjon, 'JA');
        assert.equal(Number(r!.reservasjonstidspunkt), NOW);
        assert.equal(Number(r!.reservasjon_oppdatert), NOW);
        // The same choice again changes nothing.
        clock = NOW + 10;
        await setReservasjon(deps, pid, 'JA');
        assert.equal(Number((await personRow(pid))!.reservasjon_oppdatert), NOW);
        clock = NOW + 20;
        await setReservasjon(deps, pid, 'NEI');
        r = await personRow(pid);
        assert.equal(r!.reservasjon, 'NEI');
        assert.equal(r!.reservasjonstidspunkt, null);
        assert.equal(Number(r!.reservasjon_oppdatert), NOW + 20);
      });

      for (const bad of ['ja', 'YES', '', undefined, 1]) {
        it(`refuses reservasjon ${JSON.stringify(bad)} with MINPROFIL_INVALID_RESERVASJON and changes nothing`, async () => {
          const pid = newPid('1982-04-04');
          await insertPersons(krrDb(t.platform.db), [row(pid)]).catch(() => {});
          const before = await snapshot(pid);
          await rejectsWith(setReservasjon(deps, pid, bad), 'MINPROFIL_INVALID_RESERVASJON', 400, 'reservasjon must be JA or NEI');
          assert.equal(await snapshot(pid), before);
        });
      }

      it('sets spraak with spraak_oppdatert', async () => {
        const pid = newPid('1982-04-05');
        await insertPersons(krrDb(t.platform.db), [row(pid)]);
        clock = NOW + 7;
        await setSpraak(deps, pid, 'se');
        const r = await personRow(pid);
        assert.equal(r!.spraak, 'se');
        assert.equal(Number(r!.spraak_oppdatert), NOW + 7);
      });

      for (const bad of ['sv', 'NB', '', null]) {
        it(`refuses spraak ${JSON.stringify(bad)} with MINPROFIL_INVALID_SPRAAK and changes nothing`, async () => {
          const pid = newPid('1982-04-06');
          await insertPersons(krrDb(t.platform.db), [row(pid)]).catch(() => {});
          const before = await snapshot(pid);
          await rejectsWith(setSpraak(deps, pid, bad), 'MINPROFIL_INVALID_SPRAAK', 400, 'spraak must be one of nb, nn, en, se');
          assert.equal(await snapshot(pid), before);
        });
      }
    });

    describe('the overview', () => {
      it('flags each channel older than 18 months (neither _oppdatert nor _sist_verifisert at or after the cut-off)', async () => {
        const cutoff = freshnessCutoff(NOW);
        const pid = newPid('1983-05-01');
        await insertPersons(krrDb(t.platform.db), [
          row(pid, { epostadresse_oppdatert: cutoff, epostadresse_sist_verifisert: null, mobiltelefonnummer_oppdatert: cutoff - 1, mobiltelefonnummer_sist_verifisert: cutoff - 1 }),
        ]);
        const p = await getProfile(t.platform.db, pid, NOW);
        assert.equal(p.epost!.stale, false);
        assert.equal(p.mobil!.stale, true);
        assert.equal(p.stale, true);
      });

      it('shows the mailbox with its provider name', async () => {
        const pid = newPid('1983-05-02');
        await insertPersons(krrDb(t.platform.db), [row(pid, { postkasseadresse: 'kari#AB12', postkasseleverandoeradresse: '984661185' })]);
        const p = await getProfile(t.platform.db, pid, NOW);
        assert.deepEqual(p.postkasse, { adresse: 'kari#AB12', leverandoerOrgnr: '984661185', leverandoerNavn: 'POSTEN BRING AS' });
      });

      it('lists the lookups of the person, newest first, with names where known', async () => {
        const pid = newPid('1983-05-03');
        const lookup = async (id: string, at: number, orgno: string) => {
          const k = krrDb(t.platform.db);
          await k.insertInto('krr_lookups').values({ id, looked_up_at: at, endpoint: 'POST /rest/v2/personer', consumer_orgno: orgno, supplier_orgno: null, client_id: 'c', scope: 'krr:global/kontaktinformasjon.read', request_id: 'r', antall: 1 }).execute();
          await k.insertInto('krr_lookup_persons').values({ lookup_id: id, personidentifikator: pid, looked_up_at: at }).execute();
        };
        await lookup('00000000-0000-4000-8000-000000000001', NOW - 120_000, '889640782');
        await lookup('00000000-0000-4000-8000-000000000002', NOW - 60_000, '974760673');
        const list = await listLookupsForCitizen(t.platform.db, pid, async (orgnr) => (orgnr === '889640782' ? 'ARBEIDS- OG VELFERDSETATEN' : undefined));
        assert.deepEqual(list, [
          { lookedUpAt: NOW - 60_000, orgnr: '974760673', navn: null, supplierOrgnr: null, supplierNavn: null, scopes: ['krr:global/kontaktinformasjon.read'] },
          { lookedUpAt: NOW - 120_000, orgnr: '889640782', navn: 'ARBEIDS- OG VELFERDSETATEN', supplierOrgnr: null, supplierNavn: null, scopes: ['krr:global/kontaktinformasjon.read'] },
        ]);
      });
    });
  });
}

describe('gotoUrl', () => {
  const registered = ['https://tjeneste.example.no/callback', 'http://localhost:3000/logged-out', 'https://www.nav.no'];
  it('accepts a URL on the origin of a URL registered for a client (any path), normalised', () => {
    assert.equal(checkGotoUrl('https://tjeneste.example.no/min/side?x=1', registered), 'https://tjeneste.example.no/min/side?x=1');
    assert.equal(checkGotoUrl('HTTPS://TJENESTE.example.no', registered), 'https://tjeneste.example.no/');
    assert.equal(checkGotoUrl('http://localhost:3000/', registered), 'http://localhost:3000/');
  });
  for (const bad of [
    'https://evil.example.com/',
    'https://tjeneste.example.no.evil.com/',
    'http://tjeneste.example.no/',
    'https://tjeneste.example.no:8443/',
    'http://localhost:3001/',
    '//tjeneste.example.no/',
    '/krr/minprofil',
    'javascript:alert(1)',
    'https://user:pw@tjeneste.example.no/',
    `https://tjeneste.example.no/${'a'.repeat(2000)}`,
    '',
  ]) {
    it(`refuses ${JSON.stringify(bad.length > 60 ? `${bad.slice(0, 40)}…` : bad)} with MINPROFIL_GOTO_URL_NOT_REGISTERED`, () => {
      assert.throws(
        () => checkGotoUrl(bad, registered),
        (err: unknown) => err instanceof AppError && err.code === 'MINPROFIL_GOTO_URL_NOT_REGISTERED' && err.status === 400,
      );
    });
  }
});
