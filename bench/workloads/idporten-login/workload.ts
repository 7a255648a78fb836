/**
 * `idporten-login` and `idporten-login-minid`: complete ID-porten logins per second — authorize
 * with PKCE → login → code → token — through the platform's full HTTP stack, against bare
 * `oidc-provider` 9 with the simplest login (finished at once with a fixed account). Flows, not
 * single requests: driven by lib/flow-driver.ts (virtual browsers with cookie jars).
 *
 * @see issue #3 "Acceptance": ≥ 0.7× bare oidc-provider, ≥ 300 TestID flows/s and ≥ 60 MinID
 *   flows/s (Argon2id, OWASP parameters) on the 2-core machine
 */
import assert from 'node:assert/strict';
import type { PreflightResponse, Side, Workload } from '../../lib/workload.ts';
import { minidFlow, testIdFlow } from './flows.ts';

function decodeJwt(token: unknown, label: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  assert.equal(typeof token, 'string', `${label} is a string`);
  const parts = (token as string).split('.');
  assert.equal(parts.length, 3, `${label} is a JWS compact JWT`);
  const part = (i: number): Record<string, unknown> => JSON.parse(Buffer.from(parts[i]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: part(0), payload: part(1) };
}

/** Checks the token response that ends one flow: an RS256 ID token with `pid`, an RS256 JWT access token. */
function verifyTokens(side: Side, response: PreflightResponse, amr: string): void {
  assert.equal(response.status, 200, `${side}: token status (body ${response.body.slice(0, 300)})`);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  assert.match(String(body.token_type), /^bearer$/i, `${side}: token_type`);
  const id = decodeJwt(body.id_token, `${side}: id_token`);
  assert.equal(id.header.alg, 'RS256', `${side}: ID token alg`);
  assert.match(String(id.payload.pid), /^\d{11}$/, `${side}: ID token pid`);
  assert.equal(typeof id.payload.nonce, 'string', `${side}: ID token nonce`);
  const access = decodeJwt(body.access_token, `${side}: access_token`);
  assert.equal(access.header.alg, 'RS256', `${side}: access token alg`);
  assert.equal(access.payload.aud, 'unspecified', `${side}: access token aud`);
  if (side === 'ours') {
    assert.deepEqual(id.payload.amr, [amr], 'ours: ID token amr');
    assert.equal(id.payload.acr, 'idporten-loa-substantial', 'ours: ID token acr');
    assert.equal(access.payload.pid, id.payload.pid, 'ours: access token pid');
    // Proof that the request went through the kernel's plugins.
    assert.ok(response.headers.get('x-request-id'), 'ours: x-request-id header (request id hook)');
  }
}

/** TestID logins. */
export const idportenLogin: Workload = {
  name: 'idporten-login',
  description:
    'complete logins/s: authorize+PKCE → TestID → code → token; ours = ID-porten on the full platform, peer = oidc-provider 9 with a login that finishes at once',
  servers: {
    ours: { label: 'grunnmur ID-porten (TestID)', entry: new URL('./ours.ts', import.meta.url) },
    peer: { label: 'oidc-provider 9', entry: new URL('./peer.ts', import.meta.url) },
  },
  // Shown in reports only: the flow makes the requests.
  request: { method: 'GET', path: '/idporten/authorize' },
  flow: testIdFlow,
  verify: (side, response) => verifyTokens(side, response, 'TestID'),
  // Issue #3: ≥ 0.7× bare oidc-provider and ≥ 300 TestID flows/s on the 2-core machine (the server
  // gets one core here; the absolute goal is judged on what two cores would serve at the measured cost).
  target: { ratio: 0.7, requestsPerSecond: 300, cores: 2 },
};

/** MinID logins with an SMS one-time code. */
export const idportenLoginMinid: Workload = {
  name: 'idporten-login-minid',
  description:
    'complete logins/s: authorize+PKCE → MinID password (Argon2id, OWASP) + SMS code → code → token; peer = oidc-provider 9 whose login verifies one Argon2id password',
  servers: {
    ours: { label: 'grunnmur ID-porten (MinID)', entry: new URL('./ours-minid.ts', import.meta.url) },
    peer: { label: 'oidc-provider 9 + Argon2id', entry: new URL('./peer-minid.ts', import.meta.url) },
  },
  request: { method: 'GET', path: '/idporten/authorize' },
  flow: minidFlow,
  verify: (side, response) => verifyTokens(side, response, 'Minid-OTC'),
  // Issue #3: ≥ 60 MinID flows/s on the 2-core machine; no ratio goal (the issue names none), 0.7× as for TestID.
  target: { ratio: 0.7, requestsPerSecond: 60, cores: 2 },
};
