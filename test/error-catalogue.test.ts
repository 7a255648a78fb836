import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorCatalogueMarkdown, errorCatalogues } from '../src/error-catalogue.ts';
import { configSchema } from '../src/platform/config.ts';

const root = resolve(import.meta.dirname, '..');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => {
    const path = join(folder, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !path.includes('/testing') ? [path] : [];
  });
}

describe('error catalogue', () => {
  it('never gives one code two meanings across catalogues', () => {
    const seen = new Map<string, string>();
    for (const cat of errorCatalogues) {
      for (const code of Object.keys(cat.codes)) {
        assert.ok(!seen.has(code), `${code} is in both ${seen.get(code)} and ${cat.area}`);
        seen.set(code, cat.area);
      }
    }
  });

  it('docs/errors.md is generated from the catalogues (npm run docs)', () => {
    assert.equal(readFileSync(join(root, 'docs/errors.md'), 'utf8'), errorCatalogueMarkdown());
  });

  it('catalogues every error code the code throws', () => {
    const known = new Set(errorCatalogues.flatMap((c) => Object.keys(c.codes)));
    // A transport failure of a typed client reports the *called* server's failure; documented in its README.
    known.add('REGISTERS_CLIENT_FAILED');
    // Configuration variables (MASKINPORTEN_ISSUER…) share the prefixes but are not error codes.
    for (const name of Object.keys(configSchema.shape)) known.add(name);
    const prefixes = ['PLATFORM', 'REGISTERS', 'OUTBOX', 'PKI', 'KEYS', 'AUTH', 'MASKINPORTEN', 'IDPORTEN'];
    const pattern = new RegExp(`['"\`]((?:${prefixes.join('|')})_[A-Z0-9_]*[A-Z0-9])['"\`]`, 'g');
    const missing: string[] = [];
    for (const file of sourceFiles(join(root, 'src'))) {
      for (const [, code] of readFileSync(file, 'utf8').matchAll(pattern)) {
        if (code && !known.has(code)) missing.push(`${code} (${file.slice(root.length + 1)})`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
