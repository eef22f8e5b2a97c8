import { query as q } from 'faunadb';
import { CURRENT_USER_FUNCTION } from '../actions/lib/schema-names';
import type { FunctionDefinition } from './schema';

/**
 * `Call(Function('current_user'))` → the user ref behind the calling secret. A minted secret's
 * identity is its auth0_jwt document, whose data.user is the user; app rules read better with
 * this than with the Select/Get chain. No role of its own: it runs with the caller's rights, and
 * a minted secret may read its own auth0_jwt document.
 */
export const CURRENT_USER: FunctionDefinition = {
  kind: 'function',
  name: CURRENT_USER_FUNCTION,
  purpose: 'returns the user ref behind the calling secret',
  body: q.Query(q.Lambda([], q.Select(['data', 'user'], q.Get(q.CurrentIdentity())))),
};
