import {
  AUTH0_JWT_BY_USER_EXP_INDEX,
  AUTH0_JWT_BY_USER_INDEX,
  AUTH0_JWT_BY_USER_SESSION_INDEX,
  TOKENS_BY_INSTANCE_INDEX,
  USERS_BY_AUTH0_ID_INDEX,
} from '../actions/lib/schema-names';
import { AUTH0_JWT, USERS } from './collections';
import { TOKENS, collectionRef, type IndexDefinition } from './schema';

export const USERS_BY_AUTH0_ID: IndexDefinition = {
  kind: 'index',
  name: USERS_BY_AUTH0_ID_INDEX,
  purpose: 'finds the user document of an Auth0 user id; unique, so a user exists once',
  source: collectionRef(USERS.name),
  terms: [['data', 'auth0_id']],
  unique: true,
};

export const AUTH0_JWT_BY_USER: IndexDefinition = {
  kind: 'index',
  name: AUTH0_JWT_BY_USER_INDEX,
  purpose: "a user's logins, for revocation",
  source: collectionRef(AUTH0_JWT.name),
  terms: [['data', 'user']],
  unique: false,
};

/**
 * A user's logins, earliest expiry first: `login` reads the first page to end the logins over
 * the cap (MAX_LIVE_LOGINS_PER_USER), `revoke_user` and `end_all_logins` to end them all. The
 * values carry `data.exp` so that the order is the expiry's, and the ref to reach each login.
 */
export const AUTH0_JWT_BY_USER_EXP: IndexDefinition = {
  kind: 'index',
  name: AUTH0_JWT_BY_USER_EXP_INDEX,
  purpose: "a user's logins, earliest expiry first: the cap's eviction and revocation",
  source: collectionRef(AUTH0_JWT.name),
  terms: [['data', 'user']],
  values: [['data', 'exp'], ['ref']],
  unique: false,
};

/**
 * A user's logins in one Auth0 session, for `end_login`. A login without a session id has no
 * entry to find; `end_login` ends it alone.
 */
export const AUTH0_JWT_BY_USER_SESSION: IndexDefinition = {
  kind: 'index',
  name: AUTH0_JWT_BY_USER_SESSION_INDEX,
  purpose: "a user's logins in one Auth0 session, for end_login",
  source: collectionRef(AUTH0_JWT.name),
  terms: [['data', 'user'], ['data', 'session_id']],
  unique: false,
};

/**
 * The core indexes the native tokens collection like any other (fauna/faunadb
 * ext/model/src/test/scala/documents/IndexSpec.scala, "can index tokens": source Tokens(), term
 * ['instance']). Revocation needs it: FQL v4 only removes another document's tokens by index.
 */
export const TOKENS_BY_INSTANCE: IndexDefinition = {
  kind: 'index',
  name: TOKENS_BY_INSTANCE_INDEX,
  purpose: 'the tokens (secrets) minted for a document, for revocation',
  source: TOKENS,
  terms: [['instance']],
  unique: false,
};
