/**
 * The KRR component: Kontakt- og reservasjonsregisteret (the contact and reservation register)
 * with its lookup service at `/krr/rest/…`. The only entry other code may import.
 *
 * @see specs/krr-dpi-esign.md §1; README.md in this folder
 */
import type { Component } from '../platform/component.ts';
import { serveJwks } from '../platform/keys/jwks-route.ts';
import type { Platform } from '../platform/platform.ts';
import { ensureProviders } from './domain/providers.ts';
import { seedKrr } from './domain/seed.ts';
import { JOSE_ANSWER_LIFETIME_S, KRR_PATH, krrIssuer, lookupRoutes } from './routes/lookup-routes.ts';
import { postkasseRoutes } from './routes/postkasse-routes.ts';
import { krrMigrations } from './store/migrations.ts';
import { MINPROFIL_PATH, minprofilMigrations, minprofilRoutes } from './minprofil/minprofil.ts';

export { krrErrors, type KrrErrorCode } from './errors.ts';
export { krrPostkasseErrors } from './postkasse-errors.ts';
export { minprofilErrors, minprofilMigrations, MINPROFIL_PATH, MINPROFIL_CLIENT_ID, type MinprofilErrorCode } from './minprofil/minprofil.ts';
export { krrMigrations } from './store/migrations.ts';
// Usage statistics (issue 8): citizens with a digital mailbox.
export { countDigitalMailboxes } from './store/statistics-store.ts';
export {
  KRR_SCOPE_KONTAKTINFORMASJON,
  KRR_SCOPE_DIGITALPOST,
  KRR_GLOBAL_SCOPES,
  KRR_USER_SCOPE_KONTAKTINFORMASJON,
  KRR_USER_SCOPE_DIGITALPOST,
  KRR_USER_SCOPE_SPRAAK_WRITE,
  KRR_USER_SCOPES,
} from './domain/scopes.ts';
export { getPrintSertifikat } from './domain/providers.ts';
export { lookupPersons, type LookupCaller, type LookupRequest, type LookupResult } from './domain/lookup.ts';
export { findContactInfo, type ContactInfo } from './domain/contact-info.ts';
export { FRESHNESS_MONTHS, freshnessCutoff } from './domain/varslingsstatus.ts';
export { MAX_PERSONIDENTIFIKATORER } from './domain/check-personidentifikatorer.ts';
export { seedKrr, krrRegister, type SeedKrrOptions, type SeedKrrResult } from './domain/seed.ts';
export { listLookupsOf, type LookupOfPerson, type ListLookupsOptions } from './domain/lookups-of-person.ts';
export { KRR_PATH, krrIssuer } from './routes/lookup-routes.ts';
export { findKrrProvider, findMailbox, replaceProviderCertificate, SEEDED_PROVIDERS, type KrrMailbox, type KrrProvider } from './domain/providers.ts';
export { createKrrClient, type KrrClient, type KrrClientOptions } from './client.ts';
export type * from './wire-types.ts';

/**
 * `onStart`: registers KRR's signing issuer (for `application/jose` answers), makes sure the
 * mailbox and print providers have certificates, and seeds the register from the configured
 * population (`SEED_PERSONS`, `SEED`) unless it was seeded before. Runs after the registers'
 * `onStart` (start order); the register is derived from the same deterministic population, so it
 * does not read the registers' tables.
 */
async function startKrr(platform: Platform): Promise<void> {
  const log = platform.log.child({ component: 'krr' });
  await platform.keys.registerIssuer(krrIssuer(platform.config), { maxTokenLifetimeS: JOSE_ANSWER_LIFETIME_S });
  const added = await ensureProviders(platform.db, platform.pki);
  if (added.length > 0) log.info({ providers: added }, 'registered mailbox and print providers with test-PKI certificates');
  const started = Date.now();
  const result = await seedKrr(platform.db, { persons: platform.config.SEED_PERSONS, seed: platform.config.SEED });
  if (result.seeded) log.info({ ...result, ms: Date.now() - started }, `seeded KRR for ${platform.config.SEED_PERSONS} persons`);
}

/** The KRR component. */
export const krrComponent: Component = {
  name: 'krr',
  title: { nb: 'Kontaktregisteret (KRR)', nn: 'Kontaktregisteret (KRR)', en: 'Contact and reservation register (KRR)' },
  description: {
    nb: 'Kontakt- og reservasjonsregisteret: e-post, mobil, reservasjon, språk og digital postkasse, med oppslagstjenesten (REST) sikret med Maskinporten.',
    nn: 'Kontakt- og reservasjonsregisteret: e-post, mobil, reservasjon, språk og digital postkasse, med oppslagstenesta (REST) sikra med Maskinporten.',
    en: 'The contact and reservation register: e-mail, mobile, reservation, language and digital mailbox, with the Maskinporten-protected lookup service (REST).',
  },
  paths: [KRR_PATH],
  migrations: [...krrMigrations, ...minprofilMigrations],
  plugin: async (app, { platform }) => {
    await lookupRoutes(app, platform);
    await postkasseRoutes(app, platform);
    serveJwks(app, `${KRR_PATH}/jwks`, platform.keys, krrIssuer(platform.config));
    await minprofilRoutes(app, platform);
  },
  links: [
    { kind: 'page', label: { nb: 'Min profil', nn: 'Min profil', en: 'My profile' }, href: MINPROFIL_PATH },
    { kind: 'api', label: { nb: 'Printsertifikat', nn: 'Printsertifikat', en: 'Print certificate' }, href: `${KRR_PATH}/rest/v2/printSertifikat` },
    { kind: 'openapi', label: { nb: 'OpenAPI', en: 'OpenAPI' }, href: `${KRR_PATH}/openapi.json` },
    { kind: 'jwks', label: { nb: 'JWKS', en: 'JWKS' }, href: `${KRR_PATH}/jwks` },
  ],
  onStart: startKrr,
};
