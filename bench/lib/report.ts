/** The text table printed after a workload run. */
import type { SideSummary, WorkloadResult } from './runner.ts';

const num = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));
const pct = (n: number | undefined): string => (n === undefined ? '?' : `${Math.round(n)} %`);

/**
 * Formats a result as a table: workload, variant, server, requests/s, p50 ms, p99 ms,
 * errors, non-2xx, server CPU, ratio ours ÷ peer; then the target, notes and failures.
 */
export function formatTable(result: WorkloadResult): string {
  // Flow workloads count complete flows (lib/flow-driver.ts): rates, latencies and CPU are per flow.
  const per = result.unit && result.unit !== 'requests' ? result.unit.replace(/s$/, '') : 'req';
  const header = ['workload', 'variant', 'server', `${per}/s`, 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'server CPU', `CPU µs/${per}`, 'ours ÷ peer', 'CPU-cost ratio'];
  const rows: string[][] = [];
  const row = (variant: string, s: SideSummary, ratio: string, costRatio: string): string[] => [
    result.workload,
    variant,
    s.server,
    num(s.requestsPerSecond),
    ms(s.latencyP50Ms),
    ms(s.latencyP99Ms),
    String(s.errors),
    String(s.non2xx),
    pct(s.serverCpuPercent),
    s.serverCpuUsPerRequest === undefined ? '?' : s.serverCpuUsPerRequest.toFixed(1),
    ratio,
    costRatio,
  ];
  for (const v of result.variants) {
    rows.push(row(v.name, v.ours, `${v.ratio.toFixed(2)}×`, v.cpuCostRatio === undefined ? '?' : `${v.cpuCostRatio.toFixed(2)}×`));
    rows.push(row(v.name, v.peer, '', ''));
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...rows.map(line)];
  const { target } = result;
  out.push('');
  out.push(
    `median of ${result.settings.rounds} round(s) per side; ${result.environment.pinning}; Node ${result.environment.node}, autocannon ${result.environment.autocannon}, ${result.environment.cores} × ${result.environment.cpuModel}`,
  );
  if (Number.isFinite(target.measured)) {
    out.push(
      `target (${target.variant}): ours ÷ peer ≥ ${target.ratio}×${target.aspiration ? ` (spec aspiration ${target.aspiration}×)` : ''} → measured ${target.measured.toFixed(2)}×: ${target.met ? 'met' : 'NOT met'}`,
    );
  }
  const abs = target.absolute;
  if (abs) {
    const cores = (n: number): string => `${n} core${n === 1 ? '' : 's'}`;
    out.push(
      abs.cores > abs.serverCores
        ? `target (${target.variant}): ours ≥ ${num(abs.requestsPerSecond)} ${per}/s on ${cores(abs.cores)} → measured ${num(abs.measured)} ${per}/s on ${cores(abs.serverCores)}; ` +
            `${cores(abs.cores)} at the measured CPU cost would serve ${abs.projected === undefined ? '?' : num(abs.projected)} ${per}/s: ${abs.met ? 'met' : 'NOT met'}`
        : `target (${target.variant}): ours ≥ ${num(abs.requestsPerSecond)} ${per}/s → measured ${num(abs.measured)} ${per}/s: ${abs.met ? 'met' : 'NOT met'}`,
    );
  }
  const lat = target.latency;
  if (lat && Number.isFinite(lat.measured)) {
    out.push(
      `target (${target.variant}): ours p99 < ${lat.p99Ms} ms at ${lat.connections} connections → measured ${ms(lat.measured)} ms: ${lat.met ? 'met' : 'NOT met'}`,
    );
  }
  out.push(`CPU-cost ratio = peer ÷ ours server CPU time per ${per === 'req' ? 'request' : per}: the ${per}/s ratio two quiet, saturated cores would show`);
  for (const note of result.notes) out.push(`note: ${note}`);
  for (const failure of result.failures) out.push(`FAILED: ${failure}`);
  return out.join('\n');
}
