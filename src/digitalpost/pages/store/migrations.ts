/**
 * Migrations of the mailbox pages' own tables, appended to the Digital postkasse component's
 * list (`digitalpostComponent.migrations`): the login sessions of ID-porten's relying-party kit,
 * `digitalpost_pages_secrets`, `digitalpost_pages_logins` and `digitalpost_pages_sessions`
 * (see `createRpTables` in `src/idporten/rp/rp-store.ts`). Named from `0900_` so they sort after
 * the component's own migrations (Kysely runs migrations in name order and refuses a new one
 * that sorts before an applied one).
 */
import type { Kysely } from 'kysely';
import { createRpTables } from '../../../idporten/index.ts';
import type { ComponentMigration } from '../../../platform/db/migrations.ts';

/** Prefix of the mailbox pages' session tables. */
export const PAGES_TABLES = 'digitalpost_pages';

/** The mailbox pages' migrations, in order. */
export const digitalpostPagesMigrations: ComponentMigration[] = [
  {
    name: '0900_digitalpost_pages',
    async up(db: Kysely<any>): Promise<void> {
      await createRpTables(db, PAGES_TABLES);
    },
  },
];
