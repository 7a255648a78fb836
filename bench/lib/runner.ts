/**
 * Runs one workload: starts ours and the peer as pinned child processes, checks one response
 * from each, warms each up, then alternates measured rounds (ours, peer / peer, ours, …) with
 * autocannon in this process, and summarises each side by the median of its rounds.
 *
 * @see /work/shared/specs/performance-anchors.md §4 (method)
 */
import autocannon, { type AutocannonResult } from 'autocannon';
import { mkdirSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startServer, type ServerProcess } from './server-process.ts';
import { CLIENT_CORE, SERVER_CORE, type Pinning } from './pinning.ts';
import { coreBusyPercent, readCoreTimes } from './cpu-load.ts';
import { driveFlows, flowConcurrency, runOneFlow, type FlowDriver, type FlowLoadResult } from './flow-driver.ts';
import type { BenchRequest, Side, Workload } from './workload.ts';

/** One load shape: connections × pipelining for `durationS` seconds per round. */
export interface Variant {
  /** e.g. `c100` or `c100-p10` */
  name: string;
  connections: number;
  pipelining: number;
  /** Measured seconds per round and side. */
  durationS: number;
}

/** How a workload is run. */
export interface RunSettings {
  size: 'smoke' | 'full';
  /** Warm-up seconds per side and variant (not measured). */
  warmupS: number;
  /** Measured rounds per side and variant. */
  rounds: number;
  variants: Variant[];
  /**
   * True when `--connections` was given; otherwise a workload's own `connections` replaces the
   * default (100) in its variants.
   */
  connectionsGiven?: boolean;
  /** pino level of servers that log. */
  logLevel: string;
  /** `--database-url`, passed to the servers (see `ServerChildOptions.databaseUrl`). */
  databaseUrl?: string;
  /** When set, servers run with `--cpu-prof` and write their profiles here. */
  profileDir?: string;
  /** Private scratch directory (databases, server stderr). */
  tmpDir: string;
  pinning: Pinning;
  /** Progress lines. */
  print: (line: string) => void;
}

/** One measured round of one side. Latencies in milliseconds. */
export interface RoundResult {
  side: Side;
  round: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Share of one core the server used during the round, 0–100 (undefined off Linux). */
  serverCpuPercent: number | undefined;
  /** Server CPU time per response, in microseconds: robust against other load on the machine. */
  serverCpuUsPerRequest: number | undefined;
  /** Share of one core the load generator used during the round, 0–100. */
  clientCpuPercent: number;
  /**
   * Busy share of the server's core (0) not explained by the server, and of the generator's
   * core (1) not explained by the generator: other processes competing. Undefined unpinned.
   */
  interferencePercent: { serverCore: number; clientCore: number } | undefined;
  durationS: number;
  /**
   * Workloads with a request feed: bodies prepared for the round, bodies sent (a request the
   * round ended before answering still used its body), and seconds spent preparing (unmeasured).
   */
  bodies?: { prepared: number; used: number; prepareS: number };
  /** Flow workloads: HTTP requests per complete flow (all requests ÷ flows, failed flows' too). */
  httpRequestsPerFlow?: number;
}

/** The median of a side's rounds (errors and non-2xx are summed). */
export interface SideSummary {
  server: string;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  non2xx: number;
  serverCpuPercent: number | undefined;
  serverCpuUsPerRequest: number | undefined;
  clientCpuPercent: number;
}

/** Everything measured for one variant. */
export interface VariantResult extends Variant {
  rounds: RoundResult[];
  ours: SideSummary;
  peer: SideSummary;
  /** ours ÷ peer median requests/s. */
  ratio: number;
  /**
   * peer ÷ ours median server CPU µs per request: the throughput ratio two saturated,
   * uncontended cores would show. Less sensitive to a noisy machine than `ratio`.
   */
  cpuCostRatio: number | undefined;
}

/** The result of a workload run, as written to bench/results/*.json. */
export interface WorkloadResult {
  workload: string;
  description: string;
  /** What the rates count: `requests`, or the flow driver's unit (e.g. `flows`) for flow workloads. */
  unit: string;
  size: RunSettings['size'];
  startedAt: string;
  finishedAt: string;
  environment: {
    node: string;
    cpuModel: string;
    cores: number;
    pinned: boolean;
    pinning: string;
    autocannon: string;
  };
  settings: { warmupS: number; rounds: number; logLevel: string; request: string; database: string };
  variants: VariantResult[];
  target: {
    ratio: number;
    aspiration: number | undefined;
    variant: string;
    measured: number;
    met: boolean;
    /**
     * The workload's absolute goal for ours (median requests/s of the primary variant), if it has
     * one, for `cores` server cores. When the server had fewer (`serverCores`, 1 when pinned), the
     * goal is judged on `projected` = `cores` × 10⁶ ÷ ours' server CPU µs per request: what that
     * many saturated cores would serve at the measured cost (the load generator not counted).
     */
    absolute?: {
      requestsPerSecond: number;
      cores: number;
      serverCores: number;
      measured: number;
      projected: number | undefined;
      met: boolean;
    };
    /** The workload's latency goal for ours: median p99 of the primary variant below `p99Ms`. */
    latency?: { p99Ms: number; connections: number; measured: number; met: boolean };
  };
  /** Conditions that make the figures doubtful (e.g. the generator, not the server, saturated). */
  notes: string[];
  /** Why the run failed (errors, non-2xx, a server crash); empty when ok. */
  failures: string[];
  ok: boolean;
}

const SIDES: readonly Side[] = ['ours', 'peer'];

/** Servers still running, stopped on SIGINT. */
const live = new Set<ServerProcess>();

/** Stops every server this process started (used on SIGINT and on errors). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop()));
  live.clear();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function autocannonVersion(): string {
  try {
    return (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Where a round that ran out of prepared bodies sends its remaining requests (a 404 on any server). */
const EXHAUSTED_PATH = '/__bench/out-of-prepared-bodies';

/** A batch of bodies, one per request, consumed in order by {@link load}. */
interface BodyBatch {
  bodies: string[];
  /** How many were handed to autocannon so far. */
  used: number;
  /** Requests that found the batch empty (sent to {@link EXHAUSTED_PATH}). */
  missing: number;
  prepareS: number;
}

async function load(
  request: BenchRequest,
  server: ServerProcess,
  variant: Variant,
  durationS: number,
  pinned: boolean,
  batch?: BodyBatch,
  flow?: { driver: FlowDriver; side: Side },
  nextBody?: () => string,
  nextPath?: () => string,
): Promise<{
  result: AutocannonResult | FlowLoadResult;
  serverCpuPercent: number | undefined;
  serverCpuSeconds: number | undefined;
  clientCpuPercent: number;
  interferencePercent: RoundResult['interferencePercent'];
}> {
  const common = {
    connections: variant.connections,
    pipelining: variant.pipelining,
    duration: durationS,
    timeout: 10,
  };
  const cores0 = readCoreTimes();
  const cpu0 = server.cpuSeconds();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  let result: AutocannonResult | FlowLoadResult;
  if (flow) {
    // Complete multi-request flows by virtual browsers (lib/flow-driver.ts); connections = browsers.
    result = await driveFlows(flow.driver, flow.side, server.origin, server.details, variant.connections, durationS);
  } else if (batch) {
    // One body per request, in order. autocannon builds each connection's first request while
    // it is being constructed, then one per request sent. An empty batch stops the run and
    // sends the remaining requests to a path that answers 404, so the round fails visibly
    // instead of replaying a body.
    let instance: ReturnType<typeof autocannon> | undefined;
    let stopRequested = false;
    const template = { method: request.method, path: request.path, ...(request.headers ? { headers: request.headers } : {}) };
    instance = autocannon({
      url: server.origin,
      ...common,
      requests: [
        {
          ...template,
          setupRequest: (req) => {
            if (batch.used < batch.bodies.length) return { ...req, body: batch.bodies[batch.used++]! };
            batch.missing++;
            if (!stopRequested) {
              stopRequested = true;
              instance?.stop();
            }
            return { ...req, method: 'GET', path: EXHAUSTED_PATH, body: '' };
          },
        },
      ],
    });
    if (stopRequested) instance.stop();
    result = await instance;
  } else if (nextBody || nextPath) {
    // A fresh body and/or path per request, made now (the workload's generator).
    result = await autocannon({
      url: server.origin,
      ...common,
      requests: [
        {
          method: request.method,
          path: request.path,
          ...(request.headers ? { headers: request.headers } : {}),
          setupRequest: (req) => ({ ...req, ...(nextPath ? { path: nextPath() } : {}), ...(nextBody ? { body: nextBody() } : {}) }),
        },
      ],
    });
  } else {
    result = await autocannon({
      url: server.origin + request.path,
      method: request.method,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...common,
    });
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu1 = server.cpuSeconds();
  const client = process.cpuUsage(client0);
  const cores1 = readCoreTimes();
  const serverCpuSeconds = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  const serverCpuPercent = serverCpuSeconds === undefined ? undefined : (100 * serverCpuSeconds) / wallS;
  const clientCpuPercent = (100 * (client.user + client.system)) / 1e6 / wallS;
  const serverCore = coreBusyPercent(cores0, cores1, SERVER_CORE);
  const clientCore = coreBusyPercent(cores0, cores1, CLIENT_CORE);
  const interferencePercent =
    pinned && serverCore !== undefined && clientCore !== undefined && serverCpuPercent !== undefined
      ? { serverCore: Math.max(0, serverCore - serverCpuPercent), clientCore: Math.max(0, clientCore - clientCpuPercent) }
      : undefined;
  return { result, serverCpuPercent, serverCpuSeconds, clientCpuPercent, interferencePercent };
}

function statusCodes(result: AutocannonResult | FlowLoadResult): Record<string, number> {
  return Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]));
}

function failuresOf(label: string, result: AutocannonResult | FlowLoadResult): string[] {
  const out: string[] = [];
  if ('errorSamples' in result) {
    if (result.errors > 0) out.push(`${label}: ${result.errors} failed flows, e.g. ${result.errorSamples.join(' | ')}`);
  } else if (result.errors > 0) out.push(`${label}: ${result.errors} connection errors (${result.timeouts} timeouts)`);
  if (result.non2xx > 0) out.push(`${label}: ${result.non2xx} non-2xx responses ${JSON.stringify(statusCodes(result))}`);
  if (result.requests.total === 0) out.push(`${label}: no responses at all`);
  return out;
}

function summarise(server: string, rounds: RoundResult[]): SideSummary {
  const cpu = rounds.map((r) => r.serverCpuPercent).filter((v): v is number => v !== undefined);
  const perRequest = rounds.map((r) => r.serverCpuUsPerRequest).filter((v): v is number => v !== undefined);
  return {
    server,
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    latencyP50Ms: median(rounds.map((r) => r.latencyP50Ms)),
    latencyP99Ms: median(rounds.map((r) => r.latencyP99Ms)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    serverCpuPercent: cpu.length ? median(cpu) : undefined,
    serverCpuUsPerRequest: perRequest.length ? median(perRequest) : undefined,
    clientCpuPercent: median(rounds.map((r) => r.clientCpuPercent)),
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Runs `workload` with `settings`. Never throws for a bad measurement: failures (errors,
 * non-2xx, a failed pre-flight check) are listed in `failures` and make `ok` false.
 *
 * @throws Error when a server cannot be started (its stderr is in the message)
 */
export async function runWorkload(workload: Workload, settings: RunSettings): Promise<WorkloadResult> {
  const startedAt = new Date().toISOString();
  const failures: string[] = [];
  const notes: string[] = [];
  const { print } = settings;
  const servers = {} as Record<Side, ServerProcess>;
  const variants: VariantResult[] = [];
  const { feed, generator } = workload;
  const requests = {} as Record<Side, BenchRequest>;
  const nextBody = {} as Record<Side, (() => string) | undefined>;
  const nextPath = {} as Record<Side, (() => string) | undefined>;
  // A workload's own connection count replaces the default unless --connections was given.
  const connections = workload.connections;
  const sized =
    connections === undefined || settings.connectionsGiven
      ? settings.variants
      : settings.variants.map((v) => ({ ...v, connections, name: v.name.replace(/^c\d+/, `c${connections}`) }));
  // A flow has no pipelining: its pipelined variants are skipped.
  const variantsToRun = workload.flow ? sized.filter((v) => v.pipelining === 1) : sized;
  const flowOf = (side: Side) => (workload.flow ? { driver: workload.flow, side } : undefined);
  if (variantsToRun.length === 0) failures.push(`${workload.name} is measured in flows, which have no pipelining: run it without --pipelining, or with --pipelining 1`);
  const unit = workload.flow?.unit ?? 'requests';
  const perUnit = workload.flow ? unit.replace(/s$/, '') : 'req';
  const perSecond = `${perUnit}/s`;
  /** Highest req/s seen per side and variant in measured rounds, to size the next batch of bodies. */
  const seen = new Map<string, number>();
  let ceiling = Number.NaN;
  const serverCores = settings.pinning.enabled ? 1 : availableParallelism();
  /**
   * Bodies for one load: enough for the ceiling (all server cores at 1.25 × the feed's ceiling)
   * or 1.5 × the highest rate this side reached in an earlier measured round of this variant,
   * whichever is lower, over the duration plus 1.5 s (autocannon stops at its next 1 s tick
   * after `duration`), plus every connection's pipeline twice. Warm-ups do not count: a cold
   * server in a 1 s warm-up can run at a third of its later rate.
   */
  const prepareBatch = async (side: Side, variant: Variant, durationS: number): Promise<BodyBatch | undefined> => {
    if (!feed) return undefined;
    const bound = 1.25 * ceiling * serverCores;
    const before = seen.get(`${side} ${variant.name}`);
    const rate = before === undefined ? bound : Math.min(bound, 1.5 * before);
    const count = Math.ceil(rate * (durationS + 1.5)) + 2 * variant.connections * variant.pipelining + 100;
    const t0 = performance.now();
    const bodies = await feed.prepare(side, count, durationS, servers[side].details);
    if (bodies.length < count) throw new Error(`${workload.name}: the feed made ${bodies.length} bodies for ${side}, asked for ${count}`);
    return { bodies, used: 0, missing: 0, prepareS: (performance.now() - t0) / 1000 };
  };
  const noteRate = (side: Side, variant: Variant, rps: number): void => {
    const key = `${side} ${variant.name}`;
    seen.set(key, Math.max(seen.get(key) ?? 0, rps));
  };
  const batchFailures = (label: string, batch: BodyBatch | undefined): string[] =>
    batch && batch.missing > 0
      ? [`${label}: ran out of prepared bodies after ${batch.bodies.length} requests (${batch.missing} more were wanted; bodies are never reused, so the round was stopped and its figures are void)`]
      : [];
  try {
    for (const side of SIDES) {
      const dir = join(settings.tmpDir, `${workload.name}-${side}`);
      mkdirSync(dir, { recursive: true });
      const server = await startServer({
        entry: workload.servers[side].entry,
        child: {
          tmpDir: dir,
          logLevel: settings.logLevel,
          size: settings.size,
          ...(settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : {}),
          ...(side === 'peer' && servers.ours?.details !== undefined ? { ours: servers.ours.details } : {}),
        },
        pinning: settings.pinning,
        stderrPath: join(dir, 'stderr.log'),
        ...(settings.profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`, `--cpu-prof-name=${workload.name}-${side}.cpuprofile`] } : {}),
      });
      live.add(server);
      servers[side] = server;
      requests[side] = feed ? feed.request(side, server.details) : generator ? generator.request(side, server.details) : workload.request;
      nextBody[side] = generator?.bodies?.(side, server.details);
      nextPath[side] = generator?.paths?.(side, server.details);
      print(`  ${side}: ${workload.servers[side].label} listening at ${server.origin} (pid ${server.pid})`);
    }
    if (feed) {
      ceiling = await feed.ceilingPerCore();
      print(`  request feed: ceiling ${fmt(ceiling)} responses/s per server core (measured here); bodies prepared before each load, unmeasured`);
    }

    for (const side of SIDES) {
      if (workload.flow) {
        // One complete flow; its last answer is checked.
        try {
          workload.verify(side, await runOneFlow(workload.flow, side, servers[side].origin, servers[side].details));
        } catch (err) {
          failures.push(`pre-flight check of ${side} failed: ${(err as Error).message}`);
        }
        continue;
      }
      const { method, headers } = requests[side];
      const path = nextPath[side]?.() ?? requests[side].path;
      const body = feed ? (await feed.prepare(side, 1, 1, servers[side].details))[0] : (nextBody[side]?.() ?? requests[side].body);
      const response = await fetch(servers[side].origin + path, { method, ...(headers ? { headers } : {}), ...(body !== undefined ? { body } : {}) });
      try {
        workload.verify(side, { status: response.status, headers: response.headers, body: await response.text() });
      } catch (err) {
        failures.push(`pre-flight check of ${side} failed: ${(err as Error).message}`);
      }
    }

    if (failures.length === 0) {
      for (const variant of variantsToRun) {
        print(
          workload.flow
            ? `  ${variant.name}: ${flowConcurrency(workload.flow, variant.connections)} virtual browsers, ${settings.rounds} × ${variant.durationS} s per side after ${settings.warmupS} s warm-up`
            : `  ${variant.name}: ${variant.connections} connections, pipelining ${variant.pipelining}, ${settings.rounds} × ${variant.durationS} s per side after ${settings.warmupS} s warm-up`,
        );
        for (const side of SIDES) {
          const batch = await prepareBatch(side, variant, settings.warmupS);
          const { result } = await load(requests[side], servers[side], variant, settings.warmupS, settings.pinning.enabled, batch, flowOf(side), nextBody[side], nextPath[side]);
          failures.push(...batchFailures(`${variant.name} warm-up ${side}`, batch), ...failuresOf(`${variant.name} warm-up ${side}`, result));
        }
        const rounds: RoundResult[] = [];
        for (let round = 1; round <= settings.rounds; round++) {
          const order: readonly Side[] = round % 2 === 1 ? SIDES : [...SIDES].reverse();
          for (const side of order) {
            const batch = await prepareBatch(side, variant, variant.durationS);
            const { result, serverCpuPercent, serverCpuSeconds, clientCpuPercent, interferencePercent } = await load(
              requests[side],
              servers[side],
              variant,
              variant.durationS,
              settings.pinning.enabled,
              batch,
              flowOf(side),
              nextBody[side],
              nextPath[side],
            );
            failures.push(...batchFailures(`${variant.name} round ${round} ${side}`, batch), ...failuresOf(`${variant.name} round ${round} ${side}`, result));
            const r: RoundResult = {
              side,
              round,
              requestsPerSecond: result.requests.total / result.duration,
              latencyP50Ms: result.latency.p50,
              latencyP99Ms: result.latency.p99,
              latencyMeanMs: result.latency.average,
              requests: result.requests.total,
              errors: result.errors,
              timeouts: result.timeouts,
              non2xx: result.non2xx,
              statusCodes: statusCodes(result),
              serverCpuPercent,
              serverCpuUsPerRequest:
                serverCpuSeconds === undefined || result.requests.total === 0 ? undefined : (serverCpuSeconds * 1e6) / result.requests.total,
              clientCpuPercent,
              interferencePercent,
              durationS: result.duration,
              ...(batch ? { bodies: { prepared: batch.bodies.length, used: batch.used, prepareS: batch.prepareS } } : {}),
              ...('httpRequests' in result && result.requests.total > 0 ? { httpRequestsPerFlow: result.httpRequests / (result.requests.total + result.errors) } : {}),
            };
            if (batch) noteRate(side, variant, r.requestsPerSecond);
            rounds.push(r);
            print(
              `    round ${round} ${side.padEnd(4)} ${fmt(r.requestsPerSecond).padStart(7)} ${perSecond}  p50 ${r.latencyP50Ms} ms  p99 ${r.latencyP99Ms} ms` +
                `  server CPU ${serverCpuPercent === undefined ? '?' : Math.round(serverCpuPercent)} %` +
                `${r.serverCpuUsPerRequest === undefined ? '' : ` = ${r.serverCpuUsPerRequest.toFixed(1)} µs/${perUnit}`}  client CPU ${Math.round(clientCpuPercent)} %` +
                (r.httpRequestsPerFlow === undefined ? '' : `  ${r.httpRequestsPerFlow.toFixed(1)} HTTP requests/flow`) +
                (interferencePercent ? `  other load core0 ${Math.round(interferencePercent.serverCore)} % core1 ${Math.round(interferencePercent.clientCore)} %` : '') +
                (r.bodies ? `  bodies ${fmt(r.bodies.used)}/${fmt(r.bodies.prepared)} (prepared in ${r.bodies.prepareS.toFixed(1)} s)` : ''),
            );
          }
        }
        const ours = summarise(workload.servers.ours.label, rounds.filter((r) => r.side === 'ours'));
        const peer = summarise(workload.servers.peer.label, rounds.filter((r) => r.side === 'peer'));
        const ratio = ours.requestsPerSecond / peer.requestsPerSecond;
        const cpuCostRatio =
          ours.serverCpuUsPerRequest && peer.serverCpuUsPerRequest ? peer.serverCpuUsPerRequest / ours.serverCpuUsPerRequest : undefined;
        variants.push({ ...variant, rounds, ours, peer, ratio, cpuCostRatio });
        const interfered = rounds.filter(
          (r) => r.interferencePercent && Math.max(r.interferencePercent.serverCore, r.interferencePercent.clientCore) > 10,
        );
        if (interfered.length > 0) {
          const worst = Math.max(...interfered.map((r) => Math.max(r.interferencePercent!.serverCore, r.interferencePercent!.clientCore)));
          notes.push(
            `${variant.name}: other processes used up to ${Math.round(worst)} % of a benchmark core in ${interfered.length} of ${rounds.length} rounds: the machine was not quiet, treat the figures as rough`,
          );
        }
        const generatorBound = rounds.filter(
          (r) =>
            r.side === 'peer' &&
            r.serverCpuPercent !== undefined &&
            r.serverCpuPercent < 90 &&
            r.clientCpuPercent + (r.interferencePercent?.clientCore ?? 0) > 90,
        );
        if (generatorBound.length > 0) {
          notes.push(
            `${variant.name}: in ${generatorBound.length} peer round(s) the generator's core was full while the peer's was not: the generator (or other load on its core) limited the peer, so the req/s ratio is overstated; see the CPU-cost ratio`,
          );
        }
      }
    }
  } finally {
    // The peer first: it may use ours' database (ServerChildOptions.ours).
    for (const side of [...SIDES].reverse()) {
      const server = servers[side];
      if (!server) continue;
      await server.stop();
      live.delete(server);
    }
  }

  const primary = variants[0];
  const measured = primary?.ratio ?? Number.NaN;
  const absoluteGoal = workload.target.requestsPerSecond;
  const absoluteMeasured = primary?.ours.requestsPerSecond ?? Number.NaN;
  const goalCores = workload.target.cores ?? serverCores;
  const usPerRequest = primary?.ours.serverCpuUsPerRequest;
  const projected = goalCores > serverCores && usPerRequest ? (goalCores * 1e6) / usPerRequest : undefined;
  return {
    workload: workload.name,
    description: workload.description,
    unit,
    size: settings.size,
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      pinned: settings.pinning.enabled,
      pinning: settings.pinning.enabled ? 'server on core 0, load generator on core 1 (taskset)' : `unpinned: ${settings.pinning.reason}`,
      autocannon: autocannonVersion(),
    },
    settings: {
      warmupS: settings.warmupS,
      rounds: settings.rounds,
      logLevel: settings.logLevel,
      database: settings.databaseUrl ? settings.databaseUrl.replace(/\/\/[^@/]*@/, '//') : 'sqlite (a fresh file)',
      request: feed || generator
        ? SIDES.map((side) => (requests[side] ? `${side}: ${requests[side].method} ${requests[side].path}` : `${side}: ?`)).join('; ') + (feed ? ' (a fresh body per request)' : generator?.paths ? ' (a fresh path per request, made while loading)' : ' (a fresh body per request, made while loading)')
        : `${workload.request.method} ${workload.request.path}`,
    },
    variants,
    target: {
      ratio: workload.target.ratio,
      aspiration: workload.target.aspiration,
      variant: primary?.name ?? '',
      measured,
      met: measured >= workload.target.ratio,
      ...(absoluteGoal !== undefined
        ? {
            absolute: {
              requestsPerSecond: absoluteGoal,
              cores: goalCores,
              serverCores,
              measured: absoluteMeasured,
              projected,
              met: (goalCores > serverCores ? (projected ?? Number.NaN) : absoluteMeasured) >= absoluteGoal,
            },
          }
        : {}),
      ...(workload.target.p99Ms !== undefined
        ? {
            latency: {
              p99Ms: workload.target.p99Ms,
              connections: primary?.connections ?? 0,
              measured: primary?.ours.latencyP99Ms ?? Number.NaN,
              met: (primary?.ours.latencyP99Ms ?? Number.NaN) < workload.target.p99Ms,
            },
          }
        : {}),
    },
    notes,
    failures,
    ok: failures.length === 0 && variants.length === variantsToRun.length,
  };
}
