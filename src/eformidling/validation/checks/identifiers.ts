/**
 * Rules on the sender and the receiver:
 * - `identifier.authority` is `iso6523-actorid-upis`;
 * - the sender is `0192:<organisasjonsnummer>`, or `0192:<orgnr>:<on-behalf-of orgnr>` in the
 *   processes of DPV and DPI only (digital post: `digitalpost:info`, `digitalpost:vedtak`);
 * - the receiver is `0192:<organisasjonsnummer>`, or a bare fødselsnummer/D-number (a citizen) in
 *   the processes that address citizens (`digitalpost:info`, `digitalpost:vedtak`, and DPH's
 *   `digitalpost:fastlege`, addressed by the patient's number); a receiver is never on-behalf-of;
 * - every organisasjonsnummer passes the MOD11 check (`validateOrganisasjonsnummer`), every
 *   fødselsnummer/D-number the checks of `validateFodselsnummer` (both in `src/platform/identifiers`).
 *
 * Messages name the failed rule and never repeat a personal identifier's digits (a person's
 * number is personal data); an organisasjonsnummer is not echoed either, to be safe when a sender
 * puts a person's number in the wrong place.
 *
 * @see spec `eformidling-elma-einnsyn.md` §1.2; Digdir `message.md` ("sender/receiver.identifier.value",
 *   "På-vegne-av-avsender - DPV og DPI"), `standard_sbd.md`
 */
import { validateFodselsnummer, validateOrganisasjonsnummer } from '../../../platform/identifiers/index.ts';
import { problemsError, type SbdProblem } from '../errors.ts';
import { ON_BEHALF_OF_PROCESSES, PERSON_RECEIVER_PROCESSES, type ProcessInfo } from '../processes.ts';
import { formatPath } from '../schemas.ts';
import type { SbdHeader, SbdPartner } from '../sbd-types.ts';
import { HEADER_KEY } from './envelope.ts';

/** The only identifier authority eFormidling uses (ISO 6523 participant identifiers). */
export const AUTHORITY = 'iso6523-actorid-upis';
/** ICD of Norwegian organisation numbers. */
export const ICD_ORGNR = '0192';

/** The sender, parsed. */
export interface SenderIdentity {
  /** As sent, e.g. `0192:991825827`. */
  value: string;
  /** The sending organisation. */
  orgnr: string;
  /** The organisation sent on behalf of (DPV/DPI), when the value has a third part. */
  onBehalfOf?: string;
}

/** The receiver, parsed. */
export interface ReceiverIdentity {
  /** As sent: `0192:<orgnr>` or a fødselsnummer/D-number. */
  value: string;
  kind: 'organisation' | 'person';
  /** When `kind` is `organisation`. */
  orgnr?: string;
  /** When `kind` is `person`: the fødselsnummer or D-number. */
  pid?: string;
  /** Never set: a receiver is never on-behalf-of (rejected). Kept for the shape of `ValidatedSbd`. */
  onBehalfOf?: string;
}

const SENDER_VALUE_PATH = formatPath([HEADER_KEY, 'sender', 0, 'identifier', 'value']);
const RECEIVER_VALUE_PATH = formatPath([HEADER_KEY, 'receiver', 0, 'identifier', 'value']);
const ELEVEN_DIGITS = /^[0-9]{11}$/;
const NINE_DIGITS = /^[0-9]{9}$/;

/** Rule ids of `validateFodselsnummer` in words that do not reveal the number. */
const PERSON_RULES: Readonly<Record<string, string>> = {
  type: '11 digits',
  length: '11 digits',
  digits: '11 digits',
  date: 'date of birth',
  individnummer: 'individnummer and century',
  k1: 'MOD11 check digit',
  k2: 'MOD11 check digit',
};

function orgnrProblem(orgnr: string, what: string): string | undefined {
  const result = validateOrganisasjonsnummer(orgnr);
  if (result.valid) return undefined;
  return `${what} is not a valid organisasjonsnummer: ${result.problems.map((p) => `${p.message} (rule ${p.rule})`).join('; ')}`;
}

function personProblem(pid: string): string | undefined {
  const result = validateFodselsnummer(pid);
  if (result.valid) return undefined;
  const rules = [...new Set(result.problems.map((p) => PERSON_RULES[p.rule] ?? p.rule))];
  return `not a valid fødselsnummer or D-number (${rules.join(', ')})`;
}

function authorityProblem(partner: SbdPartner, role: 'sender' | 'receiver'): SbdProblem | undefined {
  if (partner.identifier.authority === AUTHORITY) return undefined;
  return { path: formatPath([HEADER_KEY, role, 0, 'identifier', 'authority']), message: `must be "${AUTHORITY}"` };
}

/** Splits `0192:<a>[:<b>]`; undefined when the value does not start with `0192:` or has more parts. */
function splitIso6523(value: string): { orgnr: string; onBehalfOf?: string } | undefined {
  if (!value.startsWith(`${ICD_ORGNR}:`)) return undefined;
  const parts = value.slice(ICD_ORGNR.length + 1).split(':');
  if (parts.length > 2) return undefined;
  const [orgnr = '', onBehalfOf] = parts;
  return onBehalfOf === undefined ? { orgnr } : { orgnr, onBehalfOf };
}

function checkSender(header: SbdHeader, process: ProcessInfo, problems: SbdProblem[]): SenderIdentity | undefined {
  const partner = header.sender[0];
  const authority = authorityProblem(partner, 'sender');
  if (authority !== undefined) problems.push(authority);
  const value = partner.identifier.value;
  const path = SENDER_VALUE_PATH;
  const parsed = splitIso6523(value);
  if (parsed === undefined) {
    const message = NINE_DIGITS.test(value)
      ? 'must be 0192:<organisasjonsnummer>; the ICD prefix "0192:" is missing'
      : ELEVEN_DIGITS.test(value)
        ? 'must be 0192:<organisasjonsnummer>; the sender is always an organisation'
        : 'must be 0192:<organisasjonsnummer> (or 0192:<organisasjonsnummer>:<on-behalf-of organisasjonsnummer> for DPV and DPI)';
    problems.push({ path, message });
    return undefined;
  }
  const before = problems.length;
  const orgnr = orgnrProblem(parsed.orgnr, 'the organisasjonsnummer after "0192:"');
  if (orgnr !== undefined) problems.push({ path, message: orgnr });
  if (parsed.onBehalfOf !== undefined) {
    if (!ON_BEHALF_OF_PROCESSES.has(process.process)) {
      problems.push({
        path,
        message: `sending on behalf of another organisation (0192:<orgnr>:<on-behalf-of orgnr>) is only supported by DPV and DPI (processes ${[...ON_BEHALF_OF_PROCESSES].join(', ')}), not by process ${process.process}`,
      });
    } else {
      const onBehalfOf = orgnrProblem(parsed.onBehalfOf, 'the on-behalf-of organisasjonsnummer (third part)');
      if (onBehalfOf !== undefined) problems.push({ path, message: onBehalfOf });
    }
  }
  if (problems.length > before) return undefined;
  return parsed.onBehalfOf === undefined ? { value, orgnr: parsed.orgnr } : { value, orgnr: parsed.orgnr, onBehalfOf: parsed.onBehalfOf };
}

function checkReceiver(header: SbdHeader, process: ProcessInfo, problems: SbdProblem[]): ReceiverIdentity | undefined {
  const partner = header.receiver[0];
  const authority = authorityProblem(partner, 'receiver');
  if (authority !== undefined) problems.push(authority);
  const value = partner.identifier.value;
  const path = RECEIVER_VALUE_PATH;
  const acceptsPerson = PERSON_RECEIVER_PROCESSES.has(process.process);

  if (value.startsWith(`${ICD_ORGNR}:`)) {
    const parsed = splitIso6523(value);
    if (parsed === undefined || parsed.onBehalfOf !== undefined) {
      problems.push({ path, message: 'must be 0192:<organisasjonsnummer>; a receiver is never on behalf of another organisation' });
      return undefined;
    }
    const orgnr = orgnrProblem(parsed.orgnr, 'the organisasjonsnummer after "0192:"');
    if (orgnr !== undefined) {
      problems.push({ path, message: orgnr });
      return undefined;
    }
    return { value, kind: 'organisation', orgnr: parsed.orgnr };
  }
  if (ELEVEN_DIGITS.test(value)) {
    if (!acceptsPerson) {
      problems.push({
        path,
        message: `a fødselsnummer or D-number (a citizen) can only receive digital post to citizens and DPH (processes ${[...PERSON_RECEIVER_PROCESSES].join(', ')}); process ${process.process} needs 0192:<organisasjonsnummer>`,
      });
      return undefined;
    }
    const person = personProblem(value);
    if (person !== undefined) {
      problems.push({ path, message: person });
      return undefined;
    }
    return { value, kind: 'person', pid: value };
  }
  const message = NINE_DIGITS.test(value)
    ? 'must be 0192:<organisasjonsnummer>; the ICD prefix "0192:" is missing'
    : acceptsPerson
      ? 'must be 0192:<organisasjonsnummer>, or a fødselsnummer/D-number (11 digits, no prefix) for a citizen'
      : 'must be 0192:<organisasjonsnummer>';
  problems.push({ path, message });
  return undefined;
}

/**
 * Checks and parses the sender and the receiver; reports the problems of both at once.
 *
 * @throws AppError `EFORMIDLING_INVALID_IDENTIFIER` naming each problem's path
 */
export function checkIdentifiers(header: SbdHeader, process: ProcessInfo): { sender: SenderIdentity; receiver: ReceiverIdentity } {
  const problems: SbdProblem[] = [];
  const sender = checkSender(header, process, problems);
  const receiver = checkReceiver(header, process, problems);
  if (problems.length > 0 || sender === undefined || receiver === undefined) {
    throw problemsError('EFORMIDLING_INVALID_IDENTIFIER', problems);
  }
  return { sender, receiver };
}
