/** Where MinProfil lives, and its URLs under `PUBLIC_URL`. */

/** MinProfil's path prefix. */
export const MINPROFIL_PATH = '/krr/minprofil';

/** MinProfil's absolute URLs under `PUBLIC_URL`. */
export function minprofilUrls(publicUrl: string): { base: string; callback: string; loggedOut: string; frontchannel: string } {
  const base = `${publicUrl}${MINPROFIL_PATH}`;
  return { base, callback: `${base}/callback`, loggedOut: `${base}/logget-ut`, frontchannel: `${base}/frontchannel-logout` };
}
