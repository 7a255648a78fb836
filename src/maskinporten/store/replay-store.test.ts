import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { maskinportenMigrations } from './migrations.ts';
import { countUsedJtis, purgeUsedJtis, recordUsedJti } from './replay-store.ts';
import type { MaskinportenDb } from './tables.ts';

for (const engine of testEngines()) {
  describe(`grant replay register on ${engine}`, () => {
    let db: TestDatabase;
    let k: MaskinportenDb;
    before(async () => {
      db = await createTestDatabase(engine, [{ component: 'maskinporten', migrations: maskinportenMigrations }]);
      k = db.kysely as MaskinportenDb;
    });
    after(() => db.close());

    it('records a client\'s jti once and reports the second attempt as a replay', async () => {
      assert.equal(await recordUsedJti(k, { clientId: 'c1', jti: 'j1', expires: 2_000 }), true);
      assert.equal(await recordUsedJti(k, { clientId: 'c1', jti: 'j1', expires: 9_000 }), false);
      assert.equal(await recordUsedJti(k, { clientId: 'c2', jti: 'j1', expires: 2_000 }), true, 'another client may use the same jti');
      const row = await k.selectFrom('maskinporten_used_jti').select('expires').where('client_id', '=', 'c1').executeTakeFirstOrThrow();
      assert.equal(Number(row.expires), 2_000, 'the replay attempt changed nothing');
    });

    it('purges only the rows whose grants have expired', async () => {
      await recordUsedJti(k, { clientId: 'c3', jti: 'later', expires: 10_000 });
      const before = await countUsedJtis(k);
      assert.equal(await purgeUsedJtis(k, 5_000), 2);
      assert.equal(await countUsedJtis(k), before - 2);
      assert.equal(await recordUsedJti(k, { clientId: 'c3', jti: 'later', expires: 10_000 }), false, 'an unexpired row stays');
    });
  });
}
