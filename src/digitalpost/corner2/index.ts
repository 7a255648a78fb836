/**
 * Corner 2: the DPI access point senders submit `digital` and `utskrift` messages to, over HTTP
 * (`/dpi`, {@link corner2Routes}) or in process ({@link acceptMessage}, used by the hosted
 * eFormidling integration point). See `routes.ts` and `accept-message.ts`.
 */
export { corner2Routes, DPI_PATH } from './routes.ts';
export {
  acceptMessage,
  checkMessage,
  trustedCaPems,
  verifyForretningsmelding,
  MAX_DOKUMENTPAKKE_BYTES,
  MAX_FORRETNINGSMELDING_BYTES,
  MAX_KANAL_LENGTH,
  PROVIDER_QUEUE,
  type AcceptMessageInput,
} from './accept-message.ts';
export { DPI_SCOPE, checkMaskinportentoken, tokenVerifierAt } from './checks/check-maskinportentoken.ts';
export { checkSbd, type ParsedDpiMessage, type DpiMessageType } from './checks/check-sbd.ts';
export { checkFingerprint } from './checks/check-fingerprint.ts';
export {
  controlCharacterProblems,
  DPI_MULTILINE_KEYS,
  MAX_CONTROL_CHARACTER_PROBLEMS,
  type ControlCharacterOptions,
} from './checks/check-control-characters.ts';
export { dpiSchemaProblems, dpiValidators, dpiStandard, dpiProcess, DPI_SCHEMA_IDS, type DpiDocumentType, type DpiSchemaProblem } from './dpi-schemas.ts';
export { listStatuses, listUnreadReceipts, markRead, MAX_RECEIPTS_PER_CALL, type ReceiptJson, type StatusJson } from './queues.ts';
export { osloDateTime, osloMidnight } from './oslo-time.ts';
