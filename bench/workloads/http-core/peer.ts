/**
 * Peer of the `http-core` workload: bare `node:http` serving the same JSON as ours for
 * `GET /bench/hello/:name`: `{ hello: name, at: Date.now() }`, content-type
 * `application/json; charset=utf-8` (what Fastify sends), 404 for anything else.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceListening, runServerChild } from '../../lib/server-child.ts';

const PREFIX = '/bench/hello/';

runServerChild(async () => {
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    const end = url.indexOf('?');
    const path = end === -1 ? url : url.slice(0, end);
    const name = path.startsWith(PREFIX) ? path.slice(PREFIX.length) : '';
    if (req.method !== 'GET' || name === '' || name.includes('/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad name');
      return;
    }
    const body = JSON.stringify({ hello: decoded, at: Date.now() });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  announceListening(port, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
