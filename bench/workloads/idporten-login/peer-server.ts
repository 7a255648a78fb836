/**
 * The peer of the `idporten-login` workloads: bare `oidc-provider` 9 (panva; Koa inside) on
 * `node:http`, with the simplest login there is. `GET /interaction/{uid}` (where oidc-provider
 * sends the browser to log in) finishes the login at once with a fixed account
 * (`interactionFinished`, no page), or — for the MinID workload — after one Argon2id
 * verification of a fixed password with OWASP's parameters (`argon2: true`).
 *
 * What it shares with ours, so the flows cost the same crypto and protocol work: code flow with
 * PKCE S256 required, `state` and `nonce`, `client_secret_basic`, consent granted without a page
 * (`loadExistingGrant` makes the grant, as ours does), an RS256 ID token with `pid` (code flow,
 * `conformIdTokenClaims: false`, as ours), and an RS256 **JWT** access token for a default
 * resource (aud `unspecified`, 120 s), so each flow signs two RS256 JWTs on both sides.
 *
 * Favouring the peer (see bench/README.md): oidc-provider's default in-memory adapter (an LRU
 * that writes nothing durable; ours writes interaction, session, grant and code to the database),
 * no login page, no method-choice page, no person lookup, no pairwise `sub`, no request log.
 */
import { argon2, generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { OWASP_ARGON2_PARAMS } from '../../../src/idporten/index.ts';
import { announceListening } from '../../lib/server-child.ts';
import type { LoginDetails } from './flows.ts';

const CLIENT_ID = 'bench-client';
const REDIRECT = 'http://localhost:9999/callback';
/** The fixed account (a synthetic fødselsnummer). */
const ACCOUNT = '07827599852';
/** The MinID variant's password. */
export const PEER_PASSWORD = 'Bench-passord-1';
const RESOURCE = 'urn:grunnmur:bench:unspecified';

function argon2id(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    argon2(
      'argon2id',
      { message: password, nonce: salt, parallelism: OWASP_ARGON2_PARAMS.parallelism, tagLength: 32, memory: OWASP_ARGON2_PARAMS.memoryKiB, passes: OWASP_ARGON2_PARAMS.passes },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/**
 * Starts the peer on 127.0.0.1 (ephemeral port) and announces it.
 *
 * @param options `argon2`: verify the fixed account's password (OWASP Argon2id) before finishing the login
 */
export async function startPeer(options: { argon2: boolean }): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signing: JsonWebKey = { ...privateKey.export({ format: 'jwk' }), kid: 'peer-signing-1', alg: 'RS256', use: 'sig' };
  const clientSecret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const passwordTag = await argon2id(PEER_PASSWORD, salt);

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [signing] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub', 'pid', 'acr', 'amr', 'auth_time'], profile: ['pid'] },
    conformIdTokenClaims: false,
    acrValues: ['idporten-loa-substantial'],
    scopes: ['openid', 'profile'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id, pid: id }) }),
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    loadExistingGrant: async (ctx: any) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    ttl: { AccessToken: 120, AuthorizationCode: 60, IdToken: 120, Interaction: 1800, Session: 1800, Grant: 7200 },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: '',
          audience: 'unspecified',
          accessTokenTTL: 120,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('oidc-provider server_error:', err));
  const callback = provider.callback();

  server.on('request', (req, res) => {
    const match = /^\/interaction\/([^/?]+)$/.exec(req.url ?? '');
    if (!match || req.method !== 'GET') return callback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (options.argon2) {
          const tag = await argon2id(PEER_PASSWORD, salt);
          if (!tag.equals(passwordTag)) throw new Error('password mismatch');
        }
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: ACCOUNT, acr: 'idporten-loa-substantial', amr: [options.argon2 ? 'pwd' : 'TestID'] } },
          { mergeWithLastSubmission: false },
        );
        void details;
      } catch (err) {
        console.error('peer interaction failed:', err);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end('interaction failed');
        }
      }
    })();
  });

  const details: LoginDetails = {
    publicUrl: issuer,
    authorizePath: '/auth',
    tokenPath: '/token',
    clientId: CLIENT_ID,
    clientSecret,
    redirectUri: REDIRECT,
    persons: [ACCOUNT],
  };
  announceListening(
    port,
    async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    details,
  );
}
