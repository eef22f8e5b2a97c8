import { APP_COLLECTIONS } from './app-data';
import { AUTH0_JWT, USERS } from './collections';
import { CURRENT_USER, END_ALL_LOGINS, END_LOGIN } from './functions';
import { AUTH0_JWT_BY_USER, AUTH0_JWT_BY_USER_EXP, AUTH0_JWT_BY_USER_SESSION, TOKENS_BY_INSTANCE, USERS_BY_AUTH0_ID } from './indexes';
import { LOGIN, REVOKE_USER } from './login-functions';
import { ownedCollectionSchema } from './owned-collections';
import { LOGIN_ACTION, LOGIN_FUNCTION_RIGHTS, LOGIN_SECRET, LOGOUT_FUNCTION_RIGHTS, REVOKE_ACTION, REVOKE_FUNCTION_RIGHTS } from './roles';
import type { SchemaDefinition } from './schema';

/**
 * Everything setup:fauna maintains, in creation order: what a definition points at comes first
 * (a function's role before the function, a function before the roles that may call it). The
 * Actions' key roles here are the final ones; fauna/upgrade.ts says when setup expands them.
 */
export const SCHEMA: readonly SchemaDefinition[] = [
  USERS,
  AUTH0_JWT,
  USERS_BY_AUTH0_ID,
  AUTH0_JWT_BY_USER,
  AUTH0_JWT_BY_USER_EXP,
  AUTH0_JWT_BY_USER_SESSION,
  TOKENS_BY_INSTANCE,
  LOGIN_FUNCTION_RIGHTS,
  REVOKE_FUNCTION_RIGHTS,
  LOGOUT_FUNCTION_RIGHTS,
  CURRENT_USER,
  END_LOGIN,
  END_ALL_LOGINS,
  LOGIN,
  REVOKE_USER,
  LOGIN_ACTION,
  REVOKE_ACTION,
  LOGIN_SECRET,
  // The app's own data (fauna/app-data.ts): collections, owner indexes, then their role.
  ...ownedCollectionSchema(APP_COLLECTIONS),
];
