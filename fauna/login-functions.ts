import { query as q, type Expr } from 'faunadb';
import {
  INVALID_LOGIN_ARGUMENTS,
  INVALID_REVOKE_ARGUMENTS,
  LOGIN_ARGUMENT_LIMITS,
  LOGIN_ARGUMENT_NAMES,
  MAX_LIVE_LOGINS_PER_USER,
  MAX_LOGIN_TTL_SECONDS,
  MIN_LOGIN_TTL_SECONDS,
} from '../actions/lib/login-contract';
import {
  AUTH0_JWT_BY_USER_EXP_INDEX,
  AUTH0_JWT_COLLECTION,
  LOGIN_FUNCTION,
  LOGIN_FUNCTION_ROLE,
  REVOKE_FUNCTION_ROLE,
  REVOKE_USER_FUNCTION,
  USERS_BY_AUTH0_ID_INDEX,
  USERS_COLLECTION,
} from '../actions/lib/schema-names';
import { hasOnlyFields } from './field-rules';
import { LOGINS_PER_CALL, endLoginAndTokens, loginRefsOf } from './functions';
import { roleRef, type FunctionDefinition } from './schema';

/**
 * The functions the Actions' keys may call and nothing else: `login` (the whole login, one
 * transaction) and `revoke_user`. Each validates its arguments and answers a bad one with
 * `Abort('invalid … arguments: <field> …')`, which reaches the caller as 400 `call error` with
 * `transaction aborted` as its cause (fauna/faunadb ast/Error.scala `TransactionAbort`,
 * doc/LambdaWrapper.scala). The contract (names, limits, the cap) is actions/lib/login-contract.ts.
 */

type ArgumentName = (typeof LOGIN_ARGUMENT_NAMES)[number];

const argument = (name: ArgumentName): Expr => q.Select(name, q.Var('args'), null);

/** A string of 1..limit characters. `And` short-circuits in FQL v4 (ast/EvalContext.scala AndE): Length sees only strings. */
const isBoundedString = (value: Expr, limit: number, nonEmpty: boolean): Expr =>
  q.And(q.IsString(value), ...(nonEmpty ? [q.GT(q.Length(value), 0)] : []), q.LTE(q.Length(value), limit));

/** One rule: when `broken` is true, the call aborts with the message. */
interface ArgumentRule {
  readonly broken: Expr;
  readonly message: string;
}

const required = (name: keyof typeof LOGIN_ARGUMENT_LIMITS): ArgumentRule => ({
  broken: q.Not(isBoundedString(argument(name), LOGIN_ARGUMENT_LIMITS[name], true)),
  message: `${INVALID_LOGIN_ARGUMENTS} ${name} must be a non-empty string of at most ${LOGIN_ARGUMENT_LIMITS[name]} characters`,
});

const optional = (name: keyof typeof LOGIN_ARGUMENT_LIMITS): ArgumentRule => ({
  broken: q.Not(q.Or(q.IsNull(argument(name)), isBoundedString(argument(name), LOGIN_ARGUMENT_LIMITS[name], false))),
  message: `${INVALID_LOGIN_ARGUMENTS} ${name} must be null or a string of at most ${LOGIN_ARGUMENT_LIMITS[name]} characters`,
});

/** In order; the first broken rule names the argument. */
const LOGIN_ARGUMENT_RULES: readonly ArgumentRule[] = [
  {
    broken: q.Not(q.IsObject(q.Var('args'))),
    message: `${INVALID_LOGIN_ARGUMENTS} expected one object {${LOGIN_ARGUMENT_NAMES.join(', ')}}`,
  },
  {
    broken: q.Not(hasOnlyFields(q.Var('args'), LOGIN_ARGUMENT_NAMES)),
    message: `${INVALID_LOGIN_ARGUMENTS} unknown field; expected only ${LOGIN_ARGUMENT_NAMES.join(', ')}`,
  },
  required('auth0_id'),
  required('client_id'),
  optional('email'),
  optional('name'),
  {
    broken: q.Not(q.Or(q.IsNull(argument('email_verified')), q.IsBoolean(argument('email_verified')))),
    message: `${INVALID_LOGIN_ARGUMENTS} email_verified must be null or a boolean`,
  },
  optional('session_id'),
  {
    broken: q.Not(
      q.And(
        q.IsInteger(argument('ttl_seconds')),
        q.GTE(argument('ttl_seconds'), MIN_LOGIN_TTL_SECONDS),
        q.LTE(argument('ttl_seconds'), MAX_LOGIN_TTL_SECONDS),
      ),
    ),
    message: `${INVALID_LOGIN_ARGUMENTS} ttl_seconds must be a whole number from ${MIN_LOGIN_TTL_SECONDS} to ${MAX_LOGIN_TTL_SECONDS}`,
  },
];

/** `If(rule 1 broken, Abort(…), If(rule 2 broken, Abort(…), … body))`. */
function validated(rules: readonly ArgumentRule[], body: Expr): Expr {
  return rules.reduceRight<Expr>((then, rule) => q.If(rule.broken, q.Abort(rule.message), then), body);
}

const PROFILE_FIELDS = ['email', 'name', 'email_verified'] as const;

/**
 * The login, as the Action used to send it and now in one function, still one transaction:
 * 1. upsert the user through the unique index, with the profile it is given (null removes a
 *    field; no write when nothing changed);
 * 2. end the user's earliest-expiring logins beyond MAX_LIVE_LOGINS_PER_USER - 1, and their
 *    tokens, so that with this one the user holds at most the cap (a page of LOGINS_PER_CALL
 *    bounds the work; a user still above the cap sheds up to that many per login);
 * 3. create this login's auth0_jwt document (with the Auth0 session id) and its token, both
 *    expiring `ttl_seconds` from now, and answer the secret.
 */
function loginBody(capLiveLogins: boolean): Expr {
  const existing = q.Var('existing');
  const profileChanged = q.Or(
    ...PROFILE_FIELDS.map((field) => q.Not(q.Equals(q.Select(['data', field], existing, null), argument(field)))),
  );
  return q.Let(
    [
      { user_set: q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), argument('auth0_id')) },
      { existing: q.If(q.Exists(q.Var('user_set')), q.Get(q.Var('user_set')), null) },
      {
        profile: {
          auth0_id: argument('auth0_id'),
          email: argument('email'),
          name: argument('name'),
          email_verified: argument('email_verified'),
        },
      },
      { changed: q.If(q.IsNull(existing), true, profileChanged) },
      {
        user: q.Select(
          'ref',
          q.If(
            q.IsNull(existing),
            q.Create(q.Collection(USERS_COLLECTION), { data: q.Var('profile') }),
            q.If(q.Var('changed'), q.Update(q.Select('ref', existing), { data: q.Var('profile') }), existing),
          ),
        ),
      },
      { exp: q.TimeAdd(q.Now(), argument('ttl_seconds'), 'seconds') },
      ...(capLiveLogins
        ? [
            { live: q.Select('data', q.Paginate(q.Match(q.Index(AUTH0_JWT_BY_USER_EXP_INDEX), q.Var('user')), { size: LOGINS_PER_CALL })) },
            // Earliest expiry first; Take of a negative count takes none.
            { evicted: loginRefsOf(q.Take(q.Subtract(q.Count(q.Var('live')), MAX_LIVE_LOGINS_PER_USER - 1), q.Var('live'))) },
            { ended: q.Foreach(q.Var('evicted'), q.Lambda('login', endLoginAndTokens(q.Var('login')))) },
          ]
        : [{ evicted: [] }]),
      {
        jwt: q.Create(q.Collection(AUTH0_JWT_COLLECTION), {
          data: { user: q.Var('user'), exp: q.Var('exp'), client_id: argument('client_id'), session_id: argument('session_id') },
          ttl: q.Var('exp'),
        }),
      },
      { token: q.Create(q.Tokens(), { instance: q.Select('ref', q.Var('jwt')), ttl: q.Var('exp') }) },
    ],
    {
      secret: q.Select('secret', q.Var('token')),
      exp: q.ToSeconds(q.Var('exp')),
      user: q.If(q.IsNull(existing), 'created', q.If(q.Var('changed'), 'updated', 'unchanged')),
      evicted: q.Count(q.Var('evicted')),
    },
  );
}

/**
 * The body of `login`, with its two protections named: the argument checks and the cap. Both are
 * always on in the schema; the security suite turns each off to see the checks that guard it fail.
 */
export function loginFunctionBody(protections: { readonly checkArguments: boolean; readonly capLiveLogins: boolean }): Expr {
  const body = loginBody(protections.capLiveLogins);
  return q.Query(q.Lambda('args', protections.checkArguments ? validated(LOGIN_ARGUMENT_RULES, body) : body));
}

/** `Call(Function('login'), {auth0_id, email, name, email_verified, client_id, session_id, ttl_seconds})` → `{secret, exp, user, evicted}`. */
export const LOGIN: FunctionDefinition = {
  kind: 'function',
  name: LOGIN_FUNCTION,
  purpose: 'the whole login in one transaction: upsert the user, end logins over the cap, mint a bounded secret',
  role: roleRef(LOGIN_FUNCTION_ROLE),
  body: loginFunctionBody({ checkArguments: true, capLiveLogins: true }),
};

/**
 * `Call(Function('revoke_user'), auth0_id)` → `{user, logins, tokens, more}`: ends the user's
 * logins (earliest expiry first, a page of LOGINS_PER_CALL, so with the cap all of them) and
 * their tokens; every secret of them is refused (401) on its next request.
 */
export const REVOKE_USER: FunctionDefinition = {
  kind: 'function',
  name: REVOKE_USER_FUNCTION,
  purpose: "ends a named user's logins and their tokens, at once",
  role: roleRef(REVOKE_FUNCTION_ROLE),
  body: q.Query(
    q.Lambda(
      'auth0_id',
      validated(
        [
          {
            broken: q.Not(isBoundedString(q.Var('auth0_id'), LOGIN_ARGUMENT_LIMITS.auth0_id, true)),
            message: `${INVALID_REVOKE_ARGUMENTS} auth0_id must be a non-empty string of at most ${LOGIN_ARGUMENT_LIMITS.auth0_id} characters`,
          },
        ],
        q.Let(
          { user_set: q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), q.Var('auth0_id')) },
          q.If(
            q.Exists(q.Var('user_set')),
            q.Let(
              [
                { page: q.Paginate(q.Match(q.Index(AUTH0_JWT_BY_USER_EXP_INDEX), q.Select('ref', q.Get(q.Var('user_set')))), { size: LOGINS_PER_CALL }) },
                { logins: loginRefsOf(q.Select('data', q.Var('page'))) },
                { tokens: q.Map(q.Var('logins'), q.Lambda('login', endLoginAndTokens(q.Var('login')))) },
              ],
              { user: true, logins: q.Count(q.Var('logins')), tokens: q.Sum(q.Var('tokens')), more: q.ContainsField('after', q.Var('page')) },
            ),
            { user: false, logins: 0, tokens: 0, more: false },
          ),
        ),
      ),
    ),
  ),
};
