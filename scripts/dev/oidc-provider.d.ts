/**
 * The slice of `oidc-provider` 9.x (panva; ships no types, and @types/oidc-provider is not a
 * dependency) that the dev login uses. Names follow the library's documentation.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type ClaimsValue = Record<string, unknown>;

  export interface OidcClient {
    readonly clientId: string;
    readonly clientName?: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface OidcSession {
    /** Stable for the browser session (kept across logins, new after a logout); tokens carry it as sessionUid. */
    readonly uid: string;
    readonly accountId?: string;
    /** Epoch seconds of the last login. */
    authTime(): number | undefined;
    grantIdFor(clientId: string): string | undefined;
  }

  export interface OidcToken {
    readonly kind: string;
    readonly nonce?: string;
    readonly sessionUid?: string;
    readonly scope?: string;
    /** Epoch seconds of the login the token descends from. */
    readonly authTime?: number;
  }

  export interface OidcGrant {
    readonly jti: string;
    addOIDCScope(scope: string): void;
    getOIDCScope(): string;
    save(): Promise<string>;
  }

  export interface OidcContext {
    readonly route: string;
    readonly client?: OidcClient;
    readonly session?: OidcSession;
    readonly params?: Readonly<Record<string, unknown>>;
    /** The request's `prompt` values. */
    readonly prompts: ReadonlySet<string>;
    readonly result?: { consent?: { grantId?: string } };
    readonly provider: Provider;
  }

  /** The Koa context oidc-provider passes to its configuration functions. */
  export interface KoaContextWithOIDC {
    readonly oidc: OidcContext;
    readonly ip: string;
    readonly host: string;
    readonly method: string;
    readonly query: Readonly<Record<string, unknown>>;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    body?: unknown;
    type?: string;
  }

  export interface Account {
    readonly accountId: string;
    claims(use: string, scope: string, claims: unknown, rejected: readonly string[]): Promise<ClaimsValue> | ClaimsValue;
  }

  export interface ClientMetadata {
    readonly client_id: string;
    /** Confidential clients only (client_secret_basic / client_secret_post). */
    readonly client_secret?: string;
    readonly client_name?: string;
    readonly token_endpoint_auth_method?: string;
    readonly redirect_uris: readonly string[];
    readonly post_logout_redirect_uris?: readonly string[];
    readonly grant_types?: readonly string[];
    readonly response_types?: readonly string[];
  }

  export interface Configuration {
    readonly clients?: readonly ClientMetadata[];
    readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
    readonly cookies?: { readonly keys?: readonly string[] };
    readonly routes?: Readonly<Record<string, string>>;
    readonly claims?: Readonly<Record<string, readonly string[]>>;
    readonly conformIdTokenClaims?: boolean;
    readonly scopes?: readonly string[];
    readonly pkce?: { readonly required?: () => boolean };
    readonly ttl?: Readonly<Record<string, number>>;
    readonly features?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    readonly interactions?: { readonly url?: (ctx: KoaContextWithOIDC, interaction: { uid: string }) => string | Promise<string> };
    readonly findAccount?: (ctx: KoaContextWithOIDC, sub: string, token?: OidcToken) => Promise<Account | undefined>;
    readonly loadExistingGrant?: (ctx: KoaContextWithOIDC) => Promise<OidcGrant | undefined>;
    readonly issueRefreshToken?: (ctx: KoaContextWithOIDC, client: OidcClient, code: unknown) => Promise<boolean> | boolean;
    readonly renderError?: (ctx: KoaContextWithOIDC, out: Readonly<Record<string, string>>, error: Error) => Promise<void> | void;
  }

  export interface InteractionDetails {
    readonly uid: string;
    readonly prompt: { readonly name: string; readonly reasons?: readonly string[] };
    readonly params: Readonly<Record<string, unknown>>;
    readonly session?: { readonly accountId?: string };
  }

  export type InteractionResults =
    | { login: { accountId: string } }
    | { error: string; error_description?: string };

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    proxy: boolean;
    readonly Grant: {
      new (properties: { accountId?: string; clientId: string }): OidcGrant;
      find(id: string): Promise<OidcGrant | undefined>;
    };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: {
    readonly AccessDenied: new (description?: string) => Error;
  };
}
