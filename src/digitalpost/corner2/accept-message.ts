/**
 * Corner 2's acceptance of a DPI message (`POST /dpi/messages/out`, and the hosted eFormidling
 * integration point in process). Every check runs before anything is stored, in this order:
 *
 * 1. the caller's token has `digitalpostinnbygger:send` (the route checks it too);
 * 2. the forretningsmelding is a JWS (RS256, `x5c`) whose certificate chains to the platform's
 *    test CA and is not revoked (`DIGITALPOST_JWS_INVALID`);
 * 3. its payload is a `digital` or `utskrift` SBD, schema-valid, with print addresses that pass
 *    the print rules and a header that agrees with the type (`checks/check-sbd.ts`);
 * 4. the JWS certificate's orgnr is the sender (`DIGITALPOST_SIGNER_NOT_SENDER`), and the
 *    sender is the token's consumer (`DIGITALPOST_SENDER_NOT_CALLER`, 403);
 * 5. the `maskinportentoken` inside is a valid, unexpired token of this platform with
 *    `digitalpostinnbygger:send`, issued to the sender (`checks/check-maskinportentoken.ts`);
 * 6. the fingerprint is the SHA-256 of the dokumentpakke (`checks/check-fingerprint.ts`);
 * 7. the receiver is a provider of the type's role in KRR (`DIGITALPOST_RECEIVER_UNKNOWN`), and
 *    the dokumentpakke is a CMS EnvelopedData encrypted to a certificate that provider has
 *    registered in KRR (`checks/check-recipient.ts`; `DIGITALPOST_CMS_INVALID`,
 *    `DIGITALPOST_CMS_WRONG_RECIPIENT`);
 * 8. the messageId was not used before (`DIGITALPOST_MESSAGE_EXISTS`, 409).
 *
 * Then, in ONE transaction: the message (state `MOTTATT`), the statuses `OPPRETTET` and `SENDT`,
 * and the receiving provider's job (`digitalpost.provider`). Corner 2 passes the message on to
 * the provider at once (both run here), so `SENDT` is recorded with the acceptance.
 *
 * @see spec `krr-dpi-esign.md` §2; design "The real wire model" (corner-2 REST API)
 */
import { authError } from '../../platform/auth/index.ts';
import { platformError } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import { findKrrProvider, findMailbox } from '../../krr/index.ts';
import { cryptoError } from '../crypto/errors.ts';
import { verifySbd } from '../crypto/index.ts';
import { digitalpostError } from '../errors.ts';
import { digitalpostDb } from '../store/digitalpost-store.ts';
import { checkFingerprint } from './checks/check-fingerprint.ts';
import { checkMaskinportentoken, DPI_SCOPE, tokenVerifierAt } from './checks/check-maskinportentoken.ts';
import { addressedToOneOf, cmsAddressees, describeAddressees } from './checks/check-recipient.ts';
import { checkSbd, type ParsedDpiMessage } from './checks/check-sbd.ts';

/** Queue of the receiving provider's job for a message (payload `{ messageId }`). */
export const PROVIDER_QUEUE = 'digitalpost.provider';

/** Largest dokumentpakke corner 2 takes, in bytes (100 MiB). */
export const MAX_DOKUMENTPAKKE_BYTES = 100 * 1024 * 1024;

/** Largest forretningsmelding (the JWS text), in bytes (1 MiB; a real one is a few KiB). */
export const MAX_FORRETNINGSMELDING_BYTES = 1024 * 1024;

/** Longest `kanal`, in characters (the column's size). */
export const MAX_KANAL_LENGTH = 100;

/** Input of {@link acceptMessage}. */
export interface AcceptMessageInput {
  /** Orgnr of the bearer token's consumer (the caller). */
  consumerOrgnr: string;
  /** The bearer token's scopes. */
  scopes: readonly string[];
  /** The signed SBD (compact JWS) exactly as sent. */
  forretningsmelding: string;
  /** The CMS-encrypted ASiC-E (DER). */
  dokumentpakke: Uint8Array;
  /** The `kanal` query parameter, when given. */
  kanal?: string | null;
  /** eFormidling's message id when the hosted integration point sends. */
  eformidlingMessageId?: string | null;
  /** Acceptance time, epoch ms (default now): certificates and the token inside are checked at it. */
  now?: number;
}

const caPems = new WeakMap<Platform, Promise<string[]>>();

/** The platform test CA's root and issuing certificates (PEM), read once per platform. */
export function trustedCaPems(platform: Platform): Promise<string[]> {
  let pems = caPems.get(platform);
  if (!pems) {
    pems = Promise.all([platform.pki.rootCertificatePem(), platform.pki.issuingCertificatePem()]);
    pems.catch(() => caPems.delete(platform));
    caPems.set(platform, pems);
  }
  return pems;
}

/**
 * Verifies a forretningsmelding's JWS against the test CA at `at`, revocation included.
 *
 * @returns the payload, the signer's certificate and its orgnr
 * @throws AppError `DIGITALPOST_JWS_INVALID` (400)
 */
export async function verifyForretningsmelding(platform: Platform, jws: string, at: number): Promise<{ payload: unknown; certificatePem: string; orgnr: string | null }> {
  const verified = await verifySbd(jws, { caCertificatesPem: await trustedCaPems(platform), now: new Date(at) });
  const chain = await platform.pki.verifyCertificateChain(verified.certificatePem, new Date(at));
  if (!chain.valid) throw cryptoError('DIGITALPOST_JWS_INVALID', `The forretningsmelding's certificate is not accepted: ${chain.reason}`);
  return verified;
}

/**
 * Checks a message as corner 2 does, before anything is stored (see the module comment): the
 * JWS, the SBD, the parties, the token inside, the fingerprint and the CMS recipient.
 *
 * @returns the parsed message
 * @throws AppError as listed in the module comment (nothing is stored)
 */
export async function checkMessage(platform: Platform, input: AcceptMessageInput, now: number): Promise<ParsedDpiMessage> {
  if (!input.scopes.includes(DPI_SCOPE)) throw authError('AUTH_INSUFFICIENT_SCOPE', `The token lacks the scope ${DPI_SCOPE}`);
  if (input.kanal !== undefined && input.kanal !== null && (input.kanal.length === 0 || input.kanal.length > MAX_KANAL_LENGTH)) {
    throw platformError('PLATFORM_VALIDATION_FAILED', `kanal must be 1–${MAX_KANAL_LENGTH} characters`);
  }
  const verified = await verifyForretningsmelding(platform, input.forretningsmelding, now);
  const message = checkSbd(verified.payload);
  if (verified.orgnr !== message.senderOrgnr) {
    throw digitalpostError(
      'DIGITALPOST_SIGNER_NOT_SENDER',
      `The forretningsmelding is signed with a certificate of ${verified.orgnr === null ? 'no organisation' : `0192:${verified.orgnr}`}, not of the sender 0192:${message.senderOrgnr}`,
    );
  }
  if (input.consumerOrgnr !== message.senderOrgnr) {
    throw digitalpostError('DIGITALPOST_SENDER_NOT_CALLER', `The sender 0192:${message.senderOrgnr} is not the organisation of the token (0192:${input.consumerOrgnr})`);
  }
  // At `input.now` when given (the acceptance time); the platform's verifier (real time) otherwise.
  await checkMaskinportentoken(tokenVerifierAt(platform, input.now), message.maskinportentoken, message.senderOrgnr);
  checkFingerprint(message.dokumentpakkefingeravtrykk, input.dokumentpakke);
  await checkReceiver(platform, message, input.dokumentpakke);
  return message;
}

/** Step 7: the receiver is a provider of the right role, and the CMS is addressed to a certificate it registered. */
async function checkReceiver(platform: Platform, message: ParsedDpiMessage, dokumentpakke: Uint8Array): Promise<void> {
  const role = message.type === 'digital' ? 'postkasse' : 'print';
  const provider = await findKrrProvider(platform.db, message.receiverOrgnr);
  if (!provider || provider.rolle !== role) {
    throw digitalpostError(
      'DIGITALPOST_RECEIVER_UNKNOWN',
      `The receiver 0192:${message.receiverOrgnr} is not a ${role === 'postkasse' ? 'mailbox provider' : 'print provider'} in KRR; a ${message.type} message goes to ${role === 'postkasse' ? 'the citizen’s mailbox provider' : 'the print provider'}`,
    );
  }
  const addressees = cmsAddressees(dokumentpakke);
  if (addressedToOneOf(addressees, [provider.sertifikat])) return;
  if (message.type === 'digital') {
    const mailbox = await findMailbox(platform.db, { providerOrgnr: provider.orgnr, postkasseadresse: String(message.body.mottaker.postkasseadresse) });
    if (mailbox?.postkasse_sertifikat && addressedToOneOf(addressees, [mailbox.postkasse_sertifikat])) return;
  }
  throw cryptoError(
    'DIGITALPOST_CMS_WRONG_RECIPIENT',
    `The dokumentpakke is encrypted to ${describeAddressees(addressees)}, not to a certificate ${provider.navn} (0192:${provider.orgnr}) has registered in KRR`,
  );
}

/**
 * Accepts a DPI message: every check of {@link checkMessage}, then the message, its statuses
 * `OPPRETTET` and `SENDT`, and the provider's job, in one transaction.
 *
 * @returns the messageId (`documentIdentification.instanceIdentifier`, lower case)
 * @throws AppError the check's code (400/401/403, nothing stored); `DIGITALPOST_MESSAGE_EXISTS`
 *   (409) when the messageId was used before
 */
export async function acceptMessage(platform: Platform, input: AcceptMessageInput): Promise<{ messageId: string }> {
  const now = input.now ?? Date.now();
  const message = await checkMessage(platform, input, now);
  const k = digitalpostDb(platform.db);
  const exists = () => digitalpostError('DIGITALPOST_MESSAGE_EXISTS', `A message with messageId ${message.messageId} was sent before`);
  if (await k.selectFrom('digitalpost_messages').select('message_id').where('message_id', '=', message.messageId).executeTakeFirst()) throw exists();
  await k.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('digitalpost_messages')
      .values({
        message_id: message.messageId,
        conversation_id: message.conversationId,
        type: message.type,
        sender_orgnr: message.senderOrgnr,
        consumer_orgnr: input.consumerOrgnr,
        receiver_orgnr: message.receiverOrgnr,
        avsenderidentifikator: message.avsenderidentifikator,
        kanal: input.kanal ?? null,
        forretningsmelding: input.forretningsmelding,
        dokumentpakke: Buffer.from(input.dokumentpakke.buffer, input.dokumentpakke.byteOffset, input.dokumentpakke.byteLength),
        state: 'MOTTATT',
        eformidling_message_id: input.eformidlingMessageId ?? null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('message_id').doNothing())
      .returning('message_id')
      .executeTakeFirst();
    if (!inserted) throw exists();
    await trx
      .insertInto('digitalpost_message_statuses')
      .values([
        { message_id: message.messageId, status: 'OPPRETTET', beskrivelse: null, timestamp: now },
        { message_id: message.messageId, status: 'SENDT', beskrivelse: null, timestamp: now },
      ])
      .execute();
    await platform.jobs.enqueue({ queue: PROVIDER_QUEUE, payload: { messageId: message.messageId }, idempotencyKey: `${PROVIDER_QUEUE}:${message.messageId}` }, trx);
  });
  return { messageId: message.messageId };
}
