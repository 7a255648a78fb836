/**
 * A platform service's own client at this Grunnmur's ID-porten, registered at start.
 *
 * The services Grunnmur hosts for citizens (MinProfil, the digital mailbox) register at
 * ID-porten as Digdir's servicedesk would register Digdir's own services: through ID-porten's
 * domain functions, so it works wherever ID-porten's tables are in the same database (one
 * process, or several on one PostgreSQL). A changed `PUBLIC_URL`, a deleted or deactivated
 * client, or a secret with less than 30 days left is set right at the next start.
 */
import { randomBytes } from 'node:crypto';
import type { Platform } from '../../platform/platform.ts';
import { AppError } from '../../platform/errors.ts';
import { checkIdportenClient, createIdportenClient, type IdportenClientInput } from '../domain/clients.ts';
import { CLIENT_SECRET_LIFETIME_S, type IdportenClient } from '../domain/types.ts';
import { findIdportenClient, updateIdportenClient } from '../store/clients-store.ts';

/** A secret with less than this left (ms) is renewed at start (30 days). */
export const SECRET_RENEW_MS = 30 * 86_400_000;

/** The registration a relying party wants: an {@link IdportenClientInput} with its own `client_id`. */
export type RpClientRegistration = IdportenClientInput & { client_id: string; redirect_uris: string[] };

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Makes sure ID-porten has the client `wanted`, as wanted: created when missing, updated when
 * inactive, without a secret, with a secret ending within {@link SECRET_RENEW_MS}, or with other
 * redirect, post-logout or front-channel URIs or `client_uri`.
 *
 * @returns what was done
 * @throws AppError from ID-porten's registry (`IDPORTEN_INVALID_CLIENT` when `PUBLIC_URL` is
 *   plain http outside test mode), or a database error when ID-porten's tables are absent
 */
export async function ensureRpClient(platform: Platform, wanted: RpClientRegistration, now: number = Date.now()): Promise<'created' | 'updated' | 'unchanged'> {
  const mode = platform.config.GRUNNMUR_MODE;
  const existing = await findIdportenClient(platform.db, wanted.client_id);
  if (!existing) {
    try {
      await createIdportenClient(platform.db, wanted, { mode, now });
      return 'created';
    } catch (err) {
      // Another process registered it first.
      if (err instanceof AppError && err.code === 'IDPORTEN_CLIENT_EXISTS') return 'unchanged';
      throw err;
    }
  }
  const secretEnding = existing.client_secret_expires_at !== undefined && existing.client_secret_expires_at * 1000 - now < SECRET_RENEW_MS;
  const current =
    existing.active &&
    existing.client_secret !== undefined &&
    !secretEnding &&
    sameList(existing.redirect_uris, wanted.redirect_uris) &&
    sameList(existing.post_logout_redirect_uris, wanted.post_logout_redirect_uris ?? []) &&
    existing.frontchannel_logout_uri === wanted.frontchannel_logout_uri &&
    existing.client_uri === wanted.client_uri;
  if (current) return 'unchanged';
  const checked = checkIdportenClient(wanted, { mode, now, current: existing });
  const renewed: IdportenClient = { ...checked, active: true };
  if (secretEnding || renewed.client_secret === undefined) {
    // Digdir's form: 43 random base64url characters, living CLIENT_SECRET_LIFETIME_S.
    renewed.client_secret = randomBytes(32).toString('base64url');
    renewed.client_secret_expires_at = Math.floor(now / 1000) + CLIENT_SECRET_LIFETIME_S;
  }
  await updateIdportenClient(platform.db, renewed);
  return 'updated';
}
