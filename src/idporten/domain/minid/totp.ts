/**
 * Time-based one-time passwords for MinID's authenticator-app factor (`amr` `Minid-TOTP`):
 * HOTP (RFC 4226) over 30-second time steps (RFC 6238), HMAC-SHA-1, 6 digits, accepting one
 * step before and after the current one for clock drift (RFC 6238 §5.2). Secrets are 20 random
 * bytes (RFC 4226 §4 recommends 160 bits), shown to the user in base32 (RFC 4648 §6) and as an
 * `otpauth://` URI that authenticator apps read (as a QR code or typed in).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6238 RFC 6238
 * @see https://www.rfc-editor.org/rfc/rfc4226 RFC 4226
 * @see https://github.com/google/google-authenticator/wiki/Key-Uri-Format Key URI format
 */
import { createHmac, randomBytes } from 'node:crypto';

/** Length of a time step, in seconds. */
export const TOTP_STEP_S = 30;
/** Digits of a code. */
export const TOTP_DIGITS = 6;
/** Steps accepted before and after the current one. */
export const TOTP_WINDOW = 1;
/** Issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'Grunnmur MinID';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encodes bytes as base32 without padding (RFC 4648 §6). */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes base32 (case-insensitive; spaces and padding ignored).
 *
 * @returns the bytes, or undefined when a character is not base32
 */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) return undefined;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new TOTP secret: 20 random bytes, base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The HOTP value of `counter` (RFC 4226 §5.3), as a zero-padded string of {@link TOTP_DIGITS} digits. */
export function hotp(secret: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, '0');
}

/** The time step of an instant: ⌊ms / 30 000⌋. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_S);
}

/** The TOTP code of a base32 secret at an instant (epoch ms). */
export function totpCode(secretBase32: string, nowMs: number): string {
  const secret = base32Decode(secretBase32);
  if (!secret) throw new Error('not a base32 TOTP secret');
  return hotp(secret, totpStep(nowMs));
}

/**
 * Finds the time step a code belongs to, within ±{@link TOTP_WINDOW} steps of `nowMs`, and
 * newer than `lastStep` (a code once accepted is not accepted again, RFC 6238 §5.2).
 *
 * @returns the step, or undefined when the code matches none
 */
export function matchTotp(secretBase32: string, code: string, nowMs: number, lastStep: number | null): number | undefined {
  const secret = base32Decode(secretBase32);
  if (!secret || !/^\d{6}$/.test(code)) return undefined;
  const current = totpStep(nowMs);
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    if (lastStep !== null && step <= lastStep) continue;
    if (hotp(secret, step) === code) return step;
  }
  return undefined;
}

/**
 * The `otpauth://totp/…` URI of a secret for authenticator apps. The label names no person
 * (the fødselsnummer would otherwise sit in the app in clear text).
 */
export function totpUri(secretBase32: string): string {
  const label = encodeURIComponent(TOTP_ISSUER);
  const params = new URLSearchParams({ secret: secretBase32, issuer: TOTP_ISSUER, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_STEP_S) });
  return `otpauth://totp/${label}?${params.toString().replaceAll('+', '%20')}`;
}
