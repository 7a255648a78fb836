/**
 * The eFormidling component: a hosted, multi-tenant integration point speaking the Next Move
 * API at `/eformidling/api`, routing by ELMA and KRR, and delivering messages as signed ASiC-E
 * containers through the platform's durable jobs. The only entry other code may import.
 *
 * @see specs/eformidling-elma-einnsyn.md §1; README.md in this folder
 */
import { RECEIPT_QUEUE } from '../digitalpost/index.ts';
import type { Component } from '../platform/component.ts';
import type { Platform } from '../platform/platform.ts';
import { DPI_QUEUE, EXPIRY_QUEUE, IntegrationPoint, SEND_QUEUE } from './domain/integration-point.ts';
import { webhookHandler, WEBHOOK_QUEUE } from './domain/webhooks.ts';
import { webhookPrivateAddressesAllowed } from './domain/webhook-policy.ts';
import { NEXTMOVE_PATH, nextMoveRoutes } from './routes/nextmove-routes.ts';
import { eformidlingMigrations } from './store/migrations.ts';
import { loadSbdSchemas } from './validation/index.ts';

export { eformidlingErrors, type EformidlingErrorCode } from './errors.ts';
export { validationErrors } from './validation/errors.ts';
export { asicErrors } from './asic/errors.ts';
export { eformidlingMigrations } from './store/migrations.ts';
export { EFORMIDLING_SCOPE } from './domain/scopes.ts';
export { NEXTMOVE_PATH } from './routes/nextmove-routes.ts';
export { SEND_QUEUE, DPI_QUEUE, EXPIRY_QUEUE, MAX_MULTIPART_BYTES, DELIVERY_STEPS, DPI_STEPS, IntegrationPoint, type DeliveryStep, type DpoDeliveryStep, type IntegrationPointOptions } from './domain/integration-point.ts';
export { WEBHOOK_QUEUE } from './domain/webhooks.ts';
export { MESSAGE_STATUSES, type MessageStatus } from './domain/statuses.ts';
export { createAsice, verifyAsice, streamAsice, ASICE_MIME_TYPE, type VerifiedAsice } from './asic/asice.ts';
export { validateSbd, KNOWN_PROCESSES, findProcess, prototypeSbd, type ValidatedSbd, type ProcessInfo } from './validation/index.ts';

/** One integration point per platform. */
const points = new WeakMap<Platform, IntegrationPoint>();

/** The platform's integration point (made on first use). */
export function integrationPointOf(platform: Platform): IntegrationPoint {
  let ip = points.get(platform);
  if (!ip) {
    const c = platform.config;
    ip = new IntegrationPoint(platform, {
      lockTimeoutMs: c.EFORMIDLING_LOCK_TIMEOUT_S * 1000,
      defaultTtlMs: c.EFORMIDLING_DEFAULT_TTL_H * 3_600_000,
      maxFileBytes: c.EFORMIDLING_MAX_FILE_BYTES,
    });
    points.set(platform, ip);
  }
  return ip;
}

/**
 * `onStart`: registers the delivery (DPO `eformidling.send`, DPI `eformidling.dpi`), DPI receipt
 * (`digitalpost.receipt`), webhook and expiry job handlers and schedules the expiry sweep.
 */
async function startEformidling(platform: Platform): Promise<void> {
  // The JSON schemas are compiled now rather than by the first request (a few hundred ms).
  loadSbdSchemas();
  const ip = integrationPointOf(platform);
  platform.jobs.register(SEND_QUEUE, async (job) => ip.deliver(job));
  platform.jobs.register(DPI_QUEUE, async (job) => ip.deliverDpi(job));
  platform.jobs.register(RECEIPT_QUEUE, async (job) => ip.recordDpiReceipt(job));
  platform.jobs.register(WEBHOOK_QUEUE, webhookHandler(webhookPrivateAddressesAllowed(platform)));
  platform.jobs.register(EXPIRY_QUEUE, async () => {
    await ip.expireDue();
  });
  await platform.jobs.every(EXPIRY_QUEUE, platform.config.EFORMIDLING_EXPIRY_SWEEP_S * 1000);
}

/** The eFormidling component. */
export const eformidlingComponent: Component = {
  name: 'eformidling',
  title: { nb: 'eFormidling (integrasjonspunkt)', nn: 'eFormidling (integrasjonspunkt)', en: 'eFormidling (integration point)' },
  description: {
    nb: 'Et vertet integrasjonspunkt med Next Move-API-et: meldinger mellom virksomheter (DPO) og til innbyggere (DPI), ruting med ELMA og KRR, signert ASiC-E og varig levering.',
    nn: 'Eit vertsbasert integrasjonspunkt med Next Move-API-et: meldingar mellom verksemder (DPO) og til innbyggjarar (DPI), ruting med ELMA og KRR, signert ASiC-E og varig levering.',
    en: 'A hosted integration point speaking the Next Move API: messages between organisations (DPO) and to citizens (DPI), routing by ELMA and KRR, signed ASiC-E and durable delivery.',
  },
  paths: [NEXTMOVE_PATH],
  migrations: eformidlingMigrations,
  plugin: async (app, { platform }) => {
    await nextMoveRoutes(app, platform, integrationPointOf(platform));
  },
  links: [{ kind: 'openapi', label: { nb: 'OpenAPI (Next Move)', nn: 'OpenAPI (Next Move)', en: 'OpenAPI (Next Move)' }, href: `${NEXTMOVE_PATH}/openapi.json` }],
  onStart: startEformidling,
};
