/**
 * Every error code Grunnmur can answer with, gathered from each component's own catalogue.
 * `docs/errors.md` is generated from this list (`npm run docs`), and
 * `test/error-catalogue.test.ts` checks that the list, the docs and the codes thrown in the
 * code stay in step. Codes are never reused for another meaning.
 */
import type { ErrorCodeInfo } from './platform/errors.ts';
import { platformErrors } from './platform/errors.ts';
import { authErrors } from './platform/auth/errors.ts';
import { jobErrors } from './platform/jobs/job-queue.ts';
import { keysErrors } from './platform/keys/key-store.ts';
import { outboxErrors } from './platform/outbox/outbox.ts';
import { pkiErrors } from './platform/pki/test-pki.ts';
import { elmaErrors } from './elma/index.ts';
import { asicErrors, eformidlingErrors, validationErrors } from './eformidling/index.ts';
import { idportenErrors } from './idporten/index.ts';
import { krrErrors, krrPostkasseErrors, minprofilErrors } from './krr/index.ts';
import { maskinportenErrors, maskinportenGrantErrors } from './maskinporten/index.ts';
import { registersErrors } from './registers/index.ts';
import { digitalpostCryptoErrors } from './digitalpost/crypto/errors.ts';
import { digitalpostPagesErrors } from './digitalpost/pages/errors.ts';
import { digitalpostErrors } from './digitalpost/errors.ts';

/** One catalogue: where its codes come from, and the codes. */
export interface ErrorCatalogue {
  /** Area name, as in the docs heading. */
  area: string;
  /** Source file that owns the catalogue, relative to the repository root. */
  source: string;
  codes: Record<string, ErrorCodeInfo>;
}

/** All catalogues, kernel first. */
export const errorCatalogues: ErrorCatalogue[] = [
  { area: 'Platform kernel', source: 'src/platform/errors.ts', codes: platformErrors },
  { area: 'Durable jobs', source: 'src/platform/jobs/job-queue.ts', codes: jobErrors },
  { area: 'Outbox', source: 'src/platform/outbox/outbox.ts', codes: outboxErrors },
  { area: 'Signing keys', source: 'src/platform/keys/key-store.ts', codes: keysErrors },
  { area: 'Bearer-token checks', source: 'src/platform/auth/errors.ts', codes: authErrors },
  { area: 'Test PKI', source: 'src/platform/pki/test-pki.ts', codes: pkiErrors },
  { area: 'Registers', source: 'src/registers/errors.ts', codes: registersErrors },
  { area: 'Maskinporten token endpoint', source: 'src/maskinporten/domain/grant/grant-errors.ts', codes: maskinportenGrantErrors },
  { area: 'Maskinporten self-service API', source: 'src/maskinporten/errors.ts', codes: maskinportenErrors },
  { area: 'ID-porten', source: 'src/idporten/errors.ts', codes: idportenErrors },
  { area: 'KRR', source: 'src/krr/errors.ts', codes: krrErrors },
  { area: 'KRR MinProfil', source: 'src/krr/minprofil/errors.ts', codes: minprofilErrors },
  { area: 'KRR mailbox-provider API', source: 'src/krr/postkasse-errors.ts', codes: krrPostkasseErrors },
  { area: 'ELMA', source: 'src/elma/errors.ts', codes: elmaErrors },
  { area: 'eFormidling Next Move API', source: 'src/eformidling/errors.ts', codes: eformidlingErrors },
  { area: 'eFormidling SBD validation', source: 'src/eformidling/validation/errors.ts', codes: validationErrors },
  { area: 'eFormidling ASiC-E', source: 'src/eformidling/asic/errors.ts', codes: asicErrors },
  { area: 'Digital postkasse', source: 'src/digitalpost/errors.ts', codes: digitalpostErrors },
  { area: 'Digital postkasse crypto', source: 'src/digitalpost/crypto/errors.ts', codes: digitalpostCryptoErrors },
  { area: 'Digital postkasse mailbox pages', source: 'src/digitalpost/pages/errors.ts', codes: digitalpostPagesErrors },
];

/** `docs/errors.md`, rendered from {@link errorCatalogues}. */
export function errorCatalogueMarkdown(): string {
  const parts = [
    '# Error codes',
    '',
    'Generated from the catalogues in the code by `npm run docs`; do not edit by hand.',
    '',
    'Public APIs answer errors as RFC 9457 `application/problem+json` with these codes in `code`',
    '(and `type` = `urn:grunnmur:problem:<code in kebab-case>`), except where the real service has',
    'its own error format (eFormidling answers `{timestamp, status, error, message, path, code}`, as',
    'the integration point does). A 5xx never shows more than its title; the request id in `instance`',
    'finds the details in the log.',
  ];
  for (const cat of errorCatalogues) {
    parts.push('', `## ${cat.area}`, '', `Source: \`${cat.source}\``, '', '| code | status | title |', '|---|---|---|');
    for (const [code, info] of Object.entries(cat.codes)) parts.push(`| \`${code}\` | ${info.status} | ${info.title} |`);
  }
  return `${parts.join('\n')}\n`;
}
