/**
 * The part of autocannon 9's programmatic API the harness uses (the package ships no types).
 *
 * @see node_modules/autocannon/README.md "API"
 */
declare module 'autocannon' {
  /** What `setupRequest` receives and returns: the request about to be serialised. */
  interface AutocannonRequestData {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: string | Buffer;
    [key: string]: unknown;
  }

  /**
   * One entry of `requests`. Each connection cycles through the list; `setupRequest` runs each
   * time the entry is built (once when a connection is created, then before each send).
   */
  interface AutocannonRequest {
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    setupRequest?: (request: AutocannonRequestData, context: Record<string, unknown>) => AutocannonRequestData;
  }

  /** Options of one run. `duration` is in seconds. */
  interface AutocannonOptions {
    url: string;
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
    headers?: Record<string, string>;
    body?: string | Buffer;
    connections?: number;
    pipelining?: number;
    duration?: number;
    timeout?: number;
    title?: string;
    requests?: AutocannonRequest[];
  }

  /** A histogram summary; latency in milliseconds, requests in requests per second. */
  interface AutocannonHistogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    [percentile: `p${string}`]: number;
  }

  /** The result of a finished run. `duration` is in seconds. */
  interface AutocannonResult {
    url: string;
    duration: number;
    connections: number;
    pipelining: number;
    latency: AutocannonHistogram;
    requests: AutocannonHistogram;
    throughput: AutocannonHistogram;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    statusCodeStats: Record<string, { count: number }>;
  }

  /** The running instance: a promise of the result that can also be stopped early. */
  interface AutocannonInstance extends PromiseLike<AutocannonResult> {
    /** Ends the run at its next 1 s sample tick. */
    stop(): void;
  }

  function autocannon(options: AutocannonOptions): AutocannonInstance;
  export default autocannon;
  export type { AutocannonOptions, AutocannonResult, AutocannonHistogram, AutocannonRequest, AutocannonRequestData, AutocannonInstance };
}
