/**
 * Rule: the forretningsmelding's payload is a DPI business message a sender may send, valid in
 * every part:
 * 1. `documentIdentification.type` is `digital` or `utskrift` (else `DIGITALPOST_MESSAGE_TYPE_UNSUPPORTED`);
 * 2. no string anywhere in the document holds a control character (C0, DEL, C1) or an unpaired
 *    surrogate; `varslingstekst` may hold tab, LF and CR LF (`check-control-characters.ts`;
 *    `DIGITALPOST_SBD_INVALID`, every string named by its path). Checked first, so a broken
 *    address line is refused for its characters, not for its form;
 * 3. for `utskrift`, `mottaker` and `retur` pass the print address rules (`checkPostadresse`,
 *    `checkRetur`: Digdir's schema and the integration point's rule; `DIGITALPOST_ADDRESS_INVALID`);
 * 4. the whole document validates against Digdir's JSON schema of its type (`DIGITALPOST_SBD_INVALID`,
 *    every problem listed);
 * 5. `digital`: the `ikkesensitivtittel` is not blank (only white space passes the schema's
 *    `minLength: 1` but shows as no title; `DIGITALPOST_SBD_INVALID`);
 * 6. the header agrees with the type (`DIGITALPOST_SBD_INVALID`): `documentIdentification.standard`
 *    is `urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:<type>::1.0`,
 *    one `ConversationId` scope with identifier
 *    `urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:<type>:ver1.0` and a UUID, sender
 *    and receiver are `0192:<valid organisasjonsnummer>`, and the header's sender is the
 *    `avsender.virksomhetsidentifikator` (a sender on behalf of another organisation is not
 *    supported: see README, "Decisions").
 *
 * @see Digdir's schemas `innbyggerpost_dpi_digital_1_0`, `innbyggerpost_dpi_utskrift_1_0`; spec
 *   `krr-dpi-esign.md` §2 step 4
 */
import { validateOrganisasjonsnummer } from '../../../platform/identifiers/index.ts';
import { digitalpostError } from '../../errors.ts';
import { checkPostadresse, checkRetur } from '../../print/index.ts';
import { dpiProcess, dpiSchemaProblems, dpiStandard, type DpiSchemaProblem } from '../dpi-schemas.ts';
import { controlCharacterProblems } from './check-control-characters.ts';

/** The message types a sender sends. */
export type DpiMessageType = 'digital' | 'utskrift';

/** A checked business message, with what corner 2 and the providers read from it. */
export interface ParsedDpiMessage {
  type: DpiMessageType;
  /** `documentIdentification.instanceIdentifier`, lower case. */
  messageId: string;
  /** The `ConversationId` scope's `instanceIdentifier`, lower case. */
  conversationId: string;
  /** Orgnr of the header's sender = `avsender.virksomhetsidentifikator`. */
  senderOrgnr: string;
  /** Orgnr of the header's receiver (the provider). */
  receiverOrgnr: string;
  /** `avsender.avsenderidentifikator`; null when absent or empty. */
  avsenderidentifikator: string | null;
  maskinportentoken: string;
  dokumentpakkefingeravtrykk: { digestMethod: string; digestValue: string };
  /** The business message (`digital` or `utskrift` object), schema-valid. */
  body: Record<string, any>;
}

const SBD = 'standardBusinessDocument';
const HEADER = `${SBD}.standardBusinessDocumentHeader`;

function invalid(problems: DpiSchemaProblem[]): never {
  throw digitalpostError('DIGITALPOST_SBD_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { extra: { errors: problems } });
}

/** The orgnr of `0192:<orgnr>`, or a problem. */
function orgnrOf(value: unknown, path: string): string | DpiSchemaProblem {
  const m = typeof value === 'string' ? /^0192:(.*)$/.exec(value) : null;
  if (!m) return { path, message: 'must be 0192:<organisasjonsnummer>' };
  const result = validateOrganisasjonsnummer(m[1]!);
  if (!result.valid) return { path, message: `${JSON.stringify(m[1]!.slice(0, 20))} is not a valid organisasjonsnummer (${result.problems.map((p) => p.message).join('; ')})` };
  return m[1]!;
}

/**
 * Checks the payload of a forretningsmelding (the JWS payload, already parsed).
 *
 * @throws AppError `DIGITALPOST_MESSAGE_TYPE_UNSUPPORTED`, `DIGITALPOST_ADDRESS_INVALID`,
 *   `DIGITALPOST_SBD_INVALID` (400; `extra.errors` lists `{path, message}`; a control character
 *   names the string's path, e.g. `standardBusinessDocument.digital.ikkesensitivtittel`)
 */
export function checkSbd(payload: unknown): ParsedDpiMessage {
  const sbd = (payload as any)?.[SBD];
  const header = sbd?.standardBusinessDocumentHeader;
  const type: unknown = header?.documentIdentification?.type;
  if (typeof type !== 'string') invalid([{ path: `${HEADER}.documentIdentification.type`, message: 'is required (digital or utskrift)' }]);
  if (type !== 'digital' && type !== 'utskrift') {
    throw digitalpostError('DIGITALPOST_MESSAGE_TYPE_UNSUPPORTED', `documentIdentification.type ${JSON.stringify(type.slice(0, 50))} is not a message a sender sends; expected digital or utskrift`);
  }
  const controlProblems = controlCharacterProblems(sbd, SBD);
  if (controlProblems.length > 0) invalid(controlProblems);
  if (type === 'utskrift' && sbd?.utskrift !== null && typeof sbd?.utskrift === 'object') {
    const body = sbd.utskrift;
    const problems = [
      ...(body.mottaker === undefined ? [] : checkPostadresse(body.mottaker, `${SBD}.utskrift.mottaker`)),
      ...(body.retur === undefined ? [] : checkRetur(body.retur, `${SBD}.utskrift.retur`)),
    ];
    if (problems.length > 0) throw digitalpostError('DIGITALPOST_ADDRESS_INVALID', problems.join('; '), { extra: { errors: problems.map((message) => ({ path: message.split(' ', 1)[0], message })) } });
  }
  const schemaProblems = dpiSchemaProblems(type, payload);
  if (schemaProblems.length > 0) invalid(schemaProblems);

  const problems: DpiSchemaProblem[] = [];
  if (type === 'digital' && String(sbd.digital.ikkesensitivtittel).trim() === '') {
    problems.push({ path: `${SBD}.digital.ikkesensitivtittel`, message: 'must not be blank (only white space)' });
  }
  const id = header.documentIdentification;
  if (id.standard !== dpiStandard(type)) problems.push({ path: `${HEADER}.documentIdentification.standard`, message: `must be ${dpiStandard(type)} for type ${type}` });
  const conversations = (header.businessScope.scope as Array<Record<string, any>>).filter((s) => s.type === 'ConversationId');
  if (conversations.length !== 1) problems.push({ path: `${HEADER}.businessScope.scope`, message: 'must hold exactly one scope of type ConversationId' });
  const conversation = conversations[0];
  if (conversation) {
    const index = header.businessScope.scope.indexOf(conversation);
    if (conversation.identifier !== dpiProcess(type)) problems.push({ path: `${HEADER}.businessScope.scope[${index}].identifier`, message: `must be ${dpiProcess(type)} for type ${type}` });
    if (typeof conversation.instanceIdentifier !== 'string') problems.push({ path: `${HEADER}.businessScope.scope[${index}].instanceIdentifier`, message: 'is required (the conversation id, a UUID)' });
  }
  const sender = orgnrOf(header.sender[0].identifier.value, `${HEADER}.sender[0].identifier.value`);
  const receiver = orgnrOf(header.receiver[0].identifier.value, `${HEADER}.receiver[0].identifier.value`);
  const body = sbd[type] as Record<string, any>;
  const avsender = orgnrOf(body.avsender.virksomhetsidentifikator.value, `${SBD}.${type}.avsender.virksomhetsidentifikator.value`);
  for (const r of [sender, receiver, avsender]) if (typeof r !== 'string') problems.push(r);
  if (typeof sender === 'string' && typeof avsender === 'string' && sender !== avsender) {
    problems.push({ path: `${HEADER}.sender[0].identifier.value`, message: `must be the avsender 0192:${avsender} (sending on behalf of another organisation is not supported)` });
  }
  for (const [path, value] of [
    [`${HEADER}.sender[0].identifier.authority`, header.sender[0].identifier.authority],
    [`${HEADER}.receiver[0].identifier.authority`, header.receiver[0].identifier.authority],
  ] as const) {
    if (value !== 'iso6523-actorid-upis') problems.push({ path, message: 'must be iso6523-actorid-upis' });
  }
  if (problems.length > 0) invalid(problems);

  return {
    type,
    messageId: String(id.instanceIdentifier).toLowerCase(),
    conversationId: String(conversation!.instanceIdentifier).toLowerCase(),
    senderOrgnr: sender as string,
    receiverOrgnr: receiver as string,
    // An empty one (the schema allows it) is none: receipts then name no motakeridentifikator.
    avsenderidentifikator: typeof body.avsender.avsenderidentifikator === 'string' && body.avsender.avsenderidentifikator !== '' ? body.avsender.avsenderidentifikator : null,
    maskinportentoken: body.maskinportentoken,
    dokumentpakkefingeravtrykk: body.dokumentpakkefingeravtrykk,
    body,
  };
}
