/**
 * What a receiver is registered for, for the eFormidling integration point's routing and
 * `capabilities` (the service registry's ELMA lookup, spec §1.3): every document type × process
 * with the endpoints active at a moment.
 *
 * @see specs/eformidling-elma-einnsyn.md §1.3, §2
 */
import type { Database } from '../../platform/db/database.ts';
import { elmaDb, findParticipant, listDocuments } from '../store/elma-store.ts';
import type { ElmaEndpoint } from '../wire-types.ts';
import { documentOfRow, keyOfOrgnr } from './participants.ts';

/** One document type and process a participant receives, with its active endpoints. */
export interface ElmaRegistration {
  /** Document identifier value, e.g. `urn:no:difi:arkivmelding:xsd::arkivmelding`. */
  documentType: string;
  /** Process identifier value, e.g. `urn:no:difi:profile:arkivmelding:administrasjon:ver1.0`. */
  process: string;
  /** Endpoints active at the moment asked (activation ≤ at < expiration); may be empty. */
  endpoints: ElmaEndpoint[];
}

/**
 * The registrations of an organisation's participant (`iso6523-actorid-upis::0192:<orgnr>`).
 *
 * @param orgnr organisasjonsnummer (9 digits; not checked here: an unknown one is simply absent)
 * @param at the moment endpoints must be active at (epoch ms)
 * @returns null when the organisation is not registered in ELMA; else one entry per document
 *   type × process, in registration order
 */
export async function findRegistrations(db: Database, orgnr: string, at: number): Promise<ElmaRegistration[] | null> {
  const k = elmaDb(db);
  const key = keyOfOrgnr(orgnr);
  const participant = await findParticipant(k, key);
  if (!participant) return null;
  const result: ElmaRegistration[] = [];
  for (const row of await listDocuments(k, key)) {
    const document = documentOfRow(row);
    for (const process of document.processes) {
      const endpoints = process.endpoints.filter(
        (e) =>
          (e.serviceActivationDate === undefined || Date.parse(e.serviceActivationDate) <= at) &&
          (e.serviceExpirationDate === undefined || at < Date.parse(e.serviceExpirationDate)),
      );
      result.push({ documentType: document.documentIdentifier.value, process: process.processIdentifier.value, endpoints });
    }
  }
  return result;
}
