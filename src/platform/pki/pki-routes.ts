/**
 * HTTP routes of the test PKI: the CA certificates and the CRL for anyone who verifies
 * Grunnmur-issued certificates, and (in test mode only) enterprise certificates on request so
 * test users can sign Maskinporten grants, DPI and eFormidling messages with a certificate from
 * the running platform.
 *
 * | route | answer |
 * |---|---|
 * | `GET /pki/root.pem` | root CA certificate, `application/x-pem-file` |
 * | `GET /pki/issuing.pem` | issuing CA certificate, `application/x-pem-file` |
 * | `GET /pki/crl` | issuing CA's CRL, DER, `application/pkix-crl` (RFC 5280 §4.2.1.13 distribution point) |
 * | `GET /pki/crl.pem` | the same CRL, PEM |
 * | `POST /pki/enterprise-certificates` | test mode: `{orgnr, organisationName}` → key, certificate and chain |
 */
import type { FastifyInstance } from 'fastify';
import { platformError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import type { EnterpriseCertificatePurpose } from './test-pki.ts';

const pemResponse = {
  200: {
    description: 'PEM document',
    content: { 'application/x-pem-file': { schema: { type: 'string' } } },
  },
} as const;

const issueBody = {
  type: 'object',
  required: ['orgnr', 'organisationName'],
  additionalProperties: false,
  properties: {
    orgnr: { type: 'string', description: 'Organisasjonsnummer, 9 digits', examples: ['991825827'] },
    organisationName: { type: 'string', description: 'Organisation name for O and CN (1–64 characters)' },
    validityDays: { type: 'integer', description: 'Validity in days, 1–3650 (default 365)' },
    purpose: {
      type: 'string',
      enum: ['all', 'signing', 'authentication', 'encryption'],
      description: 'Key usages (default all: one certificate for signing, authentication and encryption)',
    },
  },
} as const;

const issueResponse = {
  type: 'object',
  required: ['privateKeyPem', 'certificatePem', 'chainPem', 'serialNumber'],
  properties: {
    privateKeyPem: { type: 'string', description: 'PKCS#8 PEM private key (RSA-2048), unencrypted' },
    certificatePem: { type: 'string', description: 'The enterprise certificate, PEM' },
    chainPem: { type: 'string', description: 'Certificate, issuing CA and root CA, PEM' },
    serialNumber: { type: 'string', description: 'Certificate serial number, lower-case hex' },
    notBefore: { type: 'string', format: 'date-time' },
    notAfter: { type: 'string', format: 'date-time' },
  },
} as const;

/**
 * Registers the test PKI routes on the root Fastify instance (a kernel plugin: see
 * `createHttpServer`'s `kernelPlugins`).
 *
 * `POST /pki/enterprise-certificates` answers 404 `PLATFORM_TEST_MODE_ONLY` unless
 * `GRUNNMUR_MODE=test`, and 400 `PKI_INVALID_ORGNR` / `PKI_INVALID_NAME` / `PKI_INVALID_VALIDITY`
 * for bad input.
 */
export async function pkiRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const { pki } = platform;
  const testMode = platform.config.GRUNNMUR_MODE === 'test';

  app.get(
    '/pki/root.pem',
    { schema: { tags: ['pki'], summary: 'Root CA certificate of the Grunnmur test PKI', response: pemResponse } },
    async (_request, reply) => reply.type('application/x-pem-file').send(await pki.rootCertificatePem()),
  );

  app.get(
    '/pki/issuing.pem',
    { schema: { tags: ['pki'], summary: 'Issuing CA certificate of the Grunnmur test PKI', response: pemResponse } },
    async (_request, reply) => reply.type('application/x-pem-file').send(await pki.issuingCertificatePem()),
  );

  app.get(
    '/pki/crl',
    {
      schema: {
        tags: ['pki'],
        summary: "The issuing CA's certificate revocation list (DER)",
        response: {
          200: { description: 'DER-encoded CRL', content: { 'application/pkix-crl': { schema: { type: 'string', format: 'binary' } } } },
        },
      },
    },
    async (_request, reply) =>
      reply.type('application/pkix-crl').header('cache-control', 'public, max-age=60').send(Buffer.from(await pki.crlDer())),
  );

  app.get(
    '/pki/crl.pem',
    { schema: { tags: ['pki'], summary: "The issuing CA's certificate revocation list (PEM)", response: pemResponse } },
    async (_request, reply) =>
      reply.type('application/x-pem-file').header('cache-control', 'public, max-age=60').send(await pki.crlPem()),
  );

  app.post<{
    Body: { orgnr: string; organisationName: string; validityDays?: number; purpose?: EnterpriseCertificatePurpose };
  }>(
    '/pki/enterprise-certificates',
    {
      schema: {
        tags: ['pki'],
        summary: 'Issue a test enterprise certificate (virksomhetssertifikat) for an organisation — test mode only',
        hide: !testMode,
        body: issueBody,
        response: { 201: issueResponse },
      },
    },
    async (request, reply) => {
      if (!testMode) throw platformError('PLATFORM_TEST_MODE_ONLY', 'Test certificates are issued in test mode only');
      const issued = await pki.issueEnterpriseCertificate(request.body);
      reply.code(201);
      return {
        privateKeyPem: issued.privateKeyPem,
        certificatePem: issued.certificatePem,
        chainPem: issued.chainPem,
        serialNumber: issued.serialNumber,
        notBefore: issued.notBefore.toISOString(),
        notAfter: issued.notAfter.toISOString(),
      };
    },
  );
}
