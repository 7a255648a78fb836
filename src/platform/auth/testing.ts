/**
 * Test helper: Maskinporten access tokens minted directly with a signing key, shaped exactly as
 * the Maskinporten component issues them, for tests of protected routes that do not want to run
 * the JWT-bearer grant. Not for product code.
 *
 * @see specs/idporten-maskinporten.md §3 "Access token"
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { ownMaskinportenIssuer } from '../config.ts';
import type { SigningKey } from '../keys/key-store.ts';
import type { Platform } from '../platform.ts';

/** Digdir's organisasjonsnummer, the default consumer of test tokens. */
export const TEST_CONSUMER_ORGNO = '991825827';

/** What to put in a test token; every claim can be overridden or removed (`undefined`) through `claims`. */
export interface TestTokenOptions {
  /** Scopes (array or space-separated). Default none. */
  scope?: string | readonly string[];
  /** Consumer's organisasjonsnummer. Default {@link TEST_CONSUMER_ORGNO}. */
  consumerOrgno?: string;
  /** Supplier's organisasjonsnummer (delegated token). */
  supplierOrgno?: string;
  /** Default `test-client`. */
  clientId?: string;
  /** Issue time, epoch ms. Default now. */
  now?: number;
  /** Lifetime, in seconds. Default 120 (Maskinporten's default `access_token_lifetime`). */
  lifetimeS?: number;
  /** Claims added or replaced; a claim set to `undefined` is left out. */
  claims?: Record<string, unknown>;
  /** Header parameters added or replaced (`alg`, `kid`, …). */
  header?: Record<string, unknown>;
}

/**
 * A token signed with `key` under `issuer`: header `{alg, kid}`, claims `iss`, `client_id`,
 * `client_amr`, `scope`, `token_type`, `iat`, `exp`, `jti`, `consumer` (and `supplier` when asked).
 *
 * @param key the signing key (`KeyStore.getSigningKey(issuer)`), or any `{alg, kid, privateKey}`
 * @param issuer the `iss`
 */
export async function mintTestToken(
  key: Pick<SigningKey, 'kid'> & { alg: string; privateKey: CryptoKey | Uint8Array },
  issuer: string,
  options: TestTokenOptions = {},
): Promise<string> {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const scope = typeof options.scope === 'string' ? options.scope : (options.scope ?? []).join(' ');
  const claims: Record<string, unknown> = {
    iss: issuer,
    client_id: options.clientId ?? 'test-client',
    client_amr: 'private_key_jwt',
    scope,
    token_type: 'Bearer',
    iat,
    exp: iat + (options.lifetimeS ?? 120),
    jti: randomUUID(),
    consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${options.consumerOrgno ?? TEST_CONSUMER_ORGNO}` },
    ...(options.supplierOrgno === undefined
      ? {}
      : { supplier: { authority: 'iso6523-actorid-upis', ID: `0192:${options.supplierOrgno}` } }),
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...options.header })
    .sign(key.privateKey);
}

/**
 * A token from this platform's own Maskinporten (issuer `<PUBLIC_URL>/maskinporten/`, its current
 * signing key), as the platform's protected routes accept it while `MASKINPORTEN_ISSUER` is unset.
 */
export async function mintPlatformToken(platform: Platform, options: TestTokenOptions = {}): Promise<string> {
  const issuer = ownMaskinportenIssuer(platform.config);
  return mintTestToken(await platform.keys.getSigningKey(issuer), issuer, options);
}
