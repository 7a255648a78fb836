/**
 * Pairwise subject identifiers: each client sees its own stable `sub` for a person, so two
 * clients cannot join their users on `sub` (they get `pid` when they need the identity).
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#PairwiseAlg OIDC Core §8.1
 * @see spec §1 "ID token claims" (`sub` pairwise per client)
 */
import { createHmac } from 'node:crypto';

/**
 * The pairwise `sub` of a person for a client: HMAC-SHA-256 over `client_id` and `pid` with a
 * salt shared by every process (`idporten_secrets`), base64url (43 characters).
 *
 * @param pid fødselsnummer / D-number (the account id)
 * @param clientId the client the identifier is for
 * @param salt the provider's pairwise salt
 */
export function pairwiseSub(pid: string, clientId: string, salt: string): string {
  return createHmac('sha256', salt).update(clientId).update('\0').update(pid).digest('base64url');
}
