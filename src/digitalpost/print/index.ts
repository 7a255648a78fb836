/**
 * The print provider's rules and rendering for `utskrift` letters (Digital postkasse's print
 * fallback): the postal-address rules, Grunnmur's return-mail convention, and the printable PDF.
 * Pure functions, no database, no HTTP. README.md in this folder has the details; the section for
 * the component README:
 *
 * > **Print (`utskrift`).** Addresses are checked against Digdir's `adresseInformasjon` schema
 * > (including its `oneOf`: either the Norwegian form with `postnummer` + `poststed`, or the
 * > foreign form with `land` or `landkode`, never both) and the integration point's rule from
 * > efm-integrasjonspunkt PR #1187 (non-empty `adresselinje1`; non-empty `postnummer` and
 * > `poststed` in a Norwegian address). The print provider renders a PDF: a cover page with the
 * > address block placed for the left window of a C5/C4 envelope (20 mm from the left, 45–79 mm
 * > from the top, 90 mm wide), the return address in small print above it, the sender, the date
 * > and the `utskriftstype`/`posttype` marks; then the documents (PDF pages appended as they are;
 * > text/plain and text/html typeset; PNG/JPEG on a page each; anything else a page saying it
 * > cannot be printed). `SORT_HVIT` is drawn in black and the documents are left as they are
 * > (no greyscale conversion). **Return mail (test convention):** a letter whose `adresselinje1`
 * > contains the word "Ukjent" (any case) or whose `postnummer` is "0000" comes back, giving a
 * > `returpostkvittering`.
 */
export {
  checkPostadresse,
  checkRetur,
  isNorwegianAddress,
  POSTADRESSE_FIELDS,
  RETURPOSTHAANDTERING,
  type Postadresse,
  type Retur,
  type Returposthaandtering,
} from './check-postadresse.ts';
export { isUndeliverable } from './is-undeliverable.ts';
export { formatAddressLines, formatAddressOneLine } from './format-address-lines.ts';
export { renderPrintPdf, type PrintDocument, type RenderPrintPdfInput } from './render-print-pdf.ts';
