/**
 * The portal component: Grunnmur's front page at `/`, listing the served components with
 * their links and live status, test users, test certificates and the kernel endpoints; and the
 * statistics page at `/statistikk` with its CSV and JSON exports (see README.md, "Statistics"),
 * whose stock figures a recurring job snapshots daily (`portal_statistics_gauges`).
 *
 * `paths` is empty on purpose: the kernel serves each component's OpenAPI at
 * `<first path>/openapi.json`, which for `/` would be `//openapi.json`; the front page is a
 * page, not an API, and is hidden from the OpenAPI documents.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Component, ComponentPluginOptions } from '../platform/component.ts';
import { frontPageRoutes, PORTAL_NAME } from './routes/front-page.ts';
// Statistics (issue 8): /statistikk, its exports and the daily snapshot of the stock figures.
import { scheduleGaugeSnapshots } from './domain/statistics-gauges.ts';
import { statisticsRoutes } from './routes/statistics.ts';
import { portalMigrations } from './store/statistics-store.ts';

const plugin: FastifyPluginAsync<ComponentPluginOptions> = async (app, { platform }) => {
  await frontPageRoutes(app, { platform });
  await statisticsRoutes(app, platform);
};

/** The front page component (`GET /`, `GET /statistikk`). */
export const portalComponent: Component = {
  name: PORTAL_NAME,
  title: { nb: 'Forside', nn: 'Framside', en: 'Front page' },
  description: {
    nb: 'Oversikt over komponentene, status, testbrukere og testsertifikater.',
    en: 'Overview of the components, status, test users and test certificates.',
  },
  paths: [],
  migrations: portalMigrations,
  onStart: scheduleGaugeSnapshots,
  plugin,
};
