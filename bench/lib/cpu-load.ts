/**
 * Per-core busy time from /proc/stat, to tell whether something other than the benchmark
 * (another process on a shared machine) used the server's or the generator's core during a
 * round. Linux only; elsewhere every reading is undefined.
 */
import { readFileSync } from 'node:fs';

/** Busy and total jiffies of each core, by core number. */
export type CoreTimes = Map<number, { busy: number; total: number }>;

/** Reads the per-core counters now; undefined when /proc/stat is not readable. */
export function readCoreTimes(): CoreTimes | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const times: CoreTimes = new Map();
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const v = m[2]!.trim().split(/\s+/).slice(0, 8).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    times.set(Number(m[1]), { busy: total - idle, total });
  }
  return times;
}

/** Busy share (0–100 %) of `core` between two readings; undefined when unknown. */
export function coreBusyPercent(before: CoreTimes | undefined, after: CoreTimes | undefined, core: number): number | undefined {
  const a = before?.get(core);
  const b = after?.get(core);
  if (!a || !b || b.total === a.total) return undefined;
  return (100 * (b.busy - a.busy)) / (b.total - a.total);
}
