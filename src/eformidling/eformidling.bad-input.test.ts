/**
 * Every bad input to the Next Move API named in the eFormidling issue gets the exact answer
 * (HTTP status, `code` and `message` in the integration point's error format) and changes
 * nothing: every `eformidling_*` table and `platform_jobs` are compared row by row before and
 * after. On both databases.
 *
 * Seeded agencies (ELMA, arkivmelding): Digdir and Skatteetaten (administrasjon +
 * skatterOgAvgifter), NAV (administrasjon + helseSosialOgOmsorg). Digdir also receives eInnsyn's
 * publisering (DPE).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import net from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform.ts';
import { mintPlatformToken } from '../platform/auth/testing.ts';
import { testEngines } from '../platform/db/testing.ts';
import { elmaComponent, findRegistrations } from '../elma/index.ts';
import { krrComponent } from '../krr/index.ts';
import { maskinportenComponent } from '../maskinporten/index.ts';
import { registersComponent } from '../registers/index.ts';
import { EFORMIDLING_SCOPE, eformidlingComponent, integrationPointOf, MAX_MULTIPART_BYTES } from './index.ts';
import { ARKIVMELDING_XML, arkivmeldingSbd, DIGDIR, multipartBody, NAV, nextMove, SKATTEETATEN, snapshotEformidling } from './testing/fixtures.ts';

type Client = ReturnType<typeof nextMove>;
type Sbd = ReturnType<typeof arkivmeldingSbd>;

const BASE = '/eformidling/api';
/** Passes MOD11 but is neither seeded in Enhetsregisteret nor registered in ELMA. */
const UNKNOWN_ORGNR = '123456785';
const ADMINISTRASJON = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
const SKATTER = 'urn:no:difi:profile:arkivmelding:skatterOgAvgifter:ver1.0';
const DPE_JOURNALPOST = 'urn:no:difi:profile:einnsyn:journalpost:ver1.0';
const PUBLISERING = 'urn:no:difi:einnsyn:xsd::publisering';
/** The integration point's `MultipartFileToLargeException` text for a part named `filename`. */
const tooLarge = (filename: string) =>
  `The attachment named '${filename}' is too large. The maximum size for multipart requests is 5242880 bytes. Please use the non-multipart API to avoid such problems.`;

/** What an error answer must be. */
interface Expected {
  status: number;
  code: string;
  /** Exact text, or a pattern where the text holds the current time. */
  message: string | RegExp;
  /** The request path the body names. */
  path: string;
  /** Validation's list of problems, when the check lists them. */
  errors?: Array<{ path: string; message: string | RegExp }>;
}

/** Asserts an answer in the integration point's error format, field by field. */
function assertError(res: LightMyRequestResponse, want: Expected): Record<string, unknown> {
  assert.equal(res.statusCode, want.status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json() as Record<string, unknown>;
  assert.equal(body.status, want.status);
  assert.equal(body.error, STATUS_CODES[want.status]);
  assert.equal(body.code, want.code);
  if (typeof want.message === 'string') assert.equal(body.message, want.message);
  else assert.match(String(body.message), want.message);
  assert.equal(body.path, want.path);
  assert.match(String(body.timestamp), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?[+-]\d{2}:\d{2}$/, 'Spring’s timestamp (Oslo time with offset)');
  if (want.errors === undefined) assert.equal(body.errors, undefined, 'errors lists the problems of a validation error only');
  else {
    const errors = body.errors as Array<{ path: string; message: string }>;
    assert.deepEqual(errors.map((e) => e.path), want.errors.map((e) => e.path));
    want.errors.forEach((e, i) => (typeof e.message === 'string' ? assert.equal(errors[i]!.message, e.message) : assert.match(errors[i]!.message, e.message)));
  }
  const keys = ['timestamp', 'status', 'error', 'message', 'path', 'code', ...(want.errors ? ['errors'] : [])];
  assert.deepEqual(Object.keys(body).sort(), keys.sort(), 'nothing beside the integration point’s fields and code');
  return body;
}

/** Sends a request that must fail as `want`, and asserts that no row of eFormidling or the job queue changed. */
async function rejects(t: TestPlatform, request: () => Promise<LightMyRequestResponse>, want: Expected): Promise<Record<string, unknown>> {
  const before = await snapshotEformidling(t.platform.db);
  const body = assertError(await request(), want);
  assert.deepEqual(await snapshotEformidling(t.platform.db), before, 'the database is unchanged');
  return body;
}

/** One HTTP/1.1 request as bytes. */
function rawRequest(method: string, path: string, headers: Record<string, string>, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', ...Object.entries({ ...headers, 'content-length': String(body.length) }).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]);
}

/**
 * Writes requests on one connection, whole, before reading anything (as a client that uploads
 * its body before it looks at the answer), and reads the answers until the server closes the
 * connection (the last request says `connection: close`). Answers need a Content-Length.
 */
async function exchange(port: number, requests: Buffer[]): Promise<Array<{ status: number; body: string }>> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined); // a reset shows as missing answers
  for (const r of requests) socket.write(r);
  await closed;
  let rest = Buffer.concat(chunks);
  const answers: Array<{ status: number; body: string }> = [];
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    assert.ok(end > 0, `an answer head: ${rest.toString('latin1').slice(0, 200)}`);
    const head = rest.subarray(0, end).toString('latin1').split('\r\n');
    const length = Number(/^content-length:\s*(\d+)$/im.exec(head.join('\n'))?.[1]);
    assert.ok(Number.isInteger(length), `a Content-Length in ${head.join(' | ')}`);
    answers.push({ status: Number(head[0]!.split(' ')[1]), body: rest.subarray(end + 4, end + 4 + length).toString('utf8') });
    rest = rest.subarray(end + 4 + length);
  }
  return answers;
}

const idOf = (sbd: Sbd): string => sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;

/** An arkivmelding from Digdir to NAV, changed by `change`. */
function sbdWith(change: (sbd: any) => void, sender = DIGDIR, receiver = NAV): Sbd {
  const sbd = arkivmeldingSbd(sender, receiver);
  change(sbd);
  return sbd;
}

/** A case of `POST /messages/out` that must be refused. */
interface CreateCase {
  name: string;
  sbd: () => unknown;
  status: number;
  code: string;
  message: string | RegExp;
  errors?: Array<{ path: string; message: string | RegExp }>;
}

/** A validation failure with one problem: the message is `<path>: <problem>`, `errors` lists it. */
function problem(name: string, change: (sbd: any) => void, code: string, path: string, message: string): CreateCase {
  return { name, sbd: () => sbdWith(change), status: 400, code, message: `${path}: ${message}`, errors: [{ path, message }] };
}

const H = 'standardBusinessDocumentHeader';
const RECEIVER = `${H}.receiver[0].identifier.value`;
const EXPECTED_RESPONSE = `${H}.businessScope.scope[0].scopeInformation[0].expectedResponseDateTime`;
const PAST = /must be in the future \(the message's time-to-live\); it is 2019-12-31T23:00:00\.000Z, now is \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const SCHEMA_CASES: CreateCase[] = [
  problem('documentIdentification.standard missing', (s) => delete s[H].documentIdentification.standard, 'EFORMIDLING_SBD_INVALID', `${H}.documentIdentification.standard`, 'is required'),
  problem('instanceIdentifier (messageId) not a UUID', (s) => (s[H].documentIdentification.instanceIdentifier = 'melding-1'), 'EFORMIDLING_SBD_INVALID', `${H}.documentIdentification.instanceIdentifier`, 'must be a UUID'),
  problem('the conversationId not a UUID', (s) => (s[H].businessScope.scope[0].instanceIdentifier = 'sak-2024-1'), 'EFORMIDLING_SBD_INVALID', `${H}.businessScope.scope[0].instanceIdentifier`, 'must be a UUID'),
  problem(
    'an unknown property in the header',
    (s) => (s[H].prioritet = 'høy'),
    'EFORMIDLING_SBD_INVALID',
    `${H}.prioritet`,
    'unknown property (allowed: headerVersion, sender, receiver, documentIdentification, businessScope)',
  ),
  problem('an unknown property beside the business message', (s) => (s.vedlegg = []), 'EFORMIDLING_SBD_INVALID', 'vedlegg', 'unknown property; the SBD holds only "standardBusinessDocumentHeader" and the business message "arkivmelding"'),
  problem('an unknown property in the business message', (s) => (s.arkivmelding.tittel = 'Vedtak'), 'EFORMIDLING_SBD_INVALID', 'arkivmelding.tittel', 'unknown property (allowed: sikkerhetsnivaa, hoveddokument, sensitiv, dpv, dpf)'),
  problem('a hoveddokument that is no file name', (s) => (s.arkivmelding.hoveddokument = 7), 'EFORMIDLING_SBD_INVALID', 'arkivmelding.hoveddokument', 'must be a string'),
  problem('sikkerhetsnivaa "5"', (s) => (s.arkivmelding.sikkerhetsnivaa = '5'), 'EFORMIDLING_SBD_INVALID', 'arkivmelding.sikkerhetsnivaa', 'must be one of 3, 4, "3", "4"'),
  problem('sikkerhetsnivaa 5', (s) => (s.arkivmelding.sikkerhetsnivaa = 5), 'EFORMIDLING_SBD_INVALID', 'arkivmelding.sikkerhetsnivaa', 'must be one of 3, 4, "3", "4"'),
];

const RECEIVER_CASES: CreateCase[] = [
  problem(
    'a receiver orgnr failing MOD11',
    (s) => (s[H].receiver[0].identifier.value = '0192:123456789'),
    'EFORMIDLING_INVALID_IDENTIFIER',
    RECEIVER,
    'the organisasjonsnummer after "0192:" is not a valid organisasjonsnummer: check digit (9th digit) does not match (rule check-digit)',
  ),
  problem('a receiver without the 0192: prefix', (s) => (s[H].receiver[0].identifier.value = NAV), 'EFORMIDLING_INVALID_IDENTIFIER', RECEIVER, 'must be 0192:<organisasjonsnummer>; the ICD prefix "0192:" is missing'),
  problem('a receiver that is no identifier', (s) => (s[H].receiver[0].identifier.value = 'NAV'), 'EFORMIDLING_INVALID_IDENTIFIER', RECEIVER, 'must be 0192:<organisasjonsnummer>'),
  {
    name: 'an unknown receiver (valid orgnr, in neither ELMA nor Enhetsregisteret)',
    sbd: () => arkivmeldingSbd(DIGDIR, UNKNOWN_ORGNR),
    status: 400,
    code: 'EFORMIDLING_RECEIVER_NOT_FOUND',
    message: `Receiver 0192:${UNKNOWN_ORGNR} was found neither in ELMA nor in Enhetsregisteret`,
  },
  {
    name: 'a process the receiver does not accept (skatterOgAvgifter to NAV)',
    sbd: () => sbdWith((s) => (s[H].businessScope.scope[0].identifier = SKATTER)),
    status: 400,
    code: 'EFORMIDLING_RECEIVER_DOES_NOT_ACCEPT_PROCESS',
    message: `Receiver do not accept the document process ${SKATTER}`,
  },
  {
    name: 'a sender that is not the organisation of the token',
    sbd: () => arkivmeldingSbd(SKATTEETATEN, NAV),
    status: 403,
    code: 'EFORMIDLING_SENDER_NOT_CALLER',
    message: `The sender 0192:${SKATTEETATEN} is not the organisation of the token (0192:${DIGDIR})`,
  },
  {
    name: 'a DPE process (eInnsyn journalpost to Digdir, which ELMA lists for it)',
    sbd: () =>
      sbdWith(
        (s) => {
          s[H].businessScope.scope[0].identifier = DPE_JOURNALPOST;
          s[H].documentIdentification.standard = PUBLISERING;
          s[H].documentIdentification.type = 'publisering';
          delete s.arkivmelding;
          s.publisering = { orgnr: DIGDIR };
        },
        DIGDIR,
        DIGDIR,
      ),
    status: 400,
    code: 'EFORMIDLING_SERVICE_NOT_ENABLED',
    message: 'Service DPE is not enabled: Grunnmur carries DPO (between organisations) and DPI (to citizens) only, so far',
  },
  {
    // Not TimeToLiveException (`EFORMIDLING_TIME_TO_LIVE_EXCEEDED`, "ExpectedResponseDateTime … has
    // been exceeded. Please resend the message") as the real integration point answers: validation
    // refuses a past deadline first (validation/checks/expected-response.ts).
    name: 'expectedResponseDateTime in the past',
    sbd: () => arkivmeldingSbd(DIGDIR, NAV, { expectedResponseDateTime: '2020-01-01T00:00:00+01:00' }),
    status: 400,
    code: 'EFORMIDLING_SBD_INVALID',
    message: new RegExp(`^${EXPECTED_RESPONSE.replace(/[.[\]]/g, '\\$&')}: ${PAST.source}`),
    errors: [{ path: EXPECTED_RESPONSE, message: new RegExp(`^${PAST.source}`) }],
  },
];

for (const engine of testEngines()) {
  describe(`eFormidling Next Move API: bad input changes nothing (${engine})`, () => {
    let t: TestPlatform;
    let digdir: Client;
    let nav: Client;
    let skatt: Client;
    /** An organisation in Enhetsregisteret that is no public agency and not in ELMA. */
    let privateOrgnr: string;

    before(async () => {
      t = await createTestPlatform(engine, [registersComponent, maskinportenComponent, krrComponent, elmaComponent, eformidlingComponent]);
      const token = (orgnr: string) => mintPlatformToken(t.platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: orgnr });
      digdir = nextMove(t.app, await token(DIGDIR));
      nav = nextMove(t.app, await token(NAV));
      skatt = nextMove(t.app, await token(SKATTEETATEN));
      const orgs = t.platform.db.kysely.selectFrom('registers_organisations');
      const row = await orgs.select('orgnr').where('is_public_agency', '=', 0).where('grunnmur_role', 'is', null).orderBy('orgnr').executeTakeFirstOrThrow();
      privateOrgnr = row.orgnr as string;
      assert.equal(await findRegistrations(t.platform.db, privateOrgnr, Date.now()), null, 'the private organisation is not in ELMA');
      assert.equal(await orgs.select('orgnr').where('orgnr', '=', UNKNOWN_ORGNR).executeTakeFirst(), undefined, 'the unknown orgnr is not seeded');
      assert.equal(await findRegistrations(t.platform.db, UNKNOWN_ORGNR, Date.now()), null);
    });
    after(async () => t?.close());

    let port: number | undefined;
    /** The app on a real socket (listening from the first call on). */
    async function listening(): Promise<number> {
      port ??= Number(new URL(await t.app.listen({ port: 0, host: '127.0.0.1' })).port);
      return port;
    }

    /** A draft from Digdir to NAV (created, no file). */
    async function draft(sbd: Sbd = arkivmeldingSbd(DIGDIR, NAV)): Promise<string> {
      const res = await digdir.create(sbd);
      assert.equal(res.statusCode, 200, res.body);
      return idOf(sbd);
    }

    /** A draft with its hoveddokument, sent (not delivered yet). */
    async function sent(): Promise<string> {
      const id = await draft();
      assert.equal((await digdir.upload(id, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200);
      const res = await digdir.send(id);
      assert.equal(res.statusCode, 200, res.body);
      return id;
    }

    /** A message from Digdir delivered into NAV's queue (not peeked). */
    async function queuedAtNav(): Promise<string> {
      const id = await sent();
      await t.platform.jobs.runDue();
      const list = (await nav.get(`/messages/in?messageId=${id}`)).json() as { totalElements: number };
      assert.equal(list.totalElements, 1, 'the message is in NAV’s queue');
      return id;
    }

    it('the snapshot covers every eFormidling table and the job queue', async () => {
      const snapshot = await snapshotEformidling(t.platform.db);
      for (const table of ['eformidling_messages', 'eformidling_files', 'eformidling_file_chunks', 'eformidling_asic_chunks', 'eformidling_statuses', 'eformidling_subscriptions', 'eformidling_certificates', 'platform_jobs']) {
        assert.ok(Array.isArray(snapshot[table]), table);
      }
      await draft();
      assert.notDeepEqual(await snapshotEformidling(t.platform.db), snapshot, 'a created message shows in the snapshot');
    });

    describe('POST /messages/out with an SBD that fails the schema names the JSON path', () => {
      for (const c of SCHEMA_CASES) {
        it(`rejects ${c.name} with ${c.code}`, async () => {
          await rejects(t, () => digdir.create(c.sbd()), { status: c.status, code: c.code, message: c.message, path: `${BASE}/messages/out`, errors: c.errors });
        });
      }

      // Not a bad input: the integration point's ArkivmeldingMessage and Digdir's docs make
      // hoveddokument optional (MissingPrimaryDocumentException is for DPI and DPH only).
      it('takes an arkivmelding without hoveddokument, as the integration point does', async () => {
        const id = await draft(sbdWith((s) => delete s.arkivmelding.hoveddokument));
        assert.equal((await digdir.upload(id, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200);
        assert.equal((await digdir.send(id)).statusCode, 200);
      });
    });

    describe('POST /messages/out that cannot be routed or is not the caller’s', () => {
      for (const c of RECEIVER_CASES) {
        it(`rejects ${c.name} with ${c.code}`, async () => {
          await rejects(t, () => digdir.create(c.sbd()), { status: c.status, code: c.code, message: c.message, path: `${BASE}/messages/out`, errors: c.errors });
        });
      }

      it('rejects an organisation in Enhetsregisteret but not in ELMA with EFORMIDLING_SERVICE_NOT_ENABLED naming DPV', async () => {
        await rejects(t, () => digdir.create(arkivmeldingSbd(DIGDIR, privateOrgnr)), {
          status: 400,
          code: 'EFORMIDLING_SERVICE_NOT_ENABLED',
          message: `Service DPV is not enabled: receiver 0192:${privateOrgnr} is not registered in ELMA, so the message would go to its Altinn inbox (DPV), which Grunnmur does not offer yet`,
          path: `${BASE}/messages/out`,
        });
      });

      it('the process NAV refuses is accepted by a receiver registered for it (Skatteetaten)', async () => {
        const res = await digdir.create(sbdWith((s) => (s[H].businessScope.scope[0].identifier = SKATTER), DIGDIR, SKATTEETATEN));
        assert.equal(res.statusCode, 200, res.body);
      });
    });

    describe('tokens', () => {
      it('rejects a request without a token with 401 (and creates nothing)', async () => {
        await rejects(
          t,
          () => t.app.inject({ method: 'POST', url: `${BASE}/messages/out`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(arkivmeldingSbd(DIGDIR, NAV)) }),
          { status: 401, code: 'AUTH_TOKEN_MISSING', message: 'This resource requires a Maskinporten bearer token', path: `${BASE}/messages/out` },
        );
        const again = await t.app.inject({ method: 'GET', url: `${BASE}/messages/in/peek` });
        assert.equal(again.statusCode, 401);
        assert.match(String(again.headers['www-authenticate']), /^Bearer realm="/);
      });

      it('rejects a malformed token with 401, never 500', async () => {
        await rejects(t, () => t.app.inject({ method: 'GET', url: `${BASE}/messages/in/peek`, headers: { authorization: 'Bearer not.a.jwt' } }), {
          status: 401,
          code: 'AUTH_TOKEN_INVALID',
          message: 'The token is not a signed JWT (JWS compact serialization)',
          path: `${BASE}/messages/in/peek`,
        });
      });

      it('rejects a token without eformidling:integrasjonspunkt with 403: no message created, no file attached, nothing locked', async () => {
        const other = nextMove(t.app, await mintPlatformToken(t.platform, { scope: 'krr:global/kontaktinformasjon.read', consumerOrgno: NAV }));
        const forbidden = (path: string) => ({ status: 403, code: 'AUTH_INSUFFICIENT_SCOPE', message: 'The token lacks the scope eformidling:integrasjonspunkt', path: `${BASE}${path}` });
        await rejects(t, () => other.create(arkivmeldingSbd(NAV, DIGDIR)), forbidden('/messages/out'));
        const wrongScopeDigdir = nextMove(t.app, await mintPlatformToken(t.platform, { scope: 'krr:global/kontaktinformasjon.read', consumerOrgno: DIGDIR }));
        const id = await draft();
        await rejects(t, () => wrongScopeDigdir.upload(id, 'arkivmelding.xml', ARKIVMELDING_XML), forbidden(`/messages/out/${id}`));
        const queued = await queuedAtNav();
        await rejects(t, () => other.get(`/messages/in/peek?messageId=${queued}`), forbidden('/messages/in/peek'));
        const peek = await other.get('/messages/in/peek');
        assert.match(String(peek.headers['www-authenticate']), /error="insufficient_scope"/);
        assert.equal((await nav.get(`/messages/in/peek?messageId=${queued}`)).statusCode, 200, 'the message was not locked by the refused peek');
      });
    });

    describe('files', () => {
      it('rejects PUT without Content-Disposition (or without its filename, or without Content-Type) with EFORMIDLING_MISSING_HTTP_HEADER', async () => {
        const id = await draft();
        const token = await mintPlatformToken(t.platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: DIGDIR });
        const put = (headers: Record<string, string>) => () =>
          t.app.inject({ method: 'PUT', url: `${BASE}/messages/out/${id}`, headers: { authorization: `Bearer ${token}`, ...headers }, payload: ARKIVMELDING_XML });
        const missing = (message: string) => ({ status: 400, code: 'EFORMIDLING_MISSING_HTTP_HEADER', message, path: `${BASE}/messages/out/${id}` });
        await rejects(t, put({ 'content-type': 'application/xml' }), missing("Expected a HTTP header named 'Content-Disposition' with a filename"));
        await rejects(t, put({ 'content-type': 'application/xml', 'content-disposition': 'attachment; name="Arkivmelding"' }), missing("Expected a HTTP header named 'Content-Disposition' with a filename"));
        await rejects(t, put({ 'content-disposition': 'attachment; filename="arkivmelding.xml"' }), missing("Expected a HTTP header named 'Content-Type'"));
      });

      it('rejects a second PUT of the same filename with EFORMIDLING_DUPLICATE_FILENAME, keeping the first file', async () => {
        const id = await draft();
        assert.equal((await digdir.upload(id, 'arkivmelding.xml', ARKIVMELDING_XML)).statusCode, 200);
        await rejects(t, () => digdir.upload(id, 'arkivmelding.xml', 'en annen fil', 'text/plain'), {
          status: 400,
          code: 'EFORMIDLING_DUPLICATE_FILENAME',
          message: 'Filename already exists in message: arkivmelding.xml.',
          path: `${BASE}/messages/out/${id}`,
        });
        const files = await t.platform.db.kysely.selectFrom('eformidling_files').select(['filename', 'size']).where('message_id', '=', id).execute();
        assert.deepEqual(files.map((f) => [f.filename, Number(f.size)]), [['arkivmelding.xml', ARKIVMELDING_XML.length]]);
      });

      it('rejects send without files with EFORMIDLING_MISSING_FILE', async () => {
        const id = await draft();
        await rejects(t, () => digdir.send(id), { status: 400, code: 'EFORMIDLING_MISSING_FILE', message: 'There must always be at least one attachment', path: `${BASE}/messages/out/${id}` });
      });

      it('rejects send without the hoveddokument file with EFORMIDLING_MISSING_PRIMARY_DOCUMENT', async () => {
        const id = await draft();
        assert.equal((await digdir.upload(id, 'vedlegg.txt', 'Før loven står en dørvokter.', 'text/plain')).statusCode, 200);
        await rejects(t, () => digdir.send(id), {
          status: 400,
          code: 'EFORMIDLING_MISSING_PRIMARY_DOCUMENT',
          message: 'Missing a primary document. Please specify the hoveddokument property in the business message and verify that is equal to one of the filenames.',
          path: `${BASE}/messages/out/${id}`,
        });
      });
      it('rejects an arkivmelding sent by DPO without arkivmelding.xml with EFORMIDLING_MISSING_ARKIVMELDING (MissingArkivmeldingException)', async () => {
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        (sbd.arkivmelding as Record<string, unknown>).hoveddokument = 'brev.pdf';
        const id = await draft(sbd);
        assert.equal((await digdir.upload(id, 'brev.pdf', '%PDF-1.4', 'application/pdf')).statusCode, 200);
        await rejects(t, () => digdir.send(id), { status: 400, code: 'EFORMIDLING_MISSING_ARKIVMELDING', message: 'DPO message type requires arkivmelding.xml attachment', path: `${BASE}/messages/out/${id}` });
      });
    });

    describe('message ids', () => {
      it('rejects a second create with the same messageId with EFORMIDLING_MESSAGE_ALREADY_EXISTS and keeps the first', async () => {
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        const id = await draft(sbd);
        const stored = (await digdir.get(`/messages/out/${id}`)).body;
        const exists = { status: 400, code: 'EFORMIDLING_MESSAGE_ALREADY_EXISTS', message: `Message with messageId = ${id} already exists`, path: `${BASE}/messages/out` };
        await rejects(t, () => digdir.create(sbd), exists);
        await rejects(t, () => digdir.create(arkivmeldingSbd(DIGDIR, SKATTEETATEN, { messageId: id })), exists);
        assert.equal((await digdir.get(`/messages/out/${id}`)).body, stored, 'the first message is as it was');
      });

      it('a messageId differing only in case is the same message (found by either spelling, not created twice)', async () => {
        const id = randomUUID();
        const upper = id.toUpperCase();
        await draft(arkivmeldingSbd(DIGDIR, NAV, { messageId: upper }));
        assert.equal((await digdir.get(`/messages/out/${upper}`)).statusCode, 200, 'found by the id as sent');
        assert.equal((await digdir.get(`/messages/out/${id}`)).statusCode, 200, 'found by the id in lower case');
        await rejects(t, () => digdir.create(arkivmeldingSbd(DIGDIR, NAV, { messageId: id })), {
          status: 400,
          code: 'EFORMIDLING_MESSAGE_ALREADY_EXISTS',
          message: `Message with messageId = ${id} already exists`,
          path: `${BASE}/messages/out`,
        });
      });
    });

    describe('a sent message', () => {
      it('rejects PUT, a second send and delete with EFORMIDLING_MESSAGE_ALREADY_SENT, before and after delivery', async () => {
        const id = await sent();
        const already = { status: 400, code: 'EFORMIDLING_MESSAGE_ALREADY_SENT', message: `Message with messageId = ${id} has been sent already and can no longer be changed`, path: `${BASE}/messages/out/${id}` };
        for (const phase of ['sending', 'delivered']) {
          if (phase === 'delivered') await t.platform.jobs.runDue();
          const state = await t.platform.db.kysely.selectFrom('eformidling_messages').select('state').where('message_id', '=', id).where('direction', '=', 'OUTGOING').executeTakeFirstOrThrow();
          assert.equal(state.state, phase === 'sending' ? 'SENDING' : 'SENT');
          await rejects(t, () => digdir.upload(id, 'vedlegg.txt', 'for sent', 'text/plain'), already);
          await rejects(t, () => digdir.send(id), already);
          await rejects(t, () => digdir.delete(`/messages/out/${id}`), already);
        }
      });
    });

    describe('POST /messages/out/multipart', () => {
      const big = Buffer.alloc(MAX_MULTIPART_BYTES + 1, 0x41);
      const part = (filename: string, content: Buffer | string, name = 'Vedlegg', type = 'application/pdf') => ({ name, filename, type, content });

      /** Posts a multipart message that must fail as `want`, keeps nothing, and can then be sent as it should have been. */
      async function refusedThenAccepted(body: ReturnType<typeof multipartBody>, sbd: Sbd, want: Omit<Expected, 'path'>) {
        await rejects(t, () => digdir.multipart(body.body, body.contentType), { ...want, path: `${BASE}/messages/out/multipart` });
        assertError(await digdir.get(`/messages/out/${idOf(sbd)}`), {
          status: 404,
          code: 'EFORMIDLING_MESSAGE_NOT_FOUND',
          message: `Message with messageId = ${idOf(sbd)} was not found`,
          path: `${BASE}/messages/out/${idOf(sbd)}`,
        });
        const good = multipartBody(sbd, [part('arkivmelding.xml', ARKIVMELDING_XML, 'Arkivmelding', 'application/xml')]);
        const res = await digdir.multipart(good.body, good.contentType);
        assert.equal(res.statusCode, 200, `the messageId is free again: ${res.body}`);
      }

      it('rejects a part over 5 MiB after the sbd part with EFORMIDLING_MULTIPART_FILE_TOO_LARGE: no message, file, chunk or job kept', async () => {
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        await refusedThenAccepted(multipartBody(sbd, [part('stor.pdf', big)]), sbd, { status: 400, code: 'EFORMIDLING_MULTIPART_FILE_TOO_LARGE', message: tooLarge('stor.pdf') });
      });

      it('rejects a part over 5 MiB after a file already stored, keeping neither', async () => {
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        const body = multipartBody(sbd, [part('arkivmelding.xml', ARKIVMELDING_XML, 'Arkivmelding', 'application/xml'), part('stor.pdf', Buffer.alloc(MAX_MULTIPART_BYTES * 2 - 1024, 0x42))]);
        await refusedThenAccepted(body, sbd, { status: 400, code: 'EFORMIDLING_MULTIPART_FILE_TOO_LARGE', message: tooLarge('stor.pdf') });
      });

      it('rejects a part over 5 MiB before the sbd part', async () => {
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        await refusedThenAccepted(multipartBody(sbd, [part('stor.pdf', big)], false), sbd, { status: 400, code: 'EFORMIDLING_MULTIPART_FILE_TOO_LARGE', message: tooLarge('stor.pdf') });
      });

      it('a part of exactly 5 MiB is accepted', async () => {
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        const body = multipartBody(sbd, [part('arkivmelding.xml', ARKIVMELDING_XML, 'Arkivmelding', 'application/xml'), part('akkurat.pdf', Buffer.alloc(MAX_MULTIPART_BYTES, 0x43))]);
        const res = await digdir.multipart(body.body, body.contentType);
        assert.equal(res.statusCode, 200, res.body);
      });

      it('rejects two parts with one filename with EFORMIDLING_DUPLICATE_FILENAME (after and before the sbd part)', async () => {
        for (const sbdFirst of [true, false]) {
          const sbd = arkivmeldingSbd(DIGDIR, NAV);
          const body = multipartBody(sbd, [part('arkivmelding.xml', ARKIVMELDING_XML, 'Arkivmelding', 'application/xml'), part('arkivmelding.xml', 'en annen', 'Vedlegg', 'text/plain')], sbdFirst);
          await refusedThenAccepted(body, sbd, { status: 400, code: 'EFORMIDLING_DUPLICATE_FILENAME', message: 'Filename already exists in message: arkivmelding.xml.' });
        }
      });

      it('over a real socket (FormData + fetch): the client gets the 400 while still sending, and nothing is kept', async () => {
        const address = `http://127.0.0.1:${await listening()}`;
        const token = await mintPlatformToken(t.platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: DIGDIR });
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        const form = new FormData();
        form.append('sbd', new Blob([JSON.stringify(sbd)], { type: 'application/json' }));
        form.append('Arkivmelding', new Blob([ARKIVMELDING_XML], { type: 'application/xml' }), 'arkivmelding.xml');
        form.append('Vedlegg', new Blob([Buffer.alloc(MAX_MULTIPART_BYTES * 2 - 1024, 0x44)], { type: 'application/pdf' }), 'stor.pdf');
        const before = await snapshotEformidling(t.platform.db);
        const res = await fetch(`${address}${BASE}/messages/out/multipart`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
        assert.equal(res.status, 400);
        const body = (await res.json()) as Record<string, unknown>;
        assert.equal(body.code, 'EFORMIDLING_MULTIPART_FILE_TOO_LARGE');
        assert.equal(body.message, tooLarge('stor.pdf'));
        assert.deepEqual(await snapshotEformidling(t.platform.db), before, 'the database is unchanged');
      });

      it('a client that sends its whole body first gets the 400, and the connection serves its next request', async () => {
        const token = await mintPlatformToken(t.platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: DIGDIR });
        const sbd = arkivmeldingSbd(DIGDIR, NAV);
        // The refusal comes 5 MiB into a 10 MiB part: the other 5 MiB are still to be read.
        const mp = multipartBody(sbd, [part('arkivmelding.xml', ARKIVMELDING_XML, 'Arkivmelding', 'application/xml'), part('stor.pdf', Buffer.alloc(MAX_MULTIPART_BYTES * 2 - 1024, 0x45))]);
        const before = await snapshotEformidling(t.platform.db);
        const answers = await exchange(await listening(), [
          rawRequest('POST', `${BASE}/messages/out/multipart`, { authorization: `Bearer ${token}`, 'content-type': mp.contentType }, mp.body),
          rawRequest('GET', `${BASE}/messages/out/${idOf(sbd)}`, { authorization: `Bearer ${token}`, connection: 'close' }),
        ]);
        assert.deepEqual(answers.map((a) => a.status), [400, 404]);
        assert.equal((JSON.parse(answers[0]!.body) as { code: string }).code, 'EFORMIDLING_MULTIPART_FILE_TOO_LARGE');
        assert.equal((JSON.parse(answers[1]!.body) as { code: string }).code, 'EFORMIDLING_MESSAGE_NOT_FOUND', 'nothing was kept');
        assert.deepEqual(await snapshotEformidling(t.platform.db), before, 'the database is unchanged');
      });
    });

    describe('PUT over the file limit', () => {
      it('a client that sends its whole body first gets the 413, and the connection serves its next request', async () => {
        const ip = integrationPointOf(t.platform);
        const limit = ip.options.maxFileBytes;
        ip.options.maxFileBytes = 1024 * 1024;
        try {
          const id = await draft();
          const token = await mintPlatformToken(t.platform, { scope: EFORMIDLING_SCOPE, consumerOrgno: DIGDIR });
          const before = await snapshotEformidling(t.platform.db);
          const answers = await exchange(await listening(), [
            rawRequest('PUT', `${BASE}/messages/out/${id}`, { authorization: `Bearer ${token}`, 'content-type': 'application/pdf', 'content-disposition': 'attachment; name="Vedlegg"; filename="stor.pdf"' }, Buffer.alloc(4 * 1024 * 1024, 0x46)),
            rawRequest('GET', `${BASE}/messages/out/${id}`, { authorization: `Bearer ${token}`, connection: 'close' }),
          ]);
          assert.deepEqual(answers.map((a) => a.status), [413, 200]);
          const error = JSON.parse(answers[0]!.body) as { code: string; message: string };
          assert.equal(error.code, 'EFORMIDLING_FILE_TOO_LARGE');
          assert.equal(error.message, "The attachment named 'stor.pdf' is larger than 1048576 bytes");
          assert.deepEqual(await snapshotEformidling(t.platform.db), before, 'no file row, no chunk');
        } finally {
          ip.options.maxFileBytes = limit;
        }
      });
    });

    describe('the incoming queue', () => {
      it('rejects delete and pop of a queued message that was not peeked with EFORMIDLING_MESSAGE_NOT_LOCKED', async () => {
        const id = await queuedAtNav();
        const notLocked = (path: string) => ({ status: 400, code: 'EFORMIDLING_MESSAGE_NOT_LOCKED', message: `Message with messageId = ${id} was not locked`, path: `${BASE}${path}` });
        await rejects(t, () => nav.delete(`/messages/in/${id}`), notLocked(`/messages/in/${id}`));
        await rejects(t, () => nav.get(`/messages/in/pop/${id}`), notLocked(`/messages/in/pop/${id}`));
        // After a peek the same calls succeed.
        assert.equal((await nav.get(`/messages/in/peek?messageId=${id}`)).statusCode, 200);
        assert.equal((await nav.get(`/messages/in/pop/${id}`)).statusCode, 200);
        assert.equal((await nav.delete(`/messages/in/${id}`)).statusCode, 200);
      });

      it('answers pop and delete of another organisation’s message exactly as for a messageId that does not exist (404, no leak)', async () => {
        const id = await queuedAtNav();
        const missing = randomUUID();
        const notFound = (messageId: string, path: string): Expected => ({
          status: 404,
          code: 'EFORMIDLING_MESSAGE_NOT_FOUND',
          message: `Message with messageId = ${messageId} was not found`,
          path: `${BASE}${path}`,
        });
        /** The body without its timestamp, the messageId replaced (it is in the message and the path). */
        const shape = (body: Record<string, unknown>, messageId: string) => JSON.parse(JSON.stringify({ ...body, timestamp: undefined }).replaceAll(messageId, '<messageId>')) as unknown;
        const calls: Array<[string, (client: Client, messageId: string) => Promise<LightMyRequestResponse>, (messageId: string) => string]> = [
          ['pop', (c, m) => c.get(`/messages/in/pop/${m}`), (m) => `/messages/in/pop/${m}`],
          ['delete', (c, m) => c.delete(`/messages/in/${m}`), (m) => `/messages/in/${m}`],
        ];
        for (const locked of [false, true]) {
          if (locked) assert.equal((await nav.get(`/messages/in/peek?messageId=${id}`)).statusCode, 200, 'NAV peeks: the message is locked');
          for (const [name, call, path] of calls) {
            for (const stranger of [skatt, digdir]) {
              const theirs = await rejects(t, () => call(stranger, id), notFound(id, path(id)));
              const none = await rejects(t, () => call(stranger, missing), notFound(missing, path(missing)));
              assert.deepEqual(shape(theirs, id), shape(none, missing), `${name} (${locked ? 'locked' : 'not locked'}): the same answer as for no message`);
            }
          }
        }
        // Outgoing too: another organisation's draft is not found either.
        const draftId = await draft();
        const theirs = await rejects(t, () => skatt.send(draftId), notFound(draftId, `/messages/out/${draftId}`));
        const none = await rejects(t, () => skatt.send(missing), notFound(missing, `/messages/out/${missing}`));
        assert.deepEqual(shape(theirs, draftId), shape(none, missing));
        await rejects(t, () => skatt.upload(draftId, 'arkivmelding.xml', ARKIVMELDING_XML), notFound(draftId, `/messages/out/${draftId}`));
      });
    });
  });
}
