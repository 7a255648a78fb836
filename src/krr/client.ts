/**
 * Typed HTTP client for KRR's lookup service, for other components (DPI, eSignering, Altinn
 * notifications…) and users: they call KRR over HTTP with their own Maskinporten token, as they
 * would call `https://kontaktregisteret.no`.
 */
import { AppError } from '../platform/errors.ts';
import type { KrrPerson, PersonerResponse, PrintSertifikatResponse } from './wire-types.ts';

/** Options of {@link KrrClient.lookup}. */
export interface KrrClientOptions {
  /** `v2` (default) or `v1`. */
  version?: 'v1' | 'v2';
  /** v2: answer persons not in the register as `IKKE_REGISTRERT` (default false: left out). */
  inkluderIkkeRegistrerte?: boolean;
}

/** The KRR client. Every method throws `AppError` with the server's code on a non-2xx answer. */
export interface KrrClient {
  /**
   * `POST /krr/rest/{v1|v2}/personer`.
   *
   * @param personidentifikatorer 1 to 1000 fødselsnumre or D-numbers
   * @param accessToken a Maskinporten token with `krr:global/kontaktinformasjon.read` and/or
   *   `krr:global/digitalpost.read`
   * @throws AppError `KRR_LOOKUP_EMPTY`, `KRR_LOOKUP_TOO_MANY_IDS`, `KRR_INVALID_PERSONIDENTIFIKATOR`
   *   (400), `AUTH_TOKEN_MISSING`/`AUTH_TOKEN_INVALID`/`AUTH_TOKEN_EXPIRED` (401),
   *   `AUTH_INSUFFICIENT_SCOPE` (403), `KRR_CLIENT_FAILED` (502, answer not JSON)
   */
  lookup(personidentifikatorer: readonly string[], accessToken: string, options?: KrrClientOptions): Promise<PersonerResponse>;
  /**
   * `GET /krr/rest/v1/person` (JSON): the logged-in person's own entry.
   *
   * @param accessToken an ID-porten access token with `krr:user/kontaktinformasjon.read` and/or
   *   `krr:user/digitalpost.read`
   */
  getOwnPerson(accessToken: string): Promise<KrrPerson>;
  /** `GET /krr/rest/v2/printSertifikat` (open). */
  getPrintSertifikat(): Promise<PrintSertifikatResponse>;
}

/**
 * Creates a client for a Grunnmur (or compatible) base URL.
 *
 * @param baseUrl e.g. `http://localhost:8080` (no trailing path); KRR is served under `/krr`
 * @param fetchImpl `fetch` or a stand-in (e.g. one that answers through `app.inject()` in tests)
 */
export function createKrrClient(baseUrl: string, fetchImpl: typeof fetch = fetch): KrrClient {
  const base = `${baseUrl.replace(/\/+$/, '')}/krr`;
  const call = async <T>(method: 'GET' | 'POST', path: string, accessToken?: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetchImpl(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch (cause) {
      throw new AppError('KRR_CLIENT_FAILED', 502, `KRR answered ${res.status} without JSON`, { cause });
    }
    if (!res.ok) {
      const problem = (parsed ?? {}) as { code?: string; title?: string; detail?: string; problems?: unknown };
      throw new AppError(problem.code ?? 'KRR_CLIENT_FAILED', res.status, problem.title ?? `KRR answered ${res.status}`, {
        ...(problem.detail ? { detail: problem.detail } : {}),
        ...(problem.problems ? { extra: { problems: problem.problems } } : {}),
      });
    }
    return parsed as T;
  };
  return {
    lookup: (personidentifikatorer, accessToken, options = {}) => {
      const version = options.version ?? 'v2';
      const body: Record<string, unknown> = { personidentifikatorer: [...personidentifikatorer] };
      if (version === 'v2') body.inkluderIkkeRegistrerte = options.inkluderIkkeRegistrerte ?? false;
      return call('POST', `/rest/${version}/personer`, accessToken, body);
    },
    getOwnPerson: (accessToken) => call('GET', '/rest/v1/person', accessToken),
    getPrintSertifikat: () => call('GET', '/rest/v2/printSertifikat'),
  };
}
