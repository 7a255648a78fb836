/**
 * The JWT-bearer grant (`POST /maskinporten/token`) as a list of small steps, one rule each
 * (see each `check-*.ts` for the rule and its source). The order:
 * 1. the form: `grant_type`, `assertion` — `check-form-params.ts`;
 * 2. the assertion without the database: JWS shape, header (`alg`, one of `kid`/`x5c`), no
 *    unknown claims, `iss`, `aud`, `iat`/`exp`, `jti`, `scope`, `resource`, `pid`,
 *    `consumer_org`/`iss_onbehalfof`, `authorization_details`;
 * 3. the client and its key, read together with the scopes (through the registry cache,
 *    `registry-cache.ts`): client active, `kid` on that client
 *    and unexpired, or the `x5c` chain trusted and of the client's organisation; the signature;
 * 4. the scopes: known, active, on the client, for Maskinporten; the consumer's access; the
 *    customer's delegation;
 * 5. the token is signed, then the replay key is written (MP-012 when the grant was used
 *    before) and the token counted in the usage statistics.
 * Every failure before step 5's write writes nothing.
 *
 * @see specs/idporten-maskinporten.md §3
 * @see https://www.rfc-editor.org/rfc/rfc7523 (JWT profile for OAuth 2.0 authorization grants)
 */
import { listClientKeys } from '../../store/clients-store.ts';
import { checkAudience } from './check-audience.ts';
import { checkAuthorizationDetails } from './check-authorization-details.ts';
import { checkCertificate } from './check-certificate.ts';
import { checkClient } from './check-client.ts';
import { checkClientKey } from './check-client-key.ts';
import { checkConsumerOrgClaim, checkConsumerOrgIsNotOwn } from './check-consumer-org.ts';
import { checkDelegation } from './check-delegation.ts';
import { checkFormParams } from './check-form-params.ts';
import { checkHeader } from './check-header.ts';
import { checkIssOnBehalfOf } from './check-iss-onbehalfof.ts';
import { checkIssuerClaim } from './check-issuer-claim.ts';
import { checkJti } from './check-jti.ts';
import { checkLifetime } from './check-lifetime.ts';
import { checkPid } from './check-pid.ts';
import { checkResource } from './check-resource.ts';
import { checkScopeAccess } from './check-scope-access.ts';
import { checkScopeClaim } from './check-scope-claim.ts';
import { checkScopes } from './check-scopes.ts';
import { checkSignature } from './check-signature.ts';
import { checkUnknownClaims } from './check-unknown-claims.ts';
import { decodeAssertion } from './decode-assertion.ts';
import type { GrantDeps, TokenResponse } from './grant-context.ts';
import { issueAccessToken, type AccessTokenClaims } from './issue-access-token.ts';
import { recordGrant } from './record-grant.ts';

/** The token request as the edge received it. */
export interface TokenRequest {
  /** The `Content-Type` header. */
  contentType: string | undefined;
  /** The parsed body. */
  body: unknown;
}

/** A granted token: the response body and, for logs and tests, the token's claims. */
export interface GrantResult {
  response: TokenResponse;
  claims: AccessTokenClaims;
}

/**
 * Runs the grant.
 *
 * @returns the token response (RFC 6749 §5.1) and the token's claims
 * @throws GrantError with an MP code for every refused grant (see `grant-errors.ts`); other
 *   errors are failures of the platform (database, keys)
 */
export async function runJwtBearerGrant(deps: GrantDeps, request: TokenRequest): Promise<GrantResult> {
  const now = deps.now();

  // 1–2: the request and the assertion, no database.
  const { assertion } = checkFormParams(request.contentType, request.body);
  const decoded = decodeAssertion(assertion);
  const header = checkHeader(decoded.rawHeader);
  const { claims } = decoded;
  checkUnknownClaims(claims);
  const clientId = checkIssuerClaim(claims);
  checkAudience(claims, deps.issuer);
  const { exp } = checkLifetime(claims, now, deps.maxAssertionLifetimeS);
  const replayKey = checkJti(decoded);
  const scopeNames = checkScopeClaim(claims);
  const resource = checkResource(claims);
  const pid = checkPid(claims);
  const customerOrgno = checkConsumerOrgClaim(claims);
  checkIssOnBehalfOf(claims);
  const systemUser = checkAuthorizationDetails(claims);

  // 3: who signed it. The three reads are independent, so they go together.
  const { registry } = deps;
  const [clientRow, keyRow, foundScopes] = await Promise.all([
    registry.findClient(clientId),
    header.kid !== undefined ? registry.findClientKey(header.kid) : undefined,
    registry.findScopes(scopeNames),
  ]);
  const client = checkClient(clientRow);
  const publicKey =
    header.kid !== undefined
      ? checkClientKey(client, keyRow, now, deps.keyCache)
      : await checkCertificate(client, header.x5c, await listClientKeys(deps.db, client.client_id), deps.pki, now);
  await checkSignature(assertion, header.alg, publicKey);
  checkConsumerOrgIsNotOwn(customerOrgno, client);

  // 4: what it may have.
  const scopes = checkScopes(scopeNames, foundScopes, client);
  const consumerOrgno = customerOrgno ?? client.client_orgno;
  await checkScopeAccess(registry, scopes, consumerOrgno);
  const delegationSource =
    customerOrgno !== undefined ? await checkDelegation(registry, scopes, customerOrgno, client.client_orgno) : undefined;

  // 5: the token, then the one write.
  const issued = await issueAccessToken(deps.keys, {
    issuer: deps.issuer,
    client,
    clientAmr: header.kid !== undefined ? 'private_key_jwt' : 'virksomhetssertifikat',
    scopes,
    consumerOrgno,
    ...(delegationSource !== undefined ? { delegationSource } : {}),
    ...(resource !== undefined ? { resource } : {}),
    ...(pid !== undefined ? { pid } : {}),
    ...(systemUser !== undefined ? { systemUserOrgno: systemUser.customerOrgno } : {}),
    now,
  });
  await recordGrant(deps.db, deps.stats, { clientId: client.client_id, replayKey, exp, now });
  return {
    response: { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope: issued.claims.scope },
    claims: issued.claims,
  };
}
