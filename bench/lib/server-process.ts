/**
 * The parent side of the harness protocol: starts a benchmark server script as a child
 * process (pinned), waits for its `listening` message, measures its CPU time, and stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { pinnedCommand, type Pinning } from './pinning.ts';
import type { ListeningMessage, ServerChildOptions } from './server-child.ts';

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** A running benchmark server. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  pid: number;
  /** What the child passed to `announceListening` as `details` (undefined when nothing). */
  details: unknown;
  /** CPU seconds (user + system, all threads) used so far, from /proc; undefined off Linux. */
  cpuSeconds(): number | undefined;
  /** SIGTERM, then SIGKILL after 10 s. Resolves when the process has exited. */
  stop(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  entry: URL;
  child: ServerChildOptions;
  pinning: Pinning;
  /** Where the child's stdout goes (its request log); `/dev/null` by default. */
  stdoutPath?: string;
  /** Where the child's stderr goes; shown when the child fails. */
  stderrPath: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
}

/**
 * Starts `entry` with the current Node binary on the server core and waits until it listens.
 *
 * @throws Error when the child exits or does not listen within 120 s (with its stderr)
 */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const out = openSync(options.stdoutPath ?? '/dev/null', 'w');
  const err = openSync(options.stderrPath, 'w');
  const [command, args] = pinnedCommand(options.pinning, [
    process.execPath,
    ...(options.nodeFlags ?? []),
    fileURLToPath(options.entry),
    JSON.stringify(options.child),
  ]);
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', out, err, 'ipc'] });
  } finally {
    closeSync(out);
    closeSync(err);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderrTail = (): string => {
    try {
      return readFileSync(options.stderrPath, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  };
  let details: unknown;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${fileURLToPath(options.entry)} did not listen within ${START_TIMEOUT_MS / 1000} s\n${stderrTail()}`));
    }, START_TIMEOUT_MS);
    child.on('message', (message: ListeningMessage) => {
      if (message?.type !== 'listening') return;
      clearTimeout(timer);
      details = message.details;
      resolve(message.port);
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${fileURLToPath(options.entry)} exited with code ${code} before listening\n${stderrTail()}`));
    });
  });
  const pid = child.pid ?? -1;
  return {
    origin: `http://127.0.0.1:${port}`,
    pid,
    details,
    cpuSeconds() {
      try {
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
      } catch {
        return undefined;
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
