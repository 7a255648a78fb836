/**
 * `krr-lookup` and `krr-lookup-single`: KRR lookups per second through the whole platform
 * (`POST /krr/rest/v2/personer` with a Maskinporten token checked on every request, the persons
 * read and the lookup audit-logged in one transaction, the answer built by the field rules and
 * serialised through the route's schema), against the same read served raw by bare `node:http`
 * from the same database (peer.ts). Every request asks for different random persons.
 *
 * @see issue #5 "Acceptance" (≥ 0.5× the raw query rate, p99 < 50 ms at 8 clients, ≥ 8,000 single-person lookups/s)
 */
import assert from 'node:assert/strict';
import type { RequestGenerator, Side, Workload } from '../../lib/workload.ts';
import { randomLookup, randomRegistered, randomUnregistered } from './keys.ts';
import type { KrrDetails } from './ours.ts';

const STATUSES = new Set(['AKTIV', 'SLETTET', 'IKKE_REGISTRERT']);
/** Every member a person of the answer may have (src/krr/README.md "Fields and rules"). */
const PERSON_FIELDS = new Set([
  'personidentifikator',
  'reservasjon',
  'reservasjonstidspunkt',
  'reservasjon_oppdatert',
  'status',
  'varslingsstatus',
  'kontaktinformasjon',
  'digital_post',
  'sertifikat',
  'spraak',
  'spraak_oppdatert',
]);
/** Persons per request of `krr-lookup`: drawn from the register, plus some that are not in it. */
const REGISTERED = 990;
const UNREGISTERED = 10;

function body(ids: readonly string[]): string {
  return `{"personidentifikatorer":${JSON.stringify(ids)},"inkluderIkkeRegistrerte":true}`;
}

function generator(make: (details: KrrDetails) => () => string): RequestGenerator {
  return {
    request(side: Side, details: unknown) {
      const { token, path } = details as KrrDetails;
      // The peer gets the same bytes (it ignores the token).
      return { method: 'POST', path, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } };
    },
    // The peer announces ours' details (it serves ours' data), so both sides draw from ours' key space.
    bodies: (_side, details) => make(details as KrrDetails),
  };
}

/** Ours' answer: 200 JSON through the kernel, persons with only the documented members. */
function checkOurs(response: { status: number; headers: Headers; body: string }, expected: number): Array<Record<string, unknown>> {
  assert.equal(response.status, 200, `ours: status (body ${response.body.slice(0, 300)})`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'ours: content-type');
  assert.ok(response.headers.get('x-request-id'), 'ours: x-request-id header (request id hook)');
  assert.equal(response.headers.get('cache-control'), 'no-store', 'ours: cache-control (the KRR route)');
  const { personer } = JSON.parse(response.body) as { personer: Array<Record<string, unknown>> };
  assert.ok(Array.isArray(personer), 'ours: personer is an array');
  assert.equal(personer.length, expected, 'ours: one entry per person asked for');
  for (const p of personer) {
    assert.match(String(p.personidentifikator), /^\d{11}$/, 'ours: personidentifikator');
    assert.ok(STATUSES.has(String(p.status)), `ours: status ${String(p.status)}`);
    assert.match(String(p.varslingsstatus), /^KAN_(IKKE_)?VARSLES$/, 'ours: varslingsstatus (kontaktinformasjon scope)');
    for (const key of Object.keys(p)) assert.ok(PERSON_FIELDS.has(key), `ours: unexpected member ${key}`);
  }
  return personer;
}

function checkPeer(response: { status: number; headers: Headers; body: string }, min: number, max: number): void {
  assert.equal(response.status, 200, `peer: status (body ${response.body.slice(0, 300)})`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'peer: content-type');
  const { personer } = JSON.parse(response.body) as { personer: Array<Record<string, unknown>> };
  assert.ok(Array.isArray(personer) && personer.length >= min && personer.length <= max, `peer: ${min}–${max} rows (got ${personer?.length})`);
  for (const row of personer) {
    for (const key of ['personidentifikator', 'status', 'reservasjon', 'epostadresse', 'postkasseleverandoeradresse', 'leverandoer_sertifikat']) {
      assert.ok(key in row, `peer: row column ${key}`);
    }
  }
}

/** `krr-lookup`: 1000 persons per request (990 in the register, 10 not), 8 connections. */
export const krrLookup: Workload = {
  name: 'krr-lookup',
  description:
    'POST /krr/rest/v2/personer, 1000 random persons per request (8 connections); ours = KRR on the full platform (token, audit log), peer = the same SELECT … = ANY($1) as JSON on bare node:http',
  servers: {
    ours: { label: 'grunnmur KRR', entry: new URL('./ours.ts', import.meta.url) },
    peer: { label: 'raw query + node:http', entry: new URL('./peer.ts', import.meta.url) },
  },
  request: { method: 'POST', path: '/krr/rest/v2/personer' },
  generator: generator((details) => () => body(randomLookup(details.space, REGISTERED, UNREGISTERED))),
  connections: 8,
  verify(side, response) {
    if (side === 'peer') return checkPeer(response, REGISTERED, REGISTERED);
    const personer = checkOurs(response, REGISTERED + UNREGISTERED);
    assert.equal(personer.filter((p) => p.status === 'IKKE_REGISTRERT').length, UNREGISTERED, 'ours: IKKE_REGISTRERT entries');
    assert.ok(personer.some((p) => p.status === 'SLETTET'), 'ours: some SLETTET');
    assert.ok(personer.some((p) => p.reservasjon === 'JA'), 'ours: some reserved');
    assert.ok(personer.some((p) => (p.kontaktinformasjon as Record<string, unknown> | undefined)?.epostadresse), 'ours: some kontaktinformasjon.epostadresse');
    assert.ok(personer.some((p) => (p.digital_post as Record<string, unknown> | undefined)?.postkasseadresse && typeof p.sertifikat === 'string'), 'ours: some digital_post with sertifikat');
    assert.ok(personer.some((p) => p.varslingsstatus === 'KAN_IKKE_VARSLES' && p.status === 'AKTIV'), 'ours: some AKTIV who cannot be notified');
  },
  // Issue #5: ≥ 0.5× the raw query rate, p99 < 50 ms at 8 concurrent clients.
  target: { ratio: 0.5, p99Ms: 50 },
};

/** `krr-lookup-single`: one person per request (1 % not in the register), default connections. */
export const krrLookupSingle: Workload = {
  name: 'krr-lookup-single',
  description:
    'POST /krr/rest/v2/personer, 1 random person per request; ours = KRR on the full platform (token, audit log), peer = the same SELECT as JSON on bare node:http',
  servers: krrLookup.servers,
  request: krrLookup.request,
  generator: generator((details) => {
    let n = 0;
    return () => body([++n % 100 === 0 ? randomUnregistered(details.space) : randomRegistered(details.space)]);
  }),
  verify(side, response) {
    if (side === 'peer') return checkPeer(response, 0, 1);
    checkOurs(response, 1);
  },
  // Issue #5: ≥ 8,000 single-person lookups/s (judged on 2 cores at the measured CPU cost); the
  // ratio is this workload's own goal, the same as for 1000 persons.
  target: { ratio: 0.5, requestsPerSecond: 8_000, cores: 2 },
};
