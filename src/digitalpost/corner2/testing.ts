/**
 * Test helpers of corner 2 and the providers: a platform with KRR, Maskinporten and the
 * corner-2 routes and provider jobs, real DPI messages (a sender's enterprise certificate from
 * the test PKI, a real Maskinporten token, an ASiC-E encrypted to the provider's KRR
 * certificate, the SBD signed as JWS), the multipart request, and a snapshot of every
 * `digitalpost_*` table and the job queue. Not for product code.
 */
import { snapshotTables } from '../../platform/db/testing.ts';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.ts';
import { findKrrProvider, krrComponent } from '../../krr/index.ts';
import { maskinportenComponent } from '../../maskinporten/index.ts';
import { mintPlatformToken, type TestTokenOptions } from '../../platform/auth/testing.ts';
import type { Component } from '../../platform/component.ts';
import type { Database, Engine } from '../../platform/db/database.ts';
import type { Platform } from '../../platform/platform.ts';
import { EBOKS_ORGNR, FIXED_ORGANISATIONS, POSTEN_BRING_ORGNR, PRINT_PROVIDER_ORGNR, registersComponent } from '../../registers/index.ts';
import { buildDokumentpakke, signSbd, type DokumentpakkeDocumentInput, type Signer } from '../crypto/index.ts';
import { ensureProviderKeys, registerProviderJobs } from '../provider/index.ts';
import { digitalpostMigrations } from '../store/migrations.ts';
import { dpiProcess, dpiStandard } from './dpi-schemas.ts';
import { corner2Routes, DPI_PATH } from './routes.ts';
import { DPI_SCOPE } from './checks/check-maskinportentoken.ts';

export { EBOKS_ORGNR, POSTEN_BRING_ORGNR, PRINT_PROVIDER_ORGNR };

/** Seeded public agencies used as senders. */
export const DIGDIR = '991825827';
export const NAV = '889640782';

/**
 * The component as tests mount it: the Digital postkasse migrations, the corner-2 routes, the
 * providers' keys and jobs (print jobs posted at once, `printDelayMs: 0`). The lead's
 * `digitalpostComponent` adds the pages and notifications.
 */
export const corner2TestComponent: Component = {
  name: 'digitalpost',
  title: { nb: 'Digital postkasse (test)', en: 'Digital mailbox (test)' },
  description: { nb: 'Hjørne 2 og postkasseleverandørene', en: 'Corner 2 and the providers' },
  paths: [DPI_PATH],
  migrations: digitalpostMigrations,
  plugin: async (app, { platform }) => corner2Routes(app, platform),
  onStart: async (platform) => {
    await ensureProviderKeys(platform);
    registerProviderJobs(platform, { printDelayMs: 0 });
  },
};

/** A platform with registers, Maskinporten, KRR and corner 2 (jobs run by `platform.jobs.runDue()`). */
export function createDpiTestPlatform(engine: Engine, component: Component = corner2TestComponent): Promise<TestPlatform> {
  return createTestPlatform(engine, [registersComponent, maskinportenComponent, krrComponent, component]);
}

const signers = new WeakMap<Platform, Map<string, Promise<Signer>>>();

/** An organisation's enterprise certificate and key (purpose `all`), one per platform and orgnr. */
export function senderSigner(platform: Platform, orgnr: string): Promise<Signer> {
  let byOrg = signers.get(platform);
  if (!byOrg) signers.set(platform, (byOrg = new Map()));
  let signer = byOrg.get(orgnr);
  if (!signer) {
    const name = FIXED_ORGANISATIONS.find((o) => o.orgnr === orgnr)?.navn ?? `VIRKSOMHET ${orgnr}`;
    signer = platform.pki.issueEnterpriseCertificate({ orgnr, organisationName: name.slice(0, 64), purpose: 'all', validityDays: 30 }).then((c) => ({ certificatePem: c.certificatePem, privateKeyPem: c.privateKeyPem }));
    byOrg.set(orgnr, signer);
  }
  return signer;
}

/** A Maskinporten token of the platform for `orgnr` (client `MOVE_IP_<orgnr>`), scope `digitalpostinnbygger:send` unless given. */
export function dpiToken(platform: Platform, orgnr: string, options: TestTokenOptions = {}): Promise<string> {
  return mintPlatformToken(platform, { scope: DPI_SCOPE, consumerOrgno: orgnr, clientId: `MOVE_IP_${orgnr}`, lifetimeS: 120, ...options });
}

/** A seeded citizen with an active mailbox at `provider`. */
export async function mailboxAt(db: Database, provider: string): Promise<{ personidentifikator: string; postkasseadresse: string }> {
  const row = await db.kysely
    .selectFrom('krr_persons')
    .select(['personidentifikator', 'postkasseadresse'])
    .where('postkasseleverandoeradresse', '=', provider)
    .where('status', '=', 'AKTIV')
    .where('postkasseadresse', 'is not', null)
    .orderBy('personidentifikator')
    .executeTakeFirstOrThrow();
  return row as { personidentifikator: string; postkasseadresse: string };
}

/** The certificate KRR publishes for a provider, DER. */
export async function providerCertificateDer(platform: Platform, orgnr: string): Promise<Uint8Array> {
  const provider = await findKrrProvider(platform.db, orgnr);
  if (!provider) throw new Error(`no provider ${orgnr} in KRR`);
  return new Uint8Array(Buffer.from(provider.sertifikat, 'base64'));
}

/** A small PDF-like main document. */
export const TEST_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** A valid print address (Norwegian form). */
export const NORWEGIAN_ADDRESS = { navn: 'Ola Nordmann', adresselinje1: 'Liksomveien 22', postnummer: '1234', poststed: 'Nordby' };
/** The return address of the examples. */
export const RETUR = { mottaker: { navn: 'Helse Foretak HF', adresselinje1: 'Lungehaugen 1', postnummer: '4321', poststed: 'Leikanger' }, returposthaandtering: 'DIREKTE_RETUR' };

/** What {@link buildMessage} makes. */
export interface BuiltMessage {
  /** The SBD before signing. */
  sbd: { standardBusinessDocument: Record<string, any> };
  forretningsmelding: string;
  dokumentpakke: Uint8Array;
  messageId: string;
  conversationId: string;
}

/** Options of {@link buildMessage}; everything defaults to a valid message from Digdir. */
export interface BuildMessageOptions {
  type?: 'digital' | 'utskrift';
  /** Sender orgnr (SBD sender and avsender). Default Digdir. */
  sender?: string;
  /** Receiver provider. Default Posten Bring (digital) / the print provider (utskrift). */
  receiver?: string;
  /** Signs the JWS. Default the sender's certificate. */
  jwsSigner?: Signer;
  /** Signs the ASiC-E. Default the sender's certificate. */
  packageSigner?: Signer;
  /** The package is encrypted to this certificate. Default the receiver's KRR certificate. */
  recipientCertificateDer?: Uint8Array;
  /** Digital: the mailbox. Default the first seeded citizen with a mailbox at the receiver. */
  mottaker?: { personidentifikator?: string; postkasseadresse: string };
  /** The `maskinportentoken`. Default a fresh token of the sender. */
  token?: string;
  documents?: DokumentpakkeDocumentInput[];
  /** Changes the business message (`digital` / `utskrift` object) before signing. */
  body?: (body: Record<string, any>) => void;
  /** Changes the whole SBD before signing (after the fingerprint is set). */
  sbd?: (sbd: Record<string, any>) => void;
  /** A ready SBD (e.g. Digdir's example) instead of the generated one; only what must be live is replaced (ids, parties, mailbox, token, fingerprint). */
  template?: Record<string, any>;
}

const IDENTIFIER = (orgnr: string) => ({ authority: 'iso6523-actorid-upis', value: `0192:${orgnr}` });

/** A default business message of a type. */
function defaultBody(type: 'digital' | 'utskrift', sender: string, postkasseadresse: string): Record<string, any> {
  const avsender = { virksomhetsidentifikator: IDENTIFIER(sender) };
  return type === 'digital'
    ? { avsender, mottaker: { postkasseadresse }, sikkerhetsnivaa: 3, ikkesensitivtittel: 'Vedtak om noe', spraak: 'no', aapningskvittering: false }
    : { avsender, mottaker: { ...NORWEGIAN_ADDRESS }, utskriftstype: 'SORT_HVIT', retur: structuredClone(RETUR), posttype: 'B' };
}

/**
 * A real DPI message: the documents in an ASiC-E signed by the sender, encrypted to the
 * provider's certificate, the fingerprint and a live token in the SBD, the SBD signed as JWS.
 */
export async function buildMessage(platform: Platform, options: BuildMessageOptions = {}): Promise<BuiltMessage> {
  const type = options.type ?? (options.template?.standardBusinessDocument?.utskrift ? 'utskrift' : 'digital');
  const sender = options.sender ?? DIGDIR;
  const receiver = options.receiver ?? (type === 'digital' ? POSTEN_BRING_ORGNR : PRINT_PROVIDER_ORGNR);
  const senderKey = await senderSigner(platform, sender);
  const mottaker = type === 'digital' ? (options.mottaker ?? (await mailboxAt(platform.db, receiver))) : null;
  const documents = options.documents ?? [
    { filename: 'vedtak.pdf', mimeType: 'application/pdf', content: TEST_PDF, tittel: 'Vedtak', hoveddokument: true },
    { filename: 'vedlegg.txt', mimeType: 'text/plain', content: Buffer.from('Vedlegg til vedtaket.\n'), tittel: 'Vedlegg', hoveddokument: false },
  ];
  const built = await buildDokumentpakke({
    signer: options.packageSigner ?? senderKey,
    avsenderOrgnr: sender,
    mottaker,
    documents,
    recipientCertificateDer: options.recipientCertificateDer ?? (await providerCertificateDer(platform, receiver)),
  });
  const messageId = randomUUID();
  const conversationId = randomUUID();
  let sbd: { standardBusinessDocument: Record<string, any> };
  if (options.template) {
    sbd = structuredClone(options.template) as { standardBusinessDocument: Record<string, any> };
  } else {
    sbd = {
      standardBusinessDocument: {
        standardBusinessDocumentHeader: {
          headerVersion: '1.0',
          sender: [{ identifier: IDENTIFIER(sender) }],
          receiver: [{ identifier: IDENTIFIER(receiver) }],
          documentIdentification: { standard: dpiStandard(type), typeVersion: '1.0', instanceIdentifier: messageId, type, creationDateAndTime: new Date().toISOString() },
          businessScope: { scope: [{ type: 'ConversationId', instanceIdentifier: conversationId, identifier: dpiProcess(type) }] },
        },
        [type]: defaultBody(type, sender, mottaker?.postkasseadresse ?? ''),
      },
    };
  }
  const header = sbd.standardBusinessDocument.standardBusinessDocumentHeader;
  if (options.template) {
    // Only what must be live: ids, parties, the mailbox, the token and the fingerprint.
    header.documentIdentification.instanceIdentifier = messageId;
    header.businessScope.scope[0].instanceIdentifier = conversationId;
    header.sender[0].identifier.value = `0192:${sender}`;
    header.receiver[0].identifier.value = `0192:${receiver}`;
    sbd.standardBusinessDocument[type].avsender.virksomhetsidentifikator.value = `0192:${sender}`;
    if (mottaker) sbd.standardBusinessDocument[type].mottaker.postkasseadresse = mottaker.postkasseadresse;
  }
  const body = sbd.standardBusinessDocument[type] as Record<string, any>;
  body.dokumentpakkefingeravtrykk = built.fingerprint;
  body.maskinportentoken = options.token ?? (await dpiToken(platform, sender));
  options.body?.(body);
  options.sbd?.(sbd);
  const forretningsmelding = await signSbd(sbd, options.jwsSigner ?? senderKey);
  return { sbd, forretningsmelding, dokumentpakke: built.cms, messageId, conversationId };
}

/** The multipart/form-data body of `POST /dpi/messages/out`. */
export function messageBody(
  parts: Array<{ name: string; filename?: string; type: string; content: Uint8Array | string }>,
): { body: Buffer; contentType: string } {
  const boundary = `dpi${randomUUID().replaceAll('-', '')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const filename = p.filename === undefined ? '' : `; filename="${p.filename}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${filename}\r\nContent-Type: ${p.type}\r\n\r\n`));
    chunks.push(typeof p.content === 'string' ? Buffer.from(p.content) : Buffer.from(p.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The corner-2 API of one sender (its bearer token) over `inject`. */
export function corner2Client(app: FastifyInstance, token: string | undefined) {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return {
    send: (message: Pick<BuiltMessage, 'forretningsmelding' | 'dokumentpakke'>, query = ''): Promise<LightMyRequestResponse> => {
      const { body, contentType } = messageBody([
        { name: 'forretningsmelding', filename: 'sbd.jwt', type: 'application/jwt', content: message.forretningsmelding },
        { name: 'dokumentpakke', filename: 'asic.cms', type: 'application/cms', content: message.dokumentpakke },
      ]);
      return app.inject({ method: 'POST', url: `${DPI_PATH}/messages/out${query}`, headers: { ...auth, 'content-type': contentType }, payload: body });
    },
    raw: (body: Buffer, contentType: string, query = ''): Promise<LightMyRequestResponse> =>
      app.inject({ method: 'POST', url: `${DPI_PATH}/messages/out${query}`, headers: { ...auth, 'content-type': contentType }, payload: body }),
    statuses: (messageId: string) => app.inject({ method: 'GET', url: `${DPI_PATH}/messages/out/${messageId}/statuses`, headers: auth }),
    receipts: (query = '') => app.inject({ method: 'GET', url: `${DPI_PATH}/messages/in${query}`, headers: auth }),
    read: (receiptId: string) => app.inject({ method: 'POST', url: `${DPI_PATH}/messages/in/${receiptId}/read`, headers: auth }),
  };
}

/** The payload of a compact JWS, parsed (no verification). */
export function jwsPayload(jws: string): any {
  return JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'));
}

/** Every `digitalpost_*` row and every job (see `snapshotTables`). */
export function snapshotDigitalpost(db: Database): Promise<Record<string, string[]>> {
  return snapshotTables(db, 'digitalpost');
}

export type { TestPlatform };
