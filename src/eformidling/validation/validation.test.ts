import { osloDateTime } from '../domain/wire.ts';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { AppError } from '../../platform/errors.ts';
import { createRng, generateFodselsnummer } from '../../platform/identifiers/index.ts';
import {
  KNOWN_PROCESSES,
  findProcess,
  parseOffsetDateTime,
  prototypeSbd,
  validateSbd,
  validationErrors,
  type ValidatedSbd,
} from './index.ts';
import { BUSINESS_MESSAGE_SCHEMAS, SCHEMA_DIR, createSchemaAjv, readSchemaFiles } from './schemas.ts';
import { ON_BEHALF_OF_PROCESSES, PERSON_RECEIVER_PROCESSES } from './processes.ts';

const NOW = new Date('2025-03-01T12:00:00Z');
const DIGDIR = '0192:991825827';
const OTHER = '0192:974760673';
const MESSAGE_ID = 'ff88849c-e281-4809-8555-7cd54952b916';
const CONVERSATION_ID = '2a6b1e1c-4d1f-4c55-9a0e-0d3b8f4c5e21';
const ADMINISTRASJON = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
const ARKIVMELDING = 'urn:no:difi:arkivmelding:xsd::arkivmelding';
const INFO = 'urn:no:difi:profile:digitalpost:info:ver1.0';

const rng = createRng('eformidling-validation');
const PERSON = generateFodselsnummer(rng, { birthDate: '1990-05-17' });
const DNUMBER = generateFodselsnummer(rng, { birthDate: '1985-11-02', type: 'DNR', synthetic: null });
/** PERSON with its last (K2) digit changed: fails only the check digit. */
const BAD_PERSON = PERSON.slice(0, 10) + String((Number(PERSON[10]) + 1) % 10);

type Json = Record<string, any>;

/** A valid arkivmelding SBD (administrasjon), as a sender would post it. */
function arkivmeldingSbd(): Json {
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: DIGDIR } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: OTHER } }],
      documentIdentification: {
        standard: ARKIVMELDING,
        typeVersion: '1.0',
        instanceIdentifier: MESSAGE_ID,
        type: 'arkivmelding',
        creationDateAndTime: '2025-03-01T12:59:00+01:00',
      },
      businessScope: {
        scope: [{
          type: 'ConversationId',
          instanceIdentifier: CONVERSATION_ID,
          identifier: ADMINISTRASJON,
          scopeInformation: [{ expectedResponseDateTime: '2025-03-02T13:00:00+01:00' }],
        }],
      },
    },
    arkivmelding: { sikkerhetsnivaa: '3', hoveddokument: 'arkivmelding.xml' },
  };
}

/** A valid digital SBD to a citizen (digitalpost info). */
function digitalSbd(receiver = PERSON): Json {
  const sbd = prototypeSbd({ process: INFO, standard: 'urn:no:difi:digitalpost:xsd:digital::digital', sender: DIGDIR, receiver, now: NOW });
  Object.assign((sbd as Json).digital, { hoveddokument: 'brev.pdf', tittel: 'Vedtak' });
  return sbd as Json;
}

function header(sbd: Json): Json {
  return sbd.standardBusinessDocumentHeader;
}

/** Runs validateSbd and returns the AppError it throws (fails when it does not throw). */
function rejection(input: unknown, now = NOW): AppError {
  try {
    validateSbd(input, { now });
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  }
  assert.fail('validateSbd accepted the input');
}

function assertRejects(input: unknown, code: keyof typeof validationErrors, message: string | RegExp): AppError {
  const error = rejection(input);
  assert.equal(error.code, code, error.message);
  assert.equal(error.status, 400);
  if (typeof message === 'string') assert.equal(error.message, message);
  else assert.match(error.message, message);
  return error;
}

describe('validateSbd: a valid arkivmelding', () => {
  it('accepts it and returns its parts', () => {
    const input = arkivmeldingSbd();
    const before = JSON.stringify(input);
    const v: ValidatedSbd = validateSbd(input, { now: NOW });
    assert.equal(JSON.stringify(input), before, 'the input is not changed');
    assert.equal(v.messageId, MESSAGE_ID);
    assert.equal(v.conversationId, CONVERSATION_ID);
    assert.equal(v.process, ADMINISTRASJON);
    assert.equal(v.standard, ARKIVMELDING);
    assert.equal(v.type, 'arkivmelding');
    assert.equal(v.typeVersion, '1.0');
    assert.deepEqual(v.sender, { value: DIGDIR, orgnr: '991825827' });
    assert.deepEqual(v.receiver, { value: OTHER, kind: 'organisation', orgnr: '974760673' });
    assert.equal(v.expectedResponseDateTime?.toISOString(), '2025-03-02T12:00:00.000Z');
    assert.equal(v.senderRef, undefined);
    assert.equal(v.receiverRef, undefined);
    assert.deepEqual(v.businessMessage, { sikkerhetsnivaa: '3', hoveddokument: 'arkivmelding.xml' });
    assert.equal(v.businessMessage, (v.sbd as Json).arkivmelding, 'businessMessage is the object inside sbd');
    assert.equal(v.serviceIdentifier, 'DPO');
    assert.deepEqual(v.sbd, input, 'nothing is filled in when everything is given');
    assert.notEqual(v.sbd, input);
  });

  it('fills in creationDateAndTime (now), messageId and conversationId (UUIDs) when missing, like the integration point', () => {
    const input = arkivmeldingSbd();
    delete header(input).documentIdentification.creationDateAndTime;
    delete header(input).documentIdentification.instanceIdentifier;
    header(input).businessScope.scope[0].instanceIdentifier = null;
    const v = validateSbd(input, { now: NOW });
    const identification = header(v.sbd as Json).documentIdentification;
    assert.equal(identification.creationDateAndTime, osloDateTime(NOW.getTime()));
    assert.match(v.messageId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(identification.instanceIdentifier, v.messageId);
    assert.match(v.conversationId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(v.conversationId, v.messageId);
    assert.equal(header(input).documentIdentification.instanceIdentifier, undefined, 'the input stays as it was');
  });

  it('reads the SenderRef and ReceiverRef scopes (UUID or free text)', () => {
    const input = arkivmeldingSbd();
    header(input).businessScope.scope.push({ type: 'SenderRef', identifier: 'sak 2025/17' }, { type: 'ReceiverRef', identifier: CONVERSATION_ID });
    const v = validateSbd(input, { now: NOW });
    assert.equal(v.senderRef, 'sak 2025/17');
    assert.equal(v.receiverRef, CONVERSATION_ID);
  });

  it('accepts a message without expectedResponseDateTime and adds no default', () => {
    const input = arkivmeldingSbd();
    delete header(input).businessScope.scope[0].scopeInformation;
    const v = validateSbd(input, { now: NOW });
    assert.equal(v.expectedResponseDateTime, undefined);
    assert.equal(header(v.sbd as Json).businessScope.scope[0].scopeInformation, undefined);
  });
});

describe('validateSbd: the envelope and the header schema (EFORMIDLING_SBD_INVALID)', () => {
  it('rejects input that is not a JSON object', () => {
    assertRejects([], 'EFORMIDLING_SBD_INVALID', '(root): must be a JSON object (a StandardBusinessDocument)');
    assertRejects('{}', 'EFORMIDLING_SBD_INVALID', '(root): must be a JSON object (a StandardBusinessDocument)');
    assertRejects(null, 'EFORMIDLING_SBD_INVALID', '(root): must be a JSON object (a StandardBusinessDocument)');
  });

  it('rejects values JSON cannot hold', () => {
    const input = arkivmeldingSbd();
    input.arkivmelding.when = new Date();
    assertRejects(input, 'EFORMIDLING_SBD_INVALID', '(root): must be JSON data (found a non-plain object)');
  });

  it('rejects an SBD without header', () => {
    const input = arkivmeldingSbd();
    delete input.standardBusinessDocumentHeader;
    assertRejects(input, 'EFORMIDLING_SBD_INVALID', 'standardBusinessDocumentHeader: is required');
  });

  it('rejects headerVersion other than "1.0"', () => {
    const input = arkivmeldingSbd();
    header(input).headerVersion = '2.0';
    assertRejects(input, 'EFORMIDLING_SBD_INVALID', 'standardBusinessDocumentHeader.headerVersion: must be "1.0"');
  });

  it('rejects two senders and no receiver', () => {
    const input = arkivmeldingSbd();
    header(input).sender.push(header(input).sender[0]);
    header(input).receiver = [];
    const error = assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.sender: must hold exactly one item; standardBusinessDocumentHeader.receiver: must hold exactly one item');
    assert.deepEqual(error.extra?.errors, [
      { path: 'standardBusinessDocumentHeader.sender', message: 'must hold exactly one item' },
      { path: 'standardBusinessDocumentHeader.receiver', message: 'must hold exactly one item' },
    ]);
  });

  it('rejects a messageId that is not a UUID', () => {
    const input = arkivmeldingSbd();
    header(input).documentIdentification.instanceIdentifier = 'melding-1';
    assertRejects(input, 'EFORMIDLING_SBD_INVALID', 'standardBusinessDocumentHeader.documentIdentification.instanceIdentifier: must be a UUID');
  });

  it('rejects a urn:uuid: prefix, which the integration point (Java UUID) does not read', () => {
    const input = arkivmeldingSbd();
    header(input).documentIdentification.instanceIdentifier = `urn:uuid:${MESSAGE_ID}`;
    assertRejects(input, 'EFORMIDLING_SBD_INVALID', 'standardBusinessDocumentHeader.documentIdentification.instanceIdentifier: must be a UUID');
  });

  it('rejects a conversationId that is not a UUID', () => {
    const input = arkivmeldingSbd();
    header(input).businessScope.scope[0].instanceIdentifier = '12345';
    assertRejects(input, 'EFORMIDLING_SBD_INVALID', 'standardBusinessDocumentHeader.businessScope.scope[0].instanceIdentifier: must be a UUID');
  });

  it('rejects a creationDateAndTime without offset', () => {
    const input = arkivmeldingSbd();
    header(input).documentIdentification.creationDateAndTime = '2025-03-01T12:00:00';
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.documentIdentification.creationDateAndTime: must be an RFC 3339 date-time with offset, e.g. 2024-05-01T12:00:00+02:00');
  });

  it('rejects a missing standard and a non-string typeVersion', () => {
    const input = arkivmeldingSbd();
    delete header(input).documentIdentification.standard;
    header(input).documentIdentification.typeVersion = 1;
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.documentIdentification.standard: is required; standardBusinessDocumentHeader.documentIdentification.typeVersion: must be a string');
  });

  it('rejects unknown header properties, suggesting the near name', () => {
    const input = arkivmeldingSbd();
    header(input).documentIdentification.typeVersoin = '1.0';
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.documentIdentification.typeVersoin: unknown property; did you mean "typeVersion"?');
  });

  it('rejects the misspelt "identfier" of Digdir\'s example with a clear hint', () => {
    const input = arkivmeldingSbd();
    header(input).businessScope.scope.push({ type: 'ReceiverRef', identfier: CONVERSATION_ID });
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.businessScope.scope[1].identfier: unknown property; did you mean "identifier"? (Digdir\'s example sbd.json misspells it in the ReceiverRef scope)');
  });

  it('spells out the first three problems and counts the rest', () => {
    const input = arkivmeldingSbd();
    const h = header(input);
    h.documentIdentification.instanceIdentifier = 'a';
    h.documentIdentification.creationDateAndTime = 'b';
    h.businessScope.scope[0].instanceIdentifier = 'c';
    h.sender[0].identifier.extra = 1;
    h.receiver[0].identifier.value = 2;
    const error = rejection(input);
    assert.equal(error.code, 'EFORMIDLING_SBD_INVALID');
    assert.match(error.message, /; and 2 more$/);
    assert.equal((error.extra?.errors as unknown[]).length, 5);
  });
});

describe('validateSbd: scopes (EFORMIDLING_SBD_INVALID)', () => {
  it('rejects an SBD without a ConversationId scope', () => {
    const input = arkivmeldingSbd();
    header(input).businessScope.scope[0].type = 'SenderRef';
    header(input).businessScope.scope[0].identifier = 'x';
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.businessScope.scope: must hold exactly one scope of type "ConversationId" (it carries the process and the conversationId); found none');
  });

  it('rejects a second ConversationId scope', () => {
    const input = arkivmeldingSbd();
    header(input).businessScope.scope.push({ ...header(input).businessScope.scope[0] });
    assertRejects(input, 'EFORMIDLING_SBD_INVALID', 'standardBusinessDocumentHeader.businessScope.scope[1].type: a second "ConversationId" scope; exactly one is allowed');
  });

  it('rejects a ConversationId scope without process', () => {
    const input = arkivmeldingSbd();
    delete header(input).businessScope.scope[0].identifier;
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.businessScope.scope[0].identifier: is required: the process URN, e.g. urn:no:difi:profile:arkivmelding:administrasjon:ver1.0');
  });

  it('rejects a SenderRef scope without identifier and a second ReceiverRef', () => {
    const input = arkivmeldingSbd();
    header(input).businessScope.scope.push({ type: 'SenderRef' }, { type: 'ReceiverRef', identifier: 'a' }, { type: 'ReceiverRef', identifier: 'b' });
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.businessScope.scope[1].identifier: is required in a "SenderRef" scope (the reference); standardBusinessDocumentHeader.businessScope.scope[3].type: a second "ReceiverRef" scope; at most one is allowed');
  });
});

describe('validateSbd: process and document type', () => {
  it('rejects an unknown process with EFORMIDLING_UNKNOWN_PROCESS', () => {
    const input = arkivmeldingSbd();
    header(input).businessScope.scope[0].identifier = 'urn:no:difi:profile:arkivmelding:hemmelig:ver1.0';
    assertRejects(input, 'EFORMIDLING_UNKNOWN_PROCESS',
      'standardBusinessDocumentHeader.businessScope.scope[0].identifier: unknown process "urn:no:difi:profile:arkivmelding:hemmelig:ver1.0"; the capabilities of the receiver list the processes it accepts');
  });

  it('rejects a document type of another process with EFORMIDLING_DOCUMENT_TYPE_NOT_IN_PROCESS', () => {
    const input = arkivmeldingSbd();
    header(input).documentIdentification.standard = 'urn:no:difi:digitalpost:xsd:digital::digital';
    header(input).documentIdentification.type = 'digital';
    assertRejects(input, 'EFORMIDLING_DOCUMENT_TYPE_NOT_IN_PROCESS',
      `standardBusinessDocumentHeader.documentIdentification.standard: document type "urn:no:difi:digitalpost:xsd:digital::digital" is not in process ${ADMINISTRASJON} (its document types: ${ARKIVMELDING})`);
  });

  it('rejects a type that is not the document type\'s business-message name', () => {
    const input = arkivmeldingSbd();
    header(input).documentIdentification.type = 'Arkivmelding';
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      `standardBusinessDocumentHeader.documentIdentification.type: must be "arkivmelding", the business-message name of document type ${ARKIVMELDING}`);
  });

  it('rejects an SBD without the business message under the type key', () => {
    const input = arkivmeldingSbd();
    input.arkivmeldingen = input.arkivmelding;
    delete input.arkivmelding;
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'arkivmelding: is required: the business message named by documentIdentification.type; arkivmeldingen: unknown property; the SBD holds only "standardBusinessDocumentHeader" and the business message "arkivmelding"');
  });

  it('rejects a second business message beside the header', () => {
    const input = arkivmeldingSbd();
    input.digital = {};
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'digital: unknown property; the SBD holds only "standardBusinessDocumentHeader" and the business message "arkivmelding"');
  });
});

describe('validateSbd: sender and receiver (EFORMIDLING_INVALID_IDENTIFIER)', () => {
  it('rejects an authority other than iso6523-actorid-upis', () => {
    const input = arkivmeldingSbd();
    header(input).receiver[0].identifier.authority = 'iso3166-1';
    assertRejects(input, 'EFORMIDLING_INVALID_IDENTIFIER', 'standardBusinessDocumentHeader.receiver[0].identifier.authority: must be "iso6523-actorid-upis"');
  });

  it('rejects a sender organisasjonsnummer failing the MOD11 check digit, naming the rule', () => {
    const input = arkivmeldingSbd();
    header(input).sender[0].identifier.value = '0192:991825828';
    assertRejects(input, 'EFORMIDLING_INVALID_IDENTIFIER',
      'standardBusinessDocumentHeader.sender[0].identifier.value: the organisasjonsnummer after "0192:" is not a valid organisasjonsnummer: check digit (9th digit) does not match (rule check-digit)');
  });

  it('rejects a sender without the 0192 prefix', () => {
    const input = arkivmeldingSbd();
    header(input).sender[0].identifier.value = '991825827';
    assertRejects(input, 'EFORMIDLING_INVALID_IDENTIFIER', 'standardBusinessDocumentHeader.sender[0].identifier.value: must be 0192:<organisasjonsnummer>; the ICD prefix "0192:" is missing');
  });

  it('rejects a person as sender without echoing the number', () => {
    const input = arkivmeldingSbd();
    header(input).sender[0].identifier.value = PERSON;
    const error = assertRejects(input, 'EFORMIDLING_INVALID_IDENTIFIER', 'standardBusinessDocumentHeader.sender[0].identifier.value: must be 0192:<organisasjonsnummer>; the sender is always an organisation');
    assert.ok(!error.message.includes(PERSON));
  });

  it('rejects on-behalf-of outside DPV and DPI', () => {
    const input = arkivmeldingSbd();
    header(input).sender[0].identifier.value = `${DIGDIR}:974760673`;
    assertRejects(input, 'EFORMIDLING_INVALID_IDENTIFIER',
      `standardBusinessDocumentHeader.sender[0].identifier.value: sending on behalf of another organisation (0192:<orgnr>:<on-behalf-of orgnr>) is only supported by DPV and DPI (processes ${[...ON_BEHALF_OF_PROCESSES].join(', ')}), not by process ${ADMINISTRASJON}`);
  });

  it('accepts on-behalf-of in digital post and checks its organisasjonsnummer', () => {
    const ok = digitalSbd();
    header(ok).sender[0].identifier.value = `${DIGDIR}:974760673`;
    assert.deepEqual(validateSbd(ok, { now: NOW }).sender, { value: `${DIGDIR}:974760673`, orgnr: '991825827', onBehalfOf: '974760673' });
    const bad = digitalSbd();
    header(bad).sender[0].identifier.value = `${DIGDIR}:97476067`;
    assertRejects(bad, 'EFORMIDLING_INVALID_IDENTIFIER',
      'standardBusinessDocumentHeader.sender[0].identifier.value: the on-behalf-of organisasjonsnummer (third part) is not a valid organisasjonsnummer: must be 9 digits (got 8) (rule length)');
  });

  it('rejects a receiver on behalf of another organisation', () => {
    const input = arkivmeldingSbd();
    header(input).receiver[0].identifier.value = `${OTHER}:991825827`;
    assertRejects(input, 'EFORMIDLING_INVALID_IDENTIFIER', 'standardBusinessDocumentHeader.receiver[0].identifier.value: must be 0192:<organisasjonsnummer>; a receiver is never on behalf of another organisation');
  });

  it('rejects a citizen receiver outside digital post', () => {
    const input = arkivmeldingSbd();
    header(input).receiver[0].identifier.value = PERSON;
    const error = assertRejects(input, 'EFORMIDLING_INVALID_IDENTIFIER',
      `standardBusinessDocumentHeader.receiver[0].identifier.value: a fødselsnummer or D-number (a citizen) can only receive digital post to citizens and DPH (processes ${[...PERSON_RECEIVER_PROCESSES].join(', ')}); process ${ADMINISTRASJON} needs 0192:<organisasjonsnummer>`);
    assert.ok(!error.message.includes(PERSON));
  });

  it('rejects a fødselsnummer failing the check digit, naming the rule and not the digits', () => {
    const error = assertRejects(digitalSbd(BAD_PERSON), 'EFORMIDLING_INVALID_IDENTIFIER',
      'standardBusinessDocumentHeader.receiver[0].identifier.value: not a valid fødselsnummer or D-number (MOD11 check digit)');
    assert.ok(!JSON.stringify(error.extra).includes(BAD_PERSON));
  });

  it('rejects a receiver that is neither an organisation nor a person', () => {
    assertRejects(digitalSbd('NO:12345'), 'EFORMIDLING_INVALID_IDENTIFIER',
      'standardBusinessDocumentHeader.receiver[0].identifier.value: must be 0192:<organisasjonsnummer>, or a fødselsnummer/D-number (11 digits, no prefix) for a citizen');
  });

  it('reports sender and receiver problems together', () => {
    const input = arkivmeldingSbd();
    header(input).sender[0].identifier.value = '0192:1';
    header(input).receiver[0].identifier.value = '0192:';
    const error = rejection(input);
    assert.equal(error.code, 'EFORMIDLING_INVALID_IDENTIFIER');
    assert.deepEqual((error.extra?.errors as Array<{ path: string }>).map((e) => e.path), [
      'standardBusinessDocumentHeader.sender[0].identifier.value',
      'standardBusinessDocumentHeader.receiver[0].identifier.value',
    ]);
  });

  it('accepts a fødselsnummer and a D-number in digital post to citizens', () => {
    assert.deepEqual(validateSbd(digitalSbd(PERSON), { now: NOW }).receiver, { value: PERSON, kind: 'person', pid: PERSON });
    assert.deepEqual(validateSbd(digitalSbd(DNUMBER), { now: NOW }).receiver, { value: DNUMBER, kind: 'person', pid: DNUMBER });
  });
});

describe('validateSbd: the business message against its schema (EFORMIDLING_SBD_INVALID)', () => {
  it('arkivmelding follows the integration point (docs), not Digdir\'s stricter published schema', () => {
    const docs = arkivmeldingSbd();
    docs.arkivmelding = { sikkerhetsnivaa: 3, hoveddokument: 'brev.pdf', dpv: {}, dpf: { forsendelseType: 'x' } };
    assert.equal(validateSbd(docs, { now: NOW }).type, 'arkivmelding');
    const restDocsExample = arkivmeldingSbd();
    restDocsExample.arkivmelding = { hoveddokument: 'before_the_law.txt' };
    assert.equal(validateSbd(restDocsExample, { now: NOW }).type, 'arkivmelding');
    const bad = arkivmeldingSbd();
    bad.arkivmelding = { sikkerhetsnivaa: 5, vedlegg: 'x' };
    assertRejects(bad, 'EFORMIDLING_SBD_INVALID',
      'arkivmelding.vedlegg: unknown property (allowed: sikkerhetsnivaa, hoveddokument, sensitiv, dpv, dpf); arkivmelding.sikkerhetsnivaa: must be one of 3, 4, "3", "4"');
  });

  it('digital: dates, enumerations and unknown fields', () => {
    const input = digitalSbd();
    input.digital.digitalPostInfo.virkningsdato = '01.03.2025';
    input.digital.sikkerhetsnivaa = 2;
    assertRejects(input, 'EFORMIDLING_SBD_INVALID', 'digital.sikkerhetsnivaa: must be one of 3, 4, "3", "4"; digital.digitalPostInfo.virkningsdato: must be a date, YYYY-MM-DD');
    const texts = digitalSbd();
    texts.digital.digitalPostInfo.aapningskvittering = 'false';
    texts.digital.sikkerhetsnivaa = '4';
    texts.digital.varsler = { epostTekst: 'Du har post', smsTekst: 'Du har post' };
    texts.digital.metadataFiler = { 'brev.pdf': 'brev-lenke.json' };
    assert.equal(validateSbd(texts, { now: NOW }).serviceIdentifier, 'DPI');
  });

  it('print: the old name postHaandtering gets a hint to returhaandtering', () => {
    const sbd = prototypeSbd({ process: INFO, standard: 'urn:no:difi:digitalpost:xsd:fysisk::print', sender: DIGDIR, receiver: PERSON }) as Json;
    sbd.print.retur = { postHaandtering: 'DIREKTE_RETUR' };
    assertRejects(sbd, 'EFORMIDLING_SBD_INVALID',
      'print.retur.postHaandtering: unknown property; did you mean "returhaandtering"? (postHaandtering is the name in older integration points)');
  });

  it('digital_dpv is reported as DPV', () => {
    const sbd = prototypeSbd({ process: INFO, standard: 'urn:no:difi:digitalpost:xsd:digital::digital_dpv', sender: DIGDIR, receiver: OTHER });
    assert.equal(validateSbd(sbd, { now: NOW }).serviceIdentifier, 'DPV');
    (sbd as Json).digital_dpv.dpv = { dagerTilSvarfrist: -1 };
    assertRejects(sbd, 'EFORMIDLING_SBD_INVALID', 'digital_dpv.dpv.dagerTilSvarfrist: must be >= 0');
  });

  it('innsynskrav follows Digdir\'s innsynskrav schema (registered under its own $id, epost as e-mail)', () => {
    const sbd = prototypeSbd({ process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0', standard: 'urn:no:difi:einnsyn:xsd::innsynskrav', sender: DIGDIR, receiver: OTHER }) as Json;
    const innsynskrav: Json = sbd.innsynskrav;
    assert.deepEqual({ ...innsynskrav }, { orgnr: '974760673' });
    innsynskrav.epost = 'ola.nordmann@example.no';
    assert.equal(validateSbd(sbd, { now: NOW }).serviceIdentifier, 'DPE');
    innsynskrav.epost = 'ola.nordmann';
    assertRejects(sbd, 'EFORMIDLING_SBD_INVALID', 'innsynskrav.epost: must be an e-mail address');
  });

  it('publisering: orgnr of nine digits', () => {
    const sbd = prototypeSbd({ process: 'urn:no:difi:profile:einnsyn:journalpost:ver1.0', standard: 'urn:no:difi:einnsyn:xsd::publisering', sender: DIGDIR, receiver: OTHER }) as Json;
    sbd.publisering.orgnr = '99182582';
    assertRejects(sbd, 'EFORMIDLING_SBD_INVALID', 'publisering.orgnr: must match the pattern ^([0-9]{9})$');
  });

  it('avtalt needs identifier and content', () => {
    const sbd = prototypeSbd({ process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0', standard: 'urn:no:difi:avtalt:xsd::avtalt', sender: DIGDIR, receiver: OTHER }) as Json;
    sbd.avtalt = { identifier: 'min-avtale' };
    assertRejects(sbd, 'EFORMIDLING_SBD_INVALID', 'avtalt.content: is required');
  });

  it('arkivmelding_kvittering: receiptType from Digdir\'s list', () => {
    const sbd = prototypeSbd({ process: 'urn:no:difi:profile:arkivmelding:response:ver1.0', standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering', sender: DIGDIR, receiver: OTHER }) as Json;
    sbd.arkivmelding_kvittering = { receiptType: 'OK', relatedToMessageId: MESSAGE_ID, messages: [{ code: 'ok', text: 'Arkivert' }] };
    assert.equal(validateSbd(sbd, { now: NOW }).type, 'arkivmelding_kvittering');
    sbd.arkivmelding_kvittering.receiptType = 'FINE';
    assertRejects(sbd, 'EFORMIDLING_SBD_INVALID', 'arkivmelding_kvittering.receiptType: must be one of "OK", "NOTSUPPORTED", "WARNING", "ERROR"');
  });

  it('quotes keys that are not plain names in paths', () => {
    const sbd = digitalSbd();
    sbd.digital.metadataFiler = { 'brev.pdf': 7 };
    assertRejects(sbd, 'EFORMIDLING_SBD_INVALID', 'digital.metadataFiler["brev.pdf"]: must be a string');
  });
});

describe('validateSbd: expectedResponseDateTime', () => {
  it('rejects a deadline that has passed', () => {
    const input = arkivmeldingSbd();
    header(input).businessScope.scope[0].scopeInformation[0].expectedResponseDateTime = '2025-03-01T12:59:59+01:00';
    assertRejects(input, 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.businessScope.scope[0].scopeInformation[0].expectedResponseDateTime: must be in the future (the message\'s time-to-live); it is 2025-03-01T11:59:59.000Z, now is 2025-03-01T12:00:00.000Z');
  });

  it('rejects a deadline equal to now', () => {
    const input = arkivmeldingSbd();
    header(input).businessScope.scope[0].scopeInformation[0].expectedResponseDateTime = '2025-03-01T12:00:00Z';
    assert.equal(rejection(input).code, 'EFORMIDLING_SBD_INVALID');
  });

  it('rejects a deadline without offset or with an impossible date', () => {
    for (const text of ['2025-03-02T13:00:00', '2025-02-30T13:00:00Z', '2025-03-02 13:00:00+01:00', 'i morgen']) {
      const input = arkivmeldingSbd();
      header(input).businessScope.scope[0].scopeInformation[0].expectedResponseDateTime = text;
      assertRejects(input, 'EFORMIDLING_SBD_INVALID',
        'standardBusinessDocumentHeader.businessScope.scope[0].scopeInformation[0].expectedResponseDateTime: must be an ISO 8601 date-time with offset, e.g. 2024-05-01T12:00:00+02:00');
    }
  });

  it('parses the ISO 8601 forms Java\'s OffsetDateTime reads', () => {
    assert.equal(parseOffsetDateTime('2019-07-02T15:05:04.7960494+02:00')?.toISOString(), '2019-07-02T13:05:04.796Z');
    assert.equal(parseOffsetDateTime('2025-03-02T13:00+01:00')?.toISOString(), '2025-03-02T12:00:00.000Z');
    assert.equal(parseOffsetDateTime('2024-02-29T23:30:00-05:30')?.toISOString(), '2024-03-01T05:00:00.000Z');
    assert.equal(parseOffsetDateTime('0099-01-01T00:00:00Z')?.getUTCFullYear(), 99);
    for (const bad of ['2025-13-01T00:00:00Z', '2025-01-01T24:00:00Z', '2025-01-01T00:00:60Z', '2025-01-01T00:00:00+19:00', '2025-01-01T00:00:00+0100', '2025-01-01']) {
      assert.equal(parseOffsetDateTime(bad), undefined, bad);
    }
  });
});

describe('KNOWN_PROCESSES and findProcess', () => {
  it('lists the twenty processes of spec §1.2, each once', () => {
    assert.equal(KNOWN_PROCESSES.length, 20);
    assert.equal(new Set(KNOWN_PROCESSES.map((p) => p.process)).size, 20);
    assert.equal(KNOWN_PROCESSES.filter((p) => /:arkivmelding:(?!response)/.test(p.process)).length, 10);
    assert.deepEqual(findProcess('urn:no:difi:profile:arkivmelding:response:ver1.0')?.documentTypes.map((d) => d.type), ['arkivmelding_kvittering', 'status', 'feil']);
    assert.deepEqual(findProcess('urn:no:difi:profile:einnsyn:response:ver1.0')?.documentTypes.map((d) => d.type), ['einnsyn_kvittering', 'status', 'feil']);
    assert.equal(findProcess('urn:no:difi:profile:digitalpost:vedtak:ver1.0')?.serviceIdentifier, 'DPI');
    assert.equal(findProcess('urn:no:difi:profile:digitalpost:fastlege:ver1.0')?.serviceIdentifier, 'DPH');
    assert.equal(findProcess('URN:NO:DIFI:PROFILE:AVTALT:AVTALT:VER1.0'), undefined);
  });

  it('gives every document type a business-message name that ends its standard URN, and a schema', () => {
    for (const p of KNOWN_PROCESSES) {
      for (const d of p.documentTypes) {
        assert.ok(d.standard.endsWith(`::${d.type}`), d.standard);
        assert.ok(BUSINESS_MESSAGE_SCHEMAS[d.type] !== undefined, `schema for ${d.type}`);
      }
    }
  });

  it('is frozen', () => {
    assert.throws(() => (KNOWN_PROCESSES as ProcessInfoArray).push(KNOWN_PROCESSES[0]!));
    assert.throws(() => { (KNOWN_PROCESSES[0] as { process: string }).process = 'x'; });
  });
});

type ProcessInfoArray = Array<(typeof KNOWN_PROCESSES)[number]>;

describe('prototypeSbd', () => {
  it('gives every capability a prototype that validates once sender and receiver are filled in', () => {
    let count = 0;
    for (const p of KNOWN_PROCESSES) {
      for (const d of p.documentTypes) {
        const receivers = PERSON_RECEIVER_PROCESSES.has(p.process) ? [OTHER, PERSON] : [OTHER];
        for (const receiver of receivers) {
          const sbd = prototypeSbd({ process: p.process, standard: d.standard, sender: DIGDIR, receiver, now: NOW });
          const v = validateSbd(sbd, { now: NOW });
          assert.equal(v.process, p.process);
          assert.equal(v.standard, d.standard);
          assert.equal(v.type, d.type);
          count++;
        }
      }
    }
    // 28 capabilities (process × document type); the 7 of the citizen processes twice.
    assert.equal(count, 35);
  });

  it('leaves sender and receiver empty when not given, which validation then names', () => {
    const sbd = prototypeSbd({ process: ADMINISTRASJON, standard: ARKIVMELDING });
    const error = rejection(sbd);
    assert.equal(error.code, 'EFORMIDLING_INVALID_IDENTIFIER');
    assert.equal((error.extra?.errors as unknown[]).length, 2);
  });

  it('fills the header from the capability and generates no ids', () => {
    const sbd = prototypeSbd({ process: INFO, standard: 'urn:no:difi:digitalpost:xsd:digital::digital', sender: DIGDIR, receiver: PERSON, now: new Date('2025-03-01T23:30:00Z') }) as Json;
    assert.deepEqual(sbd, {
      standardBusinessDocumentHeader: {
        headerVersion: '1.0',
        sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: DIGDIR } }],
        receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: PERSON } }],
        documentIdentification: { standard: 'urn:no:difi:digitalpost:xsd:digital::digital', typeVersion: '1.0', type: 'digital' },
        businessScope: { scope: [{ type: 'ConversationId', identifier: INFO }] },
      },
      digital: {
        sikkerhetsnivaa: 4,
        hoveddokument: '',
        tittel: 'Tittel',
        spraak: 'NO',
        digitalPostInfo: { virkningsdato: '2025-03-02', aapningskvittering: false },
      },
    });
  });

  it('rejects an unknown process and a document type outside the process', () => {
    assert.throws(() => prototypeSbd({ process: 'urn:x', standard: ARKIVMELDING }), { code: 'EFORMIDLING_UNKNOWN_PROCESS', status: 400 });
    assert.throws(() => prototypeSbd({ process: INFO, standard: ARKIVMELDING }), { code: 'EFORMIDLING_DOCUMENT_TYPE_NOT_IN_PROCESS', status: 400 });
  });
});

describe("Digdir's example sbd.json (testdata/digdir-sbd.json)", () => {
  const FUTURE = '2025-03-02T12:00:00+01:00';
  const SENDER_REF = '8d1c3f5e-7a2b-4c9d-8e6f-1a2b3c4d5e6f';
  const RECEIVER_REF = '9e2d4a6f-8b3c-4dae-9f70-2b3c4d5e6f70';

  /** The example with its placeholders substituted (as text, so the keys are substituted too). */
  function example(): Json {
    let text = readFileSync(join(import.meta.dirname, 'testdata', 'digdir-sbd.json'), 'utf8');
    const values: Record<string, string> = {
      '<avsenderidentifikator>': DIGDIR,
      '<mottakeridentifikator>': OTHER,
      '<dokumenttype>': ARKIVMELDING,
      '<meldingsidentifikator>': MESSAGE_ID,
      '<forretningsmeldingnavn>': 'arkivmelding',
      '<konversasjonsIdentifikator>': CONVERSATION_ID,
      '<prosessidentifikator>': ADMINISTRASJON,
      '<leveringsfrist>': FUTURE,
    };
    for (const [placeholder, value] of Object.entries(values)) text = text.replaceAll(placeholder, value);
    text = text.replace('<UUID>', SENDER_REF).replace('<UUID>', RECEIVER_REF);
    assert.doesNotMatch(text, /<[a-zA-Z]+>/, 'every placeholder is substituted');
    const sbd = JSON.parse(text) as Json;
    assert.deepEqual(sbd.arkivmelding, {}, 'the example leaves the business message empty');
    sbd.arkivmelding = { sikkerhetsnivaa: '3', hoveddokument: 'arkivmelding.xml' };
    return sbd;
  }

  it('is rejected as published, naming the misspelt "identfier" of its ReceiverRef scope', () => {
    assertRejects(example(), 'EFORMIDLING_SBD_INVALID',
      'standardBusinessDocumentHeader.businessScope.scope[2].identfier: unknown property; did you mean "identifier"? (Digdir\'s example sbd.json misspells it in the ReceiverRef scope)');
  });

  it('validates once the misspelling is corrected, with creationDateAndTime filled in', () => {
    const sbd = example();
    const scope = header(sbd).businessScope.scope[2];
    scope.identifier = scope.identfier;
    delete scope.identfier;
    const v = validateSbd(sbd, { now: NOW });
    assert.equal(v.messageId, MESSAGE_ID);
    assert.equal(v.conversationId, CONVERSATION_ID);
    assert.equal(v.senderRef, SENDER_REF);
    assert.equal(v.receiverRef, RECEIVER_REF);
    assert.equal(v.expectedResponseDateTime?.toISOString(), '2025-03-02T11:00:00.000Z');
    assert.equal(header(v.sbd as Json).documentIdentification.creationDateAndTime, osloDateTime(NOW.getTime()));
  });

  it('needs a valid business message', () => {
    const sbd = example();
    const scope = header(sbd).businessScope.scope[2];
    scope.identifier = scope.identfier;
    delete scope.identfier;
    sbd.arkivmelding = { sikkerhetsnivaa: '6' };
    assertRejects(sbd, 'EFORMIDLING_SBD_INVALID', 'arkivmelding.sikkerhetsnivaa: must be one of 3, 4, "3", "4"');
  });
});

describe('the schema files', () => {
  it('loads every non-empty file, with the innsynskrav schema under its own $id', () => {
    const files = readSchemaFiles();
    const ids = files.map((f) => f.id);
    assert.equal(new Set(ids).size, ids.length, 'no two schemas share an $id');
    assert.ok(ids.includes('https://docs.digdir.no/schemas/eformidling/eformidling_einnsyn_innsynskrav.schema.json'));
    assert.ok(ids.includes('https://docs.digdir.no/schemas/eformidling/eformidling_einnsyn_publisering.schema.json'));
    for (const folder of ['common', 'eformidling', 'dpi', 'grunnmur']) {
      for (const name of readdirSync(join(SCHEMA_DIR, folder))) {
        assert.ok(files.some((f) => f.path === `${folder}/${name}`), `${folder}/${name} is loaded`);
      }
    }
  });

  it('compiles every schema, Digdir\'s included', () => {
    const ajv = createSchemaAjv();
    for (const file of readSchemaFiles()) assert.equal(typeof ajv.getSchema(file.id), 'function', file.path);
  });

  it("keeps Grunnmur's drafts valid in Ajv's full strict mode", () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    ajv.addFormat('date', true).addFormat('date-time', true).addFormat('uuid', true);
    for (const file of readSchemaFiles()) {
      if (file.path.startsWith('common/')) ajv.addSchema(file.schema);
    }
    for (const file of readSchemaFiles()) {
      if (file.path.startsWith('grunnmur/')) assert.equal(typeof ajv.compile(file.schema), 'function', file.path);
    }
  });

  it('names every file in SOURCE.md', () => {
    const source = readFileSync(join(SCHEMA_DIR, 'SOURCE.md'), 'utf8');
    for (const file of readSchemaFiles()) assert.ok(source.includes(file.path), `${file.path} in SOURCE.md`);
    assert.match(source, /Apache License, Version 2\.0/);
  });
});

describe('the error catalogue', () => {
  it('answers 400 for every caller error and 500 for broken schema files', () => {
    for (const [code, info] of Object.entries(validationErrors)) {
      assert.match(code, /^EFORMIDLING_[A-Z_]+$/);
      assert.equal(info.status, code === 'EFORMIDLING_SCHEMAS_UNAVAILABLE' ? 500 : 400, code);
    }
  });
});
