/**
 * ASiC-E containers: round trip (including a 6 MiB file streamed in chunks), the ZIP layout
 * (mimetype first, stored, no extra field, no data descriptor), manifest.xml and signatures.xml
 * as Difi's library shapes them, independent verification (xml-crypto's own `SignedXml`, and the
 * JDK's ZipInputStream + XML-DSig when `java` is installed, both ways), tampering (each failure
 * with its exact code and check), the name rules, and the input checks.
 *
 * Certificates come from two `TestPki`s on in-memory SQLite databases (two different CAs); no
 * other database is used, so the file runs the same with and without TEST_DATABASE_URL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import pino from 'pino';
import { SignedXml } from 'xml-crypto';
import { ZipFile } from 'yazl';
import { AppError } from '../../platform/errors.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/db/testing.ts';
import { TestPki, pkiMigrations, type IssuedCertificate } from '../../platform/pki/test-pki.ts';
import { x509 } from '../../platform/pki/x509.ts';
import { ASICE_MIME_TYPE, createAsice, streamAsice, verifyAsice, type AsicSource } from './asice.ts';
import { loadSigner } from './certificates.ts';
import { ALGORITHM, NS } from './constants.ts';
import { signaturesXml } from './xades-signature.ts';

const ORGNR = '991825827';
const OTHER_ORGNR = '974760673';
/** Signing time of the samples: whole seconds, within the certificates' validity. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
const NOW_PATTERN = new RegExp(NOW.toISOString().replace(/\./g, '\\.'));
const LATER = new Date(NOW.getTime() + 1000).toISOString();
const MIB = 1024 * 1024;
const JAVA_INTEROP = join(import.meta.dirname, 'java-interop', 'AsicInterop.java');
const hasJava = (() => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const textOf = (data: Uint8Array) => Buffer.from(data).toString('utf8');

function parse(xml: Uint8Array | string): Document {
  return new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(message); } }).parseFromString(
    typeof xml === 'string' ? xml : textOf(xml),
    'text/xml',
  );
}
function elements(node: Document | Element, ns: string, localName: string): Element[] {
  return Array.from(node.getElementsByTagNameNS(ns, localName)) as Element[];
}

/** The entries of a ZIP in central directory order (fflate). */
function entriesOf(zip: Uint8Array): Array<[string, Uint8Array]> {
  const order: string[] = [];
  const files = unzipSync(zip, { filter: (f) => (order.push(f.name), true) });
  return order.map((name) => [name, files[name] as Uint8Array]);
}

/** Writes entries as a new ZIP (fflate; mimetype stored), to build tampered containers. */
function rezip(entries: Array<[string, Uint8Array]>, storeMimetype = true): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, content] of entries) zippable[name] = [content, { level: name === 'mimetype' && storeMimetype ? 0 : 6 }];
  return zipSync(zippable);
}

function replaceEntry(zip: Uint8Array, name: string, change: (content: Uint8Array) => Uint8Array): Uint8Array {
  const entries = entriesOf(zip);
  const found = entries.find(([n]) => n === name);
  assert.ok(found, `entry ${name} exists`);
  found[1] = change(found[1]);
  return rezip(entries);
}

function changeText(zip: Uint8Array, name: string, from: RegExp, to: string): Uint8Array {
  return replaceEntry(zip, name, (content) => {
    const text = textOf(content);
    assert.match(text, from);
    return utf8(text.replace(from, to));
  });
}

async function rejectsWith(promise: Promise<unknown>, code: string, check?: string, file?: string): Promise<AppError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `expected AppError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (check !== undefined) assert.equal(caught.extra?.check, check, caught.message);
  if (file !== undefined) assert.equal(caught.extra?.file, file, caught.message);
  return caught;
}

function throwsWith(fn: () => unknown, code: string): AppError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `expected AppError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/**
 * Verifies signatures.xml with xml-crypto's own `SignedXml.checkSignature` (its canonicalization
 * of SignedInfo and SignedProperties, its RSA-SHA256). xml-crypto resolves a Reference only to
 * an element of the document, so the data-file references are resolved here to the ZIP entries
 * (the role of a URI dereferencer), by patching its reference check for non-fragment URIs.
 */
function verifyWithXmlCrypto(zip: Uint8Array, certificatePem: string): boolean {
  const files = Object.fromEntries(entriesOf(zip));
  const xml = textOf(files['META-INF/signatures.xml'] as Uint8Array);
  const verifier = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
  const hooks = verifier as unknown as {
    validateReference(ref: { uri: string; digestValue: string }, doc: unknown): string | undefined;
  };
  const original = hooks.validateReference.bind(verifier);
  hooks.validateReference = (ref, doc) => {
    if (ref.uri.startsWith('#')) return original(ref, doc);
    const data = files[decodeURIComponent(ref.uri)];
    return data && sha256(data).toString('base64') === ref.digestValue ? '' : undefined;
  };
  verifier.loadSignature(elements(parse(xml), NS.ds, 'Signature')[0] as Element);
  try {
    return verifier.checkSignature(xml);
  } catch {
    return false;
  }
}

function block(seed: string, size: number): Uint8Array {
  const out = Buffer.alloc(size);
  for (let i = 0; i * 32 < size; i++) sha256(`${seed}:${i}`).copy(out, i * 32);
  return new Uint8Array(out);
}

/** A source that yields `chunks` copies of `chunk`, counting opens and bytes read. */
function repeatedSource(name: string, chunk: Uint8Array, chunks: number) {
  const hash = createHash('sha256');
  for (let i = 0; i < chunks; i++) hash.update(chunk);
  const stats = { opens: 0, read: 0 };
  const source: AsicSource = {
    name,
    mimeType: 'application/octet-stream',
    size: chunk.length * chunks,
    sha256: hash.digest(),
    async *open() {
      stats.opens++;
      for (let i = 0; i < chunks; i++) {
        stats.read += chunk.length;
        yield chunk;
      }
    },
  };
  return { source, stats };
}

function bufferSource(name: string, mimeType: string, content: Uint8Array): AsicSource {
  return {
    name,
    mimeType,
    size: content.length,
    sha256: sha256(content),
    async *open() {
      yield content;
    },
  };
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

describe('ASiC-E containers', () => {
  let dbA: TestDatabase;
  let dbB: TestDatabase;
  let pki: TestPki;
  let signer: IssuedCertificate;
  let foreignSigner: IssuedCertificate;
  let trusted: string[];
  let sample: Uint8Array;
  const sampleFiles = [
    { name: 'arkivmelding.xml', mimeType: 'application/xml', content: utf8('<arkivmelding>æøå &amp; ÆØÅ</arkivmelding>') },
    { name: 'Vedtak 2030 (endelig).pdf', mimeType: 'application/pdf', content: new Uint8Array(randomBytes(20_000)) },
    { name: 'tom.txt', mimeType: 'text/plain; charset=utf-8', content: new Uint8Array(0) },
  ];

  before(async () => {
    const log = pino({ level: 'silent' });
    const migrations = [{ component: 'platform_pki', migrations: pkiMigrations }];
    dbA = await createTestDatabase('sqlite', migrations);
    dbB = await createTestDatabase('sqlite', migrations);
    pki = new TestPki(dbA, { log });
    const otherPki = new TestPki(dbB, { log });
    signer = await pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Testkommune Avsender' });
    foreignSigner = await otherPki.issueEnterpriseCertificate({ orgnr: OTHER_ORGNR, organisationName: 'Annen CA AS' });
    trusted = [await pki.rootCertificatePem(), await pki.issuingCertificatePem()];
    sample = await createAsice(sampleFiles, signer, { now: NOW });
  });
  after(async () => {
    await dbA?.close();
    await dbB?.close();
  });

  describe('round trip', () => {
    it('verifies what it creates and gives back every file, its media type, the signer and the signing time', async () => {
      const verified = await verifyAsice(sample, { caCertificatesPem: trusted, at: NOW });
      assert.deepEqual(
        verified.files.map((f) => [f.name, f.mimeType, sha256(f.content).toString('hex')]),
        sampleFiles.map((f) => [f.name, f.mimeType, sha256(f.content).toString('hex')]),
      );
      assert.equal(verified.signerOrgnr, ORGNR);
      assert.equal(verified.signingTime.toISOString(), NOW.toISOString());
      assert.equal(verified.signerCertificatePem.replace(/\s+/g, ''), signer.certificatePem.replace(/\s+/g, ''));
    });

    it('streams a 6 MiB file in chunks, reading each source once when its turn comes, with bounded data in flight', async () => {
      const big = repeatedSource('stor-fil.bin', block('big', 64 * 1024), 96);
      const opened: string[] = [];
      const small = (name: string) => {
        const source = bufferSource(name, 'text/plain', utf8(`innhold i ${name}`));
        const open = source.open.bind(source);
        source.open = () => (opened.push(name), open());
        return source;
      };
      const first = small('forste.txt');
      const last = small('siste.txt');
      const chunks: Uint8Array[] = [];
      let received = 0;
      let maxInFlight = 0;
      for await (const chunk of streamAsice([first, big.source, last], signer, { now: NOW })) {
        chunks.push(chunk);
        received += chunk.length;
        // Random-looking data does not compress: bytes read from the source but not yet out of the
        // container are what the writer holds.
        maxInFlight = Math.max(maxInFlight, big.stats.read - received);
        if (opened.length === 1 && big.stats.read > 0) assert.ok(!opened.includes('siste.txt'), 'the last file is opened only after the big one');
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.deepEqual(opened, ['forste.txt', 'siste.txt']);
      assert.equal(big.stats.opens, 1);
      assert.equal(big.stats.read, 6 * MIB);
      assert.ok(chunks.length > 50, `the container came in ${chunks.length} chunks`);
      assert.ok(maxInFlight < 1 * MIB, `at most ${maxInFlight} bytes were in flight`);
      const zip = new Uint8Array(Buffer.concat(chunks));
      const verified = await verifyAsice(zip, { caCertificatesPem: trusted });
      assert.deepEqual(verified.files.map((f) => [f.name, f.content.length]), [['forste.txt', 20], ['stor-fil.bin', 6 * MIB], ['siste.txt', 19]]);
      assert.deepEqual(sha256(verified.files[1]!.content), Buffer.from(big.source.sha256));
    });

    it('stops reading the source when the consumer stops early', async () => {
      const big = repeatedSource('stor-fil.bin', block('early', 64 * 1024), 96);
      let received = 0;
      for await (const chunk of streamAsice([big.source], signer)) {
        received += chunk.length;
        if (received > MIB) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(big.stats.read < 3 * MIB, `read ${big.stats.read} bytes after the consumer stopped at ${received}`);
    });
  });

  describe('container layout', () => {
    it('starts with an uncompressed mimetype entry: no extra field, CRC and sizes in the local header', () => {
      const view = new DataView(sample.buffer, sample.byteOffset, sample.byteLength);
      assert.equal(view.getUint32(0, true), 0x04034b50, 'local file header signature');
      assert.equal(view.getUint16(6, true) & 0x0008, 0, 'no data descriptor (Java ZipInputStream refuses one on a stored entry)');
      assert.equal(view.getUint16(8, true), 0, 'stored');
      assert.equal(view.getUint32(18, true), ASICE_MIME_TYPE.length, 'compressed size');
      assert.equal(view.getUint32(22, true), ASICE_MIME_TYPE.length, 'uncompressed size');
      assert.equal(view.getUint16(26, true), 8, 'name length');
      assert.equal(view.getUint16(28, true), 0, 'extra field length');
      assert.equal(Buffer.from(sample.subarray(30, 38)).toString('latin1'), 'mimetype');
      assert.equal(Buffer.from(sample.subarray(38, 38 + ASICE_MIME_TYPE.length)).toString('latin1'), 'application/vnd.etsi.asic-e+zip');
    });

    it('orders the entries mimetype, the files as given, META-INF/manifest.xml, META-INF/signatures.xml', () => {
      assert.deepEqual(entriesOf(sample).map(([name]) => name), [
        'mimetype',
        'arkivmelding.xml',
        'Vedtak 2030 (endelig).pdf',
        'tom.txt',
        'META-INF/manifest.xml',
        'META-INF/signatures.xml',
      ]);
    });

    it('writes an OpenDocument manifest listing the container and each file with its media type', () => {
      const doc = parse(Object.fromEntries(entriesOf(sample))['META-INF/manifest.xml'] as Uint8Array);
      const root = doc.documentElement as Element;
      assert.equal(root.namespaceURI, 'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0');
      assert.equal(root.localName, 'manifest');
      assert.deepEqual(
        elements(doc, NS.manifest, 'file-entry').map((e) => [e.getAttributeNS(NS.manifest, 'full-path'), e.getAttributeNS(NS.manifest, 'media-type')]),
        [['/', ASICE_MIME_TYPE], ...sampleFiles.map((f) => [f.name, f.mimeType])],
      );
    });

    it('writes one XAdES-BES signature: a SHA-256 reference per file, SignedProperties, RSA-SHA256, the signer in KeyInfo', () => {
      const doc = parse(Object.fromEntries(entriesOf(sample))['META-INF/signatures.xml'] as Uint8Array);
      const root = doc.documentElement as Element;
      assert.equal(root.namespaceURI, 'http://uri.etsi.org/02918/v1.2.1#');
      assert.equal(root.localName, 'XAdESSignatures');
      const [signature, ...more] = elements(doc, NS.ds, 'Signature');
      assert.ok(signature);
      assert.equal(more.length, 0);
      assert.equal(elements(signature, NS.ds, 'CanonicalizationMethod')[0]?.getAttribute('Algorithm'), ALGORITHM.c14n);
      assert.equal(elements(signature, NS.ds, 'SignatureMethod')[0]?.getAttribute('Algorithm'), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      const references = elements(elements(signature, NS.ds, 'SignedInfo')[0] as Element, NS.ds, 'Reference');
      assert.deepEqual(
        references.slice(0, 3).map((r) => [
          r.getAttribute('Id'),
          decodeURIComponent(r.getAttribute('URI') ?? ''),
          elements(r, NS.ds, 'Transforms').length,
          elements(r, NS.ds, 'DigestMethod')[0]?.getAttribute('Algorithm'),
          elements(r, NS.ds, 'DigestValue')[0]?.textContent,
        ]),
        sampleFiles.map((f, i) => [`ID_${i}`, f.name, 0, ALGORITHM.sha256, sha256(f.content).toString('base64')]),
      );
      assert.equal(references[0]?.getAttribute('URI'), 'arkivmelding.xml', 'a plain name is the URI as it is');
      const properties = references[3] as Element;
      assert.equal(properties.getAttribute('URI'), '#SignedProperties');
      assert.equal(properties.getAttribute('Type'), 'http://uri.etsi.org/01903#SignedProperties');
      assert.equal(elements(properties, NS.ds, 'Transform')[0]?.getAttribute('Algorithm'), ALGORITHM.c14n);

      const leafDer = new Uint8Array(new x509.X509Certificate(signer.certificatePem).rawData);
      assert.equal(elements(signature, NS.ds, 'X509Certificate')[0]?.textContent, Buffer.from(leafDer).toString('base64'));
      const signed = elements(doc, NS.xades, 'SignedProperties')[0] as Element;
      assert.equal(signed.getAttribute('Id'), 'SignedProperties');
      assert.equal((signed.parentNode as Element).getAttribute('Target'), '#Signature');
      assert.equal(elements(signed, NS.xades, 'SigningTime')[0]?.textContent, NOW.toISOString());
      const certDigest = elements(signed, NS.xades, 'CertDigest')[0] as Element;
      assert.equal(elements(certDigest, NS.ds, 'DigestMethod')[0]?.getAttribute('Algorithm'), ALGORITHM.sha256);
      assert.equal(elements(certDigest, NS.ds, 'DigestValue')[0]?.textContent, sha256(leafDer).toString('base64'));
      assert.equal(elements(signed, NS.ds, 'X509IssuerName')[0]?.textContent, 'CN=Grunnmur Test Issuing CA,O=Grunnmur,C=NO');
      assert.equal(elements(signed, NS.ds, 'X509SerialNumber')[0]?.textContent, BigInt(`0x${signer.serialNumber}`).toString(10));
      assert.deepEqual(
        elements(signed, NS.xades, 'DataObjectFormat').map((f) => [f.getAttribute('ObjectReference'), elements(f, NS.xades, 'MimeType')[0]?.textContent]),
        sampleFiles.map((f, i) => [`#ID_${i}`, f.mimeType]),
      );
    });

    it('percent-encodes a Reference URI that is not a plain URI', async () => {
      const zip = await createAsice([{ name: 'a b%c#d.txt', mimeType: 'text/plain', content: utf8('x') }], signer);
      const xml = textOf(Object.fromEntries(entriesOf(zip))['META-INF/signatures.xml'] as Uint8Array);
      assert.match(xml, /URI="a%20b%25c%23d\.txt"/);
      assert.equal((await verifyAsice(zip)).files[0]?.name, 'a b%c#d.txt');
    });
  });

  describe('independent verification', () => {
    it('xml-crypto SignedXml verifies the signature, and refuses it after a file changes', () => {
      assert.equal(verifyWithXmlCrypto(sample, signer.certificatePem), true);
      const tampered = replaceEntry(sample, 'arkivmelding.xml', (c) => utf8(`${textOf(c)} `));
      assert.equal(verifyWithXmlCrypto(tampered, signer.certificatePem), false);
      const otherTime = changeText(sample, 'META-INF/signatures.xml', NOW_PATTERN, LATER);
      assert.equal(verifyWithXmlCrypto(otherTime, signer.certificatePem), false);
    });

    it('the JDK reads it with ZipInputStream and validates it with javax.xml.crypto.dsig', { skip: !hasJava && 'java is not installed' }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'asice-java-'));
      try {
        await writeFile(join(dir, 'ours.asice'), sample);
        const { stdout } = await promisify(execFile)('java', [JAVA_INTEROP, 'verify', join(dir, 'ours.asice')], { timeout: 60_000 });
        const lines = stdout.trim().split('\n');
        assert.deepEqual(lines.filter((l) => l.startsWith('entry ')), [
          'entry mimetype STORED',
          'entry arkivmelding.xml DEFLATED',
          'entry Vedtak 2030 (endelig).pdf DEFLATED',
          'entry tom.txt DEFLATED',
          'entry META-INF/manifest.xml STORED',
          'entry META-INF/signatures.xml STORED',
        ]);
        assert.ok(lines.includes(`mimetype ${ASICE_MIME_TYPE}`));
        assert.deepEqual(lines.filter((l) => l.startsWith('reference ')), [
          'reference arkivmelding.xml true',
          'reference Vedtak%202030%20(endelig).pdf true',
          'reference tom.txt true',
          'reference #SignedProperties true',
        ]);
        assert.ok(lines.includes('signature-value true'));
        assert.equal(lines.at(-1), 'valid true');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('verifies a container the JDK made the way Difi\'s library does (signatures.xml first, SHA-1 CertDigest, URLEncoder URIs)', { skip: !hasJava && 'java is not installed' }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'asice-java-'));
      try {
        await writeFile(join(dir, 'cert.pem'), signer.certificatePem);
        await writeFile(join(dir, 'key.pem'), signer.privateKeyPem);
        await writeFile(join(dir, 'one'), 'første fil');
        await writeFile(join(dir, 'two'), '<arkivmelding/>');
        await promisify(execFile)(
          'java',
          [JAVA_INTEROP, 'create', join(dir, 'java.asice'), join(dir, 'cert.pem'), join(dir, 'key.pem'), 'brev 1+2.txt', 'text/plain', join(dir, 'one'), 'arkivmelding.xml', 'application/xml', join(dir, 'two')],
          { timeout: 60_000 },
        );
        const zip = new Uint8Array(await readFile(join(dir, 'java.asice')));
        assert.deepEqual(entriesOf(zip).map(([n]) => n).slice(-2), ['META-INF/signatures.xml', 'META-INF/manifest.xml']);
        const verified = await verifyAsice(zip, { caCertificatesPem: trusted });
        assert.deepEqual(verified.files.map((f) => [f.name, f.mimeType, textOf(f.content)]), [
          ['brev 1+2.txt', 'text/plain', 'første fil'],
          ['arkivmelding.xml', 'application/xml', '<arkivmelding/>'],
        ]);
        assert.equal(verified.signerOrgnr, ORGNR);
        const tampered = replaceEntry(zip, 'arkivmelding.xml', () => utf8('<arkivmelding>endret</arkivmelding>'));
        await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'file-digest', 'arkivmelding.xml');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('tampering', () => {
    it('rejects a changed byte in a file with EFORMIDLING_ASIC_SIGNATURE_INVALID naming the file', async () => {
      const tampered = replaceEntry(sample, 'Vedtak 2030 (endelig).pdf', (c) => {
        const copy = new Uint8Array(c);
        copy[1234] = (copy[1234] as number) ^ 0x01;
        return copy;
      });
      const err = await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'file-digest', 'Vedtak 2030 (endelig).pdf');
      assert.match(err.message, /Vedtak 2030 \(endelig\)\.pdf/);
    });

    it('rejects a changed SigningTime in signatures.xml with EFORMIDLING_ASIC_SIGNATURE_INVALID (signed-properties)', async () => {
      const tampered = changeText(sample, 'META-INF/signatures.xml', NOW_PATTERN, LATER);
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'signed-properties');
    });

    it('rejects a changed media type in DataObjectFormat with EFORMIDLING_ASIC_SIGNATURE_INVALID (signed-properties)', async () => {
      const tampered = changeText(sample, 'META-INF/signatures.xml', /<xades:MimeType>application\/pdf</, '<xades:MimeType>text/html<');
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'signed-properties');
    });

    it('rejects a file digest changed inside SignedInfo with EFORMIDLING_ASIC_SIGNATURE_INVALID (signed-info)', async () => {
      const forged = sha256(utf8('<arkivmelding>forfalsket</arkivmelding>')).toString('base64');
      const original = sha256(sampleFiles[0]!.content).toString('base64');
      const tampered = changeText(sample, 'META-INF/signatures.xml', new RegExp(original.replace(/[+/]/g, '\\$&')), forged);
      const both = replaceEntry(tampered, 'arkivmelding.xml', () => utf8('<arkivmelding>forfalsket</arkivmelding>'));
      await rejectsWith(verifyAsice(both), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'signed-info');
    });

    it('rejects a changed SignatureValue with EFORMIDLING_ASIC_SIGNATURE_INVALID (signed-info)', async () => {
      const tampered = changeText(sample, 'META-INF/signatures.xml', /<ds:SignatureValue>[A-Za-z0-9+/]{4}/, '<ds:SignatureValue>AAAA');
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'signed-info');
    });

    it('rejects a signature whose KeyInfo certificate was swapped for another with EFORMIDLING_ASIC_SIGNATURE_INVALID (signed-info)', async () => {
      const other = Buffer.from(new x509.X509Certificate(foreignSigner.certificatePem).rawData).toString('base64');
      const tampered = changeText(sample, 'META-INF/signatures.xml', /<ds:X509Certificate>[^<]+</, `<ds:X509Certificate>${other}<`);
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'signed-info');
    });

    it('rejects a valid signature whose SigningCertificate names another certificate with EFORMIDLING_ASIC_SIGNATURE_INVALID (signing-certificate)', async () => {
      // Signed correctly by our key, but the signed SigningCertificate carries the foreign certificate's digest.
      const foreignDigest = sha256(new Uint8Array(new x509.X509Certificate(foreignSigner.certificatePem).rawData));
      const lying = { ...loadSigner(signer), certificateSha256: foreignDigest };
      const xml = signaturesXml(sampleFiles.map((f) => ({ name: f.name, mimeType: f.mimeType, sha256: sha256(f.content) })), lying, NOW);
      const tampered = replaceEntry(sample, 'META-INF/signatures.xml', () => new Uint8Array(xml));
      assert.equal(verifyWithXmlCrypto(tampered, signer.certificatePem), true, 'the XML signature itself is valid');
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'signing-certificate');
    });

    it('rejects a swapped SigningCertificate digest with EFORMIDLING_ASIC_SIGNATURE_INVALID (signed-properties)', async () => {
      const foreignDigest = sha256(new Uint8Array(new x509.X509Certificate(foreignSigner.certificatePem).rawData)).toString('base64');
      const tampered = changeText(sample, 'META-INF/signatures.xml', /(<xades:CertDigest>.*?<ds:DigestValue>)[^<]+</, `$1${foreignDigest}<`);
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'signed-properties');
    });

    it('rejects a file that is in the container but not in the manifest with EFORMIDLING_ASIC_MALFORMED', async () => {
      const entries = entriesOf(sample);
      entries.splice(2, 0, ['ekstra.txt', utf8('smuglet inn')]);
      await rejectsWith(verifyAsice(rezip(entries)), 'EFORMIDLING_ASIC_MALFORMED');
    });

    it('rejects a file added to container and manifest but not signed with EFORMIDLING_ASIC_SIGNATURE_INVALID (reference)', async () => {
      const entries = entriesOf(sample);
      entries.splice(2, 0, ['ekstra.txt', utf8('smuglet inn')]);
      const withFile = rezip(entries);
      const tampered = changeText(withFile, 'META-INF/manifest.xml', /<\/manifest:manifest>/, '<manifest:file-entry manifest:full-path="ekstra.txt" manifest:media-type="text/plain"/></manifest:manifest>');
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'reference', 'ekstra.txt');
    });

    it('rejects a manifest that leaves a file out with EFORMIDLING_ASIC_MALFORMED', async () => {
      const tampered = changeText(sample, 'META-INF/manifest.xml', /<manifest:file-entry manifest:full-path="tom\.txt"[^>]*\/>/, '');
      const err = await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_MALFORMED');
      assert.match(err.message, /tom\.txt/);
    });

    it('rejects a manifest that lists a file the container lacks with EFORMIDLING_ASIC_MALFORMED', async () => {
      const tampered = changeText(sample, 'META-INF/manifest.xml', /<\/manifest:manifest>/, '<manifest:file-entry manifest:full-path="borte.pdf" manifest:media-type="application/pdf"/></manifest:manifest>');
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_MALFORMED');
    });

    it('rejects a manifest media type that differs from the signed one with EFORMIDLING_ASIC_MALFORMED', async () => {
      const tampered = changeText(sample, 'META-INF/manifest.xml', /full-path="tom\.txt" manifest:media-type="[^"]+"/, 'full-path="tom.txt" manifest:media-type="text/html"');
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_MALFORMED');
    });

    it('rejects a signed file removed from container and manifest with EFORMIDLING_ASIC_SIGNATURE_INVALID (reference)', async () => {
      const entries = entriesOf(sample).filter(([name]) => name !== 'tom.txt');
      const without = rezip(entries);
      const tampered = changeText(without, 'META-INF/manifest.xml', /<manifest:file-entry manifest:full-path="tom\.txt"[^>]*\/>/, '');
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'reference');
    });

    it('rejects a wrong mimetype content with EFORMIDLING_ASIC_MALFORMED', async () => {
      const tampered = replaceEntry(sample, 'mimetype', () => utf8('application/zip'));
      await rejectsWith(verifyAsice(tampered), 'EFORMIDLING_ASIC_MALFORMED');
      const suffixed = replaceEntry(sample, 'mimetype', () => utf8(`${ASICE_MIME_TYPE}\n`));
      await rejectsWith(verifyAsice(suffixed), 'EFORMIDLING_ASIC_MALFORMED');
    });

    it('rejects mimetype that is not the first entry, or compressed, with EFORMIDLING_ASIC_MALFORMED', async () => {
      const entries = entriesOf(sample);
      const moved = [...entries.slice(1, 2), entries[0]!, ...entries.slice(2)];
      await rejectsWith(verifyAsice(rezip(moved)), 'EFORMIDLING_ASIC_MALFORMED');
      await rejectsWith(verifyAsice(rezip(entries, false)), 'EFORMIDLING_ASIC_MALFORMED');
    });

    it('rejects bytes that are not a ZIP, and a missing signatures.xml, with their codes', async () => {
      await rejectsWith(verifyAsice(utf8('PK\u0003\u0004 but nothing more')), 'EFORMIDLING_ASIC_MALFORMED');
      await rejectsWith(verifyAsice(sample.subarray(0, sample.length - 30)), 'EFORMIDLING_ASIC_MALFORMED');
      const unsigned = rezip(entriesOf(sample).filter(([name]) => name !== 'META-INF/signatures.xml'));
      await rejectsWith(verifyAsice(unsigned), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'structure');
    });

    it('rejects an entry that is in the container twice with EFORMIDLING_ASIC_MALFORMED', async () => {
      const zip = new ZipFile();
      for (const [name, content] of entriesOf(sample)) zip.addBuffer(Buffer.from(content), name, { compress: name !== 'mimetype', forceDosTimestamp: true });
      zip.addBuffer(Buffer.from('annen versjon'), 'tom.txt', { forceDosTimestamp: true });
      zip.end();
      const chunks: Buffer[] = [];
      for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
      await rejectsWith(verifyAsice(new Uint8Array(Buffer.concat(chunks))), 'EFORMIDLING_ASIC_MALFORMED');
    });

    it('rejects a container larger than maxUncompressedBytes with EFORMIDLING_ASIC_TOO_LARGE', async () => {
      await rejectsWith(verifyAsice(sample, { maxUncompressedBytes: 10_000 }), 'EFORMIDLING_ASIC_TOO_LARGE');
    });
  });

  describe('certificate trust', () => {
    it('rejects a signer from another CA when caCertificatesPem is given, and accepts it without', async () => {
      const zip = await createAsice([sampleFiles[0]!], foreignSigner, { now: NOW });
      await rejectsWith(verifyAsice(zip, { caCertificatesPem: trusted }), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'certificate-trust');
      const verified = await verifyAsice(zip);
      assert.equal(verified.signerOrgnr, OTHER_ORGNR);
    });

    it('rejects a chain it cannot complete from the CA certificates given (root only, no issuing CA)', async () => {
      await rejectsWith(verifyAsice(sample, { caCertificatesPem: [trusted[0]!] }), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'certificate-trust');
    });

    it('accepts the chain when the signer sends its issuing CA in KeyInfo and only the root is trusted', async () => {
      const zip = await createAsice([sampleFiles[0]!], { certificatePem: signer.chainPem, privateKeyPem: signer.privateKeyPem }, { now: NOW });
      const verified = await verifyAsice(zip, { caCertificatesPem: [trusted[0]!] });
      assert.equal(verified.signerOrgnr, ORGNR);
    });

    it('rejects a certificate that is not valid at `at` with EFORMIDLING_ASIC_SIGNATURE_INVALID (certificate-validity)', async () => {
      const later = new Date(signer.notAfter.getTime() + 86_400_000);
      await rejectsWith(verifyAsice(sample, { caCertificatesPem: trusted, at: later }), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'certificate-validity');
      await rejectsWith(verifyAsice(sample, { at: new Date(signer.notBefore.getTime() - 1000) }), 'EFORMIDLING_ASIC_SIGNATURE_INVALID', 'certificate-validity');
    });
  });

  describe('file names', () => {
    const bad: Array<[string, string]> = [
      ['empty', ''],
      ['a folder', 'vedlegg/brev.pdf'],
      ['a Windows separator', 'vedlegg\\brev.pdf'],
      ['a parent reference', '..'],
      ['two dots inside', 'brev..pdf'],
      ['the reserved mimetype', 'mimetype'],
      ['the reserved META-INF', 'META-INF'],
      ['META-INF in other case', 'meta-inf'],
      ['a control character', 'brev\u0000.pdf'],
      ['a newline', 'brev\n.pdf'],
      ['256 characters', `${'x'.repeat(252)}.pdf`],
    ];
    for (const [why, name] of bad) {
      it(`rejects a file name with ${why} with EFORMIDLING_ASIC_INVALID_NAME`, async () => {
        await rejectsWith(createAsice([{ name, mimeType: 'text/plain', content: utf8('x') }], signer), 'EFORMIDLING_ASIC_INVALID_NAME');
        throwsWith(() => streamAsice([bufferSource(name, 'text/plain', utf8('x'))], signer), 'EFORMIDLING_ASIC_INVALID_NAME');
      });
    }

    it('rejects the same name twice with EFORMIDLING_ASIC_INVALID_NAME', async () => {
      const file = { name: 'brev.pdf', mimeType: 'application/pdf', content: utf8('x') };
      const err = await rejectsWith(createAsice([file, file], signer), 'EFORMIDLING_ASIC_INVALID_NAME');
      assert.match(err.message, /brev\.pdf.*twice/);
    });

    it('accepts 255 characters, spaces, non-ASCII letters and punctuation', async () => {
      const names = [`${'x'.repeat(251)}.pdf`, 'Søknad om støtte – vedlegg (2) [kopi] #1 & 2.pdf', 'ÆØÅ æøå.txt'];
      const zip = await createAsice(names.map((name) => ({ name, mimeType: 'application/pdf', content: utf8(name) })), signer);
      const verified = await verifyAsice(zip);
      assert.deepEqual(verified.files.map((f) => [f.name, textOf(f.content)]), names.map((n) => [n, n]));
    });
  });

  describe('input checks', () => {
    it('rejects no files, a bad media type, a bad SHA-256 or size with EFORMIDLING_ASIC_INVALID_FILE', async () => {
      await rejectsWith(createAsice([], signer), 'EFORMIDLING_ASIC_INVALID_FILE');
      await rejectsWith(createAsice([{ name: 'a.txt', mimeType: 'text', content: utf8('x') }], signer), 'EFORMIDLING_ASIC_INVALID_FILE');
      await rejectsWith(createAsice([{ name: 'a.txt', mimeType: 'text/plain\n', content: utf8('x') }], signer), 'EFORMIDLING_ASIC_INVALID_FILE');
      throwsWith(() => streamAsice([{ ...bufferSource('a.txt', 'text/plain', utf8('x')), sha256: new Uint8Array(31) }], signer), 'EFORMIDLING_ASIC_INVALID_FILE');
      throwsWith(() => streamAsice([{ ...bufferSource('a.txt', 'text/plain', utf8('x')), size: 1.5 }], signer), 'EFORMIDLING_ASIC_INVALID_FILE');
    });

    it('fails the stream with EFORMIDLING_ASIC_SOURCE_MISMATCH when a source differs from its declared size or SHA-256', async () => {
      const longer = { ...bufferSource('a.txt', 'text/plain', utf8('abc')), size: 2 };
      await rejectsWith(collect(streamAsice([longer], signer)), 'EFORMIDLING_ASIC_SOURCE_MISMATCH');
      const shorter = { ...bufferSource('a.txt', 'text/plain', utf8('abc')), size: 4 };
      await rejectsWith(collect(streamAsice([shorter], signer)), 'EFORMIDLING_ASIC_SOURCE_MISMATCH');
      const otherBytes = { ...bufferSource('a.txt', 'text/plain', utf8('abc')), sha256: sha256('abd') };
      await rejectsWith(collect(streamAsice([otherBytes], signer)), 'EFORMIDLING_ASIC_SOURCE_MISMATCH');
    });

    it('rejects a key that does not belong to the certificate, or no PEM, with EFORMIDLING_ASIC_INVALID_SIGNER', async () => {
      const file = sampleFiles[0]!;
      await rejectsWith(createAsice([file], { certificatePem: signer.certificatePem, privateKeyPem: foreignSigner.privateKeyPem }), 'EFORMIDLING_ASIC_INVALID_SIGNER');
      await rejectsWith(createAsice([file], { certificatePem: 'not a certificate', privateKeyPem: signer.privateKeyPem }), 'EFORMIDLING_ASIC_INVALID_SIGNER');
      await rejectsWith(createAsice([file], { certificatePem: signer.certificatePem, privateKeyPem: 'not a key' }), 'EFORMIDLING_ASIC_INVALID_SIGNER');
    });
  });
});
