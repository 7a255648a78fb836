/**
 * The ID-porten component: an OpenID Connect provider (`oidc-provider`) at `/idporten` with
 * Digdir's semantics, its login pages (method choice, MinID, TestID), the client registry's domain
 * functions, and the relying-party kit (`rp/`) the platform's own citizen services log in with.
 * The only entry other code may import.
 */
import { randomBytes } from 'node:crypto';
import type { Component } from '../platform/component.ts';
import { serveJwks } from '../platform/keys/jwks-route.ts';
import type { Platform } from '../platform/platform.ts';
import { IDPORTEN_PATH, PROVIDER_ROUTES, SESSION_MAX_LIFETIME_S, idportenIssuer, type ProviderSecrets } from './provider/create-provider.ts';
import { ProviderHolder } from './provider/provider-holder.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { loginRoutes } from './routes/login-routes.ts';
import { logoutRoutes } from './routes/logout-routes.ts';
import { scopeRegistry } from './provider/scope-registry.ts';
import { providerRoutes } from './routes/provider-routes.ts';
import { userinfoRoutes } from './routes/userinfo-routes.ts';
import { idportenMigrations } from './store/migrations.ts';
import { ensureSecret, purgeExpiredPayloads } from './store/payloads-store.ts';

export { idportenMigrations } from './store/migrations.ts';
// Usage statistics (issue 8): clients per organisation.
export { countIdportenClientsByOrganisation } from './store/statistics-store.ts';
export { idportenErrors, type IdportenErrorCode } from './errors.ts';
export type * from './domain/types.ts';
export {
  ACR_VALUES,
  DEFAULT_LIFETIMES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  IDPORTEN_GRANT_TYPES,
  APPLICATION_TYPES,
  IDPORTEN_INTEGRATION_TYPES,
  CLIENT_SECRET_LIFETIME_S,
} from './domain/types.ts';
export {
  createIdportenClient,
  getIdportenClient,
  checkIdportenClient,
  MAX_CLIENT_KEYS,
  type IdportenClientInput,
  type CreateIdportenClientOptions,
  type ClientProblem,
} from './domain/clients.ts';
export {
  listIdportenClientsFor,
  getIdportenClientFor,
  registerIdportenClient,
  replaceIdportenClient,
  deactivateIdportenClient,
  getIdportenClientKeys,
  replaceIdportenClientKeys,
  rotateIdportenClientSecret,
  type IdportenActor,
  type IdportenClientRegistration,
  type RegistryOptions,
} from './domain/clients-admin.ts';
export { CLIENTS_PATH, DCR_SCOPES } from './routes/admin-routes.ts';
export { findIdportenClient, insertIdportenClient, listRegisteredClientUrls, updateIdportenClient } from './store/clients-store.ts';
export { idportenIssuer, IDPORTEN_PATH, PROVIDER_ROUTES, PAR_LIFETIME_S, INTROSPECTION_SCOPE, UI_LOCALES } from './provider/create-provider.ts';
export {
  createMinidAccount,
  findMinidAccount,
  minidSettings,
  MINID_MAX_FAILED_ATTEMPTS,
  MINID_LOCK_DURATION_MS,
  type MinidAccount,
  type MinidAccountInput,
  type MinidSettings,
} from './domain/minid/accounts.ts';
export { OWASP_ARGON2_PARAMS, passwordProblems } from './domain/minid/password.ts';
export { newTotpSecret, totpCode, totpUri } from './domain/minid/totp.ts';
export { MINID_CODE_LENGTH, MINID_CODE_LIFETIME_MS, MINID_CODE_MAX_ATTEMPTS, AMR_MINID_OTC, AMR_MINID_TOTP } from './domain/minid/second-factor.ts';
export type { LoginMethod } from './login/login-methods.ts';
export {
  createRelyingParty,
  injectFetch,
  RP_CONFIG_TTL_MS,
  type RelyingParty,
  type RelyingPartyOptions,
  type LoginRequest,
} from './rp/relying-party.ts';
export { ensureRpClient, SECRET_RENEW_MS, type RpClientRegistration } from './rp/rp-client.ts';
export {
  cookieKey,
  createSession as createRpSession,
  LOGIN_LIFETIME_MS as RP_LOGIN_LIFETIME_MS,
  SESSION_IDLE_MS as RP_SESSION_IDLE_MS,
  SESSION_MAX_MS as RP_SESSION_MAX_MS,
  type NewRpSession,
  type RpErrors,
  type RpSession,
} from './rp/rp-sessions.ts';
export { createRpTables, type RpLoginRow, type RpSecretRow, type RpSessionRow, type RpTables } from './rp/rp-store.ts';
export type { LoginContext, LoginResult, LoginDeps } from './login/login-flow.ts';

/** Queue of the job that deletes expired provider artefacts. */
export const PURGE_JOB_QUEUE = 'idporten.purge';
/** How often expired provider artefacts are deleted, in ms (10 min). */
export const PURGE_INTERVAL_MS = 600_000;

/** The secrets every process shares (made by the first). */
async function providerSecrets(platform: Platform): Promise<ProviderSecrets & { csrfKey: string }> {
  const make = () => randomBytes(32).toString('base64url');
  return {
    cookieKeys: [await ensureSecret(platform.db, 'cookie_key', make)],
    pairwiseSalt: await ensureSecret(platform.db, 'pairwise_salt', make),
    csrfKey: await ensureSecret(platform.db, 'csrf_key', make),
  };
}

/** The ID-porten component. */
export const idportenComponent: Component = {
  name: 'idporten',
  title: { nb: 'ID-porten', en: 'ID-porten' },
  description: {
    nb: 'Innlogging for innbyggere med OpenID Connect: autorisasjonskode med PKCE, PAR, ID-token med pid, acr og amr, MinID med engangskode på SMS eller fra app, og TestID i testmiljøet.',
    nn: 'Innlogging for innbyggjarar med OpenID Connect: autorisasjonskode med PKCE, PAR, ID-token med pid, acr og amr, MinID med eingongskode på SMS eller frå app, og TestID i testmiljøet.',
    en: 'Citizen login with OpenID Connect: authorization code with PKCE, PAR, ID tokens with pid, acr and amr, MinID with a one-time code by SMS or from an app, and TestID in the test environment.',
  },
  paths: [IDPORTEN_PATH],
  migrations: idportenMigrations,
  onStart: async (platform) => {
    // Retired keys stay published for the longest token: a session (ID tokens are shorter).
    await platform.keys.registerIssuer(idportenIssuer(platform.config), { maxTokenLifetimeS: SESSION_MAX_LIFETIME_S });
    platform.jobs.register(PURGE_JOB_QUEUE, async () => {
      const removed = await purgeExpiredPayloads(platform.db);
      if (removed > 0) platform.log.debug({ removed }, 'idporten: expired provider artefacts deleted');
    });
    await platform.jobs.every(PURGE_JOB_QUEUE, PURGE_INTERVAL_MS);
  },
  plugin: async (app, { platform }) => {
    const secrets = await providerSecrets(platform);
    const holder = new ProviderHolder(platform, secrets, { scopes: scopeRegistry(app, platform) });
    const deps = { holder, csrfKey: secrets.csrfKey };
    serveJwks(app, `${IDPORTEN_PATH}${PROVIDER_ROUTES.jwks}`, platform.keys, holder.issuer);
    await userinfoRoutes(app, platform, holder);
    await providerRoutes(app, platform, holder);
    await logoutRoutes(app, platform, holder);
    await loginRoutes(app, platform, deps);
    await adminRoutes(app, platform);
  },
  links: [
    { kind: 'discovery', label: { nb: 'OpenID-konfigurasjon', en: 'OpenID configuration' }, href: '/idporten/.well-known/openid-configuration' },
    { kind: 'jwks', label: { nb: 'JWKS', en: 'JWKS' }, href: '/idporten/jwks.json' },
    { kind: 'openapi', label: { nb: 'OpenAPI', en: 'OpenAPI' }, href: '/idporten/openapi.json' },
  ],
};
