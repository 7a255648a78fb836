/**
 * KRR's lookup service on both databases: every field rule (status, reservation, the 18-month
 * rule per channel, scope-dependent fields), the audit log, bad input (exact error, nothing
 * changed), the print certificate and the user endpoint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken, mintTestToken } from '../platform/auth/testing.ts';
import { ownIdportenIssuer } from '../platform/auth/index.ts';
import { testEngines } from '../platform/db/testing.ts';
import { createRng, generateFodselsnummer } from '../platform/identifiers/index.ts';
import { x509 } from '../platform/pki/x509.ts';
import { idportenIssuer } from '../idporten/index.ts';
import { PRINT_PROVIDER_ORGNR, POSTEN_BRING_ORGNR, registersComponent } from '../registers/index.ts';
import { createKrrClient, krrComponent, listLookupsOf } from './index.ts';
import { lookupPersons, type LookupCaller } from './domain/lookup.ts';
import { freshnessCutoff } from './domain/varslingsstatus.ts';
import { insertPersons, krrDb } from './store/krr-store.ts';
import type { KrrPersonRow } from './store/tables.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const KONTAKT = 'krr:global/kontaktinformasjon.read';
const DIGITALPOST = 'krr:global/digitalpost.read';
const NOW = Date.UTC(2025, 7, 31, 12, 0, 0, 0);
const CUTOFF = freshnessCutoff(NOW);
const DAY = 86_400_000;

const rng = createRng('krr-test-persons');
const pid = (birthDate: string, type: 'FNR' | 'DNR' = 'FNR') => generateFodselsnummer(rng, { birthDate, type, synthetic: 'tenor' });

function row(personidentifikator: string, o: Partial<KrrPersonRow> = {}): KrrPersonRow {
  return {
    personidentifikator,
    status: 'AKTIV',
    reservasjon: 'NEI',
    reservasjonstidspunkt: null,
    reservasjon_oppdatert: null,
    epostadresse: 'kari.nordmann@example.com',
    epostadresse_oppdatert: NOW - 30 * DAY,
    epostadresse_sist_verifisert: NOW - 10 * DAY,
    epostadresse_sist_validert: NOW - 30 * DAY,
    epostadresse_duplisert: 0,
    mobiltelefonnummer: '+4799887766',
    mobiltelefonnummer_oppdatert: NOW - 40 * DAY,
    mobiltelefonnummer_sist_verifisert: NOW - 10 * DAY,
    mobiltelefonnummer_sist_validert: null,
    mobiltelefonnummer_duplisert: 1,
    spraak: 'nn',
    spraak_oppdatert: NOW - 100 * DAY,
    postkasseadresse: 'kari.nordmann#AB12',
    postkasseleverandoeradresse: POSTEN_BRING_ORGNR,
    postkasse_sertifikat: null,
    updated_at: NOW,
    ...o,
  };
}

const P = {
  full: pid('1980-03-04'),
  dnr: pid('1990-05-06', 'DNR'),
  emailAtCutoff: pid('1970-01-02'),
  emailBeforeCutoff: pid('1970-01-03'),
  mobileAtCutoff: pid('1970-01-04'),
  mobileBeforeCutoff: pid('1970-01-05'),
  verifiedOnly: pid('1970-01-06'),
  staleEmailFreshMobile: pid('1970-01-07'),
  reserved: pid('1975-02-03'),
  deleted: pid('1960-07-08'),
  noMailbox: pid('2001-09-10'),
  notRegistered: pid('1999-12-31'),
};

const ROWS: KrrPersonRow[] = [
  row(P.full),
  row(P.dnr, { spraak: null, spraak_oppdatert: null, postkasseleverandoeradresse: '996460320', postkasseadresse: 'ola#XY34' }),
  row(P.emailAtCutoff, { epostadresse_oppdatert: CUTOFF, epostadresse_sist_verifisert: null, mobiltelefonnummer: null }),
  row(P.emailBeforeCutoff, { epostadresse_oppdatert: CUTOFF - 1, epostadresse_sist_verifisert: CUTOFF - 1, mobiltelefonnummer: null }),
  row(P.mobileAtCutoff, { epostadresse: null, mobiltelefonnummer_oppdatert: CUTOFF, mobiltelefonnummer_sist_verifisert: null }),
  row(P.mobileBeforeCutoff, { epostadresse: null, mobiltelefonnummer_oppdatert: CUTOFF - 1, mobiltelefonnummer_sist_verifisert: null }),
  row(P.verifiedOnly, { epostadresse_oppdatert: CUTOFF - 900 * DAY, epostadresse_sist_verifisert: CUTOFF + 1, mobiltelefonnummer: null }),
  row(P.staleEmailFreshMobile, { epostadresse_oppdatert: CUTOFF - DAY, epostadresse_sist_verifisert: null }),
  row(P.reserved, { reservasjon: 'JA', reservasjonstidspunkt: NOW - 200 * DAY, reservasjon_oppdatert: NOW - 200 * DAY, postkasseadresse: null, postkasseleverandoeradresse: null }),
  row(P.deleted, { status: 'SLETTET', reservasjon_oppdatert: NOW - 5 * DAY }),
  row(P.noMailbox, { postkasseadresse: null, postkasseleverandoeradresse: null }),
];

const CALLER: LookupCaller = { endpoint: 'POST /rest/v2/personer', consumerOrgno: '889640782', clientId: 'nav-krr', scopes: [KONTAKT, DIGITALPOST], requestId: 'req-1' };
const BOTH = { kontaktinformasjon: true, digitalpost: true };

/** Everything KRR stores, to check that a refused request changed nothing. */
async function snapshot(t: TestPlatform): Promise<string> {
  const k = krrDb(t.platform.db);
  const persons = await k.selectFrom('krr_persons').selectAll().orderBy('personidentifikator').execute();
  const lookups = await k.selectFrom('krr_lookups').selectAll().orderBy('id').execute();
  const lp = await k.selectFrom('krr_lookup_persons').selectAll().orderBy('lookup_id').orderBy('personidentifikator').execute();
  return JSON.stringify({ persons, lookups, lp });
}

for (const engine of testEngines()) {
  describe(`KRR lookups on ${engine}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, krrComponent], { PUBLIC_URL, RATE_LIMIT_MAX: '0' });
      await insertPersons(krrDb(t.platform.db), ROWS);
    });
    after(() => t.close());

    const lookup = (ids: string[], disclosure = BOTH, includeNotRegistered = true) =>
      lookupPersons(t.platform.db, { personidentifikatorer: ids, includeNotRegistered, disclosure }, CALLER, NOW);
    const one = async (id: string, disclosure = BOTH) => (await lookup([id], disclosure)).personer[0]!;

    describe('field rules', () => {
      it('answers an AKTIV person with every field, named as the real register names them', async () => {
        const provider = await krrDb(t.platform.db).selectFrom('krr_providers').select('sertifikat').where('orgnr', '=', POSTEN_BRING_ORGNR).executeTakeFirstOrThrow();
        assert.deepEqual(await one(P.full), {
          personidentifikator: P.full,
          reservasjon: 'NEI',
          status: 'AKTIV',
          varslingsstatus: 'KAN_VARSLES',
          kontaktinformasjon: {
            epostadresse: 'kari.nordmann@example.com',
            epostadresse_oppdatert: new Date(NOW - 30 * DAY).toISOString(),
            epostadresse_sist_verifisert: new Date(NOW - 10 * DAY).toISOString(),
            epostadresse_sist_validert: new Date(NOW - 30 * DAY).toISOString(),
            epostadresse_duplisert: 'NEI',
            mobiltelefonnummer: '+4799887766',
            mobiltelefonnummer_oppdatert: new Date(NOW - 40 * DAY).toISOString(),
            mobiltelefonnummer_sist_verifisert: new Date(NOW - 10 * DAY).toISOString(),
            mobiltelefonnummer_duplisert: 'JA',
          },
          digital_post: { postkasseadresse: 'kari.nordmann#AB12', postkasseleverandoeradresse: POSTEN_BRING_ORGNR },
          sertifikat: provider.sertifikat,
          spraak: 'nn',
          spraak_oppdatert: new Date(NOW - 100 * DAY).toISOString(),
        });
      });

      it('answers a D-number holder too, with the e-Boks certificate and no spraak when none was chosen', async () => {
        const p = await one(P.dnr);
        assert.equal(p.status, 'AKTIV');
        assert.equal(p.digital_post?.postkasseleverandoeradresse, '996460320');
        assert.ok(p.sertifikat);
        assert.equal(p.spraak, undefined);
        assert.equal(p.spraak_oppdatert, undefined);
      });

      it('e-mail: updated exactly 18 months before the lookup → KAN_VARSLES; 1 ms earlier → KAN_IKKE_VARSLES, and the data is still returned', async () => {
        assert.equal((await one(P.emailAtCutoff)).varslingsstatus, 'KAN_VARSLES');
        const stale = await one(P.emailBeforeCutoff);
        assert.equal(stale.varslingsstatus, 'KAN_IKKE_VARSLES');
        assert.equal(stale.kontaktinformasjon?.epostadresse, 'kari.nordmann@example.com');
        assert.equal(stale.kontaktinformasjon?.epostadresse_oppdatert, new Date(CUTOFF - 1).toISOString());
      });

      it('mobile: updated exactly 18 months before the lookup → KAN_VARSLES; 1 ms earlier → KAN_IKKE_VARSLES', async () => {
        assert.equal((await one(P.mobileAtCutoff)).varslingsstatus, 'KAN_VARSLES');
        assert.equal((await one(P.mobileBeforeCutoff)).varslingsstatus, 'KAN_IKKE_VARSLES');
      });

      it('a confirmation (sist_verifisert) within 18 months keeps an old address usable', async () => {
        assert.equal((await one(P.verifiedOnly)).varslingsstatus, 'KAN_VARSLES');
      });

      it('checks each channel on its own: a stale e-mail with a fresh mobile can be notified', async () => {
        assert.equal((await one(P.staleEmailFreshMobile)).varslingsstatus, 'KAN_VARSLES');
      });

      it('a reserved person: reservasjon JA with reservasjonstidspunkt, KAN_IKKE_VARSLES even with fresh data', async () => {
        const p = await one(P.reserved);
        assert.equal(p.reservasjon, 'JA');
        assert.equal(p.reservasjonstidspunkt, new Date(NOW - 200 * DAY).toISOString());
        assert.equal(p.reservasjon_oppdatert, new Date(NOW - 200 * DAY).toISOString());
        assert.equal(p.varslingsstatus, 'KAN_IKKE_VARSLES');
        assert.ok(p.kontaktinformasjon, 'contact data is still returned (service messages)');
        assert.equal(p.digital_post, undefined);
      });

      it('a SLETTET person: reservation and status only, never contact, mailbox, certificate or language, whatever the scopes', async () => {
        assert.deepEqual(await one(P.deleted), {
          personidentifikator: P.deleted,
          reservasjon: 'NEI',
          reservasjon_oppdatert: new Date(NOW - 5 * DAY).toISOString(),
          status: 'SLETTET',
          varslingsstatus: 'KAN_IKKE_VARSLES',
        });
      });

      it('a person not in the register: IKKE_REGISTRERT with nothing else (varslingsstatus with the contact scope)', async () => {
        assert.deepEqual(await one(P.notRegistered), { personidentifikator: P.notRegistered, status: 'IKKE_REGISTRERT', varslingsstatus: 'KAN_IKKE_VARSLES' });
        assert.deepEqual(await one(P.notRegistered, { kontaktinformasjon: false, digitalpost: true }), { personidentifikator: P.notRegistered, status: 'IKKE_REGISTRERT' });
      });

      it('leaves IKKE_REGISTRERT out when asked to (v2 inkluderIkkeRegistrerte false)', async () => {
        const r = await lookup([P.full, P.notRegistered], BOTH, false);
        assert.deepEqual(r.personer.map((p) => p.personidentifikator), [P.full]);
      });

      it('a person without a mailbox gets no digital_post and no sertifikat', async () => {
        const p = await one(P.noMailbox);
        assert.equal(p.digital_post, undefined);
        assert.equal(p.sertifikat, undefined);
      });

      it('krr:global/digitalpost.read alone: mailbox, certificate and reservation, but no contact data, varslingsstatus or spraak', async () => {
        const p = await one(P.full, { kontaktinformasjon: false, digitalpost: true });
        assert.deepEqual(Object.keys(p), ['personidentifikator', 'reservasjon', 'status', 'digital_post', 'sertifikat']);
      });

      it('krr:global/kontaktinformasjon.read alone: contact data, varslingsstatus and spraak, but no mailbox or certificate', async () => {
        const p = await one(P.full, { kontaktinformasjon: true, digitalpost: false });
        assert.deepEqual(Object.keys(p), ['personidentifikator', 'reservasjon', 'status', 'varslingsstatus', 'kontaktinformasjon', 'spraak', 'spraak_oppdatert']);
      });

      it('answers duplicates once, in the order first asked', async () => {
        const r = await lookup([P.reserved, P.full, P.reserved, P.notRegistered, P.full]);
        assert.deepEqual(r.personer.map((p) => p.personidentifikator), [P.reserved, P.full, P.notRegistered]);
      });
    });

    describe('audit log', () => {
      it('logs every lookup with consumer, client, scopes and each distinct person, readable per person', async () => {
        const r = await lookupPersons(
          t.platform.db,
          { personidentifikatorer: [P.noMailbox, P.noMailbox, P.notRegistered], includeNotRegistered: false, disclosure: BOTH },
          { ...CALLER, consumerOrgno: '974761076', supplierOrgno: '920204368', clientId: 'skatt-client', requestId: 'req-audit' },
          NOW + 1000,
        );
        const row = await krrDb(t.platform.db).selectFrom('krr_lookups').selectAll().where('id', '=', r.lookupId).executeTakeFirstOrThrow();
        assert.deepEqual({ ...row }, {
          id: r.lookupId,
          looked_up_at: NOW + 1000,
          endpoint: 'POST /rest/v2/personer',
          consumer_orgno: '974761076',
          supplier_orgno: '920204368',
          client_id: 'skatt-client',
          scope: `${KONTAKT} ${DIGITALPOST}`,
          request_id: 'req-audit',
          antall: 2,
        });
        const persons = await krrDb(t.platform.db).selectFrom('krr_lookup_persons').select('personidentifikator').where('lookup_id', '=', r.lookupId).orderBy('personidentifikator').execute();
        assert.deepEqual(persons.map((p) => p.personidentifikator), [P.noMailbox, P.notRegistered].sort());
        const seen = await listLookupsOf(t.platform.db, P.notRegistered);
        assert.deepEqual(seen[0], {
          lookupId: r.lookupId,
          lookedUpAt: NOW + 1000,
          consumerOrgno: '974761076',
          supplierOrgno: '920204368',
          clientId: 'skatt-client',
          scopes: [KONTAKT, DIGITALPOST],
          endpoint: 'POST /rest/v2/personer',
        });
        assert.deepEqual(await listLookupsOf(t.platform.db, P.notRegistered, { since: NOW + 1001 }), []);
      });
    });

    describe('HTTP API', () => {
      const post = async (path: string, body: unknown, scope?: string | string[]) =>
        t.app.inject({
          method: 'POST',
          url: path,
          headers: scope === undefined ? {} : { authorization: `Bearer ${await mintPlatformToken(t.platform, { scope, consumerOrgno: '889640782', clientId: 'nav' })}` },
          payload: body as object,
        });

      it('v1 answers every person asked for, IKKE_REGISTRERT included, with the token-dependent fields', async () => {
        const res = await post('/krr/rest/v1/personer', { personidentifikatorer: [P.full, P.notRegistered] }, KONTAKT);
        assert.equal(res.statusCode, 200);
        const body = res.json() as { personer: Array<Record<string, unknown>> };
        assert.deepEqual(body.personer.map((p) => p.status), ['AKTIV', 'IKKE_REGISTRERT']);
        assert.equal(body.personer[0]!.digital_post, undefined);
        assert.ok(body.personer[0]!.kontaktinformasjon);
        assert.equal(res.headers['cache-control'], 'no-store');
      });

      it('v2 leaves IKKE_REGISTRERT out unless inkluderIkkeRegistrerte is true', async () => {
        const ids = [P.full, P.notRegistered];
        const without = await post('/krr/rest/v2/personer', { personidentifikatorer: ids, inkluderIkkeRegistrerte: false }, [KONTAKT, DIGITALPOST]);
        assert.deepEqual((without.json() as any).personer.map((p: any) => p.personidentifikator), [P.full]);
        const absent = await post('/krr/rest/v2/personer', { personidentifikatorer: ids }, DIGITALPOST);
        assert.deepEqual((absent.json() as any).personer.map((p: any) => p.personidentifikator), [P.full]);
        const withIt = await post('/krr/rest/v2/personer', { personidentifikatorer: ids, inkluderIkkeRegistrerte: true }, DIGITALPOST);
        assert.deepEqual((withIt.json() as any).personer, [
          (withIt.json() as any).personer[0],
          { personidentifikator: P.notRegistered, status: 'IKKE_REGISTRERT' },
        ]);
        assert.ok((withIt.json() as any).personer[0].sertifikat);
      });

      it('serves the mailbox provider certificate as real X.509 from the test PKI (orgnr in the subject)', async () => {
        const res = await post('/krr/rest/v2/personer', { personidentifikatorer: [P.full] }, DIGITALPOST);
        const cert = new x509.X509Certificate(Buffer.from((res.json() as any).personer[0].sertifikat, 'base64'));
        assert.match(cert.subject, /984661185/);
        assert.match(cert.issuer, /Grunnmur Test Issuing CA/);
      });

      it('a 1000-person lookup answers once per person and logs them in one entry', async () => {
        const ids = [...ROWS.map((r) => r.personidentifikator)];
        const r2 = createRng('krr-test-1000');
        while (ids.length < 1000) ids.push(generateFodselsnummer(r2, { birthDate: new Date(Date.UTC(1950, 0, 1) + ids.length * DAY), synthetic: 'tenor' }));
        const res = await post('/krr/rest/v1/personer', { personidentifikatorer: ids }, KONTAKT);
        assert.equal(res.statusCode, 200);
        assert.equal((res.json() as any).personer.length, 1000);
      });

      describe('bad input changes nothing', () => {
        const refused = async (body: unknown, scope: string | string[] | undefined, status: number, code: string, message: string | RegExp) => {
          const beforeState = await snapshot(t);
          const res = await post('/krr/rest/v2/personer', body, scope);
          assert.equal(res.statusCode, status, res.body);
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
          const problem = res.json() as { code: string; title: string; detail?: string; status: number };
          assert.equal(problem.code, code);
          assert.equal(problem.status, status);
          if (typeof message === 'string') assert.equal(problem.detail ?? problem.title, message);
          else assert.match(problem.detail ?? problem.title, message);
          assert.equal(await snapshot(t), beforeState, 'the database (persons and audit log) is unchanged');
          return problem as Record<string, unknown>;
        };

        it('an empty list → 400 KRR_LOOKUP_EMPTY', async () => {
          await refused({ personidentifikatorer: [] }, KONTAKT, 400, 'KRR_LOOKUP_EMPTY', 'personidentifikatorer must hold 1 to 1000 fødselsnumre or D-numbers; it is empty');
        });

        it('1001 identifiers → 400 KRR_LOOKUP_TOO_MANY_IDS', async () => {
          const p = await refused({ personidentifikatorer: Array(1001).fill(P.full) }, KONTAKT, 400, 'KRR_LOOKUP_TOO_MANY_IDS', 'personidentifikatorer holds 1001 entries; at most 1000 may be looked up at once');
          assert.equal(p.max, 1000);
        });

        it('an invalid identifier → 400 KRR_INVALID_PERSONIDENTIFIKATOR naming its position and the failed rule', async () => {
          const bad = `${P.full.slice(0, 10)}${(Number(P.full[10]) + 1) % 10}`;
          const p = await refused({ personidentifikatorer: [P.full, P.reserved, bad] }, KONTAKT, 400, 'KRR_INVALID_PERSONIDENTIFIKATOR', /^personidentifikatorer\[2\] is not a valid fødselsnummer or D-number: /);
          assert.deepEqual((p.problems as any[]).map((x) => [x.index, x.rules]), [[2, ['k2']]]);
          assert.ok(!JSON.stringify(p).includes(bad), 'the number itself is never echoed');
        });

        it('an invalid identifier is described without any of its digits (date, individnummer)', async () => {
          const p = await refused({ personidentifikatorer: ['12345678901'] }, KONTAKT, 400, 'KRR_INVALID_PERSONIDENTIFIKATOR', /^personidentifikatorer\[0\] is not a valid fødselsnummer or D-number: /);
          const text = JSON.stringify([p.problems, p.detail]);
          for (let i = 0; i + 2 <= 11; i++) assert.ok(!text.includes('12345678901'.slice(i, i + 2)), `no two adjacent digits of the number (${'12345678901'.slice(i, i + 2)})`);
        });

        it('several invalid identifiers → each named by position', async () => {
          const p = await refused({ personidentifikatorer: ['123', P.full, 'abcdefghijk'] }, KONTAKT, 400, 'KRR_INVALID_PERSONIDENTIFIKATOR', 'personidentifikatorer[0], personidentifikatorer[2] are not a valid fødselsnummer or D-number');
          assert.deepEqual((p.problems as any[]).map((x) => x.index), [0, 2]);
        });

        it('a token without a KRR scope → 403 AUTH_INSUFFICIENT_SCOPE', async () => {
          const p = await refused({ personidentifikatorer: [P.full] }, 'folkeregister:deling/offentligmedhjemmel', 403, 'AUTH_INSUFFICIENT_SCOPE', `The token has none of the scopes ${KONTAKT}, ${DIGITALPOST}`);
          assert.deepEqual(p.requiredScopes, [KONTAKT, DIGITALPOST]);
        });

        it('no token → 401 AUTH_TOKEN_MISSING (before the body is looked at)', async () => {
          await refused({ personidentifikatorer: [] }, undefined, 401, 'AUTH_TOKEN_MISSING', 'This resource requires a Maskinporten bearer token');
        });

        it('a form-encoded body → 415 PLATFORM_UNSUPPORTED_MEDIA_TYPE (the API takes JSON only)', async () => {
          const beforeState = await snapshot(t);
          const res = await t.app.inject({
            method: 'POST',
            url: '/krr/rest/v2/personer',
            headers: { authorization: `Bearer ${await mintPlatformToken(t.platform, { scope: KONTAKT })}`, 'content-type': 'application/x-www-form-urlencoded' },
            payload: `personidentifikatorer=${P.full}`,
          });
          assert.equal(res.statusCode, 415, res.body);
          assert.equal(res.json().code, 'PLATFORM_UNSUPPORTED_MEDIA_TYPE');
          assert.equal(res.json().title, 'This endpoint takes application/json, not application/x-www-form-urlencoded');
          assert.equal(await snapshot(t), beforeState);
        });

        it('a body without personidentifikatorer → 400 PLATFORM_VALIDATION_FAILED', async () => {
          await refused({ personer: [P.full] }, KONTAKT, 400, 'PLATFORM_VALIDATION_FAILED', /personidentifikatorer/);
        });
      });

      it('printSertifikat (GET and POST, open) answers the print provider and its X.509 certificate', async () => {
        for (const method of ['GET', 'POST'] as const) {
          const res = await t.app.inject({ method, url: '/krr/rest/v2/printSertifikat' });
          assert.equal(res.statusCode, 200, res.body);
          const body = res.json() as { postkasseleverandoerAdresse: string; x509Sertifikat: string };
          assert.deepEqual(Object.keys(body), ['postkasseleverandoerAdresse', 'x509Sertifikat']);
          assert.equal(body.postkasseleverandoerAdresse, PRINT_PROVIDER_ORGNR);
          const cert = new x509.X509Certificate(Buffer.from(body.x509Sertifikat, 'base64'));
          assert.match(cert.subject, new RegExp(PRINT_PROVIDER_ORGNR));
        }
      });

      it('lists the lookup routes in /krr/openapi.json with their security', async () => {
        const doc = (await t.app.inject('/krr/openapi.json')).json() as any;
        assert.deepEqual(doc.paths['/krr/rest/v2/personer'].post.security, [{ maskinporten: [KONTAKT, DIGITALPOST] }]);
        assert.ok(doc.paths['/krr/rest/v1/person'].get);
        assert.ok(doc.paths['/krr/rest/v2/printSertifikat'].get);
        const responses = doc.paths['/krr/rest/v2/personer'].post.responses;
        for (const status of ['400', '401', '403', '413', '415']) {
          assert.ok(responses[status].content['application/problem+json'].schema, `${status} is application/problem+json`);
          assert.equal(responses[status].content['application/json'], undefined);
        }
        assert.ok(doc.paths['/krr/rest/v1/person'].patch);
      });
    });

    describe('GET /rest/v1/person (ID-porten token)', () => {
      const idportenToken = async (scope: string, claims: Record<string, unknown> = { pid: P.full }, header: Record<string, unknown> = { typ: 'at+jwt' }) => {
        const issuer = ownIdportenIssuer(t.platform.config);
        return mintTestToken(await t.platform.keys.getSigningKey(issuer), issuer, { scope, clientId: 'minside', consumerOrgno: '889640782', claims: { aud: 'unspecified', ...claims }, header });
      };

      it('our ID-porten issuer is the one the kernel verifies', () => {
        assert.equal(ownIdportenIssuer(t.platform.config), idportenIssuer(t.platform.config));
      });

      it("answers the token's person as JSON with the user scopes' fields, and logs the lookup", async () => {
        const res = await t.app.inject({ url: '/krr/rest/v1/person', headers: { authorization: `Bearer ${await idportenToken('openid krr:user/kontaktinformasjon.read')}` } });
        assert.equal(res.statusCode, 200, res.body);
        const p = res.json() as Record<string, unknown>;
        assert.equal(p.personidentifikator, P.full);
        assert.ok(p.kontaktinformasjon);
        assert.equal(p.digital_post, undefined);
        const seen = await listLookupsOf(t.platform.db, P.full);
        assert.equal(seen[0]!.endpoint, 'GET /rest/v1/person');
        assert.equal(seen[0]!.clientId, 'minside');
      });

      it('answers a JWS signed by KRR with Accept: application/jose', async () => {
        const res = await t.app.inject({
          url: '/krr/rest/v1/person',
          headers: { accept: 'application/jose', authorization: `Bearer ${await idportenToken('krr:user/digitalpost.read')}` },
        });
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /^application\/jose/);
        const jwks = createLocalJWKSet((await t.app.inject('/krr/jwks')).json());
        const { payload } = await jwtVerify(res.body, jwks, { issuer: `${PUBLIC_URL}/krr`, audience: 'minside' });
        assert.equal(payload.personidentifikator, P.full);
        assert.ok(payload.digital_post);
        assert.equal(payload.kontaktinformasjon, undefined);
      });

      it('refuses a Maskinporten token (401), a token without pid (401) and one without a krr:user scope (403)', async () => {
        const mp = await mintPlatformToken(t.platform, { scope: 'krr:user/kontaktinformasjon.read' });
        assert.equal((await t.app.inject({ url: '/krr/rest/v1/person', headers: { authorization: `Bearer ${mp}` } })).json().code, 'AUTH_TOKEN_INVALID');
        const noPid = await idportenToken('krr:user/kontaktinformasjon.read', { pid: undefined });
        const r1 = await t.app.inject({ url: '/krr/rest/v1/person', headers: { authorization: `Bearer ${noPid}` } });
        assert.equal(r1.statusCode, 401);
        assert.equal(r1.json().code, 'AUTH_TOKEN_INVALID');
        const noScope = await idportenToken('openid profile');
        const r2 = await t.app.inject({ url: '/krr/rest/v1/person', headers: { authorization: `Bearer ${noScope}` } });
        assert.equal(r2.statusCode, 403);
        assert.equal(r2.json().code, 'AUTH_INSUFFICIENT_SCOPE');
        const before = await snapshot(t);
        const head = await t.app.inject({ method: 'HEAD', url: '/krr/rest/v1/person', headers: { authorization: `Bearer ${await idportenToken('krr:user/kontaktinformasjon.read')}` } });
        assert.equal(head.statusCode, 405, 'HEAD would log a lookup that sends nothing');
        assert.equal(await snapshot(t), before);
        const none = await t.app.inject({ url: '/krr/rest/v1/person' });
        assert.equal(none.statusCode, 401);
        assert.equal(none.json().code, 'AUTH_TOKEN_MISSING');
        assert.equal(none.json().detail ?? none.json().title, 'This resource requires an ID-porten bearer token');
        const noTyp = await idportenToken('krr:user/kontaktinformasjon.read', { pid: P.full }, {});
        assert.equal((await t.app.inject({ url: '/krr/rest/v1/person', headers: { authorization: `Bearer ${noTyp}` } })).statusCode, 401);
      });
    });

    describe('PATCH /rest/v1/person (ID-porten token with krr:user/spraak.write)', () => {
      const idportenToken = async (scope: string) => {
        const issuer = ownIdportenIssuer(t.platform.config);
        return mintTestToken(await t.platform.keys.getSigningKey(issuer), issuer, { scope, clientId: 'minside', consumerOrgno: '889640782', claims: { aud: 'unspecified', pid: P.full }, header: { typ: 'at+jwt' } });
      };
      const patch = async (body: unknown, scope: string) =>
        t.app.inject({ method: 'PATCH', url: '/krr/rest/v1/person', payload: body as object, headers: { authorization: `Bearer ${await idportenToken(scope)}` } });

      it("changes the person's language, sets spraak_oppdatert, and answers the person as GET does", async () => {
        const before = Date.now();
        const res = await patch({ spraak: 'se' }, 'openid krr:user/spraak.write krr:user/kontaktinformasjon.read');
        assert.equal(res.statusCode, 200, res.body);
        const p = res.json() as Record<string, unknown>;
        assert.equal(p.spraak, 'se');
        assert.ok(Date.parse(String(p.spraak_oppdatert)) >= before - 1000);
        const row = await krrDb(t.platform.db).selectFrom('krr_persons').selectAll().where('personidentifikator', '=', P.full).executeTakeFirstOrThrow();
        assert.equal(row.spraak, 'se');
        assert.equal((await listLookupsOf(t.platform.db, P.full))[0]!.endpoint, 'PATCH /rest/v1/person');
      });

      it('refuses an unknown language, another member and a token without krr:user/spraak.write, and changes nothing', async () => {
        const before = await snapshot(t);
        const bad = await patch({ spraak: 'de' }, 'krr:user/spraak.write');
        assert.equal(bad.statusCode, 400);
        assert.equal(bad.json().code, 'PLATFORM_VALIDATION_FAILED');
        const extra = await patch({ spraak: 'en', epostadresse: 'x@example.com' }, 'krr:user/spraak.write');
        assert.equal(extra.statusCode, 400);
        assert.equal(extra.json().code, 'PLATFORM_VALIDATION_FAILED');
        const readOnly = await patch({ spraak: 'en' }, 'krr:user/kontaktinformasjon.read');
        assert.equal(readOnly.statusCode, 403);
        assert.equal(readOnly.json().code, 'AUTH_INSUFFICIENT_SCOPE');
        assert.equal(await snapshot(t), before);
      });
    });

    describe('typed client', () => {
      it('looks up over HTTP with its own token and rethrows problems with their code', async () => {
        const client = createKrrClient('', (async (input: string | URL | Request, init?: RequestInit) => {
          const res = await t.app.inject({ method: (init?.method ?? 'GET') as 'GET' | 'POST', url: String(input), headers: Object.fromEntries(new Headers(init?.headers).entries()), ...(init?.body ? { payload: String(init.body) } : {}) });
          return new Response(res.body, { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type']) } });
        }) as typeof fetch);
        const token = await mintPlatformToken(t.platform, { scope: KONTAKT });
        const r = await client.lookup([P.full, P.notRegistered], token, { inkluderIkkeRegistrerte: true });
        assert.deepEqual(r.personer.map((p) => p.status), ['AKTIV', 'IKKE_REGISTRERT']);
        await assert.rejects(client.lookup([], token), (err: any) => err.code === 'KRR_LOOKUP_EMPTY' && err.status === 400);
        assert.equal((await client.getPrintSertifikat()).postkasseleverandoerAdresse, PRINT_PROVIDER_ORGNR);
      });
    });
  });
}
