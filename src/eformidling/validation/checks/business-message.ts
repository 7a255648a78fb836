/**
 * Rule: the business message validates against its schema: Digdir's published one where it exists
 * (`arkivmelding` per `eformidling_arkivmelding.schema.json`, `publisering`, `innsynskrav`,
 * `avtalt`), Grunnmur's draft in `src/eformidling/schemas/grunnmur/` otherwise (`digital`,
 * `print`, `digital_dpv`, `arkivmelding_kvittering`, `einnsyn_kvittering`, `status`, `feil`,
 * `dialogmelding`). Which schema: `BUSINESS_MESSAGE_SCHEMAS` in `schemas.ts`.
 *
 * @see spec `eformidling-elma-einnsyn.md` §1.2; `src/eformidling/schemas/SOURCE.md`
 */
import { checkPostadresse, controlCharacterProblems } from '../../../digitalpost/index.ts';
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
  if (type === 'digital' || type === 'print') checkDpiText(type, message as Record<string, any>);
  if (type === 'print') checkPrintAddresses(message as Record<string, any>);
  return message as Record<string, unknown>;
}

/**
 * Rule: the texts of a DPI letter become DPI's business message, the citizen's inbox, e-mail, SMS
 * and the printed address, so they hold no control characters (notification texts may hold line
 * breaks and tabs), and the title is not blank (DPI's `ikkesensitivtittel`, 1–255 characters).
 * The same rule corner 2 applies (`check-control-characters.ts`), checked here so the sender hears
 * it at `POST /messages/out` with nothing stored.
 *
 * @throws AppError `EFORMIDLING_SBD_INVALID` naming each path
 */
function checkDpiText(type: string, message: Record<string, any>): void {
  const problems = controlCharacterProblems(message, type, { multilineKeys: ['epostTekst', 'smsTekst'] }).map((p) => ({ path: p.path, message: p.message }));
  if (type === 'digital' && typeof message.tittel === 'string' && message.tittel.trim() === '') {
    problems.push({ path: 'digital.tittel', message: 'must not be blank (it becomes DPI’s ikkesensitivtittel)' });
  }
  if (problems.length > 0) throw problemsError('EFORMIDLING_SBD_INVALID', problems);
}

/**
 * Rule: the addresses a `print` message gives (`mottaker`, `retur.mottaker`; either may be left
 * out and is then taken from the registers) follow the print provider's rules: a Norwegian address
 * needs navn, adresselinje1, postnummer and poststed; a foreign one navn, adresselinje1 and land or
 * landkode (Digdir's innbyggerpost commons; efm-integrasjonspunkt PR #1187).
 *
 * @throws AppError `EFORMIDLING_SBD_INVALID` naming each broken field
 * @see src/digitalpost/print/check-postadresse.ts
 */
function checkPrintAddresses(message: Record<string, any>): void {
  const problems: Array<{ path: string; message: string }> = [];
  const check = (address: unknown, path: string) => {
    if (address === undefined) return;
    for (const problem of checkPostadresse(address, path)) {
      const field = problem.split(' ', 1)[0]!;
      problems.push({ path: field, message: problem.slice(field.length + 1) });
    }
  };
  check(message.mottaker, 'print.mottaker');
  check(message.retur?.mottaker, 'print.retur.mottaker');
  if (problems.length > 0) throw problemsError('EFORMIDLING_SBD_INVALID', problems);
}
