/**
 * The citizens' digital mailbox pages at `/digitalpost` (issue #7 item 3): what the Digital
 * postkasse component's entry (`src/digitalpost/index.ts`) registers. See `README.md` here.
 */
export { digitalpostPages, PURGE_JOB_QUEUE as PAGES_PURGE_JOB_QUEUE, type DigitalpostPagesOptions } from './routes/pages-routes.ts';
export { digitalpostPagesMigrations } from './store/migrations.ts';
export { digitalpostPagesErrors, type DigitalpostPagesErrorCode } from './errors.ts';
export { DIGITALPOST_CLIENT_ID, LOGIN_COOKIE, SESSION_COOKIE, ensureDigitalpostClient } from './routes/idporten-rp.ts';
export { DIGITALPOST_PAGES_PATH, digitalpostPagesUrls, letterPath, documentPath } from './paths.ts';
export { acrMeets, requiredAcr, openLetter, INBOX_PAGE_SIZE } from './domain/mailbox.ts';
