/**
 * The Next Move API end to end, on both databases: an agency sends Digdir's example
 * arkivmelding to another agency through the API alone (Maskinporten tokens), the delivery job
 * builds a signed ASiC-E, the receiver peeks, pops (the signature verifies against the test CA)
 * and deletes, and the sender sees OPPRETTET → SENDT → MOTTATT → LEVERT; an application receipt
 * back makes it LEST. Also: capabilities, conversations, the status queue, webhooks and
 * time-to-live.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { testEngines } from '../platform/db/testing.ts';
import { elmaComponent, EFORMIDLING_DOCUMENT_TYPES, EFORMIDLING_PROCESSES } from '../elma/index.ts';
import { krrComponent } from '../krr/index.ts';
import { maskinportenComponent } from '../maskinporten/index.ts';
import { registersComponent } from '../registers/index.ts';
import { EFORMIDLING_SCOPE, eformidlingComponent, integrationPointOf, verifyAsice } from './index.ts';
import { ARKIVMELDING_XML, arkivmeldingSbd, DIGDIR, grantToken, multipartBody, NAV, nextMove, SKATTEETATEN } from './testing/fixtures.ts';

async function listen(handler: (body: unknown) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      handler(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}/hook` };
}

for (const engine of testEngines()) {
  describe(`eFormidling Next Move API end to end (${engine})`, () => {
    let t: TestPlatform;
    let sender: ReturnType<typeof nextMove>;
    let receiver: ReturnType<typeof nextMove>;
    let other: ReturnType<typeof nextMove>;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, krrComponent, elmaComponent, eformidlingComponent]);
      // Real tokens from our Maskinporten (JWT-bearer grant) for the two agencies of the main story.
      sender = nextMove(t.app, await grantToken(t.app, t.platform, DIGDIR));
      receiver = nextMove(t.app, await grantToken(t.app, t.platform, NAV));
      const token = (orgnr: string) => mintPlatformToken(t.platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: orgnr });
      other = nextMove(t.app, await token(SKATTEETATEN));
    });
    after(async () => t.close());

    it('capabilities of a seeded agency come from ELMA (DPO, with the response process)', async () => {
      const res = await sender.get(`/capabilities/0192:${NAV}`);
      assert.equal(res.statusCode, 200);
      const { capabilities } = res.json() as { capabilities: Array<{ process: string; serviceIdentifier: string; documentTypes: Array<{ type: string; standard: string }> }> };
      const adm = capabilities.find((c) => c.process === 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0');
      assert.deepEqual(adm, { process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0', serviceIdentifier: 'DPO', documentTypes: [{ type: 'arkivmelding', standard: EFORMIDLING_DOCUMENT_TYPES.arkivmelding }] });
      const response = capabilities.find((c) => c.process === EFORMIDLING_PROCESSES.arkivmeldingResponse);
      assert.ok(response?.documentTypes.some((d) => d.type === 'arkivmelding_kvittering'));
      assert.ok(capabilities.every((c) => c.serviceIdentifier === 'DPO'));
      const unknown = await sender.get('/capabilities/0192:123456785');
      assert.equal(unknown.statusCode, 404);
      assert.equal((unknown.json() as { code: string }).code, 'EFORMIDLING_IDENTIFIER_NOT_FOUND');
    });

    it('delivers an arkivmelding as a verified ASiC-E and records every status once, in order', async () => {
      const events: Array<Record<string, unknown>> = [];
      const hook = await listen((body) => events.push(body as Record<string, unknown>));
      try {
        const sub = await sender.post('/subscriptions', { name: 'Alle statuser', pushEndpoint: hook.url, resource: 'messages', event: 'status' });
        assert.equal(sub.statusCode, 200, sub.body);
        assert.equal(events.length, 1);
        assert.equal(events.shift()!.event, 'ping');

        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
        const created = await sender.create(sbd);
        assert.equal(created.statusCode, 200, created.body);
        const stored = created.json() as typeof sbd & { standardBusinessDocumentHeader: { documentIdentification: { creationDateAndTime?: string } } };
        assert.match(String(stored.standardBusinessDocumentHeader.documentIdentification.creationDateAndTime), /^\d{4}-\d{2}-\d{2}T/);

        assert.equal((await sender.upload(messageId, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200);
        assert.equal((await sender.upload(messageId, 'vedlegg.txt', 'Før loven står en dørvokter.', 'text/plain')).statusCode, 200);
        const sent = await sender.send(messageId);
        assert.equal(sent.statusCode, 200, sent.body);
        assert.equal((await receiver.get('/messages/in/peek')).statusCode, 204, 'nothing is in the queue before the job ran');

        await t.platform.jobs.runDue();
        await t.platform.jobs.runDue();

        const peek = await receiver.get('/messages/in/peek');
        assert.equal(peek.statusCode, 200, peek.body);
        assert.equal((peek.json() as typeof sbd).standardBusinessDocumentHeader.documentIdentification.instanceIdentifier, messageId);
        assert.equal((await other.get(`/messages/in/pop/${messageId}`)).statusCode, 404, "another organisation's pop is a 404");
        const pop = await receiver.get(`/messages/in/pop/${messageId}`);
        assert.equal(pop.statusCode, 200);
        assert.equal(pop.headers['content-type'], 'application/vnd.etsi.asic-e+zip');
        assert.equal(pop.headers['content-disposition'], 'attachment; filename=asic.zip');
        const verified = await verifyAsice(pop.rawPayload, { caCertificatesPem: [await t.platform.pki.rootCertificatePem(), await t.platform.pki.issuingCertificatePem()] });
        assert.equal(verified.signerOrgnr, DIGDIR);
        assert.deepEqual(
          verified.files.map((f) => f.name),
          ['arkivmelding.xml', 'vedlegg.txt'],
        );
        assert.deepEqual(Buffer.from(verified.files[0]!.content), ARKIVMELDING_XML);

        const deleted = await receiver.delete(`/messages/in/${messageId}`);
        assert.equal(deleted.statusCode, 200, deleted.body);
        assert.equal((await receiver.get('/messages/in/peek')).statusCode, 204);
        assert.equal((await receiver.get(`/messages/in/pop/${messageId}`)).statusCode, 404);

        const outgoing = (await sender.get(`/statuses/${messageId}`)).json() as { content: Array<{ status: string; convId: number; messageId: string }> };
        assert.deepEqual(
          outgoing.content.map((s) => s.status),
          ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT'],
        );
        const incoming = (await receiver.get(`/statuses/${messageId}`)).json() as { content: Array<{ status: string }> };
        assert.deepEqual(
          incoming.content.map((s) => s.status),
          ['INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT'],
        );
        const conversation = (await sender.get(`/conversations/messageId/${messageId}`)).json() as { finished: boolean; direction: string; serviceIdentifier: string; messageStatuses: unknown[] };
        assert.equal(conversation.finished, true);
        assert.equal(conversation.direction, 'OUTGOING');
        assert.equal(conversation.serviceIdentifier, 'DPO');
        assert.equal(conversation.messageStatuses.length, 4);

        // The receiver answers with an application receipt: the original becomes LEST.
        const kvittering = arkivmeldingSbd(NAV, DIGDIR, { conversationId: sbd.standardBusinessDocumentHeader.businessScope.scope[0]!.instanceIdentifier });
        const kh = kvittering.standardBusinessDocumentHeader as any;
        kh.documentIdentification.standard = EFORMIDLING_DOCUMENT_TYPES.arkivmelding_kvittering;
        kh.documentIdentification.type = 'arkivmelding_kvittering';
        kh.businessScope.scope[0].identifier = EFORMIDLING_PROCESSES.arkivmeldingResponse;
        const receipt = { standardBusinessDocumentHeader: kh, arkivmelding_kvittering: { receiptType: 'OK', relatedToMessageId: messageId } };
        const rc = await receiver.create(receipt);
        assert.equal(rc.statusCode, 200, rc.body);
        assert.equal((await receiver.upload(kh.documentIdentification.instanceIdentifier, 'kvittering.txt', 'OK', 'text/plain')).statusCode, 200);
        assert.equal((await receiver.send(kh.documentIdentification.instanceIdentifier)).statusCode, 200);
        await t.platform.jobs.runDue();
        const after = (await sender.get(`/statuses/${messageId}`)).json() as { content: Array<{ status: string }> };
        assert.deepEqual(
          after.content.map((s) => s.status),
          ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST'],
        );

        // Webhooks: the ping, then each of the sender's statuses once.
        await t.platform.jobs.runDue();
        await t.platform.jobs.runDue();
        const pushed = events.filter((e) => e.messageId === messageId).map((e) => e.status);
        assert.deepEqual(pushed.sort(), ['LEST', 'LEVERT', 'MOTTATT', 'OPPRETTET', 'SENDT']);
      } finally {
        hook.server.close();
      }
    });

    it('a message whose time-to-live passes before delivery ends as LEVETID_UTLOPT, and the sender sees it', async () => {
      const expires = new Date(Date.now() + 2_000).toISOString();
      const sbd = arkivmeldingSbd(DIGDIR, NAV, { expectedResponseDateTime: expires });
      const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      assert.equal((await sender.create(sbd)).statusCode, 200);
      assert.equal((await sender.upload(messageId, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200);
      assert.equal((await sender.send(messageId)).statusCode, 200);
      const ip = integrationPointOf(t.platform);
      assert.equal(await ip.expireDue(Date.now() + 3_000), 1);
      await t.platform.jobs.runDue(); // the delivery job now finds the message ended
      const statuses = (await sender.get(`/statuses/${messageId}`)).json() as { content: Array<{ status: string; description?: string }> };
      assert.deepEqual(
        statuses.content.map((s) => s.status),
        ['OPPRETTET', 'LEVETID_UTLOPT'],
      );
      assert.equal(statuses.content[1]!.description, 'Levetiden for meldingen er utgått. Må sendes på nytt');
      const list = (await receiver.get(`/messages/in?messageId=${messageId}`)).json() as { totalElements: number };
      assert.equal(list.totalElements, 0, 'nothing reached the receiver');
    });

    async function receiveAll(messageId: string) {
      const peek = await receiver.get(`/messages/in/peek?messageId=${messageId}`);
      assert.equal(peek.statusCode, 200, peek.body);
      const pop = await receiver.get(`/messages/in/pop/${messageId}`);
      assert.equal(pop.statusCode, 200);
      const verified = await verifyAsice(pop.rawPayload, { caCertificatesPem: [await t.platform.pki.rootCertificatePem(), await t.platform.pki.issuingCertificatePem()] });
      assert.equal((await receiver.delete(`/messages/in/${messageId}`)).statusCode, 200);
      return verified;
    }

    it('create and send in one multipart request (sbd part after the files too); the files arrive in the ASiC-E', async () => {
      for (const sbdFirst of [true, false]) {
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
        const { body, contentType } = multipartBody(
          sbd,
          [
            { name: 'Arkivmelding', filename: 'arkivmelding.xml', type: 'application/xml', content: ARKIVMELDING_XML },
            { name: 'Vedlegg', filename: 'vedlegg.pdf', type: 'application/pdf', content: Buffer.alloc(5 * 1024 * 1024, 7) },
          ],
          sbdFirst,
        );
        const res = await sender.multipart(body, contentType);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((res.json() as typeof sbd).standardBusinessDocumentHeader.documentIdentification.instanceIdentifier, messageId);
        await t.platform.jobs.runDue();
        const verified = await receiveAll(messageId);
        assert.deepEqual(verified.files.map((f) => [f.name, f.mimeType, f.content.byteLength]), [
          ['arkivmelding.xml', 'application/xml', ARKIVMELDING_XML.byteLength],
          ['vedlegg.pdf', 'application/pdf', 5 * 1024 * 1024],
        ]);
      }
    });

    it('a file larger than 5 MiB goes by PUT (streamed) and arrives whole', async () => {
      const sbd = arkivmeldingSbd(DIGDIR, NAV);
      const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      assert.equal((await sender.create(sbd)).statusCode, 200);
      const big = Buffer.alloc(7 * 1024 * 1024 + 123);
      for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
      assert.equal((await sender.upload(messageId, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200);
      assert.equal((await sender.upload(messageId, 'stor.bin', big, 'application/octet-stream')).statusCode, 200);
      assert.equal((await sender.send(messageId)).statusCode, 200);
      await t.platform.jobs.runDue();
      const verified = await receiveAll(messageId);
      assert.ok(Buffer.from(verified.files[1]!.content).equals(big));
    });

    it('a citizen is reached by DPI: digital or print per KRR (capabilities); delivery is eformidling.dpi.test.ts', async () => {
      const k = t.platform.db.kysely;
      const digital = await k.selectFrom('krr_persons').select('personidentifikator').where('status', '=', 'AKTIV').where('reservasjon', '=', 'NEI').where('postkasseadresse', 'is not', null).executeTakeFirstOrThrow();
      const reserved = await k.selectFrom('krr_persons').select('personidentifikator').where('reservasjon', '=', 'JA').executeTakeFirstOrThrow();
      const caps = async (pid: string) => ((await sender.get(`/capabilities/${pid}`)).json() as { capabilities: Array<{ serviceIdentifier: string; documentTypes: Array<{ type: string }> }> }).capabilities;
      const d = await caps(digital.personidentifikator);
      assert.ok(d.length > 0 && d.every((c) => c.serviceIdentifier === 'DPI' && c.documentTypes.every((x) => x.type === 'digital')));
      const p = await caps(reserved.personidentifikator);
      assert.ok(p.length > 0 && p.every((c) => c.serviceIdentifier === 'DPI' && c.documentTypes.every((x) => x.type === 'print')));
    });

    it('an upload abandoned by a process that died mid-PUT frees its name after 10 minutes without progress, and a send ignores it', async () => {
      const sbd = arkivmeldingSbd(DIGDIR, NAV);
      const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      assert.equal((await sender.create(sbd)).statusCode, 200);
      const k = t.platform.db.kysely;
      // What a PUT leaves when its process is killed: the reserved row (size -1) and some chunks.
      const crashed = async (position: number, filename: string, at: number) => {
        await k.insertInto('eformidling_files').values({ message_id: messageId, position, filename, mime_type: 'application/xml', title: null, size: -1, sha256: '', created_at: at }).execute();
        await k.insertInto('eformidling_file_chunks').values({ message_id: messageId, position, chunk_no: 0, data: Buffer.from('halv') }).execute();
      };
      await crashed(0, 'arkivmelding.xml', Date.now() - 11 * 60_000);
      await crashed(1, 'vedlegg.txt', Date.now() - 11 * 60_000);
      assert.equal((await sender.upload(messageId, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200, 'the abandoned name is free again');
      await crashed(5, 'pågår.txt', Date.now());
      const busy = await sender.send(messageId);
      assert.equal(busy.statusCode, 400);
      assert.equal((busy.json() as { code: string }).code, 'EFORMIDLING_MISSING_FILE');
      await k.updateTable('eformidling_files').set({ created_at: Date.now() - 11 * 60_000 }).where('message_id', '=', messageId).where('position', '=', 5).execute();
      assert.equal((await sender.send(messageId)).statusCode, 200);
      await t.platform.jobs.runDue();
      const verified = await receiveAll(messageId);
      assert.deepEqual(verified.files.map((f) => f.name), ['arkivmelding.xml']);
    });

    it('the details a fresh user tripped on: no HEAD on peeks, ids in lower case, colliding file names, clamped paging, expiry at send', async () => {
      // HEAD must not lock a message nor take a status off the queue.
      for (const path of ['/messages/in/peek', '/statuses/peek']) {
        const head = await receiver.head(path);
        assert.notEqual(head.statusCode, 200, path);
      }
      const upper = arkivmeldingSbd(DIGDIR, NAV, { messageId: randomUUID().toUpperCase() });
      const created = (await sender.create(upper)).json() as typeof upper;
      const id = created.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      assert.equal(id, upper.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier.toLowerCase());
      assert.equal((await sender.upload(id, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200);
      for (const [name, code] of [
        ['ARKIVMELDING.XML', 'EFORMIDLING_DUPLICATE_FILENAME'],
        ['vedtak.pdf.', 'EFORMIDLING_INVALID_FILENAME'],
        ['faktura\u202efdp.exe', 'EFORMIDLING_INVALID_FILENAME'],
      ] as const) {
        const res = await sender.upload(id, name, 'x', 'text/plain');
        assert.equal((res.json() as { code: string }).code, code, name);
      }
      const page = (await sender.get('/statuses?page=-1&size=0')).json() as { number: number; size: number };
      assert.deepEqual([page.number, page.size], [0, 10]);
      assert.equal(((await sender.get('/statuses?size=100000')).json() as { size: number }).size, 1000);

      const soon = arkivmeldingSbd(DIGDIR, NAV, { expectedResponseDateTime: new Date(Date.now() + 1500).toISOString() });
      const soonId = soon.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      assert.equal((await sender.create(soon)).statusCode, 200);
      assert.equal((await sender.upload(soonId, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      const late = await sender.send(soonId);
      assert.equal(late.statusCode, 400);
      assert.equal((late.json() as { code: string }).code, 'EFORMIDLING_TIME_TO_LIVE_EXCEEDED');
      const ended = (await sender.get(`/statuses/${soonId}`)).json() as { content: Array<{ status: string }> };
      assert.deepEqual(ended.content.map((x) => x.status), ['LEVETID_UTLOPT']);
    });

    it('the status queue gives each status once (peek takes it off), then 204', async () => {
      const token = await mintPlatformToken(t.platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: '971032081' });
      const vegvesen = nextMove(t.app, token);
      const sbd = arkivmeldingSbd('971032081', NAV);
      const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      await vegvesen.create(sbd);
      await vegvesen.upload(messageId, 'arkivmelding.xml', ARKIVMELDING_XML);
      await vegvesen.send(messageId);
      await t.platform.jobs.runDue();
      const seen: string[] = [];
      for (;;) {
        const res = await vegvesen.get('/statuses/peek');
        if (res.statusCode === 204) break;
        seen.push((res.json() as { status: string }).status);
      }
      assert.deepEqual(seen, ['OPPRETTET', 'SENDT', 'MOTTATT']);
    });
  });
}
