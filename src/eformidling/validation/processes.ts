/**
 * The processes eFormidling knows, with their document types (standard URN + business-message
 * name) and the service each belongs to.
 *
 * Sources: spec `eformidling-elma-einnsyn.md` §1.2 "Processes and document types" and §1.3;
 * Digdir's `message.md` (felleslosninger/docs `_docs/eFormidling/Teknisk_informasjon/message.md`:
 * the process/document-type tables, including the control messages `status` and `feil` in both
 * response processes); the integration point's capabilities test
 * (`integrasjonspunkt/src/test/resources/cucumber/capabilities.feature`: the arkivmelding and
 * eInnsyn response processes list `arkivmelding_kvittering`/`einnsyn_kvittering`, `status`, `feil`);
 * DPH: Digdir's page on health messages through NHN (`meldingsutveksling_for_fastlegar.md`, the
 * version with `urn:no:difi:profile:digitalpost:fastlege:ver1.0`, `…:helse:ver1.0` and
 * `urn:no:difi:digitalpost:json:schema::dialogmelding`) and the integration point's
 * `HealthcareTestData`.
 *
 * Decisions (README "Processes"):
 * - `serviceIdentifier` is the service a process belongs to. Arkivmelding and avtalt say `DPO`
 *   (eFormidling's own service); the service registry may still route an arkivmelding to DPF or
 *   DPV. `validateSbd` reports `DPV` for the document type `digital_dpv`, the one document type
 *   only DPV carries.
 * - The control messages `status` and `feil` use `urn:no:difi:eformidling:xsd::status|feil` in both
 *   response processes, as `message.md` writes them (the capabilities test has a variant with
 *   `urn:no:difi:arkivmelding:xsd::status` for arkivmelding; it is not accepted).
 */

import { ARKIVMELDING_SECTORS, arkivmeldingProcess, EFORMIDLING_DOCUMENT_TYPES, EFORMIDLING_PROCESSES } from '../../elma/index.ts';

/** Which service a process belongs to and what the business message is. */
export interface ProcessInfo {
  /** Process URN, e.g. `urn:no:difi:profile:arkivmelding:administrasjon:ver1.0`. */
  process: string;
  /** Document types of the process: `standard` URN and business-message name `type`. */
  documentTypes: Array<{ type: string; standard: string }>;
  /** The service (meldingstjeneste) of the process. */
  serviceIdentifier: 'DPO' | 'DPI' | 'DPV' | 'DPE' | 'DPF' | 'DPFIO' | 'DPH';
}

/** Document types, by business-message name. */
const DOCUMENT_TYPES = {
  arkivmelding: { type: 'arkivmelding', standard: EFORMIDLING_DOCUMENT_TYPES.arkivmelding },
  arkivmelding_kvittering: { type: 'arkivmelding_kvittering', standard: EFORMIDLING_DOCUMENT_TYPES.arkivmelding_kvittering },
  status: { type: 'status', standard: 'urn:no:difi:eformidling:xsd::status' },
  feil: { type: 'feil', standard: 'urn:no:difi:eformidling:xsd::feil' },
  digital: { type: 'digital', standard: 'urn:no:difi:digitalpost:xsd:digital::digital' },
  digital_dpv: { type: 'digital_dpv', standard: 'urn:no:difi:digitalpost:xsd:digital::digital_dpv' },
  print: { type: 'print', standard: 'urn:no:difi:digitalpost:xsd:fysisk::print' },
  publisering: { type: 'publisering', standard: EFORMIDLING_DOCUMENT_TYPES.publisering },
  innsynskrav: { type: 'innsynskrav', standard: EFORMIDLING_DOCUMENT_TYPES.innsynskrav },
  einnsyn_kvittering: { type: 'einnsyn_kvittering', standard: EFORMIDLING_DOCUMENT_TYPES.einnsyn_kvittering },
  avtalt: { type: 'avtalt', standard: 'urn:no:difi:avtalt:xsd::avtalt' },
  dialogmelding: { type: 'dialogmelding', standard: 'urn:no:difi:digitalpost:json:schema::dialogmelding' },
} as const;

const D = DOCUMENT_TYPES;

function info(process: string, serviceIdentifier: ProcessInfo['serviceIdentifier'], ...types: Array<{ type: string; standard: string }>): ProcessInfo {
  return Object.freeze({ process, serviceIdentifier, documentTypes: Object.freeze(types.map((t) => Object.freeze({ ...t }))) as ProcessInfo['documentTypes'] });
}

/** Process URN of digital post to citizens without duty to notify. */
export const DIGITALPOST_INFO = 'urn:no:difi:profile:digitalpost:info:ver1.0';
/** Process URN of digital post to citizens with duty to notify. */
export const DIGITALPOST_VEDTAK = 'urn:no:difi:profile:digitalpost:vedtak:ver1.0';
/** Process URN of DPH messages to a patient's GP, addressed by the patient's fødselsnummer. */
export const DPH_FASTLEGE = 'urn:no:difi:profile:digitalpost:fastlege:ver1.0';
/** Process URN of DPH messages to a party registered in NHN's address register. */
export const DPH_HELSE = 'urn:no:difi:profile:digitalpost:helse:ver1.0';

/**
 * Every process eFormidling knows (spec §1.2: the ten arkivmelding sectors, arkivmelding
 * response, digitalpost info/vedtak, einnsyn journalpost/meeting/innsynskrav/response, avtalt, and
 * DPH fastlege/helse), with their document types (standard URN + business-message name `type`),
 * including the control messages status/feil where the real capabilities list them (the
 * arkivmelding and eInnsyn response processes). Frozen.
 */
export const KNOWN_PROCESSES: readonly ProcessInfo[] = Object.freeze([
  ...ARKIVMELDING_SECTORS.map((sector) => info(arkivmeldingProcess(sector), 'DPO', D.arkivmelding)),
  info(EFORMIDLING_PROCESSES.arkivmeldingResponse, 'DPO', D.arkivmelding_kvittering, D.status, D.feil),
  info(DIGITALPOST_INFO, 'DPI', D.digital, D.digital_dpv, D.print),
  info(DIGITALPOST_VEDTAK, 'DPI', D.digital, D.digital_dpv, D.print),
  info(EFORMIDLING_PROCESSES.einnsynJournalpost, 'DPE', D.publisering),
  info(EFORMIDLING_PROCESSES.einnsynMeeting, 'DPE', D.publisering),
  info(EFORMIDLING_PROCESSES.innsynskrav, 'DPE', D.innsynskrav),
  info(EFORMIDLING_PROCESSES.einnsynResponse, 'DPE', D.einnsyn_kvittering, D.status, D.feil),
  info('urn:no:difi:profile:avtalt:avtalt:ver1.0', 'DPO', D.avtalt),
  info(DPH_FASTLEGE, 'DPH', D.dialogmelding),
  info(DPH_HELSE, 'DPH', D.dialogmelding),
]);

const BY_PROCESS = new Map(KNOWN_PROCESSES.map((p) => [p.process, p]));

/**
 * Looks a process up by its URN (exact, case-sensitive, as the service registry compares them).
 *
 * @param process process URN, e.g. `urn:no:difi:profile:avtalt:avtalt:ver1.0`
 * @returns the process, or undefined when eFormidling does not know it
 * @see spec `eformidling-elma-einnsyn.md` §1.2
 */
export function findProcess(process: string): ProcessInfo | undefined {
  return BY_PROCESS.get(process);
}

/**
 * Processes whose receiver may be a citizen (a bare fødselsnummer/D-number): digital post to
 * citizens (DPI digital and print, and DPV's `digital_dpv`, which Digdir also addresses to a
 * fødselsnummer) and DPH to a patient's GP. Everything else is addressed to `0192:<orgnr>`.
 */
export const PERSON_RECEIVER_PROCESSES: ReadonlySet<string> = new Set([DIGITALPOST_INFO, DIGITALPOST_VEDTAK, DPH_FASTLEGE]);

/**
 * Processes whose sender may be `0192:<orgnr>:<on-behalf-of orgnr>`: DPV and DPI only (Digdir,
 * `message.md` "På-vegne-av-avsender - DPV og DPI"), i.e. the digital-post processes.
 */
export const ON_BEHALF_OF_PROCESSES: ReadonlySet<string> = new Set([DIGITALPOST_INFO, DIGITALPOST_VEDTAK]);
