import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Registry } from 'prom-client';
import { loadConfig } from '../config.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../db/testing.ts';
import { createHttpServer } from '../http/server.ts';
import type { Platform } from '../platform.ts';
import { pkiRoutes } from './pki-routes.ts';
import { TestPki, pkiMigrations } from './test-pki.ts';
import { x509 } from './x509.ts';

const log = pino({ level: 'silent' });

/** The parts of a platform the PKI routes use, served by the real HTTP server factory. */
async function serve(db: TestDatabase, mode: 'test' | 'production'): Promise<{ app: FastifyInstance; pki: TestPki }> {
  const config = loadConfig({ GRUNNMUR_MODE: mode, LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0' });
  const pki = new TestPki(db, { log, publicUrl: config.PUBLIC_URL });
  const platform = { config, db, log, pki, metrics: new Registry(), components: [] } as unknown as Platform;
  const app = await createHttpServer(platform, { kernelPlugins: [pkiRoutes] });
  await app.ready();
  return { app, pki };
}

for (const engine of testEngines()) {
  describe(`test PKI routes on ${engine}`, () => {
    let db: TestDatabase;
    let app: FastifyInstance;
    let pki: TestPki;
    before(async () => {
      db = await createTestDatabase(engine, [{ component: 'platform_pki', migrations: pkiMigrations }]);
      ({ app, pki } = await serve(db, 'test'));
    });
    after(async () => {
      await app.close();
      await db.close();
    });

    it('serves the root and issuing CA certificates as PEM', async () => {
      const root = await app.inject({ method: 'GET', url: '/pki/root.pem' });
      assert.equal(root.statusCode, 200);
      assert.match(String(root.headers['content-type']), /^application\/x-pem-file/);
      assert.equal(root.body, await pki.rootCertificatePem());
      assert.match(new NodeX509Certificate(root.body).subject, /CN=Grunnmur Test Root CA/);
      const issuing = await app.inject({ method: 'GET', url: '/pki/issuing.pem' });
      assert.equal(issuing.statusCode, 200);
      assert.match(new NodeX509Certificate(issuing.body).subject, /CN=Grunnmur Test Issuing CA/);
    });

    it('issues an enterprise certificate in test mode that chains to the served root', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/pki/enterprise-certificates',
        payload: { orgnr: '991825827', organisationName: 'Digitaliseringsdirektoratet' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as { privateKeyPem: string; certificatePem: string; chainPem: string; serialNumber: string };
      assert.match(body.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      assert.match(body.serialNumber, /^[0-9a-f]+$/);
      const leaf = new NodeX509Certificate(body.certificatePem);
      const issuing = new NodeX509Certificate((await app.inject({ method: 'GET', url: '/pki/issuing.pem' })).body);
      assert.ok(leaf.verify(issuing.publicKey));
      assert.match(leaf.subject, /organizationIdentifier=NTRNO-991825827/);
      assert.equal((await pki.verifyCertificateChain(body.chainPem)).valid, true);
    });

    it('answers a bad orgnr with 400 problem+json PKI_INVALID_ORGNR and issues nothing', async () => {
      const before = await db.kysely.selectFrom('platform_pki_certificates').select('serial_number').execute();
      const res = await app.inject({
        method: 'POST',
        url: '/pki/enterprise-certificates',
        payload: { orgnr: '12345', organisationName: 'Test AS' },
      });
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json().code, 'PKI_INVALID_ORGNR');
      const missing = await app.inject({ method: 'POST', url: '/pki/enterprise-certificates', payload: { orgnr: '991825827' } });
      assert.equal(missing.statusCode, 400);
      assert.equal(missing.json().code, 'PLATFORM_VALIDATION_FAILED');
      const afterRows = await db.kysely.selectFrom('platform_pki_certificates').select('serial_number').execute();
      assert.equal(afterRows.length, before.length);
    });

    it('serves the CRL as DER (application/pkix-crl) and PEM, listing revoked certificates', async () => {
      const issued = await pki.issueEnterpriseCertificate({ orgnr: '991825827', organisationName: 'Revoked AS' });
      await pki.revoke(issued.serialNumber, 'keyCompromise');
      const der = await app.inject({ method: 'GET', url: '/pki/crl' });
      assert.equal(der.statusCode, 200);
      assert.equal(der.headers['content-type'], 'application/pkix-crl');
      const crl = new x509.X509Crl(new Uint8Array(der.rawPayload));
      assert.ok(crl.entries.some((e) => e.serialNumber.toLowerCase() === issued.serialNumber));
      const pem = await app.inject({ method: 'GET', url: '/pki/crl.pem' });
      assert.equal(pem.statusCode, 200);
      assert.match(pem.body, /^-----BEGIN X509 CRL-----/);
      assert.ok(new x509.X509Crl(pem.body).entries.some((e) => e.serialNumber.toLowerCase() === issued.serialNumber));
    });

    it('documents the routes in OpenAPI under the pki tag', async () => {
      const doc = app.swagger() as { paths: Record<string, Record<string, { tags?: string[] }>> };
      for (const [path, method] of [
        ['/pki/root.pem', 'get'],
        ['/pki/issuing.pem', 'get'],
        ['/pki/crl', 'get'],
        ['/pki/crl.pem', 'get'],
        ['/pki/enterprise-certificates', 'post'],
      ] as const) {
        assert.deepEqual(doc.paths[path]?.[method]?.tags, ['pki'], `${method} ${path}`);
      }
    });

    it('refuses to issue certificates in production mode with 404 PLATFORM_TEST_MODE_ONLY', async () => {
      const prod = await serve(db, 'production');
      try {
        const res = await prod.app.inject({
          method: 'POST',
          url: '/pki/enterprise-certificates',
          payload: { orgnr: '991825827', organisationName: 'Test AS' },
        });
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().code, 'PLATFORM_TEST_MODE_ONLY');
        assert.equal((await prod.app.inject({ method: 'GET', url: '/pki/root.pem' })).statusCode, 200, 'the CA certificates stay public');
        const doc = prod.app.swagger() as { paths: Record<string, unknown> };
        assert.equal(doc.paths['/pki/enterprise-certificates'], undefined, 'hidden from the production OpenAPI');
      } finally {
        await prod.app.close();
      }
    });
  });
}
