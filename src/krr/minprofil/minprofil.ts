/**
 * MinProfil, the citizen self-service of KRR at `/krr/minprofil` (issue #5 item 5): what the
 * KRR component's entry (`src/krr/index.ts`) registers. See `src/krr/README.md`, "MinProfil".
 */
export { minprofilErrors, type MinprofilErrorCode } from './errors.ts';
export { minprofilMigrations } from './store/migrations.ts';
export { minprofilRoutes, LOGIN_COOKIE, SESSION_COOKIE, type MinprofilRouteOptions } from './routes/minprofil-routes.ts';
export { MINPROFIL_CLIENT_ID, ensureMinprofilClient } from './routes/idporten-rp.ts';
export { MINPROFIL_PATH, minprofilUrls } from './paths.ts';
