/**
 * Rule: `pid` (optional) asks for an end-user-restricted token: the token then carries the same
 * `pid`, and the API must serve only that person. It must be a valid fødselsnummer or D-number
 * (both check digits; synthetic Tenor/TestID +80 and NAV +40 numbers and the 2032 rule accepted,
 * as `src/platform/identifiers` validates them). The person does not log in and need not exist
 * in the population register.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_pid_restricted_tokens
 * @see specs/idporten-maskinporten.md §4 "Fødselsnummer"
 */
import { validateFodselsnummer } from '../../../platform/identifiers/index.ts';
import { GrantError } from './grant-errors.ts';

/**
 * @returns the pid, or undefined when none was sent
 * @throws GrantError `MP-011` naming the failed rules when `pid` is not a valid fødselsnummer or D-number
 */
export function checkPid(claims: Record<string, unknown>): string | undefined {
  const pid = claims.pid;
  if (pid === undefined) return undefined;
  if (typeof pid !== 'string') throw new GrantError('MP-011', 'The claim pid must be a fødselsnummer or D-number (a string of 11 digits).');
  const result = validateFodselsnummer(pid);
  if (!result.valid) {
    throw new GrantError('MP-011', `The claim pid is not a valid fødselsnummer or D-number: ${result.problems.map((p) => p.message).join('; ')}.`);
  }
  return pid;
}
