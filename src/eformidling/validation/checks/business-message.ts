/**
 * Rule: the business message validates against its schema: Digdir's published one where it exists
 * (`arkivmelding` per `eformidling_arkivmelding.schema.json`, `publisering`, `innsynskrav`,
 * `avtalt`), Grunnmur's draft in `src/eformidling/schemas/grunnmur/` otherwise (`digital`,
 * `print`, `digital_dpv`, `arkivmelding_kvittering`, `einnsyn_kvittering`, `status`, `feil`,
 * `dialogmelding`). Which schema: `BUSINESS_MESSAGE_SCHEMAS` in `schemas.ts`.
 *
 * @see spec `eformidling-elma-einnsyn.md` §1.2; `src/eformidling/schemas/SOURCE.md`
 */
import { problemsError, validationError } from '../errors.ts';
import { schemaProblems, schemaValidators } from '../schemas.ts';

/**
 * @param type business-message name, already checked against the process
 * @param message the value under the key `type`
 * @returns the business message, typed as an object
 * @throws AppError `EFORMIDLING_SBD_INVALID` with paths under `<type>.`
 */
export function checkBusinessMessage(type: string, message: unknown): Record<string, unknown> {
  const validate = schemaValidators().businessMessage.get(type);
  // Every document type of KNOWN_PROCESSES has a schema; validation.test.ts keeps them in step.
  if (validate === undefined) throw validationError('EFORMIDLING_SCHEMAS_UNAVAILABLE', `No schema for business message "${type}"`, { expose: false });
  const problems = schemaProblems(validate, message, [type]);
  if (problems.length > 0) throw problemsError('EFORMIDLING_SBD_INVALID', problems);
  return message as Record<string, unknown>;
}
