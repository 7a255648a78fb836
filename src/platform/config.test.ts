import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, describeConfig, loadConfig } from './config.ts';

describe('configuration (src/platform/config.ts)', () => {
  it('gives every variable its default, and PUBLIC_URL from the port', () => {
    const cfg = loadConfig({});
    assert.equal(cfg.GRUNNMUR_MODE, 'test');
    assert.equal(cfg.DATABASE_URL, 'sqlite:./data/grunnmur.db');
    assert.equal(cfg.TRUST_PROXY, 'false');
    assert.equal(cfg.JOBS_ENABLED, true);
    assert.equal(loadConfig({ PORT: '9000' }).PUBLIC_URL, 'http://localhost:9000');
    assert.equal(loadConfig({ PUBLIC_URL: 'https://grunnmur.example.no/' }).PUBLIC_URL, 'https://grunnmur.example.no');
  });

  it('treats an empty value as unset, and lets overrides win over the environment', () => {
    assert.equal(loadConfig({ PORT: '' }).PORT, 8080);
    assert.equal(loadConfig({ PORT: '7000' }, { PORT: '7001' }).PORT, 7001);
  });

  it('lists every bad variable at once, with the value it got, masking secrets', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        TRUST_PROXY: 'yes please',
        SMTP_URL: 'http://user:secret@mail',
        JOBS_ENABLED: 'maybe',
      });
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(
      error.problems.map((p) => p.split(':')[0]),
      ['TRUST_PROXY', 'PORT', 'JOBS_ENABLED', 'SMTP_URL'].sort((a, b) => order(a) - order(b)),
    );
    assert.ok(error.problems.some((p) => p.startsWith('TRUST_PROXY: must be false, true, a hop count') && p.endsWith('(got "yes please")')));
    assert.ok(error.problems.some((p) => p === 'SMTP_URL: must be an smtp:// or smtps:// URL (got "***")'));
    assert.doesNotMatch(error.message, /secret/);
  });

  it('accepts TRUST_PROXY as true, a hop count, or a list of addresses and CIDRs', () => {
    for (const value of ['true', 'false', '1', '127.0.0.1', '127.0.0.1, 10.0.0.0/8', '::1']) {
      assert.equal(loadConfig({ TRUST_PROXY: value }).TRUST_PROXY, value);
    }
  });

  it('describes every variable in the reference', () => {
    const names = describeConfig().map((r) => r.name);
    for (const name of ['DATABASE_URL', 'TRUST_PROXY', 'SMTP_URL', 'KEY_ROTATION_INTERVAL_S']) assert.ok(names.includes(name), name);
    assert.ok(describeConfig().every((r) => r.description.length > 10));
  });
});

function order(name: string): number {
  return describeConfig().findIndex((r) => r.name === name);
}
