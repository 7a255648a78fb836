/**
 * Corner 2 (`/dpi`): a real message (the sender's enterprise certificate from the test PKI, a
 * real Maskinporten token, the ASiC-E encrypted to the provider's KRR certificate) is accepted
 * with OPPRETTET and SENDT; every bad input the issue names gets its exact error code and
 * changes nothing (every `digitalpost_*` table and `platform_jobs` compared row by row); Digdir's
 * complete examples validate as they are and are accepted with only the live parts replaced.
 * On both databases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, type webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { grantToken } from '../../eformidling/testing/fixtures.ts';
import { KRR_SCOPE_DIGITALPOST, lookupPersons } from '../../krr/index.ts';
import { testEngines } from '../../platform/db/testing.ts';
import { x509 } from '../../platform/pki/x509.ts';
import { verifySbd, type Signer } from '../crypto/index.ts';
import { ensureProviderKeys, providerKeys } from '../provider/index.ts';
import { acceptMessage, DPI_SCOPE, dpiSchemaProblems, trustedCaPems } from './index.ts';
import {
  buildMessage,
  corner2Client,
  createDpiTestPlatform,
  DIGDIR,
  dpiToken,
  EBOKS_ORGNR,
  jwsPayload,
  mailboxAt,
  messageBody,
  NAV,
  POSTEN_BRING_ORGNR,
  PRINT_PROVIDER_ORGNR,
  providerCertificateDer,
  senderSigner,
  snapshotDigitalpost,
  type BuildMessageOptions,
  type TestPlatform,
} from './testing.ts';

const EXAMPLES = join(import.meta.dirname, 'testdata', 'komplette');
const example = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8')) as Record<string, any>;
const DIGITAL = 'standardBusinessDocument.digital';

/** What an error answer must be. */
interface Expected {
  status: number;
  code: string;
  /** Exact title, or a pattern. */
  title?: string | RegExp;
  errors?: Array<{ path: string; message: string }>;
}

function assertProblem(res: LightMyRequestResponse, want: Expected): void {
  assert.equal(res.statusCode, want.status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json() as Record<string, any>;
  assert.equal(body.code, want.code, res.body);
  if (typeof want.title === 'string') assert.equal(body.title, want.title);
  else if (want.title) assert.match(body.title, want.title);
  if (want.errors) assert.deepEqual(body.errors, want.errors);
}

/** A self-signed certificate naming Digdir (not from the test CA). */
async function selfSignedDigdir(): Promise<Signer> {
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'C=NO, O=DIGITALISERINGSDIREKTORATET, CN=DIGITALISERINGSDIREKTORATET, 2.5.4.5=991825827',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: alg,
  });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { certificatePem: cert.toString('pem'), privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n` };
}

for (const engine of testEngines()) {
  describe(`DPI corner 2 (${engine})`, () => {
    let t: TestPlatform;
    let digdir: ReturnType<typeof corner2Client>;

    before(async () => {
      t = await createDpiTestPlatform(engine);
      digdir = corner2Client(t.app, await dpiToken(t.platform, DIGDIR));
    });
    after(async () => t?.close());

    /** Sends a message that must be refused as `want`, and asserts that no row changed. */
    async function rejects(send: () => Promise<LightMyRequestResponse>, want: Expected): Promise<void> {
      const before = await snapshotDigitalpost(t.platform.db);
      assertProblem(await send(), want);
      assert.deepEqual(await snapshotDigitalpost(t.platform.db), before, 'the database is unchanged');
    }

    /** Builds a message with `options` and sends it as Digdir; it must be refused as `want`. */
    async function refused(options: BuildMessageOptions, want: Expected, client = digdir): Promise<void> {
      const message = await buildMessage(t.platform, options);
      await rejects(() => client.send(message), want);
    }

    describe('provider keys', () => {
      it('gives every provider a key and publishes its certificate in KRR, once', async () => {
        for (const orgnr of [POSTEN_BRING_ORGNR, EBOKS_ORGNR, PRINT_PROVIDER_ORGNR]) {
          const keys = await providerKeys(t.platform, orgnr);
          assert.equal(keys.length, 1, orgnr);
          const published = Buffer.from(await providerCertificateDer(t.platform, orgnr));
          assert.deepEqual(published, Buffer.from(new x509.X509Certificate(keys[0]!.certificatePem).rawData), `KRR publishes ${orgnr}'s key`);
        }
        assert.deepEqual(await ensureProviderKeys(t.platform), [], 'a second start issues nothing');
      });

      it('makes KRR lookups of seeded citizens give the provider’s new certificate', async () => {
        const person = await mailboxAt(t.platform.db, POSTEN_BRING_ORGNR);
        const result = await lookupPersons(
          t.platform.db,
          { personidentifikatorer: [person.personidentifikator], includeNotRegistered: true, disclosure: { kontaktinformasjon: false, digitalpost: true } },
          { endpoint: 'test', consumerOrgno: DIGDIR, clientId: 'test', scopes: [KRR_SCOPE_DIGITALPOST], requestId: 'test' },
        );
        const [key] = await providerKeys(t.platform, POSTEN_BRING_ORGNR);
        assert.equal(result.personer[0]!.sertifikat, Buffer.from(new x509.X509Certificate(key!.certificatePem).rawData).toString('base64'));
      });
    });

    describe('provider keys, two processes starting together', () => {
      it('gives each provider ONE new key when two ensureProviderKeys run at once, and revokes the loser’s certificate', async () => {
        const db = t.platform.db.kysely;
        await db.deleteFrom('digitalpost_provider_keys').execute();
        const certificates = async () => db.selectFrom('platform_pki_certificates').select(['serial_number', 'revocation_reason']).execute();
        const before = new Set((await certificates()).map((c) => c.serial_number));
        const [a, b] = await Promise.all([ensureProviderKeys(t.platform), ensureProviderKeys(t.platform)]);
        const providers = [POSTEN_BRING_ORGNR, EBOKS_ORGNR, PRINT_PROVIDER_ORGNR];
        assert.deepEqual([...a, ...b].sort(), [...providers].sort(), 'each provider got its key from one of the two');
        const kept = new Set<string>();
        for (const orgnr of providers) {
          const keys = await providerKeys(t.platform, orgnr);
          assert.equal(keys.length, 1, `one key for ${orgnr}`);
          kept.add(keys[0]!.serial);
          const published = Buffer.from(await providerCertificateDer(t.platform, orgnr));
          assert.deepEqual(published, Buffer.from(new x509.X509Certificate(keys[0]!.certificatePem).rawData), `KRR publishes ${orgnr}'s one key`);
        }
        const fresh = (await certificates()).filter((c) => !before.has(c.serial_number));
        for (const c of fresh) {
          const normal = c.serial_number.toLowerCase().replace(/^0+/, '');
          const isKept = [...kept].some((serial) => serial.toLowerCase().replace(/^0+/, '') === normal);
          assert.equal(c.revocation_reason, isKept ? null : 'superseded', `certificate ${c.serial_number}`);
        }
        assert.deepEqual(await ensureProviderKeys(t.platform), [], 'a third start issues nothing');
      });
    });

    describe('accepting a message', () => {
      it('accepts a digital letter with a token from the JWT-bearer grant: 200 {messageId}, OPPRETTET and SENDT, one provider job', async () => {
        const token = await grantToken(t.app, t.platform, DIGDIR, DPI_SCOPE);
        const message = await buildMessage(t.platform);
        const res = await corner2Client(t.app, token).send(message, '?kanal=saksbehandling');
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), { messageId: message.messageId });
        const statuses = await digdir.statuses(message.messageId);
        assert.equal(statuses.statusCode, 200);
        const list = statuses.json() as Array<{ status: string; timestamp: string }>;
        assert.deepEqual(list.map((s) => s.status), ['OPPRETTET', 'SENDT']);
        for (const s of list) assert.match(s.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
        const row = await t.platform.db.kysely.selectFrom('digitalpost_messages').selectAll().where('message_id', '=', message.messageId).executeTakeFirstOrThrow();
        assert.equal(row.state, 'MOTTATT');
        assert.equal(row.kanal, 'saksbehandling');
        assert.equal(row.sender_orgnr, DIGDIR);
        assert.equal(row.receiver_orgnr, POSTEN_BRING_ORGNR);
        const jobs = await t.platform.db.kysely.selectFrom('platform_jobs').select('queue').where('idempotency_key', '=', `digitalpost.provider:${message.messageId}`).execute();
        assert.equal(jobs.length, 1);
      });

      it('accepts line breaks (LF, CR LF) and tabs in a varslingstekst, and emoji anywhere', async () => {
        const message = await buildMessage(t.platform, {
          body: (b) => {
            b.ikkesensitivtittel = 'Vedtak 📄';
            b.varsler = {
              epostvarsel: { epostadresse: 'ola@example.com', varslingstekst: 'Hei!\r\n\r\nDu har fått et vedtak.\n\tMvh Digdir', repetisjoner: [0] },
              smsvarsel: { mobiltelefonnummer: '+4799999999', varslingstekst: 'Ny post.\nLogg inn.', repetisjoner: [0] },
            };
          },
        });
        const res = await digdir.send(message);
        assert.equal(res.statusCode, 200, res.body);
      });

      it('accepts an utskrift letter to the print provider', async () => {
        const message = await buildMessage(t.platform, { type: 'utskrift' });
        const res = await digdir.send(message);
        assert.equal(res.statusCode, 200, res.body);
      });

      it('accepts in process (the hosted integration point) with eFormidling’s message id', async () => {
        const message = await buildMessage(t.platform);
        const { messageId } = await acceptMessage(t.platform, { consumerOrgnr: DIGDIR, scopes: [DPI_SCOPE], ...message, eformidlingMessageId: message.messageId });
        assert.equal(messageId, message.messageId);
        const row = await t.platform.db.kysely.selectFrom('digitalpost_messages').select('eformidling_message_id').where('message_id', '=', messageId).executeTakeFirstOrThrow();
        assert.equal(row.eformidling_message_id, message.messageId);
      });

      it('answers 404 for another sender’s statuses and an unknown receipt', async () => {
        const message = await buildMessage(t.platform);
        assert.equal((await digdir.send(message)).statusCode, 200);
        const nav = corner2Client(t.app, await dpiToken(t.platform, NAV));
        assertProblem(await nav.statuses(message.messageId), { status: 404, code: 'DIGITALPOST_MESSAGE_NOT_FOUND' });
        assertProblem(await digdir.read('00000000-0000-4000-8000-000000000000'), { status: 404, code: 'DIGITALPOST_MESSAGE_NOT_FOUND' });
      });
    });

    describe('bad input changes nothing', () => {
      it('the snapshot covers every digitalpost table and the job queue', async () => {
        const snapshot = await snapshotDigitalpost(t.platform.db);
        for (const table of ['digitalpost_messages', 'digitalpost_message_statuses', 'digitalpost_receipts', 'digitalpost_letters', 'digitalpost_documents', 'digitalpost_print_jobs', 'digitalpost_provider_keys', 'platform_jobs']) {
          assert.ok(Array.isArray(snapshot[table]), table);
        }
        assert.equal((await digdir.send(await buildMessage(t.platform))).statusCode, 200);
        assert.notDeepEqual(await snapshotDigitalpost(t.platform.db), snapshot, 'an accepted message shows in the snapshot');
      });

      it('refuses a request without a token with 401 AUTH_TOKEN_MISSING', async () => {
        const message = await buildMessage(t.platform);
        await rejects(() => corner2Client(t.app, undefined).send(message), { status: 401, code: 'AUTH_TOKEN_MISSING' });
      });

      it('refuses a token without digitalpostinnbygger:send with 403 AUTH_INSUFFICIENT_SCOPE', async () => {
        const message = await buildMessage(t.platform);
        const other = corner2Client(t.app, await dpiToken(t.platform, DIGDIR, { scope: 'eformidling:integrasjonspunkt' }));
        await rejects(() => other.send(message), { status: 403, code: 'AUTH_INSUFFICIENT_SCOPE' });
      });

      it('refuses a package encrypted to the wrong certificate with DIGITALPOST_CMS_WRONG_RECIPIENT', async () => {
        // To e-Boks's certificate, addressed to Posten Bring.
        await refused({ recipientCertificateDer: await providerCertificateDer(t.platform, EBOKS_ORGNR) }, { status: 400, code: 'DIGITALPOST_CMS_WRONG_RECIPIENT', title: /not to a certificate .* \(0192:984661185\) has registered in KRR$/ });
      });

      it('refuses a dokumentpakke that is no CMS with DIGITALPOST_CMS_INVALID', async () => {
        const garbage = Buffer.from('not a CMS at all');
        const withFingerprint = await buildMessage(t.platform, { body: (b) => (b.dokumentpakkefingeravtrykk = { digestMethod: 'http://www.w3.org/2001/04/xmlenc#sha256', digestValue: sha256Base64(garbage) }) });
        await rejects(() => digdir.send({ forretningsmelding: withFingerprint.forretningsmelding, dokumentpakke: garbage }), { status: 400, code: 'DIGITALPOST_CMS_INVALID' });
      });

      it('refuses a fingerprint that does not match with DIGITALPOST_FINGERPRINT_MISMATCH', async () => {
        await refused(
          { body: (b) => (b.dokumentpakkefingeravtrykk.digestValue = Buffer.alloc(32, 7).toString('base64')) },
          { status: 400, code: 'DIGITALPOST_FINGERPRINT_MISMATCH', title: /^dokumentpakkefingeravtrykk\.digestValue "BwcH.*" is not the SHA-256 of the dokumentpakke/ },
        );
      });

      it('refuses a fingerprint with another digest method with DIGITALPOST_FINGERPRINT_MISMATCH', async () => {
        await refused({ body: (b) => (b.dokumentpakkefingeravtrykk.digestMethod = 'http://www.w3.org/2000/09/xmldsig#sha1') }, { status: 400, code: 'DIGITALPOST_FINGERPRINT_MISMATCH' });
      });

      it('refuses a JWS signed by another organisation than the sender with DIGITALPOST_SIGNER_NOT_SENDER', async () => {
        await refused(
          { jwsSigner: await senderSigner(t.platform, NAV) },
          { status: 400, code: 'DIGITALPOST_SIGNER_NOT_SENDER', title: `The forretningsmelding is signed with a certificate of 0192:${NAV}, not of the sender 0192:${DIGDIR}` },
        );
      });

      it('refuses a JWS whose certificate is not from the test CA with DIGITALPOST_JWS_INVALID', async () => {
        await refused({ jwsSigner: await selfSignedDigdir() }, { status: 400, code: 'DIGITALPOST_JWS_INVALID' });
      });

      it('refuses a JWS whose payload was changed with DIGITALPOST_JWS_INVALID', async () => {
        const message = await buildMessage(t.platform);
        const [h, p, s] = message.forretningsmelding.split('.');
        const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
        payload.standardBusinessDocument.digital.ikkesensitivtittel = 'Endret';
        const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
        await rejects(() => digdir.send({ ...message, forretningsmelding: tampered }), { status: 400, code: 'DIGITALPOST_JWS_INVALID' });
      });

      it('refuses an expired Maskinporten token inside the message with DIGITALPOST_MASKINPORTENTOKEN_EXPIRED', async () => {
        const expired = await dpiToken(t.platform, DIGDIR, { now: Date.now() - 3_600_000, lifetimeS: 120 });
        await refused({ token: expired }, { status: 400, code: 'DIGITALPOST_MASKINPORTENTOKEN_EXPIRED', title: /^The maskinportentoken in the message has expired \(exp \d{4}-/ });
      });

      it('refuses a token inside without digitalpostinnbygger:send with DIGITALPOST_MASKINPORTENTOKEN_SCOPE', async () => {
        await refused({ token: await dpiToken(t.platform, DIGDIR, { scope: 'eformidling:integrasjonspunkt' }) }, { status: 400, code: 'DIGITALPOST_MASKINPORTENTOKEN_SCOPE' });
      });

      it('refuses a token inside of another organisation with DIGITALPOST_MASKINPORTENTOKEN_NOT_SENDER', async () => {
        await refused({ token: await dpiToken(t.platform, NAV) }, { status: 400, code: 'DIGITALPOST_MASKINPORTENTOKEN_NOT_SENDER', title: `The maskinportentoken in the message was issued to 0192:${NAV}, not to the sender 0192:${DIGDIR}` });
      });

      it('refuses a token inside that is not a token of this platform with DIGITALPOST_MASKINPORTENTOKEN_INVALID', async () => {
        // Digdir's example token, from ver1.maskinporten.no.
        const foreign = example('digital-forretningsmelding.json').standardBusinessDocument.digital.maskinportentoken as string;
        await refused({ token: foreign }, { status: 400, code: 'DIGITALPOST_MASKINPORTENTOKEN_INVALID' });
      });

      it('refuses sikkerhetsnivaa 5 with DIGITALPOST_SBD_INVALID', async () => {
        await refused({ body: (b) => (b.sikkerhetsnivaa = 5) }, { status: 400, code: 'DIGITALPOST_SBD_INVALID', title: `${DIGITAL}.sikkerhetsnivaa: must be one of 3, 4`, errors: [{ path: `${DIGITAL}.sikkerhetsnivaa`, message: 'must be one of 3, 4' }] });
      });

      it('refuses an ikkesensitivtittel over 255 characters with DIGITALPOST_SBD_INVALID', async () => {
        await refused({ body: (b) => (b.ikkesensitivtittel = 'x'.repeat(256)) }, { status: 400, code: 'DIGITALPOST_SBD_INVALID', errors: [{ path: `${DIGITAL}.ikkesensitivtittel`, message: 'must be at most 255 characters' }] });
      });

      it('refuses an SMS text over 160 characters with DIGITALPOST_SBD_INVALID', async () => {
        await refused(
          { body: (b) => (b.varsler = { smsvarsel: { mobiltelefonnummer: '+4799999999', varslingstekst: 's'.repeat(161), repetisjoner: [0] } }) },
          { status: 400, code: 'DIGITALPOST_SBD_INVALID', errors: [{ path: `${DIGITAL}.varsler.smsvarsel.varslingstekst`, message: 'must be at most 160 characters' }] },
        );
      });

      it('refuses a NUL in ikkesensitivtittel with DIGITALPOST_SBD_INVALID naming the path', async () => {
        await refused(
          { body: (b) => (b.ikkesensitivtittel = 'a\u0000b') },
          { status: 400, code: 'DIGITALPOST_SBD_INVALID', errors: [{ path: `${DIGITAL}.ikkesensitivtittel`, message: 'must not contain control characters (U+0000 at index 1)' }] },
        );
      });

      it('refuses an ESC in an SMS varslingstekst, a lone CR in an e-mail one, and DEL and a C1 control elsewhere, each by its path', async () => {
        await refused(
          {
            body: (b) => {
              b.avsender.avsenderidentifikator = 'digdir\u007f';
              b.spraak = 'n\u0085o';
              b.varsler = {
                epostvarsel: { epostadresse: 'ola@example.com', varslingstekst: 'Linje 1\rLinje 2', repetisjoner: [0] },
                smsvarsel: { mobiltelefonnummer: '+4799999999', varslingstekst: 'Ny post \u001b[31m', repetisjoner: [0] },
              };
            },
          },
          {
            status: 400,
            code: 'DIGITALPOST_SBD_INVALID',
            errors: [
              { path: `${DIGITAL}.avsender.avsenderidentifikator`, message: 'must not contain control characters (U+007F at index 6)' },
              { path: `${DIGITAL}.spraak`, message: 'must not contain control characters (U+0085 at index 1)' },
              { path: `${DIGITAL}.varsler.epostvarsel.varslingstekst`, message: 'must not contain the control character U+000D (at index 7; only tab, line feed and CR LF are allowed here)' },
              { path: `${DIGITAL}.varsler.smsvarsel.varslingstekst`, message: 'must not contain the control character U+001B (at index 8; only tab, line feed and CR LF are allowed here)' },
            ],
          },
        );
      });

      it('refuses a control character in a print address line with DIGITALPOST_SBD_INVALID, before the address rules', async () => {
        await refused(
          { type: 'utskrift', body: (b) => (b.mottaker.adresselinje1 = 'Liksomveien\u0000 22') },
          { status: 400, code: 'DIGITALPOST_SBD_INVALID', errors: [{ path: 'standardBusinessDocument.utskrift.mottaker.adresselinje1', message: 'must not contain control characters (U+0000 at index 11)' }] },
        );
        await refused(
          { type: 'utskrift', body: (b) => (b.retur.mottaker.poststed = 'Leikanger\n') },
          { status: 400, code: 'DIGITALPOST_SBD_INVALID', errors: [{ path: 'standardBusinessDocument.utskrift.retur.mottaker.poststed', message: 'must not contain control characters (U+000A at index 9)' }] },
        );
      });

      it('refuses an unpaired surrogate with DIGITALPOST_SBD_INVALID', async () => {
        await refused(
          { body: (b) => (b.ikkesensitivtittel = 'Vedtak \ud800') },
          { status: 400, code: 'DIGITALPOST_SBD_INVALID', errors: [{ path: `${DIGITAL}.ikkesensitivtittel`, message: 'must be well-formed Unicode (unpaired surrogate U+D800 at index 7)' }] },
        );
      });

      it('refuses a control character in the header with DIGITALPOST_SBD_INVALID', async () => {
        await refused(
          { sbd: (s) => (s.standardBusinessDocument.standardBusinessDocumentHeader.documentIdentification.typeVersion = '1.0\u0000') },
          { status: 400, code: 'DIGITALPOST_SBD_INVALID', errors: [{ path: 'standardBusinessDocument.standardBusinessDocumentHeader.documentIdentification.typeVersion', message: 'must not contain control characters (U+0000 at index 3)' }] },
        );
      });

      it('refuses an ikkesensitivtittel of only white space with DIGITALPOST_SBD_INVALID', async () => {
        await refused(
          { body: (b) => (b.ikkesensitivtittel = ' \u00a0 ') },
          { status: 400, code: 'DIGITALPOST_SBD_INVALID', errors: [{ path: `${DIGITAL}.ikkesensitivtittel`, message: 'must not be blank (only white space)' }] },
        );
      });

      it('refuses a print address that breaks the print rules with DIGITALPOST_ADDRESS_INVALID', async () => {
        await refused(
          { type: 'utskrift', body: (b) => (b.mottaker = { navn: 'Ola Nordmann', adresselinje1: 'Liksomveien 22', postnummer: '12A4', poststed: 'Nordby' }) },
          { status: 400, code: 'DIGITALPOST_ADDRESS_INVALID', title: 'standardBusinessDocument.utskrift.mottaker.postnummer must be 4 digits, got "12A4"' },
        );
      });

      it('refuses a Norwegian return address without poststed with DIGITALPOST_ADDRESS_INVALID', async () => {
        await refused({ type: 'utskrift', body: (b) => delete b.retur.mottaker.poststed }, { status: 400, code: 'DIGITALPOST_ADDRESS_INVALID', title: /^standardBusinessDocument\.utskrift\.retur\.mottaker\.poststed is required/ });
      });

      it('refuses a header standard of another type with DIGITALPOST_SBD_INVALID', async () => {
        await refused(
          { sbd: (s) => (s.standardBusinessDocument.standardBusinessDocumentHeader.documentIdentification.standard = 'urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:utskrift::1.0') },
          { status: 400, code: 'DIGITALPOST_SBD_INVALID', title: /^standardBusinessDocument\.standardBusinessDocumentHeader\.documentIdentification\.standard: must be .*schema:digital::1\.0 for type digital$/ },
        );
      });

      it('refuses a receipt type sent as a message with DIGITALPOST_MESSAGE_TYPE_UNSUPPORTED', async () => {
        await refused({ sbd: (s) => (s.standardBusinessDocument.standardBusinessDocumentHeader.documentIdentification.type = 'leveringskvittering') }, { status: 400, code: 'DIGITALPOST_MESSAGE_TYPE_UNSUPPORTED' });
      });

      it('refuses a digital letter to the print provider with DIGITALPOST_RECEIVER_UNKNOWN', async () => {
        const mottaker = await mailboxAt(t.platform.db, POSTEN_BRING_ORGNR);
        await refused({ receiver: PRINT_PROVIDER_ORGNR, mottaker }, { status: 400, code: 'DIGITALPOST_RECEIVER_UNKNOWN' });
      });

      it('refuses a message of another organisation than the token’s with 403 DIGITALPOST_SENDER_NOT_CALLER', async () => {
        const nav = corner2Client(t.app, await dpiToken(t.platform, NAV));
        await refused({}, { status: 403, code: 'DIGITALPOST_SENDER_NOT_CALLER', title: `The sender 0192:${DIGDIR} is not the organisation of the token (0192:${NAV})` }, nav);
      });

      it('refuses a messageId used before with 409 DIGITALPOST_MESSAGE_EXISTS', async () => {
        const message = await buildMessage(t.platform);
        assert.equal((await digdir.send(message)).statusCode, 200);
        await rejects(() => digdir.send(message), { status: 409, code: 'DIGITALPOST_MESSAGE_EXISTS' });
      });

      it('refuses a request without the dokumentpakke part with DIGITALPOST_MULTIPART_INVALID', async () => {
        const message = await buildMessage(t.platform);
        const { body, contentType } = messageBody([{ name: 'forretningsmelding', filename: 'sbd.jwt', type: 'application/jwt', content: message.forretningsmelding }]);
        await rejects(() => digdir.raw(body, contentType), { status: 400, code: 'DIGITALPOST_MULTIPART_INVALID', title: 'Missing the part dokumentpakke (application/cms)' });
      });

      it('refuses a dokumentpakke part of another Content-Type with DIGITALPOST_MULTIPART_INVALID', async () => {
        const message = await buildMessage(t.platform);
        const { body, contentType } = messageBody([
          { name: 'forretningsmelding', filename: 'sbd.jwt', type: 'application/jwt', content: message.forretningsmelding },
          { name: 'dokumentpakke', filename: 'asic.cms', type: 'application/zip', content: message.dokumentpakke },
        ]);
        await rejects(() => digdir.raw(body, contentType), { status: 400, code: 'DIGITALPOST_MULTIPART_INVALID' });
      });

      it('refuses a JSON body with DIGITALPOST_MULTIPART_INVALID', async () => {
        await rejects(() => digdir.raw(Buffer.from('{}'), 'application/json'), { status: 400, code: 'DIGITALPOST_MULTIPART_INVALID' });
      });
    });

    describe('OpenAPI', () => {
      it('documents the multipart body of POST /dpi/messages/out and every route’s answers', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/dpi/openapi.json' });
        assert.equal(res.statusCode, 200);
        const paths = (res.json() as { paths: Record<string, Record<string, any>> }).paths;
        const out = paths['/dpi/messages/out']!.post;
        const body = out.requestBody.content['multipart/form-data'].schema;
        assert.deepEqual(Object.keys(body.properties).sort(), ['dokumentpakke', 'forretningsmelding']);
        assert.deepEqual([...body.required].sort(), ['dokumentpakke', 'forretningsmelding']);
        assert.equal(body.properties.forretningsmelding.contentMediaType, 'application/jwt');
        assert.equal(body.properties.dokumentpakke.contentMediaType, 'application/cms');
        assert.deepEqual(Object.keys(out.responses).sort(), ['200', '400', '401', '403', '409', '413']);
        assert.deepEqual(out.responses['200'].content['application/json'].schema.required, ['messageId']);
        for (const status of ['400', '401', '403', '409', '413']) {
          const problem = out.responses[status].content['application/problem+json'].schema;
          assert.deepEqual(problem.required, ['type', 'title', 'status', 'instance', 'code'], status);
        }
        assert.match(out.responses['400'].description, /DIGITALPOST_SBD_INVALID/);

        const statuses = paths['/dpi/messages/out/{messageId}/statuses']!.get;
        assert.deepEqual(Object.keys(statuses.responses).sort(), ['200', '400', '401', '403', '404']);
        const status = statuses.responses['200'].content['application/json'].schema;
        assert.equal(status.type, 'array');
        assert.deepEqual(status.items.properties.status.enum, ['OPPRETTET', 'SENDT', 'FEILET']);

        const inbox = paths['/dpi/messages/in']!.get;
        assert.deepEqual(Object.keys(inbox.responses).sort(), ['200', '400', '401', '403']);
        const receipts = inbox.responses['200'].content['application/json'].schema;
        assert.equal(receipts.type, 'array');
        assert.deepEqual(Object.keys(receipts.items.properties).sort(), ['downloadurl', 'forretningsmelding']);

        const read = paths['/dpi/messages/in/{messageId}/read']!.post;
        assert.deepEqual(Object.keys(read.responses).sort(), ['200', '400', '401', '403', '404']);
      });

      it('still answers with the shapes the schemas describe (statuses, receipts, an empty read, a problem with errors)', async () => {
        const message = await buildMessage(t.platform, { body: (b) => (b.avsender.avsenderidentifikator = 'openapi') });
        assert.equal((await digdir.send(message, '?kanal=openapi')).statusCode, 200);
        const statuses = (await digdir.statuses(message.messageId)).json() as Array<Record<string, unknown>>;
        assert.deepEqual(statuses.map((s) => Object.keys(s).sort()), [['status', 'timestamp'], ['status', 'timestamp']]);
        await t.platform.jobs.runDue();
        const listed = await digdir.receipts('?kanal=openapi');
        assert.equal(listed.statusCode, 200);
        const receipts = listed.json() as Array<Record<string, unknown>>;
        assert.ok(receipts.length >= 1);
        assert.deepEqual(receipts.map((r) => [Object.keys(r).sort(), r.downloadurl]), receipts.map(() => [['downloadurl', 'forretningsmelding'], null]));
        const receiptId = jwsPayload(receipts[0]!.forretningsmelding as string).standardBusinessDocument.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
        const read = await digdir.read(receiptId);
        assert.equal(read.statusCode, 200);
        assert.equal(read.body, '');
      });
    });

    describe('Digdir’s complete examples', () => {
      const messages = [
        { file: 'digital-forretningsmelding.json', receiver: POSTEN_BRING_ORGNR },
        { file: 'digital-avsenderidentifikator-forretningsmelding.json', receiver: EBOKS_ORGNR },
        { file: 'digital-pa-vegne-av-forretningsmelding.json', receiver: POSTEN_BRING_ORGNR },
        { file: 'utskrift-forretningsmelding.json', receiver: PRINT_PROVIDER_ORGNR },
      ];
      for (const { file, receiver } of messages) {
        it(`${file} validates against its schema as it is, and is accepted with only the live parts replaced`, async () => {
          const template = example(file);
          const type = template.standardBusinessDocument.standardBusinessDocumentHeader.documentIdentification.type;
          assert.deepEqual(dpiSchemaProblems(type, template), []);
          const message = await buildMessage(t.platform, { template, receiver });
          const res = await digdir.send(message);
          assert.equal(res.statusCode, 200, res.body);
          // Nothing but the live parts differs from the example.
          const sent = structuredClone(message.sbd.standardBusinessDocument);
          const original = template.standardBusinessDocument;
          const body = sent[type];
          for (const key of ['dokumentpakkefingeravtrykk', 'maskinportentoken']) body[key] = original[type][key];
          body.avsender.virksomhetsidentifikator = original[type].avsender.virksomhetsidentifikator;
          if (type === 'digital') body.mottaker = original[type].mottaker;
          const header = sent.standardBusinessDocumentHeader;
          const h0 = original.standardBusinessDocumentHeader;
          header.sender = h0.sender;
          header.receiver = h0.receiver;
          header.documentIdentification.instanceIdentifier = h0.documentIdentification.instanceIdentifier;
          header.businessScope.scope[0].instanceIdentifier = h0.businessScope.scope[0].instanceIdentifier;
          assert.deepEqual(sent, original);
        });
      }

      for (const [file, message] of [
        ['digital-forretningsmelding-autorisasjonsbevis.json', 'digital-forretningsmelding.json'],
        ['digital-avsenderidentifikator-forretningsmelding-autorisasjonsbevis.json', 'digital-avsenderidentifikator-forretningsmelding.json'],
      ] as const) {
        it(`${file} is the token inside ${message}, and a live token with its claims is accepted`, async () => {
          const claims = example(file);
          const token = example(message).standardBusinessDocument.digital.maskinportentoken as string;
          assert.deepEqual(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')), claims);
          assert.equal(claims.scope, DPI_SCOPE);
          const consumer = claims.consumer.ID.split(':')[1];
          // Live: this platform's issuer, iat and exp; everything else as in the example.
          const live = await dpiToken(t.platform, consumer, { clientId: claims.client_id, scope: claims.scope, claims: { client_amr: claims.client_amr, jti: claims.jti, token_type: claims.token_type } });
          const built = await buildMessage(t.platform, { template: example(message), receiver: POSTEN_BRING_ORGNR, sender: consumer, token: live });
          const res = await digdir.send(built);
          assert.equal(res.statusCode, 200, res.body);
        });
      }

      it('the JWS of an accepted example verifies against the test CA', async () => {
        const built = await buildMessage(t.platform, { template: example('digital-forretningsmelding.json'), receiver: POSTEN_BRING_ORGNR });
        const verified = await verifySbd(built.forretningsmelding, { caCertificatesPem: await trustedCaPems(t.platform) });
        assert.equal(verified.orgnr, DIGDIR);
      });
    });
  });
}

/** base64(sha256(bytes)). */
function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}
