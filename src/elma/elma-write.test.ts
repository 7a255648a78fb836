/**
 * Every bad input to ELMA's write API gets its exact problem (status, code, message) and changes
 * nothing in the database: for a new participant (nothing created) and for a registered one
 * (nothing half-replaced). On both databases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { testEngines } from '../platform/db/testing.ts';
import { DIGDIR_ORGNR, registersComponent } from '../registers/index.ts';
import { ELMA_SCOPE_PARTICIPANTS_WRITE, elmaComponent, type PutParticipantRequest } from './index.ts';
import { BERGEN, snapshot, UNREGISTERED_ORGNR, validBody, validEndpoint } from './test-helpers.ts';

const E = 'documents[0].processes[0].endpoints[0]';
const ARK = 'urn:no:difi:arkivmelding:xsd::arkivmelding';
const ADM = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';

interface Case {
  name: string;
  body: (cert: string) => unknown;
  status: number;
  code: string;
  /** detail (or title when there is no detail); for schema failures the title. */
  message: string;
}

const doc = (cert: string, value: string, processValue = ADM, extra: Record<string, unknown> = {}) => ({
  documentIdentifier: { value, ...extra },
  processes: [{ processIdentifier: { value: processValue }, endpoints: [validEndpoint(cert)] }],
});

const CASES: Case[] = [
  // Document identifiers
  { name: 'a document scheme other than busdox-docid-qns', body: (c) => ({ documents: [doc(c, ARK, ADM, { scheme: 'bdx-docid-qns' })] }), status: 400, code: 'ELMA_INVALID_DOCUMENT_IDENTIFIER', message: 'documents[0].documentIdentifier.scheme must be busdox-docid-qns (the only document scheme ELMA registers)' },
  { name: 'an empty document value', body: (c) => ({ documents: [doc(c, '')] }), status: 400, code: 'ELMA_INVALID_DOCUMENT_IDENTIFIER', message: 'documents[0].documentIdentifier.value is empty' },
  { name: 'a document value with a space', body: (c) => ({ documents: [doc(c, 'urn:no:difi arkivmelding')] }), status: 400, code: 'ELMA_INVALID_DOCUMENT_IDENTIFIER', message: 'documents[0].documentIdentifier.value may hold only printable US-ASCII characters without spaces' },
  { name: 'a document value with non-ASCII', body: (c) => ({ documents: [doc(c, 'urn:no:difi:ærkiv::x')] }), status: 400, code: 'ELMA_INVALID_DOCUMENT_IDENTIFIER', message: 'documents[0].documentIdentifier.value may hold only printable US-ASCII characters without spaces' },
  { name: 'a document value longer than 500 characters', body: (c) => ({ documents: [doc(c, `urn:${'x'.repeat(497)}`)] }), status: 400, code: 'ELMA_INVALID_DOCUMENT_IDENTIFIER', message: 'documents[0].documentIdentifier.value is longer than 500 characters' },
  { name: 'the same document type twice', body: (c) => ({ documents: [doc(c, ARK), doc(c, ARK)] }), status: 400, code: 'ELMA_DUPLICATE_IDENTIFIER', message: `documents[1].documentIdentifier.value ${ARK} is registered twice; give each document type once` },
  // Process identifiers
  { name: 'a process scheme other than cenbii-procid-ubl', body: (c) => ({ documents: [{ documentIdentifier: { value: ARK }, processes: [{ processIdentifier: { scheme: 'urn:other', value: ADM }, endpoints: [validEndpoint(c)] }] }] }), status: 400, code: 'ELMA_INVALID_PROCESS_IDENTIFIER', message: 'documents[0].processes[0].processIdentifier.scheme must be cenbii-procid-ubl (the only process scheme ELMA registers)' },
  { name: 'a process value longer than 200 characters', body: (c) => ({ documents: [doc(c, ARK, `urn:${'p'.repeat(197)}`)] }), status: 400, code: 'ELMA_INVALID_PROCESS_IDENTIFIER', message: 'documents[0].processes[0].processIdentifier.value is longer than 200 characters' },
  { name: 'a process value with a control character', body: (c) => ({ documents: [doc(c, ARK, 'urn:no:difi:\u0007')] }), status: 400, code: 'ELMA_INVALID_PROCESS_IDENTIFIER', message: 'documents[0].processes[0].processIdentifier.value may hold only printable US-ASCII characters without spaces' },
  {
    name: 'the same process twice under a document type',
    body: (c) => ({ documents: [{ documentIdentifier: { value: ARK }, processes: [{ processIdentifier: { value: ADM }, endpoints: [validEndpoint(c)] }, { processIdentifier: { value: ADM }, endpoints: [validEndpoint(c)] }] }] }),
    status: 400,
    code: 'ELMA_DUPLICATE_IDENTIFIER',
    message: `documents[0].processes[1].processIdentifier.value ${ADM} appears twice under this document type; give each process once`,
  },
  // Endpoints
  {
    name: 'two endpoints with one transport profile',
    body: (c) => ({ documents: [{ documentIdentifier: { value: ARK }, processes: [{ processIdentifier: { value: ADM }, endpoints: [validEndpoint(c), validEndpoint(c, { endpointUrl: 'https://b.example/' })] }] }] }),
    status: 400,
    code: 'ELMA_DUPLICATE_IDENTIFIER',
    message: 'documents[0].processes[0].endpoints[1].transportProfile bdxr-transport-altinn appears twice under this process; give one endpoint per transport profile',
  },
  { name: 'an empty transport profile', body: (c) => validBody(c, { transportProfile: '' }), status: 400, code: 'ELMA_INVALID_TRANSPORT_PROFILE', message: `${E}.transportProfile is empty` },
  { name: 'a transport profile with a space', body: (c) => validBody(c, { transportProfile: 'bdxr transport' }), status: 400, code: 'ELMA_INVALID_TRANSPORT_PROFILE', message: `${E}.transportProfile may hold only printable US-ASCII characters without spaces` },
  ...(
    [
      ['a relative endpointUrl', 'endpointUrl', 'ap.example.no/eformidling'],
      ['an ftp endpointUrl', 'endpointUrl', 'ftp://ap.example.no/'],
      ['an endpointUrl with credentials', 'endpointUrl', 'https://user:secret@ap.example.no/'],
      ['an endpointUrl with a space', 'endpointUrl', 'https://ap.example.no/a b'],
      ['a mailto: technicalContactUrl', 'technicalContactUrl', 'mailto:drift@ap.example.no'],
      ['an empty technicalContactUrl', 'technicalContactUrl', ''],
    ] as const
  ).map(([name, field, value]): Case => ({
    name,
    body: (c) => validBody(c, { [field]: value }),
    status: 400,
    code: 'ELMA_INVALID_URL',
    message: `${E}.${field} must be an absolute http or https URL without credentials, at most 2000 characters`,
  })),
  ...(
    [
      ['a date without time', 'serviceActivationDate', '2025-01-01'],
      ['a date-time without offset', 'serviceActivationDate', '2025-01-01T00:00:00'],
      ['a day that does not exist', 'serviceExpirationDate', '2030-02-30T00:00:00Z'],
      ['hour 24', 'serviceExpirationDate', '2030-01-01T24:00:00Z'],
      ['not a date', 'serviceExpirationDate', 'soon'],
    ] as const
  ).map(([name, field, value]): Case => ({
    name,
    body: (c) => validBody(c, { [field]: value }),
    status: 400,
    code: 'ELMA_INVALID_DATE',
    message: `${E}.${field} must be an RFC 3339 date-time with offset, e.g. 2025-01-01T00:00:00Z`,
  })),
  { name: 'an expiration before the activation', body: (c) => validBody(c, { serviceActivationDate: '2030-01-01T00:00:00Z', serviceExpirationDate: '2029-12-31T23:59:59Z' }), status: 400, code: 'ELMA_INVALID_SERVICE_PERIOD', message: `${E}.serviceExpirationDate must be after serviceActivationDate` },
  { name: 'an expiration equal to the activation (other offset)', body: (c) => validBody(c, { serviceActivationDate: '2030-01-01T01:00:00+01:00', serviceExpirationDate: '2030-01-01T00:00:00Z' }), status: 400, code: 'ELMA_INVALID_SERVICE_PERIOD', message: `${E}.serviceExpirationDate must be after serviceActivationDate` },
  { name: 'a certificate that is not base64', body: (c) => validBody(c, { certificate: 'not base64!' }), status: 400, code: 'ELMA_INVALID_CERTIFICATE', message: `${E}.certificate must be base64 (without PEM armour or line breaks) of a DER X.509 certificate` },
  { name: 'a certificate in PEM armour', body: (c) => validBody(c, { certificate: `-----BEGIN CERTIFICATE-----\n${c}\n-----END CERTIFICATE-----` }), status: 400, code: 'ELMA_INVALID_CERTIFICATE', message: `${E}.certificate must be base64 (without PEM armour or line breaks) of a DER X.509 certificate` },
  { name: 'an empty certificate', body: (c) => validBody(c, { certificate: '' }), status: 400, code: 'ELMA_INVALID_CERTIFICATE', message: `${E}.certificate must be base64 (without PEM armour or line breaks) of a DER X.509 certificate` },
  { name: 'base64 that is no certificate', body: (c) => validBody(c, { certificate: Buffer.from('hello, this is no certificate').toString('base64') }), status: 400, code: 'ELMA_INVALID_CERTIFICATE', message: `${E}.certificate is base64 but not a DER X.509 certificate` },
  { name: 'a blank serviceDescription', body: (c) => validBody(c, { serviceDescription: '   ' }), status: 400, code: 'ELMA_INVALID_TEXT', message: `${E}.serviceDescription must be 1 to 500 characters of text without control characters` },
  { name: 'a serviceDescription with a control character', body: (c) => validBody(c, { serviceDescription: 'bell \u0007' }), status: 400, code: 'ELMA_INVALID_TEXT', message: `${E}.serviceDescription must be 1 to 500 characters of text without control characters` },
  { name: 'a serviceDescription longer than 500 characters', body: (c) => validBody(c, { serviceDescription: 'x'.repeat(501) }), status: 400, code: 'ELMA_INVALID_TEXT', message: `${E}.serviceDescription must be 1 to 500 characters of text without control characters` },
  // Shape (the route's JSON schema)
  { name: 'no documents', body: () => ({}), status: 400, code: 'PLATFORM_VALIDATION_FAILED', message: 'The request does not match the schema' },
  { name: 'an empty documents list', body: () => ({ documents: [] }), status: 400, code: 'PLATFORM_VALIDATION_FAILED', message: 'The request does not match the schema' },
  { name: 'an endpoint without endpointUrl', body: (c) => { const b = validBody(c) as PutParticipantRequest; delete (b.documents[0]!.processes[0]!.endpoints[0] as Partial<typeof b.documents[0]['processes'][0]['endpoints'][0]>).endpointUrl; return b; }, status: 400, code: 'PLATFORM_VALIDATION_FAILED', message: 'The request does not match the schema' },
  { name: 'an unknown field', body: (c) => ({ ...validBody(c), owner: 'me' }), status: 400, code: 'PLATFORM_VALIDATION_FAILED', message: 'The request does not match the schema' },
  { name: 'requireBusinessLevelSignature as a string', body: (c) => validBody(c, { requireBusinessLevelSignature: 'yes' as unknown as boolean }), status: 400, code: 'PLATFORM_VALIDATION_FAILED', message: 'The request does not match the schema' },
];

for (const engine of testEngines()) {
  describe(`ELMA write API bad input on ${engine}`, () => {
    let t: TestPlatform;
    let cert: string;
    let authorization: string;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, elmaComponent], { PUBLIC_URL: 'http://grunnmur.test', RATE_LIMIT_MAX: '0' });
      cert = (await t.platform.pki.issueEnterpriseCertificate({ orgnr: DIGDIR_ORGNR, organisationName: 'AP' })).certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
      authorization = `Bearer ${await mintPlatformToken(t.platform, { scope: ELMA_SCOPE_PARTICIPANTS_WRITE, consumerOrgno: DIGDIR_ORGNR })}`;
    });
    after(() => t.close());

    const refused = async (method: 'PUT' | 'GET' | 'DELETE', orgnr: string, payload: unknown, status: number, code: string, message: string) => {
      const before = await snapshot(t);
      const res = await t.app.inject({ method, url: `/elma/api/v1/participants/${orgnr}`, headers: { authorization }, ...(payload === undefined ? {} : { payload: payload as object }) });
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const problem = res.json() as { code: string; status: number; title: string; detail?: string };
      assert.equal(problem.code, code);
      assert.equal(problem.status, status);
      assert.equal(code === 'PLATFORM_VALIDATION_FAILED' ? problem.title : (problem.detail ?? problem.title), message);
      assert.equal(await snapshot(t), before, 'the database is unchanged');
    };

    it('the valid body is accepted (the cases below each break one thing)', async () => {
      const res = await t.app.inject({ method: 'PUT', url: `/elma/api/v1/participants/${UNREGISTERED_ORGNR}`, headers: { authorization }, payload: validBody(cert) as object });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/elma/api/v1/participants/${UNREGISTERED_ORGNR}`, headers: { authorization } })).statusCode, 204);
    });

    for (const c of CASES) {
      it(`refuses ${c.name} with ${c.code}, creating nothing and leaving a registered participant as it was`, async () => {
        await refused('PUT', UNREGISTERED_ORGNR, c.body(cert), c.status, c.code, c.message);
        await refused('PUT', BERGEN, c.body(cert), c.status, c.code, c.message);
      });
    }

    for (const [orgnr, rule] of [
      ['123456789', /^Invalid organisasjonsnummer: /],
      ['99182582', /^Invalid organisasjonsnummer: /],
      ['99182582x', /^Invalid organisasjonsnummer: /],
    ] as const) {
      it(`refuses the orgnr ${orgnr} in the path with ELMA_INVALID_ORGNR (PUT, DELETE and GET)`, async () => {
        const before = await snapshot(t);
        for (const method of ['PUT', 'DELETE', 'GET'] as const) {
          const res = await t.app.inject({ method, url: `/elma/api/v1/participants/${orgnr}`, headers: { authorization }, ...(method === 'PUT' ? { payload: validBody(cert) as object } : {}) });
          assert.equal(res.statusCode, 400, `${method} ${res.body}`);
          const problem = res.json() as { code: string; detail?: string; title: string };
          assert.equal(problem.code, 'ELMA_INVALID_ORGNR');
          assert.match(problem.detail ?? problem.title, rule);
        }
        assert.equal(await snapshot(t), before);
      });
    }

    it('names the failed MOD11 rule of a bad orgnr exactly', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/elma/api/v1/participants/123456789' });
      const { validateOrganisasjonsnummer } = await import('../platform/identifiers/index.ts');
      const expected = validateOrganisasjonsnummer('123456789');
      assert.equal(expected.valid, false);
      assert.equal((res.json() as { title: string; detail?: string }).detail ?? (res.json() as { title: string }).title, `Invalid organisasjonsnummer: ${expected.valid ? '' : expected.problems.map((p) => p.message).join('; ')}`);
    });
  });
}
