/**
 * Where this Grunnmur's Maskinporten lives: its issuer identifier and the endpoints derived
 * from it. The issuer carries a trailing slash, as the real `https://maskinporten.no/` does.
 *
 * @see specs/idporten-maskinporten.md §3 "Endpoints"
 */
import { ownMaskinportenIssuer, type Config } from '../../platform/config.ts';

/**
 * The issuer (`iss` of our access tokens, `aud` of the grants we accept):
 * `<PUBLIC_URL>/maskinporten/`, with a trailing slash like the real `https://maskinporten.no/`.
 * Always this Grunnmur's own Maskinporten: it is the string the component signs under, whatever
 * issuer the other APIs are configured to trust.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_wellknown
 */
export function maskinportenIssuer(config: Pick<Config, 'PUBLIC_URL'>): string {
  return ownMaskinportenIssuer(config);
}

/** The token endpoint, `<issuer>token` (`https://maskinporten.no/token` in the real service). */
export function maskinportenTokenEndpoint(config: Pick<Config, 'PUBLIC_URL'>): string {
  return `${maskinportenIssuer(config)}token`;
}

/** The JWKS of the issuer's signing keys, `<issuer>jwk` (`https://maskinporten.no/jwk`). */
export function maskinportenJwksUri(config: Pick<Config, 'PUBLIC_URL'>): string {
  return `${maskinportenIssuer(config)}jwk`;
}
