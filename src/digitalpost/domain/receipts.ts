/**
 * Receipts (kvitteringer) a provider returns to the sender of a DPI message: built as the
 * receipt SBD of Digdir's schemas (`innbyggerpost_dpi_<type>_1_0`), signed as a JWS by the
 * provider's key, and queued for the sender at corner 2 (`GET /dpi/messages/in`). A message the
 * hosted eFormidling integration point sent also gets a job on {@link RECEIPT_QUEUE}, which
 * eFormidling handles (it turns the receipt into a Next Move status; Digital postkasse never
 * imports eFormidling).
 *
 * The receipt SBD:
 * - header `sender` = the provider (`0192:<orgnr>`), `receiver` = the original sender;
 *   `documentIdentification` standard
 *   `urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:<type>::1.0`,
 *   type `<type>`, a new `instanceIdentifier`; the message's `ConversationId` scope (its
 *   conversation id and the process of its type, `…:innbyggerpost:digital:ver1.0` or `…:utskrift:ver1.0`);
 * - body `avsender` = the provider, `mottaker` = the original sender (with
 *   `motakeridentifikator` = the message's `avsenderidentifikator`, when it had one; the
 *   schema's spelling), `tidspunkt`; plus `varslingskanal` and `beskrivelse`
 *   (`varslingfeiletkvittering`), `feiltype` and `detaljer` (`feil`).
 *
 * @see https://docs.digdir.no/schemas/dpi/ (leveringskvittering, aapningskvittering, varslingfeiletkvittering,
 *   mottakskvittering, returpostkvittering, feil); the NAV sample receipt in Digdir's examples
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Platform } from '../../platform/platform.ts';
import { platformError } from '../../platform/errors.ts';
import { signSbd } from '../crypto/index.ts';
import { dpiProcess, dpiSchemaProblems, dpiStandard } from '../corner2/dpi-schemas.ts';
import { osloDateTime } from '../corner2/oslo-time.ts';
import { providerSigner } from '../provider/keys.ts';
import { digitalpostDb } from '../store/digitalpost-store.ts';

/** Queue of the jobs that hand a receipt to eFormidling (payload `{ receiptId }`; eFormidling registers the handler). */
export const RECEIPT_QUEUE = 'digitalpost.receipt';

/** The receipt types a provider issues. */
export const RECEIPT_TYPES = ['leveringskvittering', 'aapningskvittering', 'varslingfeiletkvittering', 'mottakskvittering', 'returpostkvittering', 'feil'] as const;

/** One of {@link RECEIPT_TYPES}. */
export type ReceiptType = (typeof RECEIPT_TYPES)[number];

/** The message a receipt is about (a `digitalpost_messages` row, or the same columns of a letter joined to it). */
export interface ReceiptSubject {
  message_id: string;
  conversation_id: string;
  /** The original sender (receives the receipt). */
  sender_orgnr: string;
  /** The provider that issues the receipt. */
  receiver_orgnr: string;
  avsenderidentifikator: string | null;
  kanal: string | null;
}

/** Input of {@link issueReceipt}. */
export interface IssueReceiptInput {
  type: ReceiptType;
  message: ReceiptSubject;
  /**
   * The type's own members: `varslingskanal` (`epost`|`sms`) and optional `beskrivelse` for
   * `varslingfeiletkvittering`; `feiltype` (`KLIENT`|`SERVER`) and `detaljer` for `feil` (a
   * `beskrivelse` given for `feil` is written as `detaljer`, the schema's name).
   */
  fields?: Record<string, unknown>;
  /** Receipt time, epoch ms (default now). */
  now?: number;
}

const IDENTIFIER = (orgnr: string) => ({ authority: 'iso6523-actorid-upis', value: `0192:${orgnr}` });

/**
 * The receipt SBD (unsigned) for a message of `messageType`.
 *
 * @throws AppError `PLATFORM_INTERNAL` when the result does not validate against the receipt's
 *   schema (a wrong `fields`: a programming error)
 */
export function receiptSbd(input: IssueReceiptInput & { messageType: 'digital' | 'utskrift'; receiptId: string; now: number }): Record<string, unknown> {
  const { message, type } = input;
  const time = osloDateTime(input.now);
  const fields: Record<string, unknown> = { ...(input.fields ?? {}) };
  if (type === 'feil' && fields.beskrivelse !== undefined && fields.detaljer === undefined) {
    fields.detaljer = fields.beskrivelse;
    delete fields.beskrivelse;
  }
  const mottaker: Record<string, unknown> = { virksomhetsidentifikator: IDENTIFIER(message.sender_orgnr) };
  if (message.avsenderidentifikator !== null) mottaker.motakeridentifikator = message.avsenderidentifikator;
  const sbd = {
    standardBusinessDocument: {
      standardBusinessDocumentHeader: {
        headerVersion: '1.0',
        sender: [{ identifier: IDENTIFIER(message.receiver_orgnr) }],
        receiver: [{ identifier: IDENTIFIER(message.sender_orgnr) }],
        documentIdentification: {
          standard: dpiStandard(type),
          typeVersion: '1.0',
          instanceIdentifier: input.receiptId,
          type,
          creationDateAndTime: time,
        },
        businessScope: {
          scope: [{ type: 'ConversationId', instanceIdentifier: message.conversation_id, identifier: dpiProcess(input.messageType) }],
        },
      },
      [type]: { avsender: { virksomhetsidentifikator: IDENTIFIER(message.receiver_orgnr) }, mottaker, tidspunkt: time, ...fields },
    },
  };
  const problems = dpiSchemaProblems(type, sbd);
  if (problems.length > 0) {
    throw platformError('PLATFORM_INTERNAL', `digitalpost: the ${type} receipt does not match its schema: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  return sbd;
}

/**
 * Issues a receipt inside the caller's transaction: builds the receipt SBD, signs it with the
 * provider's newest key, inserts it into `digitalpost_receipts` (unread, for the original
 * sender, with the message's `avsenderidentifikator` and `kanal`), and, when the message came
 * from the hosted eFormidling integration point (`eformidling_message_id` set), enqueues
 * `{ receiptId }` on {@link RECEIPT_QUEUE} in the same transaction.
 *
 * Not idempotent by itself: call it in the transaction of the state change it reports, guarded
 * by that state, so a re-run job issues nothing twice.
 *
 * @param trx a transaction on the platform database
 * @returns the receipt's id (its SBD's `instanceIdentifier`)
 * @throws AppError `DIGITALPOST_PROVIDER_KEY_MISSING` (503) when the provider has no key;
 *   `PLATFORM_INTERNAL` when the message row is missing or `fields` break the schema
 */
export async function issueReceipt(platform: Platform, trx: Kysely<any>, input: IssueReceiptInput): Promise<{ message_id: string }> {
  const k = digitalpostDb(trx);
  const now = input.now ?? Date.now();
  const row = await k.selectFrom('digitalpost_messages').select(['type', 'eformidling_message_id']).where('message_id', '=', input.message.message_id).executeTakeFirst();
  if (!row) throw platformError('PLATFORM_INTERNAL', `digitalpost: no message ${input.message.message_id} to issue a ${input.type} for`);
  const receiptId = randomUUID();
  const sbd = receiptSbd({ ...input, messageType: row.type, receiptId, now });
  const forretningsmelding = await signSbd(sbd, await providerSigner(platform, input.message.receiver_orgnr, now, trx));
  await k
    .insertInto('digitalpost_receipts')
    .values({
      message_id: receiptId,
      ref_message_id: input.message.message_id,
      conversation_id: input.message.conversation_id,
      receiver_orgnr: input.message.sender_orgnr,
      issuer_orgnr: input.message.receiver_orgnr,
      type: input.type,
      avsenderidentifikator: input.message.avsenderidentifikator,
      kanal: input.message.kanal,
      forretningsmelding,
      read: 0,
      created_at: now,
    })
    .execute();
  if (row.eformidling_message_id !== null) {
    await platform.jobs.enqueue({ queue: RECEIPT_QUEUE, payload: { receiptId }, idempotencyKey: `${RECEIPT_QUEUE}:${receiptId}` }, trx);
  }
  return { message_id: receiptId };
}
