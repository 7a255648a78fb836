/**
 * Rule: no string of a business message holds a control character or an unpaired surrogate.
 *
 * - Control characters are Unicode's general category Cc: the C0 controls U+0000–U+001F, DEL
 *   U+007F and the C1 controls U+0080–U+009F. None is text a citizen can read; NUL cannot be
 *   stored in a PostgreSQL `text` column at all ("invalid byte sequence for encoding UTF8:
 *   0x00"), ESC and the other C0 controls reach e-mail, SMS, the inbox page and the printed
 *   address as they are.
 * - An unpaired surrogate (U+D800–U+DFFF alone, which JSON's `\ud800` escape can produce) is no
 *   character and no UTF-8: the database driver would replace it with U+FFFD, so the letter
 *   would differ from what the sender signed.
 * - The exception: a multi-line text (DPI's `varslingstekst`, the notification text) may hold
 *   tab (U+0009), line feed (U+000A) and carriage return only as CR LF (U+000D U+000A). A lone
 *   CR is refused: SMTP allows no bare CR in a body (RFC 5321 §2.3.8), and a text means the same
 *   with LF.
 *
 * Values are checked, property names are not (the DPI schemas allow no unknown property).
 *
 * @see https://www.unicode.org/reports/tr44/#General_Category_Values (Cc); RFC 8259 §8.2
 *   (unpaired surrogates); RFC 5321 §2.3.8
 */
import type { DpiSchemaProblem } from '../dpi-schemas.ts';

/** Most problems {@link controlCharacterProblems} reports (the first ones, in document order). */
export const MAX_CONTROL_CHARACTER_PROBLEMS = 20;

/** Options of {@link controlCharacterProblems}. */
export interface ControlCharacterOptions {
  /**
   * Names of properties whose string values are multi-line texts (tab, LF and CR LF allowed),
   * wherever they occur. Default `['varslingstekst']` (DPI); the Next Move message's are
   * `epostTekst` and `smsTekst`.
   */
  multilineKeys?: readonly string[];
}

/** The properties DPI allows line breaks in: the notification texts (`epostvarsel`/`smsvarsel.varslingstekst`). */
export const DPI_MULTILINE_KEYS: readonly string[] = ['varslingstekst'];

/** `U+001B`. */
function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Whether a UTF-16 code unit is a control character (Cc). */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/**
 * What is wrong with one string, or null: the first offending character, with its index (in
 * UTF-16 code units, 0-based, as JavaScript counts).
 */
function stringProblem(value: string, multiline: boolean): string | null {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `must be well-formed Unicode (unpaired surrogate ${codePoint(code)} at index ${i})`;
    }
    if (!isControl(code)) continue;
    if (multiline && (code === 0x09 || code === 0x0a)) continue;
    if (multiline && code === 0x0d && value.charCodeAt(i + 1) === 0x0a) {
      i++;
      continue;
    }
    return multiline
      ? `must not contain the control character ${codePoint(code)} (at index ${i}; only tab, line feed and CR LF are allowed here)`
      : `must not contain control characters (${codePoint(code)} at index ${i})`;
  }
  return null;
}

/**
 * Every string in `value` (a parsed JSON document, walked depth first in document order) that
 * holds a control character or an unpaired surrogate (see the module comment), as
 * `{path, message}`: `path` starts with `path` and goes on like the schema problems
 * (`standardBusinessDocument.digital.varsler.smsvarsel.varslingstekst`, `…scope[0].identifier`).
 * At most {@link MAX_CONTROL_CHARACTER_PROBLEMS}. Walks without recursion (any depth).
 *
 * @param value any JSON value (other values than strings, arrays and plain objects are skipped)
 * @param path where `value` is (`(root)` for nothing)
 * @returns the problems; empty when every string is clean
 */
export function controlCharacterProblems(value: unknown, path: string, options: ControlCharacterOptions = {}): DpiSchemaProblem[] {
  const multilineKeys = new Set(options.multilineKeys ?? DPI_MULTILINE_KEYS);
  const problems: DpiSchemaProblem[] = [];
  const stack: Array<{ value: unknown; path: string; multiline: boolean }> = [{ value, path, multiline: false }];
  while (stack.length > 0 && problems.length < MAX_CONTROL_CHARACTER_PROBLEMS) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const message = stringProblem(item.value, item.multiline);
      if (message !== null) problems.push({ path: item.path, message });
    } else if (Array.isArray(item.value)) {
      for (let i = item.value.length - 1; i >= 0; i--) stack.push({ value: item.value[i], path: `${item.path}[${i}]`, multiline: false });
    } else if (item.value !== null && typeof item.value === 'object') {
      const entries = Object.entries(item.value as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        stack.push({ value: child, path: item.path === '(root)' || item.path === '' ? key : `${item.path}.${key}`, multiline: multilineKeys.has(key) });
      }
    }
  }
  return problems;
}
