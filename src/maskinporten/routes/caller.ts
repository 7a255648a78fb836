/**
 * Who calls the self-service API: the organisation of the caller's Maskinporten token (its
 * `consumer`) and the token's scopes. The only file of this component that knows how a bearer
 * token is checked (`src/platform/auth`); the routes see {@link Caller} and {@link guard}.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin ("Tilgangstyring av APIet")
 */
import type { FastifyRequest } from 'fastify';
import { bearerSecurity, getMaskinportenToken, requireScopes, type AuthHook } from '../../platform/auth/index.ts';
import type { Platform } from '../../platform/platform.ts';
import type { Actor } from '../domain/actor.ts';

/** The scopes of Digdir's self-service API (and Grunnmur's delegation stand-in). */
export const ADMIN_SCOPES = {
  DCR_READ: 'idporten:dcr.read',
  DCR_WRITE: 'idporten:dcr.write',
  DCR_MODIFY: 'idporten:dcr.modify',
  DCR_SUPPLIER: 'idporten:dcr.supplier',
  SCOPES_WRITE: 'idporten:scopes.write',
  DELEGATIONS_WRITE: 'grunnmur:delegations.write',
} as const;

/** The caller of a protected route. */
export interface Caller {
  /** Organisasjonsnummer of the token's `consumer`. */
  orgno: string;
  /** The token's scopes. */
  scopes: readonly string[];
}

/**
 * The `onRequest` hook of a protected route: a valid Maskinporten token carrying at least one of
 * `anyOf` (401 `AUTH_TOKEN_*` without one, 403 `AUTH_INSUFFICIENT_SCOPE` with the wrong scopes),
 * and the OpenAPI `security` requirement that documents it.
 */
export function guard(platform: Platform, anyOf: readonly string[]): { onRequest: AuthHook; security: Array<Record<string, string[]>> } {
  return { onRequest: requireScopes(platform, anyOf, { anyOf: true }), ...bearerSecurity(anyOf) };
}

/** The caller of a route protected by {@link guard}. */
export function getCaller(request: FastifyRequest): Caller {
  const token = getMaskinportenToken(request);
  return { orgno: token.consumerOrgno, scopes: token.scopes };
}

/** The domain's view of the caller: its organisation, and whether it acts as supplier. */
export function actorOf(caller: Caller): Actor {
  return { orgno: caller.orgno, supplier: caller.scopes.includes(ADMIN_SCOPES.DCR_SUPPLIER) };
}
