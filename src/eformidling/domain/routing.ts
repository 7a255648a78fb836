/**
 * Routing and capabilities: which service (DPO, DPI, …) carries a message to a receiver, from
 * ELMA (organisations) and KRR (citizens), as the service registry decides it for the real
 * integration point.
 *
 * - Organisation registered in ELMA for the process and document type, with an active
 *   `bdxr-transport-altinn` endpoint → **DPO**.
 * - Organisation in ELMA but not for the process / document type → not accepted (400).
 * - Organisation not in ELMA but in Enhetsregisteret → would go **DPV** (Altinn's inbox), which
 *   Grunnmur does not offer yet: `EFORMIDLING_SERVICE_NOT_ENABLED`; unknown organisation → 404
 *   `EFORMIDLING_IDENTIFIER_NOT_FOUND` on `capabilities`, 400 `EFORMIDLING_RECEIVER_NOT_FOUND` on send.
 * - Processes of DPE (eInnsyn), DPF, DPFIO, DPH: not offered yet (`EFORMIDLING_SERVICE_NOT_ENABLED`).
 * - Citizen (fødselsnummer / D-number) → **DPI**: digital when KRR says `AKTIV`, not reserved
 *   and with a mailbox; otherwise print. Each routing lookup is logged in KRR's audit log as a
 *   lookup by the sending organisation.
 *
 * @see specs/eformidling-elma-einnsyn.md §1.3; NextMove REST Docs "Get capabilities"
 */
import { randomUUID } from 'node:crypto';
import { findRegistrations, TRANSPORT_BDXR_ALTINN, type ElmaRegistration } from '../../elma/index.ts';
import { KRR_SCOPE_DIGITALPOST, lookupPersons } from '../../krr/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { findOrganisationName, validateOrganisasjonsnummer } from '../../registers/index.ts';
import { eformidlingError } from '../errors.ts';
import { findProcess, KNOWN_PROCESSES, type ProcessInfo } from '../validation/index.ts';

/** Who calls: the organisation of the Maskinporten token and its client. */
export interface Caller {
  orgnr: string;
  clientId: string;
  /** Correlation id of the request (KRR's audit log). */
  requestId: string;
}

/** One capability, as `GET /api/capabilities/{receiver}` answers it. */
export interface Capability {
  process: string;
  serviceIdentifier: string;
  documentTypes: Array<{ type: string; standard: string }>;
}

/** How a citizen is reached through DPI. */
export type DpiChannel = 'digital' | 'print';

/** What routing decided for a receiver. */
export interface Route {
  serviceIdentifier: ProcessInfo['serviceIdentifier'];
  /** For DPI: digital mailbox or print. */
  dpiChannel?: DpiChannel;
}

/** Services Grunnmur carries today. */
const ENABLED = new Set(['DPO', 'DPI']);

const DIGITALPOST_PROCESSES = KNOWN_PROCESSES.filter((p) => p.serviceIdentifier === 'DPI');

function isPerson(identifier: string): boolean {
  return /^\d{11}$/.test(identifier);
}

/** Splits a receiver identifier (`0192:<orgnr>`, `<orgnr>` or a personidentifikator). */
function receiverOf(identifier: string): { orgnr?: string; pid?: string } {
  const value = identifier.startsWith('0192:') ? identifier.slice(5).split(':', 1)[0]! : identifier;
  if (isPerson(value)) return { pid: value };
  return { orgnr: value };
}

/** The DPI channel of a citizen from KRR (logged as the caller's lookup). */
async function dpiChannel(platform: Platform, caller: Caller, pid: string, now: number): Promise<DpiChannel> {
  const result = await lookupPersons(
    platform.db,
    { personidentifikatorer: [pid], includeNotRegistered: true, disclosure: { kontaktinformasjon: false, digitalpost: true } },
    { endpoint: 'eFormidling routing', consumerOrgno: caller.orgnr, clientId: caller.clientId, scopes: [KRR_SCOPE_DIGITALPOST], requestId: caller.requestId || randomUUID() },
    now,
  );
  const person = result.personer[0];
  const digital = person !== undefined && person.status === 'AKTIV' && person.reservasjon === 'NEI' && person.digital_post !== undefined;
  return digital ? 'digital' : 'print';
}

/** DPO capabilities of an organisation from its ELMA registrations (active DPO endpoints only). */
function dpoCapabilities(registrations: ElmaRegistration[]): Capability[] {
  const byProcess = new Map<string, Capability>();
  for (const r of registrations) {
    if (!r.endpoints.some((e) => e.transportProfile === TRANSPORT_BDXR_ALTINN)) continue;
    const info = findProcess(r.process);
    if (!info || !ENABLED.has(info.serviceIdentifier) || info.serviceIdentifier !== 'DPO') continue;
    let capability = byProcess.get(r.process);
    if (!capability) {
      // The process's control messages (status, feil) come along where the process lists them.
      capability = { process: r.process, serviceIdentifier: 'DPO', documentTypes: [] };
      byProcess.set(r.process, capability);
    }
    const documentType = info.documentTypes.find((d) => d.standard === r.documentType);
    if (documentType && !capability.documentTypes.some((d) => d.standard === documentType.standard)) capability.documentTypes.push({ ...documentType });
  }
  for (const capability of byProcess.values()) {
    const info = findProcess(capability.process)!;
    for (const d of info.documentTypes) {
      if ((d.type === 'status' || d.type === 'feil') && !capability.documentTypes.some((x) => x.standard === d.standard)) capability.documentTypes.push({ ...d });
    }
  }
  return [...byProcess.values()].filter((c) => c.documentTypes.length > 0);
}

/**
 * What a receiver can receive (`GET /api/capabilities/{receiverIdentifier}`).
 *
 * @param receiver `0192:<orgnr>`, a bare orgnr, or a fødselsnummer / D-number
 * @param options `process`: only that process; `securityLevel` (1–4): accepted and ignored (every
 *   DPI mailbox here takes level 3 and 4)
 * @returns capabilities in ELMA's registration order
 * @throws AppError `EFORMIDLING_IDENTIFIER_NOT_FOUND` (404, `IdentifierNotFoundException`) for an
 *   unknown or invalid identifier
 */
export async function capabilities(platform: Platform, caller: Caller, receiver: string, options: { process?: string }, now = Date.now()): Promise<Capability[]> {
  const { orgnr, pid } = receiverOf(receiver);
  let result: Capability[];
  if (pid !== undefined) {
    const channel = await dpiChannel(platform, caller, pid, now);
    result = DIGITALPOST_PROCESSES.map((p) => ({
      process: p.process,
      serviceIdentifier: 'DPI',
      documentTypes: p.documentTypes.filter((d) => (channel === 'digital' ? d.type === 'digital' : d.type === 'print')).map((d) => ({ ...d })),
    })).filter((c) => c.documentTypes.length > 0);
  } else {
    if (!orgnr || !validateOrganisasjonsnummer(orgnr).valid) throw notFound(receiver);
    const registrations = await findRegistrations(platform.db, orgnr, now);
    if (registrations === null) {
      if ((await findOrganisationName(platform.db, orgnr)) === undefined) throw notFound(receiver);
      result = [];
    } else {
      result = dpoCapabilities(registrations);
    }
  }
  return options.process === undefined ? result : result.filter((c) => c.process === options.process);
}

function notFound(receiver: string) {
  const shown = isPerson(receiverOf(receiver).pid ?? '') ? 'the person' : JSON.stringify(receiver.slice(0, 40));
  return eformidlingError('EFORMIDLING_IDENTIFIER_NOT_FOUND', `Could not find ${shown} in the service registry (ELMA, Enhetsregisteret, KRR)`);
}

/**
 * Decides the service of a message, or refuses it.
 *
 * @param message receiver identifier, process and document type (standard) from a valid SBD
 * @throws AppError `EFORMIDLING_RECEIVER_NOT_FOUND`, `EFORMIDLING_RECEIVER_DOES_NOT_ACCEPT_PROCESS`,
 *   `EFORMIDLING_RECEIVER_DOES_NOT_ACCEPT_DOCUMENT_TYPE`, `EFORMIDLING_SERVICE_NOT_ENABLED` (all 400)
 */
export async function routeMessage(
  platform: Platform,
  caller: Caller,
  message: { receiver: string; process: string; standard: string },
  now = Date.now(),
): Promise<Route> {
  const info = findProcess(message.process);
  if (!info) throw eformidlingError('EFORMIDLING_RECEIVER_DOES_NOT_ACCEPT_PROCESS', `Receiver do not accept the document process ${message.process}`);
  const { orgnr, pid } = receiverOf(message.receiver);
  if (pid !== undefined) {
    if (info.serviceIdentifier !== 'DPI') throw eformidlingError('EFORMIDLING_RECEIVER_DOES_NOT_ACCEPT_PROCESS', `Receiver do not accept the document process ${message.process} (a person receives digital post only)`);
    return { serviceIdentifier: 'DPI', dpiChannel: await dpiChannel(platform, caller, pid, now) };
  }
  if (!orgnr || !validateOrganisasjonsnummer(orgnr).valid) throw eformidlingError('EFORMIDLING_RECEIVER_NOT_FOUND', 'Receiver not found: not a valid organisasjonsnummer');
  if (!ENABLED.has(info.serviceIdentifier) || info.serviceIdentifier === 'DPI') {
    const service = info.serviceIdentifier === 'DPI' ? 'DPV' : info.serviceIdentifier;
    throw eformidlingError('EFORMIDLING_SERVICE_NOT_ENABLED', `Service ${service} is not enabled: Grunnmur carries DPO (between organisations) and DPI (to citizens) only, so far`);
  }
  const registrations = await findRegistrations(platform.db, orgnr, now);
  if (registrations === null) {
    if ((await findOrganisationName(platform.db, orgnr)) === undefined) {
      throw eformidlingError('EFORMIDLING_RECEIVER_NOT_FOUND', `Receiver 0192:${orgnr} was found neither in ELMA nor in Enhetsregisteret`);
    }
    throw eformidlingError('EFORMIDLING_SERVICE_NOT_ENABLED', `Service DPV is not enabled: receiver 0192:${orgnr} is not registered in ELMA, so the message would go to its Altinn inbox (DPV), which Grunnmur does not offer yet`);
  }
  const forProcess = registrations.filter((r) => r.process === message.process && r.endpoints.some((e) => e.transportProfile === TRANSPORT_BDXR_ALTINN));
  if (forProcess.length === 0) throw eformidlingError('EFORMIDLING_RECEIVER_DOES_NOT_ACCEPT_PROCESS', `Receiver do not accept the document process ${message.process}`);
  const control = info.documentTypes.some((d) => d.standard === message.standard && (d.type === 'status' || d.type === 'feil'));
  if (!control && !forProcess.some((r) => r.documentType === message.standard)) {
    throw eformidlingError(
      'EFORMIDLING_RECEIVER_DOES_NOT_ACCEPT_DOCUMENT_TYPE',
      `Receiver do not accept the document type ${message.standard} for the process ${message.process}`,
    );
  }
  return { serviceIdentifier: 'DPO' };
}
