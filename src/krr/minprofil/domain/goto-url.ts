/**
 * `?gotoUrl=`: where MinProfil sends the citizen back to after the visit.
 *
 * Digdir: services may link to MinProfil with `?gotoUrl=<url-encoded URL>`, and the URL "must
 * be registered with Digdir first" (`krr_sluttbrukerinnstillinger.md`; spec §1 "Citizen
 * self-service"). Grunnmur's meaning of *registered*: the URL's **origin** (scheme, host, port)
 * is the origin of a URL registered on an **active ID-porten client** — one of its
 * `redirect_uris`, `post_logout_redirect_uris` or its `client_uri`. Organisations already
 * register those with Digdir, so no second registry is needed, and a deleted client's origin
 * stops working at once.
 *
 * Further rules: `http:` or `https:` only (an `http:` origin can only be registered in test
 * mode, for localhost), no user name or password in the URL, at most 2000 characters. Anything
 * else is refused; the pages then ignore the parameter (no open redirect).
 */
import { minprofilError } from '../errors.ts';

/** Longest accepted `gotoUrl`, in characters. */
export const GOTO_URL_MAX_LENGTH = 2000;

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a `gotoUrl` against the registered URLs.
 *
 * @param registeredUrls URLs registered on active ID-porten clients
 * @returns the URL, normalised (`URL.href`)
 * @throws AppError `MINPROFIL_GOTO_URL_NOT_REGISTERED` (400)
 */
export function checkGotoUrl(gotoUrl: unknown, registeredUrls: readonly string[]): string {
  const refuse = (why: string) => minprofilError('MINPROFIL_GOTO_URL_NOT_REGISTERED', `gotoUrl is not accepted: ${why}`);
  if (typeof gotoUrl !== 'string' || gotoUrl.length === 0 || gotoUrl.length > GOTO_URL_MAX_LENGTH) throw refuse('missing or too long');
  let url: URL;
  try {
    url = new URL(gotoUrl);
  } catch {
    throw refuse('not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('only http and https URLs');
  if (url.username !== '' || url.password !== '') throw refuse('user information in the URL');
  const origins = new Set(registeredUrls.map(originOf).filter((o): o is string => o !== undefined));
  if (!origins.has(url.origin)) throw refuse('its origin is not registered for an ID-porten client');
  return url.href;
}
