/**
 * Validation of the StandardBusinessDocument (SBD) of eFormidling's Next Move API: the processes
 * and document types eFormidling knows, schema + semantic validation of a posted SBD, and the
 * prefilled SBD of `GET /api/prototype/{capability}`. Pure functions, no database. The rest of
 * `src/eformidling` imports only this entry. See README.md in this folder.
 *
 * @see spec `eformidling-elma-einnsyn.md` §1.2, §1.3
 */
export { KNOWN_PROCESSES, findProcess } from './processes.ts';
export type { ProcessInfo } from './processes.ts';
export { validateSbd } from './validate-sbd.ts';
export type { ValidatedSbd } from './validate-sbd.ts';
export { prototypeSbd } from './prototype.ts';
export { loadSbdSchemas } from './schemas.ts';
export { parseOffsetDateTime } from './checks/expected-response.ts';
export { validationErrors, validationError } from './errors.ts';
export type { ValidationErrorCode, SbdProblem } from './errors.ts';
