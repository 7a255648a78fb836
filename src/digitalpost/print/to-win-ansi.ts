/**
 * Text made safe for the PDF standard fonts.
 *
 * The 14 standard fonts (Helvetica here) are drawn with WinAnsiEncoding (Windows-1252; PDF 32000-1
 * Annex D.2), which covers Norwegian fully (æ ø å Æ Ø Å, also é, ü, «», –, €), but not, say,
 * Polish ł, Sámi ŋ/č/đ or emoji. pdf-lib throws on a character the font cannot encode; a letter
 * must print anyway, so such characters become "?".
 */
import type { PDFFont } from '@pdfme/pdf-lib';

/** Characters outside WinAnsi with a close stand-in inside it. */
const STAND_INS: Readonly<Record<string, string>> = {
  '\u2010': '-', // hyphen
  '\u2011': '-', // non-breaking hyphen
  '\u2012': '–', // figure dash
  '\u2212': '-', // minus sign
  '\u2007': ' ', // figure space
  '\u2009': ' ', // thin space
  '\u200A': ' ', // hair space
  '\u202F': '\u00A0', // narrow no-break space (Norwegian thousands separator in Intl output)
  '\u2028': ' ', // line separator
  '\u2029': ' ', // paragraph separator
  '\u200B': '', // zero-width space
  '\u200C': '',
  '\u200D': '',
  '\u2060': '',
  '\uFEFF': '', // byte-order mark
};

const charsets = new WeakMap<PDFFont, ReadonlySet<number>>();

function charsetOf(font: PDFFont): ReadonlySet<number> {
  let set = charsets.get(font);
  if (set === undefined) {
    set = new Set(font.getCharacterSet());
    charsets.set(font, set);
  }
  return set;
}

/**
 * One line of text the font can draw: NFC-normalised (so "a" + combining ring becomes "å"),
 * tabs as four spaces, line breaks as spaces, other control characters dropped, a few typographic
 * characters mapped to WinAnsi ones, and every character the font cannot encode replaced by "?".
 *
 * @param text any string.
 * @param font the embedded font the text will be drawn with.
 */
export function toWinAnsi(text: string, font: PDFFont): string {
  const charset = charsetOf(font);
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\t') out += '    ';
    else if (ch === '\n' || ch === '\r') out += ' ';
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    else if (charset.has(cp)) out += ch;
    else out += STAND_INS[ch] ?? '?';
  }
  return out;
}
