/**
 * Rule: the `maskinportentoken` inside a DPI message is an access token of this platform's
 * Maskinporten (signature, issuer, times; the same checks a resource server makes), was valid
 * when the message was sent, carries `digitalpostinnbygger:send`, and was issued to the sender
 * (`consumer` = `avsender.virksomhetsidentifikator`). It is how the provider knows the sender
 * had the right to send, after corner 2 has passed the message on.
 *
 * @see spec `krr-dpi-esign.md` §2 step 5 ("include the sender's Maskinporten token in
 *   `maskinportentoken` so the mailbox provider can verify the sender's right to send")
 */
import { AppError } from '../../../platform/errors.ts';
import {
  getTokenVerifier,
  localJwks,
  maskinportenIssuer,
  maskinportenJwksUrl,
  remoteJwks,
  TokenVerifier,
  type JwksSource,
  type MaskinportenToken,
} from '../../../platform/auth/index.ts';
import type { Platform } from '../../../platform/platform.ts';
import { digitalpostError } from '../../errors.ts';

/** The Maskinporten scope of DPI senders. */
export const DPI_SCOPE = 'digitalpostinnbygger:send';

const jwksSources = new WeakMap<Platform, JwksSource>();

/**
 * A verifier of this platform's Maskinporten tokens whose clock stands at `at` (epoch ms): a
 * provider checks the token as it was when corner 2 accepted the message, so a token that has
 * expired since is still good. Without `at`, the platform's own verifier (now).
 */
export function tokenVerifierAt(platform: Platform, at?: number): TokenVerifier {
  if (at === undefined) return getTokenVerifier(platform);
  let jwks = jwksSources.get(platform);
  if (!jwks) {
    const issuer = maskinportenIssuer(platform.config);
    const url = maskinportenJwksUrl(platform.config);
    const log = platform.log.child({ module: 'digitalpost' });
    jwks = url === undefined ? localJwks(platform.keys, issuer, { log }) : remoteJwks(new URL(url), { log });
    jwksSources.set(platform, jwks);
  }
  return new TokenVerifier({ issuer: maskinportenIssuer(platform.config), jwks, now: () => at });
}

/**
 * Checks the token inside a message.
 *
 * @param verifier from {@link tokenVerifierAt}
 * @param token the `maskinportentoken` (compact JWT)
 * @param senderOrgnr `avsender.virksomhetsidentifikator`'s orgnr
 * @throws AppError `DIGITALPOST_MASKINPORTENTOKEN_INVALID`, `…_EXPIRED`, `…_SCOPE`, `…_NOT_SENDER`
 *   (400); `AUTH_JWKS_UNAVAILABLE` (503) when the issuer's keys cannot be read
 */
export async function checkMaskinportentoken(verifier: TokenVerifier, token: string, senderOrgnr: string): Promise<MaskinportenToken> {
  let verified: MaskinportenToken;
  try {
    verified = await verifier.verify(token, { requiredScopes: [DPI_SCOPE] });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    switch (err.code) {
      case 'AUTH_TOKEN_EXPIRED':
        throw digitalpostError('DIGITALPOST_MASKINPORTENTOKEN_EXPIRED', `The maskinportentoken in the message has expired (exp ${expOf(token)})`, { cause: err });
      case 'AUTH_INSUFFICIENT_SCOPE':
        throw digitalpostError('DIGITALPOST_MASKINPORTENTOKEN_SCOPE', `The maskinportentoken in the message lacks the scope ${DPI_SCOPE}`, { cause: err });
      case 'AUTH_TOKEN_INVALID':
      case 'AUTH_TOKEN_MISSING':
        throw digitalpostError('DIGITALPOST_MASKINPORTENTOKEN_INVALID', `The maskinportentoken in the message is not valid: ${err.message}`, { cause: err });
      default:
        throw err;
    }
  }
  if (verified.consumerOrgno !== senderOrgnr) {
    throw digitalpostError('DIGITALPOST_MASKINPORTENTOKEN_NOT_SENDER', `The maskinportentoken in the message was issued to 0192:${verified.consumerOrgno}, not to the sender 0192:${senderOrgnr}`);
  }
  return verified;
}

/** `exp` of a token as ISO text, for messages ("unknown" when unreadable). */
function expOf(token: string): string {
  try {
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? new Date(exp * 1000).toISOString() : 'unknown';
  } catch {
    return 'unknown';
  }
}
