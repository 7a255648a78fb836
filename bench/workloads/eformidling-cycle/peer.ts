/**
 * "Peer" of the `eformidling-cycle` workload: the floor of a durable queue — one table and the
 * three statements of a raw `SKIP LOCKED` queue, no framework, no validation, no signing, no
 * statuses, no log:
 *
 * ```sql
 * CREATE TABLE bench_queue (id bigserial PRIMARY KEY, payload bytea NOT NULL, locked_until bigint);
 * INSERT INTO bench_queue (payload) VALUES ($1);
 * UPDATE bench_queue SET locked_until = $1 WHERE id = (SELECT id FROM bench_queue
 *   WHERE locked_until IS NULL OR locked_until < $2 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
 *   RETURNING id, payload;
 * DELETE FROM bench_queue WHERE id = $1;
 * ```
 *
 * on a fresh PostgreSQL database (`--database-url`; made for the run, dropped after it) through a
 * `pg` pool of 10 (ours' `DATABASE_POOL_SIZE`), each statement its own durable commit as ours'
 * (`synchronous_commit` as the server has it), named prepared statements. Without
 * `--database-url`: the same three statements on a `node:sqlite` file with the platform's pragmas
 * (WAL, `synchronous = NORMAL`), where the single writer replaces `SKIP LOCKED`.
 *
 * One cycle is one `POST /cycle` to bare `node:http` carrying the 10 KB payload: insert it, claim
 * the oldest unlocked row (lock 300 s, ours' `EFORMIDLING_LOCK_TIMEOUT_S`), delete that row, and
 * answer the claimed payload (`application/octet-stream`). So the loop runs in this pinned
 * process like ours' work, its CPU is counted like ours', and the client sends and receives the
 * same 10 KB as ours' clients do; the HTTP request is the only thing added to the raw loop. A
 * claim that finds nothing (every unlocked row taken by concurrent claims) is tried again, at
 * most 100 times.
 */
import { createServer } from 'node:http';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import { freshPostgresDatabase } from '../../lib/postgres.ts';
import { PEER_CYCLE_PATH, type PeerDetails } from './messages.ts';

/** Ours' `DATABASE_POOL_SIZE` default. */
const POOL_SIZE = 10;
/** Ours' `EFORMIDLING_LOCK_TIMEOUT_S` default, in ms. */
const LOCK_MS = 300_000;
const CLAIM_ATTEMPTS = 100;

const CREATE = 'create table bench_queue (id bigserial primary key, payload bytea not null, locked_until bigint)';
const CREATE_SQLITE = 'create table bench_queue (id integer primary key autoincrement, payload blob not null, locked_until integer)';
const INSERT = 'insert into bench_queue (payload) values ($1)';
const CLAIM =
  'update bench_queue set locked_until = $1 where id = (select id from bench_queue where locked_until is null or locked_until < $2 order by id limit 1 for update skip locked) returning id, payload';
const CLAIM_SQLITE =
  'update bench_queue set locked_until = ? where id = (select id from bench_queue where locked_until is null or locked_until < ? order by id limit 1) returning id, payload';
const DELETE = 'delete from bench_queue where id = $1';

/** The queue's three steps on one engine. */
interface RawQueue {
  insert(payload: Buffer): Promise<void>;
  /** The oldest unlocked row, locked now; undefined when none is free. */
  claim(now: number): Promise<{ id: string | number; payload: Uint8Array } | undefined>;
  delete(id: string | number): Promise<void>;
  close(): Promise<void>;
}

async function postgresQueue(serverUrl: string): Promise<RawQueue> {
  const database = await freshPostgresDatabase(serverUrl);
  // Like the platform's database module: no user in the URL means the OS user.
  const url = new URL(database.url);
  if (!url.username) url.username = userInfo().username;
  const pool = new pg.Pool({ connectionString: url.toString(), max: POOL_SIZE });
  pool.on('error', () => {});
  await pool.query(CREATE);
  return {
    async insert(payload) {
      await pool.query({ name: 'bench-insert', text: INSERT, values: [payload] });
    },
    async claim(now) {
      const { rows } = await pool.query<{ id: string; payload: Buffer }>({ name: 'bench-claim', text: CLAIM, values: [now + LOCK_MS, now] });
      return rows[0];
    },
    async delete(id) {
      await pool.query({ name: 'bench-delete', text: DELETE, values: [id] });
    },
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

function sqliteQueue(file: string): RawQueue {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec(CREATE_SQLITE);
  const insert = db.prepare(INSERT.replace('$1', '?'));
  const claim = db.prepare(CLAIM_SQLITE);
  const remove = db.prepare(DELETE.replace('$1', '?'));
  return {
    async insert(payload) {
      insert.run(payload);
    },
    async claim(now) {
      return claim.get(now + LOCK_MS, now) as { id: number; payload: Uint8Array } | undefined;
    },
    async delete(id) {
      remove.run(id);
    },
    async close() {
      db.close();
    },
  };
}

/** One cycle: insert, claim (retried while every free row is being claimed by others), delete. */
async function cycle(queue: RawQueue, payload: Buffer): Promise<Uint8Array> {
  await queue.insert(payload);
  for (let attempt = 1; ; attempt++) {
    const row = await queue.claim(Date.now());
    if (row) {
      await queue.delete(row.id);
      return row.payload;
    }
    if (attempt === CLAIM_ATTEMPTS) throw new Error(`no row to claim after ${CLAIM_ATTEMPTS} attempts`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

runServerChild(async ({ tmpDir, databaseUrl }) => {
  const queue = databaseUrl ? await postgresQueue(databaseUrl) : sqliteQueue(join(tmpDir, 'queue.db'));
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== PEER_CYCLE_PATH) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const payload = Buffer.concat(chunks);
      if (payload.length === 0) {
        res.writeHead(400).end();
        return;
      }
      cycle(queue, payload).then(
        (claimed) => {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': claimed.byteLength });
          res.end(claimed);
        },
        (err: unknown) => {
          console.error(err);
          res.writeHead(500).end();
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const details: PeerDetails = { path: PEER_CYCLE_PATH, database: databaseUrl ? 'postgres' : 'sqlite' };
  announceListening(
    port,
    async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
    },
    details,
  );
});
