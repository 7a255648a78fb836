import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { AppError } from '../errors.ts';
import { CachedJwks, remoteJwks, REMOTE_JWKS_COOLDOWN_MS, REMOTE_JWKS_MAX_AGE_MS } from './jwks-source.ts';
import { mintTestToken } from './testing.ts';
import { TokenVerifier } from './token-verifier.ts';

const T0 = 1_767_225_600_000; // epoch ms

interface TestKey {
  kid: string;
  alg: 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function makeKey(): Promise<TestKey> {
  const pair = await generateKeyPair('RS256');
  const jwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, alg: 'RS256', privateKey: pair.privateKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

/** A JWKS endpoint on 127.0.0.1 that counts its requests and answers what the test sets. */
interface JwksServer {
  url: URL;
  issuer: string;
  requests: number;
  keys: JWK[];
  /** Non-200 status or a non-JSON body, when set. */
  failure: { status: number; body: string } | undefined;
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

describe('remote JWKS of another Maskinporten', () => {
  let server: Server;
  let jwksServer: JwksServer;
  let keyA: TestKey;
  let keyB: TestKey;
  let clock: number;
  const now = () => clock;

  before(async () => {
    [keyA, keyB] = await Promise.all([makeKey(), makeKey()]);
    server = createServer((req, res) => {
      jwksServer.requests++;
      if (req.url !== '/mp/jwk' && req.url !== '/mp/moved') {
        res.writeHead(404).end();
        return;
      }
      if (jwksServer.failure && req.url === '/mp/jwk') {
        res.writeHead(jwksServer.failure.status, { 'content-type': 'application/json', location: '/mp/moved' }).end(jwksServer.failure.body);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: jwksServer.keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    jwksServer = { url: new URL(`http://127.0.0.1:${port}/mp/jwk`), issuer: `http://127.0.0.1:${port}/mp/`, requests: 0, keys: [], failure: undefined };
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    clock = T0;
    jwksServer.requests = 0;
    jwksServer.keys = [keyA.publicJwk];
    jwksServer.failure = undefined;
  });

  const verifierFor = (jwks: CachedJwks) => new TokenVerifier({ issuer: jwksServer.issuer, jwks, now });
  const mint = (key: TestKey) => mintTestToken(key, jwksServer.issuer, { now: clock, scope: 'test:read' });

  it('fetches the JWKS once and verifies later tokens from the cache', async () => {
    const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
    for (let i = 0; i < 3; i++) assert.equal((await verifier.verify(await mint(keyA), { requiredScopes: ['test:read'] })).clientId, 'test-client');
    assert.equal(jwksServer.requests, 1);
  });

  it('fetches again when the cache is older than its maximum age', async () => {
    const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
    await verifier.verify(await mint(keyA));
    clock += REMOTE_JWKS_MAX_AGE_MS;
    await verifier.verify(await mint(keyA));
    assert.equal(jwksServer.requests, 2);
  });

  it('fetches again on an unknown kid and accepts the rotated-in key; the old key keeps verifying while published', async () => {
    const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
    const old = await mint(keyA);
    await verifier.verify(old);
    jwksServer.keys = [keyB.publicJwk, keyA.publicJwk];
    clock += REMOTE_JWKS_COOLDOWN_MS;
    assert.equal((await verifier.verify(await mint(keyB))).clientId, 'test-client');
    assert.equal((await verifier.verify(old)).clientId, 'test-client');
    assert.equal(jwksServer.requests, 2);
  });

  it('does not fetch again for unknown kids within the cooldown, however many arrive', async () => {
    const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
    await verifier.verify(await mint(keyA));
    jwksServer.keys = [keyB.publicJwk, keyA.publicJwk];
    const rotated = await mint(keyB);
    for (let i = 0; i < 5; i++) await rejectsWith(verifier.verify(rotated), 'AUTH_TOKEN_INVALID', /not in the issuer's JWKS/);
    assert.equal(jwksServer.requests, 1);
    clock += REMOTE_JWKS_COOLDOWN_MS;
    assert.equal((await verifier.verify(rotated)).clientId, 'test-client');
    assert.equal(jwksServer.requests, 2);
  });

  it('shares one fetch between concurrent requests with the same unknown kid', async () => {
    const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
    await verifier.verify(await mint(keyA));
    jwksServer.keys = [keyB.publicJwk];
    clock += REMOTE_JWKS_COOLDOWN_MS;
    const rotated = await mint(keyB);
    const results = await Promise.all(Array.from({ length: 5 }, () => verifier.verify(rotated)));
    assert.equal(results.length, 5);
    assert.equal(jwksServer.requests, 2);
  });

  it('answers AUTH_JWKS_UNAVAILABLE (503) when the JWKS cannot be fetched and no key is known, and waits out the cooldown before trying again', async () => {
    for (const failure of [{ status: 500, body: '{}' }, { status: 200, body: 'not json' }, { status: 200, body: '{"keys":"no"}' }]) {
      jwksServer.failure = failure;
      const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
      const requests = jwksServer.requests;
      await rejectsWith(verifier.verify(await mint(keyA)), 'AUTH_JWKS_UNAVAILABLE', /cannot be read/);
      await rejectsWith(verifier.verify(await mint(keyA)), 'AUTH_JWKS_UNAVAILABLE', /cannot be read/);
      assert.equal(jwksServer.requests, requests + 1);
    }
    jwksServer.failure = undefined;
    const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
    assert.equal((await verifier.verify(await mint(keyA))).clientId, 'test-client');
  });

  it('keeps verifying with the keys it has when a refresh after the maximum age fails', async () => {
    const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
    await verifier.verify(await mint(keyA));
    jwksServer.failure = { status: 503, body: '' };
    clock += REMOTE_JWKS_MAX_AGE_MS;
    assert.equal((await verifier.verify(await mint(keyA))).clientId, 'test-client');
    assert.equal((await verifier.verify(await mint(keyA))).clientId, 'test-client');
    assert.equal(jwksServer.requests, 2, 'the failed refresh counts for the cooldown');
  });

  it('answers AUTH_JWKS_UNAVAILABLE when a refresh for an unknown kid fails', async () => {
    const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
    await verifier.verify(await mint(keyA));
    jwksServer.failure = { status: 502, body: '' };
    clock += REMOTE_JWKS_COOLDOWN_MS;
    await rejectsWith(verifier.verify(await mint(keyB)), 'AUTH_JWKS_UNAVAILABLE', /cannot be read/);
  });

  it('does not follow a redirect from the JWKS URL', async () => {
    jwksServer.failure = { status: 302, body: '' };
    const verifier = verifierFor(remoteJwks(jwksServer.url, { now }));
    await rejectsWith(verifier.verify(await mint(keyA)), 'AUTH_JWKS_UNAVAILABLE', /cannot be read/);
    assert.equal(jwksServer.requests, 1);
  });

  it('reads again for a request that joined a read begun before its key was published (no cooldown)', async () => {
    const sets = [[keyA.publicJwk], [keyA.publicJwk], [keyA.publicJwk, keyB.publicJwk]];
    let releaseSecond!: () => void;
    let secondStarted!: () => void;
    const started = new Promise<void>((resolve) => (secondStarted = resolve));
    let calls = 0;
    const jwks = new CachedJwks({
      description: 'test',
      maxAgeMs: REMOTE_JWKS_MAX_AGE_MS,
      cooldownMs: 0,
      now,
      load: async () => {
        const set = { keys: sets[calls] };
        calls++;
        if (calls === 2) {
          secondStarted();
          await new Promise<void>((resolve) => (releaseSecond = resolve));
        }
        return set;
      },
    });
    await jwks.getKey({ alg: 'RS256', kid: keyA.kid });
    const first = jwks.getKey({ alg: 'RS256', kid: keyB.kid });
    await started;
    const joined = jwks.getKey({ alg: 'RS256', kid: keyB.kid });
    releaseSecond();
    await assert.rejects(first, { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    assert.equal((await joined).type, 'public');
    assert.equal(calls, 3);
  });
});
