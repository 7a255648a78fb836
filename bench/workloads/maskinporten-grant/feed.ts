/**
 * The request feed of the `maskinporten-grant` workload: one freshly signed RS256 client
 * assertion (unique `jti`) per request, signed here, in the harness process, before each
 * warm-up and round (not measured). Signing one costs ≈ 0.3 ms, so signing during the load
 * would cap the generator near the rate the servers reach; pre-signing keeps the generator free.
 * Two cores sign a batch: this thread (the generator's core) and a worker thread that moves
 * itself to the server's core (signer-worker.ts), which is idle between rounds.
 *
 * Time: both servers check the assertion's clock claims when the request arrives. Ours refuses an
 * `iat` more than {@link MAX_SKEW_S} s away from its clock and `exp − iat` above 120 s
 * (specs/idporten-maskinporten.md §3). So a batch is signed for a *planned* start of its round:
 * `iat` = planned start + 8.5 s (ahead, but within the skew when the round starts),
 * `exp = iat + 110 s`, and the feed waits for the planned start when signing was quicker. The
 * plan assumes signing runs at 85 % of the measured rate; signing goes in chunks of 500 and each
 * chunk re-plans from the rate so far (the start only ever moves later). The last request of a
 * round (10 s, plus up to 1.5 s autocannon may overrun) then still finds its `iat` at most 9 s old
 * as long as the start slipped at most 5 s from the plan of the first chunk; when it slipped more
 * (the generator's core slowed down), the whole batch is signed again with a more pessimistic
 * plan, up to three times, and a batch that still cannot be made valid fails the run. Rounds
 * longer than 13 s cannot be fed (one `iat` cannot cover them).
 *
 * @see bench/README.md "maskinporten-grant"
 */
import { generateKeyPairSync } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { BenchRequest, RequestFeed, Side } from '../../lib/workload.ts';
import { makeSigner, measureSigningRate, signBodies, type OursDetails, type PeerDetails, type Signer, type SignJob } from './signing.ts';

export type { OursDetails, PeerDetails } from './signing.ts';

/** Seconds an assertion's `iat` may be away from the server's clock (ours: ±10 s). */
export const MAX_SKEW_S = 10;
/** Seconds autocannon may run past its `duration` (it stops at its next 1 s sample tick). */
const OVERRUN_S = 1.5;
/** Safety margin kept inside {@link MAX_SKEW_S}, seconds. */
const SKEW_MARGIN_S = 1;
/** Assertions per chunk: the unit of re-planning and of the work split between the two cores. */
const CHUNK = 500;
/** Seconds an assertion's `iat` is set ahead of the planned start (ours accepts up to 10). */
const AHEAD_S = MAX_SKEW_S - 1.5;
/** Least slack (seconds the real start may be later than planned) a round length must leave. */
const MIN_SLACK_S = 1.5;
/**
 * Per signing pass, the share of the measured signing rate the planned start assumes. When the
 * generator's core slows down during a pass (other processes), the batch is signed again, more
 * pessimistically, up to three more times.
 */
const PESSIMISM = [0.85, 0.6, 0.4, 0.25] as const;

/** Signatures per second of one core (this thread's), measured once: the ceiling of any server core. */
let oneCoreRate = Number.NaN;
/** Assertions per second the last batch was signed at (both lanes together). */
let batchRate = Number.NaN;

/** The worker thread on the server's core, started with the ceiling's measurement (see signer-worker.ts). */
let worker: { sign(job: Omit<SignJob, 'id'>): Promise<string[]> } | undefined;
/** Set when the worker could not start: this thread then signs alone. */
let workerFailed = false;

function startWorker(): NonNullable<typeof worker> {
  const w = new Worker(new URL('./signer-worker.ts', import.meta.url));
  w.unref();
  const pending = new Map<number, { resolve: (bodies: string[]) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  w.on('message', ({ id, bodies }: { id: number; bodies: string[] }) => {
    pending.get(id)?.resolve(bodies);
    pending.delete(id);
  });
  w.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = undefined;
  });
  return {
    sign(job) {
      const id = nextId++;
      return new Promise<string[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ ...job, id } satisfies SignJob);
      });
    },
  };
}

/**
 * Starts the worker (once) and has it sign a few throw-away assertions, so that its start-up
 * (module loading, JIT) is not taken for a slow signing rate.
 */
async function warmWorker(): Promise<void> {
  if (worker || workerFailed) return;
  const w = startWorker();
  const privateJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const details: OursDetails = { clientId: 'warm-up', kid: 'warm-up', privateJwk, audience: 'x', scope: 'x', tokenPath: '/' };
  try {
    await w.sign({ side: 'ours', details, iat: 0, count: 50 });
    worker = w;
  } catch {
    // No worker: this thread signs alone.
    workerFailed = true;
  }
}

/** Per-side request templates. */
function request(_side: Side, details: unknown): Omit<BenchRequest, 'body'> {
  const { tokenPath } = details as OursDetails | PeerDetails;
  return { method: 'POST', path: tokenPath, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } };
}

/**
 * Signs `count` assertions for `side` and returns the form bodies, at the round's planned start
 * (waiting for it when signing was quicker than planned). See the module comment.
 *
 * @throws Error when a round is too long for one skew window, or the generator's core was so
 *   slow that the batch could not be signed close enough to the start
 */
async function prepare(side: Side, count: number, durationS: number, details: unknown): Promise<string[]> {
  const windowS = durationS + OVERRUN_S;
  // iat = ⌊planned start + AHEAD_S⌋ is at most AHEAD_S ahead of the clock at the real start (the
  // feed waits for the planned start, so the real one is never earlier), and it is at most
  // MAX_SKEW_S − SKEW_MARGIN_S behind at the end of the round if the real start is at most
  // `slackS` later than planned.
  const slackS = AHEAD_S - 1 + (MAX_SKEW_S - SKEW_MARGIN_S) - windowS;
  if (slackS < MIN_SLACK_S) {
    const maxDuration = Math.floor(AHEAD_S - 1 + (MAX_SKEW_S - SKEW_MARGIN_S) - MIN_SLACK_S - OVERRUN_S);
    throw new Error(
      `maskinporten-grant: a ${durationS} s round cannot be fed: every assertion must be sent within ±${MAX_SKEW_S} s of its iat; use --duration ${maxDuration} or less`,
    );
  }
  if (!Number.isFinite(oneCoreRate)) oneCoreRate = measureSigningRate();
  if (count > CHUNK) await warmWorker();
  // Two cores rarely sign twice as fast as one measured alone (thread hand-offs, other load).
  if (!Number.isFinite(batchRate)) batchRate = oneCoreRate * (worker ? 1.5 : 1);
  const local: Signer = makeSigner(side, details);
  const bodies: string[] = new Array<string>(count);
  const chunks = Math.ceil(count / CHUNK);
  const iats: number[] = new Array<number>(chunks).fill(Number.NaN);
  /** Planned start of the round, epoch ms; within a pass it only ever moves later. */
  let startMs = 0;
  const valid = (iat: number): boolean => startMs / 1000 + windowS - iat <= MAX_SKEW_S - SKEW_MARGIN_S;
  const sizeOf = (k: number): number => Math.min(count, (k + 1) * CHUNK) - k * CHUNK;

  for (let pass = 0; pass < PESSIMISM.length; pass++) {
    // Every pass signs the whole batch: re-signing only the chunks that came out too old would
    // move the start later again and age the others.
    const pessimism = PESSIMISM[pass]!;
    const queue = iats.map((_iat, k) => k);
    startMs = 0;
    const t0 = performance.now();
    let signed = 0;
    let inFlight = 0;
    /** Signing rate so far in this pass once a few chunks are done (contention shows soon), else the last big batch's. */
    const measuredAfter = Math.max(4 * CHUNK, Math.floor(count / 10));
    const rate = (): number => (signed >= measuredAfter ? (signed * 1000) / Math.max(1, performance.now() - t0) : batchRate);
    const plan = (assertionsLeft: number): void => {
      startMs = Math.max(startMs, Date.now() + (assertionsLeft * 1000) / (rate() * pessimism));
    };
    /** Takes the next chunk and fixes its iat from the plan (everything not yet signed counts). */
    const next = (): { k: number; iat: number } | undefined => {
      const k = queue.shift();
      if (k === undefined) return undefined;
      plan((queue.length + 1) * CHUNK + inFlight);
      const iat = Math.floor(startMs / 1000 + AHEAD_S);
      iats[k] = iat;
      return { k, iat };
    };
    const store = (k: number, signedBodies: string[]): void => {
      for (let i = 0; i < signedBodies.length; i++) bodies[k * CHUNK + i] = signedBodies[i]!;
      signed += signedBodies.length;
    };
    const remote = async (): Promise<void> => {
      if (!worker) return;
      for (let job = next(); job; job = next()) {
        inFlight += sizeOf(job.k);
        try {
          store(job.k, await worker.sign({ side, details, iat: job.iat, count: sizeOf(job.k) }));
        } finally {
          inFlight -= sizeOf(job.k);
        }
      }
    };
    const here = async (): Promise<void> => {
      for (let job = next(); job; job = next()) {
        store(job.k, signBodies(local, job.iat, sizeOf(job.k)));
        // Let the worker's answers and the IPC channel in between chunks.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([remote(), here()]);
    // Small batches (the pre-flight's, a warm-up's) say little about the sustained rate.
    if (signed >= 10 * CHUNK) batchRate = (signed * 1000) / Math.max(1, performance.now() - t0);
    plan(0);
    if (iats.every(valid)) break;
  }
  const late = iats.filter((iat) => !valid(iat)).length;
  if (late > 0) {
    throw new Error(
      `maskinporten-grant: could not sign ${count} assertions for ${side} close enough to the round's start in ${PESSIMISM.length} passes (${late} of ${chunks} chunks would be more than ${MAX_SKEW_S} s old when sent): the generator's core is too busy`,
    );
  }
  const waitMs = startMs - Date.now();
  if (waitMs > 0) await new Promise<void>((resolve) => setTimeout(resolve, waitMs));
  return bodies;
}

/** The feed of the `maskinporten-grant` workload. */
export const maskinportenFeed: RequestFeed = {
  request,
  async ceilingPerCore() {
    // Every token costs the server at least one RS256 signature, so no server core can answer
    // faster than one core signs (the harness adds a margin for cores of unequal speed).
    if (!Number.isFinite(oneCoreRate)) oneCoreRate = measureSigningRate();
    await warmWorker();
    return oneCoreRate;
  },
  prepare,
};
