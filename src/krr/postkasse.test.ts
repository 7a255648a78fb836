/**
 * KRR's mailbox-provider API on both databases: every outcome code of OpprettOgVelgPostkasse,
 * OppdaterPostkasse, SlettPostkasse and HentPostkasse, each refused request with its exact
 * answer and an unchanged database, the move between providers, `updated_at`, and what the
 * lookup API shows afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { testEngines } from '../platform/db/testing.ts';
import { createRng, generateFodselsnummer } from '../platform/identifiers/index.ts';
import { x509 } from '../platform/pki/x509.ts';
import { EBOKS_ORGNR, POSTEN_BRING_ORGNR, registersComponent } from '../registers/index.ts';
import { krrComponent } from './index.ts';
import { pemToBase64Der } from './domain/providers.ts';
import { PostkasseFeil, type PostkasseFeilkode } from './domain/postkasse/outcome.ts';
import { opprettOgVelgPostkasse } from './domain/postkasse/postkasse.ts';
import { KRR_SCOPE_POSTKASSELEVERANDOER } from './domain/postkasse/scope.ts';
import { insertPersons, krrDb } from './store/krr-store.ts';
import type { KrrPersonRow } from './store/tables.ts';
import { emptyPersonRow } from './domain/person-row.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const BASE = '/krr/rest/v1/postkasseleverandoer';
const DIGITALPOST = 'krr:global/digitalpost.read';
const DAY = 86_400_000;

const rng = createRng('krr-postkasse-test');
let birth = Date.UTC(1941, 0, 1);
/** A fresh synthetic fødselsnummer (a new birth date each time). */
const newPid = () => generateFodselsnummer(rng, { birthDate: new Date((birth += DAY)), synthetic: 'tenor' });

function row(personidentifikator: string, o: Partial<KrrPersonRow> = {}): KrrPersonRow {
  return { ...emptyPersonRow(personidentifikator, 1_700_000_000_000), epostadresse: 'kari.nordmann@example.com', epostadresse_oppdatert: 1_700_000_000_000, ...o };
}

/** Everything KRR stores, to check that a refused request changed nothing. */
async function snapshot(t: TestPlatform): Promise<string> {
  const k = krrDb(t.platform.db);
  const persons = await k.selectFrom('krr_persons').selectAll().orderBy('personidentifikator').execute();
  const providers = await k.selectFrom('krr_providers').selectAll().orderBy('orgnr').execute();
  const lookups = await k.selectFrom('krr_lookups').selectAll().orderBy('id').execute();
  const lp = await k.selectFrom('krr_lookup_persons').selectAll().orderBy('lookup_id').orderBy('personidentifikator').execute();
  return JSON.stringify({ persons, providers, lookups, lp });
}

/** A self-signed certificate that looks like Digipost's but chains to nothing we trust. */
async function selfSignedCertificate(orgnr: string): Promise<string> {
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0badc0de',
    name: new x509.Name([{ '2.5.4.6': [{ printableString: 'NO' }] }, { '2.5.4.97': [{ utf8String: `NTRNO-${orgnr}` }] }, { '2.5.4.3': [{ utf8String: 'Not Posten' }] }]),
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment, true)],
  });
  return Buffer.from(cert.rawData).toString('base64');
}

for (const engine of testEngines()) {
  describe(`KRR mailbox-provider API on ${engine}`, () => {
    let t: TestPlatform;
    /** Encryption certificates (base64 DER) from the test PKI. */
    const cert = {} as Record<'digipost' | 'digipost2' | 'digipostPem' | 'eboks' | 'digipostSigning' | 'digipostRevoked' | 'untrusted', string>;
    let digipostShort: { der: string; notBefore: Date; notAfter: Date };

    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, krrComponent], { PUBLIC_URL, RATE_LIMIT_MAX: '0' });
      const pki = t.platform.pki;
      const issue = async (orgnr: string, purpose: 'encryption' | 'signing' = 'encryption', validityDays = 365) =>
        pki.issueEnterpriseCertificate({ orgnr, organisationName: orgnr === EBOKS_ORGNR ? 'e-Boks AS' : 'Posten Bring AS', purpose, validityDays });
      const a = await issue(POSTEN_BRING_ORGNR);
      cert.digipost = pemToBase64Der(a.certificatePem);
      cert.digipostPem = a.certificatePem;
      cert.digipost2 = pemToBase64Der((await issue(POSTEN_BRING_ORGNR)).certificatePem);
      cert.eboks = pemToBase64Der((await issue(EBOKS_ORGNR)).certificatePem);
      cert.digipostSigning = pemToBase64Der((await issue(POSTEN_BRING_ORGNR, 'signing')).certificatePem);
      const revoked = await issue(POSTEN_BRING_ORGNR);
      await pki.revoke(revoked.serialNumber, 'keyCompromise');
      cert.digipostRevoked = pemToBase64Der(revoked.certificatePem);
      cert.untrusted = await selfSignedCertificate(POSTEN_BRING_ORGNR);
      const short = await issue(POSTEN_BRING_ORGNR, 'encryption', 1);
      digipostShort = { der: pemToBase64Der(short.certificatePem), notBefore: short.notBefore, notAfter: short.notAfter };
    });
    after(() => t.close());

    /** Adds a person to the register and returns the pid. */
    const person = async (o: Partial<KrrPersonRow> = {}) => {
      const pid = newPid();
      await insertPersons(krrDb(t.platform.db), [row(pid, o)]);
      return pid;
    };
    const personRow = async (pid: string) =>
      krrDb(t.platform.db).selectFrom('krr_persons').selectAll().where('personidentifikator', '=', pid).executeTakeFirstOrThrow();

    const call = async (operation: string, body: unknown, provider = POSTEN_BRING_ORGNR) =>
      t.app.inject({
        method: 'POST',
        url: `${BASE}/${operation}`,
        headers: { authorization: `Bearer ${await mintPlatformToken(t.platform, { scope: KRR_SCOPE_POSTKASSELEVERANDOER, consumerOrgno: provider, clientId: `client-${provider}` })}` },
        payload: body as object,
      });

    const lookup = async (pid: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/krr/rest/v2/personer',
        headers: { authorization: `Bearer ${await mintPlatformToken(t.platform, { scope: DIGITALPOST, consumerOrgno: '889640782' })}` },
        payload: { personidentifikatorer: [pid] },
      });
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as { personer: Array<Record<string, any>> }).personer[0]!;
    };

    /** Asserts a FEILET answer with its exact status, code and message, and that nothing changed. */
    const feilet = async (
      operation: string,
      body: unknown,
      status: number,
      beskrivelse: PostkasseFeilkode,
      melding: string | RegExp,
      provider = POSTEN_BRING_ORGNR,
    ) => {
      const beforeState = await snapshot(t);
      const res = await call(operation, body, provider);
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const answer = res.json() as { status: string; beskrivelse: string; melding: string };
      assert.equal(answer.status, 'FEILET');
      assert.equal(answer.beskrivelse, beskrivelse);
      if (typeof melding === 'string') assert.equal(answer.melding, melding);
      else assert.match(answer.melding, melding);
      assert.equal(await snapshot(t), beforeState, 'the database is unchanged');
    };

    describe('OpprettOgVelgPostkasse', () => {
      const op = 'opprettOgVelgPostkasse';

      it('creates and selects a mailbox with its own certificate: OK, the row changed atomically, the lookup shows it', async () => {
        const pid = await person();
        const before = await personRow(pid);
        const res = await call(op, { personidentifikator: pid, postkasseadresse: 'kari.nordmann#AB12', postkasseleverandoerAdresse: POSTEN_BRING_ORGNR, sertifikat: cert.digipost });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.deepEqual(res.json(), {
          status: 'OK',
          postkasse: { personidentifikator: pid, postkasseadresse: 'kari.nordmann#AB12', postkasseleverandoerAdresse: POSTEN_BRING_ORGNR, sertifikat: cert.digipost },
        });
        const after = await personRow(pid);
        assert.equal(after.postkasseadresse, 'kari.nordmann#AB12');
        assert.equal(after.postkasseleverandoeradresse, POSTEN_BRING_ORGNR);
        assert.equal(after.postkasse_sertifikat, cert.digipost);
        assert.ok(Number(after.updated_at) > Number(before.updated_at), 'updated_at is bumped');
        assert.equal(after.epostadresse, before.epostadresse, 'nothing else changes');
        const looked = await lookup(pid);
        assert.deepEqual(looked.digital_post, { postkasseadresse: 'kari.nordmann#AB12', postkasseleverandoeradresse: POSTEN_BRING_ORGNR });
        assert.equal(looked.sertifikat, cert.digipost);
      });

      it("without a certificate the provider's registered certificate is published", async () => {
        const pid = await person();
        const res = await call(op, { personidentifikator: pid, postkasseadresse: 'ola#XY34' }, EBOKS_ORGNR);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), { status: 'OK', postkasse: { personidentifikator: pid, postkasseadresse: 'ola#XY34', postkasseleverandoerAdresse: EBOKS_ORGNR } });
        const provider = await krrDb(t.platform.db).selectFrom('krr_providers').select('sertifikat').where('orgnr', '=', EBOKS_ORGNR).executeTakeFirstOrThrow();
        assert.equal((await lookup(pid)).sertifikat, provider.sertifikat);
      });

      it('accepts a PEM certificate and stores it as base64 DER', async () => {
        const pid = await person();
        const res = await call(op, { personidentifikator: pid, postkasseadresse: 'per#PEM1', sertifikat: cert.digipostPem });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((await personRow(pid)).postkasse_sertifikat, cert.digipost);
      });

      it('selecting a mailbox at this provider moves a person who has one at the other provider', async () => {
        const pid = await person({ postkasseadresse: 'eboks-123', postkasseleverandoeradresse: EBOKS_ORGNR, postkasse_sertifikat: cert.eboks });
        const res = await call(op, { personidentifikator: pid, postkasseadresse: 'kari#MOVE' });
        assert.equal(res.statusCode, 200, res.body);
        const after = await personRow(pid);
        assert.equal(after.postkasseleverandoeradresse, POSTEN_BRING_ORGNR);
        assert.equal(after.postkasseadresse, 'kari#MOVE');
        assert.equal(after.postkasse_sertifikat, null, "e-Boks's certificate does not follow the person");
      });

      it('a person not in the register → 404 FEILET BRUKER_IKKE_FUNNET', async () => {
        await feilet(op, { personidentifikator: newPid(), postkasseadresse: 'x#1' }, 404, 'BRUKER_IKKE_FUNNET', 'The person is not in the register');
      });

      it('a SLETTET person → 404 FEILET BRUKER_IKKE_FUNNET', async () => {
        const pid = await person({ status: 'SLETTET', epostadresse: null });
        await feilet(op, { personidentifikator: pid, postkasseadresse: 'x#1' }, 404, 'BRUKER_IKKE_FUNNET', 'The person is not active in the register (status SLETTET)');
      });

      it('a reserved person → 409 FEILET RESERVERT', async () => {
        const pid = await person({ reservasjon: 'JA', reservasjonstidspunkt: 1_600_000_000_000, reservasjon_oppdatert: 1_600_000_000_000 });
        await feilet(op, { personidentifikator: pid, postkasseadresse: 'x#1' }, 409, 'RESERVERT', 'The person has reserved against digital communication; the reservation must be withdrawn first (MinProfil)');
      });

      it('the same mailbox again → 409 FEILET ALLEREDE_AKTIV', async () => {
        const pid = await person({ postkasseadresse: 'kari#SAME', postkasseleverandoeradresse: POSTEN_BRING_ORGNR });
        await feilet(op, { personidentifikator: pid, postkasseadresse: 'kari#SAME', sertifikat: cert.digipost }, 409, 'ALLEREDE_AKTIV', 'The person already has this mailbox at this provider, active and selected');
      });

      it('another address at the same provider → 409 FEILET POSTKASSE_EKSISTERER_ALLEREDE', async () => {
        const pid = await person({ postkasseadresse: 'kari#OLD', postkasseleverandoeradresse: POSTEN_BRING_ORGNR });
        await feilet(op, { personidentifikator: pid, postkasseadresse: 'kari#NEW' }, 409, 'POSTKASSE_EKSISTERER_ALLEREDE', 'The person already has a mailbox at this provider; change it with OppdaterPostkasse');
      });

      it('an invalid fødselsnummer → 400 FEILET UGYLDIG_PERSONNUMMER, naming the rule', async () => {
        const pid = await person();
        const wrongK2 = pid.slice(0, 10) + String((Number(pid[10]) + 1) % 10);
        await feilet(op, { personidentifikator: wrongK2, postkasseadresse: 'x#1' }, 400, 'UGYLDIG_PERSONNUMMER', /^personidentifikator is not a valid fødselsnummer or D-number: .*k2|check digit/i);
        await feilet(op, { personidentifikator: '1234', postkasseadresse: 'x#1' }, 400, 'UGYLDIG_PERSONNUMMER', /^personidentifikator is not a valid fødselsnummer or D-number: .*11/);
      });

      it('a bad postkasseadresse → 400 FEILET UGYLDIG_EPOSTADRESSE', async () => {
        const pid = await person();
        const melding = 'postkasseadresse must be 1–254 characters without spaces or control characters';
        await feilet(op, { personidentifikator: pid, postkasseadresse: '' }, 400, 'UGYLDIG_EPOSTADRESSE', melding);
        await feilet(op, { personidentifikator: pid, postkasseadresse: 'kari nordmann' }, 400, 'UGYLDIG_EPOSTADRESSE', melding);
        await feilet(op, { personidentifikator: pid, postkasseadresse: 'x'.repeat(255) }, 400, 'UGYLDIG_EPOSTADRESSE', melding);
      });

      it('a malformed or foreign postkasseleverandoerAdresse → 400 FEILET UGYLDIG_ORGNR', async () => {
        const pid = await person();
        await feilet(op, { personidentifikator: pid, postkasseadresse: 'x#1', postkasseleverandoerAdresse: '98466118' }, 400, 'UGYLDIG_ORGNR', /^postkasseleverandoerAdresse is not a valid organisasjonsnummer: /);
        await feilet(
          op,
          { personidentifikator: pid, postkasseadresse: 'x#1', postkasseleverandoerAdresse: EBOKS_ORGNR },
          400,
          'UGYLDIG_ORGNR',
          `postkasseleverandoerAdresse ${EBOKS_ORGNR} is not the calling provider (${POSTEN_BRING_ORGNR}); a provider registers only its own mailboxes`,
        );
      });

      describe('bad certificates → 400 FEILET UGYLDIG_SERTIFIKAT', () => {
        const bad = async (sertifikat: string, melding: string | RegExp) => {
          const pid = await person();
          await feilet(op, { personidentifikator: pid, postkasseadresse: 'x#1', sertifikat }, 400, 'UGYLDIG_SERTIFIKAT', melding);
        };
        it('not base64', () => bad('not a certificate!', 'sertifikat is not a base64 DER (or PEM) X.509 certificate'));
        it('base64 that is not a certificate', () => bad(Buffer.from('hello world, no DER here').toString('base64'), 'sertifikat cannot be parsed as an X.509 certificate'));
        it('not issued by the trusted CA', () => bad(cert.untrusted, /^The certificate was rejected \(untrusted: /));
        it("issued to another organisation (a wrong-key certificate: e-Boks's key for a Digipost mailbox)", () =>
          bad(cert.eboks, `The certificate was issued to ${EBOKS_ORGNR}, not to the mailbox provider ${POSTEN_BRING_ORGNR}`));
        it('a signing certificate (no keyEncipherment)', () => bad(cert.digipostSigning, "The certificate's key usage does not allow keyEncipherment (use the encryption certificate)"));
        it("the test PKI's root and issuing CA certificates (PEM)", async () => {
          await bad(await t.platform.pki.rootCertificatePem(), /^The certificate \(.*Root.*\) is a CA certificate, not an encryption certificate$/);
          await bad(await t.platform.pki.issuingCertificatePem(), /^The certificate \(.*\) is a CA certificate, not an encryption certificate$/);
        });
        it('revoked', () => bad(cert.digipostRevoked, /^The certificate was rejected \(revoked: certificate [0-9a-f]+ was revoked .*\(keyCompromise\)\)$/));
      });

      it('an expired certificate → FEILET UGYLDIG_SERTIFIKAT and nothing changed (the clock moved past notAfter)', async () => {
        const pid = await person();
        const beforeState = await snapshot(t);
        await assert.rejects(
          opprettOgVelgPostkasse(t.platform.db, t.platform.pki, POSTEN_BRING_ORGNR, { personidentifikator: pid, postkasseadresse: 'x#1', sertifikat: digipostShort.der }, digipostShort.notAfter.getTime() + 1000),
          (err: unknown) => err instanceof PostkasseFeil && err.beskrivelse === 'UGYLDIG_SERTIFIKAT' && /^The certificate was rejected \(expired: /.test(err.message),
        );
        assert.equal(await snapshot(t), beforeState);
      });

      it('a certificate not yet valid → FEILET UGYLDIG_SERTIFIKAT and nothing changed', async () => {
        const pid = await person();
        const beforeState = await snapshot(t);
        await assert.rejects(
          opprettOgVelgPostkasse(t.platform.db, t.platform.pki, POSTEN_BRING_ORGNR, { personidentifikator: pid, postkasseadresse: 'x#1', sertifikat: digipostShort.der }, digipostShort.notBefore.getTime() - 1000),
          (err: unknown) => err instanceof PostkasseFeil && err.beskrivelse === 'UGYLDIG_SERTIFIKAT' && /^The certificate was rejected \(not-yet-valid: /.test(err.message),
        );
        assert.equal(await snapshot(t), beforeState);
      });

      it('a body without postkasseadresse → 400 PLATFORM_VALIDATION_FAILED (problem+json), nothing changed', async () => {
        const pid = await person();
        const beforeState = await snapshot(t);
        const res = await call(op, { personidentifikator: pid });
        assert.equal(res.statusCode, 400);
        assert.equal((res.json() as { code: string }).code, 'PLATFORM_VALIDATION_FAILED');
        assert.equal(await snapshot(t), beforeState);
      });
    });

    describe('OppdaterPostkasse', () => {
      const op = 'oppdaterPostkasse';

      it('changes the address, keeps the certificate, bumps updated_at', async () => {
        const pid = await person({ postkasseadresse: 'kari#OLD', postkasseleverandoeradresse: POSTEN_BRING_ORGNR, postkasse_sertifikat: cert.digipost });
        const res = await call(op, { personidentifikator: pid, postkasseadresse: 'kari#NEW' });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          status: 'OK',
          postkasse: { personidentifikator: pid, postkasseadresse: 'kari#NEW', postkasseleverandoerAdresse: POSTEN_BRING_ORGNR, sertifikat: cert.digipost },
        });
        const after = await personRow(pid);
        assert.equal(after.postkasseadresse, 'kari#NEW');
        assert.ok(Number(after.updated_at) > 1_700_000_000_000);
      });

      it('replaces the certificate, and null goes back to the provider certificate', async () => {
        const pid = await person({ postkasseadresse: 'kari#C', postkasseleverandoeradresse: POSTEN_BRING_ORGNR, postkasse_sertifikat: cert.digipost });
        const res = await call(op, { personidentifikator: pid, sertifikat: cert.digipost2 });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((await personRow(pid)).postkasse_sertifikat, cert.digipost2);
        assert.equal((await lookup(pid)).sertifikat, cert.digipost2);
        const cleared = await call(op, { personidentifikator: pid, sertifikat: null });
        assert.equal(cleared.statusCode, 200, cleared.body);
        assert.equal((await personRow(pid)).postkasse_sertifikat, null);
        assert.equal((await personRow(pid)).postkasseadresse, 'kari#C');
      });

      it("is allowed for a reserved person's existing mailbox", async () => {
        const pid = await person({ reservasjon: 'JA', reservasjonstidspunkt: 1, postkasseadresse: 'r#1', postkasseleverandoeradresse: POSTEN_BRING_ORGNR });
        const res = await call(op, { personidentifikator: pid, postkasseadresse: 'r#2' });
        assert.equal(res.statusCode, 200, res.body);
      });

      it('no mailbox at this provider → 404 FEILET INGEN_POSTBOKS_FUNNET (none, or one at the other provider)', async () => {
        const none = await person();
        await feilet(op, { personidentifikator: none, postkasseadresse: 'x#1' }, 404, 'INGEN_POSTBOKS_FUNNET', 'The person has no mailbox at this provider');
        const other = await person({ postkasseadresse: 'eboks-1', postkasseleverandoeradresse: EBOKS_ORGNR });
        await feilet(op, { personidentifikator: other, postkasseadresse: 'x#1' }, 404, 'INGEN_POSTBOKS_FUNNET', 'The person has no mailbox at this provider');
      });

      it('a person not in the register → 404 FEILET BRUKER_IKKE_FUNNET', async () => {
        await feilet(op, { personidentifikator: newPid(), postkasseadresse: 'x#1' }, 404, 'BRUKER_IKKE_FUNNET', 'The person is not in the register');
      });

      it('a wrong-key or untrusted certificate → 400 FEILET UGYLDIG_SERTIFIKAT, nothing changed', async () => {
        const pid = await person({ postkasseadresse: 'kari#K', postkasseleverandoeradresse: POSTEN_BRING_ORGNR, postkasse_sertifikat: cert.digipost });
        await feilet(op, { personidentifikator: pid, sertifikat: cert.eboks }, 400, 'UGYLDIG_SERTIFIKAT', `The certificate was issued to ${EBOKS_ORGNR}, not to the mailbox provider ${POSTEN_BRING_ORGNR}`);
        await feilet(op, { personidentifikator: pid, sertifikat: cert.untrusted }, 400, 'UGYLDIG_SERTIFIKAT', /^The certificate was rejected \(untrusted: /);
      });

      it('bad personidentifikator, address or orgnr → 400 FEILET UGYLDIG_*, nothing changed', async () => {
        const pid = await person({ postkasseadresse: 'kari#U', postkasseleverandoeradresse: POSTEN_BRING_ORGNR });
        await feilet(op, { personidentifikator: '00000000000', postkasseadresse: 'x#1' }, 400, 'UGYLDIG_PERSONNUMMER', /^personidentifikator is not a valid/);
        await feilet(op, { personidentifikator: pid, postkasseadresse: 'a\tb' }, 400, 'UGYLDIG_EPOSTADRESSE', /^postkasseadresse must be/);
        await feilet(op, { personidentifikator: pid, postkasseadresse: 'x#1', postkasseleverandoerAdresse: 'abc' }, 400, 'UGYLDIG_ORGNR', /^postkasseleverandoerAdresse is not a valid organisasjonsnummer/);
      });

      it('neither postkasseadresse nor sertifikat → 400 PLATFORM_VALIDATION_FAILED, nothing changed', async () => {
        const pid = await person({ postkasseadresse: 'kari#V', postkasseleverandoeradresse: POSTEN_BRING_ORGNR });
        const beforeState = await snapshot(t);
        const res = await call(op, { personidentifikator: pid });
        assert.equal(res.statusCode, 400);
        assert.equal((res.json() as { code: string }).code, 'PLATFORM_VALIDATION_FAILED');
        assert.equal(await snapshot(t), beforeState);
      });
    });

    describe('SlettPostkasse', () => {
      const op = 'slettPostkasse';

      it('removes the mailbox: the lookup shows no digital_post any more', async () => {
        const pid = await person({ postkasseadresse: 'kari#DEL', postkasseleverandoeradresse: POSTEN_BRING_ORGNR, postkasse_sertifikat: cert.digipost });
        assert.ok((await lookup(pid)).digital_post);
        const res = await call(op, { personidentifikator: pid });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          status: 'OK',
          postkasse: { personidentifikator: pid, postkasseadresse: 'kari#DEL', postkasseleverandoerAdresse: POSTEN_BRING_ORGNR, sertifikat: cert.digipost },
        });
        const after = await personRow(pid);
        assert.deepEqual([after.postkasseadresse, after.postkasseleverandoeradresse, after.postkasse_sertifikat], [null, null, null]);
        assert.ok(Number(after.updated_at) > 1_700_000_000_000);
        const looked = await lookup(pid);
        assert.equal(looked.digital_post, undefined);
        assert.equal(looked.sertifikat, undefined);
      });

      it("another provider's mailbox → 404 FEILET INGEN_POSTBOKS_FUNNET, nothing changed", async () => {
        const pid = await person({ postkasseadresse: 'kari#D', postkasseleverandoeradresse: POSTEN_BRING_ORGNR });
        await feilet(op, { personidentifikator: pid }, 404, 'INGEN_POSTBOKS_FUNNET', 'The person has no mailbox at this provider', EBOKS_ORGNR);
      });

      it('a person not in the register → 404 BRUKER_IKKE_FUNNET; a bad number → 400 UGYLDIG_PERSONNUMMER', async () => {
        await feilet(op, { personidentifikator: newPid() }, 404, 'BRUKER_IKKE_FUNNET', 'The person is not in the register');
        await feilet(op, { personidentifikator: 'abcdefghijk' }, 400, 'UGYLDIG_PERSONNUMMER', /^personidentifikator is not a valid/);
      });
    });

    describe('HentPostkasse', () => {
      const op = 'hentPostkasse';

      it("answers the provider's own entry and logs the read in the audit log", async () => {
        const pid = await person({ postkasseadresse: 'kari#H', postkasseleverandoeradresse: EBOKS_ORGNR });
        const res = await call(op, { personidentifikator: pid }, EBOKS_ORGNR);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), { status: 'OK', postkasse: { personidentifikator: pid, postkasseadresse: 'kari#H', postkasseleverandoerAdresse: EBOKS_ORGNR } });
        const log = await krrDb(t.platform.db)
          .selectFrom('krr_lookup_persons as lp')
          .innerJoin('krr_lookups as l', 'l.id', 'lp.lookup_id')
          .select(['l.consumer_orgno', 'l.endpoint', 'l.scope', 'l.client_id'])
          .where('lp.personidentifikator', '=', pid)
          .execute();
        assert.deepEqual(log.map((r) => ({ ...r })), [{ consumer_orgno: EBOKS_ORGNR, endpoint: 'POST /rest/v1/postkasseleverandoer/hentPostkasse', scope: KRR_SCOPE_POSTKASSELEVERANDOER, client_id: `client-${EBOKS_ORGNR}` }]);
      });

      it("does not reveal another provider's mailbox: 404 INGEN_POSTBOKS_FUNNET (the read is logged)", async () => {
        const pid = await person({ postkasseadresse: 'kari#H2', postkasseleverandoeradresse: EBOKS_ORGNR });
        const res = await call(op, { personidentifikator: pid });
        assert.equal(res.statusCode, 404);
        assert.deepEqual(res.json(), { status: 'FEILET', beskrivelse: 'INGEN_POSTBOKS_FUNNET', melding: 'The person has no mailbox at this provider' });
        const n = await krrDb(t.platform.db).selectFrom('krr_lookup_persons').select('lookup_id').where('personidentifikator', '=', pid).execute();
        assert.equal(n.length, 1);
      });

      it('a bad number → 400 UGYLDIG_PERSONNUMMER and no log entry', async () => {
        await feilet(op, { personidentifikator: '1' }, 400, 'UGYLDIG_PERSONNUMMER', /^personidentifikator is not a valid/);
      });
    });

    it('publishes its routes in the OpenAPI document with tags, summaries and the Maskinporten scope', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/krr/openapi.json' });
      assert.equal(res.statusCode, 200);
      const doc = res.json() as { paths: Record<string, Record<string, { tags: string[]; summary: string; security: unknown }>> };
      for (const name of ['opprettOgVelgPostkasse', 'oppdaterPostkasse', 'slettPostkasse', 'hentPostkasse']) {
        const post = doc.paths[`${BASE}/${name}`]?.post;
        assert.ok(post, name);
        assert.deepEqual(post.tags, ['krr-postkasseleverandoer']);
        assert.ok(post.summary.length > 0);
        assert.deepEqual(post.security, [{ maskinporten: [KRR_SCOPE_POSTKASSELEVERANDOER] }]);
      }
    });
  });
}
