/**
 * Rules on the envelope of a StandardBusinessDocument:
 * - the SBD is a JSON object holding `standardBusinessDocumentHeader` and exactly one other key,
 *   the business message, named by `documentIdentification.type`;
 * - the header validates against Digdir's `sbdh.schema.json` (exactly one sender and one receiver,
 *   UUIDs in `instanceIdentifier`, no unknown properties, …);
 * - `headerVersion` is `"1.0"`;
 * - exactly one `ConversationId` scope, whose `identifier` is the process; at most one `SenderRef`
 *   and one `ReceiverRef` scope, each with an `identifier`.
 *
 * Before the schema runs, the fields the integration point generates are filled in when missing:
 * `documentIdentification.instanceIdentifier` (messageId) and the ConversationId scope's
 * `instanceIdentifier` (conversationId) get a random UUID, `creationDateAndTime` the current time.
 *
 * @see spec `eformidling-elma-einnsyn.md` §1.2; Digdir `standard_sbd.md` (felleslosninger/docs
 *   `_docs/eFormidling/Utvikling/Dokumenttyper/standard_sbd.md`: "Genereres dersom utelatt")
 */
import { osloDateTime } from '../../domain/wire.ts';
import { randomUUID } from 'node:crypto';
import { problemsError, type SbdProblem } from '../errors.ts';
import { formatPath, schemaProblems, schemaValidators, type PathSegment } from '../schemas.ts';
import type { SbdHeader, SbdScope } from '../sbd-types.ts';

/** The header key. */
export const HEADER_KEY = 'standardBusinessDocumentHeader';

const SCOPE_PATH: readonly PathSegment[] = [HEADER_KEY, 'businessScope', 'scope'];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Deepest nesting copied; deeper input is rejected rather than risking the stack. */
const MAX_DEPTH = 200;

/** Thrown inside {@link copyJson}; turned into a problem by {@link copyRoot}. */
class NotJson extends Error {}

/**
 * Deep copy of JSON data (plain objects, arrays, strings, finite numbers, booleans, null).
 * Faster than `structuredClone` for small documents, and rejects what JSON cannot hold.
 */
function copyJson(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotJson('must be JSON data (found a non-finite number)');
    return value;
  }
  if (depth > MAX_DEPTH) throw new NotJson(`must not nest deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i], depth + 1);
    return out;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new NotJson('must be JSON data (found a non-plain object)');
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      // defineProperty, not assignment: a "__proto__" key from JSON.parse stays a plain key.
      Object.defineProperty(out, key, { value: copyJson(item, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw new NotJson(`must be JSON data (found ${typeof value})`);
}

/**
 * Copies the input (so the caller's object is never changed) and checks it is a JSON object.
 *
 * @throws AppError `EFORMIDLING_SBD_INVALID` when the input is not a plain JSON object, holds
 *   values JSON cannot (functions, dates, non-finite numbers) or nests deeper than 200 levels
 */
export function copyRoot(input: unknown): Record<string, unknown> {
  if (!isObject(input)) {
    throw problemsError('EFORMIDLING_SBD_INVALID', [{ path: '(root)', message: 'must be a JSON object (a StandardBusinessDocument)' }]);
  }
  try {
    return copyJson(input, 0) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof NotJson)) throw error;
    throw problemsError('EFORMIDLING_SBD_INVALID', [{ path: '(root)', message: error.message }]);
  }
}

/**
 * Fills in what the integration point generates when the sender leaves it out: messageId,
 * conversationId (random UUIDs) and `creationDateAndTime` (`now`, UTC). `null` counts as missing.
 * Changes `sbd` in place; containers that are not objects are left for the schema to reject.
 */
export function fillGeneratedFields(sbd: Record<string, unknown>, now: Date): void {
  const header = sbd[HEADER_KEY];
  if (!isObject(header)) return;
  const identification = header.documentIdentification;
  if (isObject(identification)) {
    if (isMissing(identification.instanceIdentifier)) identification.instanceIdentifier = randomUUID();
    if (isMissing(identification.creationDateAndTime)) identification.creationDateAndTime = osloDateTime(now.getTime());
  }
  const scope = isObject(header.businessScope) ? header.businessScope.scope : undefined;
  if (Array.isArray(scope)) {
    for (const item of scope) {
      if (isObject(item) && item.type === 'ConversationId' && isMissing(item.instanceIdentifier)) item.instanceIdentifier = randomUUID();
    }
  }
}

/**
 * Validates the header against Digdir's SBDH schema and checks `headerVersion`.
 *
 * @returns the header, typed
 * @throws AppError `EFORMIDLING_SBD_INVALID` naming each problem's path
 */
export function checkHeader(sbd: Record<string, unknown>): SbdHeader {
  const header = sbd[HEADER_KEY];
  if (header === undefined) {
    throw problemsError('EFORMIDLING_SBD_INVALID', [{ path: HEADER_KEY, message: 'is required' }]);
  }
  const problems = schemaProblems(schemaValidators().header, header, [HEADER_KEY]);
  if (problems.length > 0) throw problemsError('EFORMIDLING_SBD_INVALID', problems);
  const typed = header as unknown as SbdHeader;
  if (typed.headerVersion !== '1.0') {
    throw problemsError('EFORMIDLING_SBD_INVALID', [{ path: formatPath([HEADER_KEY, 'headerVersion']), message: 'must be "1.0"' }]);
  }
  return typed;
}

/** The scopes the integration point reads. */
export interface Scopes {
  /** The ConversationId scope and its index in `scope[]`. */
  conversation: SbdScope & { identifier: string; instanceIdentifier: string };
  conversationIndex: number;
  /** SenderRef scope's `identifier` (a UUID, or free text kept for backward compatibility). */
  senderRef?: string;
  /** ReceiverRef scope's `identifier`. */
  receiverRef?: string;
}

/**
 * Finds the ConversationId scope (exactly one, with the process in `identifier`) and the optional
 * SenderRef/ReceiverRef scopes (at most one each, with `identifier`). Other scope types are kept
 * and not interpreted.
 *
 * @throws AppError `EFORMIDLING_SBD_INVALID`
 */
export function checkScopes(header: SbdHeader): Scopes {
  const scopes = header.businessScope.scope;
  const problems: SbdProblem[] = [];
  const conversations = scopes.flatMap((s, i) => (s.type === 'ConversationId' ? [i] : []));
  if (conversations.length === 0) {
    problems.push({ path: formatPath(SCOPE_PATH), message: 'must hold exactly one scope of type "ConversationId" (it carries the process and the conversationId); found none' });
  }
  for (const extra of conversations.slice(1)) {
    problems.push({ path: formatPath([...SCOPE_PATH, extra, 'type']), message: 'a second "ConversationId" scope; exactly one is allowed' });
  }
  const refs: Partial<Record<'SenderRef' | 'ReceiverRef', string>> = {};
  for (const kind of ['SenderRef', 'ReceiverRef'] as const) {
    const found = scopes.flatMap((s, i) => (s.type === kind ? [i] : []));
    for (const extra of found.slice(1)) {
      problems.push({ path: formatPath([...SCOPE_PATH, extra, 'type']), message: `a second "${kind}" scope; at most one is allowed` });
    }
    const first = found[0];
    if (first === undefined) continue;
    const identifier = scopes[first]?.identifier;
    if (identifier === undefined || identifier === '') {
      problems.push({ path: formatPath([...SCOPE_PATH, first, 'identifier']), message: `is required in a "${kind}" scope (the reference)` });
    } else {
      refs[kind] = identifier;
    }
  }
  const conversationIndex = conversations[0];
  const conversation = conversationIndex === undefined ? undefined : scopes[conversationIndex];
  if (conversation !== undefined && conversationIndex !== undefined && (conversation.identifier === undefined || conversation.identifier === '')) {
    problems.push({ path: formatPath([...SCOPE_PATH, conversationIndex, 'identifier']), message: 'is required: the process URN, e.g. urn:no:difi:profile:arkivmelding:administrasjon:ver1.0' });
  }
  if (problems.length > 0 || conversation === undefined || conversationIndex === undefined) {
    throw problemsError('EFORMIDLING_SBD_INVALID', problems);
  }
  return {
    conversation: conversation as Scopes['conversation'],
    conversationIndex,
    ...(refs.SenderRef !== undefined ? { senderRef: refs.SenderRef } : {}),
    ...(refs.ReceiverRef !== undefined ? { receiverRef: refs.ReceiverRef } : {}),
  };
}

/**
 * Checks that the SBD holds the header and exactly one business message, under the key `type`.
 *
 * @param type `documentIdentification.type`, already checked against the document type
 * @returns the business message value (its shape is checked by `checks/business-message.ts`)
 * @throws AppError `EFORMIDLING_SBD_INVALID`
 */
export function checkBusinessMessageKey(sbd: Record<string, unknown>, type: string): unknown {
  const problems: SbdProblem[] = [];
  if (!Object.hasOwn(sbd, type)) {
    problems.push({ path: formatPath([type]), message: `is required: the business message named by documentIdentification.type` });
  }
  for (const key of Object.keys(sbd)) {
    if (key === HEADER_KEY || key === type) continue;
    problems.push({ path: formatPath([key]), message: `unknown property; the SBD holds only "${HEADER_KEY}" and the business message "${type}"` });
  }
  if (problems.length > 0) throw problemsError('EFORMIDLING_SBD_INVALID', problems);
  return sbd[type];
}
