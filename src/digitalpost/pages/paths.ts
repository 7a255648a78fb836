/** Where the mailbox pages live, and their URLs under `PUBLIC_URL`. */

/** The mailbox pages' path prefix. */
export const DIGITALPOST_PAGES_PATH = '/digitalpost';

/** The mailbox pages' absolute URLs under `PUBLIC_URL` (the ones ID-porten knows). */
export function digitalpostPagesUrls(publicUrl: string): { base: string; callback: string; loggedOut: string; frontchannel: string } {
  const base = `${publicUrl}${DIGITALPOST_PAGES_PATH}`;
  return { base, callback: `${base}/callback`, loggedOut: `${base}/logget-ut`, frontchannel: `${base}/frontchannel-logout` };
}

/** Path of a letter's page. */
export function letterPath(id: string): string {
  return `${DIGITALPOST_PAGES_PATH}/brev/${encodeURIComponent(id)}`;
}

/** Path of a document of a letter (`download`: as an attachment). */
export function documentPath(id: string, position: number, download = false): string {
  return `${letterPath(id)}/dokument/${position}${download ? '?last-ned=1' : ''}`;
}
