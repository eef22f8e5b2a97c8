import { query as q, type Expr } from 'faunadb';
import { LOGIN_ARGUMENT_LIMITS, type LoginArguments, type LoginResult } from '../lib/login-contract';
import { LOGIN_FUNCTION } from '../lib/schema-names';

/** What a login tells us about the user, already validated. */
export interface LoginFacts {
  readonly auth0UserId: string;
  readonly email?: string;
  readonly name?: string;
  readonly emailVerified?: boolean;
  readonly clientId: string;
  /** Auth0's session id (`event.session.id`, else `event.refresh_token.session_id`), when there is one. */
  readonly sessionId?: string;
  readonly ttlSeconds: number;
}

/** What `login` answers; `exp` is a NumericDate (whole seconds since the epoch). */
export type LoginQueryResult = Omit<LoginResult, 'evicted'> & { readonly evicted?: number };

/** Informational fields `login` would refuse as too long: sent as null (the login goes on without them). */
const OPTIONAL_STRINGS = ['email', 'name', 'session_id'] as const;

/**
 * The arguments of `login`, snake_case, absent fields as null. An e-mail, name or session id
 * longer than `login` accepts is left out (and named in `dropped`, for the log) rather than
 * failing the login: the secret does not depend on it.
 */
export function loginArguments(facts: LoginFacts): { readonly args: LoginArguments; readonly dropped: readonly string[] } {
  const given = { email: facts.email, name: facts.name, session_id: facts.sessionId };
  const dropped = OPTIONAL_STRINGS.filter((field) => (given[field]?.length ?? 0) > LOGIN_ARGUMENT_LIMITS[field]);
  const kept = (field: (typeof OPTIONAL_STRINGS)[number]) => (dropped.includes(field) ? null : (given[field] ?? null));
  return {
    args: {
      auth0_id: facts.auth0UserId,
      email: kept('email'),
      name: kept('name'),
      email_verified: facts.emailVerified ?? null,
      client_id: facts.clientId,
      session_id: kept('session_id'),
      ttl_seconds: facts.ttlSeconds,
    },
    dropped,
  };
}

/**
 * The whole login as ONE request: `Call(Function('login'), args)`. The function (fauna/
 * login-functions.ts) runs the upsert, the cap and the mint in one transaction with its own
 * role, so the login key needs nothing but the right to call it.
 */
export function buildLoginCall(args: LoginArguments): Expr {
  return q.Call(q.Function(LOGIN_FUNCTION), args);
}

export function buildLoginQuery(facts: LoginFacts): Expr {
  return buildLoginCall(loginArguments(facts).args);
}

export function isLoginQueryResult(value: unknown): value is LoginQueryResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.secret === 'string' &&
    v.secret !== '' &&
    typeof v.exp === 'number' &&
    Number.isInteger(v.exp) &&
    (v.user === 'created' || v.user === 'updated' || v.user === 'unchanged') &&
    (v.evicted === undefined || (typeof v.evicted === 'number' && Number.isInteger(v.evicted)))
  );
}
