/**
 * Rules on the process and the document type:
 * - the ConversationId scope's `identifier` is a process eFormidling knows (`KNOWN_PROCESSES`);
 * - `documentIdentification.standard` is one of that process's document types;
 * - `documentIdentification.type` is that document type's business-message name ("skal samsvare
 *   med siste ledd av dokumenttypens URI").
 *
 * @see spec `eformidling-elma-einnsyn.md` §1.2 "Processes and document types"; Digdir
 *   `standard_sbd.md` (`documentIdentification.type`)
 */
import { problemsError } from '../errors.ts';
import { findProcess, type ProcessInfo } from '../processes.ts';
import { formatPath } from '../schemas.ts';
import type { SbdHeader } from '../sbd-types.ts';
import { HEADER_KEY, type Scopes } from './envelope.ts';

/** Longest echo of a caller's URN in a message. */
const ECHO_MAX = 200;

function echo(value: string): string {
  return JSON.stringify(value.length > ECHO_MAX ? `${value.slice(0, ECHO_MAX)}…` : value);
}

/**
 * @returns the process of the ConversationId scope
 * @throws AppError `EFORMIDLING_UNKNOWN_PROCESS`
 */
export function checkProcess(scopes: Scopes): ProcessInfo {
  const process = findProcess(scopes.conversation.identifier);
  if (process === undefined) {
    throw problemsError('EFORMIDLING_UNKNOWN_PROCESS', [{
      path: formatPath([HEADER_KEY, 'businessScope', 'scope', scopes.conversationIndex, 'identifier']),
      message: `unknown process ${echo(scopes.conversation.identifier)}; the capabilities of the receiver list the processes it accepts`,
    }]);
  }
  return process;
}

/**
 * @returns the document type of `documentIdentification.standard` within the process
 * @throws AppError `EFORMIDLING_DOCUMENT_TYPE_NOT_IN_PROCESS` when the standard is not one of the
 *   process's document types; `EFORMIDLING_SBD_INVALID` when `type` is not its business-message name
 */
export function checkDocumentType(header: SbdHeader, process: ProcessInfo): { type: string; standard: string } {
  const { standard, type } = header.documentIdentification;
  const documentType = process.documentTypes.find((d) => d.standard === standard);
  if (documentType === undefined) {
    throw problemsError('EFORMIDLING_DOCUMENT_TYPE_NOT_IN_PROCESS', [{
      path: formatPath([HEADER_KEY, 'documentIdentification', 'standard']),
      message: `document type ${echo(standard)} is not in process ${process.process} (its document types: ${process.documentTypes.map((d) => d.standard).join(', ')})`,
    }]);
  }
  if (type !== documentType.type) {
    throw problemsError('EFORMIDLING_SBD_INVALID', [{
      path: formatPath([HEADER_KEY, 'documentIdentification', 'type']),
      message: `must be "${documentType.type}", the business-message name of document type ${documentType.standard}`,
    }]);
  }
  return documentType;
}
