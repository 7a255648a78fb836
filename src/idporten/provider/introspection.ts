/**
 * Token introspection (`POST /idporten/token/introspect`, RFC 7662) with Digdir's rules, around
 * oidc-provider's endpoint (which authenticates the caller as a client and introspects refresh
 * tokens):
 *
 * 1. The caller must hold the scope {@link INTROSPECTION_SCOPE}; otherwise HTTP 403
 *    `insufficient_scope`, whatever the token (RFC 7662 §2.3 leaves the refusal of an
 *    authenticated but unauthorised caller to the server; 403 follows RFC 6750 §3.1).
 * 2. The token's scopes must name the caller (Digdir: each scope is registered with
 *    `enforced_aud_for_introspection`, the client ids that may introspect tokens carrying it).
 *    ID-porten's own `openid`/`profile` have no registry entry: such a token may be
 *    introspected by the client it was issued to. Otherwise `{active: false}` (RFC 7662 §2.2:
 *    no information about tokens the caller may not see).
 * 3. Access tokens are self-contained JWTs, which oidc-provider does not store and refuses to
 *    introspect (`unsupported_token_type`); here they are verified like a resource server does
 *    (signature with the issuer's JWKS, retired keys included; `iss`; `typ at+jwt`; not
 *    expired) and answered with their claims. A JWT access token stays active until its `exp`
 *    (at most its `at_max_age` / `access_token_lifetime`, 120 s by default), also after logout.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662 RFC 7662
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_protocol_tokenintrospect (spec §1 "Introspection")
 */
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Platform } from '../../platform/platform.ts';
import { OPENID_SCOPES, type ScopeRegistry } from './scope-registry.ts';

/** Scope a caller of the introspection endpoint must hold (spec §1 "Introspection"). */
export const INTROSPECTION_SCOPE = 'idporten:token.introspection';

/** The token as the rule sees it. */
export interface IntrospectedToken {
  /** Client the token was issued to. */
  client_id: string | undefined;
  /** Space-separated scopes. */
  scope: string | undefined;
}

/**
 * Whether `callerId` may see the token: every scope of the token names the caller in the
 * registry's `enforced_aud_for_introspection`, and `openid`/`profile` only for the token's own
 * client. A token without scopes is seen by nobody.
 */
export async function introspectionAllowed(scopes: ScopeRegistry | undefined, callerId: string, token: IntrospectedToken): Promise<boolean> {
  const names = typeof token.scope === 'string' ? token.scope.split(' ').filter((s) => s.length > 0) : [];
  if (names.length === 0) return false;
  if (scopes) await scopes.prime(names);
  for (const name of names) {
    if (OPENID_SCOPES.has(name)) {
      if (token.client_id !== callerId) return false;
    } else if (!scopes?.get(name)?.enforced_aud_for_introspection?.includes(callerId)) {
      return false;
    }
  }
  return true;
}

/** The API scopes an oidc-provider client is registered with. */
function callerScopes(client: any): string[] {
  return (client?.idportenScopes ?? client?.idporten_scopes ?? []) as string[];
}

/**
 * Runs after oidc-provider's introspection endpoint answered: refuses callers without {@link
 * INTROSPECTION_SCOPE} (403) and answers for JWT access tokens (see the file header). Leaves
 * failed client authentication (401 `invalid_client`) and other errors as they are.
 */
export async function finishIntrospection(
  ctx: KoaContextWithOIDC,
  deps: { platform: Platform; issuer: string; scopes: ScopeRegistry | undefined },
): Promise<void> {
  const body = ctx.body as Record<string, unknown> | undefined;
  const jwt = ctx.status === 400 && body?.error === 'unsupported_token_type';
  if (ctx.status !== 200 && !jwt) return;
  const caller = ctx.oidc.client;
  if (!caller) return;
  if (!callerScopes(caller).includes(INTROSPECTION_SCOPE)) {
    ctx.status = 403;
    ctx.body = { error: 'insufficient_scope', error_description: `the client is not registered with the scope ${INTROSPECTION_SCOPE}` };
    return;
  }
  if (!jwt) return;
  ctx.status = 200;
  ctx.body = await introspectJwt(String(ctx.oidc.params.token), caller.clientId as string, deps);
}

/** The answer for a JWT: its claims with `active: true`, or `{active: false}`. */
async function introspectJwt(token: string, callerId: string, deps: { platform: Platform; issuer: string; scopes: ScopeRegistry | undefined }): Promise<Record<string, unknown>> {
  let claims: JWTPayload;
  try {
    const jwks = createLocalJWKSet(await deps.platform.keys.getJwks(deps.issuer));
    ({ payload: claims } = await jwtVerify(token, jwks, { issuer: deps.issuer, typ: 'at+jwt', requiredClaims: ['exp', 'iat'] }));
  } catch {
    return { active: false };
  }
  const allowed = await introspectionAllowed(deps.scopes, callerId, {
    client_id: typeof claims.client_id === 'string' ? claims.client_id : undefined,
    scope: typeof claims.scope === 'string' ? claims.scope : undefined,
  });
  if (!allowed) return { active: false };
  return { ...claims, active: true, token_type: 'Bearer' };
}
