import { AUTH0_JWT_COLLECTION, USERS_COLLECTION } from '../actions/lib/schema-names';
import type { CollectionDefinition } from './schema';

export const USERS: CollectionDefinition = {
  kind: 'collection',
  name: USERS_COLLECTION,
  purpose: 'one document per Auth0 user (data.auth0_id, email, email_verified, name)',
  historyDays: null,
};

export const AUTH0_JWT: CollectionDefinition = {
  kind: 'collection',
  name: AUTH0_JWT_COLLECTION,
  purpose: 'one document per login (data.user, data.exp, data.client_id, data.session_id); minted secrets belong to it',
  // Login documents are short-lived and numerous: keeping their history would only keep garbage.
  historyDays: 0,
};
