/**
 * Migrations of the ELMA component's tables (all prefixed `elma_`). Portable schema (see
 * `src/platform/db/database.ts`): times as epoch-ms `bigint`.
 */
import type { Kysely } from 'kysely';
import type { ComponentMigration } from '../../platform/db/migrations.ts';

/** The ELMA component's migrations, in order. */
export const elmaMigrations: ComponentMigration[] = [
  {
    name: '0001_elma',
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('elma_participants')
        .addColumn('participant_key', 'varchar(100)', (c) => c.primaryKey())
        .addColumn('scheme', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('orgnr', 'varchar(9)', (c) => c.notNull())
        .addColumn('registered_by', 'varchar(9)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('elma_documents')
        .addColumn('participant_key', 'varchar(100)', (c) => c.notNull())
        .addColumn('document_scheme', 'varchar(100)', (c) => c.notNull())
        .addColumn('document_value', 'varchar(500)', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('processes', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('elma_documents_pk', ['participant_key', 'document_scheme', 'document_value'])
        .execute();

      await db.schema
        .createTable('elma_signing_certificate')
        .addColumn('id', 'varchar(16)', (c) => c.primaryKey())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('private_key_pem', 'text', (c) => c.notNull())
        .addColumn('serial_number', 'text', (c) => c.notNull())
        .addColumn('not_after_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('elma_seed_state')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('completed_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
