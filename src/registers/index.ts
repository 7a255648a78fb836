/**
 * The registers component: synthetic Folkeregisteret (persons) and Enhetsregisteret
 * (organisations, roles), with the population generator. The only entry other code may import.
 */
import type { Component } from '../platform/component.ts';
import type { Platform } from '../platform/platform.ts';
import { getSeedStatus, seedPopulation } from './domain/population.ts';
import { enhetsregisteretRoutes } from './routes/enhetsregisteret-routes.ts';
import { folkeregisteretRoutes } from './routes/folkeregisteret-routes.ts';
import { registersMigrations } from './store/migrations.ts';
import { AppError } from '../platform/errors.ts';

export { registersErrors, type RegistersErrorCode } from './errors.ts';
export { registersMigrations } from './store/migrations.ts';
export { getSeedStatus, seedPopulation, type SeedPopulationOptions, type SeedResult, type SeedStatus } from './domain/population.ts';
export { FIXED_ORGANISATIONS, DIGDIR_ORGNR, EBOKS_ORGNR, POSTEN_BRING_ORGNR, PRINT_PROVIDER_ORGNR } from './domain/public-agencies.ts';
export { findOrganisationName } from './domain/enhetsregisteret.ts';
export { createRegistersClient, type RegistersClient, type SearchEnheterQuery } from './client.ts';
export type * from './wire-types.ts';
export * from '../platform/identifiers/index.ts';

/**
 * Seeds the registers on first start: when no seed has completed and the tables are empty
 * (or a crashed seed left them half-filled), seeds `SEED_PERSONS` persons and `SEED_ORGS`
 * organisations from `SEED`. Another process seeding at the same time is not an error.
 */
async function seedOnFirstStart(platform: Platform): Promise<void> {
  const log = platform.log.child({ component: 'registers' });
  const status = await getSeedStatus(platform.db);
  if (status.state === 'complete') return;
  if (status.state === 'foreign-rows') {
    log.warn('registers hold rows that no seed wrote; not seeding');
    return;
  }
  if (status.state === 'in-progress') {
    log.info('another process is seeding the registers');
    return;
  }
  const started = Date.now();
  try {
    const result = await seedPopulation(platform.db, {
      persons: platform.config.SEED_PERSONS,
      orgs: platform.config.SEED_ORGS,
      seed: platform.config.SEED,
    });
    log.info({ ...result, ms: Date.now() - started, restartedCrashedSeed: status.state === 'crashed' }, 'seeded the registers');
  } catch (err) {
    if (err instanceof AppError && (err.code === 'REGISTERS_SEED_IN_PROGRESS' || err.code === 'REGISTERS_ALREADY_SEEDED')) {
      log.info({ code: err.code }, 'registers seeded by another process');
      return;
    }
    throw err;
  }
}

/** The registers component. */
export const registersComponent: Component = {
  name: 'registers',
  title: { nb: 'Folkeregisteret og Enhetsregisteret (syntetisk)', en: 'Population and business registers (synthetic)' },
  description: {
    nb: 'Syntetiske personer, virksomheter og roller med gyldige fødselsnumre og organisasjonsnumre, med API-er formet som Brønnøysundregistrenes og Skatteetatens.',
    en: 'Synthetic persons, organisations and roles with valid fødselsnummer and organisasjonsnummer, behind APIs shaped like Brønnøysundregistrene’s and Skatteetaten’s.',
  },
  paths: ['/enhetsregisteret', '/folkeregisteret'],
  migrations: registersMigrations,
  plugin: async (app, { platform }) => {
    await enhetsregisteretRoutes(app, platform);
    await folkeregisteretRoutes(app, platform);
  },
  links: [
    { kind: 'api', label: { nb: 'Enhetsregisteret-API', en: 'Enhetsregisteret API' }, href: '/enhetsregisteret/api/enheter' },
    { kind: 'api', label: { nb: 'Testpersoner', en: 'Test persons' }, href: '/folkeregisteret/api/v1/testpersoner' },
    { kind: 'openapi', label: { nb: 'OpenAPI', en: 'OpenAPI' }, href: '/enhetsregisteret/openapi.json' },
  ],
  onStart: seedOnFirstStart,
};
