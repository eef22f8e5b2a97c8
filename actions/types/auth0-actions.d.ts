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
  readonly app_metadata?: Readonly<Record<string, unknown>>;
  readonly user_metadata?: Readonly<Record<string, unknown>>;
}

export type ActionSecrets = Readonly<Record<string, string | undefined>>;

export interface PostLoginEvent {
  readonly user: ActionUser;
  readonly client: { readonly client_id: string; readonly name?: string };
  readonly connection?: { readonly id: string; readonly name: string; readonly strategy: string };
  readonly request?: { readonly ip?: string; readonly hostname?: string; readonly user_agent?: string };
  readonly transaction?: { readonly id?: string; readonly protocol?: string };
  readonly tenant?: { readonly id: string };
  readonly stats?: { readonly logins_count: number };
  readonly secrets: ActionSecrets;
}

export interface PostLoginApi {
  readonly access: { deny(reason: string): PostLoginApi };
  readonly idToken: { setCustomClaim(name: string, value: unknown): PostLoginApi };
  readonly accessToken: { setCustomClaim(name: string, value: unknown): PostLoginApi };
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
