import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentDisposition, safeFilename } from './content-disposition.ts';

describe('Content-Disposition of documents (RFC 6266, RFC 8187)', () => {
  it('gives an ASCII name as it is, in filename and filename*', () => {
    assert.equal(contentDisposition('inline', 'vedtak.pdf'), `inline; filename="vedtak.pdf"; filename*=UTF-8''vedtak.pdf`);
  });

  it('percent-encodes a UTF-8 name in filename* and puts _ for non-ASCII in the fallback', () => {
    assert.equal(
      contentDisposition('attachment', 'Vedtak om støtte (2026).pdf'),
      `attachment; filename="Vedtak om st_tte (2026).pdf"; filename*=UTF-8''Vedtak%20om%20st%C3%B8tte%20%282026%29.pdf`,
    );
  });

  it('decodes back to the name from filename*', () => {
    const name = 'Årsoppgave «skatt» 100%.pdf';
    const header = contentDisposition('attachment', name);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(header)![1]!;
    assert.equal(decodeURIComponent(encoded), name);
    assert.doesNotMatch(header.split(';')[1]!, /%/, 'no % in the fallback');
  });

  it('cannot break out of the quoted fallback or inject a header line', () => {
    const header = contentDisposition('attachment', 'a"b;c\r\nSet-Cookie: x=1.pdf');
    assert.doesNotMatch(header, /[\r\n]/);
    assert.equal(header, `attachment; filename="a_b;cSet-Cookie: x=1.pdf"; filename*=UTF-8''a%22b%3BcSet-Cookie%3A%20x%3D1.pdf`);
    assert.equal(header.match(/"/g)!.length, 2);
  });

  it('keeps only the last path segment of a name', () => {
    assert.equal(safeFilename('../../etc/passwd'), 'passwd');
    assert.equal(safeFilename('C:\\brev\\vedlegg.pdf'), 'vedlegg.pdf');
    assert.equal(safeFilename(''), 'dokument');
    assert.equal(safeFilename('..'), 'dokument');
  });
});
