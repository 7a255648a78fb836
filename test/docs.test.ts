import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderReadme } from '../scripts/update-docs.ts';

describe('generated documentation', () => {
  it('README.md carries the configuration reference of the current schema (npm run docs)', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
    assert.equal(readme, renderReadme(readme));
  });
});
