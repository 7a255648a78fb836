/**
 * Folkeregisteret as the login pages see it: through the registers component's public HTTP API
 * and typed client (components meet only at their public APIs). When the registers are served
 * by this process the calls go through Fastify's `inject` (no socket); otherwise over HTTP to
 * `PUBLIC_URL`.
 *
 * Person lookups need a Maskinporten token with the offentlig-med-hjemmel scope. ID-porten is
 * Digdir's own service, so it holds the token this platform's own Maskinporten would give
 * Digdir's `idporten` client: signed with that issuer's current key, consumer Digdir
 * (991825827). With `MASKINPORTEN_ISSUER` pointing elsewhere the registers do not accept it,
 * and lookups fail with `IDPORTEN_REGISTER_UNAVAILABLE`.
 *
 * The TestID page's list of synthetic persons is kept {@link TEST_PERSONS_TTL_MS} per process
 * instead of being fetched on every page view, and a pid that was in a list fetched within that
 * time counts as existing without a second lookup ({@link PersonDirectory.listedTestPerson}).
 * Any other pid is asked for every time ({@link PersonDirectory.exists}).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { ownMaskinportenIssuer } from '../../platform/config.ts';
import type { Platform } from '../../platform/platform.ts';
import { AppError } from '../../platform/errors.ts';
import {
  createRegistersClient,
  DIGDIR_ORGNR,
  FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL,
  type RegistersClient,
  type Testperson,
} from '../../registers/index.ts';
import { idportenError } from '../errors.ts';

/** Lifetime of ID-porten's own register token, in seconds; reused until 30 s before it ends. */
const REGISTER_TOKEN_LIFETIME_S = 120;

/** ID-porten's Maskinporten token for Folkeregisteret lookups (see the file header). */
function registerTokenSource(platform: Platform): () => Promise<string> {
  let cached: { token: string; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.token;
    const issuer = ownMaskinportenIssuer(platform.config);
    const key = await platform.keys.getSigningKey(issuer);
    const iat = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      client_id: 'idporten',
      client_amr: 'private_key_jwt',
      scope: FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL,
      token_type: 'Bearer',
      consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${DIGDIR_ORGNR}` },
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setIssuer(issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + REGISTER_TOKEN_LIFETIME_S)
      .setJti(randomUUID())
      .sign(key.privateKey);
    cached = { token, until: Date.now() + (REGISTER_TOKEN_LIFETIME_S - 30) * 1000 };
    return token;
  };
}

/** How long the list of test persons is reused, in milliseconds. */
export const TEST_PERSONS_TTL_MS = 60_000;

/** Persons for the login pages. */
export interface PersonDirectory {
  /**
   * Whether a person with this number exists.
   *
   * @throws AppError `IDPORTEN_REGISTER_UNAVAILABLE` (503) when the register cannot answer
   */
  exists(pid: string): Promise<boolean>;
  /**
   * The first `size` synthetic persons (test mode), as fetched within the last
   * {@link TEST_PERSONS_TTL_MS}; an empty list (not kept) when the register cannot answer.
   */
  testPersons(size: number): Promise<Testperson[]>;
  /**
   * Whether `pid` was in a list of test persons fetched within the last
   * {@link TEST_PERSONS_TTL_MS}: it existed then, so it needs no second lookup. False says
   * nothing (ask {@link PersonDirectory.exists}).
   */
  listedTestPerson(pid: string): boolean;
}

/** Options of {@link personDirectory}. */
export interface PersonDirectoryOptions {
  /** The clock, epoch ms (default `Date.now`); tests move it instead of waiting. */
  now?: () => number;
}

/** A `fetch` that answers through `app.inject` (same process, no socket). */
function injectFetch(app: FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const res = await app.inject({ method: 'GET', url: String(input), headers });
    const out = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    return new Response(res.body, { status: res.statusCode, headers: out });
  }) as typeof fetch;
}

/** The directory for this process. */
export function personDirectory(app: FastifyInstance, platform: Platform, options: PersonDirectoryOptions = {}): PersonDirectory {
  const now = options.now ?? Date.now;
  /** Lists by size, with the epoch ms until which they are fresh, and the pids they hold. */
  const lists = new Map<number, { persons: Testperson[]; pids: Set<string>; until: number }>();
  const fresh = (size: number) => {
    const entry = lists.get(size);
    return entry !== undefined && entry.until > now() ? entry : undefined;
  };
  const local = platform.components.some((c) => c.name === 'registers');
  const client: RegistersClient = local ? createRegistersClient('', injectFetch(app)) : createRegistersClient(platform.config.PUBLIC_URL, fetch);
  const token = registerTokenSource(platform);
  return {
    async exists(pid) {
      try {
        await client.getPerson(pid, await token());
        return true;
      } catch (err) {
        if (err instanceof AppError && err.status === 404) return false;
        throw idportenError('IDPORTEN_REGISTER_UNAVAILABLE', 'Folkeregisteret could not be asked about the person', { cause: err });
      }
    },
    async testPersons(size) {
      const cached = fresh(size);
      if (cached) return cached.persons;
      try {
        const persons = (await client.listTestpersoner(0, size)).personer;
        lists.set(size, { persons, pids: new Set(persons.map((p) => p.foedselsEllerDNummer)), until: now() + TEST_PERSONS_TTL_MS });
        return persons;
      } catch (err) {
        platform.log.warn({ err }, 'idporten: could not list test persons');
        return [];
      }
    },
    listedTestPerson(pid) {
      for (const size of lists.keys()) if (fresh(size)?.pids.has(pid)) return true;
      return false;
    },
  };
}
