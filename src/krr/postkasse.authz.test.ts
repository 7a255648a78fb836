/**
 * Authorization of KRR's mailbox-provider API, forbidden cases first: no token (401), a token
 * without `krr:global/postkasseleverandoer.write` (403), a token of an organisation that is not
 * a mailbox provider (403 `KRR_POSTKASSE_NOT_PROVIDER`, before the body is looked at); each
 * leaves the database unchanged. Then the two providers are let in.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { testEngines } from '../platform/db/testing.ts';
import { createRng, generateFodselsnummer } from '../platform/identifiers/index.ts';
import { EBOKS_ORGNR, POSTEN_BRING_ORGNR, PRINT_PROVIDER_ORGNR, registersComponent } from '../registers/index.ts';
import { krrComponent } from './index.ts';
import { KRR_SCOPE_POSTKASSELEVERANDOER } from './domain/postkasse/scope.ts';
import { insertPersons, krrDb } from './store/krr-store.ts';
import { emptyPersonRow } from './domain/person-row.ts';

const BASE = '/krr/rest/v1/postkasseleverandoer';
const OPERATIONS = ['opprettOgVelgPostkasse', 'oppdaterPostkasse', 'slettPostkasse', 'hentPostkasse'] as const;
const NAV = '889640782';

async function snapshot(t: TestPlatform): Promise<string> {
  const k = krrDb(t.platform.db);
  const persons = await k.selectFrom('krr_persons').selectAll().orderBy('personidentifikator').execute();
  const lookups = await k.selectFrom('krr_lookups').selectAll().orderBy('id').execute();
  return JSON.stringify({ persons, lookups });
}

for (const engine of testEngines()) {
  describe(`KRR mailbox-provider API authorization on ${engine}`, () => {
    let t: TestPlatform;
    const pid = generateFodselsnummer(createRng('krr-postkasse-authz'), { birthDate: '1944-04-04', synthetic: 'tenor' });
    const body = { personidentifikator: pid, postkasseadresse: 'kari#AUTH' };

    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, krrComponent], { PUBLIC_URL: 'http://grunnmur.test', RATE_LIMIT_MAX: '0' });
      await insertPersons(krrDb(t.platform.db), [emptyPersonRow(pid, 1_700_000_000_000)]);
    });
    after(() => t.close());

    const call = (operation: string, payload: unknown, authorization?: string) =>
      t.app.inject({ method: 'POST', url: `${BASE}/${operation}`, headers: authorization === undefined ? {} : { authorization }, payload: payload as object });
    const token = async (consumerOrgno: string, scope: string | string[] = KRR_SCOPE_POSTKASSELEVERANDOER) =>
      `Bearer ${await mintPlatformToken(t.platform, { scope, consumerOrgno })}`;

    const refused = async (operation: string, payload: unknown, authorization: string | undefined, status: number, code: string, detail: string | RegExp) => {
      const beforeState = await snapshot(t);
      const res = await call(operation, payload, authorization);
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const problem = res.json() as { code: string; status: number; title: string; detail?: string };
      assert.equal(problem.code, code);
      assert.equal(problem.status, status);
      if (typeof detail === 'string') assert.equal(problem.detail ?? problem.title, detail);
      else assert.match(problem.detail ?? problem.title, detail);
      assert.equal(await snapshot(t), beforeState, 'the database is unchanged');
      return res;
    };

    for (const operation of OPERATIONS) {
      it(`${operation}: no token → 401 AUTH_TOKEN_MISSING (before the body is read)`, async () => {
        const res = await refused(operation, { not: 'even valid' }, undefined, 401, 'AUTH_TOKEN_MISSING', /token/i);
        assert.match(String(res.headers['www-authenticate']), /^Bearer realm=/);
      });

      it(`${operation}: a token without ${KRR_SCOPE_POSTKASSELEVERANDOER} → 403 AUTH_INSUFFICIENT_SCOPE`, async () => {
        const res = await refused(operation, body, await token(POSTEN_BRING_ORGNR, 'krr:global/digitalpost.read'), 403, 'AUTH_INSUFFICIENT_SCOPE', /scope/i);
        assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope"/);
      });

      it(`${operation}: an organisation that is not a mailbox provider → 403 KRR_POSTKASSE_NOT_PROVIDER`, async () => {
        await refused(
          operation,
          body,
          await token(NAV),
          403,
          'KRR_POSTKASSE_NOT_PROVIDER',
          `Organisation ${NAV} is not a registered digital mailbox provider; only they may use the mailbox-provider API`,
        );
      });
    }

    it('the print provider is no mailbox provider → 403 KRR_POSTKASSE_NOT_PROVIDER', async () => {
      await refused('opprettOgVelgPostkasse', body, await token(PRINT_PROVIDER_ORGNR), 403, 'KRR_POSTKASSE_NOT_PROVIDER', /^Organisation 923456783 is not a registered digital mailbox provider/);
    });

    it('a non-provider gets 403, not a schema error, for a malformed body', async () => {
      await refused('opprettOgVelgPostkasse', { personidentifikator: 42 }, await token(NAV), 403, 'KRR_POSTKASSE_NOT_PROVIDER', /not a registered digital mailbox provider/);
    });

    it('Digipost (Posten Bring AS) and e-Boks AS are let in', async () => {
      const created = await call('opprettOgVelgPostkasse', body, await token(POSTEN_BRING_ORGNR));
      assert.equal(created.statusCode, 200, created.body);
      const read = await call('hentPostkasse', { personidentifikator: pid }, await token(EBOKS_ORGNR));
      assert.equal(read.statusCode, 404, read.body);
      assert.equal((read.json() as { beskrivelse: string }).beskrivelse, 'INGEN_POSTBOKS_FUNNET');
    });
  });
}
