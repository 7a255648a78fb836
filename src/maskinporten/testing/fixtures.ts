/**
 * Test fixtures of the token endpoint: registry rows written with plain Kysely (not through the
 * self-service API, so the grant's tests stand alone; each write tells the grant's registry
 * cache, as the domain functions do), RSA key pairs, and grants signed by hand with
 * `node:crypto` (no jose), so any header or claim — including invalid ones — can be sent.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { registryChanged } from '../domain/grant/registry-cache.ts';
import type { MaskinportenDb } from '../store/tables.ts';

/** Organisation numbers with valid check digits. */
export const ORGS = {
  /** Digdir. */
  digdir: '991825827',
  consumer: '910753614',
  customer: '958935420',
  supplier: '920204368',
  apiOwner: '889640782',
  other: '908898850',
} as const;

/** A synthetic (Tenor, month + 80) fødselsnummer with valid check digits. */
export const TEST_PID = '17858543088';

/** An RSA key pair for signing grants. */
export interface TestKeyPair {
  privateKey: KeyObject;
  /** The public JWK (`kty`, `n`, `e`). */
  publicJwk: JWK;
}

const pairs: TestKeyPair[] = [];

/**
 * The `index`-th RSA key pair of this process (made once, 2048 bits; key generation is slow).
 */
export function testKeyPair(index = 0, modulusLength = 2048): TestKeyPair {
  if (modulusLength !== 2048) return makePair(modulusLength);
  while (pairs.length <= index) pairs.push(makePair(2048));
  return pairs[index] as TestKeyPair;
}

function makePair(modulusLength: number): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  return { privateKey, publicJwk: { kty: 'RSA', n: jwk.n, e: jwk.e } as JWK };
}

/** A private key from PKCS#8 PEM (as `TestPki` hands it out). */
export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}

const HASH: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

/**
 * Signs a JWS compact JWT by hand with `node:crypto` (RSASSA-PKCS1-v1_5): the header and claims
 * are sent exactly as given.
 *
 * @param header JOSE header; its `alg` picks the hash (RS256/RS384/RS512; anything else signs with SHA-256)
 */
export function signGrant(header: Record<string, unknown>, claims: Record<string, unknown>, privateKey: KeyObject): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign(HASH[String(header.alg)] ?? 'sha256', Buffer.from(input), privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** base64url of a UTF-8 string. */
export function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * The claims of a valid grant: `aud` = issuer, `iss` = client, `iat` now, `exp` now + 60 s, a
 * fresh `jti`, and `scope`; `overrides` replace or add claims (`undefined` removes one).
 */
export function grantClaims(
  issuer: string,
  clientId: string,
  scope: string,
  overrides: Record<string, unknown> = {},
  now: number = Date.now(),
): Record<string, unknown> {
  const iat = Math.floor(now / 1000);
  const claims: Record<string, unknown> = { aud: issuer, iss: clientId, iat, exp: iat + 60, jti: randomUUID(), scope, ...overrides };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** Inserts a Maskinporten client; returns its id. */
export async function insertClient(
  db: MaskinportenDb,
  c: {
    clientId?: string;
    orgno: string;
    scopes: string[];
    authMethod?: 'private_key_jwt' | 'none';
    accessTokenLifetime?: number;
    active?: boolean;
    integrationType?: string;
  },
): Promise<string> {
  const clientId = c.clientId ?? randomUUID();
  const now = Date.now();
  await db
    .insertInto('maskinporten_clients')
    .values({
      client_id: clientId,
      client_orgno: c.orgno,
      supplier_orgno: null,
      integration_type: c.integrationType ?? 'maskinporten',
      application_type: 'web',
      client_name: `Test client ${clientId.slice(0, 8)}`,
      description: null,
      scopes: JSON.stringify(c.scopes),
      token_endpoint_auth_method: c.authMethod ?? 'private_key_jwt',
      access_token_lifetime: c.accessTokenLifetime ?? 120,
      active: c.active === false ? 0 : 1,
      created: now,
      last_updated: now,
    })
    .execute();
  registryChanged();
  return clientId;
}

/** Registers a public key on a client; returns its `kid`. `expires` defaults to one year ahead. */
export async function insertClientKey(
  db: MaskinportenDb,
  k: { clientId: string; publicJwk: JWK; kid?: string; expires?: number },
): Promise<string> {
  const kid = k.kid ?? `kid-${randomUUID()}`;
  const now = Date.now();
  await db
    .insertInto('maskinporten_client_keys')
    .values({
      kid,
      client_id: k.clientId,
      jwk: JSON.stringify({ ...k.publicJwk, kid, alg: 'RS256', use: 'sig' }),
      created: now,
      expires: k.expires ?? now + 365 * 86_400_000,
    })
    .execute();
  registryChanged();
  return kid;
}

/** Inserts a scope (active, for Maskinporten, not open to all unless said). */
export async function insertScope(
  db: MaskinportenDb,
  s: {
    name: string;
    owner: string;
    accessibleForAll?: boolean;
    allowedIntegrationTypes?: string[];
    atMaxAge?: number | null;
    delegationSource?: string | null;
    active?: boolean;
    requiresUserAuthentication?: boolean;
  },
): Promise<void> {
  const [prefix, ...rest] = s.name.split(':');
  const now = Date.now();
  await db
    .insertInto('maskinporten_scopes')
    .values({
      name: s.name,
      prefix: prefix ?? s.name,
      subscope: rest.join(':'),
      description: `Test scope ${s.name}`,
      long_description: null,
      owner_orgno: s.owner,
      delegation_source: s.delegationSource ?? null,
      accessible_for_all: s.accessibleForAll ? 1 : 0,
      allowed_integration_types: JSON.stringify(s.allowedIntegrationTypes ?? ['maskinporten']),
      at_max_age: s.atMaxAge ?? null,
      authorization_max_lifetime: null,
      visibility: 'PUBLIC',
      token_type: 'SELF_CONTAINED',
      requires_user_consent: 0,
      requires_user_authentication: s.requiresUserAuthentication ? 1 : 0,
      requires_pseudonymous_tokens: 0,
      active: s.active === false ? 0 : 1,
      created: now,
      last_updated: now,
    })
    .execute();
  registryChanged();
}

/** Lets `consumer` use `scope` (an access grant by the scope's owner). */
export async function insertScopeAccess(db: MaskinportenDb, scope: string, consumer: string): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('maskinporten_scope_access')
    .values({ scope, consumer_orgno: consumer, state: 'APPROVED', created: now, last_updated: now })
    .execute();
  registryChanged();
}

/** The customer `consumer` delegates `scope` to the supplier `supplier`. */
export async function insertDelegation(
  db: MaskinportenDb,
  d: { scope: string; consumer: string; supplier: string; source?: string },
): Promise<void> {
  await db
    .insertInto('maskinporten_delegations')
    .values({
      scope: d.scope,
      consumer_orgno: d.consumer,
      supplier_orgno: d.supplier,
      delegation_source: d.source ?? 'https://www.altinn.no/',
      created: Date.now(),
    })
    .execute();
  registryChanged();
}

/** The certificates of a PEM chain as `x5c` entries (base64 DER, leaf first). */
export function x5cFromPem(chainPem: string): string[] {
  return [...chainPem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
    (m[1] ?? '').replace(/\s+/g, ''),
  );
}
