/**
 * The contract of the Fauna functions the Actions call (fauna/login-functions.ts defines them):
 * what `login` and `revoke_user` take, what they refuse, and the cap on live logins. The Action,
 * the schema, verify:fauna and the deploy's preflight all read it from here.
 */
import { MAX_TTL_SECONDS } from './settings';

/**
 * Live logins a user may hold. Every page load (silent authentication) and every refresh runs
 * the login Action and mints a login that lives FAUNA_SECRET_TTL (default 10 h): 100 is a page
 * load every 6 minutes for 10 hours, or dozens of tabs and devices, before the earliest-expiring
 * login is ended to make room. Revoking a user is then at most 100 logins and their tokens: one
 * request.
 */
export const MAX_LIVE_LOGINS_PER_USER = 100;

/** The shortest and longest `ttl_seconds` login accepts: FAUNA_SECRET_TTL's bounds. */
export const MIN_LOGIN_TTL_SECONDS = 60;
export const MAX_LOGIN_TTL_SECONDS = MAX_TTL_SECONDS;

/**
 * Longest string each argument may be, in characters (code points; the Action measures UTF-16
 * units, which are never fewer). Generous over what Auth0 issues (client ids of 32 characters,
 * session ids of about as many, e-mail addresses of at most 254 by RFC 5321, user ids
 * `provider|id`), small enough that a leaked login key cannot bloat a user document.
 */
export const LOGIN_ARGUMENT_LIMITS = {
  auth0_id: 512,
  email: 512,
  name: 512,
  client_id: 128,
  session_id: 256,
} as const;

/** Every `Abort` of `login` starts with this, then names the argument. */
export const INVALID_LOGIN_ARGUMENTS = 'invalid login arguments:';
/** Every `Abort` of `revoke_user` starts with this. */
export const INVALID_REVOKE_ARGUMENTS = 'invalid revoke arguments:';

/**
 * `Call(Function('login'), args)`: one object, snake_case. `email`, `name`, `email_verified` and
 * `session_id` may be null or absent; a null profile field is removed from the user document.
 */
export interface LoginArguments {
  readonly auth0_id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly email_verified: boolean | null;
  readonly client_id: string;
  /** Auth0's session id: `event.session.id`, else `event.refresh_token.session_id`. */
  readonly session_id: string | null;
  readonly ttl_seconds: number;
}

export const LOGIN_ARGUMENT_NAMES: readonly (keyof LoginArguments)[] = [
  'auth0_id',
  'email',
  'name',
  'email_verified',
  'client_id',
  'session_id',
  'ttl_seconds',
];

/** What `login` answers: the secret, its expiry (NumericDate), the upsert's outcome, logins ended by the cap. */
export interface LoginResult {
  readonly secret: string;
  readonly exp: number;
  readonly user: 'created' | 'updated' | 'unchanged';
  readonly evicted: number;
}

/**
 * What `revoke_user(auth0_id)` answers: whether the user exists, the logins and tokens it ended,
 * and whether logins remain beyond the ones one call ends (only while a user holds more than the
 * cap, e.g. logins minted before the upgrade).
 */
export interface RevokeResult {
  readonly user: boolean;
  readonly logins: number;
  readonly tokens: number;
  readonly more: boolean;
}
