import { query as q, type Expr } from 'faunadb';
import type { OwnedCollection } from './app-data';
import { fieldFits, fieldSpecProblems, hasOnlyFields, totalLength } from './field-rules';
import { CALLER_USER } from './functions';
import { LIVE_LOGIN } from './roles';
import {
  collectionRef,
  indexRef,
  type CollectionDefinition,
  type IndexDefinition,
  type Privilege,
  type RoleDefinition,
  type SchemaDefinition,
} from './schema';

/** Role holding the rules of every app collection (fauna/app-data.ts) for live logins' secrets. */
export const APP_OWNER_ROLE = 'auth0_app_owner';

export const ownerIndexName = (collection: OwnedCollection): string => `${collection.name}_by_${collection.ownerField}`;

/** The user behind the calling secret, bound once per predicate as `caller`. */
const CALLER = q.Var('caller');

/** True when the document fields (`{data, ttl, …}`) name the caller's user as owner. */
const ownedByCaller = (collection: OwnedCollection, fields: Expr) => q.Equals(q.Select(['data', collection.ownerField], fields, null), CALLER);

/**
 * The rules the owner role's create and write predicates combine, by name. Setup writes all of
 * them; test/security builds loosened roles by leaving one out, to see its check fail.
 * - `params`: nothing but `data` at the top level (a write may keep a `ttl` the document has): no
 *   `credentials`, which `Login` would turn into a secret that never expires, no `ttl`.
 * - `ttl`: a write leaves the document's `ttl` as it was (none stays none).
 * - `owner`: the owner is the caller (before and after, for a write).
 * - `declared-fields`: `data` holds the owner and declared fields only.
 * - `field-values`: each declared field is absent or of its type, a string no longer than declared.
 * - `data-size`: the string fields hold at most `maxDataChars` characters together.
 */
export type OwnerRule = 'params' | 'ttl' | 'owner' | 'declared-fields' | 'field-values' | 'data-size';
export const OWNER_RULES: readonly OwnerRule[] = ['params', 'ttl', 'owner', 'declared-fields', 'field-values', 'data-size'];

function dataRules(collection: OwnedCollection, data: Expr, rules: readonly OwnerRule[]): Expr[] {
  const strings = collection.fields.filter((field) => field.type === 'string').map((field) => field.name);
  return [
    ...(rules.includes('declared-fields') ? [hasOnlyFields(data, [collection.ownerField, ...collection.fields.map((field) => field.name)])] : []),
    ...(rules.includes('field-values') ? collection.fields.map((field) => fieldFits(data, field)) : []),
    ...(rules.includes('data-size') && strings.length > 0 ? [q.LTE(totalLength(data, strings), collection.maxDataChars)] : []),
  ];
}

const allOf = (conditions: readonly Expr[]): Expr => (conditions.length === 0 ? true : q.And(...conditions)) as Expr;

/** The create predicate: it sees the params as written (RoleEvalAction.scala CreateInstance). */
export function createPredicate(collection: OwnedCollection, rules: readonly OwnerRule[] = OWNER_RULES): Expr {
  const params = q.Var('params');
  return q.Query(
    q.Lambda(
      'params',
      q.Let(
        { caller: CALLER_USER },
        allOf([
          ...(rules.includes('params') ? [hasOnlyFields(params, ['data'])] : []),
          ...(rules.includes('owner') ? [ownedByCaller(collection, params)] : []),
          ...dataRules(collection, q.Select(['data'], params, null), rules),
        ]),
      ),
    ),
  );
}

/**
 * The write predicate: `[old, new]`, the whole stored fields and those patched with the params
 * as written, every top-level field of them included (auth/Auth.scala checkWritePermission), for
 * Replace too, whose `new` keeps old fields the replacement leaves out (WriteAdaptor.update).
 */
export function writePredicate(collection: OwnedCollection, rules: readonly OwnerRule[] = OWNER_RULES): Expr {
  const [old, next] = [q.Var('old'), q.Var('new')];
  return q.Query(
    q.Lambda(
      ['old', 'new'],
      q.Let(
        { caller: CALLER_USER },
        allOf([
          ...(rules.includes('params') ? [hasOnlyFields(next, ['data', 'ttl'])] : []),
          ...(rules.includes('ttl') ? [q.Equals(q.Select(['ttl'], old, null), q.Select(['ttl'], next, null))] : []),
          // Owned before and after: the owner cannot be changed, by the owner or anyone else.
          ...(rules.includes('owner') ? [ownedByCaller(collection, old), ownedByCaller(collection, next)] : []),
          ...dataRules(collection, q.Select(['data'], next, null), rules),
        ]),
      ),
    ),
  );
}

/**
 * The rules of one owned collection, in the argument shapes the core gives each action
 * (fauna/faunadb model/auth/RoleEvalAction.scala): create sees the params as written, read and
 * delete the ref, write `[old, new]` with `new` already patched. The index is plain `read`: the
 * core drops the entries whose documents the caller may not read (IndexSet.scala
 * filteredForRead), so another owner's documents never show up in a listing.
 */
function ownerPrivileges(collection: OwnedCollection): Privilege[] {
  const ownsRef = q.Query(q.Lambda('ref', q.Let({ caller: CALLER_USER }, ownedByCaller(collection, q.Get(q.Var('ref'))))));
  return [
    {
      resource: collectionRef(collection.name),
      actions: { create: createPredicate(collection), read: ownsRef, write: writePredicate(collection), delete: ownsRef },
    },
    { resource: indexRef(ownerIndexName(collection)), actions: { read: true } },
  ];
}

/** Refuses a declaration whose fields cannot work, naming the entry and what is wrong. */
function checkDeclaration(collection: OwnedCollection): void {
  const problems = fieldSpecProblems(collection.fields, collection.maxDataChars, [collection.ownerField]);
  if (problems.length > 0) {
    throw new Error(`ERR_APP_DATA_INVALID: fauna/app-data.ts, collection ${collection.name}: ${problems.join('; ')}. Fix the entry, then run npm run setup:fauna.`);
  }
}

/** The collections, their owner indexes and the one role that gives them to the secrets. */
export function ownedCollectionSchema(collections: readonly OwnedCollection[]): SchemaDefinition[] {
  if (collections.length === 0) return [];
  collections.forEach(checkDeclaration);
  const definitions: (CollectionDefinition | IndexDefinition)[] = collections.flatMap((collection) => [
    { kind: 'collection', name: collection.name, purpose: collection.purpose, historyDays: null } as const,
    {
      kind: 'index',
      name: ownerIndexName(collection),
      purpose: `a user's own ${collection.name}, for listing`,
      source: collectionRef(collection.name),
      terms: [['data', collection.ownerField]],
      unique: false,
    } as const,
  ]);
  const role: RoleDefinition = {
    kind: 'role',
    name: APP_OWNER_ROLE,
    purpose: `every minted secret while its login is live: its own documents of ${collections.map((c) => c.name).join(', ')}`,
    membership: [LIVE_LOGIN],
    privileges: collections.flatMap(ownerPrivileges),
  };
  return [...definitions, role];
}
