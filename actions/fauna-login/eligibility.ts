import type { ErrorCode } from '../lib/errors';
import type { LogLevel } from '../lib/log';
import { readAllowedClientIds, type SecretsBag } from '../lib/settings';
import type { ActionUser, AuthenticationMethod, PostLoginEvent, TransactionProtocol } from '../types/auth0-actions';

/**
 * Which logins get a Fauna secret at all. Every refusal here happens before any Fauna request,
 * logs one line with a stable code, and leaves the login itself alone (the app gets its tokens,
 * without the claims) — except a stale session, which is ended (see `endStaleSession`).
 */

/**
 * The flows that keep the ID token off the front channel: the authorization code flow (an
 * interactive login and every silent renewal with `prompt=none`; the ID token comes from the
 * token endpoint) and refresh-token exchanges. Not `oidc-implicit-profile` or
 * `oidc-hybrid-profile` (the ID token in a URL fragment or an auto-posted form), nor the
 * password, device, CIBA, token-exchange, SAML or WS-Fed flows.
 */
export const MINTING_PROTOCOLS: readonly TransactionProtocol[] = ['oidc-basic-profile', 'oauth2-refresh-token'];

/**
 * How much earlier than the password change a session's first factor may be and still count as
 * after it. Auth0 stamps the two times in different records (the user's `last_password_reset`,
 * the session's authentication methods), so a login in the same second as the change can read
 * a little earlier; a session stolen before the change predates it by far more than that.
 */
export const STALE_SESSION_SLACK_MS = 2_000;

/** `mfa`, and URLs (custom later factors), are not first factors. */
const isFirstFactor = (method: AuthenticationMethod): boolean => method.name !== 'mfa' && !method.name.includes('://');

export type RefusalCode = Extract<
  ErrorCode,
  'ERR_ALLOWED_CLIENTS_UNSET' | 'ERR_CLIENT_NOT_ALLOWED' | 'ERR_PROTOCOL_NOT_ALLOWED' | 'ERR_OPENID_SCOPE_MISSING' | 'ERR_AUTH_TIME_UNKNOWN'
>;

export type Admission =
  | { readonly kind: 'admitted' }
  /** No secret, the login goes on. */
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly level: LogLevel; readonly message: string }
  /** No secret, and the session (or the login) ends: it authenticated before the password change. */
  | { readonly kind: 'stale-session'; readonly code: 'ERR_SESSION_STALE'; readonly message: string };

/** What the gate reads from the post-login event. */
export interface LoginFacts {
  readonly clientId: string;
  readonly user: Pick<ActionUser, 'last_password_reset'>;
  readonly transaction: PostLoginEvent['transaction'];
  readonly authentication?: PostLoginEvent['authentication'];
}

const refused = (code: RefusalCode, level: LogLevel, message: string): Admission => ({ kind: 'refused', code, level, message });

// Values from the event go into log lines; keep an unexpected one from flooding the log.
const shown = (value: string): string => (value.length > 64 ? `${value.slice(0, 64)}…` : value);

/** The latest first-factor authentication of the session, epoch ms; undefined when none is readable. */
export function latestFirstFactorAt(methods: readonly AuthenticationMethod[] | undefined): number | undefined {
  const times = (methods ?? [])
    .filter(isFirstFactor)
    .map((method) => Date.parse(method.timestamp))
    .filter((time) => Number.isFinite(time));
  return times.length === 0 ? undefined : Math.max(...times);
}

/**
 * A session that authenticated before the user's last password change gets no secret: a cookie
 * or refresh token stolen before the change must not outlive it. Users without a change on
 * record (social, passwordless, never reset) are not affected.
 */
function sessionFreshness(facts: LoginFacts): Admission {
  const changed = facts.user.last_password_reset;
  if (changed === undefined) return { kind: 'admitted' };
  const changedAt = Date.parse(changed);
  const authenticatedAt = latestFirstFactorAt(facts.authentication?.methods);
  if (!Number.isFinite(changedAt) || authenticatedAt === undefined) {
    return refused(
      'ERR_AUTH_TIME_UNKNOWN',
      'warn',
      `ERR_AUTH_TIME_UNKNOWN: the user's password changed at ${shown(changed)} but the event has no readable first-factor authentication time to compare; no Fauna secret for this login`,
    );
  }
  if (authenticatedAt + STALE_SESSION_SLACK_MS < changedAt) {
    return {
      kind: 'stale-session',
      code: 'ERR_SESSION_STALE',
      message: `ERR_SESSION_STALE: the session authenticated at ${new Date(authenticatedAt).toISOString()}, before the password change at ${new Date(changedAt).toISOString()}; no Fauna secret, the session is ended`,
    };
  }
  return { kind: 'admitted' };
}

/** Decides, from the settings and the event alone, whether this login may get a secret. */
export function admitLogin(facts: LoginFacts, secrets: SecretsBag | undefined): Admission {
  const allowed = readAllowedClientIds(secrets);
  if ('problem' in allowed) {
    return refused(
      'ERR_ALLOWED_CLIENTS_UNSET',
      'error',
      `ERR_ALLOWED_CLIENTS_UNSET: ${allowed.problem}; no client gets a Fauna secret until it lists your app's client id`,
    );
  }
  if (!allowed.ids.includes(facts.clientId)) {
    return refused('ERR_CLIENT_NOT_ALLOWED', 'info', `ERR_CLIENT_NOT_ALLOWED: client ${shown(facts.clientId)} is not in ALLOWED_CLIENT_IDS; no Fauna secret for this login`);
  }

  const protocol = facts.transaction?.protocol;
  if (protocol === undefined || !MINTING_PROTOCOLS.includes(protocol as TransactionProtocol)) {
    return refused(
      'ERR_PROTOCOL_NOT_ALLOWED',
      'warn',
      `ERR_PROTOCOL_NOT_ALLOWED: transaction protocol ${protocol === undefined ? '(none)' : shown(protocol)} is not ${MINTING_PROTOCOLS.join(' or ')}; no Fauna secret (use the authorization code flow and turn off the Implicit grant of this application)`,
    );
  }

  // Without openid no ID token is issued, so a secret would be minted for nothing. A refresh
  // exchange that names no scope (auth0-spa-js sends none) gets the grant's scopes: not refused.
  const scopes = facts.transaction?.requested_scopes;
  const namesNoScope = protocol === 'oauth2-refresh-token' && scopes !== undefined && scopes.length === 0;
  if (scopes !== undefined && !namesNoScope && !scopes.includes('openid')) {
    return refused('ERR_OPENID_SCOPE_MISSING', 'info', 'ERR_OPENID_SCOPE_MISSING: the openid scope was not requested, so no ID token is issued; no Fauna secret for this login');
  }

  return sessionFreshness(facts);
}

/** The slice of the post-login api that ends a stale session. */
export interface EndSessionApi {
  readonly access: { deny(reason: string): unknown };
  readonly session?: { revoke(reason: string): void };
  readonly refreshToken?: { revoke(reason: string): void };
}

/**
 * Ends what authenticated before the password change: the Auth0 session when the event carries
 * one (so the next attempt must log in again), else the refresh token of a refresh exchange;
 * both are Enterprise features, so a plan without them, or any failure, falls back to denying
 * this login. Returns what it did, for the log.
 */
export function endStaleSession(
  event: Pick<PostLoginEvent, 'session' | 'refresh_token'>,
  api: EndSessionApi,
  reason: string,
): 'session revoked' | 'refresh token revoked' | 'login denied' {
  try {
    if (event.session?.id !== undefined && typeof api.session?.revoke === 'function') {
      api.session.revoke(reason);
      return 'session revoked';
    }
    if (event.refresh_token?.id !== undefined && typeof api.refreshToken?.revoke === 'function') {
      api.refreshToken.revoke(reason);
      return 'refresh token revoked';
    }
  } catch {
    // Not on this plan: deny instead.
  }
  api.access.deny(reason);
  return 'login denied';
}
