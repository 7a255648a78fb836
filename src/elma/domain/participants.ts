/**
 * The participant register: the JSON view, and writes by access-point providers.
 *
 * Ownership: the organisation whose Maskinporten token first registers a participant (its
 * access-point provider) owns the registration; only it may replace or delete it. Seeded
 * participants are owned by Digdir, which runs the hosted integration point.
 *
 * @see specs/eformidling-elma-einnsyn.md §2 ("Access point providers register participants")
 */
import type { Database } from '../../platform/db/database.ts';
import { validateOrganisasjonsnummer } from '../../platform/identifiers/index.ts';
import { elmaError } from '../errors.ts';
import {
  deleteParticipant as deleteParticipantRows,
  elmaDb,
  findParticipant,
  insertParticipantIfAbsent,
  listDocuments,
  lockParticipant,
  replaceDocuments,
  touchParticipant,
} from '../store/elma-store.ts';
import type { ElmaDocumentRow, ElmaParticipantRow } from '../store/tables.ts';
import type { ElmaDocument, ElmaParticipant, ElmaProcess, PutParticipantRequest } from '../wire-types.ts';
import { checkServiceMetadata } from './check-service-metadata.ts';
import { participantKey, participantOfOrgnr } from './identifiers.ts';

/**
 * Checks an organisasjonsnummer from a path.
 *
 * @throws AppError `ELMA_INVALID_ORGNR` (400) naming the failed rule
 */
export function checkOrgnr(orgnr: string): string {
  const result = validateOrganisasjonsnummer(orgnr);
  if (!result.valid) throw elmaError('ELMA_INVALID_ORGNR', `Invalid organisasjonsnummer: ${result.problems.map((p) => p.message).join('; ')}`);
  return orgnr;
}

/** The stored key of an orgnr's participant. */
export function keyOfOrgnr(orgnr: string): string {
  return participantKey(participantOfOrgnr(orgnr));
}

/** A document row back to its wire shape. */
export function documentOfRow(row: ElmaDocumentRow): ElmaDocument {
  return { documentIdentifier: { scheme: row.document_scheme, value: row.document_value }, processes: JSON.parse(row.processes) as ElmaProcess[] };
}

function participantOfRows(row: ElmaParticipantRow, documents: ElmaDocumentRow[]): ElmaParticipant {
  return {
    participantIdentifier: { scheme: row.scheme, value: row.value },
    orgnr: row.orgnr,
    registeredBy: row.registered_by,
    updated: new Date(Number(row.updated_at)).toISOString(),
    documents: documents.map(documentOfRow),
  };
}

/**
 * The JSON view of a participant.
 *
 * @throws AppError `ELMA_INVALID_ORGNR` (400), `ELMA_PARTICIPANT_NOT_FOUND` (404)
 */
export async function getParticipant(db: Database, orgnr: string): Promise<ElmaParticipant> {
  const key = keyOfOrgnr(checkOrgnr(orgnr));
  const k = elmaDb(db);
  const row = await findParticipant(k, key);
  if (!row) throw elmaError('ELMA_PARTICIPANT_NOT_FOUND', `No participant ${participantOfOrgnr(orgnr).value} is registered in ELMA`);
  return participantOfRows(row, await listDocuments(k, key));
}

/** Who writes, from the Maskinporten token. */
export interface ElmaWriter {
  /** The token's consumer organisation: the access-point provider. */
  providerOrgnr: string;
}

/**
 * Creates or replaces the whole service metadata of a participant, in one transaction.
 *
 * @param documents 1..100 document types (shape checked by the route's schema)
 * @returns the participant as stored, and whether it was created now
 * @throws AppError `ELMA_INVALID_ORGNR` and every code of `checkServiceMetadata` (400),
 *   `ELMA_PARTICIPANT_OWNED_BY_OTHER` (403)
 */
export async function putParticipant(
  db: Database,
  writer: ElmaWriter,
  orgnr: string,
  request: PutParticipantRequest,
  now = Date.now(),
): Promise<{ participant: ElmaParticipant; created: boolean }> {
  checkOrgnr(orgnr);
  const documents = checkServiceMetadata(request);
  const id = participantOfOrgnr(orgnr);
  const key = participantKey(id);
  const rows: ElmaDocumentRow[] = documents.map((d, position) => ({
    participant_key: key,
    document_scheme: d.documentIdentifier.scheme,
    document_value: d.documentIdentifier.value,
    position,
    processes: JSON.stringify(d.processes),
  }));
  const created = await elmaDb(db)
    .transaction()
    .execute(async (trx) => {
      const inserted = await insertParticipantIfAbsent(trx, {
        participant_key: key,
        scheme: id.scheme,
        value: id.value.toLowerCase(),
        orgnr,
        registered_by: writer.providerOrgnr,
        version: 0,
        created_at: now,
        updated_at: now,
      });
      const row = await lockParticipant(trx, key, db.engine);
      if (!row) throw new Error('participant row vanished inside its transaction');
      assertOwner(row, writer);
      await touchParticipant(trx, key, now);
      await replaceDocuments(trx, key, rows);
      return inserted;
    });
  return { participant: await getParticipant(db, orgnr), created };
}

/**
 * Deletes a participant and all its service metadata.
 *
 * @throws AppError `ELMA_INVALID_ORGNR` (400), `ELMA_PARTICIPANT_OWNED_BY_OTHER` (403),
 *   `ELMA_PARTICIPANT_NOT_FOUND` (404)
 */
export async function deleteParticipant(db: Database, writer: ElmaWriter, orgnr: string): Promise<void> {
  const key = keyOfOrgnr(checkOrgnr(orgnr));
  await elmaDb(db)
    .transaction()
    .execute(async (trx) => {
      const row = await lockParticipant(trx, key, db.engine);
      if (!row) throw elmaError('ELMA_PARTICIPANT_NOT_FOUND', `No participant ${participantOfOrgnr(orgnr).value} is registered in ELMA`);
      assertOwner(row, writer);
      await deleteParticipantRows(trx, key);
    });
}

function assertOwner(row: ElmaParticipantRow, writer: ElmaWriter): void {
  if (row.registered_by !== writer.providerOrgnr) {
    throw elmaError(
      'ELMA_PARTICIPANT_OWNED_BY_OTHER',
      `Participant ${row.value} is registered by access-point provider ${row.registered_by}; only that provider may change or delete it`,
    );
  }
}
