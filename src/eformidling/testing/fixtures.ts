/**
 * Test helpers of the eFormidling component: SBDs, the arkivmelding payload from Digdir's docs,
 * and an HTTP driver of the Next Move API over Fastify's `inject`.
 */
import { snapshotTables } from '../../platform/db/testing.ts';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createClient, maskinportenIssuer, setClientKeys } from '../../maskinporten/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { EFORMIDLING_SCOPE } from '../domain/scopes.ts';
import type { Database } from '../../platform/db/database.ts';
import { EFORMIDLING_DOCUMENT_TYPES, arkivmeldingProcess } from '../../elma/index.ts';

/** Digdir's example arkivmelding (`_includes/eformidling/arkivmelding.xml`, Apache-2.0). */
export const ARKIVMELDING_XML = readFileSync(new URL('./arkivmelding.xml', import.meta.url));

/** Seeded agencies (ELMA: arkivmelding, administrasjon). */
export const DIGDIR = '991825827';
export const NAV = '889640782';
export const SKATTEETATEN = '974761076';

/** An arkivmelding SBD from `sender` to `receiver` (orgnrs). */
export function arkivmeldingSbd(sender: string, receiver: string, options: { messageId?: string; conversationId?: string; expectedResponseDateTime?: string } = {}) {
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${sender}` } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${receiver}` } }],
      documentIdentification: {
        standard: EFORMIDLING_DOCUMENT_TYPES.arkivmelding,
        typeVersion: '1.0',
        instanceIdentifier: options.messageId ?? randomUUID(),
        type: 'arkivmelding',
      },
      businessScope: {
        scope: [
          {
            type: 'ConversationId',
            instanceIdentifier: options.conversationId ?? randomUUID(),
            identifier: arkivmeldingProcess('administrasjon'),
            ...(options.expectedResponseDateTime ? { scopeInformation: [{ expectedResponseDateTime: options.expectedResponseDateTime }] } : {}),
          },
        ],
      },
    },
    arkivmelding: { sikkerhetsnivaa: '3', hoveddokument: 'arkivmelding.xml' },
  };
}

/** The Next Move API of one tenant (its bearer token) over `inject`. */
export function nextMove(app: FastifyInstance, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  const base = '/eformidling/api';
  return {
    create: (sbd: unknown) => app.inject({ method: 'POST', url: `${base}/messages/out`, headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(sbd) }),
    upload: (messageId: string, filename: string, body: Buffer | string, contentType = 'application/xml', extraHeaders: Record<string, string> = {}) =>
      app.inject({
        method: 'PUT',
        url: `${base}/messages/out/${messageId}`,
        headers: { ...auth, 'content-type': contentType, 'content-disposition': `attachment; name="Arkivmelding"; filename="${filename}"`, ...extraHeaders },
        payload: body,
      }),
    send: (messageId: string) => app.inject({ method: 'POST', url: `${base}/messages/out/${messageId}`, headers: auth }),
    multipart: (body: Buffer, contentType: string) => app.inject({ method: 'POST', url: `${base}/messages/out/multipart`, headers: { ...auth, 'content-type': contentType }, payload: body }),
    post: (path: string, body: unknown) => app.inject({ method: 'POST', url: `${base}${path}`, headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
    head: (path: string) => app.inject({ method: 'HEAD', url: `${base}${path}`, headers: auth }),
    get: (path: string) => app.inject({ method: 'GET', url: `${base}${path}`, headers: auth }),
    delete: (path: string) => app.inject({ method: 'DELETE', url: `${base}${path}`, headers: auth }),
  };
}

/** A multipart/form-data body by hand: the `sbd` part first (a field, as the docs' example), then files. */
export function multipartBody(sbd: unknown, files: Array<{ name: string; filename: string; type: string; content: Buffer | string }>, sbdFirst = true): { body: Buffer; contentType: string } {
  const boundary = `grunnmur${randomUUID().replaceAll('-', '')}`;
  const parts: Buffer[] = [];
  const sbdPart = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=sbd\r\nContent-Type: application/json;charset=UTF-8\r\n\r\n${JSON.stringify(sbd)}\r\n`);
  if (sbdFirst) parts.push(sbdPart);
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`));
    parts.push(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content));
    parts.push(Buffer.from('\r\n'));
  }
  if (!sbdFirst) parts.push(sbdPart);
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Every `eformidling_*` row and every job (see `snapshotTables`). */
export function snapshotEformidling(db: Database): Promise<Record<string, string[]>> {
  return snapshotTables(db, 'eformidling');
}

/**
 * A real Maskinporten access token for an organisation: a client registered through the
 * self-service domain with a new RSA key, and a JWT-bearer grant at `POST /maskinporten/token`.
 */
export async function grantToken(app: FastifyInstance, platform: Platform, orgnr: string, scope = EFORMIDLING_SCOPE): Promise<string> {
  const client = await createClient(platform.db, { integration_type: 'maskinporten', client_name: `eFormidling ${orgnr}`, description: 'eFormidling test', scopes: [scope] }, { orgno: orgnr });
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const kid = `efm-${randomUUID()}`;
  await setClientKeys(platform.db, client.client_id, { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] }, { orgno: orgnr });
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope, jti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(client.client_id)
    .setAudience(maskinportenIssuer(platform.config))
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(privateKey);
  const res = await app.inject({
    method: 'POST',
    url: '/maskinporten/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  if (res.statusCode !== 200) throw new Error(`token grant failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}
