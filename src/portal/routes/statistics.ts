/**
 * The statistics page and its open-data exports:
 * - `GET /statistikk`: the page (bokmål, nynorsk, English), the table by year;
 * - `GET /statistikk.csv[?periode=aar|maaned|dag]`: the table as CSV (RFC 4180);
 * - `GET /statistikk.json[?periode=aar|maaned|dag]`: the table as JSON;
 * - `GET /static/portal/statistikk.js`: the page's chart script.
 * Every answer is built from the live counters at request time (`cache-control: no-cache`).
 *
 * @see ../README.md "Statistics"
 */
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/platform.ts';
import { pickLang, t } from '../../platform/ui/i18n.ts';
import { sendPage } from '../../platform/ui/layout.ts';
import { loadStatistics } from '../domain/load-statistics.ts';
import { STATISTICS_PERIODS, statisticsCsv, statisticsJson, type StatisticsPeriod } from '../domain/statistics-table.ts';
import { renderStatisticsPage, STATISTICS_PATHS, statisticsTitle } from '../views/statistics-page.ts';

/** Folder of the portal's static files (`src/portal/static`), served at `/static/portal/`. */
export const portalStaticDir = fileURLToPath(new URL('../static/', import.meta.url));

/** How long browsers may cache the page's script, in seconds (as the stylesheets). */
const STATIC_MAX_AGE_S = 3600;

const exportQuery = {
  type: 'object',
  properties: {
    periode: { type: 'string', enum: [...STATISTICS_PERIODS], default: 'aar', description: 'aar (year, YYYY), maaned (month, YYYY-MM) or dag (day, YYYY-MM-DD), UTC' },
  },
} as const;

const rowSchema = {
  type: 'object',
  properties: {
    periode: { type: 'string' },
    indikator: { type: 'string' },
    verdi: { type: ['integer', 'null'] },
    endring_prosent: { type: ['number', 'null'] },
  },
} as const;

const jsonSchema = {
  type: 'object',
  properties: {
    periode: { type: 'string', enum: [...STATISTICS_PERIODS] },
    generert: { type: 'string', format: 'date-time' },
    indikatorer: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          type: { type: 'string', enum: ['hendelser', 'beholdning'] },
          navn: { type: 'object', properties: { nb: { type: 'string' }, nn: { type: 'string' }, en: { type: 'string' } } },
        },
      },
    },
    perioder: { type: 'array', items: { type: 'string' } },
    rader: { type: 'array', items: rowSchema },
  },
} as const;

/** Registers the statistics routes on the given (encapsulated) instance. */
export async function statisticsRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  await app.register(fastifyStatic, {
    root: portalStaticDir,
    prefix: '/static/portal/',
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    maxAge: STATIC_MAX_AGE_S * 1000,
    schemaHide: true,
  });

  app.get(STATISTICS_PATHS.page, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const years = await loadStatistics(platform, 'aar');
    reply.header('cache-control', 'no-cache');
    return sendPage(reply, {
      lang,
      path: STATISTICS_PATHS.page,
      title: t(statisticsTitle, lang),
      breadcrumbs: [{ label: lang === 'en' ? 'Home' : lang === 'nn' ? 'Framside' : 'Forside', href: '/' }, { label: t(statisticsTitle, lang) }],
      body: renderStatisticsPage(years, lang),
    });
  });

  app.get<{ Querystring: { periode: StatisticsPeriod } }>(
    STATISTICS_PATHS.csv,
    {
      schema: {
        tags: ['statistikk'],
        summary: 'The usage statistics as CSV',
        description:
          'RFC 4180 CSV, UTF-8, comma-separated, `.` as the decimal mark: `periode,indikator,verdi,endring_prosent`, one line per period (oldest first) and figure; an unknown value or growth is an empty field.',
        querystring: exportQuery,
      },
    },
    async (request, reply) => {
      const periode = request.query.periode;
      const csv = statisticsCsv(await loadStatistics(platform, periode));
      return reply
        .header('cache-control', 'no-cache')
        .header('content-disposition', `attachment; filename="grunnmur-statistikk-${periode}.csv"`)
        .type('text/csv; charset=utf-8')
        .send(csv);
    },
  );

  app.get<{ Querystring: { periode: StatisticsPeriod } }>(
    STATISTICS_PATHS.json,
    {
      schema: {
        tags: ['statistikk'],
        summary: 'The usage statistics as JSON',
        description: 'The figures (id, type hendelser|beholdning, names in nb, nn and en), the periods (oldest first), and one row per period and figure with `verdi` and `endring_prosent` (percent from the period before, one decimal; null when there is none).',
        querystring: exportQuery,
        response: { 200: jsonSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-cache');
      return statisticsJson(await loadStatistics(platform, request.query.periode));
    },
  );
}
