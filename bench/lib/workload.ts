/**
 * What a benchmark workload declares: the two servers (ours and the peer), the request the
 * load generator sends, a check of one response from each server before the load starts, and
 * the ratio target (ours ÷ peer requests/s).
 *
 * @see /work/shared/specs/performance-anchors.md §4–§5 (method and targets)
 */

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
  request: BenchRequest;
  /**
   * Checks one response from a server before any load is sent, so that a benchmark of error
   * pages or of a half-wired stack cannot pass.
   *
   * @throws Error describing what is wrong with the response
   */
  verify(side: Side, response: PreflightResponse): void;
  /** Ours ÷ peer requests/s (pipelining 1) that the workload must reach; `aspiration` is the spec's goal. */
  target: { ratio: number; aspiration?: number };
}
