/**
 * The hosted integration point's DPI client: turns a Next Move `digital` or `print` message into
 * a Digital post til innbyggere shipment for corner 2, as Digdir's integration point does with
 * its dpi-client (`DpiMapper`, `CreateStandardBusinessDocument`, `CreateCMSEncryptedAsice`,
 * `StandBusinessDocumentJsonFinalizer`, `CreateJWT`):
 *
 * 1. **Channel** from KRR, looked up now (logged in KRR's audit log as the sender's lookup):
 *    `AKTIV`, not reserved and with a mailbox → `digital` to the mailbox provider; otherwise the
 *    letter is printed (`utskrift` to the print provider, whose certificate comes from
 *    `printSertifikat`). A `print` message is always printed.
 * 2. **Document package**: the message's files (main document first) in an ASiC-E signed by the
 *    tenant's enterprise certificate, with an SDP `manifest.xml`, encrypted as CMS to the
 *    provider's certificate from KRR; `dokumentpakkefingeravtrykk` is the SHA-256 of the CMS.
 * 3. **Business message** `digital` / `utskrift` per Digdir's innbyggerpost schemas, with the
 *    tenant's `digitalpostinnbygger:send` token in `maskinportentoken`, and the whole SBD signed
 *    as a JWS (RS256, `x5c`) by the same certificate.
 *
 * Mapping from the Next Move message (Digdir's `DpiDigitalMessage` / `DpiPrintMessage`):
 * - `digital.tittel` → `ikkesensitivtittel`; `spraak` → `spraak` (lower case);
 *   `sikkerhetsnivaa` → integer; `digitalPostInfo.virkningsdato` → `virkningsdato`;
 *   `digitalPostInfo.aapningskvittering` → boolean; `avsenderId` → `avsender.avsenderidentifikator`;
 *   `fakturaReferanse` → `avsender.fakturaReferanse`.
 * - `varsler.epostTekst` / `varsler.smsTekst` → `varsler.epostvarsel` / `smsvarsel` with the
 *   citizen's e-mail / mobile from KRR and `repetisjoner` `[0, 7]` (the Sikker digital post
 *   clients' default: on the day and a week later). A text without a KRR address gives no
 *   notification of that kind (the provider then follows the citizen's own settings).
 * - `print.mottaker` (or, when absent, and for a `digital` letter that falls back to print, the
 *   citizen's address in Folkeregisteret) → `utskrift.mottaker`; `retur.mottaker` (or the
 *   sender's postal address in Enhetsregisteret) and `retur.returhaandtering` (default
 *   `DIREKTE_RETUR`) → `retur`; `utskriftsfarge` (default `SORT_HVIT`) → `utskriftstype`;
 *   `posttype` `A_PRIORITERT`/`B_OEKONOMI` (default B) → `A`/`B`.
 *
 * @see specs/krr-dpi-esign.md §2; schemas `innbyggerpost_dpi_digital_1_0`, `innbyggerpost_dpi_utskrift_1_0`
 */
import { randomUUID } from 'node:crypto';
import { buildDokumentpakke, signSbd, type DokumentpakkeDocumentInput } from '../../digitalpost/crypto/index.ts';
import { getPrintSertifikat, KRR_SCOPE_DIGITALPOST, KRR_SCOPE_KONTAKTINFORMASJON, lookupPersons } from '../../krr/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { findOrganisationPostadresse, findPersonPostadresse } from '../../registers/index.ts';
import { eformidlingError } from '../errors.ts';
import type { MessageRow } from '../store/tables.ts';
import type { DpiTokenSource } from './dpi-token.ts';
import type { Signer } from './signing-certificates.ts';
import { osloDateTime } from './wire.ts';

/** Default notification days when the sender asks for a notification (SDP clients' default). */
export const DEFAULT_REPETISJONER: readonly number[] = Object.freeze([0, 7]);

/** What goes to corner 2. */
export interface DpiShipment {
  /** `digital` (mailbox) or `utskrift` (print). */
  type: 'digital' | 'utskrift';
  /** The receiving provider's organisasjonsnummer. */
  receiverOrgnr: string;
  /** The signed SBD (compact JWS). */
  forretningsmelding: string;
  /** The CMS-encrypted ASiC-E (DER). */
  dokumentpakke: Uint8Array;
  /** The token used (also inside the SBD). */
  token: string;
  tokenScopes: readonly string[];
}

/** A stored file of the message, read whole. */
export interface DpiFile {
  filename: string;
  mimeType: string;
  title: string | null;
  content: Uint8Array;
}

const IDENTIFIER = (orgnr: string) => ({ authority: 'iso6523-actorid-upis', value: `0192:${orgnr}` });

function documentStandard(type: string): string {
  return `urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:${type}::1.0`;
}

function processIdentifier(type: string): string {
  return `urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:${type}:ver1.0`;
}

function asBoolean(value: unknown): boolean {
  return value === true || value === 'true';
}

function withoutEmpty<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;
}

/**
 * Builds the shipment for one Next Move DPI message.
 *
 * @param message the outgoing message row (service DPI; its stored SBD holds `digital` or `print`)
 * @param files the message's files, read whole, in position order
 * @throws AppError `EFORMIDLING_DPI_NO_ADDRESS` (400: a letter to print has no postal address),
 *   `EFORMIDLING_DPI_NOT_DELIVERABLE` (400: e.g. no print provider); the sender learns them as
 *   `FEIL`. Other errors (database, Maskinporten) are the platform's and are retried.
 */
export async function buildDpiShipment(
  platform: Platform,
  deps: { tokens: DpiTokenSource; signer: Signer },
  message: MessageRow,
  files: readonly DpiFile[],
  now: number,
): Promise<DpiShipment> {
  const sbd = JSON.parse(message.sbd) as Record<string, any>;
  const nextMove = (sbd[message.message_type] ?? {}) as Record<string, any>;
  const orgnr = message.orgnr;
  const receiver = String(message.receiver_identifier);
  const pid = receiver.startsWith('0192:') ? receiver.slice(5) : receiver;

  // 1. Channel and the citizen's data from KRR.
  const lookup = await lookupPersons(
    platform.db,
    { personidentifikatorer: [pid], includeNotRegistered: true, disclosure: { kontaktinformasjon: true, digitalpost: true } },
    { endpoint: 'eFormidling DPI', consumerOrgno: orgnr, clientId: 'eformidling-integrasjonspunkt', scopes: [KRR_SCOPE_KONTAKTINFORMASJON, KRR_SCOPE_DIGITALPOST], requestId: randomUUID() },
    now,
  );
  const person = lookup.personer[0];
  const mailbox = person?.status === 'AKTIV' && person.reservasjon === 'NEI' ? person.digital_post : undefined;
  const digital = message.message_type === 'digital' && mailbox !== undefined && person?.sertifikat !== undefined;

  const hoveddokument = typeof nextMove.hoveddokument === 'string' ? nextMove.hoveddokument : files[0]?.filename;
  const ordered = [...files].sort((a, b) => (a.filename === hoveddokument ? -1 : b.filename === hoveddokument ? 1 : 0));
  const documents: DokumentpakkeDocumentInput[] = ordered.map((f) => ({
    filename: f.filename,
    mimeType: f.mimeType,
    content: f.content,
    ...(f.title ? { tittel: f.title } : f.filename === hoveddokument && typeof nextMove.tittel === 'string' ? { tittel: nextMove.tittel } : {}),
    hoveddokument: f.filename === hoveddokument,
  }));

  let type: 'digital' | 'utskrift';
  let receiverOrgnr: string;
  let certificateBase64: string;
  let body: Record<string, unknown>;
  const avsender = withoutEmpty({
    virksomhetsidentifikator: IDENTIFIER(orgnr),
    avsenderidentifikator: typeof nextMove.avsenderId === 'string' ? nextMove.avsenderId : undefined,
    fakturaReferanse: typeof nextMove.fakturaReferanse === 'string' ? nextMove.fakturaReferanse : undefined,
  });
  if (digital) {
    type = 'digital';
    receiverOrgnr = mailbox!.postkasseleverandoeradresse;
    certificateBase64 = person!.sertifikat!;
    const info = (nextMove.digitalPostInfo ?? {}) as Record<string, unknown>;
    const varsler: Record<string, unknown> = {};
    const tekster = (nextMove.varsler ?? {}) as Record<string, unknown>;
    const kontakt = person!.kontaktinformasjon;
    if (typeof tekster.epostTekst === 'string' && tekster.epostTekst !== '' && kontakt?.epostadresse) {
      varsler.epostvarsel = { epostadresse: kontakt.epostadresse, varslingstekst: tekster.epostTekst, repetisjoner: [...DEFAULT_REPETISJONER] };
    }
    if (typeof tekster.smsTekst === 'string' && tekster.smsTekst !== '' && kontakt?.mobiltelefonnummer) {
      varsler.smsvarsel = { mobiltelefonnummer: kontakt.mobiltelefonnummer, varslingstekst: tekster.smsTekst, repetisjoner: [...DEFAULT_REPETISJONER] };
    }
    body = withoutEmpty({
      avsender,
      // The schema's `personmottaker` holds only the mailbox address; the person goes in the
      // package's manifest (encrypted), where the provider reads it.
      mottaker: { postkasseadresse: mailbox!.postkasseadresse },
      dokumentpakkefingeravtrykk: undefined,
      maskinportentoken: undefined,
      sikkerhetsnivaa: Number(nextMove.sikkerhetsnivaa),
      virkningsdato: typeof info.virkningsdato === 'string' ? info.virkningsdato : undefined,
      aapningskvittering: asBoolean(info.aapningskvittering),
      ikkesensitivtittel: String(nextMove.tittel ?? ''),
      spraak: String(nextMove.spraak ?? 'no').toLowerCase(),
      varsler,
    });
  } else {
    type = 'utskrift';
    const print = await getPrintSertifikat(platform.db).catch(() => undefined);
    if (!print) throw eformidlingError('EFORMIDLING_DPI_NOT_DELIVERABLE', 'The letter must be printed, but no print provider is registered in KRR');
    receiverOrgnr = print.postkasseleverandoerAdresse;
    certificateBase64 = print.x509Sertifikat;
    const printMessage = message.message_type === 'print' ? nextMove : {};
    const mottaker = printMessage.mottaker ?? (await findPersonPostadresse(platform.db, pid));
    if (!mottaker) {
      throw eformidlingError('EFORMIDLING_DPI_NO_ADDRESS', 'The letter must be printed, but the citizen has no postal address in Folkeregisteret and the message gives none (print.mottaker)');
    }
    const retur = (printMessage.retur ?? {}) as Record<string, any>;
    const returMottaker = retur.mottaker ?? (await findOrganisationPostadresse(platform.db, orgnr));
    if (!returMottaker) {
      throw eformidlingError('EFORMIDLING_DPI_NO_ADDRESS', `The letter must be printed, but the sender ${orgnr} has no postal address in Enhetsregisteret and the message gives none (print.retur.mottaker)`);
    }
    body = withoutEmpty({
      avsender,
      mottaker,
      dokumentpakkefingeravtrykk: undefined,
      maskinportentoken: undefined,
      utskriftstype: typeof printMessage.utskriftsfarge === 'string' ? printMessage.utskriftsfarge : 'SORT_HVIT',
      retur: { mottaker: returMottaker, returposthaandtering: typeof retur.returhaandtering === 'string' ? retur.returhaandtering : 'DIREKTE_RETUR' },
      posttype: printMessage.posttype === 'A_PRIORITERT' ? 'A' : 'B',
    });
  }

  // 2. The package, encrypted to the provider.
  const pakke = await buildDokumentpakke({
    signer: deps.signer,
    avsenderOrgnr: orgnr,
    mottaker: type === 'digital' ? { personidentifikator: pid, postkasseadresse: mailbox!.postkasseadresse } : null,
    documents,
    spraak: String(nextMove.spraak ?? 'no').toLowerCase(),
    recipientCertificateDer: Buffer.from(certificateBase64, 'base64'),
    now: new Date(now),
  });

  // 3. The business message, with the token, signed.
  const token = await deps.tokens.token(orgnr, deps.signer, now);
  const header = {
    headerVersion: '1.0',
    sender: [{ identifier: IDENTIFIER(orgnr) }],
    receiver: [{ identifier: IDENTIFIER(receiverOrgnr) }],
    documentIdentification: {
      standard: documentStandard(type),
      typeVersion: '1.0',
      instanceIdentifier: message.message_id,
      type,
      creationDateAndTime: osloDateTime(now),
    },
    businessScope: {
      scope: [
        {
          type: 'ConversationId',
          instanceIdentifier: message.conversation_id,
          identifier: processIdentifier(type),
          scopeInformation: [{ expectedResponseDateTime: osloDateTime(Number(message.expires_at)) }],
        },
      ],
    },
  };
  const finalBody = { ...body, dokumentpakkefingeravtrykk: pakke.fingerprint, maskinportentoken: token.token };
  const forretningsmelding = await signSbd({ standardBusinessDocument: { standardBusinessDocumentHeader: header, [type]: finalBody } }, deps.signer);
  return {
    type,
    receiverOrgnr,
    forretningsmelding,
    dokumentpakke: pakke.cms,
    token: token.token,
    tokenScopes: String(token.claims.scope ?? '').split(' ').filter(Boolean),
  };
}
