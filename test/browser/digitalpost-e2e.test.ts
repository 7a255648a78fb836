/**
 * Issue #7's acceptance, end to end on one running Grunnmur (every component, the job worker on,
 * a real SMTP server started by the test):
 * - NAV gets a Maskinporten token (JWT-bearer grant over HTTP) and sends a letter through the Next
 *   Move API (`POST /eformidling/api/messages/out/multipart`) to a citizen with a mailbox, asking
 *   for an e-mail and an SMS notification and an opening receipt;
 * - the hosted integration point hands it to corner 2, the mailbox provider files it, NAV sees
 *   `LEVERT`; the e-mail arrives at the SMTP server; the SMS is in the outbox;
 * - the citizen logs in with MinID in Chromium, opens the letter (consenting to the opening
 *   receipt), sees the PDF; NAV sees `LEST`;
 * - a letter to a reserved citizen goes to print, and NAV sees the print provider's
 *   `mottakskvittering` (`LEVERT` with its description, as Digdir's integration point maps it).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import type { FastifyInstance } from 'fastify';
import { buildServer, createPlatform, type RunningPlatform } from '../../src/platform/boot.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/platform/db/testing.ts';
import { allComponents } from '../../src/components.ts';
import { createMinidAccount } from '../../src/idporten/index.ts';
import { readOneTimeCode } from '../../src/idporten/testing/oidc-harness.ts';
import { createClient, maskinportenIssuer, setClientKeys } from '../../src/maskinporten/index.ts';
import { EFORMIDLING_SCOPE, prototypeSbd } from '../../src/eformidling/index.ts';
import { makePdf } from '../../src/digitalpost/pages/testing/seed-letters.ts';
import { collectPageProblems, collectPageReports, type PageReport } from '../helpers/browser.ts';
import { freePort } from '../helpers/net.ts';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'Sommer2024x';
const MINID_MOBILE = '+4799112255';
const CITIZEN_EMAIL = 'kari.nordmann@example.no';
const CITIZEN_MOBILE = '+4791234567';
const NAV = '889640782';
const EMAIL_TEXT = 'Du har fått et vedtak fra NAV i din digitale postkasse.';
const SMS_TEXT = 'NAV: du har fått et vedtak i din digitale postkasse.';

/** Polls until `check` returns a value (not undefined), at most `ms`. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const engine of testEngines()) {
  describe(`Digital postkasse end to end on ${engine}: NAV → eFormidling → mailbox, SMTP notification, the citizen reads it in Chromium, LEVERT then LEST; print for a reserved citizen`, () => {
    let db: TestDatabase;
    let platform: RunningPlatform;
    let app: FastifyInstance;
    let smtp: SMTPServer;
    const mails: Array<{ to: string[]; raw: string }> = [];
    let base: string;
    let token: string;
    let pid: string;
    let reservedPid: string;
    let messageId: string;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    const reports: PageReport[] = [];

    async function statuses(id: string): Promise<Array<{ status: string; description?: string }>> {
      const res = await fetch(`${base}/eformidling/api/statuses/${id}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      return ((await res.json()) as { content: Array<{ status: string; description?: string }> }).content;
    }

    /** Sends a Next Move `digital` letter as NAV with one PDF, in one multipart request. */
    async function sendLetter(receiver: string, tittel: string): Promise<string> {
      const sbd = prototypeSbd({ process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0', standard: 'urn:no:difi:digitalpost:xsd:digital::digital', sender: `0192:${NAV}`, receiver }) as any;
      sbd.digital = {
        sikkerhetsnivaa: 3,
        hoveddokument: 'vedtak.pdf',
        tittel,
        spraak: 'NO',
        digitalPostInfo: { virkningsdato: new Date().toISOString().slice(0, 10), aapningskvittering: true },
        varsler: { epostTekst: EMAIL_TEXT, smsTekst: SMS_TEXT },
      };
      const form = new FormData();
      form.append('sbd', new Blob([JSON.stringify(sbd)], { type: 'application/json' }));
      form.append('Vedtak', new Blob([Buffer.from(await makePdf(`${tittel}: innvilget`))], { type: 'application/pdf' }), 'vedtak.pdf');
      const res = await fetch(`${base}/eformidling/api/messages/out/multipart`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      const body = (await res.json()) as any;
      assert.equal(res.status, 200, JSON.stringify(body));
      return body.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
    }

    before(async () => {
      if (!existsSync(CHROMIUM)) throw new Error('Chromium missing: apt-get install -y chromium');
      smtp = new SMTPServer({
        secure: false,
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
      const smtpPort = (smtp.server.address() as AddressInfo).port;

      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      db = await createTestDatabase(engine);
      const config = loadConfig({
        LOG_LEVEL: 'silent',
        SEED_PERSONS: '40',
        SEED_ORGS: '10',
        PUBLIC_URL: base,
        PORT: String(port),
        RATE_LIMIT_MAX: '0',
        DATABASE_URL: db.url,
        JOBS_POLL_INTERVAL_MS: '50',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      });
      platform = await createPlatform({ config, components: [...allComponents], db, log: pino({ level: 'silent' }) });
      app = await buildServer(platform);
      await app.listen({ host: '127.0.0.1', port });
      platform.jobs.start();

      // The citizen: active in KRR with a mailbox, fresh contact data, and a MinID.
      const k = db.kysely;
      const citizen = await k
        .selectFrom('krr_persons')
        .innerJoin('registers_persons', 'registers_persons.pid', 'krr_persons.personidentifikator')
        .select('krr_persons.personidentifikator as pid')
        .where('krr_persons.status', '=', 'AKTIV')
        .where('krr_persons.reservasjon', '=', 'NEI')
        .where('krr_persons.postkasseadresse', 'is not', null)
        .where('registers_persons.status', '=', 'bosatt')
        .executeTakeFirstOrThrow();
      pid = citizen.pid;
      await k.updateTable('krr_persons').set({ epostadresse: CITIZEN_EMAIL, mobiltelefonnummer: CITIZEN_MOBILE, updated_at: Date.now() }).where('personidentifikator', '=', pid).execute();
      await createMinidAccount(platform.db, { pid, password: PASSWORD, mobile: MINID_MOBILE });
      const reserved = await k
        .selectFrom('krr_persons')
        .innerJoin('registers_persons', 'registers_persons.pid', 'krr_persons.personidentifikator')
        .select('krr_persons.personidentifikator as pid')
        .where('krr_persons.reservasjon', '=', 'JA')
        .where('registers_persons.status', '=', 'bosatt')
        .where('registers_persons.postnummer', 'is not', null)
        .executeTakeFirstOrThrow();
      reservedPid = reserved.pid;

      // NAV's Maskinporten client and token (JWT-bearer grant over HTTP).
      const client = await createClient(platform.db, { integration_type: 'maskinporten', client_name: 'NAV sak', description: 'Digital postkasse e2e', scopes: [EFORMIDLING_SCOPE] }, { orgno: NAV });
      const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
      const kid = `nav-${randomUUID()}`;
      await setClientKeys(platform.db, client.client_id, { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] }, { orgno: NAV });
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({ scope: EFORMIDLING_SCOPE, jti: randomUUID() })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(client.client_id)
        .setAudience(maskinportenIssuer(platform.config))
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(privateKey);
      const tokenRes = await fetch(`${base}/maskinporten/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      });
      assert.equal(tokenRes.status, 200, await tokenRes.clone().text());
      token = ((await tokenRes.json()) as { access_token: string }).access_token;

      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
      await collectPageReports(context, { problems, reports });
      await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
      page = await context.newPage();
      collectPageProblems(page, problems);
    });

    after(async () => {
      await browser?.close();
      await app?.close();
      await platform?.close();
      await db?.close();
      await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    });

    it('NAV sends a letter through the Next Move API; it reaches the citizen’s mailbox and NAV sees LEVERT', async () => {
      messageId = await sendLetter(pid, 'Vedtak om arbeidsavklaringspenger');
      const seen = await waitFor('LEVERT', async () => {
        const s = await statuses(messageId);
        return s.some((x) => x.status === 'LEVERT') ? s : undefined;
      });
      assert.deepEqual(seen.map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    });

    it('the e-mail notification arrives at the SMTP server with NAV’s text; the SMS is in the outbox', async () => {
      const mail = await waitFor('the e-mail', async () => mails.find((m) => m.to.includes(CITIZEN_EMAIL)));
      const body = mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      assert.ok(Buffer.from(body, 'latin1').toString('utf8').includes(EMAIL_TEXT), mail.raw);
      const sms = await waitFor('the SMS', async () => (await platform.outbox.list({ channel: 'sms', to: CITIZEN_MOBILE })).find((m) => m.text.includes(SMS_TEXT)));
      assert.equal(sms.component, 'digitalpost');
    });

    it('the citizen logs in with MinID, opens the letter (consenting to the opening receipt) and sees the PDF; NAV sees LEST', async () => {
      await page.goto(`${base}/digitalpost`);
      await Promise.all([page.waitForURL(/\/minid$/), page.locator('a.ds-card[href$="/minid"]').click()]);
      await page.getByLabel('Fødselsnummer eller d-nummer').fill(pid);
      await page.getByLabel('Passord').fill(PASSWORD);
      await Promise.all([page.waitForURL(/\/minid\/kode$/), page.getByRole('button', { name: 'Neste' }).click()]);
      await page.getByLabel('Engangskode fra SMS').fill(await readOneTimeCode(base, MINID_MOBILE));
      await Promise.all([page.waitForURL(`${base}/digitalpost`), page.getByRole('button', { name: 'Logg inn' }).click()]);
      const letter = await db.kysely.selectFrom('digitalpost_letters').select('id').where('message_id', '=', messageId).executeTakeFirstOrThrow();
      assert.equal(await page.locator(`tr[data-letter="${letter.id}"]`).count(), 1);
      await Promise.all([page.waitForURL(`${base}/digitalpost/brev/${letter.id}`), page.getByRole('link', { name: 'Vedtak om arbeidsavklaringspenger' }).click()]);
      assert.equal(await page.locator('[data-documents]').count(), 0, 'no documents before the citizen consents to the opening receipt');
      await Promise.all([page.waitForURL(`${base}/digitalpost/brev/${letter.id}`), page.locator('form[data-form="aapne"] button').click()]);
      assert.equal(await page.locator('[data-document]').count(), 1);
      const pdf = await page.context().request.get(`${base}/digitalpost/brev/${letter.id}/dokument/0`);
      assert.equal(pdf.headers()['content-type'], 'application/pdf');
      assert.ok(Buffer.from(await pdf.body()).subarray(0, 5).equals(Buffer.from('%PDF-')));
      const seen = await waitFor('LEST', async () => {
        const s = await statuses(messageId);
        return s.some((x) => x.status === 'LEST') ? s : undefined;
      });
      assert.deepEqual(seen.map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST']);
      assert.equal(seen[4]!.description, 'Kvittering fra Innbygger for at digital post er åpnet');
    });

    it('a letter to a reserved citizen goes to print, and NAV sees the mottakskvittering (LEVERT, as the integration point maps it)', async () => {
      const printed = await sendLetter(reservedPid, 'Vedtak om bostøtte');
      const seen = await waitFor('the mottakskvittering', async () => {
        const s = await statuses(printed);
        return s.some((x) => x.status === 'LEVERT') ? s : undefined;
      });
      assert.deepEqual(seen.map((s) => s.status), ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
      assert.equal(seen[3]!.description, 'Kvittering fra utskrift og forsendelsestjenesten om at melding er mottatt og lagt til print');
      const job = await db.kysely.selectFrom('digitalpost_print_jobs').select(['state', 'pages']).where('message_id', '=', printed).executeTakeFirstOrThrow();
      assert.equal(job.state, 'MOTTATT');
      assert.ok(Number(job.pages) >= 2, 'the address page and the letter');
      assert.equal(await db.kysely.selectFrom('digitalpost_letters').select('id').where('message_id', '=', printed).executeTakeFirst(), undefined, 'not in any mailbox');
    });

    it('showed the mailbox pages without console errors, CSP violations or failed requests', () => {
      assert.deepEqual(problems, []);
      for (const r of reports.filter((x) => new URL(x.url).pathname.startsWith('/digitalpost'))) assert.equal(r.lang, 'nb', `lang on ${r.url}`);
    });
  });
}
