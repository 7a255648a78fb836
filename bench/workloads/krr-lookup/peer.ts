/**
 * "Peer" of the `krr-lookup` workloads: the floor of "query + JSON over HTTP". A bare
 * `node:http` server that parses the body, runs the same read as ours' store for the keys in it
 * — `SELECT p.*, l.sertifikat … FROM krr_persons p LEFT JOIN krr_providers l ON l.orgnr =
 * p.postkasseleverandoeradresse WHERE p.personidentifikator = ANY($1)` (a prepared statement on
 * a `pg` pool of 10, like ours' `DATABASE_POOL_SIZE`), or on SQLite `… IN (SELECT value FROM
 * json_each(?))` through `node:sqlite` (one prepared statement) — on ours' database (the same
 * rows: the harness hands ours' details to the peer), and answers `{"personer":[rows]}` as
 * JSON. No token check, no input validation, no audit log, no field rules, no request log.
 * Announces ours' details again (key space, token), for the request generator.
 */
import { createServer } from 'node:http';
import { DatabaseSync } from 'node:sqlite';
import { userInfo } from 'node:os';
import pg from 'pg';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import type { KrrDetails } from './ours.ts';

const SELECT_PG =
  'select p.*, l.sertifikat as leverandoer_sertifikat from krr_persons p left join krr_providers l on l.orgnr = p.postkasseleverandoeradresse ' +
  'where p.personidentifikator = any($1::text[])';
const SELECT_SQLITE =
  'select p.*, l.sertifikat as leverandoer_sertifikat from krr_persons p left join krr_providers l on l.orgnr = p.postkasseleverandoeradresse ' +
  'where p.personidentifikator in (select value from json_each(?))';

runServerChild(async ({ ours }) => {
  const details = ours as KrrDetails | undefined;
  if (!details?.database) throw new Error('krr-lookup peer: needs ours’ details (its database)');
  let query: (ids: string[]) => Promise<unknown[]>;
  let closeDb: () => Promise<void>;
  if (details.database.engine === 'postgres') {
    // Like the platform's database module: no user in the URL means the OS user.
    const url = new URL(details.database.url);
    if (!url.username) url.username = userInfo().username;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
    // Ours drops its database when it stops; a dropped connection must not crash the peer.
    pool.on('error', () => {});
    query = async (ids) => (await pool.query({ name: 'krr-lookup', text: SELECT_PG, values: [ids] })).rows;
    closeDb = () => pool.end();
  } else {
    const db = new DatabaseSync(details.database.file, { readOnly: true });
    const statement = db.prepare(SELECT_SQLITE);
    query = async (ids) => statement.all(JSON.stringify(ids));
    closeDb = async () => db.close();
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let ids: string[];
      try {
        ids = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { personidentifikatorer: string[] }).personidentifikatorer;
        if (!Array.isArray(ids)) throw new Error('no personidentifikatorer');
      } catch {
        res.writeHead(400).end();
        return;
      }
      query(ids).then(
        (rows) => {
          const body = JSON.stringify({ personer: rows });
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
          res.end(body);
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
  announceListening(port, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeDb();
  }, details);
});
