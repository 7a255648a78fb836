/**
 * Rule: a grant is used once (MP-012, "Grant is used before"), across every process sharing the
 * database. This is the grant's last step, after every check has passed and the token is
 * signed, so a failed grant writes nothing: the replay key (`check-jti.ts`) and the usage
 * counter are written in one transaction, and a replay rolls both back.
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
  await db.transaction().execute(async (trx) => {
    const recorded = await recordUsedJti(trx, {
      clientId: grant.clientId,
      jti: grant.replayKey,
      expires: Math.ceil((grant.exp + GRANT_CLOCK_SKEW_S) * 1000),
    });
    if (!recorded) throw new GrantError('MP-012', 'A JWT grant (its jti) cannot be reused; make a new grant with a new jti.');
    // Last in the transaction: the counter row is shared by every token of the day, so its lock is held briefly.
    await stats.increment('maskinporten', TOKEN_STATS_EVENT, 1, { executor: trx, at: grant.now });
  });
}
