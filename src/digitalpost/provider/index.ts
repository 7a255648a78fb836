/**
 * The providers: the two mailbox providers and the print provider, each a tenant with its own
 * keys, processing the messages corner 2 passes on. See `process-message.ts`, `print-jobs.ts`
 * and `keys.ts`.
 */
import type { Platform } from '../../platform/platform.ts';
import { PROVIDER_QUEUE } from '../corner2/accept-message.ts';
import { postPrintJob } from './print-jobs.ts';
import { PRINT_QUEUE, processMessage, type ProviderOptions } from './process-message.ts';

export { ensureProviderKeys, providerKeys, providerSigner, providerOrgnrs, PROVIDER_KEY_DAYS, PROVIDER_KEY_RENEW_BEFORE_MS, type ProviderKey } from './keys.ts';
export { processMessage, rejectMessage, verifyAsProvider, visibleFrom, receiptSubject, Rejection, PRINT_QUEUE, DEFAULT_PRINT_DELAY_MS, type ProviderOptions } from './process-message.ts';
export { postPrintJob } from './print-jobs.ts';
export { PROVIDER_QUEUE } from '../corner2/accept-message.ts';

/**
 * Registers the providers' job handlers: `digitalpost.provider` (a message's processing by its
 * receiving provider) and `digitalpost.print` (the print provider's posting). Call once per
 * process, at start.
 *
 * @param options `printDelayMs`: how long after the `mottakskvittering` a print job is posted
 *   (default 60 s)
 */
export function registerProviderJobs(platform: Platform, options: ProviderOptions = {}): void {
  platform.jobs.register(PROVIDER_QUEUE, (job) => processMessage(platform, job, options), { backoffBaseMs: 1000, backoffMaxMs: 300_000 });
  platform.jobs.register(PRINT_QUEUE, (job) => postPrintJob(platform, job), { backoffBaseMs: 1000, backoffMaxMs: 300_000 });
}
