/**
 * Rule: the assertion is a JWT in JWS compact serialisation: three base64url parts, the first
 * two JSON objects (header and claims), the third a non-empty signature. Anything else (a JWE,
 * an unsigned JWT, bad base64url, JSON that is an array or not JSON) is an invalid parameter
 * value, never a server error.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1 (compact serialisation)
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3 (the assertion is a JWT)
 */
import type { DecodedAssertion } from './grant-context.ts';
import { GrantError } from './grant-errors.ts';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits and decodes the assertion without verifying it.
 *
 * @throws GrantError `MP-011` when it is not a JWS compact JWT with JSON-object header and claims
 */
export function decodeAssertion(compact: string): DecodedAssertion {
  const parts = compact.split('.');
  if (parts.length !== 3) {
    throw new GrantError('MP-011', `The assertion is not a signed JWT (expected 3 dot-separated parts, got ${parts.length}).`);
  }
  const [header, claims, signature] = parts as [string, string, string];
  return {
    compact,
    rawHeader: jsonObject(header, 'header'),
    claims: jsonObject(claims, 'claims'),
    signature: checkSignaturePart(signature),
  };
}

function checkSignaturePart(part: string): string {
  if (part === '') {
    throw new GrantError('MP-011', 'The JWT has no signature: unsigned assertions (alg none) are not accepted; sign it with RS256, RS384 or RS512.');
  }
  return checkBase64url(part, 'signature');
}

function checkBase64url(part: string, what: string): string {
  if (!BASE64URL.test(part) || part.length % 4 === 1) {
    throw new GrantError('MP-011', `The JWT ${what} is not base64url.`);
  }
  return part;
}

function jsonObject(part: string, what: string): Record<string, unknown> {
  checkBase64url(part, what);
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(Buffer.from(part, 'base64url')));
  } catch {
    throw new GrantError('MP-011', `The JWT ${what} is not UTF-8 JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GrantError('MP-011', `The JWT ${what} is not a JSON object.`);
  }
  return value as Record<string, unknown>;
}
