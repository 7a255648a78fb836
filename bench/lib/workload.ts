/**
 * What a benchmark workload declares: the two servers (ours and the peer), the request the
 * load generator sends, a check of one response from each server before the load starts, and
 * the ratio target (ours ÷ peer requests/s).
 *
 * @see /work/shared/specs/performance-anchors.md §4–§5 (method and targets)
 */

import type { FlowDriver } from './flow-driver.ts';

/** Which of the two servers. */
export type Side = 'ours' | 'peer';

/** One server of a workload: a script run as a child process (see lib/server-child.ts). */
export interface ServerSpec {
  /** Shown in the table, e.g. `grunnmur (createPlatform + buildServer)`. */
  label: string;
  /** The server script, a file URL (`new URL('./ours.ts', import.meta.url)`). */
  entry: URL;
}

/** The request the load generator repeats. */
export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/bench/hello/grunnmur`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A workload whose every request needs a body of its own (e.g. a freshly signed JWT with a
 * unique `jti`). Before each warm-up and each measured round (unmeasured) the harness asks for a
 * batch of bodies sized to outlast the round, and autocannon sends one per request, in order.
 * A round that uses up its batch stops and fails: bodies are never reused.
 */
export interface RequestFeed {
  /**
   * The request template of `side` (method, path, headers; the body comes from
   * {@link RequestFeed.prepare}). `details` is what that server passed to `announceListening`.
   */
  request(side: Side, details: unknown): Omit<BenchRequest, 'body'>;
  /**
   * An upper bound of the responses per second one server core can give (e.g. the RS256
   * signing rate, when every response needs a signature), measured once in this process.
   * Batches are sized from it until a side's real rate is known.
   */
  ceilingPerCore(): Promise<number>;
  /**
   * `count` distinct bodies for a load of `durationS` seconds on `side` that starts as soon as
   * the promise resolves. `details` as in {@link RequestFeed.request}.
   *
   * @throws Error when the bodies cannot be made (fails the run)
   */
  prepare(side: Side, count: number, durationS: number, details: unknown): Promise<string[]>;
}

/**
 * A workload whose every request gets a fresh body and/or path that is cheap to make (random
 * keys, not a signature): autocannon calls the makers for each request, in the generator's
 * process, while the load runs. Unlike {@link RequestFeed} nothing is prepared in advance, so
 * large bodies at high rates cost no memory. The pre-flight check gets the makers' first values.
 */
export interface RequestGenerator {
  /** The request template of `side` (method, path, headers); `details` as in {@link RequestFeed.request}. */
  request(side: Side, details: unknown): Omit<BenchRequest, 'body'>;
  /** The body maker of `side`: each call returns the next request's body. Absent: no body. */
  bodies?(side: Side, details: unknown): () => string;
  /** The path maker of `side` (path and query): each call returns the next request's path. Absent: the template's path. */
  paths?(side: Side, details: unknown): () => string;
}

/** One response as seen by the pre-flight check. */
export interface PreflightResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** A benchmark workload. */
export interface Workload {
  /** CLI name, kebab-case. */
  name: string;
  /** One line: what is measured. */
  description: string;
  servers: Record<Side, ServerSpec>;
  /** The request repeated unchanged (ignored when {@link Workload.feed} is set, except in the report). */
  request: BenchRequest;
  /** Per-side requests with a fresh body each; replaces {@link Workload.request} when set. */
  feed?: RequestFeed;
  /** Per-side requests with a fresh body made per request while loading; replaces {@link Workload.request} when set. */
  generator?: RequestGenerator;
  /** Connections (the variants' `cN`) when `--connections` is not given; default 100. */
  connections?: number;
  /**
   * A workload measured in complete multi-request flows (a login with cookies), driven by
   * `lib/flow-driver.ts` instead of autocannon: `connections` is then the number of virtual
   * browsers, pipelined variants are skipped, the rates are flows/s and the latencies per flow,
   * and `verify` checks the last answer of one flow per side.
   */
  flow?: FlowDriver;
  /**
   * Checks one response from a server before any load is sent, so that a benchmark of error
   * pages or of a half-wired stack cannot pass.
   *
   * @throws Error describing what is wrong with the response
   */
  verify(side: Side, response: PreflightResponse): void;
  /**
   * Ours ÷ peer requests/s (pipelining 1) that the workload must reach; `aspiration` is the
   * spec's goal; `requestsPerSecond` an absolute goal for ours (median, pipelining 1), if any,
   * stated for `cores` server cores (default: the cores the server gets in the run, 1 pinned);
   * `p99Ms` a latency goal for ours (median of the rounds' p99, pipelining 1), if any.
   */
  target: { ratio: number; aspiration?: number; requestsPerSecond?: number; cores?: number; p99Ms?: number };
}
