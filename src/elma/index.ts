/**
 * The ELMA component: Digdir's SMP (Service Metadata Publisher), the register of which
 * organisation receives which document types and processes, at which endpoint. SMP reads at
 * `/elma/…` (OASIS BDXR SMP 1.0, signed), a JSON view and a write API at `/elma/api/v1/…`.
 * The only entry other code may import.
 *
 * @see specs/eformidling-elma-einnsyn.md §2; README.md in this folder
 */
import type { Component } from '../platform/component.ts';
import type { Platform } from '../platform/platform.ts';
import { seedElma } from './domain/seed.ts';
import { Smp } from './domain/smp.ts';
import { apiRoutes, ELMA_API_PATH } from './routes/api-routes.ts';
import { ELMA_PATH, smpRoutes } from './routes/smp-routes.ts';
import { elmaMigrations } from './store/migrations.ts';

export { elmaErrors, type ElmaErrorCode } from './errors.ts';
export { elmaMigrations } from './store/migrations.ts';
export { ELMA_SCOPE_PARTICIPANTS_WRITE } from './domain/scopes.ts';
export {
  PARTICIPANT_SCHEME,
  DOCUMENT_SCHEME,
  PROCESS_SCHEME,
  TRANSPORT_BDXR_ALTINN,
  TRANSPORT_PEPPOL_AS4,
  EFORMIDLING_DOCUMENT_TYPES,
  EFORMIDLING_PROCESSES,
  ARKIVMELDING_SECTORS,
  DPI_IDENTIFIERS,
  arkivmeldingProcess,
  type ArkivmeldingSector,
} from './domain/identifiers.ts';
export { SMP_NS, DSIG_NS, SIGNATURE_ALGORITHMS } from './domain/smp-xml.ts';
export { seedElma, seededParticipants, type SeedElmaResult } from './domain/seed.ts';
export { ELMA_PATH, SMP_CONTENT_TYPE } from './routes/smp-routes.ts';
export { ELMA_API_PATH } from './routes/api-routes.ts';
export { findRegistrations, type ElmaRegistration } from './domain/registrations.ts';
export { createElmaClient, type ElmaClient, type ElmaCapability } from './client.ts';
export type * from './wire-types.ts';

/** One SMP (signing key, signed-document cache) per platform. */
const smps = new WeakMap<Platform, Smp>();
function smpOf(platform: Platform): Smp {
  let smp = smps.get(platform);
  if (!smp) {
    smp = new Smp(platform.db, platform.pki, `${platform.config.PUBLIC_URL}${ELMA_PATH}`);
    smps.set(platform, smp);
  }
  return smp;
}

/**
 * `onStart`: makes sure ELMA's signing certificate exists and registers the seeded participants
 * on the first start of a database.
 */
async function startElma(platform: Platform): Promise<void> {
  const log = platform.log.child({ component: 'elma' });
  await smpOf(platform).signingKey();
  const result = await seedElma(platform.db, platform.pki, platform.config.PUBLIC_URL);
  if (result.seeded) log.info({ participants: result.participants }, 'registered the seeded ELMA participants');
}

/** The ELMA component. */
export const elmaComponent: Component = {
  name: 'elma',
  title: { nb: 'ELMA (SMP)', nn: 'ELMA (SMP)', en: 'ELMA (SMP)' },
  description: {
    nb: 'Digdirs SMP: hvilke virksomheter som mottar hvilke dokumenttyper og prosesser i eFormidling og digital post, og hvor. Signerte oppslag etter OASIS BDXR SMP 1.0.',
    nn: 'Digdir sin SMP: kva verksemder som tek imot kva dokumenttypar og prosessar i eFormidling og digital post, og kvar. Signerte oppslag etter OASIS BDXR SMP 1.0.',
    en: "Digdir's SMP: which organisations receive which document types and processes in eFormidling and digital post, and where. Signed lookups per OASIS BDXR SMP 1.0.",
  },
  paths: [ELMA_PATH],
  migrations: elmaMigrations,
  plugin: async (app, { platform }) => {
    const smp = smpOf(platform);
    await apiRoutes(app, platform, smp);
    await smpRoutes(app, smp);
  },
  links: [
    { kind: 'api', label: { nb: 'Digdir i ELMA', nn: 'Digdir i ELMA', en: 'Digdir in ELMA' }, href: `${ELMA_PATH}/iso6523-actorid-upis::0192:991825827` },
    { kind: 'api', label: { nb: 'Signeringssertifikat', nn: 'Signeringssertifikat', en: 'Signing certificate' }, href: `${ELMA_API_PATH}/certificate` },
    { kind: 'openapi', label: { nb: 'OpenAPI', en: 'OpenAPI' }, href: `${ELMA_PATH}/openapi.json` },
  ],
  onStart: startElma,
};
