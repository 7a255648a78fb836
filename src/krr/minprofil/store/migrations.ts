/**
 * Migrations of MinProfil's own tables, appended to KRR's list (`krrComponent.migrations`).
 * Named from `0900_` so they sort after KRR's register migrations (Kysely runs migrations in
 * name order and refuses a new one that sorts before an applied one).
 */
import type { Kysely } from 'kysely';
import type { ComponentMigration } from '../../../platform/db/migrations.ts';

/** MinProfil's migrations, in order. */
export const minprofilMigrations: ComponentMigration[] = [
  {
    name: '0900_minprofil',
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('krr_minprofil_secrets')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('krr_minprofil_logins')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('goto_url', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('krr_minprofil_logins_expires_idx').on('krr_minprofil_logins').column('expires_at').execute();
      await db.schema
        .createTable('krr_minprofil_sessions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('pid', 'varchar(11)', (c) => c.notNull())
        .addColumn('acr', 'text', (c) => c.notNull())
        .addColumn('id_token', 'text', (c) => c.notNull())
        .addColumn('sid', 'text')
        .addColumn('goto_url', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('krr_minprofil_sessions_sid_idx').on('krr_minprofil_sessions').column('sid').execute();
      await db.schema.createIndex('krr_minprofil_sessions_expires_idx').on('krr_minprofil_sessions').column('expires_at').execute();
      await db.schema
        .createTable('krr_minprofil_pending_changes')
        .addColumn('personidentifikator', 'varchar(11)', (c) => c.notNull())
        .addColumn('kanal', 'varchar(8)', (c) => c.notNull())
        .addColumn('verdi', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('sent_count', 'integer', (c) => c.notNull())
        .addColumn('window_started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('krr_minprofil_pending_changes_pk', ['personidentifikator', 'kanal'])
        .execute();
    },
  },
];
