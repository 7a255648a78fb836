/**
 * A worker thread that signs assertions for the feed (feed.ts) on the *server's* core, so a
 * batch is signed by two cores at once. It only works while the feed prepares a batch, when no
 * load runs and the servers are idle; during measured rounds it sleeps.
 *
 * On start it moves itself to the server core (`taskset -cp 0 <tid>`); threads otherwise inherit
 * the harness's core 1. Without `taskset` it stays where it is (unpinned runs).
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { SERVER_CORE } from '../../lib/pinning.ts';
import { makeSigner, signBodies, type Signer, type SignJob } from './signing.ts';

try {
  // /proc/thread-self → "<pid>/task/<tid>"
  const tid = readlinkSync('/proc/thread-self').split('/').pop()!;
  execFileSync('taskset', ['-cp', String(SERVER_CORE), tid], { stdio: 'ignore' });
} catch {
  // No taskset or no /proc: sign wherever the scheduler puts us.
}

const signers = new Map<string, Signer>();

parentPort?.on('message', (job: SignJob) => {
  const key = `${job.side} ${JSON.stringify(job.details)}`;
  let signer = signers.get(key);
  if (!signer) {
    signer = makeSigner(job.side, job.details);
    signers.set(key, signer);
  }
  parentPort?.postMessage({ id: job.id, bodies: signBodies(signer, job.iat, job.count) });
});
