/**
 * The Maskinporten component: the JWT-bearer grant at `/maskinporten` (metadata, `/token`,
 * `/jwk`) and Digdir's self-service API for clients, scopes, access grants and delegations at
 * `/selvbetjening/api/v1`. The only entry other code may import.
 */
import type { Component } from '../platform/component.ts';
import { ensureBuiltInScopes } from './domain/built-in-scopes.ts';
import { startGrant } from './domain/start-grant.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { tokenRoutes } from './routes/token-routes.ts';
import { maskinportenMigrations } from './store/migrations.ts';

export { maskinportenMigrations } from './store/migrations.ts';
// Usage statistics (issue 8): clients per organisation.
export { countMaskinportenClientsByOrganisation } from './store/statistics-store.ts';
export type * from './domain/types.ts';
export { maskinportenGrantErrors } from './domain/grant/grant-errors.ts';
export { maskinportenErrors, type MaskinportenErrorCode } from './errors.ts';
// The registry without HTTP (for the CLI): clients and keys, scopes, access grants, delegations.
export type { Actor } from './domain/actor.ts';
export {
  createClient,
  getClient,
  listClientsFor,
  updateClient,
  deleteClient,
  DEFAULT_ACCESS_TOKEN_LIFETIME_S,
  MAX_ACCESS_TOKEN_LIFETIME_S,
  type ClientInput,
} from './domain/clients.ts';
export { setClientKeys, getClientKeys, maxKeyExpiry, MAX_CLIENT_KEYS, type JwksInput } from './domain/client-keys.ts';
export {
  createScope,
  ensureScope,
  assignPrefix,
  getOwnedScope,
  updateScope,
  deactivateScope,
  listPublicScopes,
  type ScopeDefinition,
  type ScopeInput,
} from './domain/scopes.ts';
export { grantScopeAccess, revokeScopeAccess, listAccessibleScopes } from './domain/scope-access.ts';
export { delegateScope, revokeDelegation, listDelegationsFor } from './domain/delegations.ts';
export { BUILT_IN_SCOPES, ensureBuiltInScopes } from './domain/built-in-scopes.ts';
export { SELF_SERVICE_BASE } from './routes/admin-routes.ts';
// The grant without HTTP (for `grunnmur token`).
export { runJwtBearerGrant, type GrantResult, type TokenRequest } from './domain/grant/jwt-bearer-grant.ts';
export { GrantError } from './domain/grant/grant-errors.ts';
export { grantDeps } from './domain/start-grant.ts';
export { maskinportenIssuer, maskinportenTokenEndpoint, maskinportenJwksUri } from './domain/issuer.ts';
export { findScopes } from './store/scopes-store.ts';

/** The Maskinporten component. */
export const maskinportenComponent: Component = {
  name: 'maskinporten',
  title: { nb: 'Maskinporten', en: 'Maskinporten' },
  description: {
    nb: 'Tilgangstokener for maskin-til-maskin-kall: JWT-bearer-grant med nøkkel eller virksomhetssertifikat, scopes, tilganger og delegeringer.',
    nn: 'Tilgangstokenar for maskin-til-maskin-kall: JWT-bearer-grant med nøkkel eller verksemdssertifikat, scopes, tilgangar og delegeringar.',
    en: 'Access tokens for machine-to-machine calls: the JWT-bearer grant with a key or an enterprise certificate, scopes, access grants and delegations.',
  },
  paths: ['/maskinporten', '/selvbetjening'],
  migrations: maskinportenMigrations,
  onStart: async (platform) => {
    await ensureBuiltInScopes(platform.db);
    await startGrant(platform);
  },
  plugin: async (app, { platform }) => {
    await tokenRoutes(app, platform);
    await adminRoutes(app, platform);
  },
  links: [
    { kind: 'discovery', label: { nb: 'Metadata', en: 'Metadata' }, href: '/maskinporten/.well-known/oauth-authorization-server' },
    { kind: 'jwks', label: { nb: 'JWKS', en: 'JWKS' }, href: '/maskinporten/jwk' },
    { kind: 'api', label: { nb: 'Scopes', en: 'Scopes' }, href: '/selvbetjening/api/v1/scopes/all' },
    { kind: 'openapi', label: { nb: 'OpenAPI', en: 'OpenAPI' }, href: '/maskinporten/openapi.json' },
  ],
};
