/**
 * The usage counter of eFormidling (`eformidling`/`message`, the statistics page's "messages
 * sent through eFormidling"): counted once per message, in the transaction of the send, so a
 * refused send, a repeated send and a send whose transaction rolls back count nothing, and a
 * delivery (the job) counts nothing more. On both databases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { testEngines } from '../platform/db/testing.ts';
import { elmaComponent } from '../elma/index.ts';
import { krrComponent } from '../krr/index.ts';
import { maskinportenComponent } from '../maskinporten/index.ts';
import { registersComponent } from '../registers/index.ts';
import { MESSAGE_STATS_EVENT } from './domain/integration-point.ts';
import { EFORMIDLING_SCOPE, eformidlingComponent, integrationPointOf } from './index.ts';
import { ARKIVMELDING_XML, arkivmeldingSbd, DIGDIR, NAV, nextMove } from './testing/fixtures.ts';

for (const engine of testEngines()) {
  describe(`eFormidling usage counter on ${engine}`, () => {
    let t: TestPlatform;
    let digdir: ReturnType<typeof nextMove>;

    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, krrComponent, elmaComponent, eformidlingComponent]);
      digdir = nextMove(t.app, await mintPlatformToken(t.platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: DIGDIR }));
    });
    after(async () => t?.close());

    /** Messages counted, all days. */
    async function counted(): Promise<number> {
      return (await t.platform.stats.list({ component: 'eformidling', event: MESSAGE_STATS_EVENT })).reduce((n, r) => n + r.count, 0);
    }

    /** A draft from Digdir to NAV with its hoveddokument, not sent. */
    async function draft(): Promise<string> {
      const sbd = arkivmeldingSbd(DIGDIR, NAV);
      const id = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      assert.equal((await digdir.create(sbd)).statusCode, 200);
      assert.equal((await digdir.upload(id, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200);
      return id;
    }

    it('counts a sent message once, on the day it was sent; a second send and the delivery count nothing', async () => {
      const before = await counted();
      const id = await draft();
      assert.equal(await counted(), before, 'a draft is not a message sent');
      assert.equal((await digdir.send(id)).statusCode, 200);
      assert.equal(await counted(), before + 1);
      assert.equal((await digdir.send(id)).statusCode, 400, 'already sent');
      while ((await t.platform.jobs.runDue()) > 0);
      assert.equal(await counted(), before + 1);
      const today = new Date().toISOString().slice(0, 10);
      assert.ok((await t.platform.stats.list({ component: 'eformidling', event: MESSAGE_STATS_EVENT })).some((r) => r.day === today));
    });

    it('counts nothing for a send refused for a missing file', async () => {
      const before = await counted();
      const sbd = arkivmeldingSbd(DIGDIR, NAV);
      assert.equal((await digdir.create(sbd)).statusCode, 200);
      const res = await digdir.send(sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier);
      assert.equal(res.statusCode, 400);
      assert.equal(await counted(), before);
    });

    it('counts nothing when the send’s transaction rolls back, and once when it is sent again', async () => {
      const before = await counted();
      const id = await draft();
      const ip = integrationPointOf(t.platform);
      ip.options.checkpoint = (step) => {
        if (step === 'send:in-transaction') throw new Error('crash inside the send transaction');
      };
      try {
        const res = await digdir.send(id);
        assert.equal(res.statusCode, 500);
      } finally {
        ip.options.checkpoint = undefined;
      }
      assert.equal(await counted(), before, 'rolled back with the send');
      const row = await t.platform.db.kysely.selectFrom('eformidling_messages').select('state').where('message_id', '=', id).where('direction', '=', 'OUTGOING').executeTakeFirstOrThrow();
      assert.equal(row.state, 'DRAFT', 'the message is still a draft');
      assert.equal((await digdir.send(id)).statusCode, 200);
      assert.equal(await counted(), before + 1);
    });

    it('counts concurrent sends of different messages each once', async () => {
      const before = await counted();
      const ids = await Promise.all(Array.from({ length: 5 }, () => draft()));
      const answers = await Promise.all(ids.map((id) => digdir.send(id)));
      assert.deepEqual(
        answers.map((r) => r.statusCode),
        [200, 200, 200, 200, 200],
      );
      assert.equal(await counted(), before + 5);
    });
  });
}
