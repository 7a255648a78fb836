/**
 * CPU pinning with `taskset` (util-linux): the server child on core 0, the load generator
 * (this process) on core 1, so the two never compete for a core and every round runs under
 * the same placement.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Core of the server child. */
export const SERVER_CORE = 0;
/** Core of the load generator (this process). */
export const CLIENT_CORE = 1;

/** Whether pinning is in effect, and why not when it is not. */
export interface Pinning {
  enabled: boolean;
  /** Why pinning is off (no taskset, fewer than 2 cores, taskset failed); undefined when on. */
  reason?: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pins every thread of this process to {@link CLIENT_CORE} (`taskset -a -cp 1 <pid>`) when
 * `taskset` exists and the machine has at least two cores. Threads created later inherit it.
 */
export function pinSelf(): Pinning {
  if (!hasTaskset()) return { enabled: false, reason: 'taskset not found (install util-linux)' };
  if (availableParallelism() < 2) return { enabled: false, reason: `only ${availableParallelism()} core available` };
  try {
    execFileSync('taskset', ['-a', '-cp', String(CLIENT_CORE), String(process.pid)], { stdio: 'ignore' });
    return { enabled: true };
  } catch (err) {
    return { enabled: false, reason: `taskset failed: ${(err as Error).message}` };
  }
}

/** The command and arguments that run `argv` on {@link SERVER_CORE} (or unpinned). */
export function pinnedCommand(pinning: Pinning, argv: [string, ...string[]]): [string, string[]] {
  if (pinning.enabled) return ['taskset', ['-c', String(SERVER_CORE), ...argv]];
  const [command, ...args] = argv;
  return [command, args];
}
