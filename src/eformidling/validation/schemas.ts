/**
 * The JSON schemas of the Next Move SBD, loaded into one Ajv (draft-07) instance once per process
 * and compiled on first use, and the translation of Ajv's errors into `{ path, message }`.
 *
 * `src/eformidling/schemas/` holds Digdir's published schemas (`common/`, `eformidling/`, `dpi/`,
 * copied unchanged from docs.digdir.no, Apache-2.0) and Grunnmur's drafts for the business
 * messages Digdir publishes empty files for (`grunnmur/`); `SOURCE.md` there says which is which.
 * The schemas `$ref` each other by their `$id` URLs
 * (`https://docs.digdir.no/schemas/common/sbdh.schema.json#/definitions/…`), so every file is
 * added to the same Ajv before anything is compiled.
 *
 * Fix-ups made in memory, never in the copied files (README "Decisions"):
 * - Digdir's `eformidling_einnsyn_innsynskrav.schema.json` carries the `$id` of the publisering
 *   schema (a copy-paste slip; two schemas cannot share an id). It is registered under its own
 *   file name, `…/eformidling/eformidling_einnsyn_innsynskrav.schema.json`; its business message
 *   is its `#/definitions/publisering` (`orgnr`, `epost`), which validates the key `innsynskrav`.
 * - That schema uses the non-standard format `epost`; it is checked as ajv-formats' `email`.
 * - Format `uuid` is RFC 4122 text only (8-4-4-4-12 hex, either case); ajv-formats would also
 *   accept a `urn:uuid:` prefix, which Java's `UUID.fromString` in the integration point rejects.
 * - Ajv runs with `strictSchema` (unknown keywords are errors) but not `strictTypes`: Digdir's files
 *   put `additionalProperties` on a string (avtalt `identifier`) and `properties` without
 *   `type: object` (dpi `varsler`). Grunnmur's own drafts pass full strict mode (tested).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats, { type FormatsPlugin } from 'ajv-formats';
import { validationError, type SbdProblem } from './errors.ts';

/** Folder of the schema files (`src/eformidling/schemas`). */
export const SCHEMA_DIR = join(import.meta.dirname, '..', 'schemas');

/** Sub-folders loaded, in order. */
const SCHEMA_FOLDERS = ['common', 'eformidling', 'dpi', 'grunnmur'] as const;

const DIGDIR = 'https://docs.digdir.no/schemas';

/** `$id` corrections for copied files, by path relative to {@link SCHEMA_DIR}. */
const ID_FIXUPS: Readonly<Record<string, string>> = {
  'eformidling/eformidling_einnsyn_innsynskrav.schema.json': `${DIGDIR}/eformidling/eformidling_einnsyn_innsynskrav.schema.json`,
};

/** The SBD header schema: Digdir's `sbdh.schema.json`. */
export const HEADER_SCHEMA = `${DIGDIR}/common/sbdh.schema.json#/definitions/standardBusinessDocumentHeader`;

/**
 * The schema each business message is validated against, by business-message name (`type`):
 * Digdir's published schema where one exists, Grunnmur's draft (`urn:grunnmur:schema:…`) otherwise.
 */
export const BUSINESS_MESSAGE_SCHEMAS: Readonly<Record<string, string>> = {
  // Digdir's published schema is stricter than the service; see schemas/grunnmur/eformidling_arkivmelding_nextmove.schema.json.
  arkivmelding: 'urn:grunnmur:schema:eformidling:arkivmelding#/definitions/arkivmelding',
  publisering: `${DIGDIR}/eformidling/eformidling_einnsyn_publisering.schema.json#/definitions/publisering`,
  innsynskrav: `${DIGDIR}/eformidling/eformidling_einnsyn_innsynskrav.schema.json#/definitions/publisering`,
  avtalt: `${DIGDIR}/eformidling/eformidling_avtalt.schema.json#/definitions/avtalt`,
  digital: 'urn:grunnmur:schema:eformidling:digitalpost:digital#/definitions/digital',
  print: 'urn:grunnmur:schema:eformidling:digitalpost:print#/definitions/print',
  digital_dpv: 'urn:grunnmur:schema:eformidling:digitalpost:digital_dpv#/definitions/digital_dpv',
  arkivmelding_kvittering: 'urn:grunnmur:schema:eformidling:arkivmelding_kvittering#/definitions/arkivmelding_kvittering',
  einnsyn_kvittering: 'urn:grunnmur:schema:eformidling:einnsyn_kvittering#/definitions/einnsyn_kvittering',
  status: 'urn:grunnmur:schema:eformidling:status#/definitions/status',
  feil: 'urn:grunnmur:schema:eformidling:feil#/definitions/feil',
  dialogmelding: 'urn:grunnmur:schema:eformidling:dph:dialogmelding#/definitions/dialogmelding',
};

/** RFC 4122 textual UUID (any version), no `urn:uuid:` prefix, no braces. */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A schema file as read from disk. */
export interface SchemaFile {
  /** Path relative to {@link SCHEMA_DIR}, e.g. `common/sbdh.schema.json`. */
  path: string;
  /** The `$id` it is registered under (after {@link ID_FIXUPS}). */
  id: string;
  schema: AnySchemaObject;
}

/** Reads every non-empty `*.json` of the schema folders, applying the `$id` fix-ups. */
export function readSchemaFiles(): SchemaFile[] {
  const files: SchemaFile[] = [];
  for (const folder of SCHEMA_FOLDERS) {
    for (const name of readdirSync(join(SCHEMA_DIR, folder)).filter((n) => n.endsWith('.json')).sort()) {
      const path = `${folder}/${name}`;
      const text = readFileSync(join(SCHEMA_DIR, path), 'utf8');
      if (text.trim() === '') continue;
      const schema = JSON.parse(text) as AnySchemaObject;
      const id = ID_FIXUPS[path] ?? schema.$id;
      if (typeof id !== 'string') throw new Error(`${path} has no $id`);
      files.push({ path, id, schema: { ...schema, $id: id } });
    }
  }
  return files;
}

/** The compiled validators. */
interface Validators {
  header: ValidateFunction;
  businessMessage: ReadonlyMap<string, ValidateFunction>;
}

let compiled: Validators | undefined;

// ajv-formats is CommonJS; under Node's ESM loader the plugin may sit on `.default`.
const addFormats = ((ajvFormats as unknown as { default?: FormatsPlugin }).default ?? ajvFormats) as unknown as FormatsPlugin;

/** A new Ajv with every schema file added and the formats the schemas use. */
export function createSchemaAjv(): Ajv {
  const ajv = new Ajv({
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    allowUnionTypes: true,
    allErrors: true,
    verbose: true,
  });
  addFormats(ajv, ['date', 'date-time', 'email', 'uri']);
  ajv.addFormat('uuid', UUID_PATTERN);
  ajv.addFormat('epost', addFormats.get('email'));
  for (const file of readSchemaFiles()) ajv.addSchema(file.schema);
  return ajv;
}

/**
 * The compiled validators: the SBD header and one per business message. Loaded and compiled on
 * the first call, then reused for the life of the process.
 *
 * @throws AppError `EFORMIDLING_SCHEMAS_UNAVAILABLE` (500) when a schema file is missing, is not
 *   JSON, or does not compile (a broken install; the cause is attached)
 */
export function schemaValidators(): Validators {
  if (compiled !== undefined) return compiled;
  try {
    const ajv = createSchemaAjv();
    const header = ajv.getSchema(HEADER_SCHEMA);
    if (header === undefined) throw new Error(`schema ${HEADER_SCHEMA} not found`);
    const businessMessage = new Map<string, ValidateFunction>();
    for (const [type, ref] of Object.entries(BUSINESS_MESSAGE_SCHEMAS)) {
      const validate = ajv.getSchema(ref);
      if (validate === undefined) throw new Error(`schema ${ref} not found`);
      businessMessage.set(type, validate);
    }
    compiled = { header, businessMessage };
    return compiled;
  } catch (cause) {
    throw validationError('EFORMIDLING_SCHEMAS_UNAVAILABLE', undefined, { cause, expose: false });
  }
}

/**
 * Reads and compiles the schemas now instead of on the first `validateSbd` call (which otherwise
 * pays for it, a few hundred milliseconds). Call it when the component starts.
 *
 * @throws AppError `EFORMIDLING_SCHEMAS_UNAVAILABLE` (500) when the schema files are broken
 */
export function loadSbdSchemas(): void {
  schemaValidators();
}

/** A step of a JSON path: a property name or an array index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a path as `a.b[0].c`; keys that are not plain names as `["test.pdf"]`; the empty path
 * as `(root)`.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (PLAIN_KEY.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Turns Ajv's JSON pointer into path segments, using the data to tell array indexes from keys. */
function pointerSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let current = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(key);
      out.push(index);
      current = current[index];
    } else {
      out.push(key);
      current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

/** Misspellings we know of, with the right name and why it happens. */
const KNOWN_MISSPELLINGS: Readonly<Record<string, { right: string; note: string }>> = {
  identfier: { right: 'identifier', note: "Digdir's example sbd.json misspells it in the ReceiverRef scope" },
  postHaandtering: { right: 'returhaandtering', note: 'postHaandtering is the name in older integration points' },
};

/** Levenshtein distance, capped: returns `max + 1` as soon as the distance exceeds `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      row.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous = row;
  }
  return previous[b.length] ?? max + 1;
}

/** "unknown property", with a suggestion when a known misspelling or a near name fits. */
function unknownPropertyMessage(name: string, allowed: readonly string[]): string {
  const known = KNOWN_MISSPELLINGS[name];
  if (known !== undefined && allowed.includes(known.right)) {
    return `unknown property; did you mean "${known.right}"? (${known.note})`;
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = editDistance(name, candidate, 2);
    if (d < bestDistance && d < Math.max(2, Math.ceil(candidate.length / 2))) {
      best = candidate;
      bestDistance = d;
    }
  }
  const list = allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
  return best !== undefined ? `unknown property; did you mean "${best}"?` : `unknown property${list}`;
}

const FORMAT_MESSAGES: Readonly<Record<string, string>> = {
  uuid: 'must be a UUID',
  'date-time': 'must be an RFC 3339 date-time with offset, e.g. 2024-05-01T12:00:00+02:00',
  date: 'must be a date, YYYY-MM-DD',
  email: 'must be an e-mail address',
  epost: 'must be an e-mail address',
  uri: 'must be an absolute URI',
};

function typeName(type: unknown): string {
  const one = (t: string): string => (t === 'object' || t === 'array' || t === 'integer' ? `an ${t}` : `a ${t}`);
  return Array.isArray(type) ? type.map((t) => one(String(t))).join(' or ') : one(String(type));
}

function itemCount(n: number): string {
  return n === 1 ? 'one item' : `${n} items`;
}

/** One Ajv error as a problem (path relative to the validated value, then prefixed). */
function toProblem(error: ErrorObject, data: unknown, prefix: readonly PathSegment[]): SbdProblem {
  const segments = [...prefix, ...pointerSegments(error.instancePath, data)];
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  let message: string;
  switch (error.keyword) {
    case 'required':
      segments.push(String(params.missingProperty));
      message = 'is required';
      break;
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      segments.push(name);
      const properties = parent.properties;
      const allowed = properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
      message = unknownPropertyMessage(name, allowed);
      break;
    }
    case 'type':
      message = `must be ${typeName(params.type)}`;
      break;
    case 'enum':
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      message = `must be ${JSON.stringify(params.allowedValue)}`;
      break;
    case 'format':
      message = FORMAT_MESSAGES[String(params.format)] ?? `must be a valid ${String(params.format)}`;
      break;
    case 'pattern':
      message = `must match the pattern ${String(params.pattern)}`;
      break;
    case 'minItems':
    case 'maxItems': {
      const limit = Number(params.limit);
      message = parent.minItems === parent.maxItems
        ? `must hold exactly ${itemCount(limit)}`
        : error.keyword === 'minItems' ? `must hold at least ${itemCount(limit)}` : `must hold at most ${itemCount(limit)}`;
      break;
    }
    default:
      message = error.message ?? 'is invalid';
  }
  return { path: formatPath(segments), message };
}

/**
 * Validates `data` with a compiled validator.
 *
 * @param validate a validator from {@link schemaValidators}
 * @param data the value to check
 * @param prefix path of `data` within the SBD (e.g. `['standardBusinessDocumentHeader']`)
 * @returns the problems, in schema order, without duplicates; empty when `data` is valid
 */
export function schemaProblems(validate: ValidateFunction, data: unknown, prefix: readonly PathSegment[]): SbdProblem[] {
  if (validate(data)) return [];
  const seen = new Set<string>();
  const problems: SbdProblem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = toProblem(error, data, prefix);
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  // With `verbose`, the errors hold the rejected data; do not keep it alive on the shared validator.
  validate.errors = null;
  return problems;
}
