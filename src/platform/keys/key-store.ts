/**
 * Signing keys per token issuer, with rotation and a JWKS that keeps retired keys for as long as
 * tokens they signed can still be valid.
 *
 * Every issuer (ID-porten's OIDC issuer, Maskinporten, the consent service…) has exactly one
 * *current* key, which signs new tokens. {@link KeyStore.rotate} makes a new current key and
 * retires the old one with `verify_until_at = now + maxTokenLifetimeS + 60 s`, so a token signed
 * by it just before the rotation still verifies until it expires (plus clock skew).
 *
 * Several processes may share the database: one current key per issuer is enforced by a unique
 * partial index (`issuer WHERE is_current = 1`), and a rotation retires the old key with a
 * conditional update (`WHERE kid = :old AND is_current = 1`) so concurrent rotations have one
 * winner. Works on SQLite (`BEGIN IMMEDIATE` transactions) and PostgreSQL (row locks).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517 JSON Web Key (JWK)
 * @see https://www.rfc-editor.org/rfc/rfc7638 JWK Thumbprint (the kid)
 */
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type CryptoKey,
  type JWK,
} from 'jose';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AppError, catalogueError, type ErrorCodeInfo } from '../errors.ts';
import type { Database } from '../db/database.ts';
import type { ComponentMigration } from '../db/migrations.ts';
import type { JobQueue } from '../jobs/job-queue.ts';

/** Clock skew added to a retired key's verification window, in seconds. */
export const KEY_CLOCK_SKEW_S = 60;

/** Lifetime assumed for an issuer that signs before {@link KeyStore.registerIssuer}, in seconds (24 h). */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = 86_400;

/** Error codes of the key store. */
export const keysErrors = {
  KEYS_INVALID_ISSUER: { status: 500, title: 'Invalid issuer identifier' },
  KEYS_INVALID_LIFETIME: { status: 500, title: 'Invalid maximum token lifetime' },
  KEYS_NO_CURRENT_KEY: { status: 503, title: 'No current signing key could be obtained' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A signing key of an issuer. */
export interface SigningKey {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  kid: string;
  alg: 'RS256' | 'ES256';
  /** Non-extractable private key for jose's `SignJWT.sign`. */
  privateKey: CryptoKey;
  /** Public JWK with `kid`, `alg` and `use: 'sig'`, as published in the JWKS. */
  publicJwk: JWK;
  /** When the key was made, epoch ms. */
  createdAt: number;
}

/** Options of {@link KeyStore}. */
export interface KeyStoreOptions {
  /** A current key older than this is rotated by {@link KeyStore.rotateDue}, in ms. */
  rotationIntervalMs: number;
  /** Algorithm of new keys (existing keys keep theirs). */
  algorithm: 'RS256' | 'ES256';
  log: Logger;
  /** How long this process reuses the current key it loaded before asking the database again, in ms (default 5000; keep well under 60 s). */
  cacheMs?: number;
}

interface KeyRow {
  kid: string;
  issuer: string;
  alg: string;
  private_key_pem: string;
  public_jwk: string;
  is_current: number;
  created_at: number;
  retired_at: number | null;
  verify_until_at: number | null;
}

interface IssuerRow {
  issuer: string;
  max_token_lifetime_s: number;
  created_at: number;
  updated_at: number;
}

interface KeyTables {
  platform_signing_keys: KeyRow;
  platform_signing_issuers: IssuerRow;
}

/**
 * Signing keys and JWKS per issuer, stored in `platform_signing_keys`.
 *
 * Private keys are stored in the database as PKCS#8 PEM, unencrypted. That is the dev/test
 * posture of a self-hosted platform: production deployments must keep the database (and its
 * backups) on encrypted storage with access limited to the platform, or they hand out the
 * power to mint every token.
 */
export class KeyStore {
  readonly #db: Kysely<KeyTables>;
  readonly #rotationIntervalMs: number;
  readonly #algorithm: 'RS256' | 'ES256';
  readonly #log: Logger;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { key: SigningKey; until: number }>();
  readonly #pending = new Map<string, Promise<SigningKey>>();
  readonly #privateKeys = new Map<string, Promise<CryptoKey>>();

  /**
   * @param db the platform database (migrated with {@link keysMigrations})
   * @param options rotation interval (ms), algorithm of new keys, logger, cache time (ms)
   */
  constructor(db: Database, options: KeyStoreOptions) {
    this.#db = db.kysely as Kysely<KeyTables>;
    this.#rotationIntervalMs = options.rotationIntervalMs;
    this.#algorithm = options.algorithm;
    this.#log = options.log;
    this.#cacheMs = options.cacheMs ?? 5000;
  }

  /**
   * Registers an issuer and the longest lifetime of the tokens it signs, which sets how long a
   * retired key stays in its JWKS. Idempotent; a later call replaces the lifetime.
   *
   * @param issuer the issuer identifier (usually its `iss` URL)
   * @param options.maxTokenLifetimeS longest token lifetime, in seconds
   * @throws AppError `KEYS_INVALID_ISSUER`, `KEYS_INVALID_LIFETIME`
   */
  async registerIssuer(issuer: string, options: { maxTokenLifetimeS: number }): Promise<void> {
    checkIssuer(issuer);
    const lifetime = options.maxTokenLifetimeS;
    if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > 10 * 365 * 86_400) {
      throw keysError('KEYS_INVALID_LIFETIME', `maxTokenLifetimeS must be a positive integer number of seconds (got ${lifetime})`);
    }
    const now = Date.now();
    await this.#db
      .insertInto('platform_signing_issuers')
      .values({ issuer, max_token_lifetime_s: lifetime, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('issuer').doUpdateSet({ max_token_lifetime_s: lifetime, updated_at: now }))
      .execute();
  }

  /**
   * The issuer's current signing key. Makes the issuer's first key when it has none; processes
   * racing to do so end with one key (the others read the winner's). The key is cached in this
   * process for `cacheMs`, so after a rotation elsewhere this process may sign with the previous
   * key for that long, which its JWKS window covers.
   *
   * @throws AppError `KEYS_INVALID_ISSUER`, `KEYS_NO_CURRENT_KEY`
   */
  async getSigningKey(issuer: string): Promise<SigningKey> {
    checkIssuer(issuer);
    const cached = this.#cache.get(issuer);
    if (cached && cached.until > Date.now()) return cached.key;
    const pending = this.#pending.get(issuer);
    if (pending) return pending;
    const loading = this.#loadOrCreate(issuer).finally(() => this.#pending.delete(issuer));
    this.#pending.set(issuer, loading);
    return loading;
  }

  /**
   * The issuer's current signing key as a private JWK (with `kid`, `alg`, `use: 'sig'`), for a
   * signer that takes keys only as JWKs (ID-porten's `oidc-provider`). Read from the database on
   * every call. Hand the result to nothing but that signer: it is the power to mint tokens.
   *
   * @returns the private JWK and the key's creation time (epoch ms)
   * @throws AppError `KEYS_INVALID_ISSUER`, `KEYS_NO_CURRENT_KEY`
   */
  async exportPrivateJwk(issuer: string): Promise<{ jwk: JWK; createdAt: number }> {
    const key = await this.getSigningKey(issuer);
    const row = await this.#db.selectFrom('platform_signing_keys').selectAll().where('kid', '=', key.kid).executeTakeFirst();
    if (!row) throw keysError('KEYS_NO_CURRENT_KEY', `No current signing key for ${issuer}`);
    const extractable = await importPKCS8(row.private_key_pem, row.alg, { extractable: true });
    const jwk = await exportJWK(extractable);
    return { jwk: { ...jwk, kid: row.kid, alg: row.alg, use: 'sig' }, createdAt: Number(row.created_at) };
  }

  /**
   * The issuer's public keys as a JWK Set: the current key and every retired key still inside
   * its verification window, newest first. Read from the database on every call (not cached),
   * so a key made by another process is published as soon as it can sign.
   *
   * @returns `{ keys }` of public JWKs with `kid`, `alg`, `use: 'sig'`
   * @throws AppError `KEYS_INVALID_ISSUER`
   * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
   */
  async getJwks(issuer: string): Promise<{ keys: JWK[] }> {
    await this.getSigningKey(issuer);
    const now = Date.now();
    const rows = await this.#db
      .selectFrom('platform_signing_keys')
      .select(['public_jwk'])
      .where('issuer', '=', issuer)
      .where((eb) => eb.or([eb('is_current', '=', 1), eb('verify_until_at', '>', now)]))
      .orderBy('created_at', 'desc')
      .orderBy('kid')
      .execute();
    return { keys: rows.map((r) => JSON.parse(r.public_jwk) as JWK) };
  }

  /**
   * Makes a new current key for the issuer and retires the previous one, which stays in the
   * JWKS until `now + maxTokenLifetimeS + 60 s`. When another process rotates the same key at
   * the same time, one of them wins and both return the winner's key.
   *
   * @param now epoch ms used as the new key's creation time and the retirement time
   * @returns the issuer's current key after the rotation
   * @throws AppError `KEYS_INVALID_ISSUER`, `KEYS_NO_CURRENT_KEY`
   */
  async rotate(issuer: string, now: number = Date.now()): Promise<SigningKey> {
    checkIssuer(issuer);
    const current = await this.#findCurrentRow(issuer);
    if (!current) {
      this.#cache.delete(issuer);
      return this.#loadOrCreate(issuer, now);
    }
    const rotated = await this.#rotateFrom(issuer, current.kid, now);
    this.#cache.delete(issuer);
    if (rotated) return this.#remember(issuer, rotated);
    return this.getSigningKey(issuer);
  }

  /**
   * Rotates every issuer whose current key was made more than `rotationIntervalMs` before
   * `now`, and deletes retired keys whose verification window has closed. Safe to run from
   * several processes at once: each due key is rotated by exactly one of them.
   *
   * @param now epoch ms
   * @returns the issuers this call rotated
   */
  async rotateDue(now: number = Date.now()): Promise<string[]> {
    const due = await this.#db
      .selectFrom('platform_signing_keys')
      .select(['issuer', 'kid'])
      .where('is_current', '=', 1)
      .where('created_at', '<=', now - this.#rotationIntervalMs)
      .orderBy('issuer')
      .execute();
    const rotated: string[] = [];
    for (const row of due) {
      const key = await this.#rotateFrom(row.issuer, row.kid, now);
      this.#cache.delete(row.issuer);
      if (key) {
        rotated.push(row.issuer);
        this.#remember(row.issuer, key);
      }
    }
    const deleted = await this.#db
      .deleteFrom('platform_signing_keys')
      .where('is_current', '=', 0)
      .where('verify_until_at', '<=', now)
      .executeTakeFirst();
    const removed = Number(deleted.numDeletedRows);
    if (rotated.length > 0 || removed > 0) this.#log.info({ rotated, removed }, 'signing keys rotated');
    return rotated;
  }

  async #loadOrCreate(issuer: string, now?: number): Promise<SigningKey> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await this.#findCurrentRow(issuer);
      if (row) return this.#remember(issuer, await this.#toSigningKey(row));
      const made = await makeKey(this.#algorithm, issuer, now ?? Date.now());
      await this.#ensureIssuer(issuer);
      const inserted = await this.#db
        .insertInto('platform_signing_keys')
        .values(made.row)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) {
        this.#log.info({ issuer, kid: made.row.kid, alg: made.row.alg }, 'first signing key created');
        return this.#remember(issuer, made.key);
      }
      // Another process made the first key at the same time: read theirs.
    }
    throw keysError('KEYS_NO_CURRENT_KEY', `No current signing key for ${issuer}`);
  }

  /** Retires `oldKid` and inserts a new current key, in one transaction; undefined when another rotation won. */
  async #rotateFrom(issuer: string, oldKid: string, now: number): Promise<SigningKey | undefined> {
    const made = await makeKey(this.#algorithm, issuer, now);
    await this.#ensureIssuer(issuer);
    return this.#db.transaction().execute(async (trx) => {
      const issuerRow = await trx
        .selectFrom('platform_signing_issuers')
        .select('max_token_lifetime_s')
        .where('issuer', '=', issuer)
        .executeTakeFirst();
      const lifetimeS = issuerRow?.max_token_lifetime_s ?? DEFAULT_MAX_TOKEN_LIFETIME_S;
      const retired = await trx
        .updateTable('platform_signing_keys')
        .set({ is_current: 0, retired_at: now, verify_until_at: now + (lifetimeS + KEY_CLOCK_SKEW_S) * 1000 })
        .where('kid', '=', oldKid)
        .where('is_current', '=', 1)
        .executeTakeFirst();
      if (Number(retired.numUpdatedRows) === 0) return undefined;
      await trx.insertInto('platform_signing_keys').values(made.row).execute();
      this.#log.info({ issuer, kid: made.row.kid, retiredKid: oldKid }, 'signing key rotated');
      return made.key;
    });
  }

  async #ensureIssuer(issuer: string): Promise<void> {
    const now = Date.now();
    await this.#db
      .insertInto('platform_signing_issuers')
      .values({ issuer, max_token_lifetime_s: DEFAULT_MAX_TOKEN_LIFETIME_S, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('issuer').doNothing())
      .execute();
  }

  async #findCurrentRow(issuer: string): Promise<KeyRow | undefined> {
    return this.#db
      .selectFrom('platform_signing_keys')
      .selectAll()
      .where('issuer', '=', issuer)
      .where('is_current', '=', 1)
      .executeTakeFirst();
  }

  async #toSigningKey(row: KeyRow): Promise<SigningKey> {
    const alg = row.alg as 'RS256' | 'ES256';
    let privateKey = this.#privateKeys.get(row.kid);
    if (!privateKey) {
      privateKey = importPKCS8(row.private_key_pem, alg);
      privateKey.catch(() => this.#privateKeys.delete(row.kid));
      this.#privateKeys.set(row.kid, privateKey);
    }
    return {
      kid: row.kid,
      alg,
      privateKey: await privateKey,
      publicJwk: JSON.parse(row.public_jwk) as JWK,
      createdAt: Number(row.created_at),
    };
  }

  #remember(issuer: string, key: SigningKey): SigningKey {
    this.#cache.set(issuer, { key, until: Date.now() + this.#cacheMs });
    return key;
  }
}

/**
 * Registers the rotation job: handler `platform.keys.rotate` runs {@link KeyStore.rotateDue},
 * scheduled every `checkEveryMs` (default 1 h). The rotation interval itself is the store's
 * `rotationIntervalMs`; this only sets how often it is checked.
 *
 * @param checkEveryMs how often to check for due keys, in ms
 */
export async function registerKeyRotation(jobs: JobQueue, keys: KeyStore, checkEveryMs: number = 3_600_000): Promise<void> {
  jobs.register('platform.keys.rotate', async () => {
    await keys.rotateDue();
  });
  await jobs.every('platform.keys.rotate', checkEveryMs);
}

/** Migrations of `platform_signing_keys` and `platform_signing_issuers`. */
export const keysMigrations: ComponentMigration[] = [
  {
    name: '0100_signing_keys',
    async up(db) {
      await db.schema
        .createTable('platform_signing_issuers')
        .addColumn('issuer', 'text', (c) => c.primaryKey())
        .addColumn('max_token_lifetime_s', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('platform_signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('private_key_pem', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('is_current', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retired_at', 'bigint')
        .addColumn('verify_until_at', 'bigint')
        .execute();
      // One current key per issuer: the guard against concurrent first keys and rotations.
      await db.schema
        .createIndex('platform_signing_keys_one_current')
        .on('platform_signing_keys')
        .column('issuer')
        .unique()
        .where(sql.ref('is_current'), '=', 1)
        .execute();
      await db.schema
        .createIndex('platform_signing_keys_issuer')
        .on('platform_signing_keys')
        .columns(['issuer', 'created_at'])
        .execute();
    },
  },
];

function checkIssuer(issuer: string): void {
  if (typeof issuer !== 'string' || issuer.length === 0 || issuer.length > 2048) {
    throw keysError('KEYS_INVALID_ISSUER', 'The issuer must be a non-empty string of at most 2048 characters');
  }
}

function keysError(code: keyof typeof keysErrors, message: string): AppError {
  return catalogueError(keysErrors, code, message);
}

async function makeKey(
  alg: 'RS256' | 'ES256',
  issuer: string,
  now: number,
): Promise<{ row: KeyRow; key: SigningKey }> {
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const jwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const publicJwk: JWK = { ...jwk, kid, alg, use: 'sig' };
  const pem = await exportPKCS8(pair.privateKey);
  // Sign with a non-extractable copy: nothing in the process can read the key back out of it.
  const privateKey = await importPKCS8(pem, alg);
  return {
    row: {
      kid,
      issuer,
      alg,
      private_key_pem: pem,
      public_jwk: JSON.stringify(publicJwk),
      is_current: 1,
      created_at: now,
      retired_at: null,
      verify_until_at: null,
    },
    key: { kid, alg, privateKey, publicJwk, createdAt: now },
  };
}
