import { query as q, type Expr } from 'faunadb';
import type { RevokeResult } from '../lib/login-contract';
import { REVOKE_USER_FUNCTION } from '../lib/schema-names';

/**
 * ONE request ending a user's logins: `Call(Function('revoke_user'), auth0_id)`. The function
 * (fauna/login-functions.ts) deletes the user's logins, earliest expiry first, and their tokens,
 * in one transaction with its own role: the revoke key needs nothing but the right to call it.
 * With the cap on live logins one call ends them all; `more` says when another call is needed
 * (a user still holding logins minted before the cap).
 */
export function buildRevokeCall(auth0UserId: string): Expr {
  return q.Call(q.Function(REVOKE_USER_FUNCTION), auth0UserId);
}

export function isRevokeResult(value: unknown): value is RevokeResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.user === 'boolean' &&
    typeof v.more === 'boolean' &&
    Number.isInteger(v.logins) &&
    Number.isInteger(v.tokens)
  );
}
