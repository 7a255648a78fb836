import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { krrDb } from '../store/krr-store.ts';
import { krrMigrations } from '../store/migrations.ts';
import type { KrrProviderRow } from '../store/tables.ts';
import { PROVIDER_CERTIFICATES_TTL_MS, providerCertificates, providerCertificatesChanged } from './provider-certificates.ts';

const provider = (orgnr: string, sertifikat: string): KrrProviderRow => ({
  orgnr,
  navn: `Leverandør ${orgnr}`,
  rolle: 'postkasse',
  sertifikat,
  sertifikat_serial: '01',
  sertifikat_gyldig_til: Date.UTC(2035, 0, 1),
  created_at: Date.UTC(2025, 0, 1),
});

for (const engine of testEngines()) {
  describe(`KRR provider certificates kept per process on ${engine}`, () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase(engine, [{ component: 'krr', migrations: krrMigrations }]);
      await krrDb(db).insertInto('krr_providers').values(provider('984661185', 'AAA')).execute();
    });
    afterEach(() => db.close());

    it(`reads them once per ${PROVIDER_CERTIFICATES_TTL_MS} ms: another process's new certificate shows after that`, async () => {
      const t0 = 1_000_000;
      assert.deepEqual([...(await providerCertificates(db, t0))], [['984661185', 'AAA']]);
      await krrDb(db).updateTable('krr_providers').set({ sertifikat: 'BBB' }).where('orgnr', '=', '984661185').execute();
      assert.equal((await providerCertificates(db, t0 + PROVIDER_CERTIFICATES_TTL_MS - 1)).get('984661185'), 'AAA');
      assert.equal((await providerCertificates(db, t0 + PROVIDER_CERTIFICATES_TTL_MS)).get('984661185'), 'BBB');
    });

    it("shows this process's own change at once", async () => {
      const t0 = 2_000_000;
      await providerCertificates(db, t0);
      await krrDb(db).insertInto('krr_providers').values(provider('996460320', 'CCC')).execute();
      providerCertificatesChanged(db);
      assert.equal((await providerCertificates(db, t0 + 1)).get('996460320'), 'CCC');
    });
  });
}
