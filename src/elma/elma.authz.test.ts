/**
 * Authorization of ELMA's write API, forbidden cases first: no token (401), a token without
 * `elma:participants.write` (403), an expired-looking garbage token (401), another access-point
 * provider's participant (403 `ELMA_PARTICIPANT_OWNED_BY_OTHER`); each leaves the database
 * unchanged. Then the allowed cases: create (201), replace (200), delete (204). The reads (SMP
 * and JSON view) need no token.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { runMigrations } from '../platform/db/migrations.ts';
import { testEngines } from '../platform/db/testing.ts';
import { DIGDIR_ORGNR, registersComponent } from '../registers/index.ts';
import { ELMA_SCOPE_PARTICIPANTS_WRITE, elmaComponent, elmaMigrations, seedElma, type ElmaParticipant } from './index.ts';
import { BERGEN, OTHER_PROVIDER, snapshot, UNREGISTERED_ORGNR, validBody } from './test-helpers.ts';

const PUBLIC_URL = 'http://grunnmur.test';

for (const engine of testEngines()) {
  describe(`ELMA write API authorization on ${engine}`, () => {
    let t: TestPlatform;
    let cert: string;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, elmaComponent], { PUBLIC_URL, RATE_LIMIT_MAX: '0' });
      cert = (await t.platform.pki.issueEnterpriseCertificate({ orgnr: OTHER_PROVIDER, organisationName: 'POSTEN BRING AS' })).certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
    });
    after(() => t.close());

    const token = async (consumerOrgno: string, scope: string = ELMA_SCOPE_PARTICIPANTS_WRITE) => `Bearer ${await mintPlatformToken(t.platform, { scope, consumerOrgno })}`;
    const put = (orgnr: string, authorization: string | undefined, payload: unknown = validBody(cert)) =>
      t.app.inject({ method: 'PUT', url: `/elma/api/v1/participants/${orgnr}`, headers: authorization === undefined ? {} : { authorization }, payload: payload as object });
    const del = (orgnr: string, authorization: string | undefined) =>
      t.app.inject({ method: 'DELETE', url: `/elma/api/v1/participants/${orgnr}`, headers: authorization === undefined ? {} : { authorization } });
    const refused = async (call: () => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string; json: () => unknown }>, status: number, code: string, detail: string | RegExp) => {
      const before = await snapshot(t);
      const res = await call();
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const problem = res.json() as { code: string; status: number; title: string; detail?: string };
      assert.equal(problem.code, code);
      assert.equal(problem.status, status);
      if (typeof detail === 'string') assert.equal(problem.detail ?? problem.title, detail);
      else assert.match(problem.detail ?? problem.title, detail);
      assert.equal(await snapshot(t), before, 'the database is unchanged');
      return res;
    };

    it('PUT without a token → 401 AUTH_TOKEN_MISSING, before the body is read', async () => {
      const res = await refused(() => put(UNREGISTERED_ORGNR, undefined, { not: 'even valid' }), 401, 'AUTH_TOKEN_MISSING', /token/i);
      assert.match(String(res.headers['www-authenticate']), /^Bearer realm=/);
    });

    it('DELETE without a token → 401 AUTH_TOKEN_MISSING', async () => {
      await refused(() => del(BERGEN, undefined), 401, 'AUTH_TOKEN_MISSING', /token/i);
    });

    it('PUT and DELETE with a malformed token → 401 AUTH_TOKEN_INVALID', async () => {
      await refused(() => put(UNREGISTERED_ORGNR, 'Bearer not.a.jwt'), 401, 'AUTH_TOKEN_INVALID', /./);
      await refused(() => del(BERGEN, 'Bearer not.a.jwt'), 401, 'AUTH_TOKEN_INVALID', /./);
    });

    it(`PUT and DELETE with a token without ${ELMA_SCOPE_PARTICIPANTS_WRITE} → 403 AUTH_INSUFFICIENT_SCOPE`, async () => {
      const other = await token(DIGDIR_ORGNR, 'move/dpo.read');
      const res = await refused(() => put(UNREGISTERED_ORGNR, other), 403, 'AUTH_INSUFFICIENT_SCOPE', /scope/i);
      assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope"/);
      await refused(() => del(BERGEN, other), 403, 'AUTH_INSUFFICIENT_SCOPE', /scope/i);
    });

    it('PUT and DELETE of a participant another provider registered → 403 ELMA_PARTICIPANT_OWNED_BY_OTHER', async () => {
      const detail = `Participant 0192:${BERGEN} is registered by access-point provider ${DIGDIR_ORGNR}; only that provider may change or delete it`;
      const posten = await token(OTHER_PROVIDER);
      await refused(() => put(BERGEN, posten), 403, 'ELMA_PARTICIPANT_OWNED_BY_OTHER', detail);
      await refused(() => del(BERGEN, posten), 403, 'ELMA_PARTICIPANT_OWNED_BY_OTHER', detail);
    });

    it('reads need no token: the SMP and the JSON view', async () => {
      assert.equal((await t.app.inject({ url: `/elma/iso6523-actorid-upis::0192:${BERGEN}` })).statusCode, 200);
      assert.equal((await t.app.inject({ url: `/elma/api/v1/participants/${BERGEN}` })).statusCode, 200);
    });

    it('allowed: a provider creates (201), replaces (200) and deletes (204) its participant, and then another provider may register it', async () => {
      const posten = await token(OTHER_PROVIDER);
      const created = await put(UNREGISTERED_ORGNR, posten);
      assert.equal(created.statusCode, 201, created.body);
      const body = created.json() as ElmaParticipant;
      assert.equal(body.registeredBy, OTHER_PROVIDER);
      assert.deepEqual(body.participantIdentifier, { scheme: 'iso6523-actorid-upis', value: `0192:${UNREGISTERED_ORGNR}` });
      const endpoint = body.documents[0]!.processes[0]!.endpoints[0]!;
      assert.equal(endpoint.serviceActivationDate, '2024-12-31T23:00:00.000Z', 'dates are answered in UTC');
      assert.equal(endpoint.requireBusinessLevelSignature, false);
      assert.deepEqual(body.documents[0]!.documentIdentifier, { scheme: 'busdox-docid-qns', value: 'urn:no:difi:arkivmelding:xsd::arkivmelding' });
      assert.deepEqual(body.documents[0]!.processes[0]!.processIdentifier, { scheme: 'cenbii-procid-ubl', value: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0' });

      const replaced = await put(UNREGISTERED_ORGNR, posten, validBody(cert, { endpointUrl: 'https://posten.example/ap' }));
      assert.equal(replaced.statusCode, 200);
      assert.equal((replaced.json() as ElmaParticipant).documents[0]!.processes[0]!.endpoints[0]!.endpointUrl, 'https://posten.example/ap');
      assert.deepEqual(await t.app.inject({ url: `/elma/api/v1/participants/${UNREGISTERED_ORGNR}` }).then((r) => r.json()), replaced.json());

      // Digdir may not take it over.
      const digdir = await token(DIGDIR_ORGNR);
      await refused(() => put(UNREGISTERED_ORGNR, digdir), 403, 'ELMA_PARTICIPANT_OWNED_BY_OTHER', /registered by access-point provider 984661185/);

      const deleted = await del(UNREGISTERED_ORGNR, posten);
      assert.equal(deleted.statusCode, 204);
      assert.equal(deleted.body, '');
      assert.equal((await t.app.inject({ url: `/elma/api/v1/participants/${UNREGISTERED_ORGNR}` })).statusCode, 404);
      await refused(() => del(UNREGISTERED_ORGNR, posten), 404, 'ELMA_PARTICIPANT_NOT_FOUND', `No participant 0192:${UNREGISTERED_ORGNR} is registered in ELMA`);
      assert.equal((await put(UNREGISTERED_ORGNR, digdir)).statusCode, 201);
      assert.equal((await del(UNREGISTERED_ORGNR, digdir)).statusCode, 204);
    });

    it('Digdir (the seeded participants’ provider) may replace a seeded participant', async () => {
      const before = (await t.app.inject({ url: `/elma/api/v1/participants/${BERGEN}` })).json() as ElmaParticipant;
      const res = await put(BERGEN, await token(DIGDIR_ORGNR));
      assert.equal(res.statusCode, 200);
      assert.equal((res.json() as ElmaParticipant).documents.length, 1);
      assert.notDeepEqual(res.json(), before);
    });
  });

  describe(`ELMA seed with two processes on ${engine}`, () => {
    it('two seeds at once on a fresh database: one registers every participant, the other nothing', async () => {
      const t = await createTestPlatform(engine, [registersComponent], { PUBLIC_URL });
      try {
        await runMigrations(t.platform.db, [{ component: 'elma', migrations: elmaMigrations }]);
        const results = await Promise.all([seedElma(t.platform.db, t.platform.pki, PUBLIC_URL), seedElma(t.platform.db, t.platform.pki, PUBLIC_URL)]);
        const winners = results.filter((r) => r.seeded);
        assert.equal(winners.length, 1, JSON.stringify(results));
        assert.equal(winners[0]!.participants, 18, '15 agencies, 2 mailbox providers, 1 print provider');
        assert.deepEqual(results.find((r) => !r.seeded), { seeded: false, participants: 0 });
        const first = await snapshot(t);
        assert.deepEqual(await seedElma(t.platform.db, t.platform.pki, PUBLIC_URL), { seeded: false, participants: 0 });
        assert.equal(await snapshot(t), first);
      } finally {
        await t.close();
      }
    });
  });
}
