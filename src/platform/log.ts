/**
 * The process log: pino JSON lines on standard output, the per-request loggers Fastify hands
 * out as `request.log`, and the access-log line the HTTP kernel writes for every request.
 * `npm run bench http-core` measures what logging costs per request; three things keep it low:
 *
 * - {@link stdoutDestination} collects the lines of one event-loop turn and writes them with one
 *   synchronous `write(2)`. pino's default destination writes asynchronously, and its
 *   `SonicBoom` re-measures (and so flattens) its whole pending buffer on every line.
 * - {@link requestLoggerFactory} gives each request a logger whose pino child is made only when
 *   the request logs something of its own; the access-log line does not need it.
 * - {@link accessLogWriter} formats the access-log line of the process logger
 *   ({@link createProcessLogger}) with one template instead of pino's generic serialiser; the
 *   line is byte for byte the one pino would write (tested).
 */
import pino, { type Logger } from 'pino';
import type { FastifyBaseLogger } from 'fastify';

/** What pino needs of a destination, plus the flush calls `logger.flush()` makes. */
export interface LogDestination {
  write(line: string): boolean;
  flush(callback?: (err?: Error) => void): void;
  flushSync(): void;
}

/** Above this many UTF-16 code units pending, {@link lineBatcher} writes at once instead of at the end of the turn. */
export const MAX_PENDING_CHARS = 64 * 1024;

/** What {@link lineBatcher} writes to: pino's `SonicBoom` (`pino.destination()`) or a test double. */
export interface LineSink {
  write(text: string): unknown;
  flush(callback?: (err?: Error) => void): void;
  flushSync(): void;
}

/**
 * A pino destination that collects the lines logged during one event-loop turn and hands them
 * to `sink` in one `write`: when the turn ends (`setImmediate`), as soon as more than
 * {@link MAX_PENDING_CHARS} are pending, or on `flush()`/`flushSync()`.
 *
 * @param sink where the collected lines go
 */
export function lineBatcher(sink: LineSink): LogDestination {
  let pending = '';
  let scheduled = false;
  const writePending = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    sink.write(text);
  };
  return {
    write(line) {
      pending += line;
      if (pending.length > MAX_PENDING_CHARS) writePending();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(writePending);
      }
      return true;
    },
    flush(callback) {
      writePending();
      sink.flush(callback);
    },
    flushSync() {
      writePending();
      sink.flushSync();
    },
  };
}

let stdout: LogDestination | undefined;

/**
 * Standard output as pino's destination: a {@link lineBatcher} over pino's own synchronous
 * `SonicBoom` on fd 1 (partial writes and `EAGAIN` are handled there), flushed when the process
 * exits (`process.on('exit')`, which also runs after an uncaught exception). A line reaches
 * stdout at the end of the event-loop turn that logged it; only a process killed outright
 * (SIGKILL, out of memory) loses that turn's lines, as pino's asynchronous default could lose
 * its unwritten buffer. A log reader that stops reading slows the server down (the write
 * blocks) rather than growing its memory.
 *
 * @returns the one destination for fd 1 of this process (created on first call)
 * @see https://getpino.io/#/docs/asynchronous
 */
export function stdoutDestination(): LogDestination {
  if (stdout) return stdout;
  const destination = lineBatcher(pino.destination({ dest: 1, sync: true }));
  process.on('exit', () => destination.flushSync());
  stdout = destination;
  return destination;
}

/** The bindings of every line of the process logger. */
const BASE = { service: 'grunnmur' } as const;

/** pino's number for `info`. */
const INFO = 30;

/** The access-log line's fields, in the order they are written. */
export interface AccessLogLine {
  /** The request id (`x-request-id`), pino's `reqId` binding of `request.log`. */
  reqId: string;
  method: string;
  /** Path and query as received. */
  url: string;
  status: number;
  /** Response time in milliseconds, rounded to 0.1 ms. */
  ms: number;
}

/** Fast access-log writers of the loggers made by {@link createProcessLogger}. */
const accessWriters = new WeakMap<Logger, (line: AccessLogLine) => void>();

/**
 * The process logger: pino JSON lines at `level`, each with `"service":"grunnmur"`, on
 * {@link stdoutDestination}. Its access-log lines take {@link accessLogWriter}'s fast path.
 *
 * @param level pino level (`LOG_LEVEL`)
 * @param destination where lines go (tests); default standard output
 */
export function createProcessLogger(level: string, destination: LogDestination = stdoutDestination()): Logger {
  const log = pino({ level, base: BASE }, destination);
  const prefix = `{"level":${INFO},"time":`;
  const bindings = `,${JSON.stringify(BASE).slice(1, -1)}`;
  accessWriters.set(log, ({ reqId, method, url, status, ms }) => {
    destination.write(
      `${prefix}${Date.now()}${bindings},"reqId":${jsonString(reqId)},"method":${jsonString(method)},"url":${jsonString(url)},"status":${status},"ms":${ms},"msg":"request"}\n`,
    );
  });
  return log;
}

/**
 * How to write the access-log line through `log`: the line `log.info(line, 'request')` writes,
 * when `log` logs at `info`. For a logger made by {@link createProcessLogger} the line is formatted
 * directly; any other logger (tests, a caller's own) gets the `log.info` call itself.
 *
 * @param log the server's logger
 */
export function accessLogWriter(log: Logger): (line: AccessLogLine) => void {
  const fast = accessWriters.get(log);
  if (!fast) return (line) => log.info(line, 'request');
  return (line) => {
    if (log.levelVal <= INFO) fast(line);
  };
}

/** Characters a JSON string must escape. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** A JSON string literal, as pino writes it (non-ASCII characters as they are). */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * A request's logger (`request.log`, `reply.log`): the pino child with the request's bindings
 * (`reqId`) is created on the first call that logs, so a request that logs nothing of its own
 * costs no child. Lines are the child's.
 */
class RequestLogger {
  readonly #parent: Logger;
  readonly #bindings: pino.Bindings;
  readonly #options: pino.ChildLoggerOptions;
  #child: Logger | undefined;

  constructor(parent: Logger, bindings: pino.Bindings, options: pino.ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  /** The pino child, created now if needed. */
  get #log(): Logger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options));
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#log.level = level;
  }

  get msgPrefix(): string | undefined {
    return this.#log.msgPrefix;
  }

  fatal(...args: unknown[]): void {
    (this.#log.fatal as (...a: unknown[]) => void)(...args);
  }

  error(...args: unknown[]): void {
    (this.#log.error as (...a: unknown[]) => void)(...args);
  }

  warn(...args: unknown[]): void {
    (this.#log.warn as (...a: unknown[]) => void)(...args);
  }

  info(...args: unknown[]): void {
    (this.#log.info as (...a: unknown[]) => void)(...args);
  }

  debug(...args: unknown[]): void {
    (this.#log.debug as (...a: unknown[]) => void)(...args);
  }

  trace(...args: unknown[]): void {
    (this.#log.trace as (...a: unknown[]) => void)(...args);
  }

  silent(): void {}

  child(bindings: pino.Bindings, options?: pino.ChildLoggerOptions): Logger {
    return this.#log.child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: a {@link RequestLogger} instead of an immediate pino child.
 *
 * @param logger the server's logger (pino)
 * @param bindings the request's bindings (`{ reqId }`)
 * @param options route-level logger options (`logLevel`, `logSerializers`)
 */
export function requestLoggerFactory(logger: FastifyBaseLogger, bindings: pino.Bindings, options: pino.ChildLoggerOptions): FastifyBaseLogger {
  return new RequestLogger(logger as unknown as Logger, bindings, options) as unknown as FastifyBaseLogger;
}
