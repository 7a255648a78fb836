/**
 * eFormidling to citizens (DPI) end to end on one platform, both databases: an agency sends
 * Next Move `digital` and `print` messages through the Next Move API with a real Maskinporten
 * token; the hosted integration point builds the DPI shipment (KRR lookup, ASiC-E, CMS to the
 * provider's certificate, its own `digitalpostinnbygger:send` token from an x5c grant, JWS),
 * corner 2 accepts it, the mailbox provider files the letter or the print provider prints it,
 * and the receipts come back as the sender's statuses. The browser half (the citizen reading the
 * letter) is `test/browser/digitalpost.test.ts`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PDFDocument, StandardFonts } from '@pdfme/pdf-lib';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { testEngines } from '../platform/db/testing.ts';
import { elmaComponent } from '../elma/index.ts';
import { krrComponent } from '../krr/index.ts';
import { maskinportenComponent } from '../maskinporten/index.ts';
import { registersComponent } from '../registers/index.ts';
import { idportenComponent } from '../idporten/index.ts';
import { digitalpostComponent } from '../digitalpost/index.ts';
import { openLetter } from '../digitalpost/pages/index.ts';
import { runNotifications } from '../digitalpost/notifications/index.ts';
import type { LetterRow } from '../digitalpost/index.ts';
import { eformidlingComponent, IntegrationPoint, integrationPointOf, prototypeSbd } from './index.ts';
import { DIGDIR, grantToken, NAV, nextMove } from './testing/fixtures.ts';

async function letterPdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(text, { x: 72, y: 760, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

for (const engine of testEngines()) {
  describe(`eFormidling to citizens through Digital postkasse on ${engine}`, () => {
    let t: TestPlatform;
    let sender: ReturnType<typeof nextMove>;

    /** Runs due jobs until none is left (the job queue is not started in tests). */
    async function drain(): Promise<void> {
      for (let i = 0; i < 20; i++) if ((await t.platform.jobs.runDue()) === 0) return;
    }

    /** Makes the print provider's delayed "posted" job due now. */
    async function printJobsDueNow(): Promise<void> {
      await t.platform.db.kysely.updateTable('platform_jobs').set({ run_at: Date.now() - 1 }).where('queue', '=', 'digitalpost.print').where('state', '=', 'queued').execute();
    }

    async function statuses(messageId: string): Promise<Array<{ status: string; description: string | null }>> {
      const res = await sender.get(`/statuses/${messageId}`);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as { content: Array<{ status: string; description: string | null }> }).content;
    }

    function digitalSbd(pid: string, options: { tittel?: string; smsTekst?: string; epostTekst?: string; aapningskvittering?: boolean } = {}) {
      const sbd = prototypeSbd({ process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0', standard: 'urn:no:difi:digitalpost:xsd:digital::digital', sender: `0192:${NAV}`, receiver: pid }) as any;
      sbd.digital = {
        sikkerhetsnivaa: 3,
        hoveddokument: 'vedtak.pdf',
        tittel: options.tittel ?? 'Vedtak om dagpenger',
        spraak: 'NO',
        digitalPostInfo: { virkningsdato: new Date().toISOString().slice(0, 10), aapningskvittering: options.aapningskvittering ?? true },
        varsler: { epostTekst: options.epostTekst ?? 'Du har fått et vedtak fra NAV.', smsTekst: options.smsTekst ?? 'Du har fått et vedtak fra NAV.' },
      };
      return sbd;
    }

    async function send(sbd: any, files: Array<{ name: string; content: Buffer; type: string }>): Promise<string> {
      const created = await sender.create(sbd);
      assert.equal(created.statusCode, 200, created.body);
      const messageId = (created.json() as any).standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
      for (const f of files) assert.equal((await sender.upload(messageId, f.name, f.content, f.type)).statusCode, 200);
      const sent = await sender.send(messageId);
      assert.equal(sent.statusCode, 200, sent.body);
      return messageId;
    }

    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, idportenComponent, krrComponent, elmaComponent, eformidlingComponent, digitalpostComponent]);
      sender = nextMove(t.app, await grantToken(t.app, t.platform, NAV));
    });
    after(async () => t?.close());

    it('a letter to a citizen with a mailbox: filed once in the mailbox with its PDF, notified, LEVERT, and LEST when opened', async () => {
      const k = t.platform.db.kysely;
      const citizen = await k
        .selectFrom('krr_persons')
        .selectAll()
        .where('status', '=', 'AKTIV')
        .where('reservasjon', '=', 'NEI')
        .where('postkasseadresse', 'is not', null)
        .where('epostadresse', 'is not', null)
        .where('mobiltelefonnummer', 'is not', null)
        .executeTakeFirstOrThrow();
      const pdf = await letterPdf('Vedtak: du har rett til dagpenger.');
      const messageId = await send(digitalSbd(citizen.personidentifikator), [{ name: 'vedtak.pdf', content: pdf, type: 'application/pdf' }]);
      await drain();

      const letter = await k.selectFrom('digitalpost_letters').selectAll().where('message_id', '=', messageId).executeTakeFirstOrThrow();
      assert.deepEqual(
        [letter.personidentifikator, letter.postkasseadresse, letter.provider_orgnr, letter.sender_orgnr, letter.ikkesensitivtittel, letter.sikkerhetsnivaa, letter.aapningskvittering],
        [citizen.personidentifikator, citizen.postkasseadresse, citizen.postkasseleverandoeradresse, NAV, 'Vedtak om dagpenger', 3, 1],
      );
      const documents = await k.selectFrom('digitalpost_documents').selectAll().where('letter_id', '=', letter.id).execute();
      assert.deepEqual(documents.map((d) => [d.filename, d.mime_type, Number(d.hoveddokument)]), [['vedtak.pdf', 'application/pdf', 1]]);
      assert.ok(Buffer.from(documents[0]!.content).equals(pdf), 'the citizen gets the PDF the agency sent, byte for byte');

      // Corner 2 holds what the integration point sent: a digital message from NAV to the provider.
      const message = await k.selectFrom('digitalpost_messages').selectAll().where('message_id', '=', messageId).executeTakeFirstOrThrow();
      assert.deepEqual([message.type, message.sender_orgnr, message.receiver_orgnr, message.eformidling_message_id], ['digital', NAV, citizen.postkasseleverandoeradresse, messageId]);

      // Notifications from the sender's texts to the KRR addresses, through the outbox.
      const notifications = await k.selectFrom('digitalpost_notifications').selectAll().where('letter_id', '=', letter.id).orderBy('kanal').orderBy('repetisjon').execute();
      assert.deepEqual(
        notifications.map((n) => [n.kanal, n.repetisjon, n.address]),
        [
          ['epost', 0, citizen.epostadresse],
          ['epost', 7, citizen.epostadresse],
          ['sms', 0, citizen.mobiltelefonnummer],
          ['sms', 7, citizen.mobiltelefonnummer],
        ],
      );
      // The notification sweep (every 5 s in a running platform) hands the day-0 ones to the outbox.
      await runNotifications(t.platform);
      await drain();
      const outbox = await t.platform.outbox.list({ component: 'digitalpost' });
      assert.ok(outbox.some((m) => m.channel === 'email' && m.to === citizen.epostadresse && m.text.includes('Du har fått et vedtak fra NAV.')));
      assert.ok(outbox.some((m) => m.channel === 'sms' && m.text.includes('Du har fått et vedtak fra NAV.')));

      const delivered = await statuses(messageId);
      assert.deepEqual(
        delivered.map((s) => [s.status, s.description]),
        [
          ['OPPRETTET', undefined],
          ['SENDT', 'Hjørne 2 har mottatt meldingen'],
          ['MOTTATT', 'Hjørne 3 har mottatt meldingen'],
          ['LEVERT', 'Kvittering på at digital post er tilgjengeliggjort eller at fysisk post er klargjort for utskrift'],
        ],
      );

      // The citizen opens it (the page's domain step; the browser test clicks it): aapningskvittering → LEST.
      assert.equal(await openLetter(t.platform, letter as LetterRow, Date.now()), true);
      assert.equal(await openLetter(t.platform, letter as LetterRow, Date.now()), false, 'a second opening sends nothing');
      await drain();
      assert.deepEqual((await statuses(messageId)).map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST']);
      const receipts = await k.selectFrom('digitalpost_receipts').select(['type', 'read']).where('ref_message_id', '=', messageId).orderBy('created_at').execute();
      assert.deepEqual(receipts.map((r) => [r.type, Number(r.read)]), [['leveringskvittering', 1], ['aapningskvittering', 1]], 'the integration point took both receipts');
    });

    it('a reserved citizen’s letter is printed: LEVERT with the mottakskvittering’s description; a PDF with the address block', async () => {
      const k = t.platform.db.kysely;
      const reserved = await k
        .selectFrom('krr_persons')
        .innerJoin('registers_persons', 'registers_persons.pid', 'krr_persons.personidentifikator')
        .select(['krr_persons.personidentifikator as pid', 'registers_persons.family_name as family_name'])
        .where('krr_persons.reservasjon', '=', 'JA')
        .where('registers_persons.status', '=', 'bosatt')
        .where('registers_persons.postnummer', 'is not', null)
        .executeTakeFirstOrThrow();
      const messageId = await send(digitalSbd(reserved.pid), [{ name: 'vedtak.pdf', content: await letterPdf('Vedtak'), type: 'application/pdf' }]);
      await drain();
      const message = await k.selectFrom('digitalpost_messages').select(['type', 'receiver_orgnr']).where('message_id', '=', messageId).executeTakeFirstOrThrow();
      assert.equal(message.type, 'utskrift');
      const job = await k.selectFrom('digitalpost_print_jobs').selectAll().where('message_id', '=', messageId).executeTakeFirstOrThrow();
      assert.equal(JSON.parse(job.mottaker).navn.endsWith(reserved.family_name), true, 'addressed from Folkeregisteret');
      assert.ok(Buffer.from(job.pdf).subarray(0, 5).equals(Buffer.from('%PDF-')));
      const before = await statuses(messageId);
      assert.deepEqual(before.map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
      assert.equal(before[3]!.description, 'Kvittering fra utskrift og forsendelsestjenesten om at melding er mottatt og lagt til print');
      // Posted: the leveringskvittering maps to LEVERT too, which is stored once.
      await printJobsDueNow();
      await drain();
      assert.deepEqual((await statuses(messageId)).map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
      const receipts = await k.selectFrom('digitalpost_receipts').select('type').where('ref_message_id', '=', messageId).orderBy('created_at').execute();
      assert.deepEqual(receipts.map((r) => r.type), ['mottakskvittering', 'leveringskvittering']);
    });

    it('a print message to an address that comes back: LEVERT (taken for print), then FEIL (returpostkvittering)', async () => {
      const k = t.platform.db.kysely;
      const someone = await k.selectFrom('krr_persons').select('personidentifikator').where('reservasjon', '=', 'JA').executeTakeFirstOrThrow();
      const sbd = prototypeSbd({ process: 'urn:no:difi:profile:digitalpost:info:ver1.0', standard: 'urn:no:difi:digitalpost:xsd:fysisk::print', sender: `0192:${NAV}`, receiver: someone.personidentifikator }) as any;
      sbd.print = {
        hoveddokument: 'brev.pdf',
        mottaker: { navn: 'Ola Nordmann', adresselinje1: 'Ukjent adresse 1', postnummer: '0150', poststed: 'OSLO' },
        retur: { mottaker: { navn: 'NAV', adresselinje1: 'Postboks 5 St. Olavs plass', postnummer: '0130', poststed: 'OSLO' }, returhaandtering: 'MAKULERING_MED_MELDING' },
        utskriftsfarge: 'FARGE',
        posttype: 'A_PRIORITERT',
      };
      const messageId = await send(sbd, [{ name: 'brev.pdf', content: await letterPdf('Brev'), type: 'application/pdf' }]);
      await drain();
      const job = await k.selectFrom('digitalpost_print_jobs').selectAll().where('message_id', '=', messageId).executeTakeFirstOrThrow();
      assert.deepEqual([job.utskriftstype, job.posttype, JSON.parse(job.retur).returposthaandtering], ['FARGE', 'A', 'MAKULERING_MED_MELDING']);
      await printJobsDueNow();
      await drain();
      const all = await statuses(messageId);
      assert.deepEqual(all.map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'FEIL']);
      assert.match(all[4]!.description ?? '', /^Kvittering fra utskrift og forsendelsestjenesten om at posten ikke har blitt levert til Mottaker\./);
    });

    it('a DPI letter whose time-to-live passes before it is handed over ends as LEVETID_UTLOPT, and nothing reaches corner 2', async () => {
      const k = t.platform.db.kysely;
      const citizen = await k.selectFrom('krr_persons').select('personidentifikator').where('status', '=', 'AKTIV').where('reservasjon', '=', 'NEI').where('postkasseadresse', 'is not', null).executeTakeFirstOrThrow();
      const messageId = await send(digitalSbd(citizen.personidentifikator), [{ name: 'vedtak.pdf', content: await letterPdf('Vedtak'), type: 'application/pdf' }]);
      assert.equal(await integrationPointOf(t.platform).expireDue(Date.now() + 25 * 3_600_000), 1);
      await drain();
      assert.deepEqual((await statuses(messageId)).map((s) => s.status), ['OPPRETTET', 'LEVETID_UTLOPT']);
      assert.equal(await k.selectFrom('digitalpost_messages').select('message_id').where('message_id', '=', messageId).executeTakeFirst(), undefined);
    });

    it('a crash after corner 2 accepted a letter but before SENDT was stored: the re-run finds it handed over; one letter, each status once', async () => {
      const k = t.platform.db.kysely;
      const citizen = await k.selectFrom('krr_persons').select('personidentifikator').where('status', '=', 'AKTIV').where('reservasjon', '=', 'NEI').where('postkasseadresse', 'is not', null).executeTakeFirstOrThrow();
      const messageId = await send(digitalSbd(citizen.personidentifikator), [{ name: 'vedtak.pdf', content: await letterPdf('Vedtak'), type: 'application/pdf' }]);
      // A process that dies right after corner 2's commit (the job stays queued for the next run).
      const crashing = new IntegrationPoint(t.platform, {
        ...integrationPointOf(t.platform).options,
        checkpoint: async (step) => {
          if (step === 'dpi:handed-over') throw new Error('killed');
        },
      });
      await assert.rejects(crashing.deliverDpi({ id: 'crash', queue: 'eformidling.dpi', payload: { messageId }, attempts: 1 } as never), /killed/);
      assert.ok(await k.selectFrom('digitalpost_messages').select('message_id').where('message_id', '=', messageId).executeTakeFirst(), 'corner 2 holds it');
      assert.deepEqual((await statuses(messageId)).map((s) => s.status), ['OPPRETTET']);
      // The provider's receipt comes before the re-run: its statuses still follow SENDT and MOTTATT.
      await t.platform.db.kysely.updateTable('platform_jobs').set({ run_at: Date.now() + 3_600_000 }).where('queue', '=', 'eformidling.dpi').where('state', '=', 'queued').execute();
      await drain();
      assert.deepEqual((await statuses(messageId)).map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
      await t.platform.db.kysely.updateTable('platform_jobs').set({ run_at: Date.now() - 1 }).where('queue', '=', 'eformidling.dpi').where('state', '=', 'queued').execute();
      await drain();
      assert.deepEqual((await statuses(messageId)).map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
      assert.equal((await k.selectFrom('eformidling_messages').select('state').where('message_id', '=', messageId).where('direction', '=', 'OUTGOING').executeTakeFirstOrThrow()).state, 'SENT');
      const letters = await k.selectFrom('digitalpost_letters').select('id').where('message_id', '=', messageId).execute();
      assert.equal(letters.length, 1);
    });

    it('refuses a DPI letter on behalf of another organisation at POST /messages/out, storing nothing', async () => {
      const k = t.platform.db.kysely;
      const citizen = await k.selectFrom('krr_persons').select('personidentifikator').where('status', '=', 'AKTIV').where('reservasjon', '=', 'NEI').where('postkasseadresse', 'is not', null).executeTakeFirstOrThrow();
      const sbd = digitalSbd(citizen.personidentifikator);
      sbd.standardBusinessDocumentHeader.sender[0].identifier.value = `0192:${NAV}:${DIGDIR}`;
      const res = await sender.create(sbd);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal((res.json() as { code: string }).code, 'EFORMIDLING_SERVICE_NOT_ENABLED');
      const id = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      assert.equal(await k.selectFrom('eformidling_messages').select('id').where('message_id', '=', String(id).toLowerCase()).executeTakeFirst(), undefined);
    });

    it('refuses before anything is stored: a title over 255 characters, blank or with a control character, an SMS text over 160 or with an escape, a print address breaking the rules, sikkerhetsnivaa 5', async () => {
      const k = t.platform.db.kysely;
      const citizen = await k.selectFrom('krr_persons').select('personidentifikator').where('status', '=', 'AKTIV').where('reservasjon', '=', 'NEI').where('postkasseadresse', 'is not', null).executeTakeFirstOrThrow();
      const count = async () => Number((await k.selectFrom('eformidling_messages').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const n = await count();
      const expectRefusal = async (sbd: unknown, path: string) => {
        const res = await sender.create(sbd);
        assert.equal(res.statusCode, 400, res.body);
        const body = res.json() as { code: string; message: string };
        assert.equal(body.code, 'EFORMIDLING_SBD_INVALID');
        assert.ok(body.message.includes(path), `${body.message} names ${path}`);
      };
      await expectRefusal(digitalSbd(citizen.personidentifikator, { tittel: 'x'.repeat(256) }), 'digital.tittel');
      await expectRefusal(digitalSbd(citizen.personidentifikator, { smsTekst: 's'.repeat(161) }), 'digital.varsler.smsTekst');
      await expectRefusal(digitalSbd(citizen.personidentifikator, { tittel: 'Vedtak\u0007' }), 'digital.tittel');
      await expectRefusal(digitalSbd(citizen.personidentifikator, { tittel: '   ' }), 'digital.tittel');
      await expectRefusal(digitalSbd(citizen.personidentifikator, { smsTekst: 'Nytt brev \u001b[31m' }), 'digital.varsler.smsTekst');
      const level5 = digitalSbd(citizen.personidentifikator);
      level5.digital.sikkerhetsnivaa = 5;
      await expectRefusal(level5, 'digital.sikkerhetsnivaa');
      const print = prototypeSbd({ process: 'urn:no:difi:profile:digitalpost:info:ver1.0', standard: 'urn:no:difi:digitalpost:xsd:fysisk::print', sender: `0192:${NAV}`, receiver: citizen.personidentifikator }) as any;
      print.print = { hoveddokument: 'brev.pdf', mottaker: { navn: 'Ola Nordmann', adresselinje1: 'Storgata 1', postnummer: '12A4', poststed: 'OSLO' } };
      await expectRefusal(print, 'print.mottaker.postnummer');
      print.print.mottaker = { navn: 'Ola Nordmann', adresselinje1: 'Storgata 1' };
      await expectRefusal(print, 'print.mottaker');
      assert.equal(await count(), n, 'nothing stored');
    });

    it('a package the mailbox provider cannot decrypt ends as FEIL with the provider’s reason, and nothing is filed', async () => {
      // The citizen's mailbox certificate in KRR is one whose key the provider does not hold (a
      // certificate registered wrongly): corner 2 accepts the package (it is encrypted to the
      // certificate KRR publishes), the provider answers `feil`.
      const k = t.platform.db.kysely;
      const citizen = await k.selectFrom('krr_persons').selectAll().where('status', '=', 'AKTIV').where('reservasjon', '=', 'NEI').where('postkasseadresse', 'is not', null).limit(1).offset(1).executeTakeFirstOrThrow();
      // The provider's certificate in KRR is replaced by one whose key no provider holds.
      const other = await t.platform.pki.issueEnterpriseCertificate({ orgnr: DIGDIR, organisationName: 'DIGDIR', purpose: 'encryption' });
      const der = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(other.certificatePem)![1]!.replace(/\s+/g, '');
      await k.updateTable('krr_persons').set({ postkasse_sertifikat: der }).where('personidentifikator', '=', citizen.personidentifikator).execute();
      const messageId = await send(digitalSbd(citizen.personidentifikator), [{ name: 'vedtak.pdf', content: await letterPdf('Vedtak'), type: 'application/pdf' }]);
      await drain();
      const all = await statuses(messageId);
      assert.deepEqual(all.map((s) => s.status).slice(0, 2), ['OPPRETTET', all[1]!.status]);
      assert.deepEqual(all.map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'FEIL']);
      assert.match(all[3]!.description ?? '', /^Generell melding om at det har skjedd en feil: The CMS is encrypted to serial [0-9a-f]+ .*none of the given certificates matches/);
      assert.equal(await k.selectFrom('digitalpost_letters').select('id').where('message_id', '=', messageId).executeTakeFirst(), undefined, 'nothing filed');
    });
  });
}
