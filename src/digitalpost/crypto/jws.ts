/**
 * The DPI business message (`forretningsmelding`, part `sbd.jwt` of `POST /messages/out`, and
 * every receipt in `GET /messages/in`): the SBD JSON `{"standardBusinessDocument": {...}}`
 * signed as a compact JWS, RS256, with the signer's enterprise certificate in the `x5c` header —
 * as Digdir's dpi-client writes it (`JWSHeader(RS256).x509CertChain([certificate])`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515 §3.1 (compact serialization), §4.1.6 (x5c), §5.2 (validation)
 * @see https://www.rfc-editor.org/rfc/rfc7518 §3.3 (RS256: RSASSA-PKCS1-v1_5 with SHA-256)
 */
import { CompactSign, compactVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import { AppError } from '../../platform/errors.ts';
import type { x509 } from '../../platform/pki/x509.ts';
import { certificateOrgnr, certificatePem, checkCertificateTrust, loadSigner, parseCertificate } from '../../eformidling/asic/certificates.ts';
import { cryptoError } from './errors.ts';
import type { Signer, VerifiedSbd, VerifySbdOptions } from './types.ts';

/**
 * Why a JWS was refused, in `extra.reason` of a `DIGITALPOST_JWS_INVALID`:
 *
 * - `format`: not a string in compact serialization (three base64url parts).
 * - `header`: the protected header is not base64url JSON, or `alg` is not RS256.
 * - `x5c`: no `x5c`, or its first entry is not a base64 DER X.509 certificate.
 * - `certificate-trust`: the certificate does not chain to one of the trusted CAs.
 * - `certificate-validity`: a certificate of the chain is not valid at the checked time.
 * - `signature`: the RS256 signature does not verify with the x5c certificate's key.
 * - `payload`: the payload is not UTF-8 JSON, or not a JSON object.
 * - `orgnr`: the certificate belongs to another organisation than `expectedOrgnr`.
 */
export type JwsRejection = 'format' | 'header' | 'x5c' | 'certificate-trust' | 'certificate-validity' | 'signature' | 'payload' | 'orgnr';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function rejected(reason: JwsRejection, message: string, cause?: unknown): AppError {
  const options = cause === undefined ? { extra: { reason } } : { extra: { reason }, cause };
  return cryptoError('DIGITALPOST_JWS_INVALID', message, options);
}

/**
 * Signs an SBD as a compact JWS: protected header `{"alg":"RS256","x5c":["<base64 DER of the
 * signer certificate>"]}`, payload the UTF-8 JSON of `sbd`.
 *
 * @param sbd the whole JSON object to sign, e.g. `{ standardBusinessDocument: {...} }`
 * @param signer the signing organisation's enterprise certificate (PEM; only the first
 *   certificate goes into x5c) and its RSA key (PEM, at least 2048 bits)
 * @returns `<header>.<payload>.<signature>`, base64url
 * @throws AppError `DIGITALPOST_JWS_SIGN_FAILED` when `sbd` is not a plain object, or the
 *   certificate or key cannot be used
 * @see RFC 7515 §3.1, §4.1.6; Digdir dpi-client (forretningsmelding as JWT)
 */
export async function signSbd(sbd: Record<string, unknown>, signer: Signer): Promise<string> {
  if (sbd === null || typeof sbd !== 'object' || Array.isArray(sbd)) {
    throw cryptoError('DIGITALPOST_JWS_SIGN_FAILED', 'The SBD to sign must be a JSON object');
  }
  let loaded: ReturnType<typeof loadSigner>;
  try {
    loaded = loadSigner(signer);
  } catch (err) {
    throw cryptoError('DIGITALPOST_JWS_SIGN_FAILED', `The signer cannot be used: ${(err as Error).message}`, { cause: err });
  }
  const leaf = loaded.certificatesDer[0] as Buffer;
  const payload = new TextEncoder().encode(JSON.stringify(sbd));
  try {
    return await new CompactSign(payload).setProtectedHeader({ alg: 'RS256', x5c: [leaf.toString('base64')] }).sign(loaded.privateKey);
  } catch (err) {
    throw cryptoError('DIGITALPOST_JWS_SIGN_FAILED', `The SBD cannot be signed: ${(err as Error).message}`, { cause: err });
  }
}

function certificateFromX5c(value: unknown, index: number): x509.X509Certificate {
  if (typeof value !== 'string' || !BASE64.test(value)) throw rejected('x5c', `x5c[${index}] is not standard base64 (RFC 7515 §4.1.6)`);
  try {
    return parseCertificate(new Uint8Array(Buffer.from(value, 'base64'))).certificate;
  } catch (err) {
    throw rejected('x5c', `x5c[${index}] is not a DER X.509 certificate`, err);
  }
}

/**
 * Verifies a signed SBD and returns its payload:
 *
 * 1. compact serialization, protected header with `alg` RS256 and a non-empty `x5c`;
 * 2. x5c[0] (with any further x5c entries as possible intermediates) chains to one of
 *    `caCertificatesPem`, every signature on the way verifies, every issuer is a CA, and every
 *    certificate is valid at `now` (revocation is not checked);
 * 3. the RS256 signature verifies with x5c[0]'s public key;
 * 4. the payload is a UTF-8 JSON object;
 * 5. when `expectedOrgnr` is given, the certificate's organisasjonsnummer is that one.
 *
 * Key usage is not checked: a provider may sign receipts with the same certificate it receives
 * encrypted packages with.
 *
 * @param jws the compact JWS (`sbd.jwt`)
 * @param opts.caCertificatesPem trust anchors, PEM (several certificates per string allowed)
 * @param opts.now when the certificates must be valid (default: now)
 * @param opts.expectedOrgnr when given, the organisation the certificate must belong to (9 digits)
 * @returns the parsed payload, the signer certificate (PEM) and its orgnr (`null` when the
 *   certificate carries none)
 * @throws AppError `DIGITALPOST_JWS_INVALID` with a message saying what failed and
 *   `extra.reason` (see {@link JwsRejection})
 * @see RFC 7515 §5.2, RFC 5280 §6
 */
export async function verifySbd(jws: string, opts: VerifySbdOptions): Promise<VerifiedSbd> {
  if (typeof jws !== 'string') throw rejected('format', 'The forretningsmelding must be a string');
  const token = jws.trim();
  if (!COMPACT_JWS.test(token)) {
    const parts = token.split('.').length;
    throw rejected('format', parts === 5 ? 'The forretningsmelding is a JWE, not a compact JWS' : `The forretningsmelding is not a compact JWS (expected 3 base64url parts, found ${parts})`);
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch (err) {
    throw rejected('header', 'The JWS protected header is not base64url-encoded JSON', err);
  }
  if (header.alg !== 'RS256') throw rejected('header', `The JWS alg is ${JSON.stringify(header.alg)}; RS256 is required`);
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0) throw rejected('x5c', 'The JWS header has no x5c certificate');
  const signer = certificateFromX5c(x5c[0], 0);
  const others = x5c.slice(1).map((value, i) => certificateFromX5c(value, i + 1));

  const now = opts?.now ?? new Date();
  if (!Array.isArray(opts?.caCertificatesPem)) throw rejected('certificate-trust', 'No trusted CA certificates were given to verify the JWS against');
  try {
    await checkCertificateTrust(signer, others, opts.caCertificatesPem, now);
  } catch (err) {
    const check = err instanceof AppError ? (err.extra as { check?: string } | undefined)?.check : undefined;
    const reason: JwsRejection = check === 'certificate-validity' ? 'certificate-validity' : 'certificate-trust';
    const what = reason === 'certificate-validity' ? 'is not valid' : 'is not trusted';
    throw rejected(reason, `The JWS signer certificate ${what}: ${(err as Error).message}`, err);
  }

  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(token, parseCertificate(new Uint8Array(signer.rawData)).publicKey, { algorithms: ['RS256'] }));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw rejected('signature', `The JWS signature does not verify with the x5c certificate ${signer.subject}`, err);
    }
    throw rejected('signature', `The JWS cannot be verified: ${(err as Error).message}`, err);
  }

  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
  } catch (err) {
    throw rejected('payload', 'The JWS payload is not UTF-8 JSON', err);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw rejected('payload', 'The JWS payload is not a JSON object');

  const orgnr = certificateOrgnr(signer);
  if (opts.expectedOrgnr !== undefined && orgnr !== opts.expectedOrgnr) {
    throw rejected('orgnr', `The JWS is signed by ${orgnr === null ? 'a certificate without organisasjonsnummer' : `organisation ${orgnr}`}, not by ${opts.expectedOrgnr}`);
  }
  return { payload, certificatePem: certificatePem(new Uint8Array(signer.rawData)), orgnr };
}
