/**
 * Typed HTTP client for ELMA's REST API, for the coming eFormidling component (capabilities,
 * routing) and for users: they call ELMA over HTTP, as they would call the real SMP.
 */
import { AppError } from '../platform/errors.ts';
import type { ElmaEndpoint, ElmaParticipant, PutParticipantRequest } from './wire-types.ts';

/** What a participant can receive: one row per (document type, process, endpoint). */
export interface ElmaCapability {
  documentIdentifier: string;
  processIdentifier: string;
  endpoint: ElmaEndpoint;
}

/** The ELMA client. Every method throws `AppError` with the server's code on an unexpected non-2xx answer. */
export interface ElmaClient {
  /**
   * `GET /elma/api/v1/participants/{orgnr}`.
   *
   * @returns the participant, or null when it is not registered (404 `ELMA_PARTICIPANT_NOT_FOUND`)
   * @throws AppError `ELMA_INVALID_ORGNR` (400), `ELMA_CLIENT_FAILED` (502, answer not JSON)
   */
  findParticipant(orgnr: string): Promise<ElmaParticipant | null>;
  /**
   * The capabilities of a participant: every (document type, process, endpoint) it receives,
   * optionally only those active at `at` (activation ≤ at < expiration).
   *
   * @param orgnr organisasjonsnummer
   * @param options.process only this process identifier (case-sensitive)
   * @param options.at only endpoints active at this instant
   * @returns an empty list when the participant is not registered
   */
  capabilities(orgnr: string, options?: { process?: string; at?: Date }): Promise<ElmaCapability[]>;
  /**
   * `PUT /elma/api/v1/participants/{orgnr}` with a Maskinporten token with `elma:participants.write`.
   *
   * @throws AppError the ELMA_* 400 codes, `AUTH_*` (401/403), `ELMA_PARTICIPANT_OWNED_BY_OTHER` (403)
   */
  putParticipant(orgnr: string, request: PutParticipantRequest, accessToken: string): Promise<ElmaParticipant>;
  /** `DELETE /elma/api/v1/participants/{orgnr}` (same token). */
  deleteParticipant(orgnr: string, accessToken: string): Promise<void>;
}

/**
 * Creates a client for a Grunnmur (or compatible) base URL.
 *
 * @param baseUrl e.g. `http://localhost:8080` (no trailing path); ELMA is served under `/elma`
 * @param fetchImpl `fetch` or a stand-in (e.g. one that answers through `app.inject()` in tests)
 */
export function createElmaClient(baseUrl: string, fetchImpl: typeof fetch = fetch): ElmaClient {
  const base = `${baseUrl.replace(/\/+$/, '')}/elma/api/v1`;
  const call = async (method: 'GET' | 'PUT' | 'DELETE', path: string, accessToken?: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetchImpl(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (res.status === 204) return { status: 204, json: null };
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch (cause) {
      throw new AppError('ELMA_CLIENT_FAILED', 502, `ELMA answered ${res.status} without JSON`, { cause });
    }
    if (!res.ok) {
      const problem = (parsed ?? {}) as { code?: string; title?: string; detail?: string };
      throw new AppError(problem.code ?? 'ELMA_CLIENT_FAILED', res.status, problem.title ?? `ELMA answered ${res.status}`, problem.detail ? { detail: problem.detail } : {});
    }
    return { status: res.status, json: parsed };
  };
  const findParticipant = async (orgnr: string): Promise<ElmaParticipant | null> => {
    try {
      return (await call('GET', `/participants/${encodeURIComponent(orgnr)}`)).json as ElmaParticipant;
    } catch (error) {
      if (error instanceof AppError && error.code === 'ELMA_PARTICIPANT_NOT_FOUND') return null;
      throw error;
    }
  };
  return {
    findParticipant,
    capabilities: async (orgnr, options = {}) => {
      const participant = await findParticipant(orgnr);
      if (!participant) return [];
      const at = options.at?.getTime();
      const rows: ElmaCapability[] = [];
      for (const document of participant.documents) {
        for (const process of document.processes) {
          if (options.process !== undefined && process.processIdentifier.value !== options.process) continue;
          for (const endpoint of process.endpoints) {
            if (at !== undefined) {
              if (endpoint.serviceActivationDate !== undefined && Date.parse(endpoint.serviceActivationDate) > at) continue;
              if (endpoint.serviceExpirationDate !== undefined && Date.parse(endpoint.serviceExpirationDate) <= at) continue;
            }
            rows.push({ documentIdentifier: document.documentIdentifier.value, processIdentifier: process.processIdentifier.value, endpoint });
          }
        }
      }
      return rows;
    },
    putParticipant: async (orgnr, request, accessToken) => (await call('PUT', `/participants/${encodeURIComponent(orgnr)}`, accessToken, request)).json as ElmaParticipant,
    deleteParticipant: async (orgnr, accessToken) => {
      await call('DELETE', `/participants/${encodeURIComponent(orgnr)}`, accessToken);
    },
  };
}
