/**
 * Rule: `authorization_details` (optional, RFC 9396 Rich Authorization Requests) asks for a
 * system-user token (systembruker): an array of exactly one object
 * `{"type": "urn:altinn:systemuser", "systemuser_org": {"authority": "iso6523-actorid-upis",
 * "ID": "0192:<orgno>"}}`, one customer per request. A `type` other than
 * `urn:altinn:systemuser` is MP-301, a missing or extra field MP-302, a bad value (including the
 * array's shape) MP-303. `scope` is still required. It cannot be combined with `consumer_org`
 * (a system user already acts for a customer).
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_func_systembruker
 * @see https://www.rfc-editor.org/rfc/rfc9396#section-2 (authorization_details), §5 (invalid_authorization_details)
 * @see specs/idporten-maskinporten.md §3 "Systembruker"
 */
import { validateOrganisasjonsnummer } from '../../../platform/identifiers/index.ts';
import { GrantError } from './grant-errors.ts';

/** The only authorization details type Grunnmur's Maskinporten supports. */
export const SYSTEMUSER_TYPE = 'urn:altinn:systemuser';

/** The ISO 6523 authority of Norwegian organisation numbers in tokens. */
export const ISO6523_AUTHORITY = 'iso6523-actorid-upis';

/** A validated system-user request: the customer's organisasjonsnummer. */
export interface SystemUserRequest {
  type: typeof SYSTEMUSER_TYPE;
  customerOrgno: string;
}

const ORG_ID = /^0192:(\d{9})$/;

/**
 * @returns the request, or undefined when no `authorization_details` was sent
 * @throws GrantError `MP-301`, `MP-302`, `MP-303`; `MP-011` when combined with `consumer_org`
 */
export function checkAuthorizationDetails(claims: Record<string, unknown>): SystemUserRequest | undefined {
  const details = claims.authorization_details;
  if (details === undefined) return undefined;
  if (claims.consumer_org !== undefined) {
    throw new GrantError('MP-011', 'The claims authorization_details and consumer_org cannot be used together.');
  }
  if (!Array.isArray(details) || details.length !== 1) {
    throw new GrantError('MP-303', 'authorization_details must be an array holding exactly one object (one party per request).');
  }
  const entry: unknown = details[0];
  if (!isObject(entry)) throw new GrantError('MP-303', 'authorization_details[0] must be an object.');
  if (entry.type === undefined) throw new GrantError('MP-302', 'authorization_details[0].type is missing.');
  if (entry.type !== SYSTEMUSER_TYPE) {
    throw new GrantError('MP-301', `Unsupported type ${JSON.stringify(String(entry.type).slice(0, 80))}; only ${SYSTEMUSER_TYPE} is supported.`);
  }
  checkFields(entry, ['type', 'systemuser_org'], 'authorization_details[0]');
  const org = entry.systemuser_org;
  if (!isObject(org)) throw new GrantError('MP-303', 'authorization_details[0].systemuser_org must be an object.');
  checkFields(org, ['authority', 'ID'], 'authorization_details[0].systemuser_org');
  if (org.authority !== ISO6523_AUTHORITY) {
    throw new GrantError('MP-303', `authorization_details[0].systemuser_org.authority must be ${ISO6523_AUTHORITY}.`);
  }
  const match = typeof org.ID === 'string' ? ORG_ID.exec(org.ID) : null;
  const orgno = match?.[1];
  if (orgno === undefined || !validateOrganisasjonsnummer(orgno).valid) {
    throw new GrantError('MP-303', 'authorization_details[0].systemuser_org.ID must be "0192:" followed by a valid organisasjonsnummer.');
  }
  return { type: SYSTEMUSER_TYPE, customerOrgno: orgno };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkFields(value: Record<string, unknown>, fields: string[], where: string): void {
  const missing = fields.filter((f) => value[f] === undefined);
  const extra = Object.keys(value).filter((k) => !fields.includes(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      extra.length > 0 ? `unknown ${extra.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}` : '',
    ].filter(Boolean);
    throw new GrantError('MP-302', `${where}: ${parts.join('; ')}.`);
  }
}
