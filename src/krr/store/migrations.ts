/**
 * Migrations of the KRR component's tables (all prefixed `krr_`). Portable schema (see
 * `src/platform/db/database.ts`): times as epoch-ms `bigint`, flags as `integer` 0/1.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../../platform/db/database.ts';
import type { ComponentMigration } from '../../platform/db/migrations.ts';

/** The KRR component's migrations, in order. */
export const krrMigrations: ComponentMigration[] = [
  {
    name: '0001_krr',
    async up(db: Kysely<any>, engine: Engine): Promise<void> {
      await db.schema
        .createTable('krr_persons')
        .addColumn('personidentifikator', 'varchar(11)', (c) => c.primaryKey())
        // AKTIV | SLETTET (IKKE_REGISTRERT = no row)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reservasjon', 'text', (c) => c.notNull())
        .addColumn('reservasjonstidspunkt', 'bigint')
        .addColumn('reservasjon_oppdatert', 'bigint')
        .addColumn('epostadresse', 'text')
        .addColumn('epostadresse_oppdatert', 'bigint')
        .addColumn('epostadresse_sist_verifisert', 'bigint')
        .addColumn('epostadresse_sist_validert', 'bigint')
        .addColumn('epostadresse_duplisert', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('mobiltelefonnummer', 'text')
        .addColumn('mobiltelefonnummer_oppdatert', 'bigint')
        .addColumn('mobiltelefonnummer_sist_verifisert', 'bigint')
        .addColumn('mobiltelefonnummer_sist_validert', 'bigint')
        .addColumn('mobiltelefonnummer_duplisert', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('spraak', 'text')
        .addColumn('spraak_oppdatert', 'bigint')
        .addColumn('postkasseadresse', 'text')
        .addColumn('postkasseleverandoeradresse', 'varchar(9)')
        .addColumn('postkasse_sertifikat', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('krr_providers')
        .addColumn('orgnr', 'varchar(9)', (c) => c.primaryKey())
        .addColumn('navn', 'text', (c) => c.notNull())
        // postkasse | print
        .addColumn('rolle', 'text', (c) => c.notNull())
        .addColumn('sertifikat', 'text', (c) => c.notNull())
        .addColumn('sertifikat_serial', 'text', (c) => c.notNull())
        .addColumn('sertifikat_gyldig_til', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('krr_lookups')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('looked_up_at', 'bigint', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('consumer_orgno', 'varchar(9)', (c) => c.notNull())
        .addColumn('supplier_orgno', 'varchar(9)')
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('antall', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('krr_lookups_consumer_idx').on('krr_lookups').columns(['consumer_orgno', 'looked_up_at']).execute();

      // One B-tree per audited person, the one "who looked X up, and when" reads: the primary key
      // leads with the person and the time (a lookup asks for a person once, so the key is
      // unique). On SQLite the table is that B-tree (WITHOUT ROWID); on PostgreSQL a heap and it.
      // Every lookup writes up to 1000 rows here, so each index more is a share of every lookup.
      await db.schema
        .createTable('krr_lookup_persons')
        .addColumn('personidentifikator', 'varchar(11)', (c) => c.notNull())
        .addColumn('looked_up_at', 'bigint', (c) => c.notNull())
        .addColumn('lookup_id', 'varchar(36)', (c) => c.notNull())
        .addPrimaryKeyConstraint('krr_lookup_persons_pk', ['personidentifikator', 'looked_up_at', 'lookup_id'])
        .$call((table) => (engine === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table))
        .execute();

      await db.schema
        .createTable('krr_seed_state')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seed', 'text', (c) => c.notNull())
        .addColumn('persons', 'integer', (c) => c.notNull())
        .addColumn('completed_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
