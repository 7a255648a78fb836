/**
 * Test helpers: run the `grunnmur` command as a user does, as a real process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

/** The CLI entry, run with the test's own Node. */
export const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (bounded by `timeoutMs`). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`grunnmur ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * Resolves with the address a starting `grunnmur start` prints ("running at http://…"); rejects
 * when it exits first or does not get there within `deadlineMs` (a deadline, not a timing check).
 */
export function waitUntilRunning(child: ChildProcessWithoutNullStreams, deadlineMs: number, stderr: () => string = () => ''): Promise<string> {
  return new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`not up within ${deadlineMs / 1000} s\n${out}\n${stderr()}`)), deadlineMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /running at (http:\/\/[^\s]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code}\n${out}\n${stderr()}`));
    });
  });
}
