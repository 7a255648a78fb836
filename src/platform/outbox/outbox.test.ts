import { describe, it, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../config.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { AppError } from '../errors.ts';
import { createHttpServer } from '../http/server.ts';
import { JobQueue, jobsMigrations } from '../jobs/job-queue.ts';
import type { Platform } from '../platform.ts';
import { EMAIL_QUEUE, Outbox, normaliseMobile, outboxMigrations, outboxRoutes, SMS_QUEUE } from './outbox.ts';

const log = pino({ level: 'silent' });
const migrations = [
  { component: 'platform_jobs', migrations: jobsMigrations },
  { component: 'platform_outbox', migrations: outboxMigrations },
];

function build(db: TestDatabase, env: Record<string, string> = {}) {
  const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0', ...env });
  const jobs = new JobQueue(db, { leaseMs: 60_000, pollIntervalMs: 60_000, concurrency: 2, log });
  const outbox = new Outbox({ db, jobs, config, log });
  outbox.registerHandlers();
  return { config, jobs, outbox };
}

async function count(db: TestDatabase, table: 'platform_outbox' | 'platform_jobs'): Promise<number> {
  const row = await db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

function appError(code: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}

describe('normaliseMobile', () => {
  it('accepts +47 and 8 digits, 8 digits starting with 4 or 9, and E.164 numbers; rejects the rest', () => {
    assert.equal(normaliseMobile('+4791234567'), '+4791234567');
    assert.equal(normaliseMobile('91234567'), '+4791234567');
    assert.equal(normaliseMobile('412 34 567'), '+4741234567');
    assert.equal(normaliseMobile('+46701234567'), '+46701234567');
    for (const bad of ['12345678', '9123456', '+47912345678', '+4791234', '0047912345', '+0123456789', 'abc', '', '+1234567']) {
      assert.throws(() => normaliseMobile(bad), appError('OUTBOX_INVALID_RECIPIENT'), bad);
    }
  });
});

interface Received {
  from: string;
  to: string[];
  raw: string;
}

for (const engine of testEngines()) {
  describe(`Outbox on ${engine}`, () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase(engine, migrations);
    });
    afterEach(async () => {
      await db.close();
    });

    it('without SMTP or SMS gateway stores e-mail and SMS in the dev outbox', async () => {
      const { jobs, outbox } = build(db);
      const mail = await outbox.sendEmail({ to: 'Kari.Nordmann@EXAMPLE.no', subject: 'Velkommen', text: 'Hei Kari', component: 'krr' });
      const sms = await outbox.sendSms({ to: '912 34 567', text: 'Engangskode: 123456', component: 'idporten' });
      assert.equal((await outbox.get(mail.id))?.status, 'queued');
      assert.equal((await jobs.list({ queue: EMAIL_QUEUE })).length, 1);
      assert.equal((await jobs.list({ queue: SMS_QUEUE })).length, 1);

      assert.equal(await jobs.runDue(), 2);
      const storedMail = await outbox.get(mail.id);
      assert.equal(storedMail?.status, 'stored');
      assert.equal(storedMail?.transport, 'outbox');
      assert.equal(storedMail?.to, 'Kari.Nordmann@example.no');
      assert.equal(storedMail?.subject, 'Velkommen');
      assert.equal(typeof storedMail?.sentAt, 'number');
      const storedSms = await outbox.get(sms.id);
      assert.equal(storedSms?.status, 'stored');
      assert.equal(storedSms?.to, '+4791234567');
      assert.equal(storedSms?.subject, null);

      const found = await outbox.list({ to: '91234567' });
      assert.deepEqual(found.map((m) => m.id), [sms.id]);
      assert.deepEqual((await outbox.list()).map((m) => m.id), [sms.id, mail.id], 'newest first');
      assert.deepEqual((await outbox.list({ channel: 'email' })).map((m) => m.id), [mail.id]);
      assert.deepEqual((await outbox.list({ component: 'idporten' })).map((m) => m.id), [sms.id]);
    });

    it('lists messages sent in the same millisecond newest first', async () => {
      const { outbox } = build(db);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await outbox.sendSms({ to: '+4791234567', text: `kode ${i}`, component: 'idporten' })).id);
      assert.deepEqual((await outbox.list({ to: '+4791234567' })).map((m) => m.id), ids.reverse());
    });

    it('writes nothing when the caller’s transaction rolls back, and one message per idempotency key', async () => {
      const { outbox } = build(db);
      await assert.rejects(
        db.kysely.transaction().execute(async (trx) => {
          await outbox.sendEmail({ to: 'a@example.no', subject: 'S', text: 'T', component: 'krr' }, trx);
          throw new Error('rollback');
        }),
        /rollback/,
      );
      assert.equal(await count(db, 'platform_outbox'), 0);
      assert.equal(await count(db, 'platform_jobs'), 0);

      const first = await outbox.sendSms({ to: '91234567', text: 'kode 1', component: 'idporten', idempotencyKey: 'otp-1' });
      const again = await outbox.sendSms({ to: '91234567', text: 'kode 2', component: 'idporten', idempotencyKey: 'otp-1' });
      assert.equal(again.id, first.id);
      assert.equal(await count(db, 'platform_outbox'), 1);
      assert.equal(await count(db, 'platform_jobs'), 1);
      assert.equal((await outbox.get(first.id))?.text, 'kode 1');
    });

    it('rejects a bad recipient or message with the exact error code and writes nothing', async () => {
      const { outbox } = build(db);
      await assert.rejects(outbox.sendEmail({ to: 'not-an-address', subject: 'S', text: 'T', component: 'krr' }), appError('OUTBOX_INVALID_RECIPIENT'));
      await assert.rejects(outbox.sendEmail({ to: 'a b@example.no', subject: 'S', text: 'T', component: 'krr' }), appError('OUTBOX_INVALID_RECIPIENT'));
      await assert.rejects(outbox.sendEmail({ to: 'a@localhost', subject: 'S', text: 'T', component: 'krr' }), appError('OUTBOX_INVALID_RECIPIENT'));
      await assert.rejects(outbox.sendSms({ to: '12345678', text: 'T', component: 'krr' }), appError('OUTBOX_INVALID_RECIPIENT'));
      await assert.rejects(outbox.sendSms({ to: '+47123', text: 'T', component: 'krr' }), appError('OUTBOX_INVALID_RECIPIENT'));
      await assert.rejects(outbox.sendSms({ to: '91234567', text: '  ', component: 'krr' }), appError('OUTBOX_INVALID_MESSAGE'));
      await assert.rejects(outbox.sendSms({ to: '91234567', text: 'x'.repeat(1601), component: 'krr' }), appError('OUTBOX_INVALID_MESSAGE'));
      await assert.rejects(outbox.sendEmail({ to: 'a@example.no', subject: 'S\r\nBcc: x@evil.no', text: 'T', component: 'krr' }), appError('OUTBOX_INVALID_MESSAGE'));
      await assert.rejects(outbox.sendEmail({ to: 'a@example.no', subject: '', text: 'T', component: 'krr' }), appError('OUTBOX_INVALID_MESSAGE'));
      await assert.rejects(outbox.sendEmail({ to: 'a@example.no', subject: 'S', text: '', component: 'krr' }), appError('OUTBOX_INVALID_MESSAGE'));
      await assert.rejects(outbox.sendEmail({ to: 'a@example.no', subject: 'S', text: 'T', component: '' }), appError('OUTBOX_INVALID_MESSAGE'));
      assert.equal(await count(db, 'platform_outbox'), 0);
      assert.equal(await count(db, 'platform_jobs'), 0);
    });

    describe('with SMTP_URL', () => {
      let smtp: SMTPServer;
      let port: number;
      const received: Received[] = [];
      before(async () => {
        smtp = new SMTPServer({
          secure: false,
          authOptional: true,
          disabledCommands: ['STARTTLS', 'AUTH'],
          logger: false,
          onRcptTo(address, _session, callback) {
            if (address.address.startsWith('unknown@')) {
              const err = Object.assign(new Error('No such user'), { responseCode: 550 });
              callback(err);
              return;
            }
            callback();
          },
          onData(stream, session, callback) {
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () => {
              const from = session.envelope.mailFrom;
              received.push({
                from: from ? from.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                raw: Buffer.concat(chunks).toString('utf8'),
              });
              callback();
            });
          },
        });
        await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
        port = (smtp.server.address() as AddressInfo).port;
      });
      after(async () => {
        await new Promise<void>((resolve) => smtp.close(() => resolve()));
      });
      beforeEach(() => {
        received.length = 0;
      });

      it('sends e-mail over real SMTP from SMTP_FROM and marks it sent', async () => {
        const { jobs, outbox } = build(db, { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'Grunnmur <noreply@grunnmur.test>' });
        const { id } = await outbox.sendEmail({
          to: 'ola@example.no',
          subject: 'Din kode',
          text: 'Koden er 424242',
          html: '<p>Koden er <b>424242</b></p>',
          component: 'idporten',
        });
        assert.equal(await jobs.runDue(), 1);
        const message = await outbox.get(id);
        assert.equal(message?.status, 'sent');
        assert.equal(message?.transport, 'smtp');
        assert.equal(received.length, 1);
        assert.equal(received[0]?.from, 'noreply@grunnmur.test');
        assert.deepEqual(received[0]?.to, ['ola@example.no']);
        assert.match(received[0]!.raw, /^Subject: Din kode$/m);
        assert.match(received[0]!.raw, /Koden er 424242/);
        assert.match(received[0]!.raw, /text\/html/);
        assert.match(received[0]!.raw, new RegExp(`^Message-ID: <${id}@localhost>$`, 'mi'));
      });

      it('marks the message failed and dead-letters the job at once when the SMTP server rejects the recipient (5xx)', async () => {
        const { jobs, outbox } = build(db, { SMTP_URL: `smtp://127.0.0.1:${port}` });
        const { id } = await outbox.sendEmail({ to: 'unknown@example.no', subject: 'S', text: 'T', component: 'krr' });
        assert.equal(await jobs.runDue(), 1);
        const message = await outbox.get(id);
        assert.equal(message?.status, 'failed');
        assert.match(message?.error ?? '', /550|No such user/);
        const [job] = await jobs.list({ queue: EMAIL_QUEUE });
        assert.equal(job?.state, 'dead');
        assert.equal(job?.attempts, 1);
        assert.equal(received.length, 0);
      });
    });

    describe('with SMS_GATEWAY_URL', () => {
      let gateway: Server;
      let port: number;
      const requests: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: unknown }> = [];
      let failNext = 0;
      before(async () => {
        gateway = createServer((req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
            if (failNext > 0) {
              failNext--;
              res.writeHead(500, { 'content-type': 'text/plain' }).end('gateway broken');
              return;
            }
            res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
          });
        });
        await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', () => resolve()));
        port = (gateway.address() as AddressInfo).port;
      });
      after(async () => {
        gateway.closeAllConnections();
        await new Promise<void>((resolve) => gateway.close(() => resolve()));
      });
      beforeEach(() => {
        requests.length = 0;
        failNext = 0;
      });

      it('POSTs {to, from, message} with the bearer token, retries after a 500 and marks the SMS sent on 2xx', async () => {
        const { jobs, outbox } = build(db, {
          SMS_GATEWAY_URL: `http://127.0.0.1:${port}/api/sms`,
          SMS_GATEWAY_TOKEN: 'gateway-secret',
          SMS_SENDER: 'MinID',
        });
        failNext = 1;
        const { id } = await outbox.sendSms({ to: '41234567', text: 'Engangskode: 987654', component: 'idporten' });
        assert.equal(await jobs.runDue(), 1);
        let message = await outbox.get(id);
        assert.equal(message?.status, 'queued');
        assert.match(message?.error ?? '', /SMS gateway answered 500/);
        const [job] = await jobs.list({ queue: SMS_QUEUE });
        assert.equal(job?.state, 'queued');
        assert.equal(job?.attempts, 1);

        await db.kysely.updateTable('platform_jobs').set({ run_at: 0 }).where('id', '=', job!.id).execute();
        assert.equal(await jobs.runDue(), 1);
        message = await outbox.get(id);
        assert.equal(message?.status, 'sent');
        assert.equal(message?.transport, 'sms-gateway');
        assert.equal(message?.error, null);
        assert.equal((await jobs.get(job!.id))?.state, 'succeeded');

        assert.equal(requests.length, 2);
        for (const request of requests) {
          assert.equal(request.method, 'POST');
          assert.equal(request.url, '/api/sms');
          assert.equal(request.headers.authorization, 'Bearer gateway-secret');
          assert.match(request.headers['content-type'] ?? '', /^application\/json/);
          assert.deepEqual(request.body, { to: '+4741234567', from: 'MinID', message: 'Engangskode: 987654' });
        }
      });

      it('sends no Authorization header when SMS_GATEWAY_TOKEN is unset', async () => {
        const { jobs, outbox } = build(db, { SMS_GATEWAY_URL: `http://127.0.0.1:${port}/api/sms` });
        await outbox.sendSms({ to: '+4791234567', text: 'Hei', component: 'altinn' });
        assert.equal(await jobs.runDue(), 1);
        assert.equal(requests.length, 1);
        assert.equal(requests[0]?.headers.authorization, undefined);
        assert.deepEqual(requests[0]?.body, { to: '+4791234567', from: 'Grunnmur', message: 'Hei' });
      });
    });

    describe('routes', () => {
      async function server(mode: 'test' | 'production') {
        const { config, jobs, outbox } = build(db, { GRUNNMUR_MODE: mode });
        const platform = { config, db, log, jobs, outbox, metrics: new Registry(), components: [] } as unknown as Platform;
        const app = await createHttpServer(platform, { kernelPlugins: [outboxRoutes] });
        return { app, outbox, jobs };
      }

      it('lists messages as JSON at /outbox/api/messages in test mode, filtered by recipient', async () => {
        const { app, outbox, jobs } = await server('test');
        try {
          await outbox.sendSms({ to: '91234567', text: 'Engangskode: 111111', component: 'idporten' });
          await outbox.sendSms({ to: '41234567', text: 'Engangskode: 222222', component: 'idporten' });
          await jobs.runDue();
          const res = await app.inject({ method: 'GET', url: '/outbox/api/messages?to=91234567&channel=sms' });
          assert.equal(res.statusCode, 200);
          const body = res.json() as { messages: Array<{ to: string; text: string; status: string; channel: string }> };
          assert.equal(body.messages.length, 1);
          assert.equal(body.messages[0]?.to, '+4791234567');
          assert.equal(body.messages[0]?.text, 'Engangskode: 111111');
          assert.equal(body.messages[0]?.status, 'stored');
          const all = await app.inject({ method: 'GET', url: '/outbox/api/messages?limit=1' });
          assert.equal((all.json() as { messages: unknown[] }).messages.length, 1);
          const bad = await app.inject({ method: 'GET', url: '/outbox/api/messages?channel=fax' });
          assert.equal(bad.statusCode, 400);
          assert.equal(bad.json().code, 'PLATFORM_VALIDATION_FAILED');
        } finally {
          await app.close();
        }
      });

      it('shows the messages as an escaped HTML page at /outbox, in bokmål, nynorsk or English', async () => {
        const { app, outbox } = await server('test');
        try {
          await outbox.sendEmail({ to: 'kari@example.no', subject: 'Hei <b>Kari</b>', text: 'Lenke: <script>alert(1)</script>', component: 'krr' });
          const nb = await app.inject({ method: 'GET', url: '/outbox' });
          assert.equal(nb.statusCode, 200);
          assert.match(nb.headers['content-type'] as string, /^text\/html/);
          assert.match(nb.body, /Utboks for utvikling/);
          assert.match(nb.body, /kari@example\.no/);
          assert.match(nb.body, /Hei &lt;b&gt;Kari&lt;\/b&gt;/);
          assert.match(nb.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
          assert.doesNotMatch(nb.body, /<script>alert/);
          const en = await app.inject({ method: 'GET', url: '/outbox?lang=en&channel=' });
          assert.equal(en.statusCode, 200);
          assert.match(en.body, /Development outbox/);
          const none = await app.inject({ method: 'GET', url: '/outbox?lang=en&channel=sms' });
          assert.match(none.body, /No messages\./);
          const nn = await app.inject({ method: 'GET', url: '/outbox?lang=nn&channel=sms' });
          assert.match(nn.body, /<html lang="nn"/);
          assert.match(nn.body, /Ingen meldingar\./);
        } finally {
          await app.close();
        }
      });

      it('answers 404 PLATFORM_TEST_MODE_ONLY for /outbox and /outbox/api/messages in production mode', async () => {
        const { app, outbox } = await server('production');
        try {
          await outbox.sendSms({ to: '91234567', text: 'hemmelig', component: 'idporten' });
          for (const url of ['/outbox', '/outbox/api/messages', '/outbox/api/messages?to=91234567', '/outbox/api/messages?channel=fax']) {
            const res = await app.inject({ method: 'GET', url });
            assert.equal(res.statusCode, 404, url);
            assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
            assert.equal(res.json().code, 'PLATFORM_TEST_MODE_ONLY');
            assert.doesNotMatch(res.body, /hemmelig/);
          }
        } finally {
          await app.close();
        }
      });
    });
  });
}
