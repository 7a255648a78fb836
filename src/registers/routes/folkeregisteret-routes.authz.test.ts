/**
 * Authorization of Folkeregisteret person lookups: a Maskinporten token with the scope of the
 * path's rettighetspakke, and an audit-log entry (table row and structured log line) for every
 * lookup admitted. Forbidden cases first, then allowed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { generateKeyPair } from 'jose';
import pino from 'pino';
import { mintPlatformToken, mintTestToken, TEST_CONSUMER_ORGNO } from '../../platform/auth/testing.ts';
import { buildServer, createPlatform, type RunningPlatform } from '../../platform/boot.ts';
import { loadConfig, ownMaskinportenIssuer } from '../../platform/config.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../../platform/db/testing.ts';
import { createRng, generateFodselsnummer } from '../../platform/identifiers/index.ts';
import type { Engine } from '../../platform/db/database.ts';
import {
  FOLKEREGISTER_SCOPE_FINANS,
  FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL,
  FOLKEREGISTER_SCOPE_OFFENTLIG_UTEN_HJEMMEL,
  registersComponent,
  RETTIGHETSPAKKER,
} from '../index.ts';
import { listLookups } from '../store/lookup-log-store.ts';
import type { RegistersDb } from '../store/tables.ts';

const PUBLIC_URL = 'http://grunnmur.test';
const MED = FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL;
const UTEN = FOLKEREGISTER_SCOPE_OFFENTLIG_UTEN_HJEMMEL;
const PLAIN = '/folkeregisteret/api/v1/personer';

/** Every person-lookup path with its pid left out, and the scope it requires. */
const PERSON_PATHS = RETTIGHETSPAKKER.flatMap((pakke) => pakke.personPaths.map((path) => ({ prefix: path.replace('/:pid', ''), pakke })));

/** A platform (registers only) whose log lines are kept in `lines`. */
interface LoggedPlatform {
  app: FastifyInstance;
  platform: RunningPlatform;
  db: TestDatabase;
  lines: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

async function startPlatform(engine: Engine, env: Record<string, string> = {}): Promise<LoggedPlatform> {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const db = await createTestDatabase(engine);
  const config = loadConfig({
    JOBS_ENABLED: 'false',
    PUBLIC_URL,
    RATE_LIMIT_MAX: '0',
    SEED_PERSONS: '30',
    SEED_ORGS: '5',
    SEED: 'authz',
    ...env,
    DATABASE_URL: db.url,
  });
  const platform = await createPlatform({ config, components: [registersComponent], db, log });
  const app = await buildServer(platform);
  await app.ready();
  return {
    app,
    platform,
    db,
    lines,
    close: async () => {
      await app.close();
      await platform.close();
      await db.close();
    },
  };
}

/** The audit lines logged so far. */
function auditLines(p: LoggedPlatform): Array<Record<string, unknown>> {
  return p.lines.filter((line) => line.event === 'folkeregisteret.lookup');
}

/** Asserts a problem+json auth failure with its challenge. */
function assertRejected(res: LightMyRequestResponse, status: number, code: string, challenge: string | RegExp): void {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json().code, code);
  const header = String(res.headers['www-authenticate']);
  if (typeof challenge === 'string') assert.equal(header, challenge);
  else assert.match(header, challenge);
}

for (const engine of testEngines()) {
  describe(`Folkeregisteret person lookups on ${engine}: authorization and audit log`, () => {
    let p: LoggedPlatform;
    let pid: string;
    let token: (scope: string | readonly string[], options?: { supplierOrgno?: string; clientId?: string }) => Promise<string>;

    before(async () => {
      p = await startPlatform(engine);
      pid = (await (p.db.kysely as RegistersDb).selectFrom('registers_persons').select('pid').orderBy('pid').executeTakeFirstOrThrow()).pid;
      token = (scope, options = {}) => mintPlatformToken(p.platform, { scope, lifetimeS: 3600, ...options });
    });
    after(() => p.close());

    /** Asserts that no lookup was written or logged since `before`. */
    async function assertNothingWritten(rowsBefore: number, linesBefore: number): Promise<void> {
      assert.equal((await listLookups(p.db)).length, rowsBefore, 'no lookup row');
      assert.equal(auditLines(p).length, linesBefore, 'no audit line');
    }
    async function counts(): Promise<[number, number]> {
      return [(await listLookups(p.db)).length, auditLines(p).length];
    }

    describe('forbidden', () => {
      it('answers 401 AUTH_TOKEN_MISSING with a Bearer challenge on every person path without a token, and writes nothing', async () => {
        const [rows, lines] = await counts();
        for (const { prefix } of PERSON_PATHS) {
          const res = await p.app.inject({ method: 'GET', url: `${prefix}/${pid}` });
          assertRejected(res, 401, 'AUTH_TOKEN_MISSING', `Bearer realm="${PUBLIC_URL}"`);
        }
        const basic = await p.app.inject({ method: 'GET', url: `${PLAIN}/${pid}`, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
        assertRejected(basic, 401, 'AUTH_TOKEN_MISSING', `Bearer realm="${PUBLIC_URL}"`);
        await assertNothingWritten(rows, lines);
      });

      it('answers 401 before looking at the pid, so a caller without a token learns nothing about it', async () => {
        const [rows, lines] = await counts();
        const res = await p.app.inject({ method: 'GET', url: `${PLAIN}/abc` });
        assertRejected(res, 401, 'AUTH_TOKEN_MISSING', `Bearer realm="${PUBLIC_URL}"`);
        await assertNothingWritten(rows, lines);
      });

      it('answers 403 AUTH_INSUFFICIENT_SCOPE naming the scope to a token without any folkeregister scope, and writes nothing', async () => {
        const [rows, lines] = await counts();
        const res = await p.app.inject({
          method: 'GET',
          url: `${PLAIN}/${pid}`,
          headers: { authorization: `Bearer ${await token('krr:global/kontaktinformasjon.read')}` },
        });
        assertRejected(res, 403, 'AUTH_INSUFFICIENT_SCOPE', new RegExp(`^Bearer realm="${PUBLIC_URL}", error="insufficient_scope", error_description="[^"]+", scope="${MED}"$`));
        assert.deepEqual(res.json().requiredScopes, [MED]);
        await assertNothingWritten(rows, lines);
      });

      it('answers 403 AUTH_INSUFFICIENT_SCOPE to a token of another rettighetspakke (one scope opens one package), and writes nothing', async () => {
        const [rows, lines] = await counts();
        const uten = `Bearer ${await token(UTEN)}`;
        for (const url of [`${PLAIN}/${pid}`, `/folkeregisteret/offentlig-med-hjemmel/api/v1/personer/${pid}`, `/folkeregisteret/api/finans/v1/personer/${pid}`]) {
          const res = await p.app.inject({ method: 'GET', url, headers: { authorization: uten } });
          assert.equal(res.statusCode, 403, url);
          assert.equal(res.json().code, 'AUTH_INSUFFICIENT_SCOPE', url);
        }
        const med = `Bearer ${await token(MED)}`;
        for (const url of [
          `/folkeregisteret/offentlig-uten-hjemmel/api/v1/personer/${pid}`,
          `/folkeregisteret/api/offentligutenhjemmel/v1/personer/${pid}`,
          `/folkeregisteret/finans-og-begrenset/api/v1/personer/${pid}`,
        ]) {
          const res = await p.app.inject({ method: 'GET', url, headers: { authorization: med } });
          assert.equal(res.statusCode, 403, url);
          assert.equal(res.json().code, 'AUTH_INSUFFICIENT_SCOPE', url);
        }
        await assertNothingWritten(rows, lines);
      });

      it('answers 401 AUTH_TOKEN_EXPIRED to an expired token, and writes nothing', async () => {
        const [rows, lines] = await counts();
        const expired = await mintPlatformToken(p.platform, { scope: MED, now: Date.now() - 3_600_000, lifetimeS: 120 });
        const res = await p.app.inject({ method: 'GET', url: `${PLAIN}/${pid}`, headers: { authorization: `Bearer ${expired}` } });
        assertRejected(res, 401, 'AUTH_TOKEN_EXPIRED', /^Bearer realm="[^"]+", error="invalid_token", error_description="The token has expired"$/);
        await assertNothingWritten(rows, lines);
      });

      it('answers 401 AUTH_TOKEN_INVALID to a token signed with another key under the same kid, and writes nothing', async () => {
        const [rows, lines] = await counts();
        const issuer = ownMaskinportenIssuer(p.platform.config);
        const { kid } = await p.platform.keys.getSigningKey(issuer);
        const { privateKey } = await generateKeyPair('RS256');
        const forged = await mintTestToken({ alg: 'RS256', kid, privateKey }, issuer, { scope: MED });
        const res = await p.app.inject({ method: 'GET', url: `${PLAIN}/${pid}`, headers: { authorization: `Bearer ${forged}` } });
        assertRejected(res, 401, 'AUTH_TOKEN_INVALID', /error="invalid_token"/);
        await assertNothingWritten(rows, lines);
      });
    });

    describe('allowed', () => {
      it('logs the lookup with who asked (consumer, client), why (scope, rettighetspakke), the pid and the request id: a row and a structured line', async () => {
        const requestId = 'audit-test-request-0001';
        const authorization = `Bearer ${await token(MED, { clientId: 'nav-freg-client' })}`;
        const before = Date.now();
        const res = await p.app.inject({ method: 'GET', url: `${PLAIN}/${pid}`, headers: { authorization, 'x-request-id': requestId } });
        assert.equal(res.statusCode, 200);
        const rows = (await listLookups(p.db, { pid })).filter((r) => r.request_id === requestId);
        assert.equal(rows.length, 1);
        const row = rows[0]!;
        assert.equal(row.pid, pid);
        assert.equal(row.found, 1);
        assert.equal(row.consumer_orgno, TEST_CONSUMER_ORGNO);
        assert.equal(row.supplier_orgno, null);
        assert.equal(row.client_id, 'nav-freg-client');
        assert.equal(row.scope, MED);
        assert.equal(row.rettighetspakke, 'offentlig-med-hjemmel');
        assert.match(String(row.token_jti), /^[0-9a-f-]{36}$/);
        assert.equal(typeof row.looked_up_at, 'number');
        assert.ok(row.looked_up_at >= before);

        const line = auditLines(p).find((l) => l.requestId === requestId);
        assert.ok(line, 'a structured audit line');
        assert.equal(line.msg, 'Folkeregisteret person lookup');
        assert.equal(line.level, 30);
        assert.equal(line.reqId, requestId);
        assert.equal(line.lookupId, row.id);
        assert.equal(line.pid, pid);
        assert.equal(line.found, true);
        assert.equal(line.consumerOrgno, TEST_CONSUMER_ORGNO);
        assert.equal(line.clientId, 'nav-freg-client');
        assert.equal(line.scope, MED);
        assert.equal(line.rettighetspakke, 'offentlig-med-hjemmel');
      });

      it('serves no HEAD on a person path (405): it would log a lookup that sends nothing', async () => {
        const requestId = 'audit-test-request-head';
        const authorization = `Bearer ${await token(MED)}`;
        const res = await p.app.inject({ method: 'HEAD', url: `${PLAIN}/${pid}`, headers: { authorization, 'x-request-id': requestId } });
        assert.equal(res.statusCode, 405);
        assert.equal(res.headers.allow, 'GET');
        assert.equal((await listLookups(p.db, { pid })).filter((r) => r.request_id === requestId).length, 0);
      });

      it('logs the supplier of a delegated token', async () => {
        const requestId = 'audit-test-request-0002';
        const authorization = `Bearer ${await token(MED, { supplierOrgno: '984661185' })}`;
        const res = await p.app.inject({ method: 'GET', url: `${PLAIN}/${pid}`, headers: { authorization, 'x-request-id': requestId } });
        assert.equal(res.statusCode, 200);
        const row = (await listLookups(p.db)).find((r) => r.request_id === requestId);
        assert.equal(row?.consumer_orgno, TEST_CONSUMER_ORGNO);
        assert.equal(row?.supplier_orgno, '984661185');
        assert.equal(auditLines(p).find((l) => l.requestId === requestId)?.supplierOrgno, '984661185');
      });

      it('logs each rettighetspakke path with its own scope and package', async () => {
        const cases: Array<[string, string, string]> = [
          [`/folkeregisteret/api/offentligutenhjemmel/v1/personer/${pid}`, UTEN, 'offentlig-uten-hjemmel'],
          [`/folkeregisteret/finans-og-begrenset/api/v1/personer/${pid}`, FOLKEREGISTER_SCOPE_FINANS, 'finans-og-begrenset'],
        ];
        for (const [url, scope, pakke] of cases) {
          const requestId = `audit-pakke-${pakke}`;
          const res = await p.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await token(scope)}`, 'x-request-id': requestId } });
          assert.equal(res.statusCode, 200, url);
          const row = (await listLookups(p.db)).find((r) => r.request_id === requestId);
          assert.equal(row?.scope, scope, url);
          assert.equal(row?.rettighetspakke, pakke, url);
        }
      });

      it('logs a lookup of a valid pid nobody holds (found: 0) and answers 404 REGISTERS_PERSON_NOT_FOUND', async () => {
        const known = new Set((await (p.db.kysely as RegistersDb).selectFrom('registers_persons').select('pid').execute()).map((r) => r.pid));
        const rng = createRng('authz-unknown');
        let unknown = generateFodselsnummer(rng, { birthDate: '1921-06-01', synthetic: 'tenor' });
        while (known.has(unknown)) unknown = generateFodselsnummer(rng, { birthDate: '1921-06-01', synthetic: 'tenor' });
        const res = await p.app.inject({ method: 'GET', url: `${PLAIN}/${unknown}`, headers: { authorization: `Bearer ${await token(MED)}` } });
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().code, 'REGISTERS_PERSON_NOT_FOUND');
        const rows = await listLookups(p.db, { pid: unknown });
        assert.equal(rows.length, 1);
        assert.equal(rows[0]?.found, 0);
        assert.equal(auditLines(p).find((l) => l.pid === unknown)?.found, false);
      });

      it('writes no lookup for an invalid pid (it identifies nobody): 400 REGISTERS_INVALID_FODSELSNUMMER', async () => {
        const [rows, lines] = await counts();
        const res = await p.app.inject({ method: 'GET', url: `${PLAIN}/12345678901`, headers: { authorization: `Bearer ${await token(MED)}` } });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().code, 'REGISTERS_INVALID_FODSELSNUMMER');
        await assertNothingWritten(rows, lines);
      });
    });
  });

  describe(`Folkeregisteret person lookups on ${engine} in production mode`, () => {
    let p: LoggedPlatform;
    let pid: string;
    before(async () => {
      p = await startPlatform(engine, { GRUNNMUR_MODE: 'production' });
      pid = (await (p.db.kysely as RegistersDb).selectFrom('registers_persons').select('pid').orderBy('pid').executeTakeFirstOrThrow()).pid;
    });
    after(() => p.close());

    it('answers 401 AUTH_TOKEN_MISSING without a token, and writes nothing', async () => {
      const res = await p.app.inject({ method: 'GET', url: `${PLAIN}/${pid}` });
      assertRejected(res, 401, 'AUTH_TOKEN_MISSING', `Bearer realm="${PUBLIC_URL}"`);
      assert.equal((await listLookups(p.db)).length, 0);
      assert.equal(auditLines(p).length, 0);
    });

    it('serves and logs a lookup with a token', async () => {
      const authorization = `Bearer ${await mintPlatformToken(p.platform, { scope: MED, lifetimeS: 3600 })}`;
      const res = await p.app.inject({ method: 'GET', url: `${PLAIN}/${pid}`, headers: { authorization } });
      assert.equal(res.statusCode, 200);
      assert.equal((await listLookups(p.db, { pid })).length, 1);
      assert.equal(auditLines(p).length, 1);
    });
  });
}
