/**
 * Which notifications a filed letter gets, to which address, with which text and on which days:
 * one `digitalpost_notifications` row per channel and repetition day, written in the transaction
 * that files the letter. Sending is `send.ts`'s job.
 *
 * ## The rules
 * - **Sender-ordered notifications** (`varsler.epostvarsel`, `varsler.smsvarsel`): "overstyrer
 *   Mottaker sine egne varslingspreferanser". Address: the one in the message
 *   (`epostadresse`, `mobiltelefonnummer`), else the citizen's in KRR; text: the sender's
 *   `varslingstekst` (e-mail: followed by where to log in), else the default text in the
 *   letter's language (`texts.ts`); days: `repetisjoner` (0–25 days after `visible_from`: the
 *   `virkningstidspunkt`, or the filing when that is later — see `visibleFrom` in
 *   `provider/process-message.ts`; 0 = the same day), default `[0]`. A channel ordered without any known address is still
 *   scheduled (address null): sending fails it with a `varslingfeiletkvittering`.
 * - **No `varsler` in the message**: the real mailbox providers then notify by the citizen's own
 *   settings in their mailbox ("innbyggerstyrt varsel"; Digipost sends such notices to the
 *   contact data registered at Digipost, e-Boks to its profile's). This Grunnmur has no
 *   mailbox-side settings and stands in with KRR: one e-mail on day 0 to the citizen's KRR
 *   address when there is one, and no SMS, since SMS is priced and only sent when the sender
 *   orders it. Nothing is scheduled when KRR has no usable e-mail address, and no
 *   `varslingfeiletkvittering` is ever sent for this notification: the sender did not order it.
 * - **Any `varsler` given** (one channel or both): only what the sender ordered is sent, no
 *   citizen-default e-mail on top (e-Boks: "Dersom avsender har bestilt varsel, sendes ikke
 *   «e-Boks varsler» i tillegg. Dette slik at det blir kun sendt ett varsel").
 * - KRR data is used only for a person who is `AKTIV` and not reserved; the 18-month rule of
 *   eForvaltningsforskriften §32 binds the sending agency's own lookups, not the provider's
 *   notifications, and is not applied.
 * - Every notification, day 0 included, is skipped once the letter is opened ("Varslinger … sendes
 *   kun til innbygger dersom innbygger ikke har gjort seg kjent med brevet"): see `send.ts`.
 *
 * @see https://docs.digdir.no/resources/begrep/sikkerDigitalPost/begrep/SmsVarsel.html and schemas/dpi/commons.schema.json (`varsler`, `epostvarsel`, `smsvarsel`, `repetisjoner`: "dagerEtter=0 betyr samme dag som virkningsdato")
 * @see https://samarbeid.digdir.no/digital-postkasse/varsling-av-innbyggere-i-digital-postkasse/1577 (the providers' notification routines)
 * @see https://samarbeid.difi.no/felleslosninger/digital-postkasse-til-innbyggere/dokumentasjon/hvordan-skal-jeg-bruke-varsling-i-digital-postkasse
 * @see specs/krr-dpi-esign.md §2 `varsler`
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findContactInfo, type ContactInfo } from '../../krr/index.ts';
import type { Platform } from '../../platform/platform.ts';
import type { LetterRow, NotificationRow } from '../store/tables.ts';
import { defaultEmailText, defaultSmsText, emailWithSenderText, notificationLang, type LetterFacts } from './texts.ts';

/** One day in milliseconds: repetition day `n` is due at `visible_from + n · DAY_MS`. */
export const DAY_MS = 86_400_000;

/** Repetition days when the sender gives none, or for the citizen-default e-mail. */
export const DEFAULT_REPETISJONER: readonly number[] = [0];

/** Highest repetition day the schema allows (`repetisjoner` items 0–25). */
const MAX_DAY = 25;

/** A notification channel, spelt like `varslingfeiletkvittering.varslingskanal`. */
export type Varslingskanal = NotificationRow['kanal'];

/** One channel a sender ordered, as read from `varsler` (empty strings read as absent). */
export interface OrderedVarsel {
  /** `epostadresse` / `mobiltelefonnummer` as given, or null. */
  address: string | null;
  /** `varslingstekst`, or null. */
  text: string | null;
  /** Distinct days 0–25, ascending; {@link DEFAULT_REPETISJONER} when none valid was given. */
  repetisjoner: number[];
}

/** The message's `varsler`: what the sender ordered per channel (null: not ordered). */
export interface OrderedVarsler {
  epost: OrderedVarsel | null;
  sms: OrderedVarsel | null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function days(value: unknown): number[] {
  const valid = Array.isArray(value) ? value.filter((d): d is number => Number.isInteger(d) && d >= 0 && d <= MAX_DAY) : [];
  return valid.length === 0 ? [...DEFAULT_REPETISJONER] : [...new Set(valid)].sort((a, b) => a - b);
}

function varsel(value: unknown, addressField: 'epostadresse' | 'mobiltelefonnummer'): OrderedVarsel | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  return { address: text(v[addressField]), text: text(v.varslingstekst), repetisjoner: days(v.repetisjoner) };
}

/**
 * Reads `digitalpost_letters.varsler` (the message's `varsler` JSON). Tolerant, since corner 2
 * validated the message against the schema already: unreadable JSON or a missing channel is
 * "not ordered"; days outside 0–25 are dropped.
 */
export function orderedVarsler(json: string | null): OrderedVarsler {
  let parsed: unknown = null;
  try {
    parsed = json === null ? null : JSON.parse(json);
  } catch {
    parsed = null;
  }
  const v = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  return { epost: varsel(v.epostvarsel, 'epostadresse'), sms: varsel(v.smsvarsel, 'mobiltelefonnummer') };
}

/** What the texts need of a letter. */
export function letterFacts(platform: Platform, letter: Pick<LetterRow, 'sender_name' | 'ikkesensitivtittel' | 'spraak'>): LetterFacts {
  return {
    senderName: letter.sender_name,
    ikkesensitivtittel: letter.ikkesensitivtittel,
    lang: notificationLang(letter.spraak),
    publicUrl: platform.config.PUBLIC_URL,
  };
}

interface Plan {
  kanal: Varslingskanal;
  address: string | null;
  text: string;
  days: readonly number[];
}

/**
 * Schedules a filed letter's notifications (see the module comment for the rules): one
 * `digitalpost_notifications` row per channel and repetition day, state `VENTER`, due at
 * `visible_from + day · 24 h`. Idempotent: rows that exist (same letter, channel and day) are
 * left as they are.
 *
 * @param trx the transaction that files the letter (KRR is read in it too)
 * @param letter the filed letter; `varsler` holds the message's `varsler` JSON or null
 * @param now epoch ms, the rows' `updated_at` (default now)
 * @returns how many rows were written
 * @see specs/krr-dpi-esign.md §2 `varsler`; issue 7 item 5
 */
export async function scheduleNotifications(platform: Platform, trx: Kysely<any>, letter: LetterRow, now: number = Date.now()): Promise<number> {
  const ordered = orderedVarsler(letter.varsler);
  const facts = letterFacts(platform, letter);
  let contact: ContactInfo | null | undefined;
  const krr = async (): Promise<ContactInfo | null> => {
    if (contact === undefined) {
      const found = await findContactInfo(trx, letter.personidentifikator);
      contact = found && found.status === 'AKTIV' && found.reservasjon === 'NEI' ? found : null;
    }
    return contact;
  };

  const plans: Plan[] = [];
  if (ordered.epost) {
    plans.push({
      kanal: 'epost',
      address: ordered.epost.address ?? (await krr())?.epostadresse ?? null,
      text: ordered.epost.text === null ? defaultEmailText(facts) : emailWithSenderText(ordered.epost.text, facts),
      days: ordered.epost.repetisjoner,
    });
  }
  if (ordered.sms) {
    plans.push({
      kanal: 'sms',
      address: ordered.sms.address ?? (await krr())?.mobiltelefonnummer ?? null,
      text: ordered.sms.text ?? defaultSmsText(facts),
      days: ordered.sms.repetisjoner,
    });
  }
  if (!ordered.epost && !ordered.sms) {
    const epostadresse = text((await krr())?.epostadresse);
    if (epostadresse !== null) plans.push({ kanal: 'epost', address: epostadresse, text: defaultEmailText(facts), days: DEFAULT_REPETISJONER });
  }

  const rows: NotificationRow[] = plans.flatMap((plan) =>
    plan.days.map((day) => ({
      id: randomUUID(),
      letter_id: letter.id,
      kanal: plan.kanal,
      address: plan.address,
      text: plan.text,
      repetisjon: day,
      due_at: Number(letter.visible_from) + day * DAY_MS,
      state: 'VENTER' as const,
      outbox_id: null,
      beskrivelse: null,
      updated_at: now,
    })),
  );
  if (rows.length === 0) return 0;
  const result = await trx
    .insertInto('digitalpost_notifications')
    .values(rows)
    .onConflict((oc) => oc.columns(['letter_id', 'kanal', 'repetisjon']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}
