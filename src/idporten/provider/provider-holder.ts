/**
 * The provider of this process, rebuilt when the issuer's signing key rotates.
 *
 * oidc-provider reads its signing keys (`jwks`) once, at construction. Every request asks the
 * key store for the issuer's current key (cached there for 5 s, so this is a map lookup); when
 * its `kid` differs from the one the provider was built with, a new provider is built with the
 * new key and serves the following requests. Nothing is lost: every artefact lives in the
 * database, and cookie keys and the pairwise salt are shared. Requests already running on the
 * old provider finish on it. The published JWKS (`/idporten/jwks.json`) is the key store's,
 * which keeps retired keys until every token they signed has expired.
 */
import type { Provider } from 'oidc-provider';
import type { Platform } from '../../platform/platform.ts';
import { createIdportenProvider, idportenIssuer, type ProviderDeps, type ProviderSecrets } from './create-provider.ts';

/** Holds the current provider of this process. */
export class ProviderHolder {
  readonly #platform: Platform;
  readonly #secrets: ProviderSecrets;
  readonly #issuer: string;
  readonly #deps: ProviderDeps;
  #current: { kid: string; provider: Provider; callback: ReturnType<Provider['callback']> } | undefined;
  #building: Promise<{ kid: string; provider: Provider; callback: ReturnType<Provider['callback']> }> | undefined;

  constructor(platform: Platform, secrets: ProviderSecrets, deps: ProviderDeps = {}) {
    this.#platform = platform;
    this.#secrets = secrets;
    this.#deps = deps;
    this.#issuer = idportenIssuer(platform.config);
  }

  /** The issuer (`<PUBLIC_URL>/idporten`). */
  get issuer(): string {
    return this.#issuer;
  }

  /** The provider signing with the issuer's current key, and its Node request handler. */
  async get(): Promise<{ provider: Provider; callback: ReturnType<Provider['callback']> }> {
    const key = await this.#platform.keys.getSigningKey(this.#issuer);
    const current = this.#current;
    if (current && current.kid === key.kid) return current;
    this.#building ??= this.#build().finally(() => {
      this.#building = undefined;
    });
    return this.#building;
  }

  async #build(): Promise<{ kid: string; provider: Provider; callback: ReturnType<Provider['callback']> }> {
    const { jwk } = await this.#platform.keys.exportPrivateJwk(this.#issuer);
    const provider = createIdportenProvider(this.#platform, jwk, this.#secrets, this.#deps);
    const built = { kid: jwk.kid as string, provider, callback: provider.callback() };
    if (this.#current) this.#platform.log.info({ kid: built.kid, previousKid: this.#current.kid }, 'idporten: provider rebuilt for a new signing key');
    this.#current = built;
    return built;
  }
}
