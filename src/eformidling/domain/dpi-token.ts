/**
 * Maskinporten tokens for DPI: the hosted integration point gets, per tenant, a real
 * `digitalpostinnbygger:send` token the way the real one does (`CreateMaskinportenTokenImpl`: a
 * JWT-bearer grant signed with the organisation's enterprise certificate, `x5c`). Each tenant
 * gets one Maskinporten client (`eformidling_dpi_clients`), made on its first DPI message and
 * registered without keys, so the grant is checked against the certificate (MP-120/MP-122 rules).
 * The token goes into the DPI business message (`maskinportentoken`), where the mailbox provider
 * checks it, and authorises the submission to corner 2.
 *
 * Tokens are kept per process until 60 s before they expire.
 *
 * @see felleslosninger/efm-integrasjonspunkt dpi-client `CreateMaskinportenTokenImpl`
 * @see https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant (x5c grant)
 */
import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { createClient, grantDeps, maskinportenIssuer, runJwtBearerGrant, type GrantResult } from '../../maskinporten/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { certificatesFromPem } from '../asic/certificates.ts';
import { eformidlingDb } from '../store/eformidling-store.ts';
import type { Signer } from './signing-certificates.ts';

/** The DPI scope (Digdir's name, as in the tokens of Digdir's DPI examples). */
export const DPI_SEND_SCOPE = 'digitalpostinnbygger:send';

/** A token and what it says. */
export interface DpiToken {
  /** The compact JWT. */
  token: string;
  /** Its claims (consumer, scope, exp in seconds). */
  claims: GrantResult['claims'];
}

/** Per-process source of DPI tokens (one per platform). */
export class DpiTokenSource {
  readonly #platform: Platform;
  readonly #cache = new Map<string, DpiToken>();
  #deps: ReturnType<typeof grantDeps> | undefined;

  constructor(platform: Platform) {
    this.#platform = platform;
  }

  /**
   * A valid token for the tenant (at least 60 s left).
   *
   * @param orgnr the tenant's organisasjonsnummer
   * @param signer its enterprise certificate and key (signs the grant, `x5c`)
   * @throws GrantError (MP-…) when Maskinporten refuses, e.g. the scope is not open to the tenant
   */
  async token(orgnr: string, signer: Signer, now = Date.now()): Promise<DpiToken> {
    const cached = this.#cache.get(orgnr);
    if (cached && Number(cached.claims.exp) * 1000 - 60_000 > now) return cached;
    const clientId = await this.#clientOf(orgnr);
    const leaf = certificatesFromPem(signer.certificatePem)[0]!;
    const key = await importPKCS8(signer.privateKeyPem, 'RS256');
    const iat = Math.floor(now / 1000);
    const assertion = await new SignJWT({ scope: DPI_SEND_SCOPE, jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', x5c: [leaf.toString('base64')] })
      .setIssuer(clientId)
      .setAudience(maskinportenIssuer(this.#platform.config))
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(key);
    this.#deps ??= grantDeps(this.#platform);
    const granted = await runJwtBearerGrant(this.#deps, {
      contentType: 'application/x-www-form-urlencoded',
      body: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion },
    });
    const result = { token: granted.response.access_token, claims: granted.claims };
    this.#cache.set(orgnr, result);
    return result;
  }

  /** The tenant's DPI client, made on first use (insert-if-absent: two processes agree). */
  async #clientOf(orgnr: string): Promise<string> {
    const k = eformidlingDb(this.#platform.db);
    const found = await k.selectFrom('eformidling_dpi_clients').select('client_id').where('orgnr', '=', orgnr).executeTakeFirst();
    if (found) return found.client_id;
    const client = await createClient(
      this.#platform.db,
      {
        integration_type: 'maskinporten',
        client_name: `eFormidling integrasjonspunkt ${orgnr} (DPI)`,
        description: 'Grunnmur-hosted eFormidling integration point: Digital post til innbyggere',
        scopes: [DPI_SEND_SCOPE],
      },
      { orgno: orgnr },
    );
    await k.insertInto('eformidling_dpi_clients').values({ orgnr, client_id: client.client_id, created_at: Date.now() }).onConflict((oc) => oc.column('orgnr').doNothing()).execute();
    const winner = await k.selectFrom('eformidling_dpi_clients').select('client_id').where('orgnr', '=', orgnr).executeTakeFirstOrThrow();
    return winner.client_id;
  }
}
