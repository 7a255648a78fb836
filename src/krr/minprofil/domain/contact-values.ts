/**
 * The rules for a new e-mail address and mobile number in the register.
 *
 * - E-mail: `local@domain.tld`, at most 254 characters, trimmed, domain lower-cased (the
 *   outbox's rule, so every stored address can be written to).
 * - Mobile: a **Norwegian** mobile number, as the register holds (`+47` and 8 digits starting
 *   with 4 or 9). Accepted as typed: `91234567`, `+47 912 34 567`, `0047 91234567`; spaces and
 *   hyphens are ignored. Stored as `+4791234567`.
 *
 * @see specs/krr-dpi-esign.md §1 (`kontaktinformasjon.epostadresse`, `mobiltelefonnummer`)
 */
import { AppError } from '../../../platform/errors.ts';
import { normaliseEmail } from '../../../platform/outbox/outbox.ts';
import { minprofilError } from '../errors.ts';

/** The two channels of contact data (MinProfil's own names, used in paths and rows). */
export type Kanal = 'epost' | 'mobil';

/** Both channels. */
export const KANALER: readonly Kanal[] = ['epost', 'mobil'];

/**
 * Checks and normalises a new e-mail address.
 *
 * @throws AppError `MINPROFIL_INVALID_EPOSTADRESSE` (400)
 */
export function normaliseEpostadresse(value: unknown): string {
  try {
    return normaliseEmail(value);
  } catch (err) {
    if (err instanceof AppError) throw minprofilError('MINPROFIL_INVALID_EPOSTADRESSE', 'Not a valid e-mail address', { detail: 'Expected an address like ola.nordmann@example.no' });
    throw err;
  }
}

/**
 * Checks and normalises a new Norwegian mobile number to `+47` and 8 digits.
 *
 * @throws AppError `MINPROFIL_INVALID_MOBILTELEFONNUMMER` (400)
 */
export function normaliseMobiltelefonnummer(value: unknown): string {
  const compact = typeof value === 'string' ? value.replace(/[\s-]/g, '') : '';
  const m = /^(?:\+47|0047)?([49]\d{7})$/.exec(compact);
  if (!m) {
    throw minprofilError('MINPROFIL_INVALID_MOBILTELEFONNUMMER', 'Not a Norwegian mobile number', {
      detail: 'Expected 8 digits starting with 4 or 9, optionally after +47',
    });
  }
  return `+47${m[1]}`;
}

/** Normalises a new address of `kanal` (see the two functions above). */
export function normaliseAddress(kanal: Kanal, value: unknown): string {
  return kanal === 'epost' ? normaliseEpostadresse(value) : normaliseMobiltelefonnummer(value);
}
