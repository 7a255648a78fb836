/**
 * A load generator for workloads whose unit is a *flow* of several HTTP requests with cookies
 * (a login: authorize → login page → form post → code → token), which autocannon's
 * one-request model cannot express.
 *
 * N virtual browsers run in this process (the generator core). Each repeats complete flows, one
 * after another, each flow with a fresh cookie jar (a new visitor, so no SSO between flows).
 * Requests use `node:http` with one keep-alive agent (as many sockets as browsers), which costs
 * the generator far less than `fetch`. A flow that throws (an unexpected status, a missing
 * field) is counted as an error and the browser starts the next one.
 *
 * Measuring: the generator stops *starting* flows when the duration is up and waits for the
 * flows in progress, so every flow counted was complete and the server's CPU time in the window
 * was spent on counted flows only. Flows per second = completed flows ÷ the whole window
 * (including that short tail, which runs at falling concurrency and slightly lowers the rate for
 * both sides alike); per-flow latency is the time from a flow's first request to its last answer.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { PreflightResponse, Side } from './workload.ts';

/** One answer as a flow sees it. */
export interface FlowResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** `Location`, resolved against the site's public URL; undefined when there is none. */
  location: URL | undefined;
}

/** Options of one browser request. */
export interface FlowRequestOptions {
  /** Form fields: sent as `application/x-www-form-urlencoded` with POST. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Overrides the method (default GET, or POST with `form`). */
  method?: string;
  /** Do not send or store cookies (a back-channel call of the service, e.g. the token request). */
  backChannel?: boolean;
}

/**
 * A browser: a cookie jar honouring each cookie's `Path` (and `Max-Age=0` / a past `Expires`),
 * talking to one server. URLs may be paths or absolute URLs on the site's public URL
 * (`publicUrl`, which may differ from the address the server listens on).
 */
export class FlowBrowser {
  readonly #origin: URL;
  readonly #publicUrl: URL;
  readonly #agent: Agent;
  readonly #jar = new Map<string, { value: string; path: string }>();
  /** HTTP requests this browser sent. */
  requests = 0;

  constructor(origin: string, publicUrl: string, agent: Agent) {
    this.#origin = new URL(origin);
    this.#publicUrl = new URL(publicUrl);
    this.#agent = agent;
  }

  /** Whether `url` (absolute) is on the site, i.e. a URL this browser would request. */
  onSite(url: URL): boolean {
    return url.origin === this.#publicUrl.origin;
  }

  /**
   * One request, no redirect following.
   *
   * @throws Error when `url` is off the site, or on a network error
   */
  async request(url: string | URL, options: FlowRequestOptions = {}): Promise<FlowResponse> {
    const target = new URL(url, this.#publicUrl);
    if (!this.onSite(target)) throw new Error(`the browser was sent off the site: ${target.href}`);
    const path = `${target.pathname}${target.search}`;
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (!options.backChannel) {
      const cookie = this.#cookieHeader(target.pathname);
      if (cookie) headers.cookie = cookie;
    }
    this.requests++;
    const res = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          agent: this.#agent,
          host: this.#origin.hostname,
          port: this.#origin.port,
          method: options.method ?? (body !== undefined ? 'POST' : 'GET'),
          path,
          headers,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (c: Buffer) => chunks.push(c));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') }));
          incoming.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`no answer within 30 s: ${path}`)));
      req.end(body);
    });
    if (!options.backChannel) this.#store(res.headers['set-cookie'], target.pathname);
    const location = res.headers.location;
    return { ...res, location: location ? new URL(location, target) : undefined };
  }

  #cookieHeader(path: string): string | undefined {
    let out = '';
    for (const [name, c] of this.#jar) {
      if (path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)) out += `${out ? '; ' : ''}${name}=${c.value}`;
    }
    return out || undefined;
  }

  #store(lines: string[] | undefined, requestPath: string): void {
    for (const line of lines ?? []) {
      const parts = line.split(';');
      const pair = parts[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path: string | undefined;
      let expired = value === '';
      for (let i = 1; i < parts.length; i++) {
        const attr = parts[i]!.trim();
        const lower = attr.toLowerCase();
        if (lower.startsWith('path=')) path = attr.slice(5);
        else if (lower === 'max-age=0') expired = true;
        else if (lower.startsWith('expires=') && Date.parse(attr.slice(8)) < Date.now()) expired = true;
      }
      if (expired) {
        this.#jar.delete(name);
        continue;
      }
      const dir = requestPath.lastIndexOf('/') > 0 ? requestPath.slice(0, requestPath.lastIndexOf('/')) : '/';
      this.#jar.set(name, { value, path: path ?? dir });
    }
  }
}

/** What a flow gets: a fresh browser on the server, and what the server announced. */
export interface FlowContext {
  browser: FlowBrowser;
  /** What the server passed to `announceListening` as `details`. */
  details: unknown;
  /** Which virtual browser runs the flow (0 … concurrency − 1), e.g. to give it its own account. */
  slot: number;
  /** The `http://127.0.0.1:<port>` the server listens on. */
  origin: string;
}

/**
 * A workload measured in complete flows (see the file header). Set as `Workload.flow`; the
 * workload's `verify` then checks the final answer of one flow per side before the load.
 */
export interface FlowDriver {
  /** Unit of the rate in reports, e.g. `flows`. */
  unit: string;
  /**
   * At most this many virtual browsers, whatever `--connections` says (e.g. when each needs an
   * account of its own, or when fewer already keep the server's core busy). Default: no cap.
   */
  maxConcurrency?: number;
  /** The site's public URL (issuer base) from the server's details; the listening origin by default. */
  publicUrl?(side: Side, details: unknown, origin: string): string;
  /**
   * Runs one complete flow and returns its last answer (e.g. the token response), checked by the
   * workload's `verify` in the pre-flight.
   *
   * @throws Error on any unexpected answer (the flow counts as an error)
   */
  run(side: Side, context: FlowContext): Promise<PreflightResponse>;
}

/** What a timed run of flows measured (the fields the runner reads, as from autocannon). */
export interface FlowLoadResult {
  /** Completed flows (in `total`). */
  requests: { total: number };
  /** Seconds from the start to the end of the last flow. */
  duration: number;
  /** Per complete flow, in milliseconds. */
  latency: { p50: number; p99: number; average: number };
  /** Flows that failed. */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  /** HTTP requests sent (of complete and failed flows). */
  httpRequests: number;
  /** The first few failures' messages. */
  errorSamples: string[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The virtual browsers a run with `connections` uses: `connections`, capped by the driver's `maxConcurrency`. */
export function flowConcurrency(driver: FlowDriver, connections: number): number {
  return Math.min(connections, driver.maxConcurrency ?? connections);
}

/**
 * Runs `concurrency` virtual browsers (capped by the driver's `maxConcurrency`) doing flows
 * against `origin` for `durationS` seconds (see the file header for what is counted).
 */
export async function driveFlows(
  driver: FlowDriver,
  side: Side,
  origin: string,
  details: unknown,
  concurrency: number,
  durationS: number,
): Promise<FlowLoadResult> {
  concurrency = flowConcurrency(driver, concurrency);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const publicUrl = driver.publicUrl?.(side, details, origin) ?? origin;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let httpRequests = 0;
  const t0 = performance.now();
  const end = t0 + durationS * 1000;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, slot) => {
        while (performance.now() < end) {
          const browser = new FlowBrowser(origin, publicUrl, agent);
          const start = performance.now();
          try {
            await driver.run(side, { browser, details, slot, origin });
            latencies.push(performance.now() - start);
          } catch (err) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push((err as Error).message);
          }
          httpRequests += browser.requests;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const duration = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: { total: latencies.length },
    duration,
    latency: {
      p50: Math.round(percentile(latencies, 50) * 10) / 10,
      p99: Math.round(percentile(latencies, 99) * 10) / 10,
      average: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : Number.NaN,
    },
    errors,
    timeouts: 0,
    non2xx: 0,
    statusCodeStats: {},
    httpRequests,
    errorSamples,
  };
}

/** Runs one flow (the pre-flight) and returns its last answer as the workload's `verify` takes it. */
export async function runOneFlow(driver: FlowDriver, side: Side, origin: string, details: unknown): Promise<PreflightResponse> {
  const agent = new Agent({ keepAlive: false });
  try {
    const publicUrl = driver.publicUrl?.(side, details, origin) ?? origin;
    return await driver.run(side, { browser: new FlowBrowser(origin, publicUrl, agent), details, slot: 0, origin });
  } finally {
    agent.destroy();
  }
}

/** Turns a flow answer into the `PreflightResponse` a workload's `verify` takes. */
export function asPreflight(res: FlowResponse): PreflightResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return { status: res.status, headers, body: res.body };
}
