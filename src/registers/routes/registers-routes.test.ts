import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { mintPlatformToken } from '../../platform/auth/testing.ts';
import { loadConfig } from '../../platform/config.ts';
import { testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { Platform } from '../../platform/platform.ts';
import {
  registersComponent,
  createRegistersClient,
  FOLKEREGISTER_SCOPE_FINANS,
  FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL,
  FOLKEREGISTER_SCOPE_OFFENTLIG_UTEN_HJEMMEL,
  type Enhet,
  type EnheterPage,
  type FregPerson,
  type Roller,
  type TestpersonerPage,
  type Underenhet,
} from '../index.ts';
import { listLookups } from '../store/lookup-log-store.ts';
import { countRows } from '../store/registers-store.ts';
import type { OrganisationRow, PersonRow, RegistersDb, RoleRow } from '../store/tables.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const ENV = { PUBLIC_URL, RATE_LIMIT_MAX: '0', SEED_PERSONS: '400', SEED_ORGS: '120', SEED: 'routes' };

/** A process's platform for `onStart`: config from `env`, a silent log and its own job queue. */
function startPlatform(db: TestDatabase, env: Record<string, string>): Platform {
  const log = pino({ level: 'silent' });
  const jobs = new JobQueue(db, { leaseMs: 30_000, pollIntervalMs: 60_000, concurrency: 1, log });
  return { config: loadConfig({}, env), db, log, jobs } as unknown as Platform;
}

/** An hour-long token with `scope` from the platform's own Maskinporten (no test waits on its expiry). */
function tokenFor(t: TestPlatform, scope: string): Promise<string> {
  return mintPlatformToken(t.platform, { scope, lifetimeS: 3600 });
}

for (const engine of testEngines()) {
  describe(`registers routes on ${engine}`, () => {
    let t: TestPlatform;
    let db: TestDatabase;
    let app: FastifyInstance;
    let persons: PersonRow[];
    let orgs: OrganisationRow[];
    let roles: RoleRow[];
    /** `Authorization` header with a folkeregister:deling/offentligmedhjemmel token. */
    let auth: { authorization: string };

    before(async () => {
      // The first-start seeder (onStart) fills the empty registers from SEED_PERSONS / SEED_ORGS / SEED.
      t = await createTestPlatform(engine, [registersComponent], ENV);
      db = t.db;
      app = t.app;
      auth = { authorization: `Bearer ${await tokenFor(t, FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL)}` };
      const k = db.kysely as RegistersDb;
      persons = await k.selectFrom('registers_persons').selectAll().orderBy('pid').execute();
      orgs = await k.selectFrom('registers_organisations').selectAll().orderBy('orgnr').execute();
      roles = await k.selectFrom('registers_roles').selectAll().execute();
    });
    after(() => t.close());

    it('seeds on first start and not again on the next start', async () => {
      assert.equal(persons.length, 400);
      const before = await countRows(db);
      await registersComponent.onStart?.(startPlatform(db, { SEED_PERSONS: '10', SEED: 'other' }));
      assert.deepEqual(await countRows(db), before);
    });

    it('answers /health/ready 503 PLATFORM_NOT_READY while a seed is unfinished, and 200 with registers UP once it completed', async () => {
      const k = db.kysely as RegistersDb;
      const state = await k.selectFrom('registers_seed_state').selectAll().executeTakeFirstOrThrow();
      try {
        await k.updateTable('registers_seed_state').set({ completed_at: null, heartbeat_at: Date.now() }).execute();
        const seeding = await app.inject({ method: 'GET', url: '/health/ready' });
        assert.equal(seeding.statusCode, 503);
        const problem = seeding.json();
        assert.equal(problem.code, 'PLATFORM_NOT_READY');
        assert.deepEqual(problem.checks, { database: 'UP', registers: 'DOWN' });
      } finally {
        await k.updateTable('registers_seed_state').set({ completed_at: state.completed_at, heartbeat_at: state.heartbeat_at }).execute();
      }
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'UP', checks: { database: 'UP', registers: 'UP' } });
    });

    describe('GET /enhetsregisteret/api/enheter/{organisasjonsnummer}', () => {
      it('answers the Brønnøysund shape for a public agency', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter/991825827' });
        assert.equal(res.statusCode, 200);
        const enhet = res.json() as Enhet;
        assert.equal(enhet.organisasjonsnummer, '991825827');
        assert.equal(enhet.navn, 'DIGITALISERINGSDIREKTORATET');
        assert.deepEqual(enhet.organisasjonsform, {
          kode: 'ORGL',
          beskrivelse: 'Organisasjonsledd',
          _links: { self: { href: `${PUBLIC_URL}/enhetsregisteret/api/organisasjonsformer/ORGL` } },
        });
        assert.deepEqual(enhet.institusjonellSektorkode, { kode: '6100', beskrivelse: 'Statsforvaltningen' });
        assert.deepEqual(enhet.naeringskode1, { kode: '84.110', beskrivelse: 'Generell offentlig administrasjon' });
        assert.deepEqual(enhet.forretningsadresse, {
          land: 'Norge', landkode: 'NO', postnummer: '0150', poststed: 'OSLO', adresse: ['Grev Wedels plass 9'], kommune: 'OSLO', kommunenummer: '0301',
        });
        assert.equal(enhet.overordnetEnhet, '972417858');
        assert.equal(enhet._links.self.href, `${PUBLIC_URL}/enhetsregisteret/api/enheter/991825827`);
        for (const key of [
          'registreringsdatoEnhetsregisteret', 'registrertIMvaregisteret', 'antallAnsatte', 'harRegistrertAntallAnsatte', 'hjemmeside',
          'registrertIForetaksregisteret', 'registrertIStiftelsesregisteret', 'registrertIFrivillighetsregisteret', 'konkurs', 'underAvvikling',
          'underTvangsavviklingEllerTvangsopplosning', 'maalform',
        ]) {
          assert.ok(key in enhet, `missing ${key}`);
        }
        assert.match(enhet.registreringsdatoEnhetsregisteret, /^\d{4}-\d{2}-\d{2}$/);
      });

      it('answers 404 problem+json REGISTERS_ORGANISATION_NOT_FOUND for an unknown valid orgnr', async () => {
        const unknown = '923456791'; // passes MOD11, not seeded
        assert.ok(!orgs.some((o) => o.orgnr === unknown));
        const res = await app.inject({ method: 'GET', url: `/enhetsregisteret/api/enheter/${unknown}` });
        assert.equal(res.statusCode, 404);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        assert.equal(res.json().code, 'REGISTERS_ORGANISATION_NOT_FOUND');
      });

      it('answers 404 for an underenhet asked for as an enhet', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter/923456783' });
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().code, 'REGISTERS_ORGANISATION_NOT_FOUND');
      });

      it('answers 400 REGISTERS_INVALID_ORGANISASJONSNUMMER naming the check-digit rule, and changes nothing', async () => {
        const before = await countRows(db);
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter/991825828' });
        assert.equal(res.statusCode, 400);
        const body = res.json();
        assert.equal(body.code, 'REGISTERS_INVALID_ORGANISASJONSNUMMER');
        assert.match(JSON.stringify(body), /check-digit/);
        const short = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter/12345' });
        assert.equal(short.statusCode, 400);
        assert.match(JSON.stringify(short.json()), /length/);
        assert.deepEqual(await countRows(db), before);
      });
    });

    describe('GET /enhetsregisteret/api/underenheter/{organisasjonsnummer}', () => {
      it('answers the underenhet shape with its parent', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/underenheter/923456783' });
        assert.equal(res.statusCode, 200);
        const u = res.json() as Underenhet;
        assert.equal(u.overordnetEnhet, '984661185');
        assert.equal(u.organisasjonsform.kode, 'BEDR');
        assert.ok(u.beliggenhetsadresse);
        assert.equal(u._links.overordnetEnhet.href, `${PUBLIC_URL}/enhetsregisteret/api/enheter/984661185`);
      });

      it('answers 404 REGISTERS_UNDERENHET_NOT_FOUND for a hovedenhet', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/underenheter/991825827' });
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().code, 'REGISTERS_UNDERENHET_NOT_FOUND');
      });

      it('lists the underenheter of a hovedenhet with overordnetEnhet', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/underenheter?overordnetEnhet=984661185' });
        assert.equal(res.statusCode, 200);
        const page = res.json() as { _embedded: { underenheter: Underenhet[] } };
        assert.deepEqual(page._embedded.underenheter.map((u) => u.organisasjonsnummer), ['923456783']);
      });
    });

    describe('GET /enhetsregisteret/api/enheter (search)', () => {
      it('finds by case-insensitive name substring, æøå included', async () => {
        const res = await app.inject({ method: 'GET', url: `/enhetsregisteret/api/enheter?navn=${encodeURIComponent('brønnøy')}` });
        assert.equal(res.statusCode, 200);
        const page = res.json() as EnheterPage;
        assert.ok(page._embedded?.enheter.some((e) => e.organisasjonsnummer === '974760673'));
        assert.equal(page.page.number, 0);
        assert.equal(page.page.size, 20);
      });

      it('pages with HAL page metadata and links', async () => {
        const hoved = orgs.filter((o) => o.er_underenhet === 0);
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter?page=1&size=7' });
        assert.equal(res.statusCode, 200);
        const page = res.json() as EnheterPage;
        assert.deepEqual(page.page, { size: 7, totalElements: hoved.length, totalPages: Math.ceil(hoved.length / 7), number: 1 });
        assert.equal(page._embedded?.enheter.length, 7);
        assert.ok(page._links.next?.href.includes('page=2'));
        assert.ok(page._links.prev?.href.includes('page=0'));
        assert.ok(page._links.first && page._links.last);
        const first = (await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter?page=0&size=7' })).json() as EnheterPage;
        const firstIds = new Set(first._embedded?.enheter.map((e) => e.organisasjonsnummer));
        assert.ok(page._embedded?.enheter.every((e) => !firstIds.has(e.organisasjonsnummer)), 'pages do not overlap');
      });

      it('filters by organisasjonsform (comma-separated)', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter?organisasjonsform=KOMM,FYLK&size=100' });
        const page = res.json() as EnheterPage;
        assert.ok((page._embedded?.enheter.length ?? 0) >= 5);
        assert.ok(page._embedded?.enheter.every((e) => ['KOMM', 'FYLK'].includes(e.organisasjonsform.kode)));
      });

      it('omits _embedded when nothing matches', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter?navn=finnesikkeqqq' });
        const page = res.json() as EnheterPage;
        assert.equal(page._embedded, undefined);
        assert.deepEqual(page.page, { size: 20, totalElements: 0, totalPages: 0, number: 0 });
      });

      it('answers 400 REGISTERS_PAGE_OUT_OF_RANGE past the 10 000-hit window', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter?page=500&size=20' });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().code, 'REGISTERS_PAGE_OUT_OF_RANGE');
      });

      it('answers 400 PLATFORM_VALIDATION_FAILED for a negative page', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter?page=-1' });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().code, 'PLATFORM_VALIDATION_FAILED');
      });
    });

    describe('GET /enhetsregisteret/api/enheter/{organisasjonsnummer}/roller', () => {
      it('answers role groups with persons (birth date and name, no pid) and organisations', async () => {
        const withFirm = roles.find((r) => r.enhet_orgnr !== null);
        assert.ok(withFirm, 'the seed has a role held by an organisation');
        const res = await app.inject({ method: 'GET', url: `/enhetsregisteret/api/enheter/${withFirm.orgnr}/roller` });
        assert.equal(res.statusCode, 200);
        const body = res.json() as Roller;
        assert.equal(body._links.self.href, `${PUBLIC_URL}/enhetsregisteret/api/enheter/${withFirm.orgnr}/roller`);
        const all = body.rollegrupper.flatMap((g) => g.roller);
        assert.equal(all.length, roles.filter((r) => r.orgnr === withFirm.orgnr).length);
        for (const g of body.rollegrupper) {
          assert.ok(g.type.kode && g.type.beskrivelse && g.type._links.self.href);
          assert.match(g.sistEndret, /^\d{4}-\d{2}-\d{2}$/);
        }
        const firmRole = all.find((r) => r.enhet);
        assert.ok(firmRole?.enhet);
        assert.deepEqual(Object.keys(firmRole.enhet).sort(), ['_links', 'erSlettet', 'navn', 'organisasjonsform', 'organisasjonsnummer']);
        const personRole = all.find((r) => r.person);
        if (personRole?.person) {
          assert.match(personRole.person.fodselsdato, /^\d{4}-\d{2}-\d{2}$/);
          assert.ok(personRole.person.navn.fornavn && personRole.person.navn.etternavn);
          assert.equal(typeof personRole.person.erDoed, 'boolean');
          assert.ok(!JSON.stringify(body).match(/\d{11}/), 'no fødselsnummer in the open roles API');
        }
        assert.ok(all.every((r) => r.fratraadt === false && Number.isInteger(r.rekkefolge)));
      });

      it('groups board roles under STYR in rekkefolge', async () => {
        const withBoard = roles.find((r) => r.rolle === 'LEDE');
        assert.ok(withBoard);
        const body = (await app.inject({ method: 'GET', url: `/enhetsregisteret/api/enheter/${withBoard.orgnr}/roller` })).json() as Roller;
        const styr = body.rollegrupper.find((g) => g.type.kode === 'STYR');
        assert.ok(styr);
        assert.equal(styr.roller[0]?.type.kode, 'LEDE');
        assert.deepEqual(styr.roller.map((r) => r.rekkefolge), [...styr.roller.map((r) => r.rekkefolge)].sort((a, b) => a - b));
      });

      it('answers 404 REGISTERS_ORGANISATION_NOT_FOUND for an unknown orgnr', async () => {
        const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter/923456791/roller' });
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().code, 'REGISTERS_ORGANISATION_NOT_FOUND');
      });
    });

    describe('GET /folkeregisteret/api/v1/personer/{pid} (with a Maskinporten token)', () => {
      it('answers the Folkeregisteret person document for a resident', async () => {
        const p = persons.find((x) => x.status === 'bosatt' && Number(x.pid[0]) < 4);
        assert.ok(p);
        const res = await app.inject({ method: 'GET', url: `/folkeregisteret/api/v1/personer/${p.pid}`, headers: auth });
        assert.equal(res.statusCode, 200);
        const doc = res.json() as FregPerson;
        assert.equal(doc.identifikasjonsnummer[0]?.foedselsEllerDNummer, p.pid);
        assert.equal(doc.identifikasjonsnummer[0]?.identifikatortype, 'foedselsnummer');
        assert.equal(doc.identifikasjonsnummer[0]?.status, 'iBruk');
        assert.equal(doc.status[0]?.status, 'bosatt');
        assert.equal(doc.navn[0]?.fornavn, p.given_name);
        assert.equal(doc.navn[0]?.etternavn, p.family_name);
        assert.equal(doc.foedsel[0]?.foedselsdato, p.birth_date);
        assert.equal(doc.foedsel[0]?.foedselsaar, p.birth_date.slice(0, 4));
        assert.equal(doc.kjoenn[0]?.kjoenn, p.gender === 'female' ? 'kvinne' : 'mann');
        const veg = doc.bostedsadresse?.[0]?.vegadresse;
        assert.ok(veg);
        assert.equal(veg.adressenavn, p.adressenavn);
        assert.equal(veg.adressenummer.husnummer, String(p.husnummer));
        assert.deepEqual(veg.poststed, { poststedsnavn: p.poststed, postnummer: p.postnummer });
        assert.equal(veg.kommunenummer, p.kommunenummer);
        assert.equal(doc.navn[0]?.erGjeldende, true);
      });

      it('answers the same document under every rettighetspakke path, each with its own scope, as the real API is addressed', async () => {
        const p = persons[0]!;
        const plain = await app.inject({ method: 'GET', url: `/folkeregisteret/api/v1/personer/${p.pid}`, headers: auth });
        assert.equal(plain.statusCode, 200);
        const paths: Array<[string, string]> = [
          [`/folkeregisteret/offentlig-med-hjemmel/api/v1/personer/${p.pid}`, FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL],
          [`/folkeregisteret/offentlig-uten-hjemmel/api/v1/personer/${p.pid}`, FOLKEREGISTER_SCOPE_OFFENTLIG_UTEN_HJEMMEL],
          [`/folkeregisteret/api/offentligutenhjemmel/v1/personer/${p.pid}`, FOLKEREGISTER_SCOPE_OFFENTLIG_UTEN_HJEMMEL],
          [`/folkeregisteret/finans-og-begrenset/api/v1/personer/${p.pid}`, FOLKEREGISTER_SCOPE_FINANS],
          [`/folkeregisteret/api/finans/v1/personer/${p.pid}`, FOLKEREGISTER_SCOPE_FINANS],
        ];
        for (const [url, scope] of paths) {
          const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await tokenFor(t, scope)}` } });
          assert.equal(res.statusCode, 200, url);
          assert.deepEqual(res.json(), plain.json(), url);
        }
      });

      it('shows a foreign address and utflytting for an emigrated person, and doedsfall for a dead one', async () => {
        const gone = persons.find((x) => x.status === 'utflyttet');
        if (gone) {
          const doc = (await app.inject({ method: 'GET', url: `/folkeregisteret/api/v1/personer/${gone.pid}`, headers: auth })).json() as FregPerson;
          assert.equal(doc.postadresseIUtlandet?.[0]?.utenlandskAdresse.landkode, gone.utland_landkode);
          assert.equal(doc.utflyttingFraNorge?.[0]?.utflyttingsdato, gone.status_date);
          assert.equal(doc.bostedsadresse, undefined);
        }
        const dead = persons.find((x) => x.status === 'doed');
        if (dead) {
          const doc = (await app.inject({ method: 'GET', url: `/folkeregisteret/api/v1/personer/${dead.pid}`, headers: auth })).json() as FregPerson;
          assert.equal(doc.doedsfall?.[0]?.doedsdato, dead.status_date);
        }
        assert.ok(gone || dead);
      });

      it('answers 400 REGISTERS_INVALID_FODSELSNUMMER naming the failed rule, and changes nothing (no lookup is logged)', async () => {
        const before = await countRows(db);
        const lookupsBefore = (await listLookups(db)).length;
        const p = persons[0]!;
        const wrongK2 = p.pid.slice(0, 10) + String((Number(p.pid[10]) + 1) % 10);
        const res = await app.inject({ method: 'GET', url: `/folkeregisteret/api/v1/personer/${wrongK2}`, headers: auth });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().code, 'REGISTERS_INVALID_FODSELSNUMMER');
        assert.match(JSON.stringify(res.json()), /k2/);
        const letters = await app.inject({ method: 'GET', url: '/folkeregisteret/api/v1/personer/abc', headers: auth });
        assert.equal(letters.statusCode, 400);
        assert.equal(letters.json().code, 'REGISTERS_INVALID_FODSELSNUMMER');
        assert.deepEqual(await countRows(db), before);
        assert.equal((await listLookups(db)).length, lookupsBefore);
      });

      it('answers 404 REGISTERS_PERSON_NOT_FOUND for a valid unknown pid', async () => {
        const { createRng, generateFodselsnummer } = await import('../../platform/identifiers/index.ts');
        const rng = createRng('unknown-person');
        let pid = generateFodselsnummer(rng, { birthDate: '1921-06-01', synthetic: 'tenor' });
        while (persons.some((x) => x.pid === pid)) pid = generateFodselsnummer(rng, { birthDate: '1921-06-01', synthetic: 'tenor' });
        const res = await app.inject({ method: 'GET', url: `/folkeregisteret/api/v1/personer/${pid}`, headers: auth });
        assert.equal(res.statusCode, 404);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        assert.equal(res.json().code, 'REGISTERS_PERSON_NOT_FOUND');
      });

      it('answers 404 PLATFORM_NOT_FOUND for a rettighetspakke that does not exist', async () => {
        const res = await app.inject({ method: 'GET', url: `/folkeregisteret/privat-uten-noe/api/v1/personer/${persons[0]!.pid}`, headers: auth });
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().code, 'PLATFORM_NOT_FOUND');
      });
    });

    describe('GET /folkeregisteret/api/v1/testpersoner', () => {
      it('lists synthetic persons ordered by pid with page metadata', async () => {
        const res = await app.inject({ method: 'GET', url: '/folkeregisteret/api/v1/testpersoner?page=2&size=5' });
        assert.equal(res.statusCode, 200);
        const body = res.json() as TestpersonerPage;
        assert.deepEqual(body.page, { size: 5, totalElements: 400, totalPages: 80, number: 2 });
        assert.deepEqual(body.personer.map((p) => p.foedselsEllerDNummer), persons.slice(10, 15).map((p) => p.pid));
        const first = body.personer[0]!;
        assert.ok(first.fornavn && first.etternavn && first.foedselsdato && first.kjoenn && first.status && first.identifikatortype);
      });

      it('answers 400 PLATFORM_VALIDATION_FAILED for size over 1000', async () => {
        const res = await app.inject({ method: 'GET', url: '/folkeregisteret/api/v1/testpersoner?size=1001' });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().code, 'PLATFORM_VALIDATION_FAILED');
      });
    });

    describe('in production mode', () => {
      let prod: TestPlatform;
      let pid: string;
      before(async () => {
        prod = await createTestPlatform(engine, [registersComponent], { ...ENV, GRUNNMUR_MODE: 'production', SEED_PERSONS: '20', SEED_ORGS: '5' });
        pid = (await (prod.db.kysely as RegistersDb).selectFrom('registers_persons').select('pid').orderBy('pid').executeTakeFirstOrThrow()).pid;
      });
      after(() => prod.close());

      it('serves person lookups to a caller with a Maskinporten token', async () => {
        const authorization = `Bearer ${await tokenFor(prod, FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL)}`;
        const res = await prod.app.inject({ method: 'GET', url: `/folkeregisteret/api/v1/personer/${pid}`, headers: { authorization } });
        assert.equal(res.statusCode, 200);
        assert.equal((res.json() as FregPerson).identifikasjonsnummer[0]?.foedselsEllerDNummer, pid);
      });

      it('answers 404 PLATFORM_TEST_MODE_ONLY for the test-person list, token or not', async () => {
        const authorization = `Bearer ${await tokenFor(prod, FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL)}`;
        for (const headers of [{}, { authorization }]) {
          const res = await prod.app.inject({ method: 'GET', url: '/folkeregisteret/api/v1/testpersoner', headers });
          assert.equal(res.statusCode, 404);
          assert.equal(res.json().code, 'PLATFORM_TEST_MODE_ONLY');
        }
      });

      it('keeps Enhetsregisteret open (it is open data)', async () => {
        const res = await prod.app.inject({ method: 'GET', url: '/enhetsregisteret/api/enheter/991825827' });
        assert.equal(res.statusCode, 200);
      });

      it('lists the person routes with their Maskinporten scope in the OpenAPI documents, and hides the test-person list', async () => {
        for (const url of ['/openapi.json', '/enhetsregisteret/openapi.json', '/folkeregisteret/openapi.json']) {
          const res = await prod.app.inject({ method: 'GET', url });
          assert.equal(res.statusCode, 200, url);
          const doc = res.json() as { paths: Record<string, { get?: { security?: unknown } }> };
          const paths = Object.keys(doc.paths);
          assert.ok(!paths.includes('/folkeregisteret/api/v1/testpersoner'), url);
          assert.deepEqual(doc.paths['/folkeregisteret/api/v1/personer/{pid}']?.get?.security, [{ maskinporten: [FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL] }], url);
          assert.deepEqual(
            doc.paths['/folkeregisteret/offentlig-uten-hjemmel/api/v1/personer/{pid}']?.get?.security,
            [{ maskinporten: [FOLKEREGISTER_SCOPE_OFFENTLIG_UTEN_HJEMMEL] }],
            url,
          );
          assert.deepEqual(doc.paths['/folkeregisteret/api/finans/v1/personer/{pid}']?.get?.security, [{ maskinporten: [FOLKEREGISTER_SCOPE_FINANS] }], url);
        }
      });
    });

    it('serves an OpenAPI document with the enhetsregisteret and folkeregisteret paths in test mode', async () => {
      const res = await app.inject({ method: 'GET', url: '/enhetsregisteret/openapi.json' });
      assert.equal(res.statusCode, 200);
      const doc = res.json() as { paths: Record<string, unknown> };
      assert.ok(doc.paths['/enhetsregisteret/api/enheter/{organisasjonsnummer}']);
      for (const path of [
        '/folkeregisteret/api/v1/personer/{pid}',
        '/folkeregisteret/offentlig-med-hjemmel/api/v1/personer/{pid}',
        '/folkeregisteret/offentlig-uten-hjemmel/api/v1/personer/{pid}',
        '/folkeregisteret/api/offentligutenhjemmel/v1/personer/{pid}',
        '/folkeregisteret/finans-og-begrenset/api/v1/personer/{pid}',
        '/folkeregisteret/api/finans/v1/personer/{pid}',
        '/folkeregisteret/api/v1/testpersoner',
      ]) {
        assert.ok(doc.paths[path], path);
      }
    });

    it('the typed client reads the same shapes and throws the server’s codes', async () => {
      const sent: Array<Record<string, string>> = [];
      const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
        const url = new URL(String(input));
        const headers = { ...(init?.headers as Record<string, string> | undefined) };
        sent.push(headers);
        const res = await app.inject({ method: 'GET', url: url.pathname + url.search, headers });
        return new Response(res.body, { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type']) } });
      }) as typeof fetch;
      const client = createRegistersClient(PUBLIC_URL, fetchImpl);
      assert.equal((await client.getEnhet('889640782')).navn, 'ARBEIDS- OG VELFERDSETATEN');
      assert.ok((await client.searchEnheter({ navn: 'kommune', organisasjonsform: ['KOMM'] }))._embedded?.enheter.length);
      assert.ok(Array.isArray((await client.getRoller('991825827')).rollegrupper));
      const token = await tokenFor(t, FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL);
      assert.equal((await client.getPerson(persons[0]!.pid, token)).identifikasjonsnummer[0]?.foedselsEllerDNummer, persons[0]!.pid);
      assert.equal(sent.at(-1)?.authorization, `Bearer ${token}`);
      await assert.rejects(client.getPerson(persons[0]!.pid, await tokenFor(t, 'krr:global/kontaktinformasjon.read')), (err: Error & { code?: string; status?: number }) => {
        assert.equal(err.code, 'AUTH_INSUFFICIENT_SCOPE');
        assert.equal(err.status, 403);
        return true;
      });
      assert.equal((await client.listTestpersoner(0, 3)).personer.length, 3);
      await assert.rejects(client.getEnhet('923456791'), (err: Error & { code?: string; status?: number }) => {
        assert.equal(err.code, 'REGISTERS_ORGANISATION_NOT_FOUND');
        assert.equal(err.status, 404);
        return true;
      });
    });
  });
}
