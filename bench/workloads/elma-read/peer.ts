/**
 * "Peer" of the `elma-read` workload: the floor of "serve pre-signed XML files". A bare
 * `node:http` server holding every document of ours' working set in memory as the exact bytes
 * ours answered: before listening (unmeasured) it fetches each `ServiceGroup` and
 * `SignedServiceMetadata` path once from ours (the harness starts ours first and hands its details
 * here) and then answers `GET <path>` with those bytes, `content-type: text/xml; charset=utf-8`
 * (ELMA's) and `content-length`, by a `Map` lookup of the raw request target. No routing, no
 * parsing, no logging, no headers beyond those (ours adds its kernel's: request id, helmet, rate
 * limit). Unknown paths: 404.
 *
 * The spec's peer is nginx 1.22 serving the same files (`specs/performance-anchors.md` §5); nginx
 * is not on this machine and the harness does not install it, so this is the stand-in (a static
 * `node:http` server from memory is, if anything, faster than nginx reading files per request on
 * one core at these sizes; see bench/README.md).
 *
 * Fetching from ours also signs every ServiceMetadata once in ours' process (its cache of signed
 * documents), so ours is measured warm, as the spec's target says.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import type { ElmaDetails, ElmaPaths } from './ours.ts';

const CONTENT_TYPE = 'text/xml; charset=utf-8';
/** Parallel fetches from ours while loading the documents. */
const FETCH_CONCURRENCY = 8;

runServerChild(async ({ ours }) => {
  const details = ours as ElmaDetails | undefined;
  if (!details?.pathsFile || !details.port) throw new Error('elma-read peer: needs ours’ details (its paths and port)');
  const working = JSON.parse(readFileSync(details.pathsFile, 'utf8')) as ElmaPaths;
  const paths = [...working.serviceGroups, ...working.serviceMetadata];
  const documents = new Map<string, Buffer>();
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++]!;
      const response = await fetch(`http://127.0.0.1:${details.port}${path}`);
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`elma-read peer: ours answered ${response.status} to GET ${path}: ${body.toString('utf8', 0, 300)}`);
      if (response.headers.get('content-type') !== CONTENT_TYPE) throw new Error(`elma-read peer: ours answered ${response.headers.get('content-type')} to GET ${path}`);
      documents.set(path, body);
    }
  };
  await Promise.all(Array.from({ length: FETCH_CONCURRENCY }, worker));
  let bytes = 0;
  for (const body of documents.values()) bytes += body.length;
  process.stderr.write(
    `elma-read peer: ${documents.size} documents (${(bytes / 1024).toFixed(0)} KiB) fetched from ours in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );

  const server = createServer((req, res) => {
    const body = req.method === 'GET' ? documents.get(req.url ?? '') : undefined;
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  announceListening(
    port,
    async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    details,
  );
});
