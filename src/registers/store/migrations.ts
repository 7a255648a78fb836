/**
 * Migrations of the registers component's tables (all prefixed `registers_`).
 *
 * Portable schema (see `src/platform/db/database.ts`): days as `text` YYYY-MM-DD, times as
 * epoch-ms `bigint`, flags as `integer` 0/1.
 */
import type { Kysely } from 'kysely';
import type { ComponentMigration } from '../../platform/db/migrations.ts';

/** The registers component's migrations, in order. */
export const registersMigrations: ComponentMigration[] = [
  {
    name: '0001_registers',
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('registers_persons')
        .addColumn('pid', 'varchar(11)', (c) => c.primaryKey())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('middle_name', 'text')
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'text', (c) => c.notNull())
        .addColumn('gender', 'text', (c) => c.notNull())
        // Folkeregisteret personstatus: bosatt | utflyttet | doed | midlertidig | inaktiv
        .addColumn('status', 'text', (c) => c.notNull())
        // The day the status began, for doed (dødsdato) and utflyttet (utflyttingsdato).
        .addColumn('status_date', 'text')
        .addColumn('adressenavn', 'text')
        .addColumn('husnummer', 'integer')
        .addColumn('husbokstav', 'text')
        .addColumn('postnummer', 'text')
        .addColumn('poststed', 'text')
        .addColumn('kommunenummer', 'text')
        .addColumn('utland_adressenavn', 'text')
        .addColumn('utland_postkode', 'text')
        .addColumn('utland_by', 'text')
        .addColumn('utland_landkode', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('registers_organisations')
        .addColumn('orgnr', 'varchar(9)', (c) => c.primaryKey())
        .addColumn('navn', 'text', (c) => c.notNull())
        // Lower-cased navn for case-insensitive substring search on both engines (SQLite's
        // LIKE folds ASCII only, so æøå would not match otherwise).
        .addColumn('navn_sok', 'text', (c) => c.notNull())
        .addColumn('organisasjonsform', 'text', (c) => c.notNull())
        .addColumn('organisasjonsform_beskrivelse', 'text', (c) => c.notNull())
        .addColumn('er_underenhet', 'integer', (c) => c.notNull())
        .addColumn('naeringskode', 'text')
        .addColumn('naeringskode_beskrivelse', 'text')
        .addColumn('sektorkode', 'text')
        .addColumn('sektorkode_beskrivelse', 'text')
        // Forretningsadresse (hovedenhet) or beliggenhetsadresse (underenhet).
        .addColumn('adresse', 'text')
        .addColumn('postnummer', 'text')
        .addColumn('poststed', 'text')
        .addColumn('kommune', 'text')
        .addColumn('kommunenummer', 'text')
        .addColumn('post_adresse', 'text')
        .addColumn('post_postnummer', 'text')
        .addColumn('post_poststed', 'text')
        .addColumn('post_kommune', 'text')
        .addColumn('post_kommunenummer', 'text')
        .addColumn('overordnet_enhet', 'varchar(9)')
        .addColumn('registreringsdato', 'text', (c) => c.notNull())
        .addColumn('antall_ansatte', 'integer')
        .addColumn('hjemmeside', 'text')
        .addColumn('is_public_agency', 'integer', (c) => c.notNull())
        // Role in Grunnmur: mailbox_provider | print_provider | null
        .addColumn('grunnmur_role', 'text')
        .addColumn('registrert_i_mvaregisteret', 'integer', (c) => c.notNull())
        .addColumn('registrert_i_foretaksregisteret', 'integer', (c) => c.notNull())
        .addColumn('konkurs', 'integer', (c) => c.notNull())
        .addColumn('under_avvikling', 'integer', (c) => c.notNull())
        .addColumn('under_tvangsavvikling', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('registers_organisations_overordnet').on('registers_organisations').column('overordnet_enhet').execute();
      await db.schema.createIndex('registers_organisations_role').on('registers_organisations').column('grunnmur_role').execute();

      await db.schema
        .createTable('registers_roles')
        .addColumn('orgnr', 'varchar(9)', (c) => c.notNull())
        // DAGL | LEDE | NEST | MEDL | VARA | REVI | REGN | KONT | INNH | DTSO | DTPR
        .addColumn('rolle', 'text', (c) => c.notNull())
        .addColumn('rekkefolge', 'integer', (c) => c.notNull())
        .addColumn('person_pid', 'varchar(11)')
        .addColumn('enhet_orgnr', 'varchar(9)')
        .addColumn('fratraadt', 'integer', (c) => c.notNull())
        .addColumn('sist_endret', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('registers_roles_pk', ['orgnr', 'rolle', 'rekkefolge'])
        .execute();
      await db.schema.createIndex('registers_roles_person').on('registers_roles').column('person_pid').execute();
      await db.schema.createIndex('registers_roles_enhet').on('registers_roles').column('enhet_orgnr').execute();

      await db.schema
        .createTable('registers_seed_state')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seed', 'text', (c) => c.notNull())
        .addColumn('persons_target', 'integer', (c) => c.notNull())
        .addColumn('orgs_target', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .execute();
    },
  },
  {
    // Audit log of Folkeregisteret person lookups (ARCHITECTURE principle 6): who asked
    // (consumer, supplier, client), why (the scope / rettighetspakke), about whom and when.
    name: '0002_registers_lookup_log',
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('registers_lookup_log')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('looked_up_at', 'bigint', (c) => c.notNull())
        .addColumn('pid', 'varchar(11)', (c) => c.notNull())
        // 1 when the person exists, 0 when the lookup answered 404.
        .addColumn('found', 'integer', (c) => c.notNull())
        .addColumn('consumer_orgno', 'varchar(9)', (c) => c.notNull())
        .addColumn('supplier_orgno', 'varchar(9)')
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('rettighetspakke', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        // The access token's jti, to match the lookup with Maskinporten's issuing of the token.
        .addColumn('token_jti', 'text')
        .execute();
      // "Who looked me up" (innsyn) and "what did this organisation look up".
      await db.schema.createIndex('registers_lookup_log_pid').on('registers_lookup_log').columns(['pid', 'looked_up_at']).execute();
      await db.schema
        .createIndex('registers_lookup_log_consumer')
        .on('registers_lookup_log')
        .columns(['consumer_orgno', 'looked_up_at'])
        .execute();
    },
  },
];
