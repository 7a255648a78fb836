/**
 * Digdir's DPI JSON schemas (draft-07), compiled once per process: the two messages a sender
 * sends (`digital`, `utskrift`) and the receipts a provider returns (`leveringskvittering`,
 * `aapningskvittering`, `varslingfeiletkvittering`, `mottakskvittering`, `returpostkvittering`,
 * `feil`). Each validates the whole forretningsmelding `{"standardBusinessDocument": {...}}`.
 *
 * The files are the ones eFormidling ships (`src/eformidling/schemas/dpi/` and `common/`, copied
 * unchanged from felleslosninger/docs, Apache-2.0; see `SOURCE.md` there). They `$ref` each other
 * by their `$id` URLs, so all are added to one Ajv before anything is compiled. Ajv options as
 * eFormidling's loader (`strictTypes: false`: Digdir's `varsler` has `properties` without `type`).
 *
 * @see https://docs.digdir.no/schemas/dpi/ ; spec `krr-dpi-esign.md` §2
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats, { type FormatsPlugin } from 'ajv-formats';

/** Folder of Digdir's schemas (eFormidling's copy). */
const SCHEMA_DIR = join(import.meta.dirname, '..', '..', 'eformidling', 'schemas');

const DPI = 'https://docs.digdir.no/schemas/dpi';

/** The forretningsmelding types with a schema, and the `$id` of each. */
export const DPI_SCHEMA_IDS = {
  digital: `${DPI}/digital.schema.json`,
  utskrift: `${DPI}/utskrift.schema.json`,
  leveringskvittering: `${DPI}/leveringskvittering.schema.json`,
  aapningskvittering: `${DPI}/aapningskvittering.schema.json`,
  varslingfeiletkvittering: `${DPI}/varslingfeiletkvittering.schema.json`,
  mottakskvittering: `${DPI}/mottakskvittering.schema.json`,
  returpostkvittering: `${DPI}/returpostkvittering.schema.json`,
  feil: `${DPI}/feil.schema.json`,
  flyttet: `${DPI}/flyttet.schema.json`,
} as const;

/** `documentIdentification.standard` of a DPI document type. */
export function dpiStandard(type: string): string {
  return `urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:${type}::1.0`;
}

/** The `ConversationId` scope identifier (process) of a message type. */
export function dpiProcess(type: 'digital' | 'utskrift'): string {
  return `urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:${type}:ver1.0`;
}

/** A type of {@link DPI_SCHEMA_IDS}. */
export type DpiDocumentType = keyof typeof DPI_SCHEMA_IDS;

/** One schema problem: where (`standardBusinessDocument.digital.ikkesensitivtittel`) and what. */
export interface DpiSchemaProblem {
  path: string;
  message: string;
}

/** RFC 4122 textual UUID, no `urn:uuid:` prefix (what Java's `UUID.fromString` reads). */
const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// ajv-formats is CommonJS; under Node's ESM loader the plugin may sit on `.default`.
const addFormats = ((ajvFormats as unknown as { default?: FormatsPlugin }).default ?? ajvFormats) as unknown as FormatsPlugin;

let compiled: ReadonlyMap<DpiDocumentType, ValidateFunction> | undefined;

function readFolder(folder: string): AnySchemaObject[] {
  return readdirSync(join(SCHEMA_DIR, folder))
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => readFileSync(join(SCHEMA_DIR, folder, n), 'utf8'))
    .filter((text) => text.trim() !== '')
    .map((text) => JSON.parse(text) as AnySchemaObject);
}

/**
 * The compiled validators, by type (compiled on the first call, then kept).
 *
 * @throws Error when a schema file is missing or does not compile (a broken install)
 */
export function dpiValidators(): ReadonlyMap<DpiDocumentType, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv({ strictSchema: true, strictTypes: false, strictTuples: false, allowUnionTypes: true, allErrors: true });
  addFormats(ajv, ['date', 'date-time', 'email', 'uri']);
  ajv.addFormat('uuid', UUID_PATTERN);
  for (const schema of [...readFolder('common'), ...readFolder('dpi')]) ajv.addSchema(schema);
  const map = new Map<DpiDocumentType, ValidateFunction>();
  for (const [type, id] of Object.entries(DPI_SCHEMA_IDS) as Array<[DpiDocumentType, string]>) {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`digitalpost: DPI schema ${id} not found`);
    map.set(type, validate);
  }
  compiled = map;
  return map;
}

/**
 * Validates a whole forretningsmelding (`{"standardBusinessDocument": {...}}`) against the DPI
 * schema of `type`.
 *
 * @returns the problems, without duplicates; empty when the document is valid
 */
export function dpiSchemaProblems(type: DpiDocumentType, document: unknown): DpiSchemaProblem[] {
  const validate = dpiValidators().get(type)!;
  if (validate(document)) return [];
  const seen = new Set<string>();
  const problems: DpiSchemaProblem[] = [];
  for (const error of validate.errors ?? []) {
    // oneOf/anyOf/if wrap the branch errors that say what is wrong; the wrapper adds nothing.
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const problem = toProblem(error);
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  validate.errors = null;
  return problems.length > 0 ? problems : [{ path: '(root)', message: 'does not match the schema' }];
}

/** `standardBusinessDocument.digital.varsler.smsvarsel` from a JSON pointer (array indexes as `[n]`). */
function pointerPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function formatPath(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out === '' ? '(root)' : out;
}

function toProblem(error: ErrorObject): DpiSchemaProblem {
  const segments = pointerPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  let message: string;
  switch (error.keyword) {
    case 'required':
      segments.push(String(params.missingProperty));
      message = 'is required';
      break;
    case 'additionalProperties':
      segments.push(String(params.additionalProperty));
      message = 'unknown property';
      break;
    case 'type':
      message = `must be ${Array.isArray(params.type) ? params.type.join(' or ') : String(params.type)}`;
      break;
    case 'enum':
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      message = `must be ${JSON.stringify(params.allowedValue)}`;
      break;
    case 'maxLength':
      message = `must be at most ${String(params.limit)} characters`;
      break;
    case 'minLength':
      message = `must be at least ${String(params.limit)} characters`;
      break;
    case 'minItems':
      message = `must hold at least ${String(params.limit)} items`;
      break;
    case 'maxItems':
      message = `must hold at most ${String(params.limit)} items`;
      break;
    case 'minimum':
    case 'maximum':
      message = `must be ${error.keyword === 'minimum' ? '>=' : '<='} ${String(params.limit)}`;
      break;
    case 'pattern':
      message = `must match the pattern ${String(params.pattern)}`;
      break;
    case 'format':
      message = `must be a valid ${String(params.format)}`;
      break;
    default:
      message = error.message ?? 'is invalid';
  }
  return { path: formatPath(segments), message };
}
