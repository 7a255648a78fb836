/**
 * The mailbox pages as an OpenID Connect relying party of this Grunnmur's ID-porten, through
 * ID-porten's relying-party kit (`createRelyingParty`: code flow with PKCE, state, nonce,
 * sessions in `digitalpost_pages_sessions`, end session, front-channel logout). This file holds
 * what is the mailbox's own: its client and its cookies.
 *
 * **Client registration.** At start ID-porten gets client {@link DIGITALPOST_CLIENT_ID} (owner
 * Digdir, 991825827): redirect URI `<PUBLIC_URL>/digitalpost/callback`, post-logout redirect
 * `<PUBLIC_URL>/digitalpost/logget-ut`, front-channel logout
 * `<PUBLIC_URL>/digitalpost/frontchannel-logout` (with `sid`), `client_secret_basic`.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_guide_idporten
 */
import type { FastifyInstance } from 'fastify';
import { createRelyingParty, ensureRpClient, type RelyingParty, type RpClientRegistration } from '../../../idporten/index.ts';
import type { Platform } from '../../../platform/platform.ts';
import { DIGDIR_ORGNR } from '../../../registers/index.ts';
import { pagesError } from '../errors.ts';
import { DIGITALPOST_PAGES_PATH, digitalpostPagesUrls } from '../paths.ts';
import { PAGES_TABLES } from '../store/migrations.ts';

/** The mailbox's client id at ID-porten. */
export const DIGITALPOST_CLIENT_ID = 'digitalpost';
/** Levels the mailbox accepts in the ID token (the inbox asks for the first; a level-4 letter for the second). */
export const ACCEPTED_ACR = ['idporten-loa-substantial', 'idporten-loa-high'] as const;
/** Cookie of a login under way (path `/digitalpost`, HttpOnly, SameSite=Lax). */
export const LOGIN_COOKIE = '_digitalpost_login';
/** Cookie of a session (path `/digitalpost`, HttpOnly, SameSite=Lax). */
export const SESSION_COOKIE = '_digitalpost_session';

/** The registration the mailbox wants at ID-porten. */
export function digitalpostClient(publicUrl: string): RpClientRegistration {
  const urls = digitalpostPagesUrls(publicUrl);
  return {
    client_id: DIGITALPOST_CLIENT_ID,
    client_name: 'Digital postkasse',
    display_name: 'Digitaliseringsdirektoratet',
    description: 'Digital postkasse til innbyggere: les brevene det offentlige har sendt deg',
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
 * Makes sure ID-porten has the mailbox's client, as wanted for this `PUBLIC_URL`.
 *
 * @returns what was done
 * @throws AppError from ID-porten's registry, or a database error when ID-porten's tables are absent
 */
export async function ensureDigitalpostClient(platform: Platform, now: number = Date.now()): Promise<'created' | 'updated' | 'unchanged'> {
  return ensureRpClient(platform, digitalpostClient(platform.config.PUBLIC_URL), now);
}

/** The mailbox's relying party (its client is registered on the way; a failure is logged). */
export async function digitalpostRp(app: FastifyInstance, platform: Platform, now: () => number = Date.now): Promise<RelyingParty> {
  return createRelyingParty(app, platform, {
    name: 'Digital postkasse',
    client: digitalpostClient(platform.config.PUBLIC_URL),
    path: DIGITALPOST_PAGES_PATH,
    tablePrefix: PAGES_TABLES,
    cookies: { login: LOGIN_COOKIE, session: SESSION_COOKIE },
    csrfPurpose: 'digitalpost-form',
    acceptedAcr: ACCEPTED_ACR,
    errors: {
      loginFailed: (message, options) => pagesError('DIGITALPOST_LOGIN_FAILED', message, options),
      csrfMismatch: (message) => pagesError('DIGITALPOST_CSRF_MISMATCH', message),
      unavailable: (message, options) => pagesError('DIGITALPOST_IDPORTEN_UNAVAILABLE', message, options),
    },
    now,
    log: platform.log.child({ component: 'digitalpost', part: 'pages' }),
  });
}
