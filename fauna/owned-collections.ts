import { query as q, type Expr } from 'faunadb';
import type { OwnedCollection } from './app-data';
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

/** True when the document fields (`{data, ttl, …}`) name the caller's user as owner. */
const ownedByCaller = (collection: OwnedCollection, fields: Expr) =>
  q.Equals(q.Select(['data', collection.ownerField], fields, null), CALLER_USER);

/**
 * The rules of one owned collection, in the argument shapes the core gives each action
 * (fauna/faunadb model/auth/RoleEvalAction.scala): create sees the params as written, read and
 * delete the ref, write `[old, new]` with `new` already patched. The index is plain `read`: the
 * core drops the entries whose documents the caller may not read (IndexSet.scala
 * filteredForRead), so another owner's documents never show up in a listing.
 */
function ownerPrivileges(collection: OwnedCollection): Privilege[] {
  const ownsRef = q.Query(q.Lambda('ref', ownedByCaller(collection, q.Get(q.Var('ref')))));
  return [
    {
      resource: collectionRef(collection.name),
      actions: {
        create: q.Query(q.Lambda('params', ownedByCaller(collection, q.Var('params')))),
        read: ownsRef,
        // Owned before and after: the owner cannot be changed, by the owner or anyone else.
        write: q.Query(
          q.Lambda(['old', 'new'], q.And(ownedByCaller(collection, q.Var('old')), ownedByCaller(collection, q.Var('new')))),
        ),
        delete: ownsRef,
      },
    },
    { resource: indexRef(ownerIndexName(collection)), actions: { read: true } },
  ];
}

/** The collections, their owner indexes and the one role that gives them to the secrets. */
export function ownedCollectionSchema(collections: readonly OwnedCollection[]): SchemaDefinition[] {
  if (collections.length === 0) return [];
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
