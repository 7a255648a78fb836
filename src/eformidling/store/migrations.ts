/**
 * Migrations of the eFormidling component's tables (all prefixed `eformidling_`). Portable
 * schema (see `src/platform/db/database.ts`).
 */
import type { Kysely } from 'kysely';
import { columnTypes, type Engine } from '../../platform/db/database.ts';
import type { ComponentMigration } from '../../platform/db/migrations.ts';

/** The eFormidling component's migrations, in order. */
export const eformidlingMigrations: ComponentMigration[] = [
  {
    name: '0001_eformidling',
    async up(db: Kysely<any>, engine: Engine): Promise<void> {
      const { blob, serial } = columnTypes(engine);
      await db.schema
        .createTable('eformidling_messages')
        .addColumn('id', serial, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('message_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('direction', 'varchar(8)', (c) => c.notNull())
        .addColumn('orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('sender_identifier', 'varchar(100)', (c) => c.notNull())
        .addColumn('receiver_identifier', 'varchar(100)', (c) => c.notNull())
        .addColumn('process_identifier', 'text', (c) => c.notNull())
        .addColumn('document_type', 'text', (c) => c.notNull())
        .addColumn('message_type', 'varchar(100)', (c) => c.notNull())
        .addColumn('service_identifier', 'varchar(10)', (c) => c.notNull())
        .addColumn('sbd', 'text', (c) => c.notNull())
        .addColumn('state', 'varchar(10)', (c) => c.notNull())
        .addColumn('lock_until', 'bigint')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('latest_status', 'varchar(30)')
        .addColumn('finished', 'integer', (c) => c.notNull())
        .addColumn('asic_size', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_update', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('eformidling_messages_message_direction', ['message_id', 'direction'])
        .execute();
      // The receiver's queue (peek takes the oldest queued message of an organisation).
      await db.schema.createIndex('eformidling_messages_queue').on('eformidling_messages').columns(['orgnr', 'direction', 'state', 'id']).execute();
      await db.schema.createIndex('eformidling_messages_conversation').on('eformidling_messages').columns(['conversation_id']).execute();
      // The time-to-live sweep.
      await db.schema.createIndex('eformidling_messages_expiry').on('eformidling_messages').columns(['state', 'expires_at']).execute();

      await db.schema
        .createTable('eformidling_files')
        .addColumn('message_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('filename', 'varchar(255)', (c) => c.notNull())
        .addColumn('mime_type', 'varchar(255)', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('eformidling_files_pk', ['message_id', 'position'])
        .addUniqueConstraint('eformidling_files_name', ['message_id', 'filename'])
        .execute();

      await db.schema
        .createTable('eformidling_file_chunks')
        .addColumn('message_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('chunk_no', 'integer', (c) => c.notNull())
        .addColumn('data', blob, (c) => c.notNull())
        .addPrimaryKeyConstraint('eformidling_file_chunks_pk', ['message_id', 'position', 'chunk_no'])
        .execute();

      await db.schema
        .createTable('eformidling_asic_chunks')
        .addColumn('message_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('chunk_no', 'integer', (c) => c.notNull())
        .addColumn('data', blob, (c) => c.notNull())
        .addPrimaryKeyConstraint('eformidling_asic_chunks_pk', ['message_id', 'chunk_no'])
        .execute();

      await db.schema
        .createTable('eformidling_statuses')
        .addColumn('id', serial, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('message_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('direction', 'varchar(8)', (c) => c.notNull())
        .addColumn('orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('status', 'varchar(30)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('last_update', 'bigint', (c) => c.notNull())
        .addColumn('queued', 'integer', (c) => c.notNull())
        // Each status at most once per side of a message: a re-run step cannot record it twice.
        .addUniqueConstraint('eformidling_statuses_once', ['message_id', 'direction', 'status'])
        .execute();
      await db.schema.createIndex('eformidling_statuses_org').on('eformidling_statuses').columns(['orgnr', 'id']).execute();
      await db.schema.createIndex('eformidling_statuses_queue').on('eformidling_statuses').columns(['orgnr', 'queued', 'id']).execute();

      await db.schema
        .createTable('eformidling_subscriptions')
        .addColumn('id', serial, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('push_endpoint', 'varchar(2000)', (c) => c.notNull())
        .addColumn('resource', 'varchar(20)', (c) => c.notNull())
        .addColumn('event', 'varchar(20)', (c) => c.notNull())
        .addColumn('filter', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('eformidling_subscriptions_org').on('eformidling_subscriptions').columns(['orgnr']).execute();

      await db.schema
        .createTable('eformidling_certificates')
        .addColumn('orgnr', 'varchar(9)', (c) => c.primaryKey())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('private_key_pem', 'text', (c) => c.notNull())
        .addColumn('not_after_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '0002_eformidling_dpi_clients',
    async up(db: Kysely<any>): Promise<void> {
      // The Maskinporten client each tenant's hosted integration point gets DPI tokens with.
      await db.schema
        .createTable('eformidling_dpi_clients')
        .addColumn('orgnr', 'varchar(9)', (c) => c.primaryKey())
        .addColumn('client_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
