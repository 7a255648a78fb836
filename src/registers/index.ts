/**
 * The registers component: synthetic Folkeregisteret (persons) and Enhetsregisteret
 * (organisations, roles), with the population generator. The only entry other code may import.
 */
import type { Component, ComponentLink } from '../platform/component.ts';
import { checkRegistersReady, seedOnFirstStart } from './domain/first-start-seed.ts';
import { enhetsregisteretRoutes } from './routes/enhetsregisteret-routes.ts';
import { folkeregisteretRoutes } from './routes/folkeregisteret-routes.ts';
import { registersMigrations } from './store/migrations.ts';

export { registersErrors, type RegistersErrorCode } from './errors.ts';
export { registersMigrations } from './store/migrations.ts';
export {
  EMPTY_DATABASE_HINT,
  getSeedStatus,
  seedPopulation,
  type SeedPopulationOptions,
  type SeedResult,
  type SeedStatus,
  syntheticPersons,
  type SyntheticPerson,
} from './domain/population.ts';
export { SEED_JOB_QUEUE, SEED_JOB_DELAY_MS, checkRegistersReady } from './domain/first-start-seed.ts';
export { FIXED_ORGANISATIONS, DIGDIR_ORGNR, EBOKS_ORGNR, POSTEN_BRING_ORGNR, PRINT_PROVIDER_ORGNR } from './domain/public-agencies.ts';
export { findOrganisationName } from './domain/enhetsregisteret.ts';
export { findPersonPostadresse, findOrganisationPostadresse, type Postadresse } from './domain/postal-address.ts';
export {
  FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL,
  FOLKEREGISTER_SCOPE_OFFENTLIG_UTEN_HJEMMEL,
  FOLKEREGISTER_SCOPE_FINANS,
  FOLKEREGISTER_SCOPES,
  RETTIGHETSPAKKER,
  type Rettighetspakke,
} from './domain/rettighetspakker.ts';
export { createRegistersClient, type RegistersClient, type SearchEnheterQuery } from './client.ts';
export type * from './wire-types.ts';
export * from '../platform/identifiers/index.ts';

/**
 * The front page's link to the test-person list. `testOnly`: the list answers 404
 * `PLATFORM_TEST_MODE_ONLY` in production mode, so the front page leaves the link out there.
 */
const testPersonsLink: ComponentLink = {
  kind: 'api',
  label: { nb: 'Testpersoner', nn: 'Testpersonar', en: 'Test persons' },
  href: '/folkeregisteret/api/v1/testpersoner',
  testOnly: true,
};

/**
 * The registers component. `onStart` seeds on first start (and registers the `registers.seed`
 * job that restarts a seed another process left unfinished); `checkHealth` is DOWN
 * (`REGISTERS_NOT_READY`) while a seed is unfinished.
 */
export const registersComponent: Component = {
  name: 'registers',
  title: {
    nb: 'Folkeregisteret og Enhetsregisteret (syntetisk)',
    nn: 'Folkeregisteret og Einingsregisteret (syntetisk)',
    en: 'Population and business registers (synthetic)',
  },
  description: {
    nb: 'Syntetiske personer, virksomheter og roller med gyldige fødselsnumre og organisasjonsnumre, med API-er formet som Brønnøysundregistrenes og Skatteetatens.',
    nn: 'Syntetiske personar, verksemder og roller med gyldige fødselsnummer og organisasjonsnummer, med API-ar forma som dei til Brønnøysundregistra og Skatteetaten.',
    en: 'Synthetic persons, organisations and roles with valid fødselsnummer and organisasjonsnummer, behind APIs shaped like Brønnøysundregistrene’s and Skatteetaten’s.',
  },
  paths: ['/enhetsregisteret', '/folkeregisteret'],
  migrations: registersMigrations,
  plugin: async (app, { platform }) => {
    await enhetsregisteretRoutes(app, platform);
    await folkeregisteretRoutes(app, platform);
  },
  links: [
    { kind: 'api', label: { nb: 'Enhetsregisteret-API', nn: 'Einingsregisteret-API', en: 'Enhetsregisteret API' }, href: '/enhetsregisteret/api/enheter' },
    testPersonsLink,
    { kind: 'openapi', label: { nb: 'OpenAPI', en: 'OpenAPI' }, href: '/enhetsregisteret/openapi.json' },
  ],
  onStart: seedOnFirstStart,
  checkHealth: (platform) => checkRegistersReady(platform.db),
};
