import type { Client } from 'faunadb';
import { AuthFaunaError, FaunaQueryError, SettingsError, type ErrorCode } from '../lib/errors';
import { createFaunaClient, queryWithRetry, type FetchLike, type RetryOptions } from '../lib/fauna-client';
import { consoleSink, createLogger, type LogSink } from '../lib/log';
import { parseLoginSettings, readFailurePolicy, type LoginSettings, type SecretsBag } from '../lib/settings';
import type { ActionUser, PostLoginEvent } from '../types/auth0-actions';
import { loginClaims, type LoginClaims } from './claims';
import { admitLogin, type RefusalCode } from './eligibility';
import { buildLoginCall, isLoginQueryResult, loginArguments, type LoginQueryResult } from './login-query';

export const ACTION_NAME = 'fauna-login';

/**
 * What the app's callback sees when the login is denied. Deliberately generic: the reason travels
 * to the app in the redirect URL, so internals stay in the Action's log.
 */
export const DENY_REASON = 'Sign-in is temporarily unavailable. Please try again in a moment.';

export interface LoginRequest {
  readonly secrets: SecretsBag | undefined;
  readonly user: ActionUser;
  readonly clientId: string;
  /** Its protocol and requested scopes decide whether this flow may get a secret at all. */
  readonly transaction: PostLoginEvent['transaction'];
  /** When the session authenticated: compared with the user's last password change. */
  readonly authentication?: PostLoginEvent['authentication'];
  /** Auth0's session id, recorded on the login so that end_login ends the session's logins together. */
  readonly sessionId?: string;
}

export interface LoginDependencies extends Pick<RetryOptions, 'now' | 'sleep' | 'random'> {
  readonly fetch?: FetchLike;
  readonly log?: LogSink;
}

export type LoginOutcome =
  | { readonly kind: 'claims'; readonly claims: LoginClaims; readonly user: LoginQueryResult['user']; readonly attempts: number }
  /** No secret for this login, which goes on (eligibility.ts says why; logged with the code). */
  | { readonly kind: 'refused'; readonly code: RefusalCode }
  /** No secret, and the session must end: it authenticated before the last password change. */
  | { readonly kind: 'stale-session'; readonly code: 'ERR_SESSION_STALE'; readonly reason: string }
  | { readonly kind: 'denied'; readonly code: ErrorCode; readonly reason: string }
  | { readonly kind: 'continued'; readonly code: ErrorCode };

// Module scope lives as long as the Action's instance: reuse one client per endpoint and key.
let cachedClient: { key: string; fetchImpl: FetchLike; client: Client } | undefined;

function clientFor(settings: LoginSettings, fetchImpl: FetchLike): Client {
  const key = `${settings.faunaEndpoint}\n${settings.faunaSecret}`;
  if (cachedClient?.key !== key || cachedClient.fetchImpl !== fetchImpl) {
    cachedClient = { key, fetchImpl, client: createFaunaClient(settings, fetchImpl) };
  }
  return cachedClient.client;
}

/**
 * The login's Fauna work: upsert the user, mint a secret scoped to this login, and say which
 * claims to set. Never throws; every failure becomes the admin's ON_FAUNA_ERROR policy.
 */
export async function mintLoginSecret(request: LoginRequest, deps: LoginDependencies = {}): Promise<LoginOutcome> {
  const { secrets, user, clientId } = request;
  const log = createLogger(ACTION_NAME, deps.log ?? consoleSink, [secrets?.FAUNA_SECRET]);
  const now = deps.now ?? Date.now;
  const started = now();

  // Before the settings are parsed: a login we do not serve is left alone even when they are broken.
  const admission = admitLogin(request, secrets);
  if (admission.kind === 'refused') {
    log(admission.level, admission.message);
    return { kind: 'refused', code: admission.code };
  }
  if (admission.kind === 'stale-session') {
    log('warn', admission.message);
    return { kind: 'stale-session', code: admission.code, reason: DENY_REASON };
  }

  const policy = readFailurePolicy(secrets);
  const fail = (err: AuthFaunaError): LoginOutcome => {
    const then = policy === 'deny' ? 'login denied' : 'login continues without Fauna claims';
    log('error', `${err.code}: ${err.message}; ${then} (ON_FAUNA_ERROR=${policy})`);
    return policy === 'deny' ? { kind: 'denied', code: err.code, reason: DENY_REASON } : { kind: 'continued', code: err.code };
  };

  let settings: LoginSettings;
  try {
    settings = parseLoginSettings(secrets);
  } catch (err) {
    if (err instanceof SettingsError) return fail(err);
    throw err;
  }

  const { args, dropped } = loginArguments({
    auth0UserId: user.user_id,
    email: user.email,
    name: user.name,
    emailVerified: user.email_verified,
    clientId,
    sessionId: request.sessionId,
    ttlSeconds: settings.secretTtlSeconds,
  });
  if (dropped.length > 0) log('warn', `${dropped.join(', ')} of ${user.user_id} longer than login accepts: left out of the Fauna login`);
  const expr = buildLoginCall(args);

  let result: LoginQueryResult;
  let attempts: number;
  try {
    const outcome = await queryWithRetry<unknown>(clientFor(settings, deps.fetch ?? globalThis.fetch), expr, {
      budgetMs: settings.timeoutMs,
      now: deps.now,
      sleep: deps.sleep,
      random: deps.random,
      onRetry: (failure, attempt) =>
        log('warn', `Fauna attempt ${attempt} failed (${failure.faunaCode}, HTTP ${failure.status ?? '-'}); retrying`),
    });
    if (!isLoginQueryResult(outcome.value)) {
      return fail(
        new AuthFaunaError(
          'ERR_FAUNA_UNEXPECTED_RESULT',
          'Fauna answered the login query without a secret; check that FAUNA_ENDPOINT is an FQL v4 endpoint',
        ),
      );
    }
    result = outcome.value;
    attempts = outcome.attempts;
  } catch (err) {
    if (err instanceof FaunaQueryError) return fail(err);
    throw err;
  }

  log(
    'info',
    `minted a Fauna secret for ${user.user_id} (user ${result.user}, ${result.evicted ?? 0} login(s) over the cap ended, ${attempts} attempt(s), ${now() - started} ms)`,
  );
  return {
    kind: 'claims',
    claims: loginClaims(settings.claimNamespace, result.secret, result.exp),
    user: result.user,
    attempts,
  };
}
