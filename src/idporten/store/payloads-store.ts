/**
 * The oidc-provider adapter on the platform database: every artefact oidc-provider keeps
 * (sessions, interactions, authorization codes, grants, refresh tokens, PAR objects, replay
 * records…) is one row of `idporten_oidc_payloads`, so a login begun on one process finishes on
 * any other. Clients come from `idporten_clients` (read-only here, reused for up to 1 s: see
 * `findIdportenClientCached`).
 *
 * Single use is enforced by the database: {@link OidcDbAdapter.consume} marks a row used only
 * if it was unused, and when two requests race to redeem one code, the loser gets
 * `invalid_grant` and the code's grant is revoked (as for any reuse).
 *
 * @see https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js the adapter contract
 */
import type { Kysely } from 'kysely';
import { errors } from 'oidc-provider';
import type { Database } from '../../platform/db/database.ts';
import { findIdportenClientCached } from './clients-store.ts';
import { idportenDb, type IdportenDb } from './tables.ts';
import type { IdportenClient } from '../domain/types.ts';

/** Models whose rows belong to a grant and go when it is revoked (`revokeByGrantId`). */
const GRANTABLE = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'GrantContext'];

/** Maps a stored client to oidc-provider client metadata (undefined = no such client). */
export type ClientMetadataMapper = (client: IdportenClient) => Record<string, unknown> | undefined;

/**
 * Work to do in the transaction that first stores an artefact of a model (a new row, not a
 * replacement), e.g. counting an issued authorization code in the usage statistics: both commit
 * or neither does.
 */
export type InsertHook = (trx: Kysely<any>) => Promise<void>;

/**
 * One model's adapter (oidc-provider makes one per model name).
 */
export class OidcDbAdapter {
  readonly #model: string;
  readonly #db: IdportenDb;
  readonly #database: Database;
  readonly #toMetadata: ClientMetadataMapper;
  readonly #lifetimeS: number | undefined;
  readonly #onInsert: InsertHook | undefined;

  /**
   * @param lifetimeS when set, every artefact of this model lives this long (seconds), whatever
   *   oidc-provider asks: how PAR `request_uri`s get Digdir's 120 s where oidc-provider fixes 60 s
   * @param onInsert run in the transaction that inserts a new artefact of this model (see
   *   {@link InsertHook}); a replacement of an existing row does not run it
   */
  constructor(model: string, database: Database, toMetadata: ClientMetadataMapper, lifetimeS?: number, onInsert?: InsertHook) {
    this.#model = model;
    this.#database = database;
    this.#db = idportenDb(database);
    this.#toMetadata = toMetadata;
    this.#lifetimeS = lifetimeS;
    this.#onInsert = onInsert;
  }

  /**
   * Stores (or replaces) an artefact.
   *
   * @param expiresIn seconds from now until it is gone (undefined = no expiry)
   */
  async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
    if (this.#model === 'Client') throw new Error('clients are registered through createIdportenClient, not the provider');
    if (this.#lifetimeS !== undefined) {
      expiresIn = this.#lifetimeS;
      if (typeof payload.iat === 'number') payload = { ...payload, exp: payload.iat + this.#lifetimeS };
    }
    const row = {
      model: this.#model,
      id,
      payload: JSON.stringify(payload),
      grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
      user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      expires_at: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : null,
      consumed_at: null,
    };
    const onInsert = this.#onInsert;
    if (onInsert) {
      // Insert-or-replace in one transaction, the hook only for a new row.
      await this.#db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('idporten_oidc_payloads')
          .values(row)
          .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) return onInsert(trx);
        await trx
          .updateTable('idporten_oidc_payloads')
          .set({ payload: row.payload, grant_id: row.grant_id, user_code: row.user_code, uid: row.uid, expires_at: row.expires_at })
          .where('model', '=', this.#model)
          .where('id', '=', id)
          .execute();
      });
      return;
    }
    await this.#db
      .insertInto('idporten_oidc_payloads')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['model', 'id']).doUpdateSet({
          payload: row.payload,
          grant_id: row.grant_id,
          user_code: row.user_code,
          uid: row.uid,
          expires_at: row.expires_at,
        }),
      )
      .execute();
  }

  /** The artefact (with `consumed` in epoch seconds when used), or undefined when absent or expired. */
  async find(id: string): Promise<Record<string, unknown> | undefined> {
    if (this.#model === 'Client') {
      const client = await findIdportenClientCached(this.#database, id);
      return client === undefined ? undefined : this.#toMetadata(client);
    }
    const row = await this.#db
      .selectFrom('idporten_oidc_payloads')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('model', '=', this.#model)
      .where('id', '=', id)
      .executeTakeFirst();
    return this.#live(row);
  }

  /** The session with this `uid`. */
  async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.#db
      .selectFrom('idporten_oidc_payloads')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('model', '=', this.#model)
      .where('uid', '=', uid)
      .executeTakeFirst();
    return this.#live(row);
  }

  /** The device code with this user code (device flow is off; kept for the contract). */
  async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.#db
      .selectFrom('idporten_oidc_payloads')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('model', '=', this.#model)
      .where('user_code', '=', userCode)
      .executeTakeFirst();
    return this.#live(row);
  }

  /**
   * Marks a single-use artefact used, if it was unused.
   *
   * @throws oidc-provider `InvalidGrant` when it was already used (a concurrent redemption won);
   *   the artefact's grant is revoked first, as oidc-provider does for any reuse
   */
  async consume(id: string): Promise<void> {
    const result = await this.#db
      .updateTable('idporten_oidc_payloads')
      .set({ consumed_at: Date.now() })
      .where('model', '=', this.#model)
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      const row = await this.#db
        .selectFrom('idporten_oidc_payloads')
        .select('grant_id')
        .where('model', '=', this.#model)
        .where('id', '=', id)
        .executeTakeFirst();
      if (row?.grant_id) await this.revokeByGrantId(row.grant_id);
      throw new errors.InvalidGrant('grant already consumed');
    }
  }

  async destroy(id: string): Promise<void> {
    await this.#db.deleteFrom('idporten_oidc_payloads').where('model', '=', this.#model).where('id', '=', id).execute();
  }

  /** Deletes every token and code of the grant (not the grant row itself, as the memory adapter). */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#db.deleteFrom('idporten_oidc_payloads').where('grant_id', '=', grantId).where('model', 'in', GRANTABLE).execute();
  }

  #live(row: { payload: string; expires_at: number | null; consumed_at: number | null } | undefined): Record<string, unknown> | undefined {
    if (!row) return undefined;
    if (row.expires_at !== null && Number(row.expires_at) <= Date.now()) return undefined;
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
    return payload;
  }
}

/**
 * The adapter factory for oidc-provider's `adapter` option.
 *
 * @param toMetadata maps a stored client to provider metadata
 * @param lifetimesS fixed lifetimes per model name, in seconds (see {@link OidcDbAdapter})
 * @param onInsert per model name, work done in the transaction that stores a new artefact
 */
export function oidcDbAdapter(
  db: Database,
  toMetadata: ClientMetadataMapper,
  lifetimesS: Record<string, number> = {},
  onInsert: Record<string, InsertHook> = {},
): (model: string) => OidcDbAdapter {
  return (model) => new OidcDbAdapter(model, db, toMetadata, lifetimesS[model], onInsert[model]);
}

/**
 * Deletes expired artefacts.
 *
 * @param now epoch ms
 * @returns rows deleted
 */
export async function purgeExpiredPayloads(db: Database, now: number = Date.now()): Promise<number> {
  const result = await idportenDb(db).deleteFrom('idporten_oidc_payloads').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Per-grant login context that oidc-provider's models have no field for (the `locale` the
 * user logged in with), kept as a `GrantContext` row that goes with the grant.
 */
export async function saveGrantContext(db: Database, grantId: string, context: { locale: string }, expiresInS: number): Promise<void> {
  await new OidcDbAdapter('GrantContext', db, () => undefined).upsert(grantId, { ...context, grantId }, expiresInS);
}

/** The context saved by {@link saveGrantContext}, or undefined. */
export async function findGrantContext(db: Database, grantId: string): Promise<{ locale?: string } | undefined> {
  return (await new OidcDbAdapter('GrantContext', db, () => undefined).find(grantId)) as { locale?: string } | undefined;
}

/**
 * A process-independent secret, made by the first caller: `make()` is stored unless another
 * process stored one first; everyone gets the stored value.
 */
export async function ensureSecret(db: Database, name: string, make: () => string): Promise<string> {
  const kdb = idportenDb(db);
  await kdb
    .insertInto('idporten_secrets')
    .values({ name, value: make(), created_at: Date.now() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await kdb.selectFrom('idporten_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
