/**
 * The `Content-Disposition` header of a document: `inline` (shown in the browser) or
 * `attachment` (saved), with the file name both as a plain ASCII `filename` for old clients and
 * as `filename*` in UTF-8 (RFC 8187 ext-value), which clients that know it prefer.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6266 RFC 6266 §4.1, §4.3 (filename and filename*)
 * @see https://www.rfc-editor.org/rfc/rfc8187#section-3.2 RFC 8187 ext-value and attr-char
 */

/** RFC 8187 attr-char: the characters left as they are in `filename*`. */
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** A file name fit for a header: its last path segment, without control characters, at most 200 characters. */
export function safeFilename(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return ([...clean].slice(0, 200).join('') || 'dokument').replace(/^\.+$/, 'dokument');
}

/** RFC 8187 percent-encoding of a value in UTF-8 (every byte outside attr-char as %XX). */
function extValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The header value, e.g. `attachment; filename="Vedtak_om_st_tte.pdf"; filename*=UTF-8''Vedtak%20om%20st%C3%B8tte.pdf`.
 *
 * @param type `inline` or `attachment`
 * @param filename the document's file name (any characters; made safe with {@link safeFilename})
 */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const name = safeFilename(filename);
  // The fallback: printable ASCII without the quoted-string specials `"` and `\`, and no `%`
  // (some clients decode it); anything else becomes `_`.
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${type}; filename="${fallback}"; filename*=UTF-8''${extValue(name)}`;
}
