import { query as q, type Client } from 'faunadb';
import { LOGIN_ACTION_ROLE, REVOKE_ACTION_ROLE } from '../../actions/lib/schema-names';
import { SCHEMA } from '../../fauna/definitions';
import { END_ALL_LOGINS, END_LOGIN } from '../../fauna/functions';
import { AUTH0_JWT_BY_USER_EXP, AUTH0_JWT_BY_USER_SESSION } from '../../fauna/indexes';
import { LOGIN, REVOKE_USER } from '../../fauna/login-functions';
import { buildApplyQuery, isApplyResult, type PlanEntry } from '../../fauna/plan';
import { ACTION_KEYS, LOGIN_FUNCTION_RIGHTS, LOGIN_SECRET, LOGOUT_FUNCTION_RIGHTS, REVOKE_FUNCTION_RIGHTS } from '../../fauna/roles';
import type { SchemaDefinition } from '../../fauna/schema';
import { previousRole } from '../../fauna/upgrade';

/**
 * A database as the previous version's `setup:fauna -- --create-action-key --create-revoke-key`
 * left it: no functions the Actions call, no new indexes, the keys' direct privileges, an
 * unroled end_login that ends the caller's own login, and secrets that may not call
 * end_all_logins. What the upgrade starts from.
 */
const NOT_YET: readonly string[] = [
  AUTH0_JWT_BY_USER_EXP.name,
  AUTH0_JWT_BY_USER_SESSION.name,
  LOGIN_FUNCTION_RIGHTS.name,
  REVOKE_FUNCTION_RIGHTS.name,
  LOGOUT_FUNCTION_RIGHTS.name,
  LOGIN.name,
  REVOKE_USER.name,
  END_ALL_LOGINS.name,
];

export function previousSchema(): SchemaDefinition[] {
  return SCHEMA.filter((def) => !NOT_YET.includes(def.name)).map((def): SchemaDefinition => {
    if (def.kind === 'role' && (def.name === LOGIN_ACTION_ROLE || def.name === REVOKE_ACTION_ROLE)) return previousRole(def);
    if (def.name === END_LOGIN.name) {
      return { ...END_LOGIN, role: undefined, body: q.Query(q.Lambda([], q.Do(q.Logout(true), q.Delete(q.CurrentIdentity()), true))) };
    }
    if (def.name === LOGIN_SECRET.name) {
      return { ...LOGIN_SECRET, privileges: LOGIN_SECRET.privileges.filter((p) => !(p.resource.kind === 'function' && p.resource.name === END_ALL_LOGINS.name)) };
    }
    return def;
  });
}

/** Applies the previous version's schema with `admin` and makes its two keys; answers their secrets. */
export async function applyPreviousVersion(admin: Client): Promise<{ readonly loginKey: string; readonly revokeKey: string }> {
  const plan: PlanEntry[] = previousSchema().map((definition) => ({ definition, action: 'create', reason: 'the previous version' }));
  const keys = ACTION_KEYS.filter((key) => key.flag !== 'create-shared-key');
  const applied = await admin.query(buildApplyQuery(plan, keys));
  if (!isApplyResult(applied)) throw new Error('the previous schema was not applied');
  const secretOf = (role: string) => applied.keys.find((key) => key.role === role)?.secret ?? '';
  return { loginKey: secretOf(LOGIN_ACTION_ROLE), revokeKey: secretOf(REVOKE_ACTION_ROLE) };
}
