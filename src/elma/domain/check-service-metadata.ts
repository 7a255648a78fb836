/**
 * Checks a write of a participant's service metadata (`PUT /elma/api/v1/participants/{orgnr}`)
 * and normalises it: default schemes filled in, scheme names lower-cased, dates in UTC.
 *
 * The JSON schema of the route has already checked the shape (required fields, types, list
 * lengths); this checks what a schema cannot: identifier rules (PFUOI), one entry per document
 * type / process / transport profile, absolute http(s) URLs, RFC 3339 dates in order, and that
 * the certificate is an X.509 certificate. The first problem found is thrown, naming the field
 * by its path (`documents[0].processes[1].endpoints[0].endpointUrl`).
 *
 * @see http://docs.oasis-open.org/bdxr/bdx-smp/v1.0/bdx-smp-v1.0.html §3.6 (EndpointType)
 * @see specs/eformidling-elma-einnsyn.md §2 (one endpoint per transport profile)
 */
import { x509 } from '../../platform/pki/x509.ts';
import { elmaError } from '../errors.ts';
import type { ElmaDocument, ElmaEndpoint, ElmaEndpointInput, PutParticipantRequest } from '../wire-types.ts';
import {
  DOCUMENT_SCHEME,
  identifierValueProblem,
  MAX_DOCUMENT_VALUE_LENGTH,
  MAX_PROCESS_VALUE_LENGTH,
  PROCESS_SCHEME,
} from './identifiers.ts';

/** Longest transport profile identifier, in characters. */
export const MAX_TRANSPORT_PROFILE_LENGTH = 100;
/** Longest URL, in characters. */
export const MAX_URL_LENGTH = 2000;
/** Longest `serviceDescription`, in characters. */
export const MAX_DESCRIPTION_LENGTH = 500;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** C0 controls other than tab, CR and LF, and DEL..C1: not carried by XML 1.0 (or not sensibly). */
const BAD_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/;

/**
 * Checks and normalises a write.
 *
 * @returns the documents as they will be stored and answered
 * @throws AppError `ELMA_INVALID_DOCUMENT_IDENTIFIER`, `ELMA_INVALID_PROCESS_IDENTIFIER`,
 *   `ELMA_DUPLICATE_IDENTIFIER`, `ELMA_INVALID_TRANSPORT_PROFILE`, `ELMA_INVALID_URL`,
 *   `ELMA_INVALID_DATE`, `ELMA_INVALID_SERVICE_PERIOD`, `ELMA_INVALID_CERTIFICATE`,
 *   `ELMA_INVALID_TEXT` (all 400)
 */
export function checkServiceMetadata(request: PutParticipantRequest): ElmaDocument[] {
  const seenDocuments = new Set<string>();
  return request.documents.map((document, d) => {
    const at = `documents[${d}].documentIdentifier`;
    const scheme = (document.documentIdentifier.scheme ?? DOCUMENT_SCHEME).toLowerCase();
    if (scheme !== DOCUMENT_SCHEME) {
      throw elmaError('ELMA_INVALID_DOCUMENT_IDENTIFIER', `${at}.scheme must be ${DOCUMENT_SCHEME} (the only document scheme ELMA registers)`);
    }
    const valueProblem = identifierValueProblem(document.documentIdentifier.value, MAX_DOCUMENT_VALUE_LENGTH);
    if (valueProblem) throw elmaError('ELMA_INVALID_DOCUMENT_IDENTIFIER', `${at}.value ${valueProblem}`);
    if (seenDocuments.has(document.documentIdentifier.value)) {
      throw elmaError('ELMA_DUPLICATE_IDENTIFIER', `${at}.value ${document.documentIdentifier.value} is registered twice; give each document type once`);
    }
    seenDocuments.add(document.documentIdentifier.value);

    const seenProcesses = new Set<string>();
    const processes = document.processes.map((process, p) => {
      const pat = `documents[${d}].processes[${p}].processIdentifier`;
      const processScheme = (process.processIdentifier.scheme ?? PROCESS_SCHEME).toLowerCase();
      if (processScheme !== PROCESS_SCHEME) {
        throw elmaError('ELMA_INVALID_PROCESS_IDENTIFIER', `${pat}.scheme must be ${PROCESS_SCHEME} (the only process scheme ELMA registers)`);
      }
      const problem = identifierValueProblem(process.processIdentifier.value, MAX_PROCESS_VALUE_LENGTH);
      if (problem) throw elmaError('ELMA_INVALID_PROCESS_IDENTIFIER', `${pat}.value ${problem}`);
      if (seenProcesses.has(process.processIdentifier.value)) {
        throw elmaError('ELMA_DUPLICATE_IDENTIFIER', `${pat}.value ${process.processIdentifier.value} appears twice under this document type; give each process once`);
      }
      seenProcesses.add(process.processIdentifier.value);

      const seenProfiles = new Set<string>();
      const endpoints = process.endpoints.map((endpoint, e) => {
        const checked = checkEndpoint(endpoint, `documents[${d}].processes[${p}].endpoints[${e}]`);
        if (seenProfiles.has(checked.transportProfile)) {
          throw elmaError(
            'ELMA_DUPLICATE_IDENTIFIER',
            `documents[${d}].processes[${p}].endpoints[${e}].transportProfile ${checked.transportProfile} appears twice under this process; give one endpoint per transport profile`,
          );
        }
        seenProfiles.add(checked.transportProfile);
        return checked;
      });
      return { processIdentifier: { scheme: PROCESS_SCHEME, value: process.processIdentifier.value }, endpoints };
    });
    return { documentIdentifier: { scheme: DOCUMENT_SCHEME, value: document.documentIdentifier.value }, processes };
  });
}

function checkEndpoint(endpoint: ElmaEndpointInput, at: string): ElmaEndpoint {
  const profileProblem = identifierValueProblem(endpoint.transportProfile, MAX_TRANSPORT_PROFILE_LENGTH);
  if (profileProblem) throw elmaError('ELMA_INVALID_TRANSPORT_PROFILE', `${at}.transportProfile ${profileProblem}`);
  checkUrl(endpoint.endpointUrl, `${at}.endpointUrl`);
  checkUrl(endpoint.technicalContactUrl, `${at}.technicalContactUrl`);
  const activation = endpoint.serviceActivationDate === undefined ? undefined : checkDate(endpoint.serviceActivationDate, `${at}.serviceActivationDate`);
  const expiration = endpoint.serviceExpirationDate === undefined ? undefined : checkDate(endpoint.serviceExpirationDate, `${at}.serviceExpirationDate`);
  if (activation !== undefined && expiration !== undefined && expiration <= activation) {
    throw elmaError('ELMA_INVALID_SERVICE_PERIOD', `${at}.serviceExpirationDate must be after serviceActivationDate`);
  }
  if (endpoint.serviceDescription.trim().length === 0 || endpoint.serviceDescription.length > MAX_DESCRIPTION_LENGTH || BAD_TEXT.test(endpoint.serviceDescription)) {
    throw elmaError('ELMA_INVALID_TEXT', `${at}.serviceDescription must be 1 to ${MAX_DESCRIPTION_LENGTH} characters of text without control characters`);
  }
  checkCertificate(endpoint.certificate, `${at}.certificate`);
  return {
    transportProfile: endpoint.transportProfile,
    endpointUrl: endpoint.endpointUrl,
    certificate: endpoint.certificate,
    ...(activation === undefined ? {} : { serviceActivationDate: new Date(activation).toISOString() }),
    ...(expiration === undefined ? {} : { serviceExpirationDate: new Date(expiration).toISOString() }),
    requireBusinessLevelSignature: endpoint.requireBusinessLevelSignature ?? false,
    serviceDescription: endpoint.serviceDescription,
    technicalContactUrl: endpoint.technicalContactUrl,
  };
}

function checkUrl(value: string, at: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || value.length > MAX_URL_LENGTH || /\s/.test(value) || url.username !== '' || url.password !== '') {
    throw elmaError('ELMA_INVALID_URL', `${at} must be an absolute http or https URL without credentials, at most ${MAX_URL_LENGTH} characters`);
  }
}

/** @returns epoch ms */
function checkDate(value: string, at: string): number {
  const m = RFC3339.exec(value);
  const ms = m ? Date.parse(value) : Number.NaN;
  if (!m || Number.isNaN(ms) || !dayExists(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) {
    throw elmaError('ELMA_INVALID_DATE', `${at} must be an RFC 3339 date-time with offset, e.g. 2025-01-01T00:00:00Z`);
  }
  return ms;
}

function dayExists(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkCertificate(value: string, at: string): void {
  if (value.length === 0 || !BASE64.test(value)) {
    throw elmaError('ELMA_INVALID_CERTIFICATE', `${at} must be base64 (without PEM armour or line breaks) of a DER X.509 certificate`);
  }
  try {
    new x509.X509Certificate(Buffer.from(value, 'base64'));
  } catch {
    throw elmaError('ELMA_INVALID_CERTIFICATE', `${at} is base64 but not a DER X.509 certificate`);
  }
}
