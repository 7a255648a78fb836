import pino from 'pino';
import { createHash, randomBytes, sign } from 'node:crypto';
import { createTestDatabase } from '../../platform/db/testing.ts';
import { TestPki, pkiMigrations } from '../../platform/pki/test-pki.ts';
import { createAsice, streamAsice, verifyAsice, type AsicSource } from './asice.ts';
import { loadSigner } from './certificates.ts';
const mode = process.argv[2];
const db = await createTestDatabase('sqlite', [{ component: 'platform_pki', migrations: pkiMigrations }]);
const pki = new TestPki(db, { log: pino({ level: 'silent' }) });
const cert = await pki.issueEnterpriseCertificate({ orgnr: '991825827', organisationName: 'Test AS' });
const ca = [await pki.rootCertificatePem(), await pki.issuingCertificatePem()];
async function cpu(label: string, n: number, fn: () => unknown) {
  for (let i = 0; i < 100; i++) await fn();
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const c = process.cpuUsage(c0); const wall = (performance.now() - t0) / n;
  console.log(`${label.padEnd(34)} cpu ${((c.user + c.system) / 1000 / n).toFixed(3)} ms/op   wall ${wall.toFixed(3)} ms/op`);
}
if (mode === 'cpu') {
  const xml = Buffer.from(`<?xml version="1.0"?><arkivmelding>${'<registrering><tittel>Vedtak i sak</tittel></registrering>'.repeat(180)}</arkivmelding>`).subarray(0, 10 * 1024);
  const files = [{ name: 'arkivmelding.xml', mimeType: 'application/xml', content: new Uint8Array(xml) }];
  const rnd = [{ name: 'vedlegg.bin', mimeType: 'application/octet-stream', content: new Uint8Array(randomBytes(10 * 1024)) }];
  const key = loadSigner(cert).privateKey;
  await cpu('RSA-2048 sign (node:crypto) alone', 1000, () => sign('sha256', Buffer.alloc(1500), key));
  await cpu('createAsice 10 KB XML', 1000, () => createAsice(files, cert));
  await cpu('createAsice 10 KB random', 1000, () => createAsice(rnd, cert));
  const zip = await createAsice(files, cert);
  await cpu('verifyAsice 10 KB XML', 1000, () => verifyAsice(zip));
  await cpu('verifyAsice 10 KB XML + CA chain', 300, () => verifyAsice(zip, { caCertificatesPem: ca }));
  await cpu('create + verify (one cycle)', 500, async () => verifyAsice(await createAsice(files, cert)));
} else {
  const block = new Uint8Array(randomBytes(1024 * 1024));
  const CHUNK = 64 * 1024; const SIZE = 50 * 1024 * 1024;
  const h = createHash('sha256'); for (let i = 0; i < SIZE; i += block.length) h.update(block);
  const source: AsicSource = { name: 'stor.bin', mimeType: 'application/octet-stream', size: SIZE, sha256: h.digest(),
    async *open() { for (let off = 0; off < SIZE; off += CHUNK) { const o = off % block.length; yield block.subarray(o, o + CHUNK); } } };
  (globalThis as any).gc?.();
  const base = process.memoryUsage();
  const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sample = () => { const m = process.memoryUsage(); for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]); };
  const t0 = performance.now(); let out = 0; const sink = createHash('sha256');
  if (mode === 'stream') {
    for await (const chunk of streamAsice([source], cert)) { out += chunk.length; sink.update(chunk); sample(); }
  } else {
    const content = new Uint8Array(SIZE); for (let i = 0; i < SIZE; i += block.length) content.set(block, i);
    const zip = await createAsice([{ name: 'stor.bin', mimeType: 'application/octet-stream', content }], cert); out = zip.length; sample();
  }
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(`${mode}: ${mb(out)} MiB out in ${((performance.now() - t0) / 1000).toFixed(2)} s; baseline rss ${mb(base.rss)} heapUsed ${mb(base.heapUsed)} arrayBuffers ${mb(base.arrayBuffers)}; peak rss ${mb(peak.rss)} (+${mb(peak.rss - base.rss)}) heapUsed ${mb(peak.heapUsed)} (+${mb(peak.heapUsed - base.heapUsed)}) arrayBuffers ${mb(peak.arrayBuffers)} (+${mb(peak.arrayBuffers - base.arrayBuffers)})`);
}
await db.close();
