/**
 * Kernel routes of the status page:
 * - `GET /status`: the page (bokmål, nynorsk, English; `?lang=`, cookie, `Accept-Language`);
 * - `GET /status.json`: the same figures for machines.
 *
 * Both read one report, computed from the stored checks at most once per
 * {@link STATUS_REPORT_CACHE_MS} per process: summing a year of checks is a scan of the table,
 * and a status page is read the most exactly when something is down.
 *
 * @see https://status.digdir.no Status Digdir, the model
 */
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform.ts';
import { pickLang, t } from '../ui/i18n.ts';
import { sendPage } from '../ui/layout.ts';
import { STATUS_CHECK_INTERVAL_MS } from './status-jobs.ts';
import { renderStatusPage, statusPageTitle } from './status-page.ts';
import { loadStatusReport, truncatedPercent, type StatusReport, type WindowUptime } from './uptime.ts';

/** How long one computed report is served, ms. */
export const STATUS_REPORT_CACHE_MS = 10_000;

/** Options of {@link statusRoutes}. */
export interface StatusRoutesOptions {
  /** How long a computed report is reused, ms (default {@link STATUS_REPORT_CACHE_MS}; 0 = never). */
  cacheMs?: number;
  /** The check interval shown, ms (default {@link STATUS_CHECK_INTERVAL_MS}). */
  intervalMs?: number;
  /** Clock, epoch ms (default `Date.now`); for tests. */
  now?: () => number;
}

/** Uptime of one window as `/status.json` gives it. */
export interface UptimeJson {
  /** Per cent of the measured time the component was up, cut to 4 decimals; null when nothing was measured. */
  percent: number | null;
  upMs: number;
  downMs: number;
  /** Time of the window no check stands for. */
  unknownMs: number;
}

function uptimeJson(u: WindowUptime): UptimeJson {
  const known = u.upMs + u.downMs;
  return { percent: known > 0 ? truncatedPercent(u.upMs, known, 4) : null, upMs: u.upMs, downMs: u.downMs, unknownMs: u.unknownMs };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The report as `/status.json` sends it: times as ISO 8601 (UTC), durations in ms. `status` is
 * `DOWN` when any component is down now, `UP` when all are up, else `UNKNOWN`.
 */
export function statusJson(report: StatusReport) {
  const states = report.components.map((c) => c.state);
  return {
    status: states.includes('DOWN') ? 'DOWN' : states.length > 0 && states.every((s) => s === 'UP') ? 'UP' : 'UNKNOWN',
    generatedAt: iso(report.generatedAt),
    intervalMs: report.intervalMs,
    windows: report.windows.map((w) => ({ id: w.id, from: iso(w.from), to: iso(w.to) })),
    components: report.components.map((c) => ({
      name: c.name,
      title: c.title,
      status: c.state,
      lastCheckedAt: c.lastCheckedAt === null ? null : iso(c.lastCheckedAt),
      lastError: c.lastError,
      uptime: Object.fromEntries(report.windows.map((w) => [w.id, uptimeJson(c.uptime[w.id])])),
    })),
    incidents: report.incidents.map((i) => ({
      component: i.component,
      start: iso(i.start),
      end: i.end === null ? null : iso(i.end),
      ongoing: i.ongoing,
      durationMs: i.durationMs,
      failedChecks: i.failedChecks,
      error: i.error,
    })),
  };
}

const nullableString = { type: ['string', 'null'] } as const;
const localized = {
  type: 'object',
  required: ['nb', 'en'],
  properties: { nb: { type: 'string' }, nn: { type: 'string' }, en: { type: 'string' } },
} as const;
const uptimeSchema = {
  type: 'object',
  required: ['percent', 'upMs', 'downMs', 'unknownMs'],
  properties: {
    percent: { type: ['number', 'null'], description: 'Per cent of the measured time up, cut to 4 decimals; null when nothing was measured' },
    upMs: { type: 'integer' },
    downMs: { type: 'integer' },
    unknownMs: { type: 'integer', description: 'Time of the window no check stands for' },
  },
} as const;
const state = { type: 'string', enum: ['UP', 'DOWN', 'UNKNOWN'] } as const;

/** Response schema of `GET /status.json` (OpenAPI). */
export const statusJsonSchema = {
  type: 'object',
  required: ['status', 'generatedAt', 'intervalMs', 'windows', 'components', 'incidents'],
  properties: {
    status: state,
    generatedAt: { type: 'string', format: 'date-time' },
    intervalMs: { type: 'integer', description: 'How often the platform checks itself, ms' },
    windows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'from', 'to'],
        properties: { id: { type: 'string', enum: ['24h', '30d', 'year'] }, from: { type: 'string' }, to: { type: 'string' } },
      },
    },
    components: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'title', 'status', 'lastCheckedAt', 'lastError', 'uptime'],
        properties: {
          name: { type: 'string' },
          title: localized,
          status: state,
          lastCheckedAt: nullableString,
          lastError: nullableString,
          uptime: { type: 'object', required: ['24h', '30d', 'year'], properties: { '24h': uptimeSchema, '30d': uptimeSchema, year: uptimeSchema } },
        },
      },
    },
    incidents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['component', 'start', 'end', 'ongoing', 'durationMs', 'failedChecks', 'error'],
        properties: {
          component: { type: 'string' },
          start: { type: 'string' },
          end: nullableString,
          ongoing: { type: 'boolean' },
          durationMs: { type: 'integer' },
          failedChecks: { type: 'integer' },
          error: nullableString,
        },
      },
    },
  },
} as const;

/** Registers `GET /status` and `GET /status.json` on the root instance (a kernel plugin). */
export async function statusRoutes(app: FastifyInstance, platform: Platform, options: StatusRoutesOptions = {}): Promise<void> {
  const cacheMs = options.cacheMs ?? STATUS_REPORT_CACHE_MS;
  const intervalMs = options.intervalMs ?? STATUS_CHECK_INTERVAL_MS;
  const clock = options.now ?? Date.now;
  const components = platform.components.map((c) => ({ name: c.name, title: c.title }));
  let cached: { at: number; report: Promise<StatusReport> } | undefined;
  const report = (): Promise<StatusReport> => {
    const now = clock();
    if (cached && now - cached.at < cacheMs) return cached.report;
    const pending = loadStatusReport(platform.db, { now, intervalMs, components });
    const entry = { at: now, report: pending };
    cached = entry;
    // A failed computation is not served again.
    pending.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return pending;
  };

  app.get(
    '/status.json',
    {
      schema: {
        tags: ['platform'],
        summary: 'Status: each component’s state now, uptime over 24 h, 30 days and the year so far, and incidents',
        response: { 200: statusJsonSchema },
      },
    },
    async () => statusJson(await report()),
  );

  app.get('/status', { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    return sendPage(reply, { lang, path: '/status', title: t(statusPageTitle, lang), body: renderStatusPage(await report(), lang) });
  });
}
