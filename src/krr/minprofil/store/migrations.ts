/**
 * Migrations of MinProfil's own tables, appended to KRR's list (`krrComponent.migrations`).
 * Named from `0900_` so they sort after KRR's register migrations (Kysely runs migrations in
 * name order and refuses a new one that sorts before an applied one).
 */
import type { Kysely } from 'kysely';
import type { ComponentMigration } from '../../../platform/db/migrations.ts';
import { createRpTables } from '../../../idporten/index.ts';

/** MinProfil's migrations, in order. */
export const minprofilMigrations: ComponentMigration[] = [
  {
    name: '0900_minprofil',
    async up(db: Kysely<any>): Promise<void> {
      // krr_minprofil_secrets, _logins and _sessions: the tables of ID-porten's relying-party kit.
      await createRpTables(db, 'krr_minprofil');
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
