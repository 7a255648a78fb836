/**
 * The providers: a real message sent over HTTP is verified again by its receiving provider,
 * decrypted with the provider's own key and filed once (letter, documents, notifications,
 * `leveringskvittering` with a JWS that verifies), or, for print, rendered with
 * `mottakskvittering`, then posted (`leveringskvittering`) or returned (`returpostkvittering`).
 * A message that fails the provider's checks gets a `feil` receipt and nothing is filed. Receipts
 * validate against Digdir's schemas. On both databases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { testEngines } from '../../platform/db/testing.ts';
import type { Job } from '../../platform/jobs/job-queue.ts';
import { findOrganisationName } from '../../registers/index.ts';
import { acceptMessage, DPI_SCOPE, dpiSchemaProblems, osloDateTime, osloMidnight, PROVIDER_QUEUE, trustedCaPems } from '../corner2/index.ts';
import {
  buildMessage,
  corner2Client,
  createDpiTestPlatform,
  DIGDIR,
  dpiToken,
  EBOKS_ORGNR,
  jwsPayload,
  mailboxAt,
  NAV,
  NORWEGIAN_ADDRESS,
  POSTEN_BRING_ORGNR,
  PRINT_PROVIDER_ORGNR,
  providerCertificateDer,
  senderSigner,
  type BuiltMessage,
  type TestPlatform,
} from '../corner2/testing.ts';
import { verifySbd } from '../crypto/index.ts';
import { issueReceipt, receiptSbd, RECEIPT_QUEUE, RECEIPT_TYPES } from '../domain/receipts.ts';
import { digitalpostDb } from '../store/digitalpost-store.ts';
import { processMessage, providerKeys } from './index.ts';

/** A job as the queue hands it to the handler. */
function providerJob(messageId: string, attempts = 1, maxAttempts = 10): Job {
  return { id: randomUUID(), queue: PROVIDER_QUEUE, payload: { messageId }, attempts, maxAttempts, idempotencyKey: null, createdAt: Date.now(), runAt: Date.now(), expiresAt: null };
}

for (const engine of testEngines()) {
  describe(`DPI providers (${engine})`, () => {
    let t: TestPlatform;
    let digdir: ReturnType<typeof corner2Client>;
    let caPems: string[];

    before(async () => {
      t = await createDpiTestPlatform(engine);
      digdir = corner2Client(t.app, await dpiToken(t.platform, DIGDIR));
      caPems = await trustedCaPems(t.platform);
    });
    after(async () => t?.close());

    const db = () => t.platform.db.kysely;

    /** Sends over HTTP; must be accepted. */
    async function send(message: BuiltMessage, query = ''): Promise<void> {
      const res = await digdir.send(message, query);
      assert.equal(res.statusCode, 200, res.body);
    }

    /** Runs due jobs until none is left (a print job is due right after the message's). */
    async function drain(): Promise<void> {
      while ((await t.platform.jobs.runDue()) > 0);
    }

    /** The receipts of a message, oldest first, each verified and checked against its schema. */
    async function receiptsOf(messageId: string): Promise<Array<{ type: string; sbd: any; issuer: string | null; id: string }>> {
      const rows = await db().selectFrom('digitalpost_receipts').selectAll().where('ref_message_id', '=', messageId).orderBy('created_at').orderBy('message_id').execute();
      const out = [];
      for (const row of rows) {
        const verified = await verifySbd(row.forretningsmelding, { caCertificatesPem: caPems });
        assert.deepEqual(dpiSchemaProblems(row.type, verified.payload), [], `the ${row.type} validates against its schema`);
        out.push({ type: row.type as string, sbd: verified.payload.standardBusinessDocument, issuer: verified.orgnr, id: row.message_id as string });
      }
      return out;
    }

    async function messageState(messageId: string): Promise<string> {
      return (await db().selectFrom('digitalpost_messages').select('state').where('message_id', '=', messageId).executeTakeFirstOrThrow()).state;
    }

    /** Inserts a message as if corner 2 had accepted it (for checks only the provider makes), with its job. */
    async function insertUnchecked(message: BuiltMessage, receiver: string, createdAt = Date.now()): Promise<void> {
      const type = message.sbd.standardBusinessDocument.utskrift ? 'utskrift' : 'digital';
      await db()
        .insertInto('digitalpost_messages')
        .values({
          message_id: message.messageId,
          conversation_id: message.conversationId,
          type,
          sender_orgnr: DIGDIR,
          consumer_orgnr: DIGDIR,
          receiver_orgnr: receiver,
          avsenderidentifikator: null,
          kanal: null,
          forretningsmelding: message.forretningsmelding,
          dokumentpakke: Buffer.from(message.dokumentpakke),
          state: 'MOTTATT',
          eformidling_message_id: null,
          created_at: createdAt,
          updated_at: createdAt,
        })
        .execute();
      await t.platform.jobs.enqueue({ queue: PROVIDER_QUEUE, payload: { messageId: message.messageId }, idempotencyKey: `${PROVIDER_QUEUE}:${message.messageId}` });
    }

    /** The message must have failed with one `feil` of `feiltype` whose detaljer match, and nothing filed. */
    async function assertFeil(messageId: string, feiltype: 'KLIENT' | 'SERVER', detaljer: RegExp, provider = POSTEN_BRING_ORGNR): Promise<void> {
      assert.equal(await messageState(messageId), 'FEILET');
      const receipts = await receiptsOf(messageId);
      assert.deepEqual(receipts.map((r) => r.type), ['feil']);
      const feil = receipts[0]!.sbd.feil;
      assert.equal(feil.feiltype, feiltype);
      assert.match(feil.detaljer, detaljer);
      assert.equal(receipts[0]!.issuer, provider, 'signed by the provider');
      assert.equal((await db().selectFrom('digitalpost_letters').select('id').where('message_id', '=', messageId).execute()).length, 0, 'no letter');
      assert.equal((await db().selectFrom('digitalpost_print_jobs').select('message_id').where('message_id', '=', messageId).execute()).length, 0, 'no print job');
    }

    describe('digital letters', () => {
      it('files the letter once, with its documents, and issues a leveringskvittering the sender reads and marks read', async () => {
        const person = await mailboxAt(t.platform.db, POSTEN_BRING_ORGNR);
        const virkning = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;
        const message = await buildMessage(t.platform, {
          mottaker: person,
          body: (b) => {
            b.avsender.avsenderidentifikator = 'digdir:saksbehandling';
            b.virkningstidspunkt = osloDateTime(virkning);
            b.aapningskvittering = true;
            b.sikkerhetsnivaa = 4;
            b.varsler = { epostvarsel: { epostadresse: 'ola@example.com', varslingstekst: 'Du har fått post', repetisjoner: [0, 7] } };
          },
        });
        await send(message, '?kanal=saksbehandling');
        await drain();

        assert.equal(await messageState(message.messageId), 'BEHANDLET');
        const letters = await db().selectFrom('digitalpost_letters').selectAll().where('message_id', '=', message.messageId).execute();
        assert.equal(letters.length, 1);
        const letter = letters[0]!;
        assert.equal(letter.personidentifikator, person.personidentifikator);
        assert.equal(letter.postkasseadresse, person.postkasseadresse);
        assert.equal(letter.provider_orgnr, POSTEN_BRING_ORGNR);
        assert.equal(letter.sender_orgnr, DIGDIR);
        assert.equal(letter.sender_name, await findOrganisationName(t.platform.db, DIGDIR));
        assert.equal(letter.avsenderidentifikator, 'digdir:saksbehandling');
        assert.equal(letter.ikkesensitivtittel, 'Vedtak om noe');
        assert.equal(Number(letter.sikkerhetsnivaa), 4);
        assert.equal(Number(letter.aapningskvittering), 1);
        assert.equal(Number(letter.visible_from), virkning, 'a virkningstidspunkt in the future');
        assert.deepEqual(JSON.parse(letter.varsler), { epostvarsel: { epostadresse: 'ola@example.com', varslingstekst: 'Du har fått post', repetisjoner: [0, 7] } });
        const documents = await db().selectFrom('digitalpost_documents').selectAll().where('letter_id', '=', letter.id).orderBy('position').execute();
        assert.deepEqual(
          documents.map((d) => [d.filename, d.mime_type, d.tittel, Number(d.hoveddokument), Number(d.size)]),
          [
            ['vedtak.pdf', 'application/pdf', 'Vedtak', 1, documents[0]!.content.length],
            ['vedlegg.txt', 'text/plain', 'Vedlegg', 0, 22],
          ],
        );
        assert.equal(Buffer.from(documents[1]!.content).toString('utf8'), 'Vedlegg til vedtaket.\n');
        const notifications = await db().selectFrom('digitalpost_notifications').select(['kanal', 'repetisjon']).where('letter_id', '=', letter.id).orderBy('repetisjon').execute();
        assert.deepEqual(notifications.map((n) => [n.kanal, Number(n.repetisjon)]), [['epost', 0], ['epost', 7]], 'notifications scheduled with the letter');

        // The receipt, at corner 2.
        const receipts = await receiptsOf(message.messageId);
        assert.deepEqual(receipts.map((r) => r.type), ['leveringskvittering']);
        const inbox = await digdir.receipts('?avsenderidentifikator=digdir:saksbehandling&kanal=saksbehandling');
        assert.equal(inbox.statusCode, 200);
        const listed = (inbox.json() as Array<{ forretningsmelding: string; downloadurl: null }>).filter((r) => jwsPayload(r.forretningsmelding).standardBusinessDocument.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier === receipts[0]!.id);
        assert.equal(listed.length, 1);
        assert.equal(listed[0]!.downloadurl, null);
        const verified = await verifySbd(listed[0]!.forretningsmelding, { caCertificatesPem: caPems });
        assert.equal(verified.orgnr, POSTEN_BRING_ORGNR, 'signed by the mailbox provider');
        const sbd = verified.payload.standardBusinessDocument;
        const header = sbd.standardBusinessDocumentHeader;
        assert.equal(header.sender[0].identifier.value, `0192:${POSTEN_BRING_ORGNR}`);
        assert.equal(header.receiver[0].identifier.value, `0192:${DIGDIR}`);
        assert.equal(header.documentIdentification.standard, 'urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:leveringskvittering::1.0');
        assert.deepEqual(header.businessScope.scope, [{ type: 'ConversationId', instanceIdentifier: message.conversationId, identifier: 'urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:digital:ver1.0' }]);
        assert.deepEqual(sbd.leveringskvittering.mottaker, { virksomhetsidentifikator: { authority: 'iso6523-actorid-upis', value: `0192:${DIGDIR}` }, motakeridentifikator: 'digdir:saksbehandling' });
        assert.equal((await digdir.receipts('?avsenderidentifikator=someone-else')).json().length, 0, 'filtered by avsenderidentifikator');
        assert.equal((await digdir.receipts('?kanal=other')).json().length, 0, 'filtered by kanal');
        const unfiltered = (await digdir.receipts('?avsenderidentifikator=&kanal=')).json() as Array<{ forretningsmelding: string }>;
        assert.ok(unfiltered.some((r) => r.forretningsmelding === listed[0]!.forretningsmelding), 'an empty filter is no filter');

        const read = await digdir.read(receipts[0]!.id);
        assert.equal(read.statusCode, 200, read.body);
        const after = (await digdir.receipts()).json() as Array<{ forretningsmelding: string }>;
        assert.ok(!after.some((r) => r.forretningsmelding === listed[0]!.forretningsmelding), 'a read receipt is not listed again');
        assert.equal((await digdir.read(receipts[0]!.id)).statusCode, 200, 'marking read again is fine');
        const nav = corner2Client(t.app, await dpiToken(t.platform, NAV));
        assert.equal((await nav.read(receipts[0]!.id)).statusCode, 404, 'another sender cannot mark it');

        // A re-run of the job files nothing twice.
        await processMessage(t.platform, providerJob(message.messageId));
        assert.equal((await db().selectFrom('digitalpost_letters').select('id').where('message_id', '=', message.messageId).execute()).length, 1);
        assert.equal((await receiptsOf(message.messageId)).length, 1);
      });

      it('files once when two workers process the same message at the same time', async () => {
        const message = await buildMessage(t.platform, { receiver: EBOKS_ORGNR });
        await acceptMessage(t.platform, { consumerOrgnr: DIGDIR, scopes: [DPI_SCOPE], ...message });
        await Promise.all([processMessage(t.platform, providerJob(message.messageId)), processMessage(t.platform, providerJob(message.messageId))]);
        await drain();
        assert.equal((await db().selectFrom('digitalpost_letters').select('id').where('message_id', '=', message.messageId).execute()).length, 1);
        assert.deepEqual((await receiptsOf(message.messageId)).map((r) => [r.type, r.issuer]), [['leveringskvittering', EBOKS_ORGNR]]);
      });

      it('makes a letter with virkningsdato visible at 00:00 Oslo time, and one without either at once', async () => {
        const dated = await buildMessage(t.platform, { body: (b) => (b.virkningsdato = '2099-12-24') });
        const plain = await buildMessage(t.platform);
        const before = Date.now();
        await send(dated);
        await send(plain);
        await drain();
        const visible = async (id: string) => Number((await db().selectFrom('digitalpost_letters').select('visible_from').where('message_id', '=', id).executeTakeFirstOrThrow()).visible_from);
        assert.equal(await visible(dated.messageId), Date.parse('2099-12-23T23:00:00Z'));
        assert.equal(osloMidnight('2024-07-01'), Date.parse('2024-06-30T22:00:00Z'), 'summer time');
        assert.ok((await visible(plain.messageId)) >= before);
      });

      it('makes a letter whose virkningstidspunkt or virkningsdato is past visible when filed, with the repetitions counted from then', async () => {
        const varsler = {
          epostvarsel: { epostadresse: 'ola@example.com', varslingstekst: 'Du har fått post', repetisjoner: [0, 7] },
          smsvarsel: { mobiltelefonnummer: '+4799999999', varslingstekst: 'Du har fått post', repetisjoner: [0, 7] },
        };
        const timed = await buildMessage(t.platform, { body: (b) => ((b.virkningstidspunkt = '2024-05-01T08:00:00+02:00'), (b.varsler = varsler)) });
        const dated = await buildMessage(t.platform, { body: (b) => ((b.virkningsdato = '2024-12-24'), (b.varsler = varsler)) });
        const before = Date.now();
        await send(timed);
        await send(dated);
        await drain();
        const filedBy = Date.now();
        for (const message of [timed, dated]) {
          const letter = await db().selectFrom('digitalpost_letters').selectAll().where('message_id', '=', message.messageId).executeTakeFirstOrThrow();
          const visibleFrom = Number(letter.visible_from);
          assert.ok(visibleFrom >= before && visibleFrom <= filedBy, `visible (and dated) when filed, not at the past virkning: ${new Date(visibleFrom).toISOString()}`);
          assert.equal(visibleFrom, Number(letter.created_at), 'the filing time');
          const rows = await db().selectFrom('digitalpost_notifications').select(['kanal', 'repetisjon', 'due_at']).where('letter_id', '=', letter.id).orderBy('kanal').orderBy('repetisjon').execute();
          assert.deepEqual(
            rows.map((r) => [r.kanal, Number(r.repetisjon), Number(r.due_at) - visibleFrom]),
            [
              ['epost', 0, 0],
              ['epost', 7, 7 * 86_400_000],
              ['sms', 0, 0],
              ['sms', 7, 7 * 86_400_000],
            ],
          );
          assert.ok(rows.filter((r) => Number(r.due_at) <= filedBy).length === 2, 'only day 0 is due now');
        }
      });

      it('accepts a token that has expired since the message was accepted', async () => {
        const sent = Date.now() - 200_000;
        const token = await dpiToken(t.platform, DIGDIR, { now: sent - 10_000, lifetimeS: 120 });
        const message = await buildMessage(t.platform, { token });
        await acceptMessage(t.platform, { consumerOrgnr: DIGDIR, scopes: [DPI_SCOPE], ...message, now: sent });
        await drain();
        assert.equal(await messageState(message.messageId), 'BEHANDLET');
        assert.deepEqual((await receiptsOf(message.messageId)).map((r) => r.type), ['leveringskvittering']);
      });
    });

    describe('print', () => {
      it('renders the letter with a mottakskvittering, then posts it with a leveringskvittering', async () => {
        const message = await buildMessage(t.platform, { type: 'utskrift' });
        await send(message);
        await t.platform.jobs.runDue();
        const job = await db().selectFrom('digitalpost_print_jobs').selectAll().where('message_id', '=', message.messageId).executeTakeFirstOrThrow();
        assert.equal(job.state, 'MOTTATT');
        assert.equal(Buffer.from(job.pdf).subarray(0, 5).toString('latin1'), '%PDF-');
        assert.ok(Number(job.pages) >= 2, 'cover page and the documents');
        assert.deepEqual(JSON.parse(job.mottaker), NORWEGIAN_ADDRESS);
        assert.deepEqual((await receiptsOf(message.messageId)).map((r) => [r.type, r.issuer]), [['mottakskvittering', PRINT_PROVIDER_ORGNR]]);
        await drain();
        const posted = await db().selectFrom('digitalpost_print_jobs').select('state').where('message_id', '=', message.messageId).executeTakeFirstOrThrow();
        assert.equal(posted.state, 'POSTLAGT');
        const receipts = await receiptsOf(message.messageId);
        assert.deepEqual(receipts.map((r) => r.type), ['mottakskvittering', 'leveringskvittering']);
        assert.equal(receipts[1]!.sbd.standardBusinessDocumentHeader.businessScope.scope[0].identifier, 'urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:utskrift:ver1.0');
        assert.equal(await messageState(message.messageId), 'BEHANDLET');
      });

      it('returns a letter to an undeliverable address with a returpostkvittering', async () => {
        const message = await buildMessage(t.platform, { type: 'utskrift', body: (b) => (b.mottaker.adresselinje1 = 'Ukjent adresse') });
        await send(message);
        await drain();
        const job = await db().selectFrom('digitalpost_print_jobs').select('state').where('message_id', '=', message.messageId).executeTakeFirstOrThrow();
        assert.equal(job.state, 'RETURNERT');
        assert.deepEqual((await receiptsOf(message.messageId)).map((r) => r.type), ['mottakskvittering', 'leveringskvittering', 'returpostkvittering']);
      });
    });

    describe('what fails at the provider becomes a feil, and nothing is filed', () => {
      it('a mailbox address the provider does not have: KLIENT', async () => {
        const message = await buildMessage(t.platform, { mottaker: { postkasseadresse: 'finnes.ikke#0000' } });
        await send(message);
        await drain();
        await assertFeil(message.messageId, 'KLIENT', /^No mailbox "finnes\.ikke#0000" at the provider 0192:984661185$/);
      });

      it('a mailbox whose owner is SLETTET in KRR: KLIENT', async () => {
        const person = await mailboxAt(t.platform.db, EBOKS_ORGNR);
        const message = await buildMessage(t.platform, { receiver: EBOKS_ORGNR, mottaker: person });
        await send(message);
        await db().updateTable('krr_persons').set({ status: 'SLETTET' }).where('personidentifikator', '=', person.personidentifikator).execute();
        try {
          await drain();
        } finally {
          await db().updateTable('krr_persons').set({ status: 'AKTIV' }).where('personidentifikator', '=', person.personidentifikator).execute();
        }
        await assertFeil(message.messageId, 'KLIENT', /is SLETTET in KRR$/, EBOKS_ORGNR);
      });

      it('a package signed (XAdES) by another organisation than the sender: KLIENT', async () => {
        const message = await buildMessage(t.platform, { packageSigner: await senderSigner(t.platform, NAV) });
        await send(message);
        await drain();
        await assertFeil(message.messageId, 'KLIENT', new RegExp(`^The document package is signed \\(XAdES\\) by 0192:${NAV}, not by the sender 0192:${DIGDIR}$`));
      });

      it('a package encrypted to another certificate (re-checked by the provider): KLIENT', async () => {
        const message = await buildMessage(t.platform, { recipientCertificateDer: await providerCertificateDer(t.platform, EBOKS_ORGNR) });
        await insertUnchecked(message, POSTEN_BRING_ORGNR);
        await drain();
        await assertFeil(message.messageId, 'KLIENT', /^The CMS is encrypted to serial /);
      });

      it('a fingerprint that does not match (re-checked by the provider): KLIENT', async () => {
        const message = await buildMessage(t.platform, { body: (b) => (b.dokumentpakkefingeravtrykk.digestValue = Buffer.alloc(32).toString('base64')) });
        await insertUnchecked(message, POSTEN_BRING_ORGNR);
        await drain();
        await assertFeil(message.messageId, 'KLIENT', /is not the SHA-256 of the dokumentpakke/);
      });

      it('a JWS signed by another organisation (re-checked by the provider): KLIENT', async () => {
        const message = await buildMessage(t.platform, { jwsSigner: await senderSigner(t.platform, NAV) });
        await insertUnchecked(message, POSTEN_BRING_ORGNR);
        await drain();
        await assertFeil(message.messageId, 'KLIENT', new RegExp(`^The forretningsmelding is signed by 0192:${NAV}, not by the sender 0192:${DIGDIR}$`));
      });

      it('a token that had expired when the message was accepted (re-checked by the provider): KLIENT', async () => {
        const message = await buildMessage(t.platform, { token: await dpiToken(t.platform, DIGDIR, { now: Date.now() - 3_600_000 }) });
        await insertUnchecked(message, POSTEN_BRING_ORGNR);
        await drain();
        await assertFeil(message.messageId, 'KLIENT', /^The maskinportentoken in the message has expired/);
      });

      it('a message addressed to another provider than the one it was given to: KLIENT', async () => {
        const message = await buildMessage(t.platform);
        await insertUnchecked(message, EBOKS_ORGNR);
        await drain();
        await assertFeil(message.messageId, 'KLIENT', /^The message is addressed to 0192:984661185, not to this provider \(0192:996460320\)$/, EBOKS_ORGNR);
      });

      it('a broken key in the provider’s key store: SERVER', async () => {
        const [key] = await providerKeys(t.platform, POSTEN_BRING_ORGNR);
        await db()
          .insertInto('digitalpost_provider_keys')
          .values({ orgnr: POSTEN_BRING_ORGNR, serial: 'broken', certificate_pem: key!.certificatePem, private_key_pem: 'not a key', not_after_at: key!.notAfterAt, created_at: 0 })
          .execute();
        const message = await buildMessage(t.platform);
        try {
          await send(message);
          await drain();
        } finally {
          await db().deleteFrom('digitalpost_provider_keys').where('serial', '=', 'broken').execute();
        }
        await assertFeil(message.messageId, 'SERVER', /./);
      });
    });

    describe('unexpected errors', () => {
      it('are retried, and on the job’s last attempt become a SERVER feil with nothing filed', async () => {
        const message = await buildMessage(t.platform, { body: (b) => (b.varsler = { epostvarsel: { epostadresse: 'ola@example.com', varslingstekst: 'Post', repetisjoner: [0] } }) });
        await acceptMessage(t.platform, { consumerOrgnr: DIGDIR, scopes: [DPI_SCOPE], ...message });
        // Scheduling the notifications fails inside the filing transaction.
        await sql`alter table digitalpost_notifications rename to digitalpost_notifications_away`.execute(db());
        try {
          await assert.rejects(processMessage(t.platform, providerJob(message.messageId, 1, 3)), 'an early attempt throws: the queue retries it');
          assert.equal(await messageState(message.messageId), 'MOTTATT');
          assert.equal((await db().selectFrom('digitalpost_letters').select('id').where('message_id', '=', message.messageId).execute()).length, 0, 'the transaction was rolled back');
          await processMessage(t.platform, providerJob(message.messageId, 3, 3));
        } finally {
          await sql`alter table digitalpost_notifications_away rename to digitalpost_notifications`.execute(db());
        }
        await assertFeil(message.messageId, 'SERVER', /^The provider could not process the message after 3 attempts \(internal error; job /);
        await drain();
        assert.deepEqual((await receiptsOf(message.messageId)).map((r) => r.type), ['feil'], 'the queued job finds the message FEILET');
      });
    });

    describe('receipts', () => {
      it('every receipt type validates against its schema', () => {
        const message = { message_id: randomUUID(), conversation_id: randomUUID(), sender_orgnr: DIGDIR, receiver_orgnr: POSTEN_BRING_ORGNR, avsenderidentifikator: 'a', kanal: null };
        const fields: Record<string, Record<string, unknown>> = { varslingfeiletkvittering: { varslingskanal: 'sms', beskrivelse: 'Ingen mobil' }, feil: { feiltype: 'SERVER', beskrivelse: 'Feil' } };
        for (const type of RECEIPT_TYPES) {
          for (const messageType of ['digital', 'utskrift'] as const) {
            const sbd = receiptSbd({ type, message, fields: fields[type], messageType, receiptId: randomUUID(), now: Date.now() });
            assert.deepEqual(dpiSchemaProblems(type, sbd), [], `${type} of ${messageType}`);
          }
        }
        assert.throws(() => receiptSbd({ type: 'feil', message, messageType: 'digital', receiptId: randomUUID(), now: Date.now() }), { code: 'PLATFORM_INTERNAL' }, 'feil without feiltype breaks its schema');
      });

      it('queues a receipt for eFormidling only when the hosted integration point sent the message', async () => {
        const fromIp = await buildMessage(t.platform);
        await acceptMessage(t.platform, { consumerOrgnr: DIGDIR, scopes: [DPI_SCOPE], ...fromIp, eformidlingMessageId: fromIp.messageId });
        const direct = await buildMessage(t.platform);
        await send(direct);
        await drain();
        const [viaIp] = await receiptsOf(fromIp.messageId);
        const [plain] = await receiptsOf(direct.messageId);
        const jobs = await db().selectFrom('platform_jobs').select(['queue', 'payload']).where('queue', '=', RECEIPT_QUEUE).execute();
        const payloads = jobs.map((j) => JSON.parse(j.payload));
        assert.ok(payloads.some((p) => p.receiptId === viaIp!.id), 'a job for the integration point’s message');
        assert.ok(!payloads.some((p) => p.receiptId === plain!.id), 'none for a message sent to corner 2 directly');
      });

      it('signs with the provider’s newest key', async () => {
        const message = await buildMessage(t.platform);
        await send(message);
        const [key] = await providerKeys(t.platform, POSTEN_BRING_ORGNR);
        const id = await digitalpostDb(t.platform.db).transaction().execute(async (trx) => {
          const row = await trx.selectFrom('digitalpost_messages').selectAll().where('message_id', '=', message.messageId).executeTakeFirstOrThrow();
          return issueReceipt(t.platform, trx, { type: 'aapningskvittering', message: row });
        });
        const row = await db().selectFrom('digitalpost_receipts').select('forretningsmelding').where('message_id', '=', id.message_id).executeTakeFirstOrThrow();
        const verified = await verifySbd(row.forretningsmelding, { caCertificatesPem: caPems });
        assert.equal(verified.certificatePem.replace(/\s+/g, ''), key!.certificatePem.replace(/\s+/g, ''));
        await drain();
      });
    });
  });
}
