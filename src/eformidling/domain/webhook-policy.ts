/**
 * Whether webhook push endpoints may be non-public addresses: `EFORMIDLING_WEBHOOK_PRIVATE_ADDRESSES`,
 * or, unset, yes in test mode (local tests push to 127.0.0.1) and no in production (a tenant of
 * the hosted integration point must not probe the network it runs in).
 */
import type { Platform } from '../../platform/platform.ts';

/** The policy of this platform. */
export function webhookPrivateAddressesAllowed(platform: Platform): boolean {
  return platform.config.EFORMIDLING_WEBHOOK_PRIVATE_ADDRESSES ?? platform.config.GRUNNMUR_MODE === 'test';
}
