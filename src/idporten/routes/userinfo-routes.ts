/**
 * `GET|POST /idporten/userinfo`: the person behind an access token.
 *
 * ID-porten's access tokens are self-contained JWTs (`aud` `"unspecified"` or the requested
 * `resource`), which oidc-provider does not store and its own userinfo endpoint does not take;
 * this endpoint verifies the token like any resource server would (signature with the issuer's
 * JWKS, `iss`, `exp` with 10 s skew, `typ` `at+jwt`) and answers with its person claims.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo OIDC Core §5.3
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 RFC 6750 §3 (error answers)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Platform } from '../../platform/platform.ts';
import { IDPORTEN_PATH, PROVIDER_ROUTES } from '../provider/create-provider.ts';
import type { ProviderHolder } from '../provider/provider-holder.ts';

/** Registers the userinfo endpoint. */
export async function userinfoRoutes(app: FastifyInstance, platform: Platform, holder: ProviderHolder): Promise<void> {
  const issuer = holder.issuer;
  const fail = (reply: FastifyReply, status: number, error: string, description: string): FastifyReply => {
    const challenge = error === 'invalid_request' && status === 401 ? 'Bearer' : `Bearer error="${error}", error_description="${description}"`;
    return reply.code(status).header('www-authenticate', challenge).header('cache-control', 'no-store').send({ error, error_description: description });
  };
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header) : null;
    if (!match) return fail(reply, 401, 'invalid_request', 'no access token provided');
    let claims: JWTPayload;
    try {
      const jwks = createLocalJWKSet(await platform.keys.getJwks(issuer));
      ({ payload: claims } = await jwtVerify(match[1]!, jwks, { issuer, typ: 'at+jwt', clockTolerance: 10, requiredClaims: ['exp', 'iat'] }));
    } catch {
      return fail(reply, 401, 'invalid_token', 'invalid token provided');
    }
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes('openid') || typeof claims.pid !== 'string') {
      return fail(reply, 403, 'insufficient_scope', 'the token does not carry the openid scope');
    }
    reply.header('cache-control', 'no-store');
    return { sub: claims.sub, pid: claims.pid, ...(typeof claims.acr === 'string' ? { acr: claims.acr } : {}) };
  };
  const url = `${IDPORTEN_PATH}${PROVIDER_ROUTES.userinfo}`;
  app.get(url, { schema: { tags: ['idporten'], summary: 'UserInfo: the person behind an access token (Bearer)' } }, handler);
  app.post(url, { schema: { tags: ['idporten'], summary: 'UserInfo (POST)' } }, handler);
}
