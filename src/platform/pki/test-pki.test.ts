import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate as NodeX509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase, type Database } from '../db/database.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { TestPki, pkiMigrations, writeCertificateFiles } from './test-pki.ts';
import { x509 } from './x509.ts';

const log = pino({ level: 'silent' });
const migrations = [{ component: 'platform_pki', migrations: pkiMigrations }];
const ORGNR = '991825827';
const DAY = 86_400_000;

async function count(db: Database, table: 'platform_pki_cas' | 'platform_pki_certificates'): Promise<number> {
  const rows = await db.kysely.selectFrom(table).select(db.kysely.fn.countAll().as('n')).execute();
  return Number(rows[0]?.n ?? 0);
}

function keyUsage(cert: x509.X509Certificate): number | undefined {
  return cert.getExtension(x509.KeyUsagesExtension)?.usages;
}

function extKeyUsage(cert: x509.X509Certificate): string[] {
  return [...(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])].map(String).sort();
}

for (const engine of testEngines()) {
  describe(`test CA creation on ${engine}`, () => {
    it('creates one root and issuing CA pair, even when two processes start at the same time', async () => {
      const db = await createTestDatabase(engine, migrations, { file: true });
      const second = await openDatabase(db.url);
      try {
        const a = new TestPki(db, { log });
        const b = new TestPki(second, { log });
        await Promise.all([a.ensure(), b.ensure(), a.ensure(), b.ensure()]);
        await a.ensure();
        assert.equal(await count(db, 'platform_pki_cas'), 2);
        assert.equal(await a.rootCertificatePem(), await b.rootCertificatePem());
        assert.equal(await a.issuingCertificatePem(), await b.issuingCertificatePem());
        const later = new TestPki(db, { log });
        assert.equal(await later.rootCertificatePem(), await a.rootCertificatePem(), 'a restart loads the stored CA');
      } finally {
        await second.close();
        await db.close();
      }
    });

    it('makes a 20-year root and a 10-year issuing CA with path length constraints', async () => {
      const db = await createTestDatabase(engine, migrations);
      try {
        const pki = new TestPki(db, { log });
        const root = new x509.X509Certificate(await pki.rootCertificatePem());
        const issuing = new x509.X509Certificate(await pki.issuingCertificatePem());
        assert.equal(root.subjectName.getField('CN')[0], 'Grunnmur Test Root CA');
        assert.equal(issuing.subjectName.getField('CN')[0], 'Grunnmur Test Issuing CA');
        assert.equal(issuing.issuer, root.subject);
        const years = (c: x509.X509Certificate) => Math.round((c.notAfter.getTime() - Date.now()) / (365 * DAY));
        assert.equal(years(root), 20);
        assert.equal(years(issuing), 10);
        assert.equal(root.getExtension(x509.BasicConstraintsExtension)?.ca, true);
        assert.equal(root.getExtension(x509.BasicConstraintsExtension)?.pathLength, 1);
        assert.equal(issuing.getExtension(x509.BasicConstraintsExtension)?.pathLength, 0);
        assert.equal(keyUsage(issuing), x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
        assert.ok(await root.isSelfSigned());
      } finally {
        await db.close();
      }
    });
  });

  describe(`test PKI certificates on ${engine}`, () => {
    let db: TestDatabase;
    let pki: TestPki;
    let root: x509.X509Certificate;
    let issuing: x509.X509Certificate;
    before(async () => {
      db = await createTestDatabase(engine, migrations);
      pki = new TestPki(db, { log, publicUrl: 'http://localhost:8080/' });
      root = new x509.X509Certificate(await pki.rootCertificatePem());
      issuing = new x509.X509Certificate(await pki.issuingCertificatePem());
    });
    after(() => db.close());

    it('issues an enterprise certificate that chains to the root (x509 chain builder and node:crypto)', async () => {
      const issued = await pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Digitaliseringsdirektoratet' });
      const leaf = new x509.X509Certificate(issued.certificatePem);
      const chain = await new x509.X509ChainBuilder({ certificates: [issuing, root] }).build(leaf);
      assert.deepEqual(
        [...chain].map((c) => c.subjectName.getField('CN')[0]),
        ['Digitaliseringsdirektoratet', 'Grunnmur Test Issuing CA', 'Grunnmur Test Root CA'],
      );

      const [nodeLeaf, nodeIssuing, nodeRoot] = issued.chainPem
        .split(/(?<=-----END CERTIFICATE-----\n)/)
        .filter((p) => p.trim())
        .map((p) => new NodeX509Certificate(p));
      assert.ok(nodeLeaf && nodeIssuing && nodeRoot);
      assert.ok(nodeLeaf.verify(nodeIssuing.publicKey), 'leaf signed by the issuing CA');
      assert.ok(nodeIssuing.verify(nodeRoot.publicKey), 'issuing CA signed by the root');
      assert.ok(nodeRoot.verify(nodeRoot.publicKey), 'root self-signed');
      assert.ok(nodeLeaf.checkIssued(nodeIssuing));
      assert.ok(nodeLeaf.checkPrivateKey(createPrivateKey(issued.privateKeyPem)), 'the private key belongs to the certificate');
      assert.equal(nodeLeaf.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
      assert.equal(nodeLeaf.ca, false);
      assert.equal(issued.serialNumber, nodeLeaf.serialNumber.toLowerCase());

      const verified = await pki.verifyCertificateChain(issued.chainPem);
      assert.equal(verified.valid, true);
      const leafOnly = await pki.verifyCertificateChain(issued.certificatePem);
      assert.equal(leafOnly.valid, true, 'the CA certificates may be left out of the chain');
    });

    it('puts the orgnr in serialNumber and NTRNO-<orgnr> in organizationIdentifier, like SEID 2.0', async () => {
      const issued = await pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Digitaliseringsdirektoratet' });
      const leaf = new x509.X509Certificate(issued.certificatePem);
      assert.deepEqual(leaf.subjectName.getField('2.5.4.5'), [ORGNR]);
      assert.deepEqual(leaf.subjectName.getField('2.5.4.97'), [`NTRNO-${ORGNR}`]);
      assert.deepEqual(leaf.subjectName.getField('C'), ['NO']);
      assert.deepEqual(leaf.subjectName.getField('O'), ['Digitaliseringsdirektoratet']);
      assert.deepEqual(leaf.subjectName.getField('CN'), ['Digitaliseringsdirektoratet']);
      const nodeLeaf = new NodeX509Certificate(issued.certificatePem);
      assert.match(nodeLeaf.subject, /organizationIdentifier=NTRNO-991825827/);
      assert.match(nodeLeaf.subject, /serialNumber=991825827/);
      const cdp = leaf.getExtension(x509.CRLDistributionPointsExtension);
      assert.ok(cdp, 'names the CRL distribution point');
      assert.match(JSON.stringify(cdp.toTextObject()), /http:\/\/localhost:8080\/pki\/crl/);
    });

    it('sets the key usages of each purpose', async () => {
      const F = x509.KeyUsageFlags;
      const client = [x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.emailProtection].map(String).sort();
      const expected = {
        all: { ku: F.digitalSignature | F.nonRepudiation | F.keyEncipherment | F.dataEncipherment, eku: client },
        signing: { ku: F.nonRepudiation, eku: [] },
        authentication: { ku: F.digitalSignature, eku: client },
        encryption: { ku: F.keyEncipherment | F.dataEncipherment, eku: [] },
      } as const;
      for (const purpose of ['all', 'signing', 'authentication', 'encryption'] as const) {
        const issued = await pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Test AS', purpose });
        const leaf = new x509.X509Certificate(issued.certificatePem);
        assert.equal(keyUsage(leaf), expected[purpose].ku, purpose);
        assert.ok(leaf.getExtension(x509.KeyUsagesExtension)?.critical, `${purpose}: key usage is critical`);
        assert.deepEqual(extKeyUsage(leaf), [...expected[purpose].eku], purpose);
        assert.equal(leaf.getExtension(x509.BasicConstraintsExtension)?.ca, false);
      }
    });

    it('lists a revoked certificate in the signed CRL and rejects its chain', async () => {
      const issued = await pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Revoked AS' });
      const kept = await pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Kept AS' });
      await pki.revoke(issued.serialNumber.toUpperCase(), 'keyCompromise');
      await pki.revoke(issued.serialNumber, 'superseded'); // again: no change

      const pem = await pki.crlPem();
      assert.match(pem, /^-----BEGIN X509 CRL-----\n/);
      const crl = new x509.X509Crl(pem);
      assert.ok(await crl.verify({ publicKey: issuing.publicKey }), 'signed by the issuing CA');
      assert.equal(crl.issuer, issuing.subject);
      assert.equal(crl.nextUpdate?.getTime(), crl.thisUpdate.getTime() + DAY);
      const entry = crl.entries.find((e) => e.serialNumber.toLowerCase() === issued.serialNumber);
      assert.ok(entry, 'the revoked serial is listed');
      assert.equal(entry.reason, x509.X509CrlReason.keyCompromise);
      assert.equal(crl.entries.some((e) => e.serialNumber.toLowerCase() === kept.serialNumber), false);

      const der = await pki.crlDer();
      assert.deepEqual(new Uint8Array(new x509.X509Crl(der).rawData), der);

      const result = await pki.verifyCertificateChain(issued.chainPem);
      assert.equal(result.valid, false);
      assert.match(result.valid ? '' : result.reason, /^revoked: /);
      assert.equal((await pki.verifyCertificateChain(kept.chainPem)).valid, true);
    });

    it('rejects an expired certificate and one not yet valid', async () => {
      const issued = await pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Short AS', validityDays: 1 });
      assert.equal(issued.notAfter.getTime() - issued.notBefore.getTime(), DAY + 5 * 60_000);
      const expired = await pki.verifyCertificateChain(issued.chainPem, new Date(issued.notAfter.getTime() + 1000));
      assert.equal(expired.valid, false);
      assert.match(expired.valid ? '' : expired.reason, /^expired: /);
      const early = await pki.verifyCertificateChain(issued.chainPem, new Date(issued.notBefore.getTime() - 1000));
      assert.match(early.valid ? '' : early.reason, /^not-yet-valid: /);
      assert.equal((await pki.verifyCertificateChain(issued.chainPem, new Date(issued.notAfter.getTime() - 1000))).valid, true);
    });

    it('rejects a certificate from another CA, a CA certificate as leaf, and garbage', async () => {
      const otherDb = await createTestDatabase('sqlite', migrations);
      try {
        const other = new TestPki(otherDb, { log });
        const foreign = await other.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Foreign AS' });
        const result = await pki.verifyCertificateChain(foreign.chainPem);
        assert.match(result.valid ? '' : result.reason, /^untrusted: /);
      } finally {
        await otherDb.close();
      }
      const caAsLeaf = await pki.verifyCertificateChain(await pki.issuingCertificatePem());
      assert.match(caAsLeaf.valid ? '' : caAsLeaf.reason, /^not-end-entity: /);
      const garbage = await pki.verifyCertificateChain('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      assert.match(garbage.valid ? '' : garbage.reason, /^malformed: /);
      const empty = await pki.verifyCertificateChain('');
      assert.match(empty.valid ? '' : empty.reason, /^malformed: /);
    });

    it('rejects a bad orgnr with PKI_INVALID_ORGNR and writes nothing', async () => {
      const before = await count(db, 'platform_pki_certificates');
      for (const orgnr of ['12345678', '1234567890', '12345678a', ' 991825827', '', '991 825 827', '991825828', '123456789']) {
        await assert.rejects(pki.issueEnterpriseCertificate({ orgnr, organisationName: 'Test AS' }), {
          code: 'PKI_INVALID_ORGNR',
          status: 400,
        });
      }
      assert.equal(await count(db, 'platform_pki_certificates'), before);
    });

    it('rejects a bad pid, name, validity or purpose with its exact code and writes nothing', async () => {
      const before = await count(db, 'platform_pki_certificates');
      await assert.rejects(pki.issuePersonCertificate({ pid: '1234567890', givenName: 'Kari', familyName: 'Nordmann' }), {
        code: 'PKI_INVALID_PID',
      });
      await assert.rejects(pki.issuePersonCertificate({ pid: '1234567890a', givenName: 'Kari', familyName: 'Nordmann' }), {
        code: 'PKI_INVALID_PID',
      });
      await assert.rejects(pki.issuePersonCertificate({ pid: '20036914701', givenName: 'Kari', familyName: 'Nordmann' }), {
        code: 'PKI_INVALID_PID',
        message: 'Invalid personidentifikator: second check digit (K2) does not match',
      });
      await assert.rejects(pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: '  ' }), { code: 'PKI_INVALID_NAME' });
      await assert.rejects(pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'x'.repeat(65) }), {
        code: 'PKI_INVALID_NAME',
      });
      await assert.rejects(pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'A', validityDays: 0 }), {
        code: 'PKI_INVALID_VALIDITY',
      });
      await assert.rejects(pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'A', validityDays: 1.5 }), {
        code: 'PKI_INVALID_VALIDITY',
      });
      await assert.rejects(
        pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'A', purpose: 'everything' as 'all' }),
        { code: 'PKI_INVALID_PURPOSE' },
      );
      await assert.rejects(pki.issueServerCertificate({ dnsNames: [] }), { code: 'PKI_INVALID_DNS_NAME' });
      await assert.rejects(pki.issueServerCertificate({ dnsNames: ['bad_name.example'] }), { code: 'PKI_INVALID_DNS_NAME' });
      assert.equal(await count(db, 'platform_pki_certificates'), before);
    });

    it('rejects revoking an unknown serial, a malformed serial or an unknown reason', async () => {
      await assert.rejects(pki.revoke('7f00ff'), { code: 'PKI_CERTIFICATE_NOT_FOUND', status: 404 });
      await assert.rejects(pki.revoke('not-hex'), { code: 'PKI_INVALID_SERIAL_NUMBER' });
      const issued = await pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Test AS' });
      await assert.rejects(pki.revoke(issued.serialNumber, 'because'), { code: 'PKI_INVALID_REVOCATION_REASON' });
      await assert.rejects(pki.revoke(issued.serialNumber, 'removeFromCRL'), { code: 'PKI_INVALID_REVOCATION_REASON' });
      assert.equal((await pki.verifyCertificateChain(issued.chainPem)).valid, true, 'a failed revoke changes nothing');
    });

    it('issues a person certificate with the pid in a UN:NO serialNumber', async () => {
      const issued = await pki.issuePersonCertificate({ pid: '20036914700', givenName: 'Kari', familyName: 'Nordmann' });
      const leaf = new x509.X509Certificate(issued.certificatePem);
      assert.deepEqual(leaf.subjectName.getField('2.5.4.5'), ['UN:NO-9578-9999-20036914700']);
      assert.deepEqual(leaf.subjectName.getField('2.5.4.42'), ['Kari']);
      assert.deepEqual(leaf.subjectName.getField('2.5.4.4'), ['Nordmann']);
      assert.deepEqual(leaf.subjectName.getField('CN'), ['Kari Nordmann']);
      assert.equal((await pki.verifyCertificateChain(issued.chainPem)).valid, true);
    });

    it('issues a TLS server certificate with every name in subjectAltName', async () => {
      const issued = await pki.issueServerCertificate({ dnsNames: ['localhost', '*.grunnmur.localhost', '127.0.0.1'] });
      const node = new NodeX509Certificate(issued.certificatePem);
      assert.equal(node.subjectAltName, 'DNS:localhost, DNS:*.grunnmur.localhost, IP Address:127.0.0.1');
      assert.equal(node.checkHost('localhost'), 'localhost');
      assert.equal(node.checkIP('127.0.0.1'), '127.0.0.1');
      assert.deepEqual(extKeyUsage(new x509.X509Certificate(issued.certificatePem)), [x509.ExtendedKeyUsage.serverAuth]);
    });

    it('writes key, certificate and chain files, the key readable by its owner only', async () => {
      const issued = await pki.issueEnterpriseCertificate({ orgnr: ORGNR, organisationName: 'Files AS' });
      const dir = await mkdtemp(join(tmpdir(), 'grunnmur-pki-'));
      try {
        const paths = await writeCertificateFiles(issued, join(dir, 'certs'), 'files-as');
        assert.deepEqual(paths, ['files-as.key.pem', 'files-as.cert.pem', 'files-as.chain.pem'].map((f) => join(dir, 'certs', f)));
        const [keyPath, certPath, chainPath] = paths as [string, string, string];
        assert.equal((await stat(keyPath)).mode & 0o777, 0o600);
        assert.equal(await readFile(keyPath, 'utf8'), issued.privateKeyPem);
        assert.equal(await readFile(certPath, 'utf8'), issued.certificatePem);
        assert.equal(await readFile(chainPath, 'utf8'), issued.chainPem);
        await assert.rejects(writeCertificateFiles(issued, dir, '../escape'), { code: 'PKI_INVALID_NAME' });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
