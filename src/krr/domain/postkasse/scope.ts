/**
 * The mailbox-provider API's Maskinporten scope. Grunnmur's own name: the real register's
 * provider interface is SOAP with enterprise certificates and publishes no scope. A built-in
 * scope owned by Digdir, accessible to Posten Bring AS (Digipost) and e-Boks AS
 * (`src/maskinporten/domain/built-in-scopes.ts`).
 */
export const KRR_SCOPE_POSTKASSELEVERANDOER = 'krr:global/postkasseleverandoer.write';
