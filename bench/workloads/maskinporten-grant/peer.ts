/**
 * Peer of the `maskinporten-grant` workload: bare `oidc-provider` 9 (panva; Koa inside) on
 * `node:http`, issuing `client_credentials` tokens to one client that authenticates with
 * `private_key_jwt`. Per token it does the crypto ours does: verifies the client's RS256
 * assertion against the client's registered JWKS, checks the assertion's `jti` against replay
 * (through its adapter), and signs an RS256 JWT access token (resource indicators with
 * `accessTokenFormat: 'jwt'`; JWT access tokens are not stored).
 *
 * Favouring the peer, noted in bench/README.md: the replay check uses oidc-provider's default
 * in-memory adapter, an LRU of 1,000 entries per generation (it remembers only the last
 * ~1,000–2,000 `jti`s and writes nothing durable), where ours writes every `jti` to the database.
 * Its startup notices (development adapter, development interactions off) go to stdout
 * (/dev/null) and stderr once; nothing is logged per request.
 *
 * Reports `{ clientId, kid, privateJwk, audience, scope, resource, tokenPath }` to the harness
 * (see signing.ts); the client key pair is made here and exists only for this run.
 */
import { createServer } from 'node:http';
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { announceListening, runServerChild } from '../../lib/server-child.ts';
import type { PeerDetails } from './signing.ts';

const CLIENT_ID = 'bench-client';
const SCOPE = 'bench:read';
const RESOURCE = 'urn:grunnmur:bench:api';
/** Seconds; ours' default access-token lifetime. */
const TOKEN_TTL_S = 120;

/** An RSA-2048 key pair as JWKs (private and public), with `kid`, `alg` RS256, `use` sig. */
function rsaJwks(kid: string): { privateJwk: JsonWebKey; publicJwk: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return {
    privateJwk: { ...privateKey.export({ format: 'jwk' }), ...meta },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), ...meta },
  };
}

runServerChild(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const signing = rsaJwks('peer-signing-1');
  const client = rsaJwks('bench-client-key-1');

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: SCOPE,
        jwks: { keys: [client.publicJwk as never] },
      },
    ],
    jwks: { keys: [signing.privateJwk as never] },
    clientAuthMethods: ['private_key_jwt'],
    scopes: [SCOPE],
    ttl: { ClientCredentials: TOKEN_TTL_S },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: SCOPE,
          audience: RESOURCE,
          accessTokenTTL: TOKEN_TTL_S,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('oidc-provider server_error:', err));
  server.on('request', provider.callback());

  const details: PeerDetails = {
    clientId: CLIENT_ID,
    kid: client.privateJwk.kid as string,
    privateJwk: client.privateJwk,
    audience: issuer,
    scope: SCOPE,
    resource: RESOURCE,
    tokenPath: '/token',
  };
  announceListening(
    port,
    async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    details,
  );
});
