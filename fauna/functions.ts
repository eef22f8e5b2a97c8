import { query as q } from 'faunadb';
import { CURRENT_USER_FUNCTION, END_LOGIN_FUNCTION } from '../actions/lib/schema-names';
import type { FunctionDefinition } from './schema';

/**
 * The user ref behind the calling secret: a minted secret's identity is its auth0_jwt document,
 * whose data.user is the user. Role predicates use it too (they may Get any document).
 */
export const CALLER_USER = q.Select(['data', 'user'], q.Get(q.CurrentIdentity()));

/**
 * `Call(Function('current_user'))` → the user ref behind the calling secret; app rules read
 * better with this than with the Select/Get chain. No role of its own: it runs with the caller's
 * rights, and a minted secret may read its own auth0_jwt document.
 */
export const CURRENT_USER: FunctionDefinition = {
  kind: 'function',
  name: CURRENT_USER_FUNCTION,
  purpose: 'returns the user ref behind the calling secret',
  body: q.Query(q.Lambda([], CALLER_USER)),
};

/**
 * `Call(Function('end_login'))`: the app's logout, effective at once. The core caches token
 * records, so a token removed by `Logout` alone may authenticate for a moment longer; the
 * token's instance is re-read uncached on every request (fauna/faunadb model/auth/Auth.scala,
 * AuthScope.scala), so deleting this login's auth0_jwt document refuses every secret of it on
 * the next request. Its tokens go too, so nothing dead lingers. Runs with the caller's rights:
 * the auth0_login_secret role lets a secret delete only its own login.
 */
export const END_LOGIN: FunctionDefinition = {
  kind: 'function',
  name: END_LOGIN_FUNCTION,
  purpose: "ends the calling secret's own login at once (deletes its auth0_jwt document and tokens)",
  body: q.Query(q.Lambda([], q.Do(q.Logout(true), q.Delete(q.CurrentIdentity()), true))),
};
