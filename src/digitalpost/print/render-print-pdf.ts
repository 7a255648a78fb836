/**
 * The print provider's printable PDF of an `utskrift` letter: a cover page with the address block
 * for a window envelope, then the letter's documents.
 *
 * Cover page (A4 portrait, measurements from the top-left corner of the sheet):
 * - **Address field**, placed for the left window of the common Norwegian window envelopes
 *   (C5, C6/5, E6/5, EC4): the windows start 15 mm from the left edge and 39–44 mm from the top,
 *   and are 30–40 mm high and 95–105 mm wide (officeconsult.no, "Brevmaler: plassering av
 *   mottakerfelt i vinduskonvolutter"; "over 15 mm from the left and about 44 mm from the top fits
 *   most envelopes"). Grunnmur writes the field from 20 mm from the left, 90 mm wide (5 mm of play
 *   on each side of a 100 mm window), between 45 and 79 mm from the top (inside the C5 window,
 *   44–79 mm, and the EC4 window, 42–82 mm): the return address on one line in 7 pt (6 pt when
 *   long) with its first baseline 48 mm from the top, then the recipient in 10 pt Helvetica
 *   (8 pt when a line is too long; a line still too long is cut with "…"), 11 pt apart, first
 *   baseline 54 mm from the top, at most 7 lines. Posten's rules for the field, as 21grams
 *   summarises them ("Adressera rätt i Norge"): a sans-serif font of 10–12 pt, not bold, one
 *   size, straight left margin, no empty lines; the return address on one line or after a
 *   keyword such as "Returadresse", not larger than the recipient's.
 * - **Sender name** in bold at the top left (25 mm), outside the window; the date (Europe/Oslo,
 *   dd.mm.yyyy) at the right, level with the address.
 * - **Posttype mark** top right: a box with A or B (and A-PRIORITERT / B-ØKONOMI, the
 *   integration point's names for them); B when the message gives none (the integration point's
 *   default, docs.digdir.no "Dokumenttype: Print").
 * - **Forsendelse**: sender, `utskriftstype`, `posttype`, `returposthaandtering`, page count; then
 *   the list of documents with the pages each takes.
 *
 * Documents, in the order given (the caller puts the main document first):
 * - `application/pdf`: its pages appended unchanged. An encrypted PDF with an empty user password
 *   (permissions only) is opened; one that needs a password cannot be printed.
 * - `text/plain` and `text/html` (tags stripped, see `htmlToText`): typeset on A4 in 11 pt
 *   Helvetica with the title on top and "title – side i av n" at the foot. Charset from the MIME
 *   type's `charset` parameter (HTML: also `<meta charset>`), UTF-8 otherwise.
 * - `image/png`, `image/jpeg`: one page each, fitted inside 15 mm margins (landscape page for a
 *   landscape image) under a caption with the title.
 * - any other type, and any file that cannot be read as its type: one page saying, in Norwegian
 *   and English, that the attachment cannot be printed, with its title, file name, type and why.
 *
 * `utskriftstype`: everything Grunnmur draws is black for `SORT_HVIT`; `FARGE` only adds a blue
 * accent to the cover's headings. The documents themselves are left as they are in both cases
 * (no conversion to greyscale): the real print provider prints the whole letter in the chosen
 * colour mode, which a PDF does not need to carry.
 *
 * Text outside WinAnsi (the standard fonts' encoding; æøå ÆØÅ are in it) prints as "?" (see
 * `toWinAnsi`). Library: `@pdfme/pdf-lib` (maintained fork of pdf-lib, MIT, pure JS).
 *
 * @see spec `krr-dpi-esign.md` §2 "Print fallback"; schema `innbyggerpost_dpi_utskrift_1_0`.
 */
import {
  EncryptedPDFError,
  PageSizes,
  PDFDocument,
  type PDFFont,
  type PDFPage,
  rgb,
  type RGB,
  StandardFonts,
} from '@pdfme/pdf-lib';
import type { Postadresse, Retur } from './check-postadresse.ts';
import { formatAddressLines, formatAddressOneLine } from './format-address-lines.ts';
import { htmlToText } from './html-to-text.ts';
import { toWinAnsi } from './to-win-ansi.ts';

/** One document of the letter, as the document package (ASiC-E) holds it. */
export interface PrintDocument {
  filename: string;
  /** MIME type from the package manifest, parameters allowed (`text/plain; charset=iso-8859-1`). */
  mimeType: string;
  content: Uint8Array;
  /** Title from the manifest, when it has one (shown instead of the file name). */
  tittel?: string | null;
}

/** Input of {@link renderPrintPdf}. */
export interface RenderPrintPdfInput {
  /** `utskrift.mottaker`. */
  mottaker: Postadresse;
  /** `utskrift.retur`. */
  retur: Retur;
  /** The sender's name (from Enhetsregisteret), printed on the cover. */
  avsenderNavn: string;
  /** The letter's documents, main document first. */
  documents: readonly PrintDocument[];
  /** `utskrift.utskriftstype`. */
  utskriftstype: 'SORT_HVIT' | 'FARGE';
  /** `utskrift.posttype`; absent means B. */
  posttype?: 'A' | 'B' | null;
  /** The date printed on the cover and the PDF's creation date; default now. */
  now?: Date;
}

const MM = 72 / 25.4;
const [A4_WIDTH, A4_HEIGHT] = PageSizes.A4 as [number, number];
const BLACK = rgb(0, 0, 0);
/** Accent for `FARGE` (Digdir-like blue). */
const BLUE = rgb(0, 0.27, 0.55);

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** What became of one document: its pages, or why it could not be printed. */
interface RenderedDocument {
  title: string;
  filename: string;
  mimeType: string;
  pages: number;
  /** Set when the document got the "cannot be printed" page. */
  unprintable: boolean;
}

/**
 * Renders the printable PDF of an `utskrift` letter (see the module comment for the layout).
 * Never throws for a document it cannot print: that document gets a page saying so.
 *
 * @returns `pdf`: the PDF bytes; `pages`: its page count (cover included).
 */
export async function renderPrintPdf(input: RenderPrintPdfInput): Promise<{ pdf: Uint8Array; pages: number }> {
  const now = input.now ?? new Date();
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
  };

  const rendered: RenderedDocument[] = [];
  for (const document of input.documents) rendered.push(await renderDocument(doc, fonts, document));

  const cover = doc.insertPage(0, PageSizes.A4);
  drawCover(cover, fonts, input, rendered, doc.getPageCount(), now);

  doc.setTitle(toWinAnsi(`Brev fra ${input.avsenderNavn}`, fonts.regular));
  doc.setLanguage('nb');
  doc.setProducer('Grunnmur');
  doc.setCreator('Grunnmur Digital postkasse, utskrift');
  doc.setCreationDate(now);
  doc.setModificationDate(now);
  const pdf = await doc.save();
  return { pdf, pages: doc.getPageCount() };
}

async function renderDocument(doc: PDFDocument, fonts: Fonts, d: PrintDocument): Promise<RenderedDocument> {
  const title = d.tittel != null && d.tittel.trim() !== '' ? d.tittel.trim() : d.filename;
  const base = { title, filename: d.filename, mimeType: d.mimeType };
  const type = d.mimeType.split(';')[0]!.trim().toLowerCase();
  const before = doc.getPageCount();
  const content = ownBuffer(d.content);
  let unprintable: Reason | null = null;
  try {
    if (type === 'application/pdf') unprintable = await appendPdf(doc, content);
    else if (type === 'text/plain') typesetText(doc, fonts, title, decodeText(content, d.mimeType, false));
    else if (type === 'text/html') typesetText(doc, fonts, title, htmlToText(decodeText(content, d.mimeType, true)));
    else if (type === 'image/png') await placeImage(doc, fonts, title, 'png', content);
    else if (type === 'image/jpeg' || type === 'image/jpg' || type === 'image/pjpeg') await placeImage(doc, fonts, title, 'jpeg', content);
    else unprintable = REASONS.type;
  } catch {
    unprintable = type === 'application/pdf' ? REASONS.pdf : type.startsWith('image/') ? REASONS.image : REASONS.text;
  }
  if (unprintable !== null) {
    // Drop whatever a failed attempt left behind before writing the explanation.
    while (doc.getPageCount() > before) doc.removePage(doc.getPageCount() - 1);
    drawUnprintable(doc, fonts, d, title, unprintable);
  }
  return { ...base, pages: doc.getPageCount() - before, unprintable: unprintable !== null };
}

/**
 * The bytes in an array of their own. pdf-lib's PNG and JPEG embedders read `bytes.buffer` from
 * offset 0 (`UPNG.decode(pngData.buffer)`, `new DataView(imageData.buffer)`), so a view into a
 * larger buffer (a pooled Node `Buffer`, a slice of an unzipped container) reads as "not a PNG
 * file" or the wrong image; copying costs little next to rendering.
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

interface Reason {
  nb: string;
  en: string;
}

const REASONS = {
  type: { nb: 'filtypen kan ikke skrives ut', en: 'its type cannot be printed' },
  pdf: { nb: 'PDF-filen kunne ikke leses', en: 'the PDF file could not be read' },
  encrypted: { nb: 'PDF-filen er passordbeskyttet', en: 'the PDF file is protected by a password' },
  empty: { nb: 'PDF-filen har ingen sider', en: 'the PDF file has no pages' },
  image: { nb: 'bildet kunne ikke leses', en: 'the image could not be read' },
  text: { nb: 'teksten kunne ikke settes', en: 'the text could not be typeset' },
} as const satisfies Record<string, Reason>;

/** Appends the pages of a PDF unchanged; returns why not when it cannot. */
async function appendPdf(doc: PDFDocument, bytes: Uint8Array): Promise<Reason | null> {
  let source: PDFDocument;
  try {
    source = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (error) {
    if (!(error instanceof EncryptedPDFError)) return REASONS.pdf;
    try {
      // Encrypted for permissions only (empty user password), as many generated letters are.
      source = await PDFDocument.load(bytes, { updateMetadata: false, password: '' });
    } catch {
      return REASONS.encrypted;
    }
  }
  if (source.getPageCount() === 0) return REASONS.empty;
  const pages = await doc.copyPages(source, source.getPageIndices());
  for (const page of pages) doc.addPage(page);
  return null;
}

/** Text of a text document: charset from the MIME type (or an HTML `<meta charset>`), else UTF-8. */
function decodeText(bytes: Uint8Array, mimeType: string, html: boolean): string {
  let label = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(mimeType)?.[1];
  if (label === undefined && html) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
    label = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
  }
  try {
    return new TextDecoder(label ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const TEXT = { margin: 25 * MM, size: 11, leading: 14.5, titleSize: 13, footerSize: 8 };

/** Typesets text on A4 pages: title, wrapped lines, "title – side i av n" at the foot of each. */
function typesetText(doc: PDFDocument, fonts: Fonts, title: string, text: string): void {
  const width = A4_WIDTH - 2 * TEXT.margin;
  const lines: string[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    lines.push(...wrap(toWinAnsi(raw, fonts.regular).trimEnd(), fonts.regular, TEXT.size, width));
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const titleLines = wrap(toWinAnsi(title, fonts.bold), fonts.bold, TEXT.titleSize, width);

  // Paginate: the first page begins with the title.
  const top = A4_HEIGHT - TEXT.margin - TEXT.size;
  const bottom = TEXT.margin + 2 * TEXT.footerSize;
  const pages: string[][] = [];
  let current: string[] = [];
  let y = top - titleLines.length * (TEXT.titleSize + 4) - TEXT.leading;
  for (const line of lines) {
    if (y < bottom) {
      pages.push(current);
      current = [];
      y = top;
    }
    current.push(line);
    y -= TEXT.leading;
  }
  pages.push(current);

  const footerTitle = fit(toWinAnsi(title, fonts.regular), fonts.regular, TEXT.footerSize, width - 30 * MM);
  pages.forEach((pageLines, i) => {
    const page = doc.addPage(PageSizes.A4);
    let y = top;
    if (i === 0) {
      for (const t of titleLines) {
        page.drawText(t, { x: TEXT.margin, y, size: TEXT.titleSize, font: fonts.bold, color: BLACK });
        y -= TEXT.titleSize + 4;
      }
      y -= TEXT.leading; // one blank line under the title, as in the pagination above
    }
    for (const line of pageLines) {
      if (line !== '') page.drawText(line, { x: TEXT.margin, y, size: TEXT.size, font: fonts.regular, color: BLACK });
      y -= TEXT.leading;
    }
    page.drawText(`${footerTitle} – side ${i + 1} av ${pages.length}`, {
      x: TEXT.margin,
      y: TEXT.margin - TEXT.footerSize,
      size: TEXT.footerSize,
      font: fonts.regular,
      color: BLACK,
    });
  });
}

/** One page with a PNG or JPEG fitted inside 15 mm margins, under a caption with the title. */
async function placeImage(doc: PDFDocument, fonts: Fonts, title: string, kind: 'png' | 'jpeg', bytes: Uint8Array): Promise<void> {
  const image = kind === 'png' ? await doc.embedPng(bytes) : await doc.embedJpg(bytes);
  const landscape = image.width > image.height;
  const [w, h] = landscape ? [A4_HEIGHT, A4_WIDTH] : [A4_WIDTH, A4_HEIGHT];
  const margin = 15 * MM;
  const captionSize = 9;
  const page = doc.addPage([w, h]);
  const caption = fit(toWinAnsi(title, fonts.regular), fonts.regular, captionSize, w - 2 * margin);
  page.drawText(caption, { x: margin, y: h - margin - captionSize, size: captionSize, font: fonts.regular, color: BLACK });
  const boxWidth = w - 2 * margin;
  const boxHeight = h - 2 * margin - captionSize - 4 * MM;
  const scale = Math.min(boxWidth / image.width, boxHeight / image.height);
  const drawWidth = image.width * scale;
  const drawHeight = image.height * scale;
  page.drawImage(image, {
    x: margin + (boxWidth - drawWidth) / 2,
    y: margin + boxHeight - drawHeight,
    width: drawWidth,
    height: drawHeight,
  });
}

/** The page standing in for a document that cannot be printed. */
function drawUnprintable(doc: PDFDocument, fonts: Fonts, d: PrintDocument, title: string, reason: Reason): void {
  const page = doc.addPage(PageSizes.A4);
  const x = TEXT.margin;
  const width = A4_WIDTH - 2 * TEXT.margin;
  let y = A4_HEIGHT - TEXT.margin - 14;
  page.drawText('Vedlegget kan ikke skrives ut', { x, y, size: 14, font: fonts.bold, color: BLACK });
  y -= 28;
  const rows: Array<[string, string]> = [
    ['Tittel', title],
    ['Filnavn', d.filename],
    ['Type', d.mimeType],
    ['Årsak', reason.nb],
  ];
  for (const [label, value] of rows) {
    page.drawText(`${label}:`, { x, y, size: 10, font: fonts.bold, color: BLACK });
    for (const line of wrap(toWinAnsi(value, fonts.regular), fonts.regular, 10, width - 25 * MM)) {
      page.drawText(line, { x: x + 25 * MM, y, size: 10, font: fonts.regular, color: BLACK });
      y -= 14;
    }
  }
  y -= 14;
  const english = `This attachment cannot be printed: ${reason.en}. File: ${d.filename} (${d.mimeType}).`;
  for (const line of wrap(toWinAnsi(english, fonts.regular), fonts.regular, 10, width)) {
    page.drawText(line, { x, y, size: 10, font: fonts.regular, color: BLACK });
    y -= 14;
  }
  y -= 14;
  const advice = 'Kontakt avsenderen dersom du trenger dette vedlegget.';
  page.drawText(advice, { x, y, size: 10, font: fonts.regular, color: BLACK });
}

/** Cover page geometry, in mm from the top-left corner (see the module comment). */
const WINDOW = { left: 20, width: 90, returBaseline: 48, firstBaseline: 54, leading: 11, size: 10, minSize: 8 };

function drawCover(
  page: PDFPage,
  fonts: Fonts,
  input: RenderPrintPdfInput,
  rendered: readonly RenderedDocument[],
  totalPages: number,
  now: Date,
): void {
  const accent: RGB = input.utskriftstype === 'FARGE' ? BLUE : BLACK;
  const fromTop = (mm: number): number => A4_HEIGHT - mm * MM;
  const x = WINDOW.left * MM;
  const windowWidth = WINDOW.width * MM;
  const { regular, bold } = fonts;

  // Sender, top left, outside the window.
  const sender = fitShrinking(toWinAnsi(input.avsenderNavn, bold), bold, 14, 10, 125 * MM);
  page.drawText(sender.text, { x, y: fromTop(25), size: sender.size, font: bold, color: accent });

  // Posttype mark, top right.
  const posttype = input.posttype === 'A' ? 'A' : 'B';
  const boxX = 160 * MM;
  const boxWidth = 30 * MM;
  page.drawRectangle({ x: boxX, y: fromTop(32), width: boxWidth, height: 17 * MM, borderColor: accent, borderWidth: 1 });
  const letterWidth = bold.widthOfTextAtSize(posttype, 24);
  page.drawText(posttype, { x: boxX + (boxWidth - letterWidth) / 2, y: fromTop(25), size: 24, font: bold, color: accent });
  const mark = toWinAnsi(posttype === 'A' ? 'A-PRIORITERT' : 'B-ØKONOMI', regular);
  const markWidth = regular.widthOfTextAtSize(mark, 7);
  page.drawText(mark, { x: boxX + (boxWidth - markWidth) / 2, y: fromTop(30), size: 7, font: regular, color: accent });

  // Return address: one line, small, after the keyword Posten recognises.
  const retur = fitShrinking(toWinAnsi(`Returadresse: ${formatAddressOneLine(input.retur.mottaker)}`, regular), regular, 7, 6, windowWidth);
  page.drawText(retur.text, { x, y: fromTop(WINDOW.returBaseline), size: retur.size, font: regular, color: BLACK });

  // Recipient: one font size for the whole block (Posten), shrunk only as far as 8 pt.
  const lines = formatAddressLines(input.mottaker).map((l) => toWinAnsi(l, regular)).slice(0, 7);
  let size = WINDOW.size;
  while (size > WINDOW.minSize && lines.some((l) => regular.widthOfTextAtSize(l, size) > windowWidth)) size -= 0.5;
  lines.forEach((line, i) => {
    page.drawText(fit(line, regular, size, windowWidth), {
      x,
      y: fromTop(WINDOW.firstBaseline) - i * WINDOW.leading,
      size,
      font: regular,
      color: BLACK,
    });
  });

  // Date, right, level with the return address.
  const date = `Dato: ${formatDate(now)}`;
  page.drawText(date, { x: 190 * MM - regular.widthOfTextAtSize(date, 9), y: fromTop(WINDOW.returBaseline), size: 9, font: regular, color: BLACK });

  // Forsendelse: the print order, then the contents.
  const labelX = x;
  const valueX = x + 45 * MM;
  const valueWidth = 190 * MM - valueX;
  let y = fromTop(100);
  page.drawText('Forsendelse', { x: labelX, y, size: 12, font: bold, color: accent });
  y -= 18;
  const handling =
    input.retur.returposthaandtering === 'MAKULERING_MED_MELDING'
      ? 'MAKULERING_MED_MELDING (makuleres, avsenderen får melding)'
      : 'DIREKTE_RETUR (sendes tilbake til returadressen)';
  const rows: Array<[string, string]> = [
    ['Avsender', input.avsenderNavn],
    ['Utskriftstype', input.utskriftstype === 'FARGE' ? 'FARGE (farger)' : 'SORT_HVIT (sort-hvitt)'],
    ['Posttype', posttype === 'A' ? 'A (A-prioritert)' : 'B (B-økonomi)'],
    ['Returposthåndtering', handling],
    ['Antall sider', `${totalPages} (denne forsiden og ${totalPages - 1} ${totalPages - 1 === 1 ? 'side' : 'sider'} innhold)`],
  ];
  for (const [label, value] of rows) {
    page.drawText(toWinAnsi(label, bold), { x: labelX, y, size: 9, font: bold, color: BLACK });
    for (const line of wrap(toWinAnsi(value, regular), regular, 9, valueWidth)) {
      page.drawText(line, { x: valueX, y, size: 9, font: regular, color: BLACK });
      y -= 12;
    }
  }

  y -= 12;
  page.drawText('Innhold', { x: labelX, y, size: 12, font: bold, color: accent });
  y -= 18;
  const bottom = 25 * MM;
  const numberWidth = 8 * MM;
  for (const [i, r] of rendered.entries()) {
    const pages = `${r.pages} ${r.pages === 1 ? 'side' : 'sider'}`;
    const detail = r.unprintable ? `${r.filename} (${r.mimeType}), kan ikke skrives ut` : `${r.filename} (${r.mimeType}), ${pages}`;
    const itemLines = [
      ...wrap(toWinAnsi(r.title, bold), bold, 9, valueWidth + 45 * MM - numberWidth),
      ...wrap(toWinAnsi(detail, regular), regular, 9, valueWidth + 45 * MM - numberWidth),
    ];
    if (y - itemLines.length * 12 < bottom + 12) {
      const rest = rendered.length - i;
      page.drawText(`… og ${rest} ${rest === 1 ? 'dokument' : 'dokumenter'} til`, { x: labelX, y, size: 9, font: regular, color: BLACK });
      break;
    }
    page.drawText(`${i + 1}.`, { x: labelX, y, size: 9, font: regular, color: BLACK });
    itemLines.forEach((line, j) => {
      page.drawText(line, { x: labelX + numberWidth, y: y - j * 12, size: 9, font: j === 0 ? bold : regular, color: BLACK });
    });
    y -= itemLines.length * 12 + 4;
  }

  page.drawText(toWinAnsi('Forside for utskrift og forsendelse. Grunnmur — syntetisk utskriftstjeneste.', regular), {
    x,
    y: 12 * MM,
    size: 7,
    font: regular,
    color: BLACK,
  });
}

/** dd.mm.yyyy in Norway's time zone. */
function formatDate(d: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Oslo', day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(d);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}.${part('month')}.${part('year')}`;
}

/** The text at the largest size from `max` down to `min` (half points) at which it fits; cut with "…" if not even at `min`. */
function fitShrinking(text: string, font: PDFFont, max: number, min: number, width: number): { text: string; size: number } {
  for (let size = max; size >= min; size -= 0.5) {
    if (font.widthOfTextAtSize(text, size) <= width) return { text, size };
  }
  return { text: fit(text, font, min, width), size: min };
}

/** The text cut with "…" so that it fits the width (unchanged when it fits). */
function fit(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  const chars = [...text];
  let n = longestFittingPrefix(chars, font, size, width - font.widthOfTextAtSize('…', size));
  while (n > 0 && chars[n - 1] === ' ') n--;
  return `${chars.slice(0, n).join('')}…`;
}

/**
 * Greedy word wrap at spaces; a word wider than the line is broken between characters. Leading
 * spaces of the first line (indentation) are kept; an empty input gives one empty line.
 */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (s: string): boolean => font.widthOfTextAtSize(s, size) <= width;
  if (fits(text)) return [text];
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/(?<= )(?=[^ ])/)) {
    if (fits((current + word).trimEnd())) {
      current += word;
      continue;
    }
    if (current.trim() !== '') {
      out.push(current.trimEnd());
      current = word;
    } else {
      current += word;
    }
    while (!fits(current.trimEnd())) {
      const chars = [...current];
      const n = Math.max(1, longestFittingPrefix(chars, font, size, width));
      out.push(chars.slice(0, n).join(''));
      current = chars.slice(n).join('');
    }
  }
  if (current.trim() !== '' || out.length === 0) out.push(current.trimEnd());
  return out;
}

/**
 * How many of the characters fit the width (binary search; at most 400 are tried, more than a
 * line of the narrowest glyph at the smallest size used here can hold).
 */
function longestFittingPrefix(chars: readonly string[], font: PDFFont, size: number, width: number): number {
  let lo = 0;
  let hi = Math.min(chars.length, 400);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (font.widthOfTextAtSize(chars.slice(0, mid).join(''), size) <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
