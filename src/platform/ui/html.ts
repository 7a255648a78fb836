/**
 * Auto-escaped HTML templates for server-rendered pages.
 *
 * Every value interpolated into an {@link html} template is escaped (`& < > " '`) unless it is
 * already a {@link SafeHtml}, so user data can never open a tag or break out of an attribute
 * value. Write attribute values in double quotes: `html\`<a href="${url}">\``.
 *
 * Note: escaping makes a value safe inside text and quoted attributes, not inside a `javascript:`
 * URL, a `<script>` or a `style` attribute; pages have no inline scripts or styles (the CSP
 * forbids them), and links built from user data must be checked by the caller.
 *
 * @see https://html.spec.whatwg.org/multipage/syntax.html#escapingString
 */
import { escape } from 'html-escaper';

/** A string of HTML that is trusted: the output of {@link html} or {@link raw}. */
export class SafeHtml {
  /** The HTML text. */
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  /** The HTML text, so a `SafeHtml` can be sent as a body or concatenated. */
  toString(): string {
    return this.value;
  }
}

/**
 * Renders one interpolated value: `SafeHtml` as-is; `null`, `undefined` and `false` as nothing;
 * arrays (and other iterables but strings) element by element; anything else `String()`-ed
 * and escaped.
 */
function renderValue(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(renderValue).join('');
  return escape(String(value));
}

/**
 * Tagged template that escapes every interpolated value (see {@link renderValue} rules above:
 * `SafeHtml` passes through, arrays are joined with each element escaped or kept,
 * `null`/`undefined`/`false` render as '').
 *
 * @example html`<p class="ds-paragraph">${user.name}</p>`
 * @returns the rendered HTML, trusted
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += renderValue(values[i]) + (strings[i + 1] ?? '');
  }
  return new SafeHtml(out);
}

/**
 * Marks a string as trusted HTML without escaping it. For constants written in the code only,
 * never for anything that came from a request, the database or another service.
 */
export function raw(value: string): SafeHtml {
  return new SafeHtml(value);
}
