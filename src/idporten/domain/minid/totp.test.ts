import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, hotp, matchTotp, newTotpSecret, totpCode, totpStep, totpUri } from './totp.ts';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));

describe('TOTP (RFC 6238)', () => {
  it('round-trips base32 (RFC 4648 §10 vectors)', () => {
    assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
    assert.equal(base32Decode('MZXW6YTBOI======')?.toString(), 'foobar');
    assert.equal(base32Decode('mzxw 6ytb oi')?.toString(), 'foobar');
    assert.equal(base32Decode('not base32!'), undefined);
  });

  it('gives the RFC 4226 Appendix D HOTP values', () => {
    const secret = Buffer.from('12345678901234567890');
    assert.deepEqual([0, 1, 2, 9].map((c) => hotp(secret, c)), ['755224', '287082', '359152', '520489']);
  });

  it('gives the last 6 digits of the RFC 6238 Appendix B SHA-1 values', () => {
    assert.equal(totpCode(RFC_SECRET, 59_000), '287082');
    assert.equal(totpCode(RFC_SECRET, 1_111_111_109_000), '081804');
    assert.equal(totpCode(RFC_SECRET, 1_234_567_890_000), '005924');
    assert.equal(totpCode(RFC_SECRET, 2_000_000_000_000), '279037');
  });

  it('accepts a code of the step before or after, but not two steps away', () => {
    const now = 1_234_567_890_000;
    const step = totpStep(now);
    assert.equal(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), now, null), step - 1);
    assert.equal(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), now, null), step + 1);
    assert.equal(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 60_000), now, null), undefined);
  });

  it('does not accept a code of a step already used (no replay)', () => {
    const now = 1_234_567_890_000;
    const code = totpCode(RFC_SECRET, now);
    assert.equal(matchTotp(RFC_SECRET, code, now, totpStep(now)), undefined);
    assert.equal(matchTotp(RFC_SECRET, code, now, totpStep(now) - 1), totpStep(now));
  });

  it('makes 160-bit secrets and an otpauth URI without the person in it', () => {
    const secret = newTotpSecret();
    assert.equal(base32Decode(secret)?.length, 20);
    assert.equal(totpUri(secret), `otpauth://totp/Grunnmur%20MinID?secret=${secret}&issuer=Grunnmur%20MinID&algorithm=SHA1&digits=6&period=30`);
  });
});
