/**
 * ELMA's SMP reads and JSON view on both databases: the ServiceGroup and SignedServiceMetadata
 * XML (parsed with @xmldom/xmldom: element names, namespaces, values), the enveloped signature
 * verified with xml-crypto against the published certificate (and refused after tampering), the
 * identifier rules (participants case-insensitive, document types case-sensitive), 404s, the
 * seed, the cache, and the typed client.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { testEngines } from '../platform/db/testing.ts';
import { DIGDIR_ORGNR, EBOKS_ORGNR, FIXED_ORGANISATIONS, POSTEN_BRING_ORGNR, PRINT_PROVIDER_ORGNR, registersComponent } from '../registers/index.ts';
import {
  createElmaClient,
  DPI_IDENTIFIERS,
  DSIG_NS,
  EFORMIDLING_DOCUMENT_TYPES,
  EFORMIDLING_PROCESSES,
  ELMA_SCOPE_PARTICIPANTS_WRITE,
  elmaComponent,
  seedElma,
  SIGNATURE_ALGORITHMS,
  SMP_NS,
  type ElmaParticipant,
} from './index.ts';
import { BERGEN, injectFetch, snapshot, UNREGISTERED_ORGNR, validBody } from './test-helpers.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const DIGDIR = `iso6523-actorid-upis::0192:${DIGDIR_ORGNR}`;
const ARKIVMELDING = `busdox-docid-qns::${EFORMIDLING_DOCUMENT_TYPES.arkivmelding}`;
const enc = (s: string) => encodeURIComponent(s);

function parse(xml: string): Document {
  return new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(message); } }).parseFromString(xml, 'text/xml');
}
function children(parent: Element, localName: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === localName);
}
function only(parent: Element, localName: string): Element {
  const found = children(parent, localName);
  assert.equal(found.length, 1, `one ${localName} under ${parent.localName}`);
  assert.equal(found[0]!.namespaceURI, localName === 'Signature' ? DSIG_NS : SMP_NS, `${localName} namespace`);
  return found[0]!;
}
function signatureOf(doc: Document): Element {
  const sigs = doc.getElementsByTagNameNS(DSIG_NS, 'Signature');
  assert.equal(sigs.length, 1);
  return sigs[0] as Element;
}
function verify(xml: string, certificatePem: string): { ok: boolean; signed: string[] } {
  const verifier = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signatureOf(parse(xml)));
  let ok: boolean;
  try {
    ok = verifier.checkSignature(xml);
  } catch {
    ok = false;
  }
  return { ok, signed: ok ? verifier.getSignedReferences() : [] };
}

for (const engine of testEngines()) {
  describe(`ELMA SMP reads on ${engine}`, () => {
    let t: TestPlatform;
    let certificatePem: string;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, elmaComponent], { PUBLIC_URL, RATE_LIMIT_MAX: '0' });
      const res = await t.app.inject({ url: '/elma/api/v1/certificate' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/x-pem-file/);
      certificatePem = res.body;
    });
    after(() => t.close());

    const get = (url: string) => t.app.inject({ method: 'GET', url });
    const problem = async (url: string, status: number, code: string, detail: string) => {
      const res = await get(url);
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = res.json() as { code: string; status: number; title: string; detail?: string };
      assert.equal(body.code, code);
      assert.equal(body.status, status);
      assert.equal(body.detail ?? body.title, detail);
    };

    it('answers the ServiceGroup in the BDXR SMP 1.0 namespace with absolute, percent-encoded hrefs, one per document type', async () => {
      const res = await get(`/elma/${DIGDIR}`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
      const root = parse(res.body).documentElement as Element;
      assert.equal(root.localName, 'ServiceGroup');
      assert.equal(root.namespaceURI, SMP_NS);
      const participant = only(root, 'ParticipantIdentifier');
      assert.equal(participant.getAttribute('scheme'), 'iso6523-actorid-upis');
      assert.equal(participant.textContent, `0192:${DIGDIR_ORGNR}`);
      const refs = children(only(root, 'ServiceMetadataReferenceCollection'), 'ServiceMetadataReference').map((e) => e.getAttribute('href'));
      const base = `${PUBLIC_URL}/elma/iso6523-actorid-upis%3A%3A0192%3A${DIGDIR_ORGNR}/services/`;
      assert.deepEqual(refs, [
        `${base}busdox-docid-qns%3A%3Aurn%3Ano%3Adifi%3Aarkivmelding%3Axsd%3A%3Aarkivmelding`,
        `${base}busdox-docid-qns%3A%3Aurn%3Ano%3Adifi%3Aarkivmelding%3Axsd%3A%3Aarkivmelding_kvittering`,
        `${base}busdox-docid-qns%3A%3Aurn%3Ano%3Adifi%3Aeinnsyn%3Axsd%3A%3Ainnsynskrav`,
        `${base}busdox-docid-qns%3A%3Aurn%3Ano%3Adifi%3Aeinnsyn%3Axsd%3A%3Aeinnsyn_kvittering`,
        `${base}busdox-docid-qns%3A%3Aurn%3Ano%3Adifi%3Aeinnsyn%3Axsd%3A%3Apublisering`,
      ]);
      // Every href answers (the DPI document type has ## in it, sent as %23%23).
      for (const href of refs) assert.equal((await get(href!.slice(PUBLIC_URL.length))).statusCode, 200, href!);
    });

    it('answers SignedServiceMetadata with the processes, endpoints and their fields in the XSD order', async () => {
      const res = await get(`/elma/${enc(`iso6523-actorid-upis::0192:${BERGEN}`)}/services/${enc(ARKIVMELDING)}`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
      const root = parse(res.body).documentElement as Element;
      assert.equal(root.localName, 'SignedServiceMetadata');
      assert.equal(root.namespaceURI, SMP_NS);
      assert.deepEqual(Array.from(root.childNodes).map((n) => (n as Element).localName), ['ServiceMetadata', 'Signature']);
      const info = only(only(root, 'ServiceMetadata'), 'ServiceInformation');
      assert.equal(only(info, 'ParticipantIdentifier').textContent, `0192:${BERGEN}`);
      const doc = only(info, 'DocumentIdentifier');
      assert.equal(doc.getAttribute('scheme'), 'busdox-docid-qns');
      assert.equal(doc.textContent, EFORMIDLING_DOCUMENT_TYPES.arkivmelding);
      const processes = children(only(info, 'ProcessList'), 'Process');
      assert.equal(processes.length, 10, 'a municipality receives all ten arkivmelding sectors');
      const first = processes[0]!;
      const pid = only(first, 'ProcessIdentifier');
      assert.equal(pid.getAttribute('scheme'), 'cenbii-procid-ubl');
      assert.equal(pid.textContent, 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0');
      const endpoint = only(only(first, 'ServiceEndpointList'), 'Endpoint');
      assert.equal(endpoint.getAttribute('transportProfile'), 'bdxr-transport-altinn');
      assert.deepEqual(
        Array.from(endpoint.childNodes).map((n) => (n as Element).localName),
        ['EndpointURI', 'RequireBusinessLevelSignature', 'ServiceActivationDate', 'ServiceExpirationDate', 'Certificate', 'ServiceDescription', 'TechnicalContactUrl'],
      );
      assert.equal(only(endpoint, 'EndpointURI').textContent, `${PUBLIC_URL}/eformidling/api`);
      assert.equal(only(endpoint, 'RequireBusinessLevelSignature').textContent, 'false');
      assert.equal(only(endpoint, 'ServiceActivationDate').textContent, '2024-01-01T00:00:00.000Z');
      const endpointCert = only(endpoint, 'Certificate').textContent!;
      assert.match(endpointCert, /^MII[A-Za-z0-9+/=]+$/);
      assert.equal(await t.platform.pki.verifyCertificateChain(`-----BEGIN CERTIFICATE-----\n${endpointCert}\n-----END CERTIFICATE-----\n`).then((r) => r.valid), true);
    });

    it('signs it with an enveloped RSA-SHA256 signature that xml-crypto verifies against the published certificate', async () => {
      const xml = (await get(`/elma/${DIGDIR}/services/${enc(ARKIVMELDING)}`)).body;
      const signature = signatureOf(parse(xml));
      const algorithm = (name: string) => (signature.getElementsByTagNameNS(DSIG_NS, name)[0] as Element).getAttribute('Algorithm');
      assert.equal(algorithm('SignatureMethod'), SIGNATURE_ALGORITHMS.signature);
      assert.equal(algorithm('CanonicalizationMethod'), SIGNATURE_ALGORITHMS.canonicalization);
      assert.equal(algorithm('DigestMethod'), SIGNATURE_ALGORITHMS.digest);
      const transforms = Array.from(signature.getElementsByTagNameNS(DSIG_NS, 'Transform')).map((e) => (e as Element).getAttribute('Algorithm'));
      assert.deepEqual(transforms, [SIGNATURE_ALGORITHMS.enveloped, SIGNATURE_ALGORITHMS.canonicalization]);
      assert.equal((signature.getElementsByTagNameNS(DSIG_NS, 'Reference')[0] as Element).getAttribute('URI'), '');
      const keyInfoCert = signature.getElementsByTagNameNS(DSIG_NS, 'X509Certificate')[0]!.textContent!;
      assert.equal(keyInfoCert, certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'KeyInfo carries the published certificate');

      const result = verify(xml, certificatePem);
      assert.equal(result.ok, true);
      assert.equal(result.signed.length, 1);
      assert.match(result.signed[0]!, /^<SignedServiceMetadata xmlns="http:\/\/docs\.oasis-open\.org\/bdxr\/ns\/SMP\/2016\/05"><ServiceMetadata>/, 'the whole document is signed');
      // The published certificate chains to the test CA.
      assert.equal((await t.platform.pki.verifyCertificateChain(certificatePem)).valid, true);
    });

    it('the signature fails after tampering with a value, an attribute or the signature value', async () => {
      const xml = (await get(`/elma/${DIGDIR}/services/${enc(ARKIVMELDING)}`)).body;
      assert.equal(verify(xml, certificatePem).ok, true);
      const tampered = [
        xml.replace(`${PUBLIC_URL}/eformidling/api`, 'https://evil.example/eformidling/api'),
        xml.replace('transportProfile="bdxr-transport-altinn"', 'transportProfile="bdxr-transport-altinn-dev"'),
        xml.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`),
      ];
      for (const bad of tampered) {
        assert.notEqual(bad, xml);
        assert.equal(verify(bad, certificatePem).ok, false);
      }
      // Another certificate of the same CA does not verify it either.
      const other = await t.platform.pki.issueEnterpriseCertificate({ orgnr: DIGDIR_ORGNR, organisationName: 'OTHER' });
      assert.equal(verify(xml, other.certificatePem).ok, false);
    });

    it('looks participants up case-insensitively (scheme and value) and with %3A%3A or ::', async () => {
      for (const id of ['ISO6523-ACTORID-UPIS::0192:991825827', 'Iso6523-Actorid-Upis%3A%3A0192%3A991825827', enc(DIGDIR)]) {
        const res = await get(`/elma/${id}`);
        assert.equal(res.statusCode, 200, id);
        assert.match(res.body, /<ParticipantIdentifier scheme="iso6523-actorid-upis">0192:991825827<\/ParticipantIdentifier>/);
      }
      const res = await get(`/elma/ISO6523-ACTORID-UPIS::0192:991825827/services/${enc(ARKIVMELDING)}`);
      assert.equal(res.statusCode, 200);
      assert.equal(verify(res.body, certificatePem).ok, true);
    });

    it('compares document-type values case-sensitively: another case is ELMA_DOCUMENT_TYPE_NOT_FOUND', async () => {
      await problem(
        `/elma/${DIGDIR}/services/${enc('busdox-docid-qns::urn:no:difi:arkivmelding:xsd::Arkivmelding')}`,
        404,
        'ELMA_DOCUMENT_TYPE_NOT_FOUND',
        'Participant 0192:991825827 does not receive document type busdox-docid-qns::urn:no:difi:arkivmelding:xsd::Arkivmelding',
      );
      // The scheme is not case-sensitive.
      assert.equal((await get(`/elma/${DIGDIR}/services/${enc(`BUSDOX-DOCID-QNS::${EFORMIDLING_DOCUMENT_TYPES.arkivmelding}`)}`)).statusCode, 200);
    });

    it('answers 404 ELMA_PARTICIPANT_NOT_FOUND for an unknown participant (ServiceGroup and ServiceMetadata), and for the old ICD 9908', async () => {
      const detail = `No participant iso6523-actorid-upis::0192:${UNREGISTERED_ORGNR} is registered in ELMA`;
      await problem(`/elma/iso6523-actorid-upis::0192:${UNREGISTERED_ORGNR}`, 404, 'ELMA_PARTICIPANT_NOT_FOUND', detail);
      await problem(`/elma/iso6523-actorid-upis::0192:${UNREGISTERED_ORGNR}/services/${enc(ARKIVMELDING)}`, 404, 'ELMA_PARTICIPANT_NOT_FOUND', detail);
      await problem(`/elma/iso6523-actorid-upis::9908:${DIGDIR_ORGNR}`, 404, 'ELMA_PARTICIPANT_NOT_FOUND', `No participant iso6523-actorid-upis::9908:${DIGDIR_ORGNR} is registered in ELMA`);
    });

    it('answers 404 ELMA_DOCUMENT_TYPE_NOT_FOUND for a document type the participant does not receive', async () => {
      await problem(
        `/elma/${DIGDIR}/services/${enc(`busdox-docid-qns::${DPI_IDENTIFIERS.digitalDocument}`)}`,
        404,
        'ELMA_DOCUMENT_TYPE_NOT_FOUND',
        `Participant 0192:991825827 does not receive document type busdox-docid-qns::${DPI_IDENTIFIERS.digitalDocument}`,
      );
    });

    it('answers 400 for identifiers that are not <scheme>::<value>', async () => {
      await problem('/elma/0192:991825827', 400, 'ELMA_INVALID_PARTICIPANT_IDENTIFIER', 'A participant identifier is written <scheme>::<value>, e.g. iso6523-actorid-upis::0192:991825827');
      await problem(
        `/elma/${DIGDIR}/services/urn:no:difi:arkivmelding:xsd:arkivmelding`,
        400,
        'ELMA_INVALID_DOCUMENT_IDENTIFIER',
        'A document identifier is written <scheme>::<value>, e.g. busdox-docid-qns::urn:no:difi:arkivmelding:xsd::arkivmelding',
      );
    });

    it('seeds the public agencies for arkivmelding and eInnsyn, Digdir for publisering, and the DPI providers, pointing at this Grunnmur', async () => {
      const view = async (orgnr: string) => (await get(`/elma/api/v1/participants/${orgnr}`)).json() as ElmaParticipant;
      const agencies = FIXED_ORGANISATIONS.filter((o) => o.is_public_agency);
      assert.equal(agencies.length, 15);
      for (const agency of agencies) {
        const p = await view(agency.orgnr);
        assert.equal(p.registeredBy, DIGDIR_ORGNR);
        const docs = p.documents.map((d) => d.documentIdentifier.value);
        assert.deepEqual(docs.slice(0, 4), [
          EFORMIDLING_DOCUMENT_TYPES.arkivmelding,
          EFORMIDLING_DOCUMENT_TYPES.arkivmelding_kvittering,
          EFORMIDLING_DOCUMENT_TYPES.innsynskrav,
          EFORMIDLING_DOCUMENT_TYPES.einnsyn_kvittering,
        ]);
        assert.equal(p.documents[2]!.processes[0]!.processIdentifier.value, EFORMIDLING_PROCESSES.innsynskrav);
        assert.ok(p.documents[0]!.processes.some((x) => x.processIdentifier.value === 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0'));
      }
      const skatt = await view('974761076');
      assert.deepEqual(skatt.documents[0]!.processes.map((x) => x.processIdentifier.value), [
        'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
        'urn:no:difi:profile:arkivmelding:skatterOgAvgifter:ver1.0',
      ]);
      const digdir = await view(DIGDIR_ORGNR);
      assert.deepEqual(digdir.documents[4]!.processes.map((x) => x.processIdentifier.value), [EFORMIDLING_PROCESSES.einnsynJournalpost, EFORMIDLING_PROCESSES.einnsynMeeting]);
      for (const orgnr of [POSTEN_BRING_ORGNR, EBOKS_ORGNR]) {
        const p = await view(orgnr);
        assert.equal(p.documents[0]!.documentIdentifier.value, DPI_IDENTIFIERS.digitalDocument);
        const endpoint = p.documents[0]!.processes[0]!.endpoints[0]!;
        assert.equal(endpoint.transportProfile, 'peppol-transport-as4-v2_0');
        assert.equal(endpoint.endpointUrl, `${PUBLIC_URL}/digitalpost`);
      }
      assert.equal((await view(PRINT_PROVIDER_ORGNR)).documents[0]!.documentIdentifier.value, DPI_IDENTIFIERS.utskriftDocument);
      const endpoint = digdir.documents[0]!.processes[0]!.endpoints[0]!;
      assert.equal(endpoint.endpointUrl, `${PUBLIC_URL}/eformidling/api`);
      assert.equal(endpoint.technicalContactUrl, `${PUBLIC_URL}/`);
    });

    it('seeds once: running the seed again, or twice at once, changes nothing', async () => {
      const before = await snapshot(t);
      const results = await Promise.all([seedElma(t.platform.db, t.platform.pki, PUBLIC_URL), seedElma(t.platform.db, t.platform.pki, PUBLIC_URL)]);
      assert.deepEqual(results, [{ seeded: false, participants: 0 }, { seeded: false, participants: 0 }]);
      assert.equal(await snapshot(t), before);
    });

    it('a change is in the next signed ServiceMetadata (the cache follows the participant’s version)', async () => {
      const url = `/elma/iso6523-actorid-upis::0192:${UNREGISTERED_ORGNR}/services/${enc(ARKIVMELDING)}`;
      const token = `Bearer ${await mintPlatformToken(t.platform, { scope: ELMA_SCOPE_PARTICIPANTS_WRITE, consumerOrgno: DIGDIR_ORGNR })}`;
      const cert = certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
      const put = (endpointUrl: string) =>
        t.app.inject({ method: 'PUT', url: `/elma/api/v1/participants/${UNREGISTERED_ORGNR}`, headers: { authorization: token }, payload: validBody(cert, { endpointUrl }) as object });
      assert.equal((await put('https://one.example/ap')).statusCode, 201);
      assert.match((await get(url)).body, /<EndpointURI>https:\/\/one\.example\/ap<\/EndpointURI>/);
      assert.match((await get(url)).body, /one\.example/, 'cached read');
      assert.equal((await put('https://two.example/ap')).statusCode, 200);
      const after = (await get(url)).body;
      assert.match(after, /<EndpointURI>https:\/\/two\.example\/ap<\/EndpointURI>/);
      assert.equal(verify(after, certificatePem).ok, true);
      // Deleted and registered again: never the old cached document.
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/elma/api/v1/participants/${UNREGISTERED_ORGNR}`, headers: { authorization: token } })).statusCode, 204);
      await problem(url, 404, 'ELMA_PARTICIPANT_NOT_FOUND', `No participant iso6523-actorid-upis::0192:${UNREGISTERED_ORGNR} is registered in ELMA`);
      assert.equal((await put('https://three.example/ap')).statusCode, 201);
      assert.match((await get(url)).body, /three\.example/);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/elma/api/v1/participants/${UNREGISTERED_ORGNR}`, headers: { authorization: token } })).statusCode, 204);
    });

    it('escapes values in the XML (the DOM serializer, not string concatenation)', async () => {
      const token = `Bearer ${await mintPlatformToken(t.platform, { scope: ELMA_SCOPE_PARTICIPANTS_WRITE, consumerOrgno: DIGDIR_ORGNR })}`;
      const cert = certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
      const res = await t.app.inject({
        method: 'PUT',
        url: `/elma/api/v1/participants/${UNREGISTERED_ORGNR}`,
        headers: { authorization: token },
        payload: validBody(cert, { serviceDescription: 'A & B <ap> "x"', endpointUrl: 'https://ap.example/x?a=1&b=2' }) as object,
      });
      assert.equal(res.statusCode, 201);
      const xml = (await get(`/elma/iso6523-actorid-upis::0192:${UNREGISTERED_ORGNR}/services/${enc(ARKIVMELDING)}`)).body;
      const endpoint = parse(xml).getElementsByTagNameNS(SMP_NS, 'Endpoint')[0] as Element;
      assert.equal(endpoint.getElementsByTagNameNS(SMP_NS, 'ServiceDescription')[0]!.textContent, 'A & B <ap> "x"');
      assert.equal(endpoint.getElementsByTagNameNS(SMP_NS, 'EndpointURI')[0]!.textContent, 'https://ap.example/x?a=1&b=2');
      assert.equal(verify(xml, certificatePem).ok, true);
      await t.app.inject({ method: 'DELETE', url: `/elma/api/v1/participants/${UNREGISTERED_ORGNR}`, headers: { authorization: token } });
    });

    it('the typed client finds participants and their capabilities, and null for an unknown one', async () => {
      const client = createElmaClient(PUBLIC_URL, injectFetch(t.app));
      assert.equal(await client.findParticipant(UNREGISTERED_ORGNR), null);
      assert.deepEqual(await client.capabilities(UNREGISTERED_ORGNR), []);
      const caps = await client.capabilities(BERGEN, { process: EFORMIDLING_PROCESSES.innsynskrav, at: new Date('2025-06-01T00:00:00Z') });
      assert.equal(caps.length, 1);
      assert.equal(caps[0]!.documentIdentifier, EFORMIDLING_DOCUMENT_TYPES.innsynskrav);
      assert.equal(caps[0]!.endpoint.endpointUrl, `${PUBLIC_URL}/eformidling/api`);
      assert.deepEqual(await client.capabilities(BERGEN, { at: new Date('2023-06-01T00:00:00Z') }), [], 'not active before the activation date');
      await assert.rejects(client.findParticipant('123'), (e: Error & { code?: string }) => e.code === 'ELMA_INVALID_ORGNR');
      // Writes through the client.
      const token = await mintPlatformToken(t.platform, { scope: ELMA_SCOPE_PARTICIPANTS_WRITE, consumerOrgno: DIGDIR_ORGNR });
      const cert = certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
      const created = await client.putParticipant(UNREGISTERED_ORGNR, validBody(cert), token);
      assert.equal(created.participantIdentifier.value, `0192:${UNREGISTERED_ORGNR}`);
      await client.deleteParticipant(UNREGISTERED_ORGNR, token);
      assert.equal(await client.findParticipant(UNREGISTERED_ORGNR), null);
    });

    it('describes the SMP reads and the REST API in its OpenAPI document', async () => {
      const doc = (await get('/elma/openapi.json')).json() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
      assert.deepEqual(Object.keys(doc.paths).sort(), ['/elma/api/v1/certificate', '/elma/api/v1/participants/{orgnr}', '/elma/{participant}', '/elma/{participant}/services/{*}']);
      assert.ok(doc.paths['/elma/{participant}']!.get!.responses['200']!.content!['text/xml']);
      assert.ok(doc.paths['/elma/{participant}/services/{*}']!.get!.responses['200']!.content!['text/xml']);
    });
  });
}
