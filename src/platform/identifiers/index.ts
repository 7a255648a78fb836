/**
 * Norwegian identifiers: fødselsnummer / D-number (real and synthetic, classic and 2032 rule),
 * organisasjonsnummer, and the deterministic random source the population generator uses.
 * Pure functions, no database. See README.md in this folder for the rules, sources and decisions.
 *
 * @see specs/idporten-maskinporten.md §4 "Norwegian identifiers"
 */
export {
  validateFodselsnummer,
  checkFodselsnummer,
  isFodselsnummer,
  generateFodselsnummer,
  digitShapeProblems,
} from './fodselsnummer.ts';
export type {
  PersonIdentifierType,
  SyntheticKind,
  IdentifierProblem,
  FodselsnummerResult,
  GenerateFodselsnummerOptions,
} from './fodselsnummer.ts';
export {
  validateOrganisasjonsnummer,
  checkOrganisasjonsnummer,
  isOrganisasjonsnummer,
  generateOrganisasjonsnummer,
} from './organisasjonsnummer.ts';
export type { OrganisasjonsnummerResult } from './organisasjonsnummer.ts';
export { createRng, randomInt } from './rng.ts';
export { identifierErrors } from './errors.ts';
export type { IdentifierErrorCode } from './errors.ts';
