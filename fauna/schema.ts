import type { Expr } from 'faunadb';

/**
 * The Fauna schema as data: what `npm run setup:fauna` makes true in a database. Definitions name
 * the objects they point at (`SchemaRef`) instead of building refs, because the setup script
 * decides how to reach each one: by name when it already exists, or through the ref its create
 * returned earlier in the same write (a name lookup there would read the schema as it was before
 * the transaction; see fauna/faunadb ext/repo/src/main/scala/store/CacheStore.scala).
 */

export type SchemaRef =
  | { readonly kind: 'collection'; readonly name: string }
  | { readonly kind: 'index'; readonly name: string }
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'role'; readonly name: string }
  /** The native collection of tokens (`Tokens()`). */
  | { readonly kind: 'tokens' };

export type SchemaObjectKind = 'collection' | 'index' | 'function' | 'role';

/** Turns a reference in a definition into FQL. */
export type ResolveRef = (ref: SchemaRef) => Expr;

export interface CollectionDefinition {
  readonly kind: 'collection';
  readonly name: string;
  readonly purpose: string;
  /** Days of document history to keep; null leaves the server's default alone. */
  readonly historyDays: number | null;
}

export interface IndexDefinition {
  readonly kind: 'index';
  readonly name: string;
  readonly purpose: string;
  readonly source: Extract<SchemaRef, { kind: 'collection' } | { kind: 'tokens' }>;
  /** Each term is a field path, e.g. ['data', 'auth0_id']. */
  readonly terms: readonly (readonly string[])[];
  /** Each value is a field path (['ref'] for the document); absent: the document's ref alone. */
  readonly values?: readonly (readonly string[])[];
  readonly unique: boolean;
}

export interface FunctionDefinition {
  readonly kind: 'function';
  readonly name: string;
  readonly purpose: string;
  /** `Query(Lambda(…))`; names inside a lambda are resolved when it runs, so plain names suit. */
  readonly body: Expr;
  /**
   * The role the body runs with; absent: the caller's rights. With a role the caller needs only
   * `call`, and keeps its identity but loses a token's right to delete its own tokens
   * (fauna/faunadb model/doc/LambdaWrapper.scala, auth/Auth.scala `changeRole`).
   */
  readonly role?: Extract<SchemaRef, { kind: 'role' }>;
}

/** FQL v4 role actions; `true` grants, an Expr is a `Query(Lambda(…))` predicate. */
export type RoleActionName = 'read' | 'write' | 'create' | 'delete' | 'call' | 'unrestricted_read';

export interface Privilege {
  readonly resource: SchemaRef;
  readonly actions: Readonly<Partial<Record<RoleActionName, true | Expr>>>;
}

export interface Membership {
  readonly resource: Extract<SchemaRef, { kind: 'collection' }>;
  readonly predicate?: Expr;
}

export interface RoleDefinition {
  readonly kind: 'role';
  readonly name: string;
  readonly purpose: string;
  readonly membership: readonly Membership[];
  readonly privileges: readonly Privilege[];
}

export type SchemaDefinition = CollectionDefinition | IndexDefinition | FunctionDefinition | RoleDefinition;

export const collectionRef = (name: string) => ({ kind: 'collection', name }) as const;
export const indexRef = (name: string) => ({ kind: 'index', name }) as const;
export const functionRef = (name: string) => ({ kind: 'function', name }) as const;
export const roleRef = (name: string) => ({ kind: 'role', name }) as const;
export const TOKENS = { kind: 'tokens' } as const;
