/**
 * Bulk load of the `krr-lookup` register into the real `krr_persons` table (made by the KRR
 * component's migrations): the keys come from keys.ts in ascending order, in chunks of 50 000
 * sent as ONE parameter (PostgreSQL `unnest($1::text[]) WITH ORDINALITY`, SQLite `json_each(?)`);
 * every other column is computed by the database from the person's position `i` in the register,
 * so a chunk is one `INSERT … SELECT` and the rows never pass through JavaScript objects.
 *
 * Shares (of the register's persons; the draws are `(i × A + B) mod 10 000` with A coprime to
 * 10 000, so each share is exact over every 10 000 persons):
 * - `SLETTET` 3 % (no contact data); `AKTIV` 97 %;
 * - `AKTIV`: reserved 5 % (no mailbox), an earlier reservation withdrawn 3 %;
 *   e-mail 93 %, mobile 96 %; e-mail stale (> 18 months) 17 %, mobile stale 15 % (12 % both);
 *   e-mail/mobile `_duplisert` 1.5 %; language 92 % (nb 86 / nn 9 / en 4 / se 1 %);
 *   not reserved: Digipost 45 %, e-Boks 15 %, no mailbox 40 %.
 * The same shares as the KRR seed (src/krr/domain/seed.ts); persons not in the register are the
 * valid numbers after the register's (keys.ts), asked for as well.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../src/platform/db/database.ts';
import { EBOKS_ORGNR, POSTEN_BRING_ORGNR } from '../../../src/registers/index.ts';
import { registerKeys, type KeySpace } from './keys.ts';

const CHUNK = 50_000;
const DAY_MS = 86_400_000;

/** Draw j of person i: an integer in 0 … 9 999. */
const MULTIPLIERS = [
  7919, 6553, 3331, 9391, 1237, 4441, 8887, 2333, 5557, 7777, 1111, 3697, 4999, 6007, 8011, 2707, 1013, 2017, 3019, 4021, 5023, 6029, 7027, 8039,
];
const d = (j: number): string => `((i * ${MULTIPLIERS[j]} + ${j * 613 + 17}) % 10000)`;

/** `now` minus between minDays and maxDays days (draw j), epoch ms. */
function daysAgo(now: number, minDays: number, maxDays: number, j: number): string {
  return `(${now} - (${minDays} + ${d(j)} * ${maxDays - minDays} / 10000) * ${DAY_MS})`;
}

/** The SELECT list computing every column from `pid` and `i` (both engines). */
function columns(now: number): string {
  const aktiv = `${d(0)} >= 300`;
  const reserved = `(${aktiv} and ${d(1)} < 500)`;
  const withdrawn = `(${aktiv} and ${d(1)} >= 500 and ${d(1)} < 800)`;
  const email = `(${aktiv} and ${d(3)} < 9300)`;
  const mobile = `(${aktiv} and ${d(10)} < 9600)`;
  const emailStale = `${d(5)} < 1700`;
  const mobileStale = `(${d(5)} < 1200 or (${d(5)} >= 1700 and ${d(5)} < 2000))`;
  const spraak = `(${aktiv} and ${d(12)} >= 800)`;
  const mailbox = `(${aktiv} and not ${reserved} and ${d(15)} < 6000)`;
  const channel = (present: string, stale: string, j: number) => ({
    oppdatert: `case when ${present} then case when ${stale} then ${daysAgo(now, 610, 3650, j)} else ${daysAgo(now, 30, 2920, j)} end end`,
    verifisert: `case when ${present} and not ${stale} then ${daysAgo(now, 1, 500, j + 1)} end`,
    validert: `case when ${present} and ${d(j + 2)} < 7000 then case when ${stale} then ${daysAgo(now, 610, 3650, j)} else ${daysAgo(now, 30, 2920, j)} end end`,
    duplisert: `case when ${present} and ${d(j + 3)} < 150 then 1 else 0 end`,
  });
  const e = channel(email, emailStale, 16);
  const m = channel(mobile, mobileStale, 20);
  return [
    'pid',
    `case when ${aktiv} then 'AKTIV' else 'SLETTET' end`,
    `case when ${reserved} then 'JA' else 'NEI' end`,
    `case when ${reserved} then ${daysAgo(now, 30, 2920, 2)} end`,
    `case when ${reserved} or ${withdrawn} then ${daysAgo(now, 30, 2920, 2)} end`,
    `case when ${email} then 'person.' || i || '@example.' || case when ${d(4)} < 5000 then 'com' when ${d(4)} < 8000 then 'no' else 'org' end end`,
    e.oppdatert,
    e.verifisert,
    e.validert,
    e.duplisert,
    `case when ${mobile} then '+47' || case when ${d(11)} < 5000 then '4' else '9' end || (1000000 + i % 9000000) end`,
    m.oppdatert,
    m.verifisert,
    m.validert,
    m.duplisert,
    `case when ${spraak} then case when ${d(13)} < 8600 then 'nb' when ${d(13)} < 9500 then 'nn' when ${d(13)} < 9900 then 'en' else 'se' end end`,
    `case when ${spraak} then ${daysAgo(now, 1, 2190, 14)} end`,
    `case when ${mailbox} then 'person.' || i || '#' || (1000 + i % 9000) end`,
    `case when ${mailbox} then case when ${d(15)} < 4500 then '${POSTEN_BRING_ORGNR}' else '${EBOKS_ORGNR}' end end`,
    'null',
    String(now),
  ].join(',\n  ');
}

const TARGET_COLUMNS = [
  'personidentifikator',
  'status',
  'reservasjon',
  'reservasjonstidspunkt',
  'reservasjon_oppdatert',
  'epostadresse',
  'epostadresse_oppdatert',
  'epostadresse_sist_verifisert',
  'epostadresse_sist_validert',
  'epostadresse_duplisert',
  'mobiltelefonnummer',
  'mobiltelefonnummer_oppdatert',
  'mobiltelefonnummer_sist_verifisert',
  'mobiltelefonnummer_sist_validert',
  'mobiltelefonnummer_duplisert',
  'spraak',
  'spraak_oppdatert',
  'postkasseadresse',
  'postkasseleverandoeradresse',
  'postkasse_sertifikat',
  'updated_at',
].join(', ');

/**
 * Loads `persons` persons into `krr_persons` (which must be empty). PostgreSQL: the primary key
 * is dropped for the load and built again after it (a sort, not 5 million index inserts), then
 * `VACUUM ANALYZE`. SQLite: one transaction.
 *
 * @returns the key space (for the load generator) and the seconds the load took
 */
export async function loadRegister(db: Database, persons: number, now = Date.now()): Promise<{ space: KeySpace; seconds: number }> {
  const t0 = performance.now();
  const k = db.kysely as Kysely<any>;
  const select = columns(now);
  const keys = registerKeys(persons, CHUNK);
  let space: KeySpace | undefined;
  let offset = 0;
  const run = async (trx: Kysely<any>): Promise<void> => {
    for (let step = keys.next(); ; step = keys.next()) {
      if (step.done) {
        space = step.value;
        break;
      }
      const chunk = step.value;
      const source =
        db.engine === 'postgres'
          ? sql`select pid, (${sql.lit(offset)}::bigint + n - 1) as i from unnest(${chunk}::text[]) with ordinality as t(pid, n)`
          : sql`select value as pid, (${sql.lit(offset)} + key) as i from json_each(${JSON.stringify(chunk)})`;
      await sql`insert into krr_persons (${sql.raw(TARGET_COLUMNS)}) select ${sql.raw(select)} from (${source}) as src`.execute(trx);
      offset += chunk.length;
    }
  };
  if (db.engine === 'postgres') {
    await sql`alter table krr_persons drop constraint krr_persons_pkey`.execute(k);
    await run(k);
    await sql`alter table krr_persons add constraint krr_persons_pkey primary key (personidentifikator)`.execute(k);
    await sql`vacuum analyze krr_persons`.execute(k);
  } else {
    await k.transaction().execute(run);
    await sql`analyze`.execute(k);
  }
  const { n } = (await sql<{ n: number | string }>`select count(*) as n from krr_persons`.execute(k)).rows[0]!;
  if (Number(n) !== persons) throw new Error(`krr-lookup: loaded ${n} persons, wanted ${persons}`);
  return { space: space!, seconds: (performance.now() - t0) / 1000 };
}
