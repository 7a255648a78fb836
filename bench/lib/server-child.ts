/**
 * The child side of the harness protocol. A benchmark server is a script that the harness
 * starts as a child process (pinned to core 0). It reads its {@link ServerChildOptions} from
 * `argv[2]`, listens on 127.0.0.1 on an ephemeral port, and calls {@link announceListening},
 * which sends `{ type: 'listening', port }` over the IPC channel and closes the server on
 * SIGTERM, SIGINT or when the harness goes away.
 */

/** What the harness tells a server child (JSON in `argv[2]`). */
export interface ServerChildOptions {
  /** A private, empty directory for databases and other files; removed by the harness. */
  tmpDir: string;
  /** pino level for servers that log (`info` by default, like production). */
  logLevel: string;
  /**
   * `--database-url`: a PostgreSQL server for servers that use a database (each makes its own
   * fresh database there and drops it on exit); absent = a SQLite file in `tmpDir`.
   */
  databaseUrl?: string;
  /** `--size`: servers that load data may size it by this (e.g. the persons of a register). */
  size?: 'smoke' | 'full';
  /**
   * The peer only: what ours passed to `announceListening` (ours starts first and stops last), so
   * a peer can serve from ours' database (`krr-lookup`).
   */
  ours?: unknown;
}

/** The message a server child sends when it accepts connections. */
export interface ListeningMessage {
  type: 'listening';
  port: number;
  /** What the workload's request feed needs to know about this server (client id, keys, …); JSON. */
  details?: unknown;
}

/**
 * Reads the options the harness passed in `argv[2]`.
 *
 * @throws Error when the script was not started by the harness
 */
export function readChildOptions(): ServerChildOptions {
  const raw = process.argv[2];
  if (!raw || !process.send) throw new Error('benchmark servers are started by bench/run.ts (needs argv[2] and an IPC channel)');
  return JSON.parse(raw) as ServerChildOptions;
}

/**
 * Tells the harness the server is listening on `port` (on 127.0.0.1), and runs `close` once
 * on SIGTERM/SIGINT or when the IPC channel closes, then exits (0, or 1 when close fails).
 * `details` (JSON-serialisable) reach the workload's request feed (`RequestFeed` in workload.ts).
 */
export function announceListening(port: number, close: () => Promise<void>, details?: unknown): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  const message: ListeningMessage = { type: 'listening', port, ...(details !== undefined ? { details } : {}) };
  process.send?.(message);
}

/** Runs a server child's `main`, reporting a failed start on stderr with exit code 1. */
export function runServerChild(main: (options: ServerChildOptions) => Promise<void>): void {
  main(readChildOptions()).catch((err: unknown) => {
    console.error('benchmark server failed to start:', err);
    process.exit(1);
  });
}
