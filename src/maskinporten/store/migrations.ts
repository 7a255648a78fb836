/**
 * Migrations of the Maskinporten component's tables (all prefixed `maskinporten_`).
 *
 * Portable schema (see `src/platform/db/database.ts`): times as epoch-ms `bigint`, flags as
 * `integer` 0/1, lists as JSON `text`.
 */
import type { Kysely } from 'kysely';
import type { ComponentMigration } from '../../platform/db/migrations.ts';

/** The Maskinporten component's migrations, in order. */
export const maskinportenMigrations: ComponentMigration[] = [
  {
    name: '0001_maskinporten',
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('maskinporten_clients')
        .addColumn('client_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('client_orgno', 'varchar(9)', (c) => c.notNull())
        .addColumn('supplier_orgno', 'varchar(9)')
        .addColumn('integration_type', 'text', (c) => c.notNull())
        .addColumn('application_type', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull())
        .addColumn('access_token_lifetime', 'integer', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('last_updated', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('maskinporten_clients_orgno').on('maskinporten_clients').column('client_orgno').execute();

      await db.schema
        .createTable('maskinporten_client_keys')
        // kid is unique across all clients (Digdir's rule), hence the primary key.
        .addColumn('kid', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('maskinporten_clients.client_id'))
        .addColumn('jwk', 'text', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('expires', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('maskinporten_client_keys_client').on('maskinporten_client_keys').column('client_id').execute();

      await db.schema
        .createTable('maskinporten_scopes')
        .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('subscope', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('long_description', 'text')
        .addColumn('owner_orgno', 'varchar(9)', (c) => c.notNull())
        .addColumn('delegation_source', 'text')
        .addColumn('accessible_for_all', 'integer', (c) => c.notNull())
        .addColumn('allowed_integration_types', 'text', (c) => c.notNull())
        .addColumn('at_max_age', 'integer')
        .addColumn('authorization_max_lifetime', 'integer')
        .addColumn('visibility', 'text', (c) => c.notNull())
        .addColumn('token_type', 'text', (c) => c.notNull())
        .addColumn('requires_user_consent', 'integer', (c) => c.notNull())
        .addColumn('requires_user_authentication', 'integer', (c) => c.notNull())
        .addColumn('requires_pseudonymous_tokens', 'integer', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('last_updated', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('maskinporten_scopes_owner').on('maskinporten_scopes').column('owner_orgno').execute();

      await db.schema
        .createTable('maskinporten_scope_access')
        .addColumn('scope', 'varchar(255)', (c) => c.notNull().references('maskinporten_scopes.name'))
        .addColumn('consumer_orgno', 'varchar(9)', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('last_updated', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('maskinporten_scope_access_pk', ['scope', 'consumer_orgno'])
        .execute();
      await db.schema.createIndex('maskinporten_scope_access_consumer').on('maskinporten_scope_access').column('consumer_orgno').execute();

      await db.schema
        .createTable('maskinporten_delegations')
        .addColumn('scope', 'varchar(255)', (c) => c.notNull().references('maskinporten_scopes.name'))
        .addColumn('consumer_orgno', 'varchar(9)', (c) => c.notNull())
        .addColumn('supplier_orgno', 'varchar(9)', (c) => c.notNull())
        .addColumn('delegation_source', 'text', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('maskinporten_delegations_pk', ['scope', 'consumer_orgno', 'supplier_orgno'])
        .execute();
      await db.schema.createIndex('maskinporten_delegations_supplier').on('maskinporten_delegations').column('supplier_orgno').execute();

      await db.schema
        .createTable('maskinporten_used_jti')
        .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('jti', 'varchar(255)', (c) => c.notNull())
        .addColumn('expires', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('maskinporten_used_jti_pk', ['client_id', 'jti'])
        .execute();
      await db.schema.createIndex('maskinporten_used_jti_expires').on('maskinporten_used_jti').column('expires').execute();

      await db.schema
        .createTable('maskinporten_scope_prefixes')
        // A prefix belongs to one organisation (Digdir assigns them by hand; see the README).
        .addColumn('prefix', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('owner_orgno', 'varchar(9)', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
