/**
 * Who acts on the registry: an organisation, as the self-service API sees it (the `consumer` of
 * the caller's Maskinporten token), or the CLI acting for an organisation.
 */
import { validateOrganisasjonsnummer } from '../../platform/identifiers/index.ts';
import { maskinportenError } from '../errors.ts';

/** The organisation acting, and whether it may act as a supplier for other organisations. */
export interface Actor {
  /** Organisasjonsnummer of the acting organisation (the token's `consumer`). */
  orgno: string;
  /**
   * True when the caller holds `idporten:dcr.supplier`: it may create and manage clients whose
   * `client_orgno` is another organisation (its customers), with itself as `supplier_orgno`.
   *
   * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin (scope `idporten:dcr.supplier`)
   */
  supplier?: boolean;
}

/**
 * Checks an organisasjonsnummer (9 digits, MOD11) and returns it.
 *
 * @param value the number as given
 * @param field the field it came from, for the message (`client_orgno`, `consumer_orgno`…)
 * @throws AppError `MASKINPORTEN_INVALID_ORGNO` (400) naming the field and every failed rule,
 *   with `extra.problems`
 * @see specs/idporten-maskinporten.md §4 "Organisasjonsnummer"
 */
export function checkOrgno(value: string, field: string): string {
  const result = validateOrganisasjonsnummer(value);
  if (result.valid) return value;
  throw maskinportenError('MASKINPORTEN_INVALID_ORGNO', `${field}: invalid organisasjonsnummer: ${result.problems.map((p) => p.message).join('; ')}`, {
    extra: { field, problems: result.problems },
  });
}
