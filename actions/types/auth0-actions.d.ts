/**
 * The slice of Auth0's Actions types this project uses, mirroring the names of the official
 * post-login (v3) and post-change-password (v2) definitions in auth0/auth0-actions. There is no
 * installable types package on our registry; import these with `import type` only.
 */

export interface ActionUser {
  readonly user_id: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly name?: string;
  readonly nickname?: string;
  readonly username?: string;
  /** When the password was last changed or reset; database connections only, absent until the first change. */
  readonly last_password_reset?: string;
  readonly app_metadata?: Readonly<Record<string, unknown>>;
  readonly user_metadata?: Readonly<Record<string, unknown>>;
}

export type ActionSecrets = Readonly<Record<string, string | undefined>>;

/** `event.transaction.protocol` of post-login v3. */
export type TransactionProtocol =
  | 'oidc-basic-profile'
  | 'oidc-ciba'
  | 'oidc-ciba-web-link'
  | 'oidc-implicit-profile'
  | 'oauth2-device-code'
  | 'oauth2-resource-owner'
  | 'oauth2-resource-owner-jwt-bearer'
  | 'oauth2-password'
  | 'oauth2-webauthn'
  | 'oauth2-access-token'
  | 'oauth2-refresh-token'
  | 'oauth2-token-exchange'
  | 'oidc-hybrid-profile'
  | 'samlp'
  | 'wsfed'
  | 'wstrust-usernamemixed';

/**
 * One completed authentication method of the session: a first factor (`pwd`, `federated`,
 * `passkey`, `sms`, `email`, …), `mfa`, or a URL naming a custom later factor.
 */
export interface AuthenticationMethod {
  readonly name: string;
  /** ISO 8601. */
  readonly timestamp: string;
}

export interface PostLoginEvent {
  readonly user: ActionUser;
  readonly client: { readonly client_id: string; readonly name?: string };
  readonly connection?: { readonly id: string; readonly name: string; readonly strategy: string };
  readonly request?: { readonly ip?: string; readonly hostname?: string; readonly user_agent?: string };
  readonly transaction?: {
    readonly id?: string;
    readonly protocol?: TransactionProtocol | (string & {});
    /** The scopes requested (if any) when starting this authentication flow. */
    readonly requested_scopes?: readonly string[];
  };
  readonly authentication?: { readonly methods: readonly AuthenticationMethod[] };
  /** The browser session at Auth0; absent on refresh-token exchanges. */
  readonly session?: { readonly id: string };
  /** [Enterprise] The refresh token of an `oauth2-refresh-token` exchange. */
  readonly refresh_token?: { readonly id: string; readonly session_id?: string };
  readonly tenant?: { readonly id: string };
  readonly stats?: { readonly logins_count: number };
  readonly secrets: ActionSecrets;
}

export interface PostLoginApi {
  readonly access: { deny(reason: string): PostLoginApi };
  readonly idToken: { setCustomClaim(name: string, value: unknown): PostLoginApi };
  readonly accessToken: { setCustomClaim(name: string, value: unknown): PostLoginApi };
  /** [Enterprise] Revokes the current session and denies this login. */
  readonly session: { revoke(reason: string, options?: { readonly preserveRefreshTokens?: boolean }): void };
  /** [Enterprise] Revokes the refresh token of this exchange and denies it (`oauth2-refresh-token` only). */
  readonly refreshToken: { revoke(reason: string): void };
}

export interface PostChangePasswordEvent {
  readonly user: ActionUser;
  readonly connection?: { readonly id: string; readonly name: string };
  readonly request?: { readonly ip?: string; readonly hostname?: string };
  readonly tenant?: { readonly id: string };
  readonly secrets: ActionSecrets;
}

// The post-change-password v2 api offers no way to change the outcome; only a cache.
export type PostChangePasswordApi = object;
