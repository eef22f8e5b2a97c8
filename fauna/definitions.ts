import { AUTH0_JWT, USERS } from './collections';
import { CURRENT_USER } from './functions';
import { AUTH0_JWT_BY_USER, TOKENS_BY_INSTANCE, USERS_BY_AUTH0_ID } from './indexes';
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
  LOGIN_ACTION,
  REVOKE_ACTION,
  LOGIN_SECRET,
];
