import { query as q, type Expr } from 'faunadb';
import {
  AUTH0_JWT_BY_USER_EXP_INDEX,
  AUTH0_JWT_BY_USER_SESSION_INDEX,
  CURRENT_USER_FUNCTION,
  END_ALL_LOGINS_FUNCTION,
  END_LOGIN_FUNCTION,
  LOGOUT_FUNCTION_ROLE,
  TOKENS_BY_INSTANCE_INDEX,
} from '../actions/lib/schema-names';
import { roleRef, type FunctionDefinition } from './schema';

/**
 * The user ref behind the calling secret: a minted secret's identity is its auth0_jwt document,
 * whose data.user is the user. Role predicates use it too (they may Get any document).
 */
export const CALLER_USER = q.Select(['data', 'user'], q.Get(q.CurrentIdentity()));

/** Logins one call reads, and so at most ends: the cap (100) with room for a user still above it. */
export const LOGINS_PER_CALL = 128;
/** Tokens ended per login; `login` mints exactly one. */
export const TOKENS_PER_LOGIN = 16;

/**
 * Ends one login at once: its tokens, then its auth0_jwt document (the core re-reads a token's
 * instance uncached on every request, so deleting it refuses every secret of that login on the
 * very next request: fauna/faunadb model/auth/Auth.scala, AuthScope.scala). Tokens first, because
 * the roles' delete predicates read the login to see whose it is. Answers how many tokens went.
 */
export function endLoginAndTokens(login: Expr): Expr {
  return q.Let(
    { tokens: q.Select('data', q.Paginate(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), login), { size: TOKENS_PER_LOGIN })) },
    q.Do(q.Foreach(q.Var('tokens'), q.Lambda('token', q.Delete(q.Var('token')))), q.Delete(login), q.Count(q.Var('tokens'))),
  );
}

/** The refs of a page of `auth0_jwt_by_user_exp` entries (`[exp, ref]` pairs). */
export const loginRefsOf = (entries: Expr): Expr => q.Map(entries, q.Lambda(['_', 'login'], q.Var('login')));

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

/** The caller's other logins among `logins`, ended; then the caller's own, last (its role's predicates read it). */
/** What a function body answers: FQL, a plain value, or an object of FQL (Let's `in` wraps it). */
type Answer = Expr | boolean | Readonly<Record<string, Expr>>;

function endOthersThenOwn(logins: Expr, answer: (ended: { others: Expr; ownTokens: Expr; otherTokens: Expr }) => Answer): Expr {
  return q.Let(
    [
      { others: q.Filter(logins, q.Lambda('login', q.Not(q.Equals(q.Var('login'), q.CurrentIdentity())))) },
      { other_tokens: q.Map(q.Var('others'), q.Lambda('login', endLoginAndTokens(q.Var('login')))) },
      { own_tokens: endLoginAndTokens(q.CurrentIdentity()) },
    ],
    answer({ others: q.Var('others'), ownTokens: q.Var('own_tokens'), otherTokens: q.Var('other_tokens') }),
  );
}

/**
 * `Call(Function('end_login'))`: the app's logout, effective at once, matching Auth0's: it ends
 * every login of the caller's user in the caller's Auth0 session (the secrets of earlier page
 * loads and other tabs of that browser), the session id taken from the caller's own login
 * document, never from an argument. A login without a session id (minted by a refresh-token
 * exchange outside Enterprise plans) ends alone. Roled: a minted secret may delete only its own
 * login, and a roled function loses the token's baseline right to delete its own tokens, so the
 * role grants exactly this, for the caller's own user's logins and their tokens.
 */
export const END_LOGIN: FunctionDefinition = {
  kind: 'function',
  name: END_LOGIN_FUNCTION,
  purpose: "ends every login of the caller's user in the caller's Auth0 session, at once (the app's logout)",
  role: roleRef(LOGOUT_FUNCTION_ROLE),
  body: q.Query(
    q.Lambda(
      [],
      q.Let(
        [
          { login: q.Get(q.CurrentIdentity()) },
          { session: q.Select(['data', 'session_id'], q.Var('login'), null) },
          {
            same_session: q.If(
              q.IsNull(q.Var('session')),
              [],
              q.Select(
                'data',
                q.Paginate(q.Match(q.Index(AUTH0_JWT_BY_USER_SESSION_INDEX), q.Select(['data', 'user'], q.Var('login')), q.Var('session')), {
                  size: LOGINS_PER_CALL,
                }),
              ),
            ),
          },
        ],
        endOthersThenOwn(q.Var('same_session'), () => true),
      ),
    ),
  ),
};

/**
 * `Call(Function('end_all_logins'))`: "log out everywhere": every login of the caller's user, in
 * every session and app, and no one else's; it takes no argument naming a user. Answers
 * `{logins, tokens, more}`; `more` only while the user holds more logins than one call reads.
 */
export const END_ALL_LOGINS: FunctionDefinition = {
  kind: 'function',
  name: END_ALL_LOGINS_FUNCTION,
  purpose: "ends every login of the caller's user, at once (log out everywhere)",
  role: roleRef(LOGOUT_FUNCTION_ROLE),
  body: q.Query(
    q.Lambda(
      [],
      q.Let(
        [{ page: q.Paginate(q.Match(q.Index(AUTH0_JWT_BY_USER_EXP_INDEX), CALLER_USER), { size: LOGINS_PER_CALL }) }],
        endOthersThenOwn(loginRefsOf(q.Select('data', q.Var('page'))), ({ others, ownTokens, otherTokens }) => ({
          logins: q.Add(q.Count(others), 1),
          tokens: q.Add(q.Sum(otherTokens), ownTokens),
          more: q.ContainsField('after', q.Var('page')),
        })),
      ),
    ),
  ),
};
