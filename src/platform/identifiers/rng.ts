/**
 * Deterministic pseudo-random numbers for the synthetic population.
 *
 * `grunnmur seed` must produce the same persons and organisations from the same seed on every
 * machine and every Node version, so nothing here may use `Math.random()` or `node:crypto`.
 * The seed string is hashed to 128 bits with cyrb128 (bryc, public domain) and drives sfc32
 * (Chris Doty-Humphrey's "Small Fast Counting" generator from PractRand, public domain), the
 * generator bryc recommends for JavaScript: 32-bit integer arithmetic only, so results are exact
 * and identical everywhere.
 *
 * Changing anything in this file changes every seeded population; `rng.test.ts` pins the first
 * outputs of a known seed so such a change cannot slip in unnoticed.
 *
 * @see https://github.com/bryc/code/blob/master/jshash/PRNGs.md (sfc32, cyrb128)
 * @see https://pracrand.sourceforge.net/ (sfc32 origin)
 */

/** Hashes the UTF-8 bytes of `seed` to four 32-bit words (cyrb128). */
function cyrb128(seed: string): [number, number, number, number] {
  const bytes = new TextEncoder().encode(seed);
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (const k of bytes) {
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * Creates a deterministic pseudo-random number generator from a string seed.
 *
 * The same seed always gives the same sequence (on any platform); different seeds give
 * unrelated sequences. Not for cryptography: use `node:crypto` for secrets.
 *
 * @param seed any string (hashed as UTF-8); the empty string is a valid seed
 * @returns a function returning the next number, uniformly distributed in [0, 1) with 32 bits
 *   of resolution (a multiple of 2⁻³²)
 * @see https://github.com/bryc/code/blob/master/jshash/PRNGs.md
 */
export function createRng(seed: string): () => number {
  let [a, b, c, d] = cyrb128(seed);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Mix the hashed state before use, as recommended for sfc32 with a hashed seed.
  for (let i = 0; i < 15; i++) next();
  return next;
}

/**
 * Draws an integer uniformly from `[min, max]` (both inclusive) using `rng`.
 *
 * Defensive against a misbehaving `rng` (NaN, negative, ≥ 1): the result is clamped into range,
 * so callers can index arrays with it safely.
 *
 * @param rng a function returning numbers in [0, 1), e.g. from {@link createRng}
 * @param min smallest integer returned
 * @param max largest integer returned (must be ≥ `min`)
 */
export function randomInt(rng: () => number, min: number, max: number): number {
  const span = max - min + 1;
  const r = rng();
  const offset = Number.isFinite(r) ? Math.floor(r * span) : 0;
  return min + Math.min(span - 1, Math.max(0, offset));
}
