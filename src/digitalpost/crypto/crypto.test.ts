/**
 * Digital postkasse crypto: CMS EnvelopedData (round trips, the exact ASN.1 shape, OpenSSL
 * interop both ways, key choice among old and new certificates, wrong recipient, tampering),
 * the fingerprint, the SBD JWS (round trip, tampering, untrusted/expired certificates, another
 * organisation, malformed tokens), the SDP manifest and the document package.
 *
 * Certificates come from two `TestPki`s on in-memory SQLite databases (two different CAs); no
 * other database is used, so the file runs the same with and without TEST_DATABASE_URL. The
 * OpenSSL cases run when the `openssl` CLI is installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import * as asn1js from 'asn1js';
import { unzipSync } from 'fflate';
import { CompactSign, decodeProtectedHeader } from 'jose';
import * as pkijs from 'pkijs';
import pino from 'pino';
import { AppError } from '../../platform/errors.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/db/testing.ts';
import { TestPki, pkiMigrations, type IssuedCertificate } from '../../platform/pki/test-pki.ts';
import { createAsice, verifyAsice } from '../../eformidling/asic/asice.ts';
import { certificatesFromPem } from '../../eformidling/asic/certificates.ts';
import {
  buildDokumentpakke,
  decryptCms,
  encryptCms,
  fingerprint,
  openDokumentpakke,
  readSdpManifest,
  sdpManifestXml,
  signSbd,
  verifySbd,
  SDP_NS,
  type SdpManifest,
} from './index.ts';

const SENDER = '991825827';
const OTHER_ORG = '974760673';
const POSTEN = '984661185';
const EBOKS = '996460320';
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
const DAY = 86_400_000;

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const der = (cert: IssuedCertificate) => new Uint8Array(certificatesFromPem(cert.certificatePem)[0] as Buffer);
const b64url = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');

async function rejectsWith(promise: Promise<unknown>, code: string, extra?: Record<string, unknown>): Promise<AppError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `expected AppError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const [key, value] of Object.entries(extra ?? {})) assert.deepEqual(caught.extra?.[key], value, `extra.${key} (${caught.message})`);
  return caught;
}

function throwsWith(fn: () => unknown, code: string): AppError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, nothing was thrown`);
}

/** The EnvelopedData inside a CMS ContentInfo, parsed with pkijs (independently of cms.ts's own reading). */
function envelopedOf(cms: Uint8Array): pkijs.EnvelopedData {
  const info = pkijs.ContentInfo.fromBER(cms.slice().buffer);
  assert.equal(info.contentType, '1.2.840.113549.1.7.3');
  return new pkijs.EnvelopedData({ schema: info.content });
}

function parseXml(bytes: Uint8Array): Element {
  const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(Buffer.from(bytes).toString('utf8'), 'text/xml');
  return doc.documentElement as Element;
}

function childNames(element: Element): string[] {
  const out: string[] = [];
  for (let n = element.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(`${(n as Element).namespaceURI}|${(n as Element).localName}`);
  return out;
}

describe('Digital postkasse crypto', () => {
  let dbA: TestDatabase;
  let dbB: TestDatabase;
  let sender: IssuedCertificate;
  let otherOrg: IssuedCertificate;
  let foreign: IssuedCertificate;
  let postenOld: IssuedCertificate;
  let postenNew: IssuedCertificate;
  let eboks: IssuedCertificate;
  let trusted: string[];
  let foreignTrusted: string[];
  let dir: string;

  before(async () => {
    const log = pino({ level: 'silent' });
    const migrations = [{ component: 'platform_pki', migrations: pkiMigrations }];
    dbA = await createTestDatabase('sqlite', migrations);
    dbB = await createTestDatabase('sqlite', migrations);
    const pki = new TestPki(dbA, { log });
    const otherPki = new TestPki(dbB, { log });
    sender = await pki.issueEnterpriseCertificate({ orgnr: SENDER, organisationName: 'Testkommune Avsender', purpose: 'all' });
    otherOrg = await pki.issueEnterpriseCertificate({ orgnr: OTHER_ORG, organisationName: 'Annen Virksomhet', purpose: 'all' });
    foreign = await otherPki.issueEnterpriseCertificate({ orgnr: SENDER, organisationName: 'Testkommune Avsender', purpose: 'all' });
    postenOld = await pki.issueEnterpriseCertificate({ orgnr: POSTEN, organisationName: 'Posten Bring AS', purpose: 'encryption' });
    postenNew = await pki.issueEnterpriseCertificate({ orgnr: POSTEN, organisationName: 'Posten Bring AS', purpose: 'encryption' });
    eboks = await pki.issueEnterpriseCertificate({ orgnr: EBOKS, organisationName: 'e-Boks AS', purpose: 'encryption' });
    trusted = [await pki.rootCertificatePem(), await pki.issuingCertificatePem()];
    foreignTrusted = [await otherPki.rootCertificatePem(), await otherPki.issuingCertificatePem()];
    dir = mkdtempSync(join(tmpdir(), 'dpi-crypto-'));
  });
  after(async () => {
    await dbA?.close();
    await dbB?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('CMS EnvelopedData', () => {
    it('round-trips any content, empty and 1 MiB included', async () => {
      for (const content of [utf8('Hei, verden! æøå'), new Uint8Array(0), new Uint8Array(randomBytes(1024 * 1024 + 7))]) {
        const cms = await encryptCms(content, der(postenNew));
        assert.deepEqual(await decryptCms(cms, [postenNew]), content);
      }
    });

    it('writes DER: one KeyTransRecipientInfo (issuerAndSerialNumber), RSAES-OAEP SHA-256 / MGF1-SHA-256, AES-256-CBC', async () => {
      const cms = await encryptCms(utf8('x'), der(postenNew));
      const parsed = asn1js.fromBER(cms.slice().buffer);
      assert.equal(parsed.offset, cms.length, 'one ASN.1 value, nothing after it');
      assert.equal(parsed.result.lenBlock.isIndefiniteForm, false, 'definite length (DER)');
      const enveloped = envelopedOf(cms);
      assert.equal(enveloped.version, 0, 'RFC 5652 §6.1: version 0 with only version-0 KeyTransRecipientInfos');
      assert.equal(enveloped.recipientInfos.length, 1);
      assert.equal(enveloped.recipientInfos[0]?.variant, 1, 'KeyTransRecipientInfo');
      const ktri = enveloped.recipientInfos[0]?.value as pkijs.KeyTransRecipientInfo;
      assert.equal(ktri.version, 0);
      assert.ok(ktri.rid instanceof pkijs.IssuerAndSerialNumber);
      assert.equal(Buffer.from(ktri.rid.serialNumber.valueBlock.valueHexView).toString('hex'), postenNew.serialNumber);
      const certificate = pkijs.Certificate.fromBER(der(postenNew).slice().buffer);
      assert.ok(ktri.rid.issuer.isEqual(certificate.issuer));
      assert.equal(ktri.keyEncryptionAlgorithm.algorithmId, '1.2.840.113549.1.1.7');
      const oaep = new pkijs.RSAESOAEPParams({ schema: ktri.keyEncryptionAlgorithm.algorithmParams });
      assert.equal(oaep.hashAlgorithm.algorithmId, '2.16.840.1.101.3.4.2.1');
      assert.equal(oaep.maskGenAlgorithm.algorithmId, '1.2.840.113549.1.1.8');
      assert.equal(new pkijs.AlgorithmIdentifier({ schema: oaep.maskGenAlgorithm.algorithmParams }).algorithmId, '2.16.840.1.101.3.4.2.1');
      assert.equal(ktri.encryptedKey.valueBlock.valueHexView.length, 256, 'RSA-2048 ciphertext');
      const eci = enveloped.encryptedContentInfo;
      assert.equal(eci.contentType, '1.2.840.113549.1.7.1');
      assert.equal(eci.contentEncryptionAlgorithm.algorithmId, '2.16.840.1.101.3.4.1.42', 'aes256-CBC');
      assert.equal((eci.contentEncryptionAlgorithm.algorithmParams as asn1js.OctetString).valueBlock.valueHexView.length, 16, 'IV');
      assert.equal(eci.getEncryptedContent().byteLength, 16, 'one AES block for one byte of content');
    });

    it('uses a fresh key and IV each time', async () => {
      const a = await encryptCms(utf8('same'), der(postenNew));
      const b = await encryptCms(utf8('same'), der(postenNew));
      assert.notDeepEqual(a, b);
    });

    it('picks the key the CMS is addressed to among old and new certificates of the provider', async () => {
      const keys = [eboks, postenOld, postenNew];
      assert.deepEqual(await decryptCms(await encryptCms(utf8('til gammel'), der(postenOld)), keys), utf8('til gammel'));
      assert.deepEqual(await decryptCms(await encryptCms(utf8('til ny'), der(postenNew)), keys), utf8('til ny'));
    });

    it('refuses a CMS for another certificate, naming the serial it was encrypted to', async () => {
      const cms = await encryptCms(utf8('til e-Boks'), der(eboks));
      const err = await rejectsWith(decryptCms(cms, [postenOld, postenNew]), 'DIGITALPOST_CMS_WRONG_RECIPIENT', {
        recipients: [eboks.serialNumber],
        certificates: [postenOld.serialNumber, postenNew.serialNumber],
      });
      assert.match(err.message, new RegExp(`serial ${eboks.serialNumber}`));
      assert.match(err.message, /Grunnmur Test Issuing CA/);
      assert.equal(err.status, 400);
    });

    it('does not match a certificate with the same serial number from another issuer', async () => {
      const cms = await encryptCms(utf8('x'), der(postenNew));
      const enveloped = envelopedOf(cms);
      const ktri = enveloped.recipientInfos[0]?.value as pkijs.KeyTransRecipientInfo;
      // Same serial, another issuer name.
      (ktri.rid as pkijs.IssuerAndSerialNumber).issuer = new pkijs.RelativeDistinguishedNames({
        typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: 'Annen CA' }) })],
      });
      const changed = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.3', content: enveloped.toSchema() });
      await rejectsWith(decryptCms(new Uint8Array(changed.toSchema().toBER(false)), [postenNew]), 'DIGITALPOST_CMS_WRONG_RECIPIENT');
    });

    it('refuses tampered, truncated and foreign bytes with DIGITALPOST_CMS_INVALID', async () => {
      const cms = await encryptCms(new Uint8Array(randomBytes(100)), der(postenNew));
      const enveloped = envelopedOf(cms);
      const ciphertext = new Uint8Array(enveloped.encryptedContentInfo.getEncryptedContent());
      const at = Buffer.from(cms).indexOf(Buffer.from(ciphertext));
      assert.ok(at > 0);
      // The last byte of the second-last block flips the last padding byte to 0xf0..0xfe: never valid padding.
      const badPadding = cms.slice();
      badPadding[at + ciphertext.length - 17] = (badPadding[at + ciphertext.length - 17] as number) ^ 0xff;
      const err = await rejectsWith(decryptCms(badPadding, [postenNew]), 'DIGITALPOST_CMS_INVALID');
      assert.match(err.message, /does not decrypt/);

      const keyAt = Buffer.from(cms).indexOf(Buffer.from((enveloped.recipientInfos[0]?.value as pkijs.KeyTransRecipientInfo).encryptedKey.valueBlock.valueHexView));
      const badKey = cms.slice();
      badKey[keyAt + 100] = (badKey[keyAt + 100] as number) ^ 0x01;
      assert.match((await rejectsWith(decryptCms(badKey, [postenNew]), 'DIGITALPOST_CMS_INVALID')).message, /content-encryption key does not decrypt/);

      await rejectsWith(decryptCms(cms.slice(0, cms.length - 20), [postenNew]), 'DIGITALPOST_CMS_INVALID');
      await rejectsWith(decryptCms(utf8('not a CMS at all'), [postenNew]), 'DIGITALPOST_CMS_INVALID');
      await rejectsWith(decryptCms(new Uint8Array(0), [postenNew]), 'DIGITALPOST_CMS_INVALID');
      const data = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.1', content: new asn1js.OctetString({ valueHex: new Uint8Array([1, 2, 3]).buffer }) });
      assert.match(
        (await rejectsWith(decryptCms(new Uint8Array(data.toSchema().toBER(false)), [postenNew]), 'DIGITALPOST_CMS_INVALID')).message,
        /not EnvelopedData/,
      );
    });

    it('refuses unusable keys and certificates with DIGITALPOST_CMS_INVALID_KEY', async () => {
      const cms = await encryptCms(utf8('x'), der(postenNew));
      await rejectsWith(decryptCms(cms, []), 'DIGITALPOST_CMS_INVALID_KEY');
      await rejectsWith(decryptCms(cms, [{ certificatePem: 'nope', privateKeyPem: postenNew.privateKeyPem }]), 'DIGITALPOST_CMS_INVALID_KEY');
      await rejectsWith(decryptCms(cms, [{ certificatePem: postenNew.certificatePem, privateKeyPem: 'nope' }]), 'DIGITALPOST_CMS_INVALID_KEY');
      await rejectsWith(encryptCms(utf8('x'), utf8('not a certificate')), 'DIGITALPOST_CMS_INVALID_KEY');
    });

    describe('OpenSSL interop', { skip: !hasOpenssl && 'openssl CLI not installed' }, () => {
      const files = () => {
        const cert = join(dir, 'posten.pem');
        const key = join(dir, 'posten.key');
        writeFileSync(cert, postenNew.certificatePem);
        writeFileSync(key, postenNew.privateKeyPem);
        return { cert, key };
      };
      const opensslEncrypt = (content: Uint8Array, extra: string[], keyopts = true) => {
        const { cert } = files();
        const input = join(dir, 'plain.bin');
        const output = join(dir, 'openssl.cms');
        writeFileSync(input, content);
        const opts = keyopts ? ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256'] : [];
        execFileSync('openssl', ['cms', '-encrypt', '-aes256', '-recip', cert, ...opts, '-binary', '-outform', 'DER', ...extra, '-in', input, '-out', output], { stdio: 'pipe' });
        return new Uint8Array(readFileSync(output));
      };

      it('openssl cms -decrypt reads what encryptCms writes', async () => {
        const { cert, key } = files();
        const content = new Uint8Array(randomBytes(50_000));
        const input = join(dir, 'ours.cms');
        writeFileSync(input, await encryptCms(content, der(postenNew)));
        const out = execFileSync('openssl', ['cms', '-decrypt', '-inform', 'DER', '-in', input, '-recip', cert, '-inkey', key, '-binary'], { stdio: 'pipe', maxBuffer: 1 << 24 });
        assert.deepEqual(new Uint8Array(out), content);
      });

      it('decryptCms reads what openssl cms -encrypt (OAEP SHA-256, AES-256-CBC) writes, DER and streamed BER', async () => {
        const content = new Uint8Array(randomBytes(70_000));
        const plain = opensslEncrypt(content, []);
        assert.deepEqual(await decryptCms(plain, [eboks, postenNew]), content);
        const streamed = opensslEncrypt(content, ['-stream']);
        assert.equal(streamed[1], 0x80, 'indefinite-length BER from -stream');
        assert.deepEqual(await decryptCms(streamed, [postenNew]), content);
      });

      it('refuses RSAES-PKCS1-v1_5 key transport (openssl default) as unsupported', async () => {
        const pkcs1 = opensslEncrypt(utf8('x'), [], false);
        assert.match((await rejectsWith(decryptCms(pkcs1, [postenNew]), 'DIGITALPOST_CMS_INVALID')).message, /RSAES-PKCS1-v1_5/);
      });

      it('refuses OAEP whose MGF1 hash differs from the OAEP hash', async () => {
        const { cert } = files();
        const input = join(dir, 'plain.bin');
        const output = join(dir, 'mixed.cms');
        writeFileSync(input, 'x');
        execFileSync('openssl', ['cms', '-encrypt', '-aes256', '-recip', cert, '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha1', '-binary', '-outform', 'DER', '-in', input, '-out', output], { stdio: 'pipe' });
        assert.match((await rejectsWith(decryptCms(new Uint8Array(readFileSync(output)), [postenNew]), 'DIGITALPOST_CMS_INVALID')).message, /MGF1/);
      });
    });
  });

  describe('fingerprint', () => {
    it('is SHA-256 of the exact bytes, base64, with the xmlenc#sha256 method', () => {
      assert.deepEqual(fingerprint(utf8('abc')), {
        digestMethod: 'http://www.w3.org/2001/04/xmlenc#sha256',
        digestValue: 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=',
      });
      assert.equal(fingerprint(new Uint8Array(0)).digestValue, '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    });
  });

  describe('SBD JWS', () => {
    const sbd = {
      standardBusinessDocument: {
        standardBusinessDocumentHeader: { headerVersion: '1.0', sender: [{ identifier: { value: `0192:${SENDER}`, authority: 'iso6523-actorid-upis' } }] },
        digital: { tittel: 'Vedtak æøå', dokumentpakkefingeravtrykk: fingerprint(utf8('abc')) },
      },
    };

    it('signs as compact RS256 JWS with x5c = [signer certificate], and verifies', async () => {
      const jws = await signSbd(sbd, sender);
      assert.match(jws, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      assert.deepEqual(decodeProtectedHeader(jws), { alg: 'RS256', x5c: [Buffer.from(der(sender)).toString('base64')] });
      const verified = await verifySbd(jws, { caCertificatesPem: trusted });
      assert.deepEqual(verified.payload, sbd);
      assert.equal(verified.orgnr, SENDER);
      assert.equal(verified.certificatePem.replace(/\s+/g, ''), sender.certificatePem.replace(/\s+/g, ''));
      assert.equal((await verifySbd(jws, { caCertificatesPem: trusted, expectedOrgnr: SENDER })).orgnr, SENDER);
    });

    it('refuses a changed payload or signature', async () => {
      const jws = await signSbd(sbd, sender);
      const [header, , signature] = jws.split('.') as [string, string, string];
      const otherPayload = b64url(JSON.stringify({ ...sbd, extra: true }));
      await rejectsWith(verifySbd(`${header}.${otherPayload}.${signature}`, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'signature' });
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
      await rejectsWith(verifySbd(`${header}.${jws.split('.')[1]}.${flipped}`, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'signature' });
    });

    it('refuses a JWS whose x5c certificate is not the signing key', async () => {
      const loaded = await signSbd(sbd, otherOrg);
      const [, payload, signature] = loaded.split('.') as [string, string, string];
      // Header claims the sender's certificate; signature is by otherOrg's key over a different header: rebuild properly.
      const header = b64url(JSON.stringify({ alg: 'RS256', x5c: [Buffer.from(der(sender)).toString('base64')] }));
      await rejectsWith(verifySbd(`${header}.${payload}.${signature}`, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'signature' });
    });

    it('refuses a certificate from an untrusted CA, and an expired or not yet valid one', async () => {
      const jws = await signSbd(sbd, foreign);
      const err = await rejectsWith(verifySbd(jws, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'certificate-trust' });
      assert.match(err.message, /not trusted/);
      assert.equal((await verifySbd(jws, { caCertificatesPem: foreignTrusted })).orgnr, SENDER, 'trusted when its own CA is given');

      const ours = await signSbd(sbd, sender);
      const expired = await rejectsWith(
        verifySbd(ours, { caCertificatesPem: trusted, now: new Date(sender.notAfter.getTime() + DAY) }),
        'DIGITALPOST_JWS_INVALID',
        { reason: 'certificate-validity' },
      );
      assert.match(expired.message, /expired/);
      await rejectsWith(verifySbd(ours, { caCertificatesPem: trusted, now: new Date(sender.notBefore.getTime() - DAY) }), 'DIGITALPOST_JWS_INVALID', {
        reason: 'certificate-validity',
      });
      await rejectsWith(verifySbd(ours, { caCertificatesPem: [] }), 'DIGITALPOST_JWS_INVALID', { reason: 'certificate-trust' });
    });

    it('reports the organisation of the certificate, and refuses another than expectedOrgnr', async () => {
      const jws = await signSbd(sbd, otherOrg);
      assert.equal((await verifySbd(jws, { caCertificatesPem: trusted })).orgnr, OTHER_ORG);
      const err = await rejectsWith(verifySbd(jws, { caCertificatesPem: trusted, expectedOrgnr: SENDER }), 'DIGITALPOST_JWS_INVALID', { reason: 'orgnr' });
      assert.match(err.message, new RegExp(`organisation ${OTHER_ORG}, not by ${SENDER}`));
    });

    it('refuses what is not a compact JWS, and a header without RS256 or x5c', async () => {
      for (const token of ['', 'abc', 'a.b', 'a.b.c.d.e', 'a..c', `${b64url('{}')}.${b64url('{}')}.`]) {
        await rejectsWith(verifySbd(token, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'format' });
      }
      await rejectsWith(verifySbd(`${b64url('not json')}.${b64url('{}')}.${b64url('sig')}`, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'header' });
      const key = (await import('node:crypto')).createPrivateKey(sender.privateKeyPem);
      const x5c = [Buffer.from(der(sender)).toString('base64')];
      const payload = utf8(JSON.stringify(sbd));
      const noX5c = await new CompactSign(payload).setProtectedHeader({ alg: 'RS256' }).sign(key);
      assert.match((await rejectsWith(verifySbd(noX5c, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'x5c' })).message, /no x5c/);
      const badX5c = await new CompactSign(payload).setProtectedHeader({ alg: 'RS256', x5c: ['AAAA'] }).sign(key);
      await rejectsWith(verifySbd(badX5c, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'x5c' });
      const ps256 = await new CompactSign(payload).setProtectedHeader({ alg: 'PS256', x5c }).sign(key);
      assert.match((await rejectsWith(verifySbd(ps256, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'header' })).message, /RS256/);
    });

    it('refuses a payload that is not a JSON object', async () => {
      const key = (await import('node:crypto')).createPrivateKey(sender.privateKeyPem);
      const x5c = [Buffer.from(der(sender)).toString('base64')];
      for (const payload of ['not json', '[1,2]', 'null', '"text"']) {
        const jws = await new CompactSign(utf8(payload)).setProtectedHeader({ alg: 'RS256', x5c }).sign(key);
        await rejectsWith(verifySbd(jws, { caCertificatesPem: trusted }), 'DIGITALPOST_JWS_INVALID', { reason: 'payload' });
      }
    });

    it('refuses to sign what is not an object, or with a key that does not belong to the certificate', async () => {
      await rejectsWith(signSbd([] as unknown as Record<string, unknown>, sender), 'DIGITALPOST_JWS_SIGN_FAILED');
      await rejectsWith(signSbd(sbd, { certificatePem: sender.certificatePem, privateKeyPem: otherOrg.privateKeyPem }), 'DIGITALPOST_JWS_SIGN_FAILED');
    });
  });

  describe('SDP manifest.xml', () => {
    const digital: SdpManifest = {
      mottaker: { personidentifikator: '17051400000', postkasseadresse: 'ola.nordmann#0ABC' },
      avsenderOrgnr: SENDER,
      avsenderidentifikator: 'skole',
      fakturaReferanse: 'Avdeling 7 & co',
      hoveddokument: { href: 'vedtak.pdf', mime: 'application/pdf', tittel: 'Vedtak om <plass>', lang: 'no', data: { href: 'lenke.xml', mime: 'application/vnd.difi.dpi.lenke+xml' } },
      vedlegg: [
        { href: 'info.html', mime: 'text/html', tittel: 'Informasjon', lang: 'nn' },
        { href: 'journal.txt', mime: 'text/plain', tittel: null, lang: null },
      ],
    };

    it('writes the SDP schema_v10 elements in schema order, and reads them back', () => {
      const xml = sdpManifestXml(digital);
      const text = Buffer.from(xml).toString('utf8');
      assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><manifest xmlns="http://begrep.difi.no/sdp/schema_v10">'), text);
      const root = parseXml(xml);
      assert.deepEqual(childNames(root), ['mottaker', 'avsender', 'hoveddokument', 'vedlegg', 'vedlegg'].map((n) => `${SDP_NS}|${n}`));
      assert.match(text, /<mottaker><person><personidentifikator>17051400000<\/personidentifikator><postkasseadresse>ola\.nordmann#0ABC<\/postkasseadresse><\/person><\/mottaker>/);
      assert.match(text, /<avsender><organisasjon authority="iso6523-actorid-upis">9908:991825827<\/organisasjon><avsenderidentifikator>skole<\/avsenderidentifikator><fakturaReferanse>Avdeling 7 &amp; co<\/fakturaReferanse><\/avsender>/);
      assert.match(text, /<hoveddokument href="vedtak\.pdf" mime="application\/pdf"><tittel lang="no">Vedtak om &lt;plass&gt;<\/tittel><data href="lenke\.xml" mime="application\/vnd\.difi\.dpi\.lenke\+xml"\/><\/hoveddokument>/);
      assert.match(text, /<vedlegg href="journal\.txt" mime="text\/plain"\/>/);
      assert.deepEqual(readSdpManifest(xml), digital);
    });

    it('leaves mottaker out for print', () => {
      const print = { ...digital, mottaker: null, avsenderidentifikator: undefined, fakturaReferanse: undefined };
      delete print.avsenderidentifikator;
      delete print.fakturaReferanse;
      const xml = sdpManifestXml(print);
      assert.deepEqual(childNames(parseXml(xml))[0], `${SDP_NS}|avsender`);
      assert.deepEqual(readSdpManifest(xml), print);
    });

    it('reads a manifest as another writer lays it out (prefixes, whitespace, xsi attributes)', () => {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<sdp:manifest xmlns:sdp="${SDP_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <sdp:avsender>
    <sdp:organisasjon authority="iso6523-actorid-upis">9908:${SENDER}</sdp:organisasjon>
  </sdp:avsender>
  <sdp:hoveddokument href="brev.pdf" mime="application/pdf">
    <sdp:tittel lang="en"> Letter </sdp:tittel>
  </sdp:hoveddokument>
</sdp:manifest>`;
      assert.deepEqual(readSdpManifest(utf8(xml)), {
        mottaker: null,
        avsenderOrgnr: SENDER,
        hoveddokument: { href: 'brev.pdf', mime: 'application/pdf', tittel: 'Letter', lang: 'en' },
        vedlegg: [],
      });
    });

    it('refuses manifests the package cannot rely on', () => {
      const base = Buffer.from(sdpManifestXml(digital)).toString('utf8');
      const cases: Array<[string, RegExp]> = [
        [base.replace(SDP_NS, 'urn:other'), /not \{http:\/\/begrep\.difi\.no\/sdp\/schema_v10\}manifest/],
        [base.replace('9908:991825827', '0192:991825827'), /not 9908:<organisasjonsnummer>/],
        [base.replace('<vedlegg href="info.html"', '<hoveddokument href="info.html"').replace('</vedlegg><vedlegg href="journal', '</hoveddokument><vedlegg href="journal'), /2 hoveddokument/],
        [base.replace('href="journal.txt"', 'href="info.html"'), /names "info\.html" twice/],
        [base.replace(' mime="text/plain"', ''), /has no mime/],
        [base.replace('</manifest>', ''), /not well-formed/],
        [base.replace('<manifest', '<!DOCTYPE manifest [<!ENTITY x "y">]><manifest'), /document type declaration/],
      ];
      for (const [xml, message] of cases) assert.match(throwsWith(() => readSdpManifest(utf8(xml)), 'DIGITALPOST_PACKAGE_INVALID').message, message);
    });

    it('refuses to write values the SDP schema does not allow', () => {
      for (const bad of [
        { ...digital, avsenderOrgnr: '12345' },
        { ...digital, mottaker: { personidentifikator: '123' } },
        { ...digital, mottaker: {} },
        { ...digital, hoveddokument: { ...digital.hoveddokument, href: 'a.b' } },
        { ...digital, hoveddokument: { ...digital.hoveddokument, lang: 'nor' } },
        { ...digital, fakturaReferanse: 'x'.repeat(41) },
        { ...digital, vedlegg: Array.from({ length: 201 }, (_, i) => ({ href: `v${i}.txt`, mime: 'text/plain', tittel: null, lang: null })) },
      ]) {
        throwsWith(() => sdpManifestXml(bad as SdpManifest), 'DIGITALPOST_PACKAGE_INVALID');
      }
    });
  });

  describe('document package', () => {
    const pdf = utf8('%PDF-1.4 hoveddokument');
    const vedlegg = new Uint8Array(randomBytes(30_000));
    const input = () => ({
      signer: sender,
      avsenderOrgnr: SENDER,
      mottaker: { personidentifikator: '17051400000', postkasseadresse: 'ola.nordmann#0ABC' },
      documents: [
        { filename: 'vedlegg.bin', mimeType: 'application/octet-stream', content: vedlegg, tittel: 'Vedlegg', hoveddokument: false },
        { filename: 'Vedtak (endelig).pdf', mimeType: 'application/pdf', content: pdf, tittel: 'Vedtak', hoveddokument: true },
      ],
      recipientCertificateDer: der(postenNew),
      now: NOW,
    });

    it('round-trips two documents: ASiC-E with manifest.xml, signed, encrypted, fingerprinted', async () => {
      const built = await buildDokumentpakke(input());
      assert.deepEqual(built.fingerprint, {
        digestMethod: 'http://www.w3.org/2001/04/xmlenc#sha256',
        digestValue: createHash('sha256').update(built.cms).digest('base64'),
      });
      assert.deepEqual(await decryptCms(built.cms, [postenNew]), built.asice);
      const order: string[] = [];
      const entries = unzipSync(built.asice, { filter: (f) => (order.push(f.name), true) });
      assert.deepEqual(order, ['mimetype', 'Vedtak (endelig).pdf', 'vedlegg.bin', 'manifest.xml', 'META-INF/manifest.xml', 'META-INF/signatures.xml']);
      const verified = await verifyAsice(built.asice, { caCertificatesPem: trusted, at: NOW });
      assert.equal(verified.files.find((f) => f.name === 'manifest.xml')?.mimeType, 'application/xml', 'manifest.xml is a signed data file');
      const manifest = readSdpManifest(entries['manifest.xml'] as Uint8Array);
      assert.equal(manifest.hoveddokument.href, 'Vedtak (endelig).pdf');
      assert.deepEqual(manifest.vedlegg.map((v) => [v.href, v.tittel, v.lang]), [['vedlegg.bin', 'Vedlegg', 'no']]);

      const opened = await openDokumentpakke(built.cms, [eboks, postenOld, postenNew], { caCertificatesPem: trusted, now: NOW });
      assert.equal(opened.signerOrgnr, SENDER);
      assert.deepEqual(opened.documents, [
        { filename: 'Vedtak (endelig).pdf', mimeType: 'application/pdf', content: pdf, tittel: 'Vedtak', hoveddokument: true },
        { filename: 'vedlegg.bin', mimeType: 'application/octet-stream', content: vedlegg, tittel: 'Vedlegg', hoveddokument: false },
      ]);
      assert.deepEqual(opened.manifest.mottaker, { personidentifikator: '17051400000', postkasseadresse: 'ola.nordmann#0ABC' });
      assert.equal(opened.signingTime.getTime(), NOW.getTime());
    });

    it('builds a print package without mottaker, titles optional, in the given language', async () => {
      const built = await buildDokumentpakke({
        ...input(),
        mottaker: null,
        spraak: 'en',
        documents: [{ filename: 'brev.pdf', mimeType: 'application/pdf', content: pdf, hoveddokument: true }, { filename: 'b.txt', mimeType: 'text/plain', content: utf8('b'), tittel: 'B', hoveddokument: false }],
        recipientCertificateDer: der(eboks),
      });
      const opened = await openDokumentpakke(built.cms, [eboks], { caCertificatesPem: trusted, now: NOW });
      assert.equal(opened.manifest.mottaker, null);
      assert.deepEqual(opened.documents.map((d) => [d.filename, d.tittel]), [['brev.pdf', null], ['b.txt', 'B']]);
      assert.equal(opened.manifest.vedlegg[0]?.lang, 'en');
    });

    it('refuses a package for another provider, or signed by an untrusted certificate', async () => {
      const built = await buildDokumentpakke(input());
      await rejectsWith(openDokumentpakke(built.cms, [eboks], { caCertificatesPem: trusted }), 'DIGITALPOST_CMS_WRONG_RECIPIENT');
      const err = await rejectsWith(openDokumentpakke(built.cms, [postenNew], { caCertificatesPem: foreignTrusted, now: NOW }), 'DIGITALPOST_PACKAGE_INVALID', {
        asicCode: 'EFORMIDLING_ASIC_SIGNATURE_INVALID',
        check: 'certificate-trust',
      });
      assert.match(err.message, /does not verify/);
      await rejectsWith(openDokumentpakke(built.cms, [postenNew], { caCertificatesPem: trusted, now: new Date(sender.notAfter.getTime() + DAY) }), 'DIGITALPOST_PACKAGE_INVALID', {
        check: 'certificate-validity',
      });
    });

    it('refuses a package without manifest.xml, or whose manifest and files do not agree', async () => {
      const seal = async (files: Array<{ name: string; mimeType: string; content: Uint8Array }>) =>
        encryptCms(await createAsice(files, sender, { now: NOW }), der(postenNew));
      const open = async (cms: Uint8Array) => openDokumentpakke(cms, [postenNew], { caCertificatesPem: trusted, now: NOW });
      const manifest = (hrefs: string[]) => ({
        name: 'manifest.xml',
        mimeType: 'application/xml',
        content: new Uint8Array(
          sdpManifestXml({
            mottaker: null,
            avsenderOrgnr: SENDER,
            hoveddokument: { href: hrefs[0] as string, mime: 'application/pdf', tittel: null, lang: null },
            vedlegg: hrefs.slice(1).map((href) => ({ href, mime: 'text/plain', tittel: null, lang: null })),
          }),
        ),
      });
      const brev = { name: 'brev.pdf', mimeType: 'application/pdf', content: pdf };
      const extra = { name: 'ekstra.txt', mimeType: 'text/plain', content: utf8('x') };

      assert.match((await rejectsWith(open(await seal([brev])), 'DIGITALPOST_PACKAGE_INVALID')).message, /no manifest\.xml/);
      assert.match(
        (await rejectsWith(open(await seal([brev, manifest(['brev.pdf', 'mangler.txt'])])), 'DIGITALPOST_PACKAGE_INVALID')).message,
        /names "mangler\.txt", which is not in the package/,
      );
      assert.match(
        (await rejectsWith(open(await seal([brev, extra, manifest(['brev.pdf'])])), 'DIGITALPOST_PACKAGE_INVALID')).message,
        /holds "ekstra\.txt", which manifest\.xml does not name/,
      );
      const broken = { name: 'manifest.xml', mimeType: 'application/xml', content: utf8('<manifest/>') };
      await rejectsWith(open(await seal([brev, broken])), 'DIGITALPOST_PACKAGE_INVALID');
      // Control: the same files with a matching manifest open.
      assert.equal((await open(await seal([brev, extra, manifest(['brev.pdf', 'ekstra.txt'])]))).documents.length, 2);
    });

    it('refuses documents that cannot make a package', async () => {
      const docs = input().documents;
      const cases = [
        [],
        docs.map((d) => ({ ...d, hoveddokument: false })),
        docs.map((d) => ({ ...d, hoveddokument: true })),
        [docs[1], { ...docs[0], filename: 'Manifest.XML' }],
        [docs[1], { ...docs[0], filename: docs[1]?.filename }],
        [docs[1], { ...docs[0], filename: 'mappe/fil.txt' }],
      ];
      for (const documents of cases) {
        await rejectsWith(buildDokumentpakke({ ...input(), documents } as Parameters<typeof buildDokumentpakke>[0]), 'DIGITALPOST_PACKAGE_INVALID');
      }
    });
  });
});
