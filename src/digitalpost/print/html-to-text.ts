/**
 * HTML to plain text for printing: tags stripped, block elements as line breaks, entities decoded.
 * Not a browser: no CSS, no layout, no images; enough to print a letter written as simple HTML
 * (paragraphs, headings, lists, tables, line breaks).
 */

/** Named character references worth knowing in Norwegian letters (HTML's full list has 2 231). */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0', shy: '\u00AD',
  aelig: 'æ', AElig: 'Æ', oslash: 'ø', Oslash: 'Ø', aring: 'å', Aring: 'Å',
  auml: 'ä', Auml: 'Ä', ouml: 'ö', Ouml: 'Ö', uuml: 'ü', Uuml: 'Ü', eacute: 'é', Eacute: 'É',
  egrave: 'è', aacute: 'á', oacute: 'ó', ecirc: 'ê', ccedil: 'ç', szlig: 'ß',
  ndash: '–', mdash: '—', hellip: '…', laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’',
  ldquo: '“', rdquo: '”', bdquo: '„', bull: '•', middot: '·', sect: '§', para: '¶', deg: '°',
  copy: '©', reg: '®', trade: '™', euro: '€', pound: '£', times: '×', divide: '÷', plusmn: '±',
  frac12: '½', frac14: '¼', frac34: '¾', ordm: 'º', ordf: 'ª', iexcl: '¡', iquest: '¿',
};

/** Elements whose content is not text (dropped with their content). */
const DROPPED = /<(script|style|head|title|template|noscript|svg|object)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

/** Elements that begin and end a line. */
const BLOCK =
  /<\/?(p|div|h[1-6]|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|section|article|header|footer|nav|aside|main|blockquote|pre|address|figure|figcaption|hr|form|fieldset|caption|center)\b[^>]*>/gi;

/**
 * The text of an HTML document or fragment.
 *
 * Whitespace collapses as in HTML (inside `<pre>` too — a deliberate simplification); `<br>` and
 * block elements break lines, `<li>` starts a line with "• ", table cells are separated by
 * " | "; comments, `<script>`, `<style>`, `<head>` and the like are dropped; entities (named ones
 * from a short list, all numeric ones) are decoded; an unknown named entity is kept as written.
 *
 * @param html the markup.
 * @returns lines separated by "\n", without leading or trailing blank lines, at most one blank
 *   line in a row.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<![^>]*>/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(DROPPED, '')
    // HTML's whitespace only: a literal no-break space (which JS's \s includes) stays.
    .replace(/[ \t\n\r\f]+/g, ' ')
    .replace(/<br\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n• ')
    .replace(/<\/li\s*>/gi, '\n')
    .replace(/<\/t[dh]\s*>\s*(?=<t[dh]\b)/gi, ' | ')
    .replace(BLOCK, '\n\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}

function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      // Out-of-range and surrogate code points become U+FFFD, as HTML parsers do.
      return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\uFFFD';
    }
    return NAMED[ref] ?? whole;
  });
}
