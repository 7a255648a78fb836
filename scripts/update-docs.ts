/**
 * Regenerates the generated parts of the docs: the configuration reference in README.md
 * (from the zod schema) and `docs/errors.md` (from the error catalogues). `test/docs.test.ts` fails when they are out of date.
 *
 * Run: `npm run docs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configReferenceMarkdown } from '../src/platform/config.ts';
import { errorCatalogueMarkdown } from '../src/error-catalogue.ts';

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBlock(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, i + start.length)}\n${content}\n${text.slice(j)}`;
}

/** README.md with the configuration reference regenerated. */
export function renderReadme(current: string): string {
  return replaceBlock(current, 'config-reference', configReferenceMarkdown());
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  const path = resolve(import.meta.dirname, '../README.md');
  writeFileSync(path, renderReadme(readFileSync(path, 'utf8')));
  writeFileSync(resolve(import.meta.dirname, '../docs/errors.md'), errorCatalogueMarkdown());
  process.stdout.write('README.md and docs/errors.md updated\n');
}
