/**
 * The rules of a citizen's digital mailbox (issue #7 item 3; spec `krr-dpi-esign.md` §2):
 *
 * - A citizen sees only their own letters (`personidentifikator` = the login's `pid`), and only
 *   from the letter's `visible_from` (its `virkningstidspunkt`, or when it was filed if that is
 *   later): before it a letter is neither listed nor counted, and its page answers as for an
 *   unknown id.
 * - The non-sensitive title (`ikkesensitivtittel`) is shown at any level; the documents only
 *   when the login's level meets the letter's `sikkerhetsnivaa`: 3 → `idporten-loa-substantial`
 *   or higher, 4 → `idporten-loa-high`.
 * - The first opening at a sufficient level sets `opened_at`; when the sender asked for an
 *   opening receipt (`aapningskvittering`), the same transaction issues it, once.
 *   The schema's rule: "Mottaker må akseptere at det sendes en ÅpningsKvittering til Avsender for
 *   å få lest den digitale posten", so such a letter opens only when the citizen accepts
 *   (the page's "Open the letter" button), never by a mere GET.
 *
 * @see https://docs.digdir.no/schemas/dpi/ `innbyggerpost_dpi_digital_1_0` (`sikkerhetsnivaa`,
 *   `virkningstidspunkt`, `aapningskvittering`, `ikkesensitivtittel`) and
 *   `innbyggerpost_dpi_aapningskvittering_1_0`
 */
import { ACR_VALUES, type Acr } from '../../../idporten/index.ts';
import { platformError } from '../../../platform/errors.ts';
import type { Platform } from '../../../platform/platform.ts';
import { issueReceipt } from '../../domain/receipts.ts';
import { digitalpostDb } from '../../store/digitalpost-store.ts';
import type { DocumentRow, LetterRow } from '../../store/tables.ts';
import {
  countInbox,
  markOpened,
  selectDocument,
  selectDocuments,
  selectInboxPage,
  selectMessage,
  selectVisibleLetter,
  type DocumentInfoRow,
  type InboxRow,
} from '../store/mailbox-store.ts';

/** Letters per inbox page. */
export const INBOX_PAGE_SIZE = 50;

/**
 * The lowest ID-porten level that opens a letter of this `sikkerhetsnivaa`: 4 → `idporten-loa-high`;
 * 3 → `idporten-loa-substantial`. Any other value (the schema allows only 3 and 4) asks for the highest.
 */
export function requiredAcr(sikkerhetsnivaa: number): Acr {
  return Number(sikkerhetsnivaa) === 3 ? 'idporten-loa-substantial' : 'idporten-loa-high';
}

/** Whether a login at level `acr` may open a letter of this `sikkerhetsnivaa`. */
export function acrMeets(acr: string, sikkerhetsnivaa: number): boolean {
  const rank = ACR_VALUES.indexOf(acr as Acr);
  return rank >= 0 && rank >= ACR_VALUES.indexOf(requiredAcr(sikkerhetsnivaa));
}

/** A page of the inbox. */
export interface Inbox {
  letters: InboxRow[];
  /** Letters visible now. */
  total: number;
  /** Of those, not opened yet. */
  unread: number;
  /** This page (1-based) and the number of pages (at least 1). */
  page: number;
  pages: number;
}

/**
 * A page of the citizen's inbox at `now`: their letters visible at `now`, newest first,
 * {@link INBOX_PAGE_SIZE} a page; a page past the last gives the last.
 */
export async function listInbox(platform: Platform, pid: string, now: number, page = 1): Promise<Inbox> {
  const db = digitalpostDb(platform.db);
  const { total, unread } = await countInbox(db, pid, now);
  const pages = Math.max(1, Math.ceil(total / INBOX_PAGE_SIZE));
  const p = Math.min(Math.max(1, Math.floor(page)), pages);
  const letters = total === 0 ? [] : await selectInboxPage(db, pid, now, INBOX_PAGE_SIZE, (p - 1) * INBOX_PAGE_SIZE);
  return { letters, total, unread, page: p, pages };
}

/** A letter as its page shows it. */
export interface LetterView {
  letter: LetterRow;
  /** The level the letter needs. */
  requiredAcr: Acr;
  /** Whether the session's level meets it. */
  allowed: boolean;
  /** The documents (main document first); empty unless `allowed` and opened (or openable without consent). */
  documents: DocumentInfoRow[];
  /** The sender asked for an opening receipt and the citizen has not opened the letter yet: the page asks first. */
  needsConsent: boolean;
}

/**
 * The citizen's letter `id` as its page shows it at `now`, for a login at level `acr`; opens it
 * (see {@link openLetter}) when the level suffices and no opening receipt waits for consent.
 *
 * @returns undefined for an unknown id, another person's letter and a letter not yet visible alike
 */
export async function viewLetter(platform: Platform, pid: string, acr: string, id: string, now: number): Promise<LetterView | undefined> {
  const db = digitalpostDb(platform.db);
  const letter = await selectVisibleLetter(db, pid, id, now);
  if (!letter) return undefined;
  const allowed = acrMeets(acr, letter.sikkerhetsnivaa);
  const view: LetterView = { letter, requiredAcr: requiredAcr(letter.sikkerhetsnivaa), allowed, documents: [], needsConsent: false };
  if (!allowed) return view;
  if (letter.opened_at === null) {
    if (Number(letter.aapningskvittering) === 1) return { ...view, needsConsent: true };
    await openLetter(platform, letter, now);
  }
  return { ...view, documents: await selectDocuments(db, letter.id) };
}

/** What {@link findDocument} answers. */
export type DocumentAccess =
  | { kind: 'not-found' }
  | { kind: 'no-document'; letter: LetterRow }
  | { kind: 'level-too-low'; letter: LetterRow; requiredAcr: Acr }
  | { kind: 'needs-consent'; letter: LetterRow }
  | { kind: 'document'; letter: LetterRow; document: DocumentRow };

/**
 * Document `position` of the citizen's letter `id`, for a login at level `acr`. A letter without
 * an opening receipt is opened by it (the first time); one with an opening receipt must be opened
 * on its page first.
 */
export async function findDocument(platform: Platform, pid: string, acr: string, id: string, position: number, now: number): Promise<DocumentAccess> {
  const db = digitalpostDb(platform.db);
  const letter = await selectVisibleLetter(db, pid, id, now);
  if (!letter) return { kind: 'not-found' };
  if (!acrMeets(acr, letter.sikkerhetsnivaa)) return { kind: 'level-too-low', letter, requiredAcr: requiredAcr(letter.sikkerhetsnivaa) };
  if (letter.opened_at === null && Number(letter.aapningskvittering) === 1) return { kind: 'needs-consent', letter };
  const document = await selectDocument(db, letter.id, position);
  if (!document) return { kind: 'no-document', letter };
  if (letter.opened_at === null) await openLetter(platform, letter, now);
  return { kind: 'document', letter, document };
}

/**
 * Opens the citizen's letter `id` at `now` after they accepted the opening receipt (the
 * consent form): the same checks as {@link viewLetter}, then {@link openLetter}.
 *
 * @returns `opened` (by this call or before), `not-found` or `level-too-low`
 */
export async function consentAndOpen(platform: Platform, pid: string, acr: string, id: string, now: number): Promise<'opened' | 'not-found' | 'level-too-low'> {
  const letter = await selectVisibleLetter(digitalpostDb(platform.db), pid, id, now);
  if (!letter) return 'not-found';
  if (!acrMeets(acr, letter.sikkerhetsnivaa)) return 'level-too-low';
  if (letter.opened_at === null) await openLetter(platform, letter, now);
  return 'opened';
}

/**
 * The first opening of a letter: sets `opened_at` (only while it is unset) and, when the sender
 * asked for it (`aapningskvittering = 1`), issues the `aapningskvittering` in the same
 * transaction — exactly once, however many requests race.
 *
 * @returns true when this call opened the letter
 * @throws AppError `PLATFORM_INTERNAL` when the letter's DPI message is missing (nothing is
 *   changed then); `DIGITALPOST_PROVIDER_KEY_MISSING` (503) from `issueReceipt`
 */
export async function openLetter(platform: Platform, letter: Pick<LetterRow, 'id' | 'message_id' | 'aapningskvittering'>, now: number): Promise<boolean> {
  return platform.db.kysely.transaction().execute(async (trx) => {
    const db = digitalpostDb(trx);
    if (!(await markOpened(db, letter.id, now))) return false;
    if (Number(letter.aapningskvittering) === 1) {
      const message = await selectMessage(db, letter.message_id);
      if (!message) throw platformError('PLATFORM_INTERNAL', `digitalpost: letter ${letter.id} has no message ${letter.message_id} to send an aapningskvittering for`);
      await issueReceipt(platform, trx, { type: 'aapningskvittering', message, now });
    }
    return true;
  });
}
