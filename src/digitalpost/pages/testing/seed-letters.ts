/**
 * Test helper: letters filed straight into a citizen's mailbox (a `digitalpost_messages` row, the
 * letter and its documents), as a mailbox provider files them, for tests of the mailbox pages
 * that do not go through corner 2 and eFormidling. Also a provider key, so an opening receipt
 * can be signed without the component's start.
 */
import { randomUUID } from 'node:crypto';
import { PDFDocument, StandardFonts } from '@pdfme/pdf-lib';
import type { Platform } from '../../../platform/platform.ts';
import { POSTEN_BRING_ORGNR } from '../../../registers/index.ts';
import { digitalpostDb } from '../../store/digitalpost-store.ts';
import type { LetterRow } from '../../store/tables.ts';

/** NAV, the sender of the seeded letters. */
export const NAV_ORGNR = '889640782';
export const NAV_NAME = 'ARBEIDS- OG VELFERDSETATEN';

/** A document to file. */
export interface SeedDocument {
  filename: string;
  mimeType: string;
  content: Uint8Array;
  tittel?: string | null;
  hoveddokument?: boolean;
}

/** What to file; everything has a default. */
export interface SeedLetter {
  pid: string;
  id?: string;
  title?: string;
  spraak?: string;
  sikkerhetsnivaa?: number;
  /** `visible_from`, epoch ms (default a minute ago). */
  visibleFrom?: number;
  aapningskvittering?: boolean;
  openedAt?: number | null;
  /** The message came from the hosted eFormidling integration point (a receipt then gets a job). */
  eformidlingMessageId?: string | null;
  senderOrgnr?: string;
  senderName?: string;
  providerOrgnr?: string;
  documents?: SeedDocument[];
}

/** A one-page PDF with `text` on it. */
export async function makePdf(text: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([595, 842]).drawText(text, { x: 72, y: 770, size: 16, font });
  return pdf.save();
}

/**
 * Files a letter: its DPI message, the letter, and its documents (positions in the given order;
 * the first is the main document unless one says `hoveddokument`).
 *
 * @returns the letter row
 */
export async function seedLetter(platform: Platform, s: SeedLetter): Promise<LetterRow> {
  const db = digitalpostDb(platform.db);
  const now = Date.now();
  const messageId = randomUUID();
  const conversationId = randomUUID();
  const senderOrgnr = s.senderOrgnr ?? NAV_ORGNR;
  const providerOrgnr = s.providerOrgnr ?? POSTEN_BRING_ORGNR;
  await db
    .insertInto('digitalpost_messages')
    .values({
      message_id: messageId,
      conversation_id: conversationId,
      type: 'digital',
      sender_orgnr: senderOrgnr,
      consumer_orgnr: senderOrgnr,
      receiver_orgnr: providerOrgnr,
      avsenderidentifikator: null,
      kanal: null,
      forretningsmelding: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
      dokumentpakke: Buffer.from('not a real CMS'),
      state: 'BEHANDLET',
      eformidling_message_id: s.eformidlingMessageId ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const letter: LetterRow = {
    id: s.id ?? randomUUID(),
    message_id: messageId,
    conversation_id: conversationId,
    provider_orgnr: providerOrgnr,
    postkasseadresse: 'ola.nordmann#1A2B',
    personidentifikator: s.pid,
    sender_orgnr: senderOrgnr,
    sender_name: s.senderName ?? NAV_NAME,
    avsenderidentifikator: null,
    ikkesensitivtittel: s.title ?? 'Brev fra NAV',
    spraak: s.spraak ?? 'NO',
    sikkerhetsnivaa: s.sikkerhetsnivaa ?? 3,
    visible_from: s.visibleFrom ?? now - 60_000,
    aapningskvittering: s.aapningskvittering ? 1 : 0,
    opened_at: s.openedAt ?? null,
    varsler: null,
    created_at: now,
  };
  await db.insertInto('digitalpost_letters').values(letter).execute();
  const documents = s.documents ?? [{ filename: 'brev.pdf', mimeType: 'application/pdf', content: await makePdf(letter.ikkesensitivtittel), tittel: letter.ikkesensitivtittel }];
  const main = documents.findIndex((d) => d.hoveddokument === true);
  for (const [i, d] of documents.entries()) {
    await db
      .insertInto('digitalpost_documents')
      .values({
        letter_id: letter.id,
        position: i,
        filename: d.filename,
        mime_type: d.mimeType,
        tittel: d.tittel ?? null,
        hoveddokument: (main === -1 ? i === 0 : i === main) ? 1 : 0,
        content: Buffer.from(d.content),
        size: d.content.byteLength,
      })
      .execute();
  }
  return letter;
}

/** Gives a provider a signing key from the test PKI (what the component's start does), unless it has one. */
export async function seedProviderKey(platform: Platform, orgnr: string = POSTEN_BRING_ORGNR): Promise<void> {
  const db = digitalpostDb(platform.db);
  if (await db.selectFrom('digitalpost_provider_keys').select('serial').where('orgnr', '=', orgnr).executeTakeFirst()) return;
  const c = await platform.pki.issueEnterpriseCertificate({ orgnr, organisationName: `PROVIDER ${orgnr}`, purpose: 'all', validityDays: 365 });
  await db
    .insertInto('digitalpost_provider_keys')
    .values({ orgnr, serial: c.serialNumber, certificate_pem: c.certificatePem, private_key_pem: c.privateKeyPem, not_after_at: c.notAfter.getTime(), created_at: Date.now() })
    .execute();
}
