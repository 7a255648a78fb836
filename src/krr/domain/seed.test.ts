import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { testEngines } from '../../platform/db/testing.ts';
import { registersComponent, syntheticPersons } from '../../registers/index.ts';
import { krrComponent } from '../index.ts';
import { krrDb } from '../store/krr-store.ts';
import { krrRegister, seedKrr } from './seed.ts';
import { channelUsable, freshnessCutoff } from './varslingsstatus.ts';

const NOW = Date.UTC(2025, 5, 1);

describe('KRR seed (pure)', () => {
  const N = 5000;
  const rows = [...krrRegister('grunnmur', N, NOW)];

  it('derives the register from the registers population: the same persons, in order, deterministically', () => {
    const pids = [...syntheticPersons('grunnmur', N)].map((p) => p.pid);
    rows.forEach((r, i) => r && assert.equal(r.personidentifikator, pids[i]));
    assert.deepEqual([...krrRegister('grunnmur', N, NOW)], rows);
    assert.notDeepEqual([...krrRegister('other', 50, NOW)], rows.slice(0, 50));
  });

  it('has realistic shares: most active with contact data, some reserved, stale, without mailbox, deleted, not registered', () => {
    const share = (n: number) => n / N;
    const present = rows.filter((r) => r !== null);
    const aktiv = present.filter((r) => r.status === 'AKTIV');
    const cutoff = freshnessCutoff(NOW);
    const usable = (r: (typeof aktiv)[number]) =>
      channelUsable({ address: r.epostadresse, oppdatert: r.epostadresse_oppdatert, sistVerifisert: r.epostadresse_sist_verifisert }, cutoff) ||
      channelUsable({ address: r.mobiltelefonnummer, oppdatert: r.mobiltelefonnummer_oppdatert, sistVerifisert: r.mobiltelefonnummer_sist_verifisert }, cutoff);
    const between = (x: number, lo: number, hi: number, what: string) => assert.ok(x >= lo && x <= hi, `${what}: ${x.toFixed(3)} not in [${lo}, ${hi}]`);
    between(share(N - present.length), 0.025, 0.055, 'not registered');
    between(share(present.length - aktiv.length), 0.02, 0.05, 'SLETTET');
    between(share(aktiv.filter((r) => r.reservasjon === 'JA').length), 0.035, 0.065, 'reserved');
    between(share(aktiv.filter((r) => r.epostadresse !== null || r.mobiltelefonnummer !== null).length), 0.88, 0.95, 'active with contact data');
    between(share(aktiv.filter((r) => !usable(r)).length), 0.1, 0.16, 'both channels stale or none');
    between(share(aktiv.filter((r) => r.postkasseadresse === null).length), 0.35, 0.48, 'active without a mailbox');
    assert.ok(aktiv.every((r) => r.reservasjon === 'NEI' || r.postkasseadresse === null), 'reserved persons have no mailbox');
    assert.ok(present.filter((r) => r.status === 'SLETTET').every((r) => r.epostadresse === null && r.postkasseadresse === null));
    assert.ok(aktiv.every((r) => (r.epostadresse ?? 'x@example.com').match(/@example\.(com|net|org)$/)));
  });
});

for (const engine of testEngines()) {
  describe(`KRR seed at start on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, krrComponent], { SEED_PERSONS: '200' });
    });
    after(() => t.close());

    it('seeds the register after the registers, for persons that exist in Folkeregisteret, and never twice', async () => {
      const krr = await krrDb(t.platform.db).selectFrom('krr_persons').select('personidentifikator').execute();
      const freg = await t.platform.db.kysely.selectFrom('registers_persons').select('pid').execute();
      const known = new Set(freg.map((r: { pid: string }) => r.pid));
      assert.equal(freg.length, 200);
      assert.ok(krr.length > 170 && krr.length < 200, `${krr.length} persons in KRR`);
      assert.ok(krr.every((r) => known.has(r.personidentifikator)));
      const again = await seedKrr(t.platform.db, { persons: 200, seed: t.platform.config.SEED });
      assert.equal(again.seeded, false);
      assert.equal((await krrDb(t.platform.db).selectFrom('krr_persons').select('personidentifikator').execute()).length, krr.length);
    });

    it('registers Digipost, e-Boks and the print provider with certificates', async () => {
      const providers = await krrDb(t.platform.db).selectFrom('krr_providers').select(['orgnr', 'rolle']).orderBy('orgnr').execute();
      assert.deepEqual(providers.map((p) => ({ ...p })), [
        { orgnr: '923456783', rolle: 'print' },
        { orgnr: '984661185', rolle: 'postkasse' },
        { orgnr: '996460320', rolle: 'postkasse' },
      ]);
    });
  });
}
