import { query as q, type Expr } from 'faunadb';
import {
  LOGIN_ACTION_ROLE,
  LOGIN_SECRET_ROLE,
  REVOKE_ACTION_ROLE,
} from '../actions/lib/schema-names';
import { MAX_TTL_SECONDS } from '../actions/lib/settings';
import { AUTH0_JWT, USERS } from './collections';
import { hasOnlyFields } from './field-rules';
import { CALLER_USER, CURRENT_USER, END_LOGIN } from './functions';
import { AUTH0_JWT_BY_USER, TOKENS_BY_INSTANCE, USERS_BY_AUTH0_ID } from './indexes';
import { TOKENS, collectionRef, functionRef, indexRef, type Membership, type RoleDefinition } from './schema';

/**
 * The roles. Names inside predicates (Collection('auth0_jwt')) are resolved when the predicate
 * runs, so they are plain names here; resources are SchemaRefs the setup script resolves.
 * Predicates run with internal read rights and an erroring predicate denies
 * (fauna/faunadb model/doc/LambdaWrapper.scala), so a missing field fails closed.
 */

/** True when a token (its create params, or the token itself) belongs to an auth0_jwt document. */
const isLoginToken = (token: Expr) =>
  q.Equals(q.Select(['instance', 'collection'], token), q.Collection(AUTH0_JWT.name));

/**
 * True when create params carry a `ttl` that is a time no later than the longest
 * FAUNA_SECRET_TTL from now. A create predicate sees the params as written (model/auth/
 * RoleEvalAction.scala CreateInstance), so a missing or null ttl, one that never expires, is
 * refused here. IsTimestamp matters: LTE(null, time) is true.
 */
const expiresInTime = (params: Expr) =>
  q.Let(
    { ttl: q.Select('ttl', params, null) },
    q.And(q.IsTimestamp(q.Var('ttl')), q.LTE(q.Var('ttl'), q.TimeAdd(q.Now(), MAX_TTL_SECONDS, 'seconds'))),
  );

/** A login document: expires in time, and its data.exp (what membership checks) is its ttl. */
const isBoundedLogin = (params: Expr) =>
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
 * The login Action's key. A key with a custom role may create tokens: token creation is an
 * ordinary create checked against the key's privileges on the tokens collection (fauna/faunadb
 * ast/functions/WriteAdaptor.scala `create` → auth/Auth.scala `checkCreatePermission` →
 * auth/Permissions.scala `RolePermissions.checkAction` → RoleEvalContext keyed by
 * (RoleEvalAction.scala `CreateInstance.resource` = the tokens collection, "create")); and
 * Tokens() is a valid privilege resource (util/SharedValidators.scala ReferencesValidator skips
 * native collections). Only client keys are refused (api/TokenSpec.scala "POST works": 403).
 * A server key would also work, but may write every document and token in the database.
 */
export const LOGIN_ACTION: RoleDefinition = {
  kind: 'role',
  name: LOGIN_ACTION_ROLE,
  purpose: "the login Action's key: upsert users, create auth0_jwt documents and their tokens",
  membership: [],
  privileges: [
    { resource: indexRef(USERS_BY_AUTH0_ID.name), actions: { read: true } },
    {
      resource: collectionRef(USERS.name),
      actions: {
        read: true,
        // Only `data`: no `credentials` (Login would turn them into a secret that never expires),
        // no `ttl` (the user would vanish and their data be orphaned). See fauna/field-rules.ts.
        create: q.Query(q.Lambda('params', hasOnlyFields(q.Var('params'), ['data']))),
        // The upsert refreshes email and name; a user's auth0_id, the key logins find it by, stays.
        write: q.Query(
          q.Lambda(
            ['old', 'new'],
            q.And(
              hasOnlyFields(q.Var('new'), ['data']),
              q.Equals(q.Select(['data', 'auth0_id'], q.Var('old')), q.Select(['data', 'auth0_id'], q.Var('new'))),
            ),
          ),
        ),
      },
    },
    // Bounded: a leaked Action key can never make a login, or a secret, that outlives the
    // longest FAUNA_SECRET_TTL or never expires; and a login holds nothing but data and ttl.
    {
      resource: collectionRef(AUTH0_JWT.name),
      actions: { create: q.Query(q.Lambda('params', q.And(hasOnlyFields(q.Var('params'), ['data', 'ttl']), isBoundedLogin(q.Var('params'))))) },
    },
    // Only tokens for auth0_jwt documents, and only bounded ones: a leaked Action key cannot mint
    // a secret for any other document (whose roles might grant more). The create predicate gets
    // the new token's fields (RoleEvalAction.scala CreateInstance.lambdaArgs), `instance` among them.
    {
      resource: TOKENS,
      actions: {
        create: q.Query(q.Lambda('token', q.And(isLoginToken(q.Var('token')), expiresInTime(q.Var('token'))))),
      },
    },
  ],
};

/**
 * The revocation key (the post-change-password Action, or an admin's script): find a user's
 * logins and delete them and their tokens; nothing else.
 */
export const REVOKE_ACTION: RoleDefinition = {
  kind: 'role',
  name: REVOKE_ACTION_ROLE,
  purpose: "the revocation Action's key: delete a user's auth0_jwt documents and their tokens",
  membership: [],
  privileges: [
    // An index read only returns the entries whose documents the key may read (IndexSet
    // `filteredForRead`), so each index comes with read on its source.
    { resource: indexRef(USERS_BY_AUTH0_ID.name), actions: { read: true } },
    { resource: collectionRef(USERS.name), actions: { read: true } },
    { resource: indexRef(AUTH0_JWT_BY_USER.name), actions: { read: true } },
    { resource: collectionRef(AUTH0_JWT.name), actions: { read: true, delete: true } },
    { resource: indexRef(TOKENS_BY_INSTANCE.name), actions: { read: true } },
    {
      resource: TOKENS,
      actions: {
        read: q.Query(q.Lambda('ref', isLoginToken(q.Get(q.Var('ref'))))),
        delete: q.Query(q.Lambda('ref', isLoginToken(q.Get(q.Var('ref'))))),
      },
    },
  ],
};

const isOwnLogin = q.Query(q.Lambda('ref', q.Equals(q.Var('ref'), q.CurrentIdentity())));

/**
 * What every minted secret may do while its login is live: read its own login and its own user,
 * call current_user(), and end its own login (end_login(), the app's logout). The app's own
 * collections get their rules from fauna/owned-collections.ts, with the same membership.
 */
export const LOGIN_SECRET: RoleDefinition = {
  kind: 'role',
  name: LOGIN_SECRET_ROLE,
  purpose: 'every minted secret while its login has not expired: read own login and user, end own login',
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
  { flag: 'create-action-key', roles: [LOGIN_ACTION], usedBy: 'the fauna-login Action (its FAUNA_SECRET)' },
  { flag: 'create-revoke-key', roles: [REVOKE_ACTION], usedBy: 'the revoke-fauna-secrets Action (its FAUNA_SECRET)' },
  // For a deployment that gives both Actions the same FAUNA_SECRET (doc/Key.scala accepts an
  // array of roles). Two keys are tighter: a leaked login key then cannot delete anything.
  {
    flag: 'create-shared-key',
    roles: [LOGIN_ACTION, REVOKE_ACTION],
    usedBy: 'both Actions, when they share one FAUNA_SECRET',
  },
];

export const keyRolesLabel = (key: ActionKeySpec): string => key.roles.map((role) => role.name).join(' + ');
