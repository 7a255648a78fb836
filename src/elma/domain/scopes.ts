/**
 * ELMA's Maskinporten scope. The real ELMA has no public write API (access-point providers use
 * its web UI, `smp.difi.no`), so the name is Grunnmur's own, in Digdir's `prefix:subscope` style;
 * it is a built-in scope owned by Digdir (`src/maskinporten/domain/built-in-scopes.ts`).
 */

/** Create, replace and delete participants' service metadata (access-point providers). */
export const ELMA_SCOPE_PARTICIPANTS_WRITE = 'elma:participants.write';
