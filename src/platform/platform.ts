/**
 * The platform context: what the kernel gives every component (config, database, logger,
 * durable jobs, outbox, signing keys, test PKI, usage statistics, metrics).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import type { KeyStore } from './keys/key-store.ts';
import type { Outbox } from './outbox/outbox.ts';
import type { TestPki } from './pki/test-pki.ts';
import type { Stats } from './stats/stats.ts';

/** Everything the kernel offers a component. One per process. */
export interface Platform {
  readonly config: Config;
  readonly db: Database;
  readonly log: Logger;
  readonly jobs: JobQueue;
  readonly outbox: Outbox;
  readonly keys: KeyStore;
  readonly pki: TestPki;
  readonly stats: Stats;
  /** Prometheus registry served at `/metrics`. */
  readonly metrics: Registry;
  /** Components served by this process (after `--only`). */
  readonly components: readonly import('./component.ts').Component[];
}
