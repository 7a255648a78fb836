/**
 * Typed HTTP client for the registers component, for other components (and users) to call
 * Enhetsregisteret and Folkeregisteret over HTTP, as they would call the real services.
 */
import { AppError } from '../platform/errors.ts';
import type { EnheterPage, FregPerson, Enhet, Roller, TestpersonerPage, Underenhet } from './wire-types.ts';

/** Query of {@link RegistersClient.searchEnheter}. */
export interface SearchEnheterQuery {
  navn?: string;
  /** Organisasjonsform codes. */
  organisasjonsform?: string[];
  overordnetEnhet?: string;
  page?: number;
  size?: number;
}

/** The registers client. Every method throws `AppError` with the server's code on a non-2xx answer. */
export interface RegistersClient {
  /** `GET /enhetsregisteret/api/enheter/{orgnr}`. */
  getEnhet(orgnr: string): Promise<Enhet>;
  /** `GET /enhetsregisteret/api/underenheter/{orgnr}`. */
  getUnderenhet(orgnr: string): Promise<Underenhet>;
  /** `GET /enhetsregisteret/api/enheter/{orgnr}/roller`. */
  getRoller(orgnr: string): Promise<Roller>;
  /** `GET /enhetsregisteret/api/enheter?…`. */
  searchEnheter(q: SearchEnheterQuery): Promise<EnheterPage>;
  /**
   * `GET /folkeregisteret/api/v1/personer/{pid}` with `Authorization: Bearer <accessToken>`
   * (rettighetspakke offentlig-med-hjemmel).
   *
   * @param pid fødselsnummer or D-number
   * @param accessToken a Maskinporten access token with scope
   *   `folkeregister:deling/offentligmedhjemmel` (`FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL`)
   * @throws AppError `AUTH_TOKEN_MISSING`/`AUTH_TOKEN_INVALID`/`AUTH_TOKEN_EXPIRED` (401),
   *   `AUTH_INSUFFICIENT_SCOPE` (403), `REGISTERS_INVALID_FODSELSNUMMER` (400),
   *   `REGISTERS_PERSON_NOT_FOUND` (404)
   */
  getPerson(pid: string, accessToken: string): Promise<FregPerson>;
  /** `GET /folkeregisteret/api/v1/testpersoner` (Grunnmur-specific, test mode only). */
  listTestpersoner(page?: number, size?: number): Promise<TestpersonerPage>;
}

/**
 * Creates a client for a Grunnmur (or compatible) base URL.
 *
 * @param baseUrl e.g. `http://localhost:8080` (no trailing path)
 * @param fetchImpl `fetch` or a stand-in (e.g. one that answers through `app.inject()` in tests)
 * @throws (from each method) AppError with the problem document's `code` and `status`
 *   (e.g. `REGISTERS_ORGANISATION_NOT_FOUND` 404); `REGISTERS_CLIENT_FAILED` (502) when the
 *   answer is not JSON
 */
export function createRegistersClient(baseUrl: string, fetchImpl: typeof fetch = fetch): RegistersClient {
  const base = baseUrl.replace(/\/+$/, '');
  const get = async <T>(path: string, accessToken?: string): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
    const res = await fetchImpl(`${base}${path}`, { headers });
    let body: unknown;
    try {
      body = await res.json();
    } catch (cause) {
      throw new AppError('REGISTERS_CLIENT_FAILED', 502, `Registers answered ${res.status} without JSON`, { cause });
    }
    if (!res.ok) {
      const problem = (body ?? {}) as { code?: string; title?: string; detail?: string; problems?: unknown };
      throw new AppError(problem.code ?? 'REGISTERS_CLIENT_FAILED', res.status, problem.title ?? `Registers answered ${res.status}`, {
        ...(problem.detail ? { detail: problem.detail } : {}),
        ...(problem.problems ? { extra: { problems: problem.problems } } : {}),
      });
    }
    return body as T;
  };
  const enc = encodeURIComponent;
  return {
    getEnhet: (orgnr) => get(`/enhetsregisteret/api/enheter/${enc(orgnr)}`),
    getUnderenhet: (orgnr) => get(`/enhetsregisteret/api/underenheter/${enc(orgnr)}`),
    getRoller: (orgnr) => get(`/enhetsregisteret/api/enheter/${enc(orgnr)}/roller`),
    searchEnheter: (q) => {
      const params = new URLSearchParams();
      if (q.navn) params.set('navn', q.navn);
      if (q.organisasjonsform?.length) params.set('organisasjonsform', q.organisasjonsform.join(','));
      if (q.overordnetEnhet) params.set('overordnetEnhet', q.overordnetEnhet);
      if (q.page !== undefined) params.set('page', String(q.page));
      if (q.size !== undefined) params.set('size', String(q.size));
      return get(`/enhetsregisteret/api/enheter?${params.toString()}`);
    },
    getPerson: (pid, accessToken) => get(`/folkeregisteret/api/v1/personer/${enc(pid)}`, accessToken),
    listTestpersoner: (page = 0, size = 20) => get(`/folkeregisteret/api/v1/testpersoner?page=${page}&size=${size}`),
  };
}
