import { APP_COLLECTIONS } from './app-data';
import { AUTH0_JWT, USERS } from './collections';
import { CURRENT_USER, END_LOGIN } from './functions';
import { AUTH0_JWT_BY_USER, TOKENS_BY_INSTANCE, USERS_BY_AUTH0_ID } from './indexes';
import { ownedCollectionSchema } from './owned-collections';
import { LOGIN_ACTION, LOGIN_SECRET, REVOKE_ACTION } from './roles';
import type { SchemaDefinition } from './schema';

/** Everything setup:fauna maintains, in creation order: what a definition points at comes first. */
export const SCHEMA: readonly SchemaDefinition[] = [
  USERS,
  AUTH0_JWT,
  USERS_BY_AUTH0_ID,
  AUTH0_JWT_BY_USER,
  TOKENS_BY_INSTANCE,
  CURRENT_USER,
  END_LOGIN,
  LOGIN_ACTION,
  REVOKE_ACTION,
  LOGIN_SECRET,
  // The app's own data (fauna/app-data.ts): collections, owner indexes, then their role.
  ...ownedCollectionSchema(APP_COLLECTIONS),
];
