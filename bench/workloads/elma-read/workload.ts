/**
 * `elma-read`: SMP reads per second from ELMA through the whole platform, against a static
 * server answering the very same bytes from memory (peer.ts). Requests alternate between a
 * `ServiceGroup` (`GET /elma/iso6523-actorid-upis::0192:<orgnr>`, read from the database on every
 * request) and a `SignedServiceMetadata` (`GET /elma/<participant>/services/<docScheme>::<docValue>`,
 * the href a ServiceGroup lists, percent-encoded; signed once, then from ELMA's per-process cache
 * after one database read of the participant's version), each drawn at random from the working
 * set (ours.ts: ELMA's seed plus 150 / 1,000 registered participants).
 *
 * Pre-flight: the first request of each side is the same SignedServiceMetadata; ours' must carry
 * an enveloped signature that xml-crypto verifies against ELMA's published certificate, and the
 * peer's body must be byte-for-byte ours'.
 *
 * @see issue #6 ("ELMA reads ≥ 5,000 requests/s"); specs/performance-anchors.md §5 "ELMA SMP"
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { createRng } from '../../../src/platform/identifiers/index.ts';
import type { Side, Workload } from '../../lib/workload.ts';
import type { ElmaDetails, ElmaPaths } from './ours.ts';

const SMP_NS = 'http://docs.oasis-open.org/bdxr/ns/SMP/2016/05';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const CONTENT_TYPE = 'text/xml; charset=utf-8';

/** Set when the harness asks for ours' path maker (before the pre-flight). */
let certificatePem: string | undefined;
/** Ours' pre-flight body, to compare with the peer's. */
let oursBody: string | undefined;

/**
 * The path maker of one side: the first path is the first SignedServiceMetadata (the pre-flight
 * request of both sides), then ServiceGroup and SignedServiceMetadata alternate, each uniformly
 * random from its list (the same seeded sequence for both sides).
 */
function paths(side: Side, raw: unknown): () => string {
  const details = raw as ElmaDetails;
  if (side === 'ours') certificatePem = details.certificatePem;
  const { serviceGroups, serviceMetadata } = JSON.parse(readFileSync(details.pathsFile, 'utf8')) as ElmaPaths;
  const rng = createRng('elma-read');
  let n = 0;
  return () => {
    const i = n++;
    if (i === 0) return serviceMetadata[0]!;
    const list = i % 2 === 1 ? serviceGroups : serviceMetadata;
    return list[Math.floor(rng() * list.length)]!;
  };
}

function parse(xml: string) {
  return new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  }).parseFromString(xml, 'text/xml');
}

/** Ours' SignedServiceMetadata: BDXR root, one enveloped signature that verifies against ELMA's certificate. */
function checkSigned(body: string): void {
  assert.ok(certificatePem, 'ours: ELMA’s certificate (from ours’ details)');
  const doc = parse(body);
  const root = doc.documentElement!;
  assert.equal(root.localName, 'SignedServiceMetadata', 'ours: root element');
  assert.equal(root.namespaceURI, SMP_NS, 'ours: root namespace');
  const signatures = doc.getElementsByTagNameNS(DSIG_NS, 'Signature');
  assert.equal(signatures.length, 1, 'ours: one ds:Signature');
  const verifier = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signatures[0] as Element);
  assert.equal(verifier.checkSignature(body), true, 'ours: xml-crypto verifies the signature against /elma/api/v1/certificate');
  assert.equal(verifier.getSignedReferences().length, 1, 'ours: one signed reference (the whole document)');
  assert.equal(doc.getElementsByTagNameNS(SMP_NS, 'Endpoint').length > 0, true, 'ours: at least one Endpoint');
}

export const elmaRead: Workload = {
  name: 'elma-read',
  description:
    'GET ServiceGroup / SignedServiceMetadata alternately, random participants and document types; ours = ELMA on the full platform, peer = the same bytes from memory on bare node:http',
  servers: {
    ours: { label: 'grunnmur ELMA', entry: new URL('./ours.ts', import.meta.url) },
    peer: { label: 'same bytes, node:http from memory', entry: new URL('./peer.ts', import.meta.url) },
  },
  request: { method: 'GET', path: '/elma/iso6523-actorid-upis::0192:991825827' },
  generator: {
    request: () => ({ method: 'GET', path: '/elma/' }),
    paths,
  },
  verify(side, response) {
    assert.equal(response.status, 200, `${side}: status (body ${response.body.slice(0, 300)})`);
    assert.equal(response.headers.get('content-type'), CONTENT_TYPE, `${side}: content-type`);
    if (side === 'ours') {
      assert.ok(response.headers.get('x-request-id'), 'ours: x-request-id header (request id hook)');
      checkSigned(response.body);
      oursBody = response.body;
    } else {
      assert.ok(oursBody !== undefined, 'peer: ours’ pre-flight body to compare with (ours failed its check)');
      assert.equal(response.body, oursBody, 'peer: the same bytes as ours');
    }
  },
  // Spec §5 "ELMA SMP": ≥ 0.5× nginx-static, ≥ 10k req/s warm; issue #6: ≥ 5,000 requests/s.
  target: { ratio: 0.5, requestsPerSecond: 5_000 },
};
