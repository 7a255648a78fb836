/**
 * `validateSbd`: schema and semantic validation of a StandardBusinessDocument posted to the Next
 * Move API (`POST /api/messages/out`, the `sbd` part of `/api/messages/out/multipart`).
 *
 * The checks run in this order; the first that fails throws (each lists all its own problems):
 * 1. `checks/envelope.ts`: a JSON object; generated fields filled in; the header against Digdir's
 *    SBDH schema; `headerVersion` `"1.0"`; the ConversationId/SenderRef/ReceiverRef scopes.
 * 2. `checks/process.ts`: a known process; the document type in it; `type` its business-message name.
 * 3. `checks/envelope.ts`: the business message under the key `type`, nothing else beside the header.
 * 4. `checks/identifiers.ts`: sender and receiver.
 * 5. `checks/business-message.ts`: the business message against its schema.
 * 6. `checks/expected-response.ts`: the deadline, when given, after `now`.
 *
 * @see spec `eformidling-elma-einnsyn.md` §1.2, §1.3; README.md in this folder
 */
import type { ProcessInfo } from './processes.ts';
import { checkBusinessMessageKey, checkHeader, checkScopes, copyRoot, fillGeneratedFields } from './checks/envelope.ts';
import { checkDocumentType, checkProcess } from './checks/process.ts';
import { checkIdentifiers } from './checks/identifiers.ts';
import { checkBusinessMessage } from './checks/business-message.ts';
import { checkExpectedResponseDateTime } from './checks/expected-response.ts';

/** A StandardBusinessDocument that passed {@link validateSbd}, with what the routes need from it. */
export interface ValidatedSbd {
  /**
   * The SBD as stored: a deep copy of the input with the fields the integration point generates
   * filled in when missing: `documentIdentification.instanceIdentifier` (messageId, random UUID),
   * the ConversationId scope's `instanceIdentifier` (conversationId, random UUID) and
   * `documentIdentification.creationDateAndTime` (`now`, ISO-8601 with the Norwegian offset, as the integration point writes it). Nothing else is changed;
   * no default `expectedResponseDateTime` is added.
   */
  sbd: Record<string, unknown>;
  /** `documentIdentification.instanceIdentifier`, a UUID, as sent (case kept). */
  messageId: string;
  /** The ConversationId scope's `instanceIdentifier`, a UUID, as sent (case kept). */
  conversationId: string;
  /** Process URN (the ConversationId scope's `identifier`). */
  process: string;
  /** Document type URN (`documentIdentification.standard`). */
  standard: string;
  /** Business-message name (`documentIdentification.type`). */
  type: string;
  /** `documentIdentification.typeVersion`, as sent. */
  typeVersion: string;
  /** The sender: `value` as sent (e.g. `0192:991825827`), its orgnr, and on-behalf-of (DPV/DPI). */
  sender: { value: string; orgnr: string; onBehalfOf?: string };
  /**
   * The receiver: an organisation (`orgnr`) or a citizen (`pid`, the fødselsnummer/D-number).
   * `onBehalfOf` is never set: a receiver cannot be on-behalf-of (rejected).
   */
  receiver: { value: string; kind: 'organisation' | 'person'; orgnr?: string; pid?: string; onBehalfOf?: string };
  /** The delivery deadline (time-to-live), when given; always after `now`. */
  expectedResponseDateTime?: Date;
  /** SenderRef scope's `identifier`. */
  senderRef?: string;
  /** ReceiverRef scope's `identifier`. */
  receiverRef?: string;
  /** The object under the `type` key (the same object as inside `sbd`). */
  businessMessage: Record<string, unknown>;
  /**
   * The service of the process (`KNOWN_PROCESSES`), except `DPV` for the document type
   * `digital_dpv`, which only DPV carries. The service registry may still route an arkivmelding
   * (`DPO`) to DPF or DPV.
   */
  serviceIdentifier: ProcessInfo['serviceIdentifier'];
}

/**
 * Validates a StandardBusinessDocument (the JSON body of `POST /api/messages/out`) against the
 * JSON schemas and eFormidling's rules, and returns it parsed. The input is never changed.
 *
 * Cost: about 16 µs per call for a typical arkivmelding SBD on an idle core once the schemas are
 * compiled; the first call in a process reads and compiles them (about 0.3 s) unless
 * `loadSbdSchemas()` ran at start.
 *
 * @param input the parsed JSON body
 * @param options `now`: the current time (default `new Date()`), used for
 *   `creationDateAndTime` and to check `expectedResponseDateTime`
 * @returns the validated SBD (see {@link ValidatedSbd})
 * @throws AppError `EFORMIDLING_SBD_INVALID` (400) schema or structure; `extra.errors` lists
 *   `{ path, message }`, the message names the first paths, e.g.
 *   `standardBusinessDocumentHeader.documentIdentification.instanceIdentifier: must be a UUID`
 * @throws AppError `EFORMIDLING_UNKNOWN_PROCESS` (400) the ConversationId scope names an unknown process
 * @throws AppError `EFORMIDLING_DOCUMENT_TYPE_NOT_IN_PROCESS` (400) the standard is not a document type of the process
 * @throws AppError `EFORMIDLING_INVALID_IDENTIFIER` (400) sender or receiver malformed, failing its
 *   check digits, or not allowed in the process
 * @throws AppError `EFORMIDLING_SCHEMAS_UNAVAILABLE` (500) the schema files are broken
 * @see spec `eformidling-elma-einnsyn.md` §1.2; README.md in this folder
 */
export function validateSbd(input: unknown, options: { now?: Date } = {}): ValidatedSbd {
  const now = options.now ?? new Date();
  const sbd = copyRoot(input);
  fillGeneratedFields(sbd, now);
  const header = checkHeader(sbd);
  const scopes = checkScopes(header);
  const process = checkProcess(scopes);
  const documentType = checkDocumentType(header, process);
  const message = checkBusinessMessageKey(sbd, documentType.type);
  const { sender, receiver } = checkIdentifiers(header, process);
  const businessMessage = checkBusinessMessage(documentType.type, message);
  const expectedResponseDateTime = checkExpectedResponseDateTime(scopes.conversation, scopes.conversationIndex, now);
  const identification = header.documentIdentification;
  return {
    sbd,
    messageId: identification.instanceIdentifier,
    conversationId: scopes.conversation.instanceIdentifier,
    process: process.process,
    standard: documentType.standard,
    type: documentType.type,
    typeVersion: identification.typeVersion,
    sender,
    receiver,
    ...(expectedResponseDateTime !== undefined ? { expectedResponseDateTime } : {}),
    ...(scopes.senderRef !== undefined ? { senderRef: scopes.senderRef } : {}),
    ...(scopes.receiverRef !== undefined ? { receiverRef: scopes.receiverRef } : {}),
    businessMessage,
    serviceIdentifier: documentType.type === 'digital_dpv' ? 'DPV' : process.serviceIdentifier,
  };
}
