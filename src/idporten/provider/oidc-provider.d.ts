/**
 * The part of `oidc-provider` 9.x that Grunnmur uses, typed loosely: the package ships no types
 * and `@types/oidc-provider` is not a dependency. Configuration objects stay `Record<string,
 * unknown>`; see the package's docs/README.md for their shape.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Koa context with oidc-provider's `oidc` member (loosely typed). */
  export interface KoaContextWithOIDC {
    oidc: any;
    path: string;
    method: string;
    status: number;
    body: unknown;
    type: string;
    req: IncomingMessage;
    res: ServerResponse;
    get(name: string): string;
    set(name: string, value: string): void;
    [key: string]: any;
  }

  /** An OAuth/OIDC error as oidc-provider throws it. */
  export class OIDCProviderError extends Error {
    constructor(status: number, message: string);
    error: string;
    error_description?: string;
    status: number;
    statusCode: number;
    expose: boolean;
  }

  /** The error classes (`InvalidRequest`, `InvalidGrant`, …). */
  export const errors: {
    [name: string]: new (description?: string, detail?: string) => OIDCProviderError;
    InvalidRequest: new (description?: string, detail?: string) => OIDCProviderError;
    InvalidGrant: new (description?: string, detail?: string) => OIDCProviderError;
    InvalidClient: new (description?: string, detail?: string) => OIDCProviderError;
    InvalidToken: new (description?: string, detail?: string) => OIDCProviderError;
    InvalidScope: new (description?: string, detail?: string) => OIDCProviderError;
    AccessDenied: new (description?: string, detail?: string) => OIDCProviderError;
    SessionNotFound: new (description?: string, detail?: string) => OIDCProviderError;
  };

  /** Interaction details (`provider.interactionDetails`). */
  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, any>;
    session?: { accountId: string; uid: string; cookie: string };
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
    exp: number;
    [key: string]: any;
  }

  /** A grant (`provider.Grant`). */
  export interface GrantInstance {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(ttl?: number): Promise<string>;
    destroy(): Promise<void>;
  }

  /** Interaction policy building blocks (`base()`, `Check`, `Prompt`). */
  export const interactionPolicy: { base(): any; Check: any; Prompt: any };

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    readonly issuer: string;
    proxy: boolean;
    readonly app: any;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void> | void): void;
    on(event: string, listener: (...args: any[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    Grant: {
      new (properties: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    Client: { prototype: any; find(id: string): Promise<any> };
    [key: string]: any;
  }

  export default Provider;
}
