import { query as q, type Expr } from 'faunadb';
import {
  LOGIN_ACTION_ROLE,
  LOGIN_FUNCTION_ROLE,
  LOGIN_SECRET_ROLE,
  LOGOUT_FUNCTION_ROLE,
  REVOKE_ACTION_ROLE,
  REVOKE_FUNCTION_ROLE,
} from '../actions/lib/schema-names';
import { MAX_TTL_SECONDS } from '../actions/lib/settings';
import { AUTH0_JWT, USERS } from './collections';
import { hasOnlyFields } from './field-rules';
import { CALLER_USER, CURRENT_USER, END_ALL_LOGINS, END_LOGIN } from './functions';
import { AUTH0_JWT_BY_USER_EXP, AUTH0_JWT_BY_USER_SESSION, TOKENS_BY_INSTANCE, USERS_BY_AUTH0_ID } from './indexes';
import { LOGIN, REVOKE_USER } from './login-functions';
import { TOKENS, collectionRef, functionRef, indexRef, type Membership, type RoleDefinition } from './schema';

/**
 * The roles. Names inside predicates (Collection('auth0_jwt')) are resolved when the predicate
 * runs, so they are plain names here; resources are SchemaRefs the setup script resolves.
 * Predicates run with internal read rights and an erroring predicate denies
 * (fauna/faunadb model/doc/LambdaWrapper.scala), so a missing field fails closed.
 */

/** True when a token (its create params, or the token itself) belongs to an auth0_jwt document. */
export const isLoginToken = (token: Expr) =>
  q.Equals(q.Select(['instance', 'collection'], token), q.Collection(AUTH0_JWT.name));

/**
 * True when create params carry a `ttl` that is a time no later than the longest
 * FAUNA_SECRET_TTL from now. A create predicate sees the params as written (model/auth/
 * RoleEvalAction.scala CreateInstance), so a missing or null ttl, one that never expires, is
 * refused here. IsTimestamp matters: LTE(null, time) is true.
 */
export const expiresInTime = (params: Expr) =>
  q.Let(
    { ttl: q.Select('ttl', params, null) },
    q.And(q.IsTimestamp(q.Var('ttl')), q.LTE(q.Var('ttl'), q.TimeAdd(q.Now(), MAX_TTL_SECONDS, 'seconds'))),
  );

/** A login document: expires in time, and its data.exp (what membership checks) is its ttl. */
export const isBoundedLogin = (params: Expr) =>
  q.And(expiresInTime(params), q.Equals(q.Select(['data', 'exp'], params, null), q.Select('ttl', params, null)));

/**
 * Who counts as a live login: an auth0_jwt document whose data.exp is still in the future. The
 * token's own ttl already stops it at expiry; this also covers a document whose ttl removal lags.
 * Every role given to minted secrets uses it.
 */
export const LIVE_LOGIN: Membership = {
  resource: collectionRef(AUTH0_JWT.name),
  predicate: q.Query(q.Lambda('ref', q.GT(q.Select(['data', 'exp'], q.Get(q.Var('ref'))), q.Now()))),
};

/**
 * Only `data`: no `credentials` (Login would turn them into a secret that never expires), no
 * `ttl` (the user would vanish and their data be orphaned). See fauna/field-rules.ts.
 */
const dataOnly = (fields: Expr) => hasOnlyFields(fields, ['data']);

/** The caller's own user's login: a predicate for roles of functions a minted secret calls. */
const loginOfCaller = (login: Expr) => q.Equals(q.Select(['data', 'user'], q.Get(login)), CALLER_USER);

/**
 * The role `login` runs with (the login key itself may only call `login`). A custom role may
 * create tokens: token creation is an ordinary create checked against the role's privileges on
 * the tokens collection (fauna/faunadb ast/functions/WriteAdaptor.scala `create` → auth/Auth.scala
 * `checkCreatePermission` → auth/Permissions.scala `RolePermissions.checkAction` → RoleEvalContext
 * keyed by (RoleEvalAction.scala `CreateInstance.resource` = the tokens collection, "create")),
 * and Tokens() is a valid privilege resource (util/SharedValidators.scala ReferencesValidator
 * skips native collections). Every create and write is allow-listed and bounded, so even a
 * function body changed by hand could not mint an unbounded secret or write `credentials`.
 */
export const LOGIN_FUNCTION_RIGHTS: RoleDefinition = {
  kind: 'role',
  name: LOGIN_FUNCTION_ROLE,
  purpose: 'what login runs with: upsert users, end logins over the cap, create logins and their tokens',
  membership: [],
  privileges: [
    { resource: indexRef(USERS_BY_AUTH0_ID.name), actions: { read: true } },
    {
      resource: collectionRef(USERS.name),
      actions: {
        read: true,
        create: q.Query(q.Lambda('params', dataOnly(q.Var('params')))),
        // The upsert refreshes the profile; a user's auth0_id, the key logins find it by, stays,
        // and nothing but data is written (no ttl: a user never expires by a login's hand).
        write: q.Query(
          q.Lambda(
            ['old', 'new'],
            q.And(
              q.Equals(q.Select(['data', 'auth0_id'], q.Var('old')), q.Select(['data', 'auth0_id'], q.Var('new'))),
              dataOnly(q.Var('new')),
            ),
          ),
        ),
      },
    },
    // Eviction reads the user's logins earliest expiry first; unrestricted: entries, no document reads.
    { resource: indexRef(AUTH0_JWT_BY_USER_EXP.name), actions: { unrestricted_read: true } },
    {
      resource: collectionRef(AUTH0_JWT.name),
      actions: {
        create: q.Query(q.Lambda('params', q.And(hasOnlyFields(q.Var('params'), ['data', 'ttl']), isBoundedLogin(q.Var('params'))))),
        delete: true,
      },
    },
    { resource: indexRef(TOKENS_BY_INSTANCE.name), actions: { unrestricted_read: true } },
    // Only bounded tokens for auth0_jwt documents. The create predicate gets the new token's
    // fields (RoleEvalAction.scala CreateInstance.lambdaArgs), `instance` among them.
    {
      resource: TOKENS,
      actions: {
        create: q.Query(
          q.Lambda('token', q.And(hasOnlyFields(q.Var('token'), ['instance', 'ttl']), isLoginToken(q.Var('token')), expiresInTime(q.Var('token')))),
        ),
        delete: q.Query(q.Lambda('ref', isLoginToken(q.Get(q.Var('ref'))))),
      },
    },
  ],
};

/** The role `revoke_user` runs with: find a user's logins, delete them and their tokens. */
export const REVOKE_FUNCTION_RIGHTS: RoleDefinition = {
  kind: 'role',
  name: REVOKE_FUNCTION_ROLE,
  purpose: "what revoke_user runs with: find a user's logins, delete them and their tokens",
  membership: [],
  privileges: [
    { resource: indexRef(USERS_BY_AUTH0_ID.name), actions: { read: true } },
    { resource: collectionRef(USERS.name), actions: { read: true } },
    { resource: indexRef(AUTH0_JWT_BY_USER_EXP.name), actions: { unrestricted_read: true } },
    { resource: collectionRef(AUTH0_JWT.name), actions: { delete: true } },
    { resource: indexRef(TOKENS_BY_INSTANCE.name), actions: { unrestricted_read: true } },
    { resource: TOKENS, actions: { delete: q.Query(q.Lambda('ref', isLoginToken(q.Get(q.Var('ref'))))) } },
  ],
};

/**
 * The role `end_login` and `end_all_logins` run with. A minted secret may delete only its own
 * login (auth0_login_secret), and a roled function loses the token's baseline right to delete its
 * own tokens (fauna/faunadb auth/Auth.scala `changeRole`), so this grants both, and no more:
 * lookups only of the caller's own user's logins, deletes only of those logins and their tokens.
 * The caller's identity is kept inside the function, so CALLER_USER works in the predicates as
 * long as the caller's own login exists: the functions end it last.
 */
export const LOGOUT_FUNCTION_RIGHTS: RoleDefinition = {
  kind: 'role',
  name: LOGOUT_FUNCTION_ROLE,
  purpose: "what end_login and end_all_logins run with: end the caller's own user's logins and their tokens",
  membership: [],
  privileges: [
    {
      resource: indexRef(AUTH0_JWT_BY_USER_SESSION.name),
      actions: { unrestricted_read: q.Query(q.Lambda('terms', q.Equals(q.Select(0, q.Var('terms')), CALLER_USER))) },
    },
    {
      resource: indexRef(AUTH0_JWT_BY_USER_EXP.name),
      actions: { unrestricted_read: q.Query(q.Lambda('terms', q.Equals(q.Select(0, q.Var('terms')), CALLER_USER))) },
    },
    {
      resource: indexRef(TOKENS_BY_INSTANCE.name),
      actions: { unrestricted_read: q.Query(q.Lambda('terms', loginOfCaller(q.Select(0, q.Var('terms'))))) },
    },
    {
      resource: collectionRef(AUTH0_JWT.name),
      actions: { read: q.Query(q.Lambda('ref', loginOfCaller(q.Var('ref')))), delete: q.Query(q.Lambda('ref', loginOfCaller(q.Var('ref')))) },
    },
    {
      resource: TOKENS,
      actions: {
        delete: q.Query(
          q.Lambda('ref', q.Let({ token: q.Get(q.Var('ref')) }, q.And(isLoginToken(q.Var('token')), loginOfCaller(q.Select('instance', q.Var('token')))))),
        ),
      },
    },
  ],
};

/**
 * The login Action's key: it may call `login` and nothing else. A leak of it (it sits in the
 * tenant's Action secrets) lets its holder do what `login` does for any Auth0 user id it names,
 * and nothing more: no reading, listing, writing or expiring anything directly.
 */
export const LOGIN_ACTION: RoleDefinition = {
  kind: 'role',
  name: LOGIN_ACTION_ROLE,
  purpose: "the login Action's key: call login, nothing else",
  membership: [],
  privileges: [{ resource: functionRef(LOGIN.name), actions: { call: true } }],
};

/** The revocation key (the post-change-password Action): it may call `revoke_user` and nothing else. */
export const REVOKE_ACTION: RoleDefinition = {
  kind: 'role',
  name: REVOKE_ACTION_ROLE,
  purpose: "the revocation Action's key: call revoke_user, nothing else",
  membership: [],
  privileges: [{ resource: functionRef(REVOKE_USER.name), actions: { call: true } }],
};

const isOwnLogin = q.Query(q.Lambda('ref', q.Equals(q.Var('ref'), q.CurrentIdentity())));

/**
 * What every minted secret may do while its login is live: read its own login and its own user,
 * call current_user(), end_login() (the app's logout) and end_all_logins(), and delete its own
 * login. The app's own collections get their rules from fauna/owned-collections.ts, with the
 * same membership.
 */
export const LOGIN_SECRET: RoleDefinition = {
  kind: 'role',
  name: LOGIN_SECRET_ROLE,
  purpose: 'every minted secret while its login has not expired: read own login and user, end own logins',
  membership: [LIVE_LOGIN],
  privileges: [
    {
      resource: collectionRef(AUTH0_JWT.name),
      actions: { read: isOwnLogin, delete: isOwnLogin },
    },
    {
      resource: collectionRef(USERS.name),
      actions: { read: q.Query(q.Lambda('ref', q.Equals(q.Var('ref'), CALLER_USER))) },
    },
    { resource: functionRef(CURRENT_USER.name), actions: { call: true } },
    { resource: functionRef(END_LOGIN.name), actions: { call: true } },
    { resource: functionRef(END_ALL_LOGINS.name), actions: { call: true } },
  ],
};

/** Keys the setup script can create on request, one flag each; the secret is printed once. */
export interface ActionKeySpec {
  readonly flag: 'create-action-key' | 'create-revoke-key' | 'create-shared-key';
  /** A key may hold several roles; their privileges add up. */
  readonly roles: readonly RoleDefinition[];
  readonly usedBy: string;
}

export const ACTION_KEYS: readonly ActionKeySpec[] = [
  { flag: 'create-action-key', roles: [LOGIN_ACTION], usedBy: 'the fauna-login Action (FAUNA_SECRET)' },
  { flag: 'create-revoke-key', roles: [REVOKE_ACTION], usedBy: 'the revoke-fauna-secrets Action (FAUNA_REVOKE_SECRET)' },
  // For a deployment that gives both Actions the same FAUNA_SECRET (doc/Key.scala accepts an
  // array of roles). Two keys are tighter: a leaked login key then cannot end a user's logins.
  {
    flag: 'create-shared-key',
    roles: [LOGIN_ACTION, REVOKE_ACTION],
    usedBy: 'both Actions, when they share one FAUNA_SECRET',
  },
];

export const keyRolesLabel = (key: ActionKeySpec): string => key.roles.map((role) => role.name).join(' + ');
