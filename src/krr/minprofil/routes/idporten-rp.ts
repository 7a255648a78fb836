/**
 * MinProfil as an OpenID Connect relying party of this Grunnmur's ID-porten, through ID-porten's
 * relying-party kit (`createRelyingParty`: code flow with PKCE, state, nonce, sessions in
 * `krr_minprofil_sessions`, end session, front-channel logout). This file holds what is
 * MinProfil's own: its client and the level it asks for.
 *
 * **Client registration.** At start ID-porten gets client {@link MINPROFIL_CLIENT_ID} (owner
 * Digdir, 991825827): redirect URI `<PUBLIC_URL>/krr/minprofil/callback`, post-logout redirect
 * `<PUBLIC_URL>/krr/minprofil/logget-ut`, front-channel logout
 * `<PUBLIC_URL>/krr/minprofil/frontchannel-logout` (with `sid`), `client_secret_basic`.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_guide_idporten
 */
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../../platform/platform.ts';
import { createRelyingParty, ensureRpClient, type RelyingParty, type RpClientRegistration } from '../../../idporten/index.ts';
import { DIGDIR_ORGNR } from '../../../registers/index.ts';
import { minprofilError } from '../errors.ts';
import { MINPROFIL_PATH, minprofilUrls } from '../paths.ts';
import { MINPROFIL_TABLES } from '../domain/sessions.ts';

/** MinProfil's client id at ID-porten. */
export const MINPROFIL_CLIENT_ID = 'krr-minprofil';
/** The level MinProfil asks for. */
export const MINPROFIL_ACR = 'idporten-loa-substantial';
/** Levels MinProfil accepts in the ID token. */
export const ACCEPTED_ACR = ['idporten-loa-substantial', 'idporten-loa-high'] as const;
/** Cookie of a login under way (path `/krr/minprofil`, HttpOnly, SameSite=Lax). */
export const LOGIN_COOKIE = '_minprofil_login';
/** Cookie of a session (path `/krr/minprofil`, HttpOnly, SameSite=Lax). */
export const SESSION_COOKIE = '_minprofil_session';

/** The registration MinProfil wants at ID-porten. */
function wantedClient(publicUrl: string): RpClientRegistration {
  const urls = minprofilUrls(publicUrl);
  return {
    client_id: MINPROFIL_CLIENT_ID,
    client_name: 'MinProfil',
    display_name: 'Digitaliseringsdirektoratet',
    description: 'Kontakt- og reservasjonsregisteret: se og endre kontaktinformasjonen din',
    client_orgno: DIGDIR_ORGNR,
    client_uri: urls.base,
    application_type: 'web',
    redirect_uris: [urls.callback],
    post_logout_redirect_uris: [urls.loggedOut],
    frontchannel_logout_uri: urls.frontchannel,
    frontchannel_logout_session_required: true,
    scopes: ['openid', 'profile'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

/**
 * Makes sure ID-porten has MinProfil's client, as wanted for this `PUBLIC_URL`.
 *
 * @returns what was done
 * @throws AppError from ID-porten's registry (`IDPORTEN_INVALID_CLIENT` when `PUBLIC_URL` is
 *   plain http outside test mode), or a database error when ID-porten's tables are absent
 */
export async function ensureMinprofilClient(platform: Platform, now: number = Date.now()): Promise<'created' | 'updated' | 'unchanged'> {
  return ensureRpClient(platform, wantedClient(platform.config.PUBLIC_URL), now);
}

/** MinProfil's relying party (its client is registered on the way; a failure is logged). */
export async function minprofilRp(app: FastifyInstance, platform: Platform, now: () => number = Date.now): Promise<RelyingParty> {
  return createRelyingParty(app, platform, {
    name: 'MinProfil',
    client: wantedClient(platform.config.PUBLIC_URL),
    path: MINPROFIL_PATH,
    tablePrefix: MINPROFIL_TABLES,
    cookies: { login: LOGIN_COOKIE, session: SESSION_COOKIE },
    csrfPurpose: 'krr-minprofil-form',
    acceptedAcr: ACCEPTED_ACR,
    errors: {
      loginFailed: (message, options) => minprofilError('MINPROFIL_LOGIN_FAILED', message, options),
      csrfMismatch: (message) => minprofilError('MINPROFIL_CSRF_MISMATCH', message),
      unavailable: (message, options) => minprofilError('MINPROFIL_IDPORTEN_UNAVAILABLE', message, options),
    },
    now,
    log: platform.log.child({ component: 'krr', part: 'minprofil' }),
  });
}
