/**
 * Migrations of the Digital postkasse component's tables (all prefixed `digitalpost_`). Portable
 * schema (see `src/platform/db/database.ts`); row types in `tables.ts`.
 */
import type { Kysely } from 'kysely';
import { columnTypes, type Engine } from '../../platform/db/database.ts';
import type { ComponentMigration } from '../../platform/db/migrations.ts';

/** The Digital postkasse component's migrations, in order. */
export const digitalpostMigrations: ComponentMigration[] = [
  {
    name: '0001_digitalpost',
    async up(db: Kysely<any>, engine: Engine): Promise<void> {
      const { blob } = columnTypes(engine);
      await db.schema
        .createTable('digitalpost_provider_keys')
        .addColumn('orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('serial', 'varchar(64)', (c) => c.notNull())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('private_key_pem', 'text', (c) => c.notNull())
        .addColumn('not_after_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('digitalpost_provider_keys_pk', ['orgnr', 'serial'])
        .execute();

      await db.schema
        .createTable('digitalpost_messages')
        .addColumn('message_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('type', 'varchar(10)', (c) => c.notNull())
        .addColumn('sender_orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('consumer_orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('receiver_orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('avsenderidentifikator', 'varchar(100)')
        .addColumn('kanal', 'varchar(100)')
        .addColumn('forretningsmelding', 'text', (c) => c.notNull())
        .addColumn('dokumentpakke', blob, (c) => c.notNull())
        .addColumn('state', 'varchar(10)', (c) => c.notNull())
        .addColumn('eformidling_message_id', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('digitalpost_messages_sender').on('digitalpost_messages').columns(['sender_orgnr', 'created_at']).execute();

      await db.schema
        .createTable('digitalpost_message_statuses')
        .addColumn('message_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('status', 'varchar(10)', (c) => c.notNull())
        .addColumn('beskrivelse', 'text')
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('digitalpost_message_statuses_pk', ['message_id', 'status'])
        .execute();

      await db.schema
        .createTable('digitalpost_receipts')
        .addColumn('message_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('ref_message_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('receiver_orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('issuer_orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('type', 'varchar(30)', (c) => c.notNull())
        .addColumn('avsenderidentifikator', 'varchar(100)')
        .addColumn('kanal', 'varchar(100)')
        .addColumn('forretningsmelding', 'text', (c) => c.notNull())
        .addColumn('read', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('digitalpost_receipts_queue').on('digitalpost_receipts').columns(['receiver_orgnr', 'read', 'created_at']).execute();
      await db.schema.createIndex('digitalpost_receipts_ref').on('digitalpost_receipts').columns(['ref_message_id']).execute();

      await db.schema
        .createTable('digitalpost_letters')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('message_id', 'varchar(36)', (c) => c.notNull().unique())
        .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('provider_orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('postkasseadresse', 'varchar(255)', (c) => c.notNull())
        .addColumn('personidentifikator', 'varchar(11)', (c) => c.notNull())
        .addColumn('sender_orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('sender_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('avsenderidentifikator', 'varchar(100)')
        .addColumn('ikkesensitivtittel', 'varchar(255)', (c) => c.notNull())
        .addColumn('spraak', 'varchar(2)', (c) => c.notNull())
        .addColumn('sikkerhetsnivaa', 'integer', (c) => c.notNull())
        .addColumn('visible_from', 'bigint', (c) => c.notNull())
        .addColumn('aapningskvittering', 'integer', (c) => c.notNull())
        .addColumn('opened_at', 'bigint')
        .addColumn('varsler', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('digitalpost_letters_inbox').on('digitalpost_letters').columns(['personidentifikator', 'visible_from']).execute();

      await db.schema
        .createTable('digitalpost_documents')
        .addColumn('letter_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('filename', 'varchar(255)', (c) => c.notNull())
        .addColumn('mime_type', 'varchar(255)', (c) => c.notNull())
        .addColumn('tittel', 'text')
        .addColumn('hoveddokument', 'integer', (c) => c.notNull())
        .addColumn('content', blob, (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('digitalpost_documents_pk', ['letter_id', 'position'])
        .execute();

      await db.schema
        .createTable('digitalpost_notifications')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('letter_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('kanal', 'varchar(5)', (c) => c.notNull())
        .addColumn('address', 'varchar(255)')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('repetisjon', 'integer', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('state', 'varchar(10)', (c) => c.notNull())
        .addColumn('outbox_id', 'varchar(36)')
        .addColumn('beskrivelse', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('digitalpost_notifications_once', ['letter_id', 'kanal', 'repetisjon'])
        .execute();
      await db.schema.createIndex('digitalpost_notifications_due').on('digitalpost_notifications').columns(['state', 'due_at']).execute();

      await db.schema
        .createTable('digitalpost_print_jobs')
        .addColumn('message_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('sender_orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('mottaker', 'text', (c) => c.notNull())
        .addColumn('retur', 'text', (c) => c.notNull())
        .addColumn('utskriftstype', 'varchar(10)', (c) => c.notNull())
        .addColumn('posttype', 'varchar(1)')
        .addColumn('pdf', blob, (c) => c.notNull())
        .addColumn('pages', 'integer', (c) => c.notNull())
        .addColumn('state', 'varchar(10)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
