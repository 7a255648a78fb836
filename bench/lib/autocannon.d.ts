/**
 * The part of autocannon 9's programmatic API the harness uses (the package ships no types).
 *
 * @see node_modules/autocannon/README.md "API"
 */
declare module 'autocannon' {
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

  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
  export type { AutocannonOptions, AutocannonResult, AutocannonHistogram };
}
