import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFRawStream,
  StandardFonts,
} from '@pdfme/pdf-lib';
import {
  checkPostadresse,
  checkRetur,
  formatAddressLines,
  isUndeliverable,
  renderPrintPdf,
  type PrintDocument,
  type RenderPrintPdfInput,
} from './index.ts';

const M = 'utskrift.mottaker';
const NORSK = { navn: 'Ola Nordmann', adresselinje1: 'Liksomveien 22', postnummer: '1234', poststed: 'Nordby' } as const;
const SVENSK = { navn: 'Inger Lilja', adresselinje1: 'Vasavägen 3', adresselinje2: 'SE-582 20 Linköping' } as const;
const RETUR = {
  mottaker: { navn: 'Helse Foretak HF', adresselinje1: 'Lungehaugen 1', postnummer: '4321', poststed: 'Leikanger' },
  returposthaandtering: 'DIREKTE_RETUR',
} as const;

describe('checkPostadresse: Norwegian addresses', () => {
  it('accepts navn, adresselinje1, postnummer and poststed', () => {
    assert.deepEqual(checkPostadresse(NORSK, M), []);
    assert.deepEqual(checkPostadresse({ ...NORSK, adresselinje2: 'c/o Kari', adresselinje3: 'Leilighet H0201', adresselinje4: 'Bak huset' }, M), []);
  });

  for (const field of ['navn', 'adresselinje1'] as const) {
    it(`rejects an address without ${field}`, () => {
      const { [field]: _, ...rest } = NORSK;
      assert.deepEqual(checkPostadresse(rest, M), [`${M}.${field} is required`]);
    });
  }

  for (const field of ['postnummer', 'poststed'] as const) {
    it(`rejects a Norwegian address without ${field}`, () => {
      const { [field]: _, ...rest } = NORSK;
      assert.deepEqual(checkPostadresse(rest, M), [`${M}.${field} is required in a Norwegian address (one without land or landkode)`]);
    });
  }

  it('rejects an empty or blank adresselinje1 (PR #1187)', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, adresselinje1: '' }, M), [`${M}.adresselinje1 must not be empty`]);
    assert.deepEqual(checkPostadresse({ ...NORSK, adresselinje1: '   ' }, M), [`${M}.adresselinje1 must not be empty`]);
  });

  it('rejects an empty poststed in a Norwegian address (PR #1187)', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, poststed: '' }, M), [
      `${M}.poststed must not be empty in a Norwegian address (one without land or landkode)`,
    ]);
  });

  for (const bad of ['12A4', '123', '12345', ' 1234', '', '１２３４']) {
    it(`rejects postnummer ${JSON.stringify(bad)}: it must be 4 digits`, () => {
      assert.deepEqual(checkPostadresse({ ...NORSK, postnummer: bad }, M), [`${M}.postnummer must be 4 digits, got ${JSON.stringify(bad)}`]);
    });
  }

  it('names the example of the brief exactly', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, postnummer: '12A4' }, M), ['utskrift.mottaker.postnummer must be 4 digits, got "12A4"']);
  });

  for (const field of ['adresselinje1', 'adresselinje2', 'adresselinje3', 'adresselinje4'] as const) {
    it(`rejects ${field} over 100 characters and accepts exactly 100`, () => {
      assert.deepEqual(checkPostadresse({ ...NORSK, [field]: 'x'.repeat(100) }, M), []);
      assert.deepEqual(checkPostadresse({ ...NORSK, [field]: 'x'.repeat(101) }, M), [`${M}.${field} must be at most 100 characters, got 101`]);
    });
  }

  it('rejects poststed over 80 characters', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, poststed: 'å'.repeat(80) }, M), []);
    assert.deepEqual(checkPostadresse({ ...NORSK, poststed: 'å'.repeat(81) }, M), [`${M}.poststed must be at most 80 characters, got 81`]);
  });

  it('counts characters as JSON Schema does (code points, so an emoji is one)', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, adresselinje1: '😀'.repeat(100) }, M), []);
    assert.deepEqual(checkPostadresse({ ...NORSK, adresselinje1: '😀'.repeat(101) }, M), [`${M}.adresselinje1 must be at most 100 characters, got 101`]);
  });

  it('lets navn be of any length (the schema gives it no maxLength)', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, navn: 'N'.repeat(500) }, M), []);
  });

  it('rejects a Norwegian address that names Norway by landkode: the schema oneOf matches both forms', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, landkode: 'NO' }, M), [
      `${M} is a Norwegian address (landkode "NO") and must leave out landkode: the schema accepts either the Norwegian form (postnummer and poststed) or the foreign form (land or landkode), not both`,
    ]);
  });

  it('rejects land "Norge" without postnummer and poststed, and says the land has to go as well', () => {
    assert.deepEqual(checkPostadresse({ navn: 'Ola', adresselinje1: 'Gate 1', land: 'norge' }, M), [
      `${M}.postnummer is required in a Norwegian address (land "norge")`,
      `${M}.poststed is required in a Norwegian address (land "norge")`,
      `${M} is a Norwegian address (land "norge") and must leave out land: the schema accepts either the Norwegian form (postnummer and poststed) or the foreign form (land or landkode), not both`,
    ]);
  });
});

describe('checkPostadresse: foreign addresses', () => {
  it('accepts navn, adresselinje1 and land', () => {
    assert.deepEqual(checkPostadresse({ ...SVENSK, land: 'Sverige' }, M), []);
  });

  it('accepts navn, adresselinje1 and landkode (either case)', () => {
    assert.deepEqual(checkPostadresse({ ...SVENSK, landkode: 'SE' }, M), []);
    assert.deepEqual(checkPostadresse({ ...SVENSK, landkode: 'se' }, M), []);
  });

  it('treats an address with neither land nor landkode as Norwegian and asks for postnummer and poststed', () => {
    assert.deepEqual(checkPostadresse(SVENSK, M), [
      `${M}.postnummer is required in a Norwegian address (one without land or landkode)`,
      `${M}.poststed is required in a Norwegian address (one without land or landkode)`,
    ]);
  });

  it('rejects both land and landkode (the inner oneOf)', () => {
    assert.deepEqual(checkPostadresse({ ...SVENSK, land: 'Sverige', landkode: 'SE' }, M), [
      `${M} must give either land or landkode, not both (the schema's oneOf)`,
    ]);
  });

  it('rejects a foreign address with postnummer and poststed: the schema oneOf matches both forms', () => {
    assert.deepEqual(checkPostadresse({ ...SVENSK, postnummer: '5822', poststed: 'Linköping', land: 'Sverige' }, M), [
      `${M} is a foreign address and must leave out postnummer or poststed (write the postal code and town in an adresselinje): the schema accepts either the Norwegian form (postnummer and poststed) or the foreign form (land or landkode), not both`,
    ]);
  });

  it('applies the 4-digit postnummer pattern abroad too', () => {
    assert.deepEqual(checkPostadresse({ ...SVENSK, postnummer: 'SW1A 1AA', land: 'Storbritannia' }, M), [
      `${M}.postnummer must be 4 digits, got "SW1A 1AA"`,
    ]);
  });

  it('accepts a foreign address with a 4-digit postnummer but no poststed, as the schema does', () => {
    assert.deepEqual(checkPostadresse({ ...SVENSK, postnummer: '1000', land: 'Danmark' }, M), []);
  });

  it('rejects a foreign address without navn or adresselinje1', () => {
    assert.deepEqual(checkPostadresse({ adresselinje1: 'Vasavägen 3', land: 'Sverige' }, M), [`${M}.navn is required`]);
    assert.deepEqual(checkPostadresse({ navn: 'Inger Lilja', land: 'Sverige' }, M), [`${M}.adresselinje1 is required`]);
  });

  it('rejects a landkode that is not 2 letters and a land over 80 characters', () => {
    assert.deepEqual(checkPostadresse({ ...SVENSK, landkode: 'SWE' }, M), [
      `${M}.landkode must be 2 letters (an ISO 3166-1 alpha-2 code such as "SE"), got "SWE"`,
    ]);
    assert.deepEqual(checkPostadresse({ ...SVENSK, landkode: 'S1' }, M), [
      `${M}.landkode must be 2 letters (an ISO 3166-1 alpha-2 code such as "SE"), got "S1"`,
    ]);
    assert.deepEqual(checkPostadresse({ ...SVENSK, land: 'L'.repeat(81) }, M), [`${M}.land must be at most 80 characters, got 81`]);
  });
});

describe('checkPostadresse: shape', () => {
  it('rejects something that is not an object', () => {
    for (const [value, got] of [[null, 'null'], [[], 'an array'], ['Ola', '"Ola"'], [7, '7'], [undefined, 'undefined']] as const) {
      assert.deepEqual(checkPostadresse(value, M), [
        `${M} must be an object with the fields navn, adresselinje1, adresselinje2, adresselinje3, adresselinje4, postnummer, poststed, land, landkode, got ${got}`,
      ]);
    }
  });

  it('rejects unknown fields (additionalProperties: false)', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, gate: 'Storgata' }, M), [
      `${M}.gate is not an address field (the schema allows navn, adresselinje1, adresselinje2, adresselinje3, adresselinje4, postnummer, poststed, land, landkode)`,
    ]);
  });

  it('rejects fields that are not strings', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, postnummer: 1234 }, M), [`${M}.postnummer must be a string, got 1234`]);
    assert.deepEqual(checkPostadresse({ ...NORSK, navn: null }, M), [`${M}.navn must be a string, got null`]);
    assert.deepEqual(checkPostadresse({ ...NORSK, adresselinje2: ['a'] }, M), [`${M}.adresselinje2 must be a string, got an array`]);
  });

  it('uses the path it is given', () => {
    assert.deepEqual(checkPostadresse({ ...NORSK, postnummer: 'x' }, 'a.b[0]'), ['a.b[0].postnummer must be 4 digits, got "x"']);
  });

  it('cuts a huge value in the message', () => {
    const [problem] = checkPostadresse({ ...NORSK, postnummer: '9'.repeat(10_000) }, M);
    assert.ok(problem !== undefined && problem.length < 120, problem);
  });
});

describe('checkPostadresse mirrors the schema and the integration point exactly', () => {
  const schema = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../eformidling/schemas/dpi/innbyggerpost_dpi_utskrift_1_0.schema.json'), 'utf8'),
  ) as { definitions: { adresseInformasjon: Record<string, unknown> } };
  const { $id: _, ...adresseInformasjon } = schema.definitions.adresseInformasjon;
  const schemaValid = new Ajv({ strict: false }).compile(adresseInformasjon);

  /** PR #1187's rule, with landkode counted as a country (README). */
  const integrationPointValid = (a: Record<string, unknown>): boolean => {
    const filled = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
    const norwegian =
      (a.land === undefined && a.landkode === undefined) ||
      (typeof a.land === 'string' && /^(norge|norway)$/i.test(a.land.trim())) ||
      (typeof a.landkode === 'string' && a.landkode.trim().toUpperCase() === 'NO');
    return filled(a.adresselinje1) && (!norwegian || (filled(a.postnummer) && filled(a.poststed)));
  };

  /** A field: absent, a good value or a bad one, with weights that make about half the addresses valid. */
  const field = (absent: number, good: unknown[], bad: unknown[]) =>
    fc.oneof(
      { weight: absent, arbitrary: fc.constant<unknown>(undefined) },
      ...(good.length > 0 ? [{ weight: 6, arbitrary: fc.constantFrom(...good) }] : []),
      { weight: 1, arbitrary: fc.constantFrom(...bad) },
    );
  const address = fc
    .record({
      navn: field(1, ['Ola Nordmann', ''], [42, null]),
      adresselinje1: field(1, ['Gate 1'], ['', ' ', 'x'.repeat(101)]),
      adresselinje2: field(6, ['c/o Kari'], ['y'.repeat(101)]),
      adresselinje4: field(6, ['Linje 4'], [null]),
      postnummer: field(3, ['1234', '0000'], ['12A4', '', '123']),
      poststed: field(3, ['Oslo'], ['', 'p'.repeat(81)]),
      land: field(12, ['Sverige', 'Norge', ' NORWAY '], ['', 'l'.repeat(81)]),
      landkode: field(12, ['SE', 'no'], ['SWE', '']),
      gate: field(40, [], ['Storgata 1']),
    })
    .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)));

  it('finds no problem exactly when the schema and the integration point both accept', () => {
    let acceptedCount = 0;
    fc.assert(
      fc.property(address, (a) => {
        const problems = checkPostadresse(a, M);
        const accepted = schemaValid(a) && integrationPointValid(a);
        assert.equal(problems.length === 0, accepted, `${JSON.stringify(a)} -> ${JSON.stringify(problems)}`);
        if (accepted) acceptedCount++;
      }),
      { numRuns: 3000, seed: 20261130 },
    );
    assert.ok(acceptedCount > 200 && acceptedCount < 2800, `the generator makes both kinds (${acceptedCount} of 3000 accepted)`);
  });
});

describe('checkRetur', () => {
  it('accepts a return address and a returposthaandtering', () => {
    assert.deepEqual(checkRetur(RETUR, 'utskrift.retur'), []);
    assert.deepEqual(checkRetur({ ...RETUR, returposthaandtering: 'MAKULERING_MED_MELDING' }, 'utskrift.retur'), []);
  });

  it('requires mottaker and returposthaandtering', () => {
    assert.deepEqual(checkRetur({ returposthaandtering: 'DIREKTE_RETUR' }, 'utskrift.retur'), ['utskrift.retur.mottaker is required']);
    assert.deepEqual(checkRetur({ mottaker: RETUR.mottaker }, 'utskrift.retur'), ['utskrift.retur.returposthaandtering is required']);
  });

  it('rejects an unknown returposthaandtering', () => {
    assert.deepEqual(checkRetur({ ...RETUR, returposthaandtering: 'RETUR' }, 'utskrift.retur'), [
      'utskrift.retur.returposthaandtering must be DIREKTE_RETUR or MAKULERING_MED_MELDING, got "RETUR"',
    ]);
  });

  it('checks the return address with the address rules, under its own path', () => {
    assert.deepEqual(checkRetur({ ...RETUR, mottaker: { ...RETUR.mottaker, postnummer: '43' } }, 'utskrift.retur'), [
      'utskrift.retur.mottaker.postnummer must be 4 digits, got "43"',
    ]);
    const { poststed: _, ...withoutPoststed } = RETUR.mottaker;
    assert.deepEqual(checkRetur({ ...RETUR, mottaker: withoutPoststed }, 'utskrift.retur'), [
      'utskrift.retur.mottaker.poststed is required in a Norwegian address (one without land or landkode)',
    ]);
  });

  it('rejects unknown fields and things that are not objects', () => {
    assert.deepEqual(checkRetur({ ...RETUR, adresse: 'x' }, 'utskrift.retur'), [
      'utskrift.retur.adresse is not a field of retur (the schema allows mottaker and returposthaandtering)',
    ]);
    assert.deepEqual(checkRetur('DIREKTE_RETUR', 'utskrift.retur'), [
      'utskrift.retur must be an object with mottaker and returposthaandtering, got "DIREKTE_RETUR"',
    ]);
  });
});

describe("Digdir's complete utskrift example", () => {
  const example = JSON.parse(readFileSync(join(import.meta.dirname, 'testdata/utskrift-forretningsmelding.json'), 'utf8')) as {
    standardBusinessDocument: { utskrift: { mottaker: unknown; retur: unknown } };
  };
  const { utskrift } = example.standardBusinessDocument;

  it('has an address that passes', () => {
    assert.deepEqual(checkPostadresse(utskrift.mottaker, 'utskrift.mottaker'), []);
  });

  it('has a retur that passes', () => {
    assert.deepEqual(checkRetur(utskrift.retur, 'utskrift.retur'), []);
  });
});

describe('isUndeliverable (Grunnmur test convention)', () => {
  it('returns letters whose adresselinje1 has the word "Ukjent", in any case', () => {
    for (const line of ['Ukjent adresse', 'UKJENT', 'Storgata 1, ukjent', 'ukjent.']) {
      assert.equal(isUndeliverable({ ...NORSK, adresselinje1: line }), true, line);
    }
  });

  it('delivers when "ukjent" is only part of a word, or elsewhere than adresselinje1', () => {
    assert.equal(isUndeliverable({ ...NORSK, adresselinje1: 'Ukjentveien 3' }), false);
    assert.equal(isUndeliverable({ ...NORSK, adresselinje1: 'Storgata 1', adresselinje2: 'Ukjent' }), false);
    assert.equal(isUndeliverable(NORSK), false);
  });

  it('returns letters with postnummer 0000', () => {
    assert.equal(isUndeliverable({ ...NORSK, postnummer: '0000' }), true);
  });

  it('treats anything that is not an address as deliverable', () => {
    assert.equal(isUndeliverable(null), false);
    assert.equal(isUndeliverable(undefined), false);
  });
});

describe('formatAddressLines', () => {
  it('ends a Norwegian address with "postnummer poststed" and skips empty lines', () => {
    assert.deepEqual(formatAddressLines({ ...NORSK, adresselinje2: '', adresselinje3: '  ' }), ['Ola Nordmann', 'Liksomveien 22', '1234 Nordby']);
  });

  it('ends a foreign address with the country in capitals, in Norwegian for a landkode', () => {
    assert.deepEqual(formatAddressLines({ ...SVENSK, land: 'Sverige' }), ['Inger Lilja', 'Vasavägen 3', 'SE-582 20 Linköping', 'SVERIGE']);
    assert.deepEqual(formatAddressLines({ ...SVENSK, landkode: 'se' }), ['Inger Lilja', 'Vasavägen 3', 'SE-582 20 Linköping', 'SVERIGE']);
    assert.deepEqual(formatAddressLines({ navn: 'A', adresselinje1: 'B', landkode: 'DK' }), ['A', 'B', 'DANMARK']);
  });
});

// ---------------------------------------------------------------------------------------------
// PDF

const NOW = new Date('2023-11-14T21:16:04.265+01:00');
const MM = 72 / 25.4;
const A4_HEIGHT = 841.89;

function input(documents: PrintDocument[], over: Partial<RenderPrintPdfInput> = {}): RenderPrintPdfInput {
  return {
    mottaker: { navn: 'Kåre Ødegård Æsøy', adresselinje1: 'Blåbærveien 7', postnummer: '0150', poststed: 'Oslo' },
    retur: RETUR,
    avsenderNavn: 'Øvre Åsen kommune',
    documents,
    utskriftstype: 'SORT_HVIT',
    posttype: 'B',
    now: NOW,
    ...over,
  };
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A PDF of `n` pages, page i saying "<label> side i". */
async function samplePdf(n: number, label: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 1; i <= n; i++) doc.addPage([400, 600]).drawText(`${label} side ${i}`, { x: 50, y: 500, size: 12, font });
  return doc.save();
}

/** A w×h RGB PNG (8 bit, no filter), built by hand. */
function samplePng(w: number, h: number): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(h * (1 + 3 * w));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rows.set([x * 20, y * 20, 200], y * (1 + 3 * w) + 1 + 3 * x);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * A valid 8×8 grey baseline JPEG, built by hand: one Huffman code of length 1 for DC category 0
 * and one for the AC end-of-block, so the single block is "0" "0" (padded with ones: 0x3F).
 */
function sampleJpeg(): Uint8Array {
  const segment = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const oneCodeTable = (classAndId: number): number[] => [classAndId, 1, ...new Array<number>(15).fill(0), 0x00];
  return Uint8Array.from([
    0xff, 0xd8,
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, oneCodeTable(0x00)),
    ...segment(0xc4, oneCodeTable(0x10)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff, 0xd9,
  ]);
}

const PDF_PASSWORD_PADDING = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

/**
 * A one-page PDF encrypted with the standard security handler, revision 2 (40-bit RC4; PDF
 * 32000-1 §7.6.3, algorithms 2–4), written by hand: an empty `userPassword` means "permissions
 * only" (anyone can open it), any other needs the password. Its page shows `(text) Tj`.
 */
function encryptedPdf(userPassword: string, text: string): Uint8Array {
  const md5 = (...parts: Uint8Array[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();
  const pad = (pw: string): Buffer => Buffer.concat([Buffer.from(pw, 'latin1'), PDF_PASSWORD_PADDING]).subarray(0, 32);
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const owner = rc4(md5(pad('eier')).subarray(0, 5), pad(userPassword));
  const permissions = Buffer.alloc(4);
  permissions.writeInt32LE(-4);
  const key = md5(pad(userPassword), owner, permissions, id).subarray(0, 5);
  const user = rc4(key, PDF_PASSWORD_PADDING);
  // Object 4 (generation 0) is the content stream.
  const content = rc4(md5(key, Buffer.from([4, 0, 0, 0, 0])).subarray(0, 10), Buffer.from(`BT /F1 12 Tf 50 500 Td (${text}) Tj ET`, 'latin1'));
  const objects: Array<string | Buffer> = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 600] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    content,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <${owner.toString('hex')}> /U <${user.toString('hex')}> >>`,
  ];
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  const offsets: number[] = [];
  let length = chunks[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const chunk =
      typeof body === 'string'
        ? Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1')
        : Buffer.concat([Buffer.from(`${i + 1} 0 obj\n<< /Length ${body.length} >>\nstream\n`, 'latin1'), body, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
    chunks.push(chunk);
    length += chunk.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  const idHex = id.toString('hex');
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 6 0 R /ID [<${idHex}> <${idHex}>] >>\nstartxref\n${length}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([...chunks, Buffer.from(xref + trailer, 'latin1')]));
}

interface TextRun {
  text: string;
  x: number;
  y: number;
  size: number;
}

/** The decoded content streams of a page, concatenated (latin1, for operators). */
function contentOf(doc: PDFDocument, index: number): string {
  const contents = doc.getPage(index).node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
  return streams.map((s) => new TextDecoder('latin1').decode(decodePDFRawStream(s as PDFRawStream).decode())).join('\n');
}

/**
 * The text drawn on a page, as pdf-lib writes it: `/Font size Tf`, `1 0 0 1 x y Tm`, `<hex> Tj`,
 * the hex being WinAnsi codes. (pdftotext is not installed on the build machine; see README.)
 */
function textRuns(doc: PDFDocument, index: number): TextRun[] {
  const runs: TextRun[] = [];
  let size = 0;
  let x = 0;
  let y = 0;
  const ops = /\/\S+ ([\d.]+) Tf|1 0 0 1 ([-\d.]+) ([-\d.]+) Tm|<([0-9A-Fa-f]*)> Tj/g;
  for (const m of contentOf(doc, index).matchAll(ops)) {
    if (m[1] !== undefined) size = Number(m[1]);
    else if (m[2] !== undefined) [x, y] = [Number(m[2]), Number(m[3])];
    else runs.push({ text: new TextDecoder('windows-1252').decode(Buffer.from(m[4]!, 'hex')), x, y, size });
  }
  return runs;
}

const pageText = (doc: PDFDocument, index: number): string => textRuns(doc, index).map((r) => r.text).join('\n');

describe('renderPrintPdf', () => {
  it('puts the cover first, then the pages of every document, and counts them', async () => {
    const documents: PrintDocument[] = [
      { filename: 'vedtak.txt', mimeType: 'text/plain', content: utf8('Vedtak om blåbærsyltetøy\n\nÆØÅ æøå, łódź og 😀.'), tittel: 'Vedtak' },
      { filename: 'vedlegg.pdf', mimeType: 'application/pdf', content: await samplePdf(2, 'Vedlegg') },
      { filename: 'info.html', mimeType: 'text/html; charset=utf-8', content: utf8('<html><head><title>x</title><style>p{}</style></head><body><h1>Overskrift</h1><p>Avsnitt med &aelig;&oslash;&aring; &amp; <b>mer</b></p><ul><li>en</li><li>to</li></ul></body></html>'), tittel: null },
      { filename: 'kart.png', mimeType: 'image/png', content: samplePng(6, 3) },
      { filename: 'foto.jpg', mimeType: 'image/jpeg', content: sampleJpeg() },
      { filename: 'data.zip', mimeType: 'application/zip', content: utf8('PK'), tittel: 'Rådata' },
    ];
    const { pdf, pages } = await renderPrintPdf(input(documents));
    const doc = await PDFDocument.load(pdf);
    assert.equal(pages, 1 + 1 + 2 + 1 + 1 + 1 + 1);
    assert.equal(doc.getPageCount(), pages);

    const cover = pageText(doc, 0);
    for (const expected of [
      'Øvre Åsen kommune',
      'Kåre Ødegård Æsøy',
      'Blåbærveien 7',
      '0150 Oslo',
      'Returadresse: Helse Foretak HF, Lungehaugen 1, 4321 Leikanger',
      'Dato: 14.11.2023',
      'B-ØKONOMI',
      'SORT_HVIT (sort-hvitt)',
      'DIREKTE_RETUR (sendes tilbake til returadressen)',
      '8 (denne forsiden og 7 sider innhold)',
      'vedlegg.pdf (application/pdf), 2 sider',
      'data.zip (application/zip), kan ikke skrives ut',
    ]) {
      assert.ok(cover.includes(expected), `cover lacks ${JSON.stringify(expected)}:\n${cover}`);
    }

    const letter = pageText(doc, 1);
    assert.match(letter, /^Vedtak$/m);
    assert.match(letter, /Vedtak om blåbærsyltetøy/);
    assert.match(letter, /ÆØÅ æøå, \?ód\? og \?\./, 'characters outside WinAnsi print as "?"');
    assert.match(letter, /Vedtak – side 1 av 1/);

    assert.match(pageText(doc, 2), /Vedlegg side 1/);
    assert.match(pageText(doc, 3), /Vedlegg side 2/);

    const html = pageText(doc, 4);
    assert.match(html, /^info\.html$/m, 'a document without tittel is titled by its file name');
    assert.match(html, /^Overskrift$/m);
    assert.match(html, /^Avsnitt med æøå & mer$/m);
    assert.match(html, /^• en$/m);
    assert.doesNotMatch(html, /[<>]|p\{\}/);

    for (const index of [5, 6]) assert.match(contentOf(doc, index), / Do\b/, `page ${index + 1} draws an image`);

    const unprintable = pageText(doc, 7);
    for (const expected of ['Vedlegget kan ikke skrives ut', 'Rådata', 'data.zip', 'application/zip', 'This attachment cannot be printed']) {
      assert.ok(unprintable.includes(expected), `unprintable page lacks ${expected}`);
    }
  });

  it('places the recipient in the envelope window and the return address above it, in smaller print', async () => {
    const { pdf } = await renderPrintPdf(input([]));
    const runs = textRuns(await PDFDocument.load(pdf), 0);
    const mm = (run: TextRun) => ({ left: run.x / MM, fromTop: (A4_HEIGHT - run.y) / MM });
    const name = runs.find((r) => r.text === 'Kåre Ødegård Æsøy');
    const city = runs.find((r) => r.text === '0150 Oslo');
    const retur = runs.find((r) => r.text.startsWith('Returadresse:'));
    assert.ok(name && city && retur);
    for (const run of [name, city, retur]) {
      const at = mm(run);
      assert.ok(Math.abs(at.left - 20) < 0.01, `${run.text} starts 20 mm from the left, not ${at.left}`);
      assert.ok(at.fromTop > 44 && at.fromTop < 79, `${run.text} is in the window band, not at ${at.fromTop} mm`);
    }
    assert.ok(mm(retur).fromTop < mm(name).fromTop && mm(name).fromTop < mm(city).fromTop, 'return address, then name, then city');
    assert.ok(retur.size < name.size && name.size >= 8 && name.size <= 12);
  });

  it('keeps every address line inside a 90 mm field, shrinking the block to 8 pt at most', async () => {
    const long = 'Langt adressenavn med mange ord som ikke får plass i vinduet på én linje uansett hva';
    const { pdf } = await renderPrintPdf(input([], { mottaker: { ...NORSK, adresselinje1: long } }));
    const doc = await PDFDocument.load(pdf);
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const block = textRuns(doc, 0).filter((r) => r.y < A4_HEIGHT - 50 * MM && r.y > A4_HEIGHT - 80 * MM && r.x < 30 * MM);
    assert.ok(block.length >= 3);
    assert.equal(new Set(block.map((r) => r.size)).size, 1, 'one font size for the whole address');
    assert.equal(block[0]!.size, 8);
    for (const run of block) assert.ok(font.widthOfTextAtSize(run.text, run.size) <= 90 * MM + 0.01, run.text);
    assert.ok(block.some((r) => r.text.endsWith('…')), 'the line that does not fit at 8 pt is cut');
  });

  it('writes a foreign address with the country last, in capitals', async () => {
    const { pdf } = await renderPrintPdf(input([], { mottaker: { ...SVENSK, landkode: 'SE' } }));
    const cover = pageText(await PDFDocument.load(pdf), 0);
    assert.match(cover, /Vasavägen 3\nSE-582 20 Linköping\nSVERIGE\n/);
  });

  it('draws SORT_HVIT in black only, and FARGE with a colour accent', async () => {
    const colours = (content: string) => new Set([...content.matchAll(/([\d.]+ [\d.]+ [\d.]+) (?:rg|RG)/g)].map((m) => m[1]));
    const black = await PDFDocument.load((await renderPrintPdf(input([]))).pdf);
    assert.deepEqual(colours(contentOf(black, 0)), new Set(['0 0 0']));
    const colour = await PDFDocument.load((await renderPrintPdf(input([], { utskriftstype: 'FARGE', posttype: 'A' }))).pdf);
    assert.ok(colours(contentOf(colour, 0)).size > 1);
    const cover = pageText(colour, 0);
    assert.ok(cover.includes('A-PRIORITERT') && cover.includes('FARGE (farger)'));
  });

  it('leaves the pages of a PDF document as they are', async () => {
    const source = await samplePdf(3, 'Original');
    const { pdf, pages } = await renderPrintPdf(input([{ filename: 'a.pdf', mimeType: 'application/pdf', content: source }], { utskriftstype: 'SORT_HVIT' }));
    const doc = await PDFDocument.load(pdf);
    const original = await PDFDocument.load(source);
    assert.equal(pages, 4);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(doc.getPage(i + 1).getSize(), original.getPage(i).getSize());
      assert.equal(contentOf(doc, i + 1), contentOf(original, i));
    }
  });

  it('replaces a PDF it cannot read with a page saying so', async () => {
    const { pdf, pages } = await renderPrintPdf(input([{ filename: 'ødelagt.pdf', mimeType: 'application/pdf', content: utf8('%PDF-1.7 not really') }]));
    assert.equal(pages, 2);
    const text = pageText(await PDFDocument.load(pdf), 1);
    assert.ok(text.includes('Vedlegget kan ikke skrives ut') && text.includes('ødelagt.pdf') && text.includes('PDF-filen kunne ikke leses'), text);
  });

  it('opens a PDF encrypted for permissions only (empty user password) and appends its page', async () => {
    const { pdf, pages } = await renderPrintPdf(input([{ filename: 'låst.pdf', mimeType: 'application/pdf', content: encryptedPdf('', 'Kryptert side') }]));
    assert.equal(pages, 2);
    assert.match(contentOf(await PDFDocument.load(pdf), 1), /\(Kryptert side\) Tj/);
  });

  it('replaces a PDF that needs a password with a page saying so', async () => {
    const { pdf, pages } = await renderPrintPdf(input([{ filename: 'hemmelig.pdf', mimeType: 'application/pdf', content: encryptedPdf('hemmelig', 'x') }]));
    assert.equal(pages, 2);
    assert.match(pageText(await PDFDocument.load(pdf), 1), /PDF-filen er passordbeskyttet/);
  });

  it('replaces an image it cannot read with a page saying so', async () => {
    const { pdf, pages } = await renderPrintPdf(input([{ filename: 'x.png', mimeType: 'image/png', content: utf8('not a png') }]));
    assert.equal(pages, 2);
    assert.match(pageText(await PDFDocument.load(pdf), 1), /bildet kunne ikke leses/);
  });

  it('reads a PNG or JPEG given as a view into a larger buffer (a pooled Buffer, a slice of a zip)', async () => {
    const embed = (bytes: Uint8Array): Uint8Array => {
      const big = new Uint8Array(bytes.length + 100);
      big.set(bytes, 37);
      return big.subarray(37, 37 + bytes.length);
    };
    const { pdf, pages } = await renderPrintPdf(
      input([
        { filename: 'a.png', mimeType: 'image/png', content: embed(samplePng(3, 6)) },
        { filename: 'b.jpg', mimeType: 'image/jpeg', content: embed(sampleJpeg()) },
      ]),
    );
    const doc = await PDFDocument.load(pdf);
    assert.equal(pages, 3);
    for (const index of [1, 2]) assert.match(contentOf(doc, index), / Do\b/);
  });

  it('typesets a long text over several pages, with the title only on the first', async () => {
    const text = Array.from({ length: 120 }, (_, i) => `Linje ${i + 1}: ${'ord '.repeat(30)}`).join('\n');
    const { pdf, pages } = await renderPrintPdf(input([{ filename: 'lang.txt', mimeType: 'text/plain', content: utf8(text), tittel: 'Langt brev' }]));
    const doc = await PDFDocument.load(pdf);
    const textPages = pages - 1;
    assert.ok(textPages >= 4, `${textPages} pages`);
    const all = Array.from({ length: textPages }, (_, i) => pageText(doc, i + 1)).join('\n');
    for (let i = 1; i <= 120; i++) assert.ok(all.includes(`Linje ${i}: `), `line ${i} is printed`);
    assert.match(pageText(doc, textPages), new RegExp(`Langt brev – side ${textPages} av ${textPages}`));
    assert.equal([...all.matchAll(/^Langt brev$/gm)].length, 1);
  });

  it('breaks a word longer than the line', async () => {
    const { pdf } = await renderPrintPdf(input([{ filename: 'b.txt', mimeType: 'text/plain', content: utf8('A'.repeat(500)) }]));
    const runs = textRuns(await PDFDocument.load(pdf), 1).filter((r) => /^A+$/.test(r.text));
    assert.ok(runs.length > 1);
    assert.equal(runs.map((r) => r.text).join(''), 'A'.repeat(500));
  });

  it('reads the charset of a text document from its MIME type', async () => {
    const latin1 = Uint8Array.from([0x42, 0x6c, 0xe5, 0x62, 0xe6, 0x72]); // "Blåbær" in ISO-8859-1
    const { pdf } = await renderPrintPdf(input([{ filename: 'l.txt', mimeType: 'text/plain; charset=ISO-8859-1', content: latin1 }]));
    assert.match(pageText(await PDFDocument.load(pdf), 1), /^Blåbær$/m);
  });

  it('does not crash on names and addresses outside WinAnsi', async () => {
    const { pdf } = await renderPrintPdf(
      input([], { mottaker: { navn: 'Łukasz Čapek 😀', adresselinje1: 'Ŋaŋŋa 1', postnummer: '9520', poststed: 'Guovdageaidnu' }, avsenderNavn: 'Sámi 😀' }),
    );
    const cover = pageText(await PDFDocument.load(pdf), 0);
    assert.ok(cover.includes('?ukasz ?apek ?') && cover.includes('?a??a 1'), cover);
  });

  it('gives the same bytes for the same input', async () => {
    const documents = [{ filename: 'a.txt', mimeType: 'text/plain', content: utf8('Hei') }];
    const a = await renderPrintPdf(input(documents));
    const b = await renderPrintPdf(input(documents));
    assert.deepEqual(Buffer.from(a.pdf), Buffer.from(b.pdf));
  });

  it('uses Helvetica, a standard font, without embedding a font program', async () => {
    const { pdf } = await renderPrintPdf(input([]));
    const doc = await PDFDocument.load(pdf);
    const fonts = doc.getPage(0).node.Resources()?.lookup(PDFName.of('Font'), PDFDict);
    const baseFonts = new Set(
      fonts?.values().map((ref) => String(doc.context.lookup(ref, PDFDict).get(PDFName.of('BaseFont')))) ?? [],
    );
    assert.deepEqual(baseFonts, new Set(['/Helvetica', '/Helvetica-Bold']));
  });
});
