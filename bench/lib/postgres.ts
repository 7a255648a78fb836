/**
 * `--database-url` support for benchmark servers: a fresh, empty PostgreSQL database per server,
 * dropped when the server stops.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * Makes an empty database `grunnmur_bench_<random>` on the PostgreSQL server of `serverUrl`.
 *
 * @returns its URL and a function that drops it (`WITH (FORCE)`: open connections are ended)
 */
export async function freshPostgresDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `grunnmur_bench_${randomBytes(6).toString('hex')}`;
  // Like the platform's database module: no user in the URL means the OS user.
  const server = new URL(serverUrl);
  if (!server.username) server.username = userInfo().username;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: server.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
