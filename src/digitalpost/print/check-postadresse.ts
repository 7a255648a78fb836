/**
 * The rules for a postal address in an `utskrift` (print) message, and for its `retur`.
 *
 * Two sources, both enforced (an address must pass both):
 *
 * 1. **Digdir's schema** `innbyggerpost_dpi_utskrift_1_0.schema.json`, `#/definitions/adresseInformasjon`
 *    (spec `krr-dpi-esign.md` §2 "Print fallback"). Digdir's own DPI client validates every SBD
 *    against it before sending (efm-integrasjonspunkt `dpi-client`, `JsonDigitalPostSchemaValidator`).
 *    - `additionalProperties: false`; every field a string;
 *    - `adresselinje1`–`4` at most 100 characters, `poststed` and `land` at most 80 (JSON Schema
 *      counts Unicode code points); `postnummer` matches `^\d{4}$` and `landkode` `^[a-zA-Z]{2}$`
 *      whatever the country (so a foreign postal code never goes in `postnummer` unless it is four
 *      digits);
 *    - `oneOf`: **exactly one** of the Norwegian form (`navn`, `adresselinje1`, `postnummer`,
 *      `poststed` present) and the foreign form (`navn`, `adresselinje1` and exactly one of `land`
 *      and `landkode` present). `required` only asks that a key is present, even as `""`.
 *      Consequences, mirrored here on purpose: an address with `postnummer`, `poststed` *and*
 *      `land` (or `landkode`) matches both branches and is rejected, even when the land is Norway;
 *      a foreign address with both `land` and `landkode` is rejected unless it also has
 *      `postnummer` and `poststed`. This is the shape Digdir's integration point produces
 *      (`DpiMapper.getAddressInformation`): for Norway it sends `postnummer` and `poststed` and no
 *      `land`; abroad it moves "postnummer poststed" into the next free `adresselinje` and sends
 *      only `land`.
 *
 * 2. **The integration point's rule** (efm-integrasjonspunkt PR #1187, "DPI print without address
 *    info", `NextMoveValidator.validatePrintBusinessMessage`): `adresselinje1` must not be empty,
 *    and a Norwegian address must have a non-empty `postnummer` and `poststed`. The integration
 *    point calls an address Norwegian when `land` is absent or is "Norge"/"Norway" (any case); it
 *    never sends `landkode`, so here `landkode` counts as a country too: an address is Norwegian
 *    when it has neither `land` nor `landkode`, or `land` is Norge/Norway, or `landkode` is `NO`.
 *
 * Every problem is one English sentence that starts with the JSON path given by the caller.
 * The checkers return the problems (an empty list means the address is fine); the caller turns
 * them into its own error.
 *
 * @see https://docs.digdir.no/schemas/dpi/utskrift.schema.json
 * @see https://github.com/felleslosninger/efm-integrasjonspunkt/pull/1187
 */

/** A postal address as `utskrift.mottaker` and `utskrift.retur.mottaker` carry it (schema `adresseInformasjon`). */
export interface Postadresse {
  navn?: string;
  adresselinje1?: string;
  adresselinje2?: string;
  adresselinje3?: string;
  adresselinje4?: string;
  /** Four digits (`^\d{4}$`). */
  postnummer?: string;
  /** At most 80 characters. */
  poststed?: string;
  /** Country name, at most 80 characters. */
  land?: string;
  /** ISO 3166-1 alpha-2 country code (two letters, either case). */
  landkode?: string;
}

/** How undeliverable mail is handled (schema `returposthaandtering`). */
export type Returposthaandtering = 'DIREKTE_RETUR' | 'MAKULERING_MED_MELDING';

/** `utskrift.retur` (schema `retur`). */
export interface Retur {
  mottaker: Postadresse;
  returposthaandtering: Returposthaandtering;
}

/** The fields of an address, in the schema's order. */
export const POSTADRESSE_FIELDS = [
  'navn',
  'adresselinje1',
  'adresselinje2',
  'adresselinje3',
  'adresselinje4',
  'postnummer',
  'poststed',
  'land',
  'landkode',
] as const;

/** `maxLength` of the fields that have one (schema `adresseInformasjon`; `navn` has none). */
const MAX_LENGTH: Readonly<Partial<Record<keyof Postadresse, number>>> = {
  adresselinje1: 100,
  adresselinje2: 100,
  adresselinje3: 100,
  adresselinje4: 100,
  poststed: 80,
  land: 80,
};

/** The values of `retur.returposthaandtering`. */
export const RETURPOSTHAANDTERING: readonly Returposthaandtering[] = ['DIREKTE_RETUR', 'MAKULERING_MED_MELDING'];

/**
 * Whether a (checked) address is Norwegian: neither `land` nor `landkode`, or `land` Norge/Norway
 * (any case, surrounding spaces ignored), or `landkode` NO (any case). Same rule as
 * {@link checkPostadresse} uses; the integration point's own `isNorwegian` looks at `land` only.
 */
export function isNorwegianAddress(a: Postadresse): boolean {
  return norwegianReason(a as Record<string, unknown>) !== null;
}

/**
 * Checks an `utskrift` postal address against the schema and the integration point's rule (see
 * the module comment for both). Never throws.
 *
 * @param a the address as parsed from JSON (anything).
 * @param path the JSON path of the address, used to start every problem, e.g. `utskrift.mottaker`.
 * @returns the problems, one English sentence each (e.g.
 *   `utskrift.mottaker.postnummer must be 4 digits, got "12A4"`); empty when the address is fine.
 * @see spec `krr-dpi-esign.md` §2 "Print fallback"; schema `innbyggerpost_dpi_utskrift_1_0`
 *   `#/definitions/adresseInformasjon`; efm-integrasjonspunkt PR #1187.
 */
export function checkPostadresse(a: unknown, path: string): string[] {
  if (!isPlainObject(a)) {
    return [`${path} must be an object with the fields ${POSTADRESSE_FIELDS.join(', ')}, got ${describe(a)}`];
  }
  const problems = new Set<string>();
  const add = (p: string): void => void problems.add(p);

  // Shape: known fields, strings, lengths, patterns (the schema's `properties`).
  for (const key of Object.keys(a)) {
    if (!(POSTADRESSE_FIELDS as readonly string[]).includes(key)) {
      add(`${path}.${key} is not an address field (the schema allows ${POSTADRESSE_FIELDS.join(', ')})`);
    }
  }
  for (const field of POSTADRESSE_FIELDS) {
    const value = a[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      add(`${path}.${field} must be a string, got ${describe(value)}`);
      continue;
    }
    const max = MAX_LENGTH[field];
    const length = codePoints(value);
    if (max !== undefined && length > max) add(`${path}.${field} must be at most ${max} characters, got ${length}`);
  }
  if (typeof a.postnummer === 'string' && !/^\d{4}$/.test(a.postnummer)) {
    add(`${path}.postnummer must be 4 digits, got ${quote(a.postnummer)}`);
  }
  if (typeof a.landkode === 'string' && !/^[a-zA-Z]{2}$/.test(a.landkode)) {
    add(`${path}.landkode must be 2 letters (an ISO 3166-1 alpha-2 code such as "SE"), got ${quote(a.landkode)}`);
  }

  // Required fields: the schema's `oneOf` branches ask for presence, PR #1187 for non-empty text.
  const has = (field: keyof Postadresse): boolean => a[field] !== undefined;
  const reason = norwegianReason(a);
  if (!has('navn')) add(`${path}.navn is required`);
  if (!has('adresselinje1')) add(`${path}.adresselinje1 is required`);
  else if (isBlank(a.adresselinje1)) add(`${path}.adresselinje1 must not be empty`);
  if (reason !== null) {
    if (!has('postnummer')) add(`${path}.postnummer is required in a Norwegian address (${reason})`);
    // An empty postnummer already fails the 4-digit pattern above.
    if (!has('poststed')) add(`${path}.poststed is required in a Norwegian address (${reason})`);
    else if (isBlank(a.poststed)) add(`${path}.poststed must not be empty in a Norwegian address (${reason})`);
  }

  // The schema's `oneOf`: exactly one of the Norwegian and the foreign form.
  const norwegianForm = has('navn') && has('adresselinje1') && has('postnummer') && has('poststed');
  const withLand = has('navn') && has('adresselinje1') && has('land');
  const withLandkode = has('navn') && has('adresselinje1') && has('landkode');
  const foreignForm = withLand !== withLandkode;
  const bothForms = 'the schema accepts either the Norwegian form (postnummer and poststed) or the foreign form (land or landkode), not both';
  if (foreignForm && reason !== null) {
    // Norway named explicitly: with postnummer and poststed (which the rule above demands) the
    // address matches both forms, so the country has to go.
    add(`${path} is a Norwegian address (${reason}) and must leave out ${has('land') ? 'land' : 'landkode'}: ${bothForms}`);
  } else if (foreignForm && norwegianForm) {
    add(
      `${path} is a foreign address and must leave out postnummer or poststed (write the postal code and town in an adresselinje): ${bothForms}`,
    );
  } else if (!foreignForm && !norwegianForm && has('land') && has('landkode') && has('navn') && has('adresselinje1')) {
    add(`${path} must give either land or landkode, not both (the schema's oneOf)`);
  }
  return [...problems];
}

/**
 * Checks `utskrift.retur`: an object with exactly `mottaker` (an address, checked with
 * {@link checkPostadresse} at `<path>.mottaker`) and `returposthaandtering` (`DIREKTE_RETUR` or
 * `MAKULERING_MED_MELDING`), both required. Never throws.
 *
 * @param retur `utskrift.retur` as parsed from JSON (anything).
 * @param path its JSON path, e.g. `utskrift.retur`.
 * @returns the problems, one English sentence each; empty when fine.
 * @see schema `innbyggerpost_dpi_utskrift_1_0` `#/definitions/retur`; efm-integrasjonspunkt PR #1187
 *   (the return address gets the same address rule as the recipient).
 */
export function checkRetur(retur: unknown, path: string): string[] {
  if (!isPlainObject(retur)) {
    return [`${path} must be an object with mottaker and returposthaandtering, got ${describe(retur)}`];
  }
  const problems: string[] = [];
  for (const key of Object.keys(retur)) {
    if (key !== 'mottaker' && key !== 'returposthaandtering') {
      problems.push(`${path}.${key} is not a field of retur (the schema allows mottaker and returposthaandtering)`);
    }
  }
  if (retur.mottaker === undefined) problems.push(`${path}.mottaker is required`);
  else problems.push(...checkPostadresse(retur.mottaker, `${path}.mottaker`));
  const handling = retur.returposthaandtering;
  if (handling === undefined) {
    problems.push(`${path}.returposthaandtering is required`);
  } else if (typeof handling !== 'string' || !(RETURPOSTHAANDTERING as readonly string[]).includes(handling)) {
    problems.push(`${path}.returposthaandtering must be ${RETURPOSTHAANDTERING.join(' or ')}, got ${describe(handling)}`);
  }
  return problems;
}

/** Why an address counts as Norwegian (for the message), or null when it is foreign. */
function norwegianReason(a: Record<string, unknown>): string | null {
  const { land, landkode } = a;
  if (typeof land === 'string' && /^(norge|norway)$/i.test(land.trim())) return `land ${quote(land)}`;
  if (typeof landkode === 'string' && landkode.trim().toUpperCase() === 'NO') return `landkode ${quote(landkode)}`;
  if (land === undefined && landkode === undefined) return 'one without land or landkode';
  return null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBlank(v: unknown): boolean {
  return typeof v === 'string' && v.trim() === '';
}

/** Length as JSON Schema's `maxLength` counts it: Unicode code points. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** A JSON string literal, cut to 40 code points so that a huge value does not flood the message. */
function quote(s: string): string {
  const chars = [...s];
  return chars.length > 40 ? `${JSON.stringify(chars.slice(0, 40).join(''))}…` : JSON.stringify(s);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}
