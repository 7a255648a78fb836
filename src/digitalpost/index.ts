/**
 * The Digital postkasse component (Digital post til innbyggere, DPI): corner 2 (the DPI access
 * point senders submit to, `/dpi`), the two mailbox providers and the print provider as tenants
 * with their own keys, the citizens' mailbox pages (`/digitalpost`), notifications by e-mail and
 * SMS, print, and receipts back to the sender. The only entry other code may import.
 *
 * @see specs/krr-dpi-esign.md §2; README.md in this folder
 */
import type { Component } from '../platform/component.ts';
import type { Platform } from '../platform/platform.ts';
import { corner2Routes, DPI_PATH } from './corner2/index.ts';
import { registerNotificationJobs } from './notifications/index.ts';
import { digitalpostPages, digitalpostPagesMigrations, DIGITALPOST_PAGES_PATH } from './pages/index.ts';
import { ensureProviderKeys, registerProviderJobs } from './provider/index.ts';
import { digitalpostMigrations } from './store/migrations.ts';

export { digitalpostMigrations } from './store/migrations.ts';
export { digitalpostErrors, type DigitalpostErrorCode } from './errors.ts';
export { digitalpostCryptoErrors } from './crypto/index.ts';
export { acceptMessage, DPI_PATH } from './corner2/index.ts';
export { controlCharacterProblems } from './corner2/checks/check-control-characters.ts';
export { checkPostadresse, checkRetur } from './print/index.ts';
export { RECEIPT_QUEUE } from './domain/receipts.ts';
export { findReceipt, markReceiptRead, unreadReceiptsAbout } from './domain/receipt-inbox.ts';
export { findDpiMessageOrigin } from './domain/messages.ts';
export { DIGITALPOST_PAGES_PATH } from './pages/index.ts';
export type * from './store/tables.ts';

/**
 * `onStart`: the providers' keys (issued on first start; KRR then publishes their
 * certificates), the providers' and print jobs, and the notification sweep.
 */
async function startDigitalpost(platform: Platform): Promise<void> {
  await ensureProviderKeys(platform);
  registerProviderJobs(platform);
  await registerNotificationJobs(platform);
}

/** The Digital postkasse component. */
export const digitalpostComponent: Component = {
  name: 'digitalpost',
  title: { nb: 'Digital postkasse til innbyggere', nn: 'Digital postkasse til innbyggjarar', en: 'Digital mailbox for citizens' },
  description: {
    nb: 'Brev fra offentlige virksomheter til innbyggernes digitale postkasser (Digipost og e-Boks) eller på papir, med kvitteringer, varsler på e-post og SMS og utskrift.',
    nn: 'Brev frå offentlege verksemder til innbyggjarane sine digitale postkassar (Digipost og e-Boks) eller på papir, med kvitteringar, varsel på e-post og SMS og utskrift.',
    en: 'Letters from public bodies to citizens’ digital mailboxes (Digipost and e-Boks) or on paper, with receipts, e-mail and SMS notifications, and print.',
  },
  paths: [DPI_PATH, DIGITALPOST_PAGES_PATH],
  migrations: [...digitalpostMigrations, ...digitalpostPagesMigrations],
  plugin: async (app, { platform }) => {
    await corner2Routes(app, platform);
    await digitalpostPages(app, platform);
  },
  links: [
    { kind: 'page', label: { nb: 'Min digitale postkasse', nn: 'Min digitale postkasse', en: 'My digital mailbox' }, href: DIGITALPOST_PAGES_PATH },
    { kind: 'openapi', label: { nb: 'OpenAPI (DPI, hjørne 2)', nn: 'OpenAPI (DPI, hjørne 2)', en: 'OpenAPI (DPI, corner 2)' }, href: `${DPI_PATH}/openapi.json` },
  ],
  onStart: startDigitalpost,
};
