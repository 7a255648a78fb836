/**
 * Webhook push endpoints and the network: with non-public addresses refused (production's
 * default), a subscription to loopback, private or link-local addresses (cloud metadata
 * included) is refused with a clear error and nothing is stored; the address checks by range.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { testEngines } from '../platform/db/testing.ts';
import { elmaComponent } from '../elma/index.ts';
import { krrComponent } from '../krr/index.ts';
import { maskinportenComponent } from '../maskinporten/index.ts';
import { registersComponent } from '../registers/index.ts';
import { isNonPublicAddress } from './domain/webhooks.ts';
import { EFORMIDLING_SCOPE, eformidlingComponent } from './index.ts';
import { DIGDIR, nextMove } from './testing/fixtures.ts';

describe('isNonPublicAddress', () => {
  it('knows the special-purpose ranges of IPv4 and IPv6, and v4-mapped addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', 'not-an-ip']) {
      assert.equal(isNonPublicAddress(a), true, a);
    }
    for (const a of ['8.8.8.8', '151.101.1.1', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) assert.equal(isNonPublicAddress(a), false, a);
  });
});

for (const engine of testEngines()) {
  describe(`webhook subscriptions with non-public addresses refused (${engine})`, () => {
    let t: TestPlatform;
    let digdir: ReturnType<typeof nextMove>;
    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, krrComponent, elmaComponent, eformidlingComponent], { EFORMIDLING_WEBHOOK_PRIVATE_ADDRESSES: 'false' });
      digdir = nextMove(t.app, await mintPlatformToken(t.platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: DIGDIR }));
    });
    after(async () => t.close());

    for (const pushEndpoint of ['http://127.0.0.1:8080/outbox/api/messages', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:9/', 'http://localhost:9/hook']) {
      it(`refuses ${pushEndpoint}, and stores nothing`, async () => {
        const res = await digdir.post('/subscriptions', { name: 'Intern', pushEndpoint, resource: 'messages', event: 'status' });
        assert.equal(res.statusCode, 400);
        const body = res.json() as { code: string; message: string };
        assert.equal(body.code, 'EFORMIDLING_INVALID_SUBSCRIPTION');
        assert.equal(body.message, 'pushEndpoint: it resolves to a loopback, private or link-local address, which this Grunnmur does not push to (EFORMIDLING_WEBHOOK_PRIVATE_ADDRESSES)');
        const rows = await t.platform.db.kysely.selectFrom('eformidling_subscriptions').selectAll().execute();
        assert.equal(rows.length, 0);
      });
    }
  });
}
