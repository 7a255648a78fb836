/**
 * Migrations of the ID-porten component's tables (all prefixed `idporten_`).
 *
 * Portable schema (see `src/platform/db/database.ts`): times as epoch-ms `bigint`, flags as
 * `integer` 0/1, lists and objects as JSON `text`.
 */
import type { Kysely } from 'kysely';
import type { ComponentMigration } from '../../platform/db/migrations.ts';

/** The ID-porten component's migrations, in order. */
export const idportenMigrations: ComponentMigration[] = [
  {
    name: '0001_idporten',
    async up(db: Kysely<any>): Promise<void> {
      // Every oidc-provider artefact (sessions, interactions, codes, grants, refresh tokens,
      // PAR objects, replay records) as one row per (model, id), so any process continues any login.
      await db.schema
        .createTable('idporten_oidc_payloads')
        .addColumn('model', 'varchar(64)', (c) => c.notNull())
        .addColumn('id', 'varchar(255)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'varchar(255)')
        .addColumn('user_code', 'varchar(255)')
        .addColumn('uid', 'varchar(255)')
        .addColumn('expires_at', 'bigint')
        .addColumn('consumed_at', 'bigint')
        .addPrimaryKeyConstraint('idporten_oidc_payloads_pk', ['model', 'id'])
        .execute();
      await db.schema.createIndex('idporten_oidc_payloads_grant').on('idporten_oidc_payloads').column('grant_id').execute();
      await db.schema.createIndex('idporten_oidc_payloads_uid').on('idporten_oidc_payloads').columns(['model', 'uid']).execute();
      await db.schema.createIndex('idporten_oidc_payloads_user_code').on('idporten_oidc_payloads').columns(['model', 'user_code']).execute();
      await db.schema.createIndex('idporten_oidc_payloads_expires').on('idporten_oidc_payloads').column('expires_at').execute();

      await db.schema
        .createTable('idporten_clients')
        .addColumn('client_id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('client_orgno', 'varchar(9)', (c) => c.notNull())
        .addColumn('integration_type', 'text', (c) => c.notNull())
        .addColumn('application_type', 'text', (c) => c.notNull())
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
        .addColumn('frontchannel_logout_uri', 'text')
        .addColumn('frontchannel_logout_session_required', 'integer', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('grant_types', 'text', (c) => c.notNull())
        .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull())
        .addColumn('client_secret', 'text')
        .addColumn('jwks', 'text')
        .addColumn('authorization_lifetime', 'integer', (c) => c.notNull())
        .addColumn('access_token_lifetime', 'integer', (c) => c.notNull())
        .addColumn('refresh_token_lifetime', 'integer', (c) => c.notNull())
        .addColumn('sso_disabled', 'integer', (c) => c.notNull())
        .addColumn('code_challenge_method', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('last_updated', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idporten_clients_orgno').on('idporten_clients').column('client_orgno').execute();

      // Process-independent secrets of the provider (cookie signing keys, the pairwise-sub salt):
      // made once by whichever process starts first, read by all.
      await db.schema
        .createTable('idporten_secrets')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '0002_minid',
    async up(db: Kysely<any>): Promise<void> {
      // One MinID account per person (fødselsnummer / D-number). The failure counter and the
      // lock live here, so every process sees them.
      await db.schema
        .createTable('idporten_minid_accounts')
        .addColumn('pid', 'varchar(11)', (c) => c.primaryKey())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('mobile', 'varchar(16)', (c) => c.notNull())
        .addColumn('totp_secret', 'text')
        .addColumn('totp_last_step', 'bigint')
        .addColumn('failed_attempts', 'integer', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      // A MinID login between the password and the second factor, bound to the login
      // (oidc-provider interaction uid): the person, the factor and the hashed one-time code.
      await db.schema
        .createTable('idporten_minid_logins')
        .addColumn('uid', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('pid', 'varchar(11)', (c) => c.notNull())
        .addColumn('factor', 'varchar(8)', (c) => c.notNull())
        .addColumn('code_hash', 'text')
        .addColumn('code_expires_at', 'bigint')
        .addColumn('code_attempts', 'integer', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idporten_minid_logins_expires').on('idporten_minid_logins').column('expires_at').execute();
    },
  },
  {
    name: '0003_client_registry',
    async up(db: Kysely<any>): Promise<void> {
      // Digdir's remaining client fields, the owner's supplier, and the secret's expiry (epoch ms;
      // null = never, for secrets made before secrets expired).
      for (const [column, type] of [
        ['supplier_orgno', 'varchar(9)'],
        ['display_name', 'text'],
        ['description', 'text'],
        ['client_uri', 'text'],
        ['client_secret_expires_at', 'bigint'],
      ] as const) {
        await db.schema.alterTable('idporten_clients').addColumn(column, type).execute();
      }
      await db.schema.createIndex('idporten_clients_supplier').on('idporten_clients').column('supplier_orgno').execute();
      // Every registered kid, once: a kid is unique across all ID-porten clients (the primary
      // key makes two concurrent registrations of one kid fail, not both succeed).
      await db.schema
        .createTable('idporten_client_kids')
        .addColumn('kid', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('client_id', 'varchar(255)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idporten_client_kids_client').on('idporten_client_kids').column('client_id').execute();
      const rows = (await db.selectFrom('idporten_clients').select(['client_id', 'jwks']).where('jwks', 'is not', null).execute()) as Array<{ client_id: string; jwks: string }>;
      for (const row of rows) {
        for (const key of (JSON.parse(row.jwks) as { keys?: Array<{ kid?: unknown }> }).keys ?? []) {
          if (typeof key.kid !== 'string') continue;
          await db.insertInto('idporten_client_kids').values({ kid: key.kid, client_id: row.client_id }).onConflict((oc) => oc.column('kid').doNothing()).execute();
        }
      }
    },
  },
];
