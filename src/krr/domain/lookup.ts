/**
 * A lookup in the register: check the identifiers, read the persons in one query, log the lookup
 * (who, which client, which scopes, which persons, when) and build the answer, all in one
 * transaction. The answer is never built from a read whose log entry was not written with it
 * (ARCHITECTURE principles 5 and 6).
 *
 * @see specs/krr-dpi-esign.md §1 (lookup service)
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/db/database.ts';
import { findPersonsAndLogLookup } from '../store/krr-store.ts';
import { providerCertificates } from './provider-certificates.ts';
import type { KrrPerson } from '../wire-types.ts';
import { checkPersonidentifikatorer } from './check-personidentifikatorer.ts';
import { notRegistered, registeredPerson } from './person-answer.ts';
import type { Disclosure } from './scopes.ts';
import { freshnessCutoff } from './varslingsstatus.ts';

/** Who asks (from the verified token) and through which endpoint. */
export interface LookupCaller {
  /** `POST /rest/v1/personer`, `POST /rest/v2/personer`, `GET /rest/v1/person`. */
  endpoint: string;
  consumerOrgno: string;
  supplierOrgno?: string;
  clientId: string;
  /** The token's scopes that concern KRR (logged). */
  scopes: readonly string[];
  /** Correlation id of the request (logged). */
  requestId: string;
}

/** A lookup to run. */
export interface LookupRequest {
  /** As sent (duplicates allowed; checked here). */
  personidentifikatorer: readonly string[];
  /** False: persons not in the register are left out of the answer (v2's `inkluderIkkeRegistrerte: false`). */
  includeNotRegistered: boolean;
  disclosure: Disclosure;
}

/** The answer, and the id of its audit-log entry. */
export interface LookupResult {
  lookupId: string;
  /** Distinct persons asked for (logged), whether or not they are in the answer. */
  antall: number;
  personer: KrrPerson[];
}

/**
 * Runs a lookup (see the file header).
 *
 * @param now epoch ms of the lookup (the 18-month cut-off and the log time); default `Date.now()`
 * @returns one entry per distinct person asked for, in the order first asked
 * @throws AppError `KRR_LOOKUP_EMPTY`, `KRR_LOOKUP_TOO_MANY_IDS`, `KRR_INVALID_PERSONIDENTIFIKATOR`
 *   (400; nothing is read or written)
 */
export async function lookupPersons(db: Database, request: LookupRequest, caller: LookupCaller, now = Date.now()): Promise<LookupResult> {
  const ids = checkPersonidentifikatorer(request.personidentifikatorer);
  const lookupId = randomUUID();
  const cutoff = freshnessCutoff(now);
  const providers = await providerCertificates(db);
  const rows = await findPersonsAndLogLookup(
    db,
    {
      id: lookupId,
      looked_up_at: now,
      endpoint: caller.endpoint,
      consumer_orgno: caller.consumerOrgno,
      supplier_orgno: caller.supplierOrgno ?? null,
      client_id: caller.clientId,
      scope: caller.scopes.join(' '),
      request_id: caller.requestId,
      antall: ids.length,
    },
    ids,
  );
  // The answer is built only from a read whose log entry was written with it (one atomic step above).
  const byId = new Map(rows.map((r) => [r.personidentifikator, r]));
  const personer: KrrPerson[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (row) personer.push(registeredPerson(row, providers, request.disclosure, cutoff));
    else if (request.includeNotRegistered) personer.push(notRegistered(id, request.disclosure));
  }
  return { lookupId, antall: ids.length, personer };
}
