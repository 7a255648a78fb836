/**
 * MinID passwords: the password policy, and Argon2id hashes (from `node:crypto`) stored in the
 * PHC string format `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>` (unpadded
 * base64), so each hash carries its own parameters and old hashes still verify after the
 * parameters change.
 *
 * Parameters: OWASP's Password Storage Cheat Sheet minimum for Argon2id, m = 19 MiB, t = 2,
 * p = 1 (config `MINID_ARGON2_MEMORY_KIB`, `MINID_ARGON2_PASSES`; lower only in tests).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9106 RFC 9106 (Argon2)
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html OWASP parameters
 * @see https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md PHC string format
 */
import { argon2, randomBytes, timingSafeEqual, type Argon2Parameters } from 'node:crypto';

/** Argon2id cost parameters. */
export interface Argon2Params {
  /** Memory cost, in KiB (OWASP: 19456 = 19 MiB). */
  memoryKiB: number;
  /** Time cost: passes over the memory (OWASP: 2 with 19 MiB). */
  passes: number;
  /** Lanes (OWASP: 1). */
  parallelism: number;
}

/** OWASP's recommended minimum: m = 19 MiB, t = 2, p = 1. */
export const OWASP_ARGON2_PARAMS: Argon2Params = { memoryKiB: 19_456, passes: 2, parallelism: 1 };

/** Salt length, in bytes (RFC 9106 §3.1 recommends 16). */
const SALT_BYTES = 16;
/** Tag (hash) length, in bytes. */
const TAG_BYTES = 32;

/** Shortest MinID password, in characters (MinID: "minst 8 tegn"). */
export const MINID_PASSWORD_MIN_LENGTH = 8;
/** Longest MinID password Grunnmur accepts, in characters (bounds the hashing work). */
export const MINID_PASSWORD_MAX_LENGTH = 128;

/** Why a new password breaks the policy. */
export type PasswordProblem = 'too_short' | 'too_long' | 'characters' | 'letter' | 'digit';

/**
 * Checks a new password against the MinID policy: 8–128 characters; only the letters A–Z/a–z,
 * the digits 0–9 and printable ASCII special characters (no æøå, no spaces); at least one letter
 * and one digit.
 *
 * @returns every broken rule (empty when the password is acceptable)
 * @see spec §2 "Password rules: at least 8 characters, letters and digits, no ÆØÅ"; eid.difi.no:
 *   "minst 8 tegn (tillatte tegn er A-Z, 0-9 og spesialtegn)"
 */
export function passwordProblems(password: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < MINID_PASSWORD_MIN_LENGTH) problems.push('too_short');
  if (password.length > MINID_PASSWORD_MAX_LENGTH) problems.push('too_long');
  if (!/^[\x21-\x7E]*$/.test(password)) problems.push('characters');
  if (!/[A-Za-z]/.test(password)) problems.push('letter');
  if (!/[0-9]/.test(password)) problems.push('digit');
  return problems;
}

function runArgon2(password: string, salt: Buffer, params: Argon2Params): Promise<Buffer> {
  const parameters: Argon2Parameters = {
    message: password,
    nonce: salt,
    parallelism: params.parallelism,
    tagLength: TAG_BYTES,
    memory: params.memoryKiB,
    passes: params.passes,
  };
  return new Promise((resolve, reject) => {
    argon2('argon2id', parameters, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const b64 = (buf: Buffer): string => buf.toString('base64').replace(/=+$/, '');

/**
 * Hashes a password with Argon2id and a fresh 16-byte salt (on libuv's thread pool).
 *
 * @returns the PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$…$…`
 */
export async function hashPassword(password: string, params: Argon2Params): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const tag = await runArgon2(password, salt, params);
  return `$argon2id$v=19$m=${params.memoryKiB},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(tag)}`;
}

/** The parameters, salt and tag of a PHC string, or undefined when it is not an Argon2id hash. */
function parseHash(hash: string): { params: Argon2Params; salt: Buffer; tag: Buffer } | undefined {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
  if (!m) return undefined;
  return {
    params: { memoryKiB: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) },
    salt: Buffer.from(m[4]!, 'base64'),
    tag: Buffer.from(m[5]!, 'base64'),
  };
}

/**
 * Whether `password` matches the stored hash (constant-time comparison). A malformed hash
 * never matches.
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed) return false;
  const tag = await runArgon2(password, parsed.salt, parsed.params);
  return tag.length === parsed.tag.length && timingSafeEqual(tag, parsed.tag);
}

/** Whether a stored hash was made with other parameters than `params` (then re-hash at login). */
export function needsRehash(hash: string, params: Argon2Params): boolean {
  const parsed = parseHash(hash);
  return (
    !parsed ||
    parsed.params.memoryKiB !== params.memoryKiB ||
    parsed.params.passes !== params.passes ||
    parsed.params.parallelism !== params.parallelism
  );
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * A hash of a random password with `params`, made once per process and parameter set. An
 * unknown account's password is checked against it, so an unknown fødselsnummer costs the same
 * time as a wrong password (no user enumeration by timing).
 */
export function dummyHash(params: Argon2Params): Promise<string> {
  const key = `${params.memoryKiB}:${params.passes}:${params.parallelism}`;
  let hash = dummyHashes.get(key);
  if (!hash) {
    hash = hashPassword(randomBytes(16).toString('base64url'), params);
    dummyHashes.set(key, hash);
  }
  return hash;
}
