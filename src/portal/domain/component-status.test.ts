import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Component } from '../../platform/component.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import type { Platform } from '../../platform/platform.ts';
import { checkComponents } from './component-status.ts';

function component(name: string, checkHealth?: Component['checkHealth']): Component {
  return {
    name,
    title: { nb: name, en: name },
    description: { nb: name, en: name },
    paths: [],
    migrations: [],
    plugin: async () => {},
    ...(checkHealth ? { checkHealth } : {}),
  };
}

for (const engine of testEngines()) {
  describe(`checkComponents on ${engine}`, () => {
    let db: TestDatabase;
    let platform: Platform;
    before(async () => {
      db = await createTestDatabase(engine);
      platform = { db } as unknown as Platform;
    });
    after(() => db.close());

    it('reports UP for passing checks and for components without a check', async () => {
      const report = await checkComponents(platform, [component('a', async () => {}), component('b')]);
      assert.deepEqual(report, { database: 'UP', components: { a: 'UP', b: 'UP' } });
    });

    it('reports DOWN for a check that throws, synchronously or not, without failing the others', async () => {
      const report = await checkComponents(platform, [
        component('rejects', async () => {
          throw new Error('no');
        }),
        component('throws', (() => {
          throw new Error('sync');
        }) as unknown as Component['checkHealth']),
        component('fine', async () => {}),
      ]);
      assert.deepEqual(report.components, { rejects: 'DOWN', throws: 'DOWN', fine: 'UP' });
    });

    it('reports DOWN for a check that never settles', async () => {
      const report = await checkComponents(platform, [component('hangs', () => new Promise<void>(() => {}))], 20);
      assert.equal(report.components.hangs, 'DOWN');
    });
  });
}

describe('checkComponents with the database down', () => {
  it('reports the database and every component DOWN', async () => {
    // A real PostgreSQL driver pointed at a closed loopback port: every query fails.
    const pool = new pg.Pool({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 1000 });
    pool.on('error', () => {});
    const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      const report = await checkComponents({ db: { kysely } } as unknown as Platform, [component('a', async () => {})]);
      assert.deepEqual(report, { database: 'DOWN', components: { a: 'DOWN' } });
    } finally {
      await kysely.destroy();
    }
  });
});
