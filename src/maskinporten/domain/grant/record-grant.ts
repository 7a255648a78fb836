/**
 * Rule: a grant is used once (MP-012, "Grant is used before"), across every process sharing the
 * database. This is the grant's last step, after every check has passed and the token is
 * signed, so a failed grant writes nothing: the replay key (`check-jti.ts`) is written with one
 * atomic, durable insert, shared by every process (its primary key is the check); only when it
 * was written is the token counted.
 *
 * The usage counter (`maskinporten`/`token`) is counted in this process's statistics buffer
 * (`Stats.incrementBuffered`), written about once a second and when the platform closes, not in
 * the replay row's transaction: every token's transaction updating the same counter row made
 * concurrent grants of every process wait on that row's lock. A crash therefore loses at most
 * about a second of token counts; the counts are statistics, and every grant's replay row is
 * written before its token is returned.
 *
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking (MP-012)
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3 (jti against replay)
 */
import type { Stats } from '../../../platform/stats/stats.ts';
import { recordUsedJti } from '../../store/replay-store.ts';
import type { MaskinportenDb } from '../../store/tables.ts';
import { GRANT_CLOCK_SKEW_S } from './check-lifetime.ts';
import { GrantError } from './grant-errors.ts';

/** The usage counter of issued tokens: component `maskinporten`, event `token`. */
export const TOKEN_STATS_EVENT = 'token';

/**
 * @param exp the grant's `exp`, seconds (the replay row is kept until `exp` + skew)
 * @param now epoch ms (the day the token is counted on)
 * @throws GrantError `MP-012` when the client already used this replay key
 */
export async function recordGrant(
  db: MaskinportenDb,
  stats: Stats,
  grant: { clientId: string; replayKey: string; exp: number; now: number },
): Promise<void> {
  const recorded = await recordUsedJti(db, {
    clientId: grant.clientId,
    jti: grant.replayKey,
    expires: Math.ceil((grant.exp + GRANT_CLOCK_SKEW_S) * 1000),
  });
  if (!recorded) throw new GrantError('MP-012', 'A JWT grant (its jti) cannot be reused; make a new grant with a new jti.');
  stats.incrementBuffered('maskinporten', TOKEN_STATS_EVENT, 1, { at: grant.now });
}
