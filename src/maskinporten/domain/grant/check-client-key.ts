/**
 * Rule: a grant with `kid` is signed with a key registered on *that* client (a `kid` of another
 * client is unknown to this one), and the key has not expired (keys live at most a year from
 * registration; an expired key is MP-121, "Post ny nøkkel på klienten").
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant (kid: a key bound to the client)
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking (MP-121 "Expired key")
 * @see specs/idporten-maskinporten.md §3 "Assertion header"
 */
import type { KeyObject } from 'node:crypto';
import type { Client, ClientKey } from '../types.ts';
import type { ClientKeyCache } from './client-key-cache.ts';
import { GrantError } from './grant-errors.ts';

/**
 * @param key the registry's key for the header's `kid`, or undefined
 * @param now epoch ms
 * @returns the key's imported public key
 * @throws GrantError `MP-100` (no such key on this client), `MP-121` (expired), `MP-124` (the
 *   registered JWK is not an RSA public key)
 */
export function checkClientKey(client: Client, key: ClientKey | undefined, now: number, cache: ClientKeyCache): KeyObject {
  if (!key || key.client_id !== client.client_id) {
    throw new GrantError('MP-100', 'Unknown key identifier (kid) for client.');
  }
  if (key.expires <= now) {
    throw new GrantError('MP-121', `The key expired ${new Date(key.expires).toISOString()}; register a new key on the client.`);
  }
  try {
    return cache.get(key.kid, key.jwk, now);
  } catch (err) {
    throw new GrantError('MP-124', 'The registered key is not an RSA public key.', { cause: err });
  }
}
