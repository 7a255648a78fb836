/**
 * `eformidling-cycle`: complete eFormidling message cycles per second — create and send a message
 * with a 10 KB file → the delivery job puts a signed ASiC-E in the receiver's queue → peek → pop →
 * delete — through the Next Move API of the full platform, against a raw `SKIP LOCKED` queue
 * (insert, claim, delete) in the same run. Flows, driven by lib/flow-driver.ts (flows.ts).
 *
 * @see issue "Benchmark: full message cycles per second" (≥ 300 cycles/s with 10 KB payloads on
 *   PostgreSQL; report the ratio to the raw queue); specs/performance-anchors.md §5
 *   "eFormidling store-and-forward" (≥ 0.8× a raw broker or PG `SKIP LOCKED` queue)
 */
import assert from 'node:assert/strict';
import type { Workload } from '../../lib/workload.ts';
import { messageCycle } from './flows.ts';
import { PAYLOAD_BYTES } from './messages.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const eformidlingCycle: Workload = {
  name: 'eformidling-cycle',
  description:
    'full message cycles/s, 10 KB file: multipart create+send → delivery job (signed ASiC-E) → peek → pop → delete; ours = eFormidling on the full platform, peer = raw SKIP LOCKED queue insert/claim/delete',
  servers: {
    ours: { label: 'grunnmur eFormidling', entry: new URL('./ours.ts', import.meta.url) },
    peer: { label: 'raw SKIP LOCKED queue', entry: new URL('./peer.ts', import.meta.url) },
  },
  // Shown in reports only: the flow makes the requests.
  request: { method: 'POST', path: '/eformidling/api/messages/out/multipart' },
  flow: messageCycle,
  // "A few concurrent clients", each sending and receiving: enough to keep the job worker (4 at a
  // time) and the pool (10) busy; more only lengthen each cycle.
  connections: 8,
  verify(side, response) {
    if (side === 'peer') {
      assert.equal(response.status, 200, `peer: status (body ${response.body.slice(0, 300)})`);
      assert.equal(response.headers.get('content-type'), 'application/octet-stream', 'peer: content-type');
      assert.equal(Number(response.headers.get('content-length')), PAYLOAD_BYTES, 'peer: the claimed payload');
      return;
    }
    // The delete's answer (the run already checked create, peek and pop): the message's SBD.
    assert.equal(response.status, 200, `ours: delete status (body ${response.body.slice(0, 300)})`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'ours: content-type');
    assert.ok(response.headers.get('x-request-id'), 'ours: x-request-id header (request id hook)');
    const sbd = JSON.parse(response.body) as { standardBusinessDocumentHeader?: { documentIdentification?: { instanceIdentifier?: string; type?: string }; receiver?: Array<{ identifier?: { value?: string } }> } };
    const header = sbd.standardBusinessDocumentHeader;
    assert.match(String(header?.documentIdentification?.instanceIdentifier), UUID, 'ours: the deleted message’s messageId');
    assert.equal(header?.documentIdentification?.type, 'arkivmelding', 'ours: the deleted message’s type');
    assert.equal(header?.receiver?.[0]?.identifier?.value, '0192:889640782', 'ours: the receiver (NAV)');
  },
  // Issue: ≥ 300 cycles/s (measured, ours' server on one pinned core, PostgreSQL beside it); the
  // issue asks only to report the ratio, the spec's goal for store-and-forward is ≥ 0.8× the raw queue.
  target: { ratio: 0.8, requestsPerSecond: 300 },
};
