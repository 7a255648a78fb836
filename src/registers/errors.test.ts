import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registersErrors } from './errors.ts';

const dir = import.meta.dirname;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => {
    const path = join(folder, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('registers error catalogue', () => {
  it('lists every catalogued code, with its status, in the README error table', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const [code, info] of Object.entries(registersErrors)) {
      assert.match(readme, new RegExp(`\\| \`${code}\` \\| ${info.status} \\|`), `${code} (${info.status}) missing from README`);
    }
  });

  it('catalogues every REGISTERS_ code the component’s code throws', () => {
    const catalogued = new Set(Object.keys(registersErrors));
    // The typed client reports a transport failure of the *called* server; it is documented beside the table.
    catalogued.add('REGISTERS_CLIENT_FAILED');
    for (const file of sourceFiles(dir)) {
      for (const [code] of readFileSync(file, 'utf8').matchAll(/REGISTERS_[A-Z_]+[A-Z]/g)) {
        assert.ok(catalogued.has(code), `${code} in ${file} is not in registersErrors`);
      }
    }
  });
});
