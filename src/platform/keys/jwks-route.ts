/**
 * Publishing an issuer's signing keys as a JWK Set (RFC 7517 §5) at a path of the issuing
 * component's choice (`/maskinporten/jwk`, `/idporten/jwks.json`, …).
 */
import type { FastifyInstance } from 'fastify';
import type { KeyStore } from './key-store.ts';

/** Seconds a client may cache the JWKS. Short, because a rotated-in key signs at once. */
export const JWKS_MAX_AGE_S = 60;

/**
 * Registers `GET <path>` answering the issuer's JWKS (`application/jwk-set+json`): the current
 * key and every retired key still inside its verification window. `Cache-Control:
 * public, max-age=60`; verifiers that meet an unknown `kid` should refetch (as jose's
 * `createRemoteJWKSet` does).
 *
 * @param app the component's Fastify instance
 * @param path e.g. `/maskinporten/jwk`
 * @param keys the platform's key store
 * @param issuer the issuer whose keys to publish
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 */
export function serveJwks(app: FastifyInstance, path: string, keys: KeyStore, issuer: string): void {
  app.get(
    path,
    {
      schema: {
        summary: 'JSON Web Key Set of the issuer (public signing keys)',
        response: {
          200: {
            type: 'object',
            required: ['keys'],
            properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } },
          },
        },
      },
    },
    async (_request, reply) => {
      const jwks = await keys.getJwks(issuer);
      reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_S}`).type('application/jwk-set+json');
      return jwks;
    },
  );
}
