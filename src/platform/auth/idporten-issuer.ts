/**
 * Where this Grunnmur's ID-porten issues its tokens, as the resource-server side sees it (the
 * kernel knows no component; the ID-porten component's `idportenIssuer` gives the same string,
 * and `src/krr/krr-user-api.test.ts` checks that they agree).
 */
import type { Config } from '../config.ts';

/** Name of the ID-porten bearer security scheme in the OpenAPI documents. */
export const IDPORTEN_SECURITY_SCHEME = 'idporten';

/**
 * The issuer of this Grunnmur's ID-porten: `<PUBLIC_URL>/idporten`, without a trailing slash
 * (like `https://idporten.no`).
 */
export function ownIdportenIssuer(config: Pick<Config, 'PUBLIC_URL'>): string {
  return `${config.PUBLIC_URL}/idporten`;
}
