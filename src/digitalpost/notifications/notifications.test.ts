/**
 * Notifications about filed letters (issue 7 item 5): scheduling from `varsler` or KRR,
 * repetition days, default texts, skipping reminders of opened letters, failures yielding a
 * `varslingfeiletkvittering`, and delivery over a real SMTP server.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import type { Component } from '../../platform/component.ts';
import { testEngines } from '../../platform/db/testing.ts';
import { krrComponent } from '../../krr/index.ts';
import { ensureProviderKeys } from '../provider/keys.ts';
import { digitalpostMigrations } from '../store/migrations.ts';
import type { LetterRow, NotificationRow } from '../store/tables.ts';
import {
  DAY_MS,
  DELIVERY_CONFIRMATION_TIMEOUT_MS,
  defaultEmailText,
  defaultSmsText,
  emailSubject,
  MAX_SMS_TEXT,
  NOTIFICATION_QUEUE,
  OUTBOX_COMPONENT,
  registerNotificationJobs,
  runNotifications,
  scheduleNotifications,
} from './index.ts';

const PROVIDER = '984661185';
const SENDER = '991825827';
const PUBLIC_URL = 'https://grunnmur.test';

/** The component's tables and provider keys, without its routes and recurring jobs (tests drive the runs). */
const digitalpostTables: Component = {
  name: 'digitalpost',
  title: { nb: 'Digital postkasse', en: 'Digital mailbox' },
  description: { nb: 'Test', en: 'Test' },
  paths: [],
  migrations: digitalpostMigrations,
  plugin: async () => {},
  onStart: async (platform) => {
    await ensureProviderKeys(platform);
  },
};

async function setup(engine: 'sqlite' | 'postgres', env: Record<string, string> = {}): Promise<TestPlatform> {
  return createTestPlatform(engine, [krrComponent, digitalpostTables], { SEED_PERSONS: '5', PUBLIC_URL, ...env });
}

let pidSeq = 0;
/** A person in KRR (day 99: never a seeded fødselsnummer or D-number). */
async function person(t: TestPlatform, data: { epostadresse?: string | null; mobiltelefonnummer?: string | null; reservasjon?: 'JA' | 'NEI' } = {}): Promise<string> {
  const pid = `99${String(++pidSeq).padStart(9, '0')}`;
  const now = Date.now();
  await t.platform.db.kysely
    .insertInto('krr_persons')
    .values({
      personidentifikator: pid,
      status: 'AKTIV',
      reservasjon: data.reservasjon ?? 'NEI',
      reservasjonstidspunkt: null,
      reservasjon_oppdatert: null,
      epostadresse: data.epostadresse === undefined ? `innbygger${pidSeq}@example.no` : data.epostadresse,
      epostadresse_oppdatert: now,
      epostadresse_sist_verifisert: null,
      epostadresse_sist_validert: null,
      epostadresse_duplisert: 0,
      mobiltelefonnummer: data.mobiltelefonnummer === undefined ? '+4799887766' : data.mobiltelefonnummer,
      mobiltelefonnummer_oppdatert: now,
      mobiltelefonnummer_sist_verifisert: null,
      mobiltelefonnummer_sist_validert: null,
      mobiltelefonnummer_duplisert: 0,
      spraak: 'nb',
      spraak_oppdatert: null,
      postkasseadresse: `innbygger#${pidSeq}`,
      postkasseleverandoeradresse: PROVIDER,
      postkasse_sertifikat: null,
      updated_at: now,
    })
    .execute();
  return pid;
}

interface LetterOptions {
  pid: string;
  varsler?: unknown;
  spraak?: string;
  visibleFrom?: number;
  senderName?: string;
  tittel?: string;
}

/** Inserts a message and its filed letter, and schedules its notifications in one transaction. */
async function fileLetter(t: TestPlatform, o: LetterOptions): Promise<{ letter: LetterRow; scheduled: number }> {
  const now = Date.now();
  const messageId = randomUUID();
  const letter: LetterRow = {
    id: randomUUID(),
    message_id: messageId,
    conversation_id: randomUUID(),
    provider_orgnr: PROVIDER,
    postkasseadresse: 'innbygger#1',
    personidentifikator: o.pid,
    sender_orgnr: SENDER,
    sender_name: o.senderName ?? 'Testetaten',
    avsenderidentifikator: null,
    ikkesensitivtittel: o.tittel ?? 'Vedtak om bostøtte',
    spraak: o.spraak ?? 'nb',
    sikkerhetsnivaa: 3,
    visible_from: o.visibleFrom ?? now - 1000,
    aapningskvittering: 0,
    opened_at: null,
    varsler: o.varsler === undefined ? null : JSON.stringify(o.varsler),
    created_at: now,
  };
  const scheduled = await t.platform.db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('digitalpost_messages')
      .values({
        message_id: messageId,
        conversation_id: letter.conversation_id,
        type: 'digital',
        sender_orgnr: SENDER,
        consumer_orgnr: SENDER,
        receiver_orgnr: PROVIDER,
        avsenderidentifikator: null,
        kanal: null,
        forretningsmelding: 'x.y.z',
        dokumentpakke: Buffer.from([1, 2, 3]),
        state: 'BEHANDLET',
        eformidling_message_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx.insertInto('digitalpost_letters').values(letter).execute();
    return scheduleNotifications(t.platform, trx, letter, now);
  });
  return { letter, scheduled };
}

async function notifications(t: TestPlatform, letterId: string): Promise<NotificationRow[]> {
  const rows = (await t.platform.db.kysely
    .selectFrom('digitalpost_notifications')
    .selectAll()
    .where('letter_id', '=', letterId)
    .orderBy('kanal')
    .orderBy('repetisjon')
    .execute()) as NotificationRow[];
  return rows.map((r) => ({ ...r, due_at: Number(r.due_at), updated_at: Number(r.updated_at) }));
}

/** The `varslingfeiletkvittering` bodies issued for a letter's message (decoded from the signed SBDs). */
async function failureReceipts(t: TestPlatform, letter: LetterRow): Promise<Array<Record<string, unknown>>> {
  const rows = await t.platform.db.kysely
    .selectFrom('digitalpost_receipts')
    .selectAll()
    .where('ref_message_id', '=', letter.message_id)
    .where('type', '=', 'varslingfeiletkvittering')
    .execute();
  return rows.map((r) => {
    const payload = JSON.parse(Buffer.from(String(r.forretningsmelding).split('.')[1]!, 'base64url').toString('utf8'));
    return payload.standardBusinessDocument.varslingfeiletkvittering as Record<string, unknown>;
  });
}

async function outboxMessages(t: TestPlatform) {
  return t.platform.outbox.list({ component: OUTBOX_COMPONENT, limit: 1000 });
}

/** Runs notifications at `now`, lets the outbox deliver, then runs again to record the verdicts. */
async function sendAt(t: TestPlatform, now: number) {
  const first = await runNotifications(t.platform, now);
  await t.platform.jobs.runDue();
  const second = await runNotifications(t.platform, now);
  return { first, second };
}

const facts = { senderName: 'Testetaten', ikkesensitivtittel: 'Vedtak om bostøtte', publicUrl: PUBLIC_URL };

describe('notification texts', () => {
  it('has a default text in bokmål, nynorsk and English with sender, non-sensitive title and the mailbox link', () => {
    assert.equal(
      defaultEmailText({ ...facts, lang: 'nb' }),
      'Du har fått digital post fra Testetaten: Vedtak om bostøtte. Logg inn på https://grunnmur.test/digitalpost for å lese.',
    );
    assert.equal(
      defaultEmailText({ ...facts, lang: 'nn' }),
      'Du har fått digital post frå Testetaten: Vedtak om bostøtte. Logg inn på https://grunnmur.test/digitalpost for å lese.',
    );
    assert.equal(
      defaultEmailText({ ...facts, lang: 'en' }),
      'You have received digital mail from Testetaten: Vedtak om bostøtte. Log in at https://grunnmur.test/digitalpost to read it.',
    );
    assert.equal(emailSubject({ senderName: 'Testetaten', lang: 'nn' }), 'Du har fått digital post frå Testetaten');
  });

  it('fits the default SMS into 160 characters: a long title is shortened; the sender keeps at most half of the room', () => {
    assert.equal(defaultSmsText({ ...facts, lang: 'nb' }), defaultEmailText({ ...facts, lang: 'nb' }));
    for (const lang of ['nb', 'nn', 'en'] as const) {
      const sms = defaultSmsText({ ...facts, ikkesensitivtittel: 'T'.repeat(255), lang });
      assert.equal([...sms].length, MAX_SMS_TEXT, `${lang}: ${sms}`);
      assert.match(sms, /Testetaten: T+…\./);
      assert.match(sms, /https:\/\/grunnmur\.test\/digitalpost/);
    }
    const longSender = defaultSmsText({ senderName: 'Direktoratet for forvaltning og økonomistyring i Nord-Norge', ikkesensitivtittel: 'T'.repeat(255), publicUrl: PUBLIC_URL, lang: 'nb' });
    assert.ok([...longSender].length <= MAX_SMS_TEXT);
    const [, sender, title] = /fra (.*): (T+…)\. Logg inn/.exec(longSender) ?? [];
    assert.match(sender ?? '', /^Direktoratet for forvaltning.*…$/);
    assert.ok([...(title ?? '')].length >= [...(sender ?? '')].length - 1, longSender);
    const both = defaultSmsText({ senderName: 'S'.repeat(255), ikkesensitivtittel: 'T'.repeat(255), publicUrl: PUBLIC_URL, lang: 'nb' });
    assert.ok([...both].length <= MAX_SMS_TEXT);
    assert.match(both, /fra S+…: T+…\. Logg inn/);
    const hugeUrl = defaultSmsText({ ...facts, publicUrl: `https://${'x'.repeat(200)}.test`, lang: 'en' });
    assert.equal(hugeUrl, 'You have received digital mail. Log in to your digital mailbox to read it.');
  });

  it('keeps notification texts on one line: a title with line breaks is flattened', () => {
    assert.equal(
      defaultSmsText({ ...facts, ikkesensitivtittel: 'Vedtak\r\nom  bostøtte', lang: 'nb' }),
      'Du har fått digital post fra Testetaten: Vedtak om bostøtte. Logg inn på https://grunnmur.test/digitalpost for å lese.',
    );
  });
});

for (const engine of testEngines()) {
  describe(`notifications (${engine})`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await setup(engine);
    });
    after(async () => t.close());
    beforeEach(async () => {
      // Rows of earlier tests (a letter not yet visible, outbox messages) would confuse the counts.
      await t.platform.db.kysely.deleteFrom('digitalpost_notifications').execute();
      await t.platform.db.kysely.deleteFrom('platform_outbox').execute();
    });

    it('without varsler: one e-mail on day 0 to the KRR address with the default text, no SMS', async () => {
      const pid = await person(t, { epostadresse: 'Kari.Nordmann@Example.NO', mobiltelefonnummer: '+4791234567' });
      const { letter, scheduled } = await fileLetter(t, { pid });
      assert.equal(scheduled, 1);
      const [row] = await notifications(t, letter.id);
      assert.equal(row?.kanal, 'epost');
      assert.equal(row?.address, 'Kari.Nordmann@Example.NO');
      assert.equal(row?.repetisjon, 0);
      assert.equal(row?.due_at, letter.visible_from);
      assert.equal(row?.state, 'VENTER');
      assert.equal(row?.text, 'Du har fått digital post fra Testetaten: Vedtak om bostøtte. Logg inn på https://grunnmur.test/digitalpost for å lese.');

      const { first, second } = await sendAt(t, Date.now());
      assert.equal(first.handedOver, 1);
      assert.equal(second.sent, 1);
      const [sent] = await notifications(t, letter.id);
      assert.equal(sent?.state, 'SENDT');
      const messages = await outboxMessages(t);
      assert.equal(messages.length, 1);
      assert.equal(messages[0]?.id, sent?.outbox_id);
      assert.equal(messages[0]?.channel, 'email');
      assert.equal(messages[0]?.to, 'Kari.Nordmann@example.no');
      assert.equal(messages[0]?.subject, 'Du har fått digital post fra Testetaten');
      assert.equal(messages[0]?.text, row?.text);
      assert.equal(messages[0]?.status, 'stored');
      assert.deepEqual(await failureReceipts(t, letter), []);
    });

    it('without varsler and without a KRR e-mail address: nothing is scheduled and no receipt is issued', async () => {
      const pid = await person(t, { epostadresse: null });
      const { letter, scheduled } = await fileLetter(t, { pid });
      assert.equal(scheduled, 0);
      assert.deepEqual(await notifications(t, letter.id), []);
      await sendAt(t, Date.now());
      assert.deepEqual(await outboxMessages(t), []);
      assert.deepEqual(await failureReceipts(t, letter), []);
    });

    it('does not use KRR data of a reserved person', async () => {
      const pid = await person(t, { reservasjon: 'JA' });
      const { scheduled } = await fileLetter(t, { pid });
      assert.equal(scheduled, 0);
    });

    it('with varsler: the given address and text, one row per channel and repetition day, due at visible_from + day × 24 h', async () => {
      const pid = await person(t, { epostadresse: 'krr@example.no', mobiltelefonnummer: '+4798765432' });
      const visibleFrom = Date.now() - 1000;
      const { letter, scheduled } = await fileLetter(t, {
        pid,
        visibleFrom,
        varsler: {
          epostvarsel: { epostadresse: 'varsel@example.no', varslingstekst: 'Du har fått et brev fra Testetaten.', repetisjoner: [7, 0, 7] },
          smsvarsel: { mobiltelefonnummer: '', varslingstekst: 'Nytt brev fra Testetaten', repetisjoner: [3] },
        },
      });
      assert.equal(scheduled, 3);
      const rows = await notifications(t, letter.id);
      assert.deepEqual(
        rows.map((r) => [r.kanal, r.repetisjon, r.due_at - visibleFrom, r.address]),
        [
          ['epost', 0, 0, 'varsel@example.no'],
          ['epost', 7, 7 * DAY_MS, 'varsel@example.no'],
          ['sms', 3, 3 * DAY_MS, '+4798765432'],
        ],
      );
      assert.equal(rows[0]?.text, 'Du har fått et brev fra Testetaten.\n\nLogg inn på https://grunnmur.test/digitalpost for å lese.');
      assert.equal(rows[2]?.text, 'Nytt brev fra Testetaten');

      // Day 0: only the first e-mail.
      await sendAt(t, visibleFrom);
      assert.deepEqual(
        (await notifications(t, letter.id)).map((r) => r.state),
        ['SENDT', 'VENTER', 'VENTER'],
      );
      // Day 3: the SMS; day 7: the reminder e-mail.
      await sendAt(t, visibleFrom + 3 * DAY_MS);
      await sendAt(t, visibleFrom + 7 * DAY_MS);
      assert.deepEqual(
        (await notifications(t, letter.id)).map((r) => r.state),
        ['SENDT', 'SENDT', 'SENDT'],
      );
      const messages = await outboxMessages(t);
      assert.deepEqual(messages.map((m) => [m.channel, m.to]).sort(), [
        ['email', 'varsel@example.no'],
        ['email', 'varsel@example.no'],
        ['sms', '+4798765432'],
      ]);
      assert.equal(messages.find((m) => m.channel === 'sms')?.text, 'Nytt brev fra Testetaten');
      assert.deepEqual(await failureReceipts(t, letter), []);
    });

    it('a sender-ordered SMS without text gets the default SMS text in the letter’s language; only the ordered channel is sent', async () => {
      const pid = await person(t, { mobiltelefonnummer: '+4741234567' });
      const { letter } = await fileLetter(t, { pid, spraak: 'en', varsler: { smsvarsel: { repetisjoner: [] } } });
      const rows = await notifications(t, letter.id);
      assert.deepEqual(
        rows.map((r) => [r.kanal, r.repetisjon, r.address]),
        [['sms', 0, '+4741234567']],
      );
      assert.equal(rows[0]?.text, 'You have received digital mail from Testetaten: Vedtak om bostøtte. Log in at https://grunnmur.test/digitalpost to read it.');
      const nn = await fileLetter(t, { pid, spraak: 'nn', varsler: { epostvarsel: { repetisjoner: [0] } } });
      const [email] = await notifications(t, nn.letter.id);
      assert.equal(email?.text, 'Du har fått digital post frå Testetaten: Vedtak om bostøtte. Logg inn på https://grunnmur.test/digitalpost for å lese.');
      assert.equal(email?.address, `innbygger${pidSeq}@example.no`);
    });

    it('does not send before virkningstidspunkt', async () => {
      const pid = await person(t);
      const { letter } = await fileLetter(t, { pid, visibleFrom: Date.now() + 3_600_000 });
      const { first } = await sendAt(t, Date.now());
      assert.equal(first.handedOver, 0);
      assert.equal((await notifications(t, letter.id))[0]?.state, 'VENTER');
      assert.deepEqual(await outboxMessages(t), []);
    });

    it('skips the repetitions of a letter once it is opened (AVBRUTT), and sends nothing more', async () => {
      const pid = await person(t);
      const visibleFrom = Date.now() - 1000;
      const { letter } = await fileLetter(t, {
        pid,
        visibleFrom,
        varsler: { epostvarsel: { epostadresse: 'les@example.no', varslingstekst: 'Brev til deg', repetisjoner: [0, 7, 14] } },
      });
      await sendAt(t, visibleFrom);
      await t.platform.db.kysely.updateTable('digitalpost_letters').set({ opened_at: visibleFrom + DAY_MS }).where('id', '=', letter.id).execute();
      const { first } = await sendAt(t, visibleFrom + 14 * DAY_MS);
      assert.equal(first.cancelled, 2);
      assert.equal(first.handedOver, 0);
      const rows = await notifications(t, letter.id);
      assert.deepEqual(
        rows.map((r) => [r.repetisjon, r.state]),
        [
          [0, 'SENDT'],
          [7, 'AVBRUTT'],
          [14, 'AVBRUTT'],
        ],
      );
      assert.equal((await outboxMessages(t)).length, 1);
      assert.deepEqual(await failureReceipts(t, letter), []);
    });

    it('an ordered SMS with no number in the message nor in KRR fails every day of it with one varslingfeiletkvittering; the e-mail still goes', async () => {
      const pid = await person(t, { mobiltelefonnummer: null });
      const { letter } = await fileLetter(t, {
        pid,
        varsler: {
          epostvarsel: { varslingstekst: 'Brev', repetisjoner: [0] },
          smsvarsel: { varslingstekst: 'Brev', repetisjoner: [0, 7] },
        },
      });
      const rows = await notifications(t, letter.id);
      assert.deepEqual(
        rows.map((r) => [r.kanal, r.repetisjon, r.address === null]),
        [
          ['epost', 0, false],
          ['sms', 0, true],
          ['sms', 7, true],
        ],
      );
      const { first } = await sendAt(t, letter.visible_from);
      assert.equal(first.failed, 2);
      const after = await notifications(t, letter.id);
      assert.deepEqual(
        after.map((r) => [r.kanal, r.repetisjon, r.state]),
        [
          ['epost', 0, 'SENDT'],
          ['sms', 0, 'FEILET'],
          ['sms', 7, 'FEILET'],
        ],
      );
      assert.equal(after[1]?.beskrivelse, 'SMS-varselet ble ikke sendt: verken meldingen eller Kontaktregisteret har et mobiltelefonnummer');
      const receipts = await failureReceipts(t, letter);
      assert.equal(receipts.length, 1);
      assert.equal(receipts[0]?.varslingskanal, 'sms');
      assert.equal(receipts[0]?.beskrivelse, after[1]?.beskrivelse);
      assert.equal(typeof receipts[0]?.tidspunkt, 'string');
      assert.deepEqual(
        (await outboxMessages(t)).map((m) => m.channel),
        ['email'],
      );
    });

    it('an address the outbox refuses (the schema example’s 12345678) fails the channel with a varslingfeiletkvittering', async () => {
      const pid = await person(t);
      const { letter } = await fileLetter(t, {
        pid,
        varsler: { smsvarsel: { mobiltelefonnummer: '12345678', varslingstekst: 'Dette er en varslingstekst', repetisjoner: [0, 7] } },
      });
      await sendAt(t, letter.visible_from + 7 * DAY_MS);
      const rows = await notifications(t, letter.id);
      assert.deepEqual(
        rows.map((r) => r.state),
        ['FEILET', 'FEILET'],
      );
      assert.equal(rows[0]?.beskrivelse, 'SMS-varselet ble ikke sendt: mobiltelefonnummeret er ugyldig');
      const receipts = await failureReceipts(t, letter);
      assert.deepEqual(
        receipts.map((r) => [r.varslingskanal, r.beskrivelse]),
        [['sms', 'SMS-varselet ble ikke sendt: mobiltelefonnummeret er ugyldig']],
      );
      assert.deepEqual(await outboxMessages(t), []);
    });

    it('the citizen-default e-mail to an address the outbox refuses fails without a receipt (the sender did not order it)', async () => {
      const pid = await person(t, { epostadresse: 'ikke en adresse' });
      const { letter } = await fileLetter(t, { pid });
      await sendAt(t, letter.visible_from);
      const [row] = await notifications(t, letter.id);
      assert.equal(row?.state, 'FEILET');
      assert.equal(row?.beskrivelse, 'E-postvarselet ble ikke sendt: e-postadressen er ugyldig');
      assert.deepEqual(await failureReceipts(t, letter), []);
    });

    it('a notification the outbox has not delivered within 24 hours fails with a varslingfeiletkvittering', async () => {
      const pid = await person(t);
      const { letter } = await fileLetter(t, { pid, varsler: { epostvarsel: { varslingstekst: 'Brev', repetisjoner: [0] } } });
      const handedAt = letter.visible_from;
      assert.equal((await runNotifications(t.platform, handedAt)).handedOver, 1);
      // The outbox's delivery job never runs: its message stays queued.
      assert.equal((await runNotifications(t.platform, handedAt + DELIVERY_CONFIRMATION_TIMEOUT_MS)).failed, 0);
      assert.equal((await runNotifications(t.platform, handedAt + DELIVERY_CONFIRMATION_TIMEOUT_MS + 1)).failed, 1);
      const [row] = await notifications(t, letter.id);
      assert.equal(row?.state, 'FEILET');
      assert.equal(row?.beskrivelse, 'E-postvarselet er ikke bekreftet levert innen 24 timer');
      assert.deepEqual(
        (await failureReceipts(t, letter)).map((r) => [r.varslingskanal, r.beskrivelse]),
        [['epost', row?.beskrivelse]],
      );
    });

    it('hands a notification to the outbox once, whatever the number of runs', async () => {
      const pid = await person(t);
      const { letter } = await fileLetter(t, { pid });
      const now = Date.now();
      const runs = await Promise.all([runNotifications(t.platform, now), runNotifications(t.platform, now)]);
      assert.equal(runs[0].handedOver + runs[1].handedOver, 1);
      await t.platform.jobs.runDue();
      await runNotifications(t.platform, now);
      await runNotifications(t.platform, now);
      assert.equal((await outboxMessages(t)).length, 1);
      assert.equal((await notifications(t, letter.id))[0]?.state, 'SENDT');
    });

    it('scheduling twice for the same letter adds nothing', async () => {
      const pid = await person(t);
      const { letter } = await fileLetter(t, { pid, varsler: { epostvarsel: { varslingstekst: 'x', repetisjoner: [0, 1] } } });
      const again = await t.platform.db.kysely.transaction().execute((trx) => scheduleNotifications(t.platform, trx, letter));
      assert.equal(again, 0);
      assert.equal((await notifications(t, letter.id)).length, 2);
    });

    it('registerNotificationJobs makes the run a recurring job that sends due notifications', async () => {
      const pid = await person(t);
      const { letter } = await fileLetter(t, { pid });
      await registerNotificationJobs(t.platform);
      await t.platform.jobs.runDue();
      const [row] = await notifications(t, letter.id);
      assert.notEqual(row?.outbox_id, null);
      const jobs = await t.platform.jobs.list({ queue: NOTIFICATION_QUEUE });
      assert.ok(jobs.some((j) => j.state === 'succeeded'));
      assert.ok(jobs.some((j) => j.state === 'queued'), 'the next slot is queued');
    });
  });

  describe(`notifications over real SMTP (${engine})`, () => {
    let t: TestPlatform;
    let smtp: SMTPServer;
    const received: Array<{ to: string[]; raw: string }> = [];
    before(async () => {
      smtp = new SMTPServer({
        secure: false,
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onRcptTo(address, _session, callback) {
          if (address.address.startsWith('ukjent@')) {
            callback(Object.assign(new Error(`<${address.address}>: No such user`), { responseCode: 550 }));
            return;
          }
          callback();
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
      const port = (smtp.server.address() as AddressInfo).port;
      t = await setup(engine, { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'Digipost <varsel@digipost.test>' });
    });
    after(async () => {
      await t.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    });

    it('the e-mail arrives at the SMTP server with the notification text', async () => {
      const pid = await person(t, { epostadresse: 'ola.nordmann@example.no' });
      const { letter } = await fileLetter(t, { pid, tittel: 'Svar på søknad om barnehageplass' });
      await sendAt(t, letter.visible_from);
      assert.equal(received.length, 1);
      assert.deepEqual(received[0]?.to, ['ola.nordmann@example.no']);
      const { subject, body } = decodeMail(received[0]!.raw);
      assert.equal(subject, 'Du har fått digital post fra Testetaten');
      assert.equal(body.trim(), 'Du har fått digital post fra Testetaten: Svar på søknad om barnehageplass. Logg inn på https://grunnmur.test/digitalpost for å lese.');
      const [row] = await notifications(t, letter.id);
      assert.equal(row?.state, 'SENDT');
      assert.equal((await t.platform.outbox.get(row!.outbox_id!))?.transport, 'smtp');
    });

    it('a recipient the SMTP server rejects (550) fails the notification with a varslingfeiletkvittering that does not echo the address', async () => {
      const pid = await person(t);
      const { letter } = await fileLetter(t, {
        pid,
        varsler: { epostvarsel: { epostadresse: 'ukjent@example.no', varslingstekst: 'Nytt brev', repetisjoner: [0] } },
      });
      const before = received.length;
      await sendAt(t, letter.visible_from);
      assert.equal(received.length, before);
      const [row] = await notifications(t, letter.id);
      assert.equal(row?.state, 'FEILET');
      assert.match(row?.beskrivelse ?? '', /^E-postvarselet kunne ikke leveres: SMTP: .*550/);
      assert.doesNotMatch(row?.beskrivelse ?? '', /ukjent@example\.no/);
      const receipts = await failureReceipts(t, letter);
      assert.deepEqual(
        receipts.map((r) => [r.varslingskanal, r.beskrivelse]),
        [['epost', row?.beskrivelse]],
      );
    });
  });
}

/** Subject and plain-text body of a raw single-part e-mail (quoted-printable, base64 or 7/8bit). */
function decodeMail(raw: string): { subject: string; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1] ?? '';
  const subject = header('Subject').replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
  );
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text = encoding === 'quoted-printable' ? decodeQp(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { subject, body: text.replace(/\r\n/g, '\n') };
}

function decodeQp(text: string): string {
  const bytes: number[] = [];
  const s = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
