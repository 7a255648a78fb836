/**
 * Strings from a grant that reach a database query (`iss`, `kid`, `jti`) must be free of control
 * characters: PostgreSQL cannot hold U+0000 in text, and would fail the query instead of the
 * grant failing cleanly.
 */

const CONTROL = /[\u0000-\u001f\u007f]/;

/** True when `value` has no C0 control character and no DEL. */
export function isPrintable(value: string): boolean {
  return !CONTROL.test(value);
}
