import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { AppError } from '../../platform/errors.ts';
import { validateFodselsnummer, validateOrganisasjonsnummer } from '../../platform/identifiers/index.ts';
import { registersMigrations } from '../store/migrations.ts';
import { countRows } from '../store/registers-store.ts';
import type { OrganisationRow, PersonRow, RegistersDb, RoleRow } from '../store/tables.ts';
import { FIXED_ORGANISATIONS } from './public-agencies.ts';
import { getSeedStatus, SEED_STALE_MS, seedPopulation } from './population.ts';

const migrations = [{ component: 'registers', migrations: registersMigrations }];

function withoutCreatedAt<T extends { created_at: number }>(rows: T[]): Array<Omit<T, 'created_at'>> {
  return rows.map(({ created_at: _ignored, ...rest }) => rest);
}

async function persons(db: TestDatabase): Promise<PersonRow[]> {
  return (db.kysely as RegistersDb).selectFrom('registers_persons').selectAll().orderBy('pid').execute();
}
async function organisations(db: TestDatabase): Promise<OrganisationRow[]> {
  return (db.kysely as RegistersDb).selectFrom('registers_organisations').selectAll().orderBy('orgnr').execute();
}
async function roles(db: TestDatabase): Promise<RoleRow[]> {
  return (db.kysely as RegistersDb).selectFrom('registers_roles').selectAll().orderBy('orgnr').orderBy('rolle').orderBy('rekkefolge').execute();
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected ${code}`);
}

for (const engine of testEngines()) {
  describe(`seedPopulation on ${engine}`, () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase(engine, migrations);
    });
    afterEach(async () => {
      await db.close();
    });
    // One database at a time: the migrator's table check sees every PostgreSQL schema, so a
    // second live test schema with the same tables would confuse it.
    const fresh = async (): Promise<void> => {
      await db.close();
      db = await createTestDatabase(engine, migrations);
    };

    it('gives the same persons, organisations and roles for the same seed', async () => {
      const a = await seedPopulation(db, { persons: 300, orgs: 60, seed: 'same' });
      const first = { p: withoutCreatedAt(await persons(db)), o: withoutCreatedAt(await organisations(db)), r: await roles(db) };
      await fresh();
      const b = await seedPopulation(db, { persons: 300, orgs: 60, seed: 'same' });
      assert.deepEqual(a, b);
      assert.deepEqual(withoutCreatedAt(await persons(db)), first.p);
      assert.deepEqual(withoutCreatedAt(await organisations(db)), first.o);
      assert.deepEqual(await roles(db), first.r);
    });

    it('gives the same first persons whatever the total, and other persons for another seed', async () => {
      await seedPopulation(db, { persons: 50, orgs: 0, seed: 'prefix' });
      const small = new Set((await persons(db)).map((p) => p.pid));
      await fresh();
      await seedPopulation(db, { persons: 120, orgs: 0, seed: 'prefix' });
      const large = new Set((await persons(db)).map((p) => p.pid));
      for (const pid of small) assert.ok(large.has(pid), `${pid} missing from the larger population`);

      await fresh();
      await seedPopulation(db, { persons: 50, orgs: 0, seed: 'another' });
      const shared = (await persons(db)).filter((p) => small.has(p.pid));
      assert.ok(shared.length < 5, `${shared.length} pids shared between two seeds`);
    });

    it('writes only valid synthetic (tenor) pids and valid orgnrs, and roles that point at existing rows', async () => {
      const result = await seedPopulation(db, { persons: 1500, orgs: 300, seed: 'valid' });
      const ps = await persons(db);
      const os = await organisations(db);
      const rs = await roles(db);
      assert.equal(ps.length, 1500);
      assert.equal(os.length, 300 + FIXED_ORGANISATIONS.length);
      assert.deepEqual(result, { persons: 1500, organisations: os.length, roles: rs.length });
      for (const p of ps) {
        const v = validateFodselsnummer(p.pid);
        assert.ok(v.valid, `${p.pid} is not valid`);
        assert.equal(v.synthetic, 'tenor');
        assert.equal(v.birthDate, p.birth_date);
        assert.equal(v.type === 'DNR', Number(p.pid[0]) >= 4);
      }
      for (const o of os) assert.ok(validateOrganisasjonsnummer(o.orgnr).valid, `${o.orgnr} is not valid`);
      const pids = new Set(ps.map((p) => p.pid));
      const orgnrs = new Set(os.map((o) => o.orgnr));
      for (const r of rs) {
        assert.ok(orgnrs.has(r.orgnr));
        assert.ok((r.person_pid === null) !== (r.enhet_orgnr === null), 'a role has exactly one holder');
        if (r.person_pid) assert.ok(pids.has(r.person_pid), `role holder ${r.person_pid} is not a person`);
        if (r.enhet_orgnr) assert.ok(orgnrs.has(r.enhet_orgnr), `role holder ${r.enhet_orgnr} is not an organisation`);
      }
      for (const o of os.filter((x) => x.er_underenhet === 1)) {
        assert.ok(o.overordnet_enhet && orgnrs.has(o.overordnet_enhet), `underenhet ${o.orgnr} has no parent`);
        assert.ok(['BEDR', 'AAFY'].includes(o.organisasjonsform));
      }
    });

    it('keeps the documented proportions of identifier types, statuses and organisation forms', async () => {
      await seedPopulation(db, { persons: 4000, orgs: 800, seed: 'proportions' });
      const ps = await persons(db);
      const share = (pred: (p: PersonRow) => boolean) => ps.filter(pred).length / ps.length;
      const dnr = share((p) => Number(p.pid[0]) >= 4);
      assert.ok(dnr > 0.015 && dnr < 0.05, `D-number share ${dnr}`);
      const bosatt = share((p) => p.status === 'bosatt');
      assert.ok(bosatt > 0.9 && bosatt < 0.95, `bosatt share ${bosatt}`);
      const utflyttet = share((p) => p.status === 'utflyttet');
      assert.ok(utflyttet > 0.015 && utflyttet < 0.045, `utflyttet share ${utflyttet}`);
      const doed = share((p) => p.status === 'doed');
      assert.ok(doed > 0.01 && doed < 0.035, `doed share ${doed}`);
      assert.ok(ps.filter((p) => Number(p.pid[0]) < 4).every((p) => ['bosatt', 'utflyttet', 'doed'].includes(p.status)));
      assert.ok(ps.filter((p) => Number(p.pid[0]) >= 4).every((p) => ['midlertidig', 'inaktiv', 'doed'].includes(p.status)));
      const female = share((p) => p.gender === 'female');
      assert.ok(female > 0.45 && female < 0.55, `female share ${female}`);
      const years = ps.map((p) => Number(p.birth_date.slice(0, 4)));
      assert.ok(Math.min(...years) >= 1930 && Math.max(...years) <= 2008);
      const before1950 = years.filter((y) => y < 1950).length / years.length;
      assert.ok(before1950 > 0.05 && before1950 < 0.2, `born before 1950: ${before1950}`);
      assert.ok(ps.some((p) => /[æøåÆØÅ]/.test(`${p.given_name}${p.family_name}`)), 'names include æøå');
      for (const p of ps) {
        if (p.status === 'utflyttet') assert.ok(p.utland_landkode && !p.postnummer);
        else assert.ok(p.postnummer && p.kommunenummer && p.adressenavn && !p.utland_landkode);
      }

      const generated = (await organisations(db)).filter((o) => !FIXED_ORGANISATIONS.some((f) => f.orgnr === o.orgnr));
      const hoved = generated.filter((o) => o.er_underenhet === 0);
      const formShare = (form: string) => hoved.filter((o) => o.organisasjonsform === form).length / hoved.length;
      assert.ok(formShare('AS') > 0.5 && formShare('AS') < 0.72, `AS share ${formShare('AS')}`);
      assert.ok(formShare('ENK') > 0.12 && formShare('ENK') < 0.28, `ENK share ${formShare('ENK')}`);
      const under = generated.length - hoved.length;
      assert.ok(under / generated.length > 0.05 && under / generated.length < 0.3, `underenhet share ${under / generated.length}`);
    });

    it('always writes the public agencies and Grunnmur’s two mailbox providers and print provider', async () => {
      await seedPopulation(db, { persons: 0, orgs: 0, seed: 'fixed' });
      const os = await organisations(db);
      assert.equal(os.length, FIXED_ORGANISATIONS.length);
      for (const orgnr of ['991825827', '889640782', '974761076', '974760673', '971032081', '960885406', '958935420', '964338531']) {
        const o = os.find((x) => x.orgnr === orgnr);
        assert.ok(o, `${orgnr} missing`);
        assert.equal(o.is_public_agency, 1);
      }
      assert.deepEqual(
        os.filter((o) => o.grunnmur_role === 'mailbox_provider').map((o) => o.orgnr).sort(),
        ['984661185', '996460320'],
      );
      assert.equal(os.filter((o) => o.grunnmur_role === 'print_provider').length, 1);
      for (const f of FIXED_ORGANISATIONS) assert.ok(validateOrganisasjonsnummer(f.orgnr).valid, `${f.orgnr} fails MOD11`);
    });

    it('refuses with REGISTERS_ALREADY_SEEDED on a seeded database, telling how to get an empty one, and changes nothing', async () => {
      await seedPopulation(db, { persons: 100, orgs: 20, seed: 'once' });
      const before = await countRows(db);
      const err = await rejectsWith(seedPopulation(db, { persons: 100, orgs: 20, seed: 'twice' }), 'REGISTERS_ALREADY_SEEDED');
      assert.equal(err.status, 409);
      assert.equal(
        err.message,
        'The registers are already seeded (seed "once"). To seed again, start from an empty database: stop Grunnmur and delete ./data/grunnmur.db (the default DATABASE_URL is sqlite:./data/grunnmur.db), or point DATABASE_URL at an empty database.',
      );
      assert.deepEqual(await countRows(db), before);
      assert.equal((await getSeedStatus(db)).state, 'complete');
    });

    it('refuses with REGISTERS_ALREADY_SEEDED when the tables hold rows no seed wrote', async () => {
      await (db.kysely as RegistersDb)
        .insertInto('registers_persons')
        .values({
          pid: '01817612345', given_name: 'Kari', middle_name: null, family_name: 'Nordmann', birth_date: '1976-01-01', gender: 'female',
          status: 'bosatt', status_date: null, adressenavn: null, husnummer: null, husbokstav: null, postnummer: null, poststed: null,
          kommunenummer: null, utland_adressenavn: null, utland_postkode: null, utland_by: null, utland_landkode: null, created_at: 1,
        })
        .execute();
      const err = await rejectsWith(seedPopulation(db, { persons: 10, orgs: 0, seed: 'x' }), 'REGISTERS_ALREADY_SEEDED');
      assert.match(err.message, /^The registers already hold persons or organisations\. To seed again, start from an empty database: .*\.\/data\/grunnmur\.db/);
      assert.deepEqual(await countRows(db), { persons: 1, organisations: 0, roles: 0 });
    });

    it('refuses with REGISTERS_INVALID_SEED_OPTIONS for negative counts or an empty seed', async () => {
      await rejectsWith(seedPopulation(db, { persons: -1, orgs: 0, seed: 'x' }), 'REGISTERS_INVALID_SEED_OPTIONS');
      await rejectsWith(seedPopulation(db, { persons: 1, orgs: 0, seed: '' }), 'REGISTERS_INVALID_SEED_OPTIONS');
      assert.equal((await getSeedStatus(db)).state, 'empty');
    });

    it('restarts a crashed seed (stale heartbeat, never completed) and ends with the same rows as a clean seed', async () => {
      await seedPopulation(db, { persons: 200, orgs: 40, seed: 'crash' });
      const clean = { p: withoutCreatedAt(await persons(db)), r: await roles(db) };
      await fresh();
      // Simulate a crash after the first chunk: a stale, incomplete state row and some rows.
      await seedPopulation(db, { persons: 30, orgs: 0, seed: 'crash' });
      const stale = Date.now() - SEED_STALE_MS - 1000;
      await (db.kysely as RegistersDb).updateTable('registers_seed_state').set({ completed_at: null, heartbeat_at: stale }).execute();
      assert.equal((await getSeedStatus(db)).state, 'crashed');

      await seedPopulation(db, { persons: 200, orgs: 40, seed: 'crash' });
      assert.equal((await getSeedStatus(db)).state, 'complete');
      assert.deepEqual(withoutCreatedAt(await persons(db)), clean.p);
      assert.deepEqual(await roles(db), clean.r);
    });

    it('refuses with REGISTERS_SEED_IN_PROGRESS while another process’s heartbeat is fresh', async () => {
      await seedPopulation(db, { persons: 10, orgs: 0, seed: 'busy' });
      await (db.kysely as RegistersDb).updateTable('registers_seed_state').set({ completed_at: null, heartbeat_at: Date.now() }).execute();
      const before = await countRows(db);
      await rejectsWith(seedPopulation(db, { persons: 10, orgs: 0, seed: 'busy' }), 'REGISTERS_SEED_IN_PROGRESS');
      assert.deepEqual(await countRows(db), before);
    });

    it('reports progress up to the total', async () => {
      const seen: Array<[number, number]> = [];
      await seedPopulation(db, { persons: 20, orgs: 5, seed: 'progress', onProgress: (d, t) => seen.push([d, t]) });
      const last = seen.at(-1);
      assert.ok(last);
      assert.equal(last[0], last[1]);
      assert.equal(last[1], 20 + 5 + FIXED_ORGANISATIONS.length);
    });
  });
}
