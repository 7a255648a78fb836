/**
 * Helpers of ELMA's tests (not imported by the product): a valid write body, a database
 * snapshot, and an `app.inject()`-backed fetch for the typed client.
 */
import type { FastifyInstance } from 'fastify';
import type { TestPlatform } from '../../test/helpers/platform.ts';
import { elmaDb } from './store/elma-store.ts';
import type { ElmaEndpointInput, PutParticipantRequest } from './wire-types.ts';

/** Bergen kommune: seeded; used as the "owned by Digdir" participant. */
export const BERGEN = '964338531';
/** An organisation that is no seeded participant (a valid orgnr, MOD11). */
export const UNREGISTERED_ORGNR = '910076787';
/** An access-point provider other than Digdir (Posten Bring AS). */
export const OTHER_PROVIDER = '984661185';

/** A valid endpoint with the given certificate (base64 DER). */
export function validEndpoint(certificate: string, overrides: Partial<ElmaEndpointInput> = {}): ElmaEndpointInput {
  return {
    transportProfile: 'bdxr-transport-altinn',
    endpointUrl: 'https://ap.example.no/eformidling/api',
    certificate,
    serviceActivationDate: '2025-01-01T00:00:00+01:00',
    serviceExpirationDate: '2030-01-01T00:00:00Z',
    requireBusinessLevelSignature: false,
    serviceDescription: 'Test access point',
    technicalContactUrl: 'https://ap.example.no/kontakt',
    ...overrides,
  };
}

/** A valid write: arkivmelding/administrasjon at one endpoint. */
export function validBody(certificate: string, endpoint: Partial<ElmaEndpointInput> = {}): PutParticipantRequest {
  return {
    documents: [
      {
        documentIdentifier: { value: 'urn:no:difi:arkivmelding:xsd::arkivmelding' },
        processes: [{ processIdentifier: { value: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0' }, endpoints: [validEndpoint(certificate, endpoint)] }],
      },
    ],
  };
}

/** Every ELMA row, as text, to compare before and after. */
export async function snapshot(t: TestPlatform): Promise<string> {
  const k = elmaDb(t.platform.db);
  const participants = await k.selectFrom('elma_participants').selectAll().orderBy('participant_key').execute();
  const documents = await k.selectFrom('elma_documents').selectAll().orderBy('participant_key').orderBy('position').execute();
  return JSON.stringify({ participants, documents });
}

/** A `fetch` that answers through `app.inject()`. */
export function injectFetch(app: FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: { ...(init?.headers as Record<string, string> | undefined) },
      ...(init?.body === undefined ? {} : { payload: String(init.body) }),
    });
    return new Response(res.statusCode === 204 ? null : res.body, { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type'] ?? '') } });
  }) as typeof fetch;
}
