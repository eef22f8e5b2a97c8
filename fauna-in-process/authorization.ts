/**
 * Who is calling and what they may do, as the core decides it (ext/model/src/main/scala/auth/):
 * - Permissions.scala: admin, server, server-readonly and client keys; `InstancePermissions` for
 *   a token (its baseline: read and delete its identity's own tokens, then its roles);
 *   `InternalReadOnlyPermissions` for predicates (read any document but databases, keys, roles
 *   and access providers, read indexes unfiltered, call functions; never write).
 * - RoleEvalContext.scala: the roles of one caller form one table per (resource, action); a
 *   static `true` wins, otherwise the predicates are OR-ed.
 * - RoleEvalAction.scala: what a predicate receives (`predicateArgument`).
 * - RoleMembership.scala: a token holds every role whose membership names its instance's
 *   collection and whose membership predicate (if any) returns true for the instance's ref.
 */
import type { Transaction } from './storage';
import { QueryValue, Ref, isObjectValue, refEquals, type ObjectValue, type Value } from './values';

/** Per (resource, action): `true` (static, wins), or the predicates to OR. */
type PolicySet = true | Value[];

/** The union of some roles' privileges (RoleEvalContext). */
export class RoleSet {
  constructor(
    readonly roles: readonly Ref[],
    private readonly table: ReadonlyMap<string, PolicySet>,
  ) {}

  policy(resource: Ref, privilege: string): PolicySet | undefined {
    return this.table.get(`${resourceKey(resource)}|${privilege}`);
  }
}

export type Rights =
  | { readonly kind: 'admin' }
  | { readonly kind: 'server' }
  | { readonly kind: 'server-readonly' }
  /** A client key: no rights at all. */
  | { readonly kind: 'none' }
  /** A key with custom roles, or a function that runs with them. */
  | { readonly kind: 'roles'; readonly roles: RoleSet }
  /** A token: its baseline, then the roles its membership gave it for this request. */
  | { readonly kind: 'instance'; readonly instance: Ref; readonly roles: RoleSet }
  /** A role or membership predicate running. */
  | { readonly kind: 'internal-read' };

export interface Caller {
  readonly rights: Rights;
  /** A token's instance: `CurrentIdentity()`. Kept when a function runs with its own role (Auth.changeRole). */
  readonly identity?: Ref;
  /** The token itself, for `Logout(false)` and `CurrentToken()`. */
  readonly token?: Ref;
  /** A key that is a document of this database (one CreateKey made): `CurrentToken()` is its ref. */
  readonly key?: Ref;
}

export type Action =
  | { readonly name: 'read'; readonly ref: Ref }
  | { readonly name: 'create'; readonly collection: Ref; readonly fields: ObjectValue }
  | { readonly name: 'write'; readonly ref: Ref; readonly before: ObjectValue; readonly after: ObjectValue }
  | { readonly name: 'delete'; readonly ref: Ref }
  | { readonly name: 'call'; readonly fn: Ref; readonly args: Value }
  | { readonly name: 'read_index'; readonly index: Ref; readonly terms: Value[] }
  | { readonly name: 'unrestricted_read_index'; readonly index: Ref; readonly terms: Value[] }
  | { readonly name: 'unrestricted_read_collection'; readonly collection: Ref };

/** Runs a stored `Query(Lambda)` with the argument for its arity; true only when it returns `true`. */
export type PredicateRunner = (predicate: Value, argument: (arity: number) => Value) => boolean;

/** A privilege resource as a table key: `collections/users`, `indexes/x`, `#tokens` for Tokens(). */
function resourceKey(ref: Ref): string {
  return ref.collection === undefined ? `#${ref.id}` : `${ref.collection.id}/${ref.id}`;
}

/** The resource an action is checked against (RoleEvalAction `resource`): a document's collection, the index, the function. */
function resourceOf(action: Action): Ref {
  switch (action.name) {
    case 'read':
    case 'write':
    case 'delete':
      return action.ref.collection ?? action.ref;
    case 'create':
    case 'unrestricted_read_collection':
      return action.collection;
    case 'call':
      return action.fn;
    case 'read_index':
    case 'unrestricted_read_index':
      return action.index;
  }
}

function privilegeName(action: Action): string {
  if (action.name === 'read_index') return 'read';
  if (action.name === 'unrestricted_read_index' || action.name === 'unrestricted_read_collection') return 'unrestricted_read';
  return action.name;
}

/** RoleEvalAction `lambdaArgs`: what the predicate is applied to. */
export function predicateArgument(action: Action, arity: number): Value {
  switch (action.name) {
    case 'read':
    case 'delete':
      return action.ref;
    case 'create':
      return action.fields;
    case 'write':
      return arity === 3 ? [action.before, action.after, action.ref] : [action.before, action.after];
    case 'call':
      return action.args;
    case 'read_index':
    case 'unrestricted_read_index':
      return action.terms;
    case 'unrestricted_read_collection':
      return null;
  }
}

/** Server keys and predicates never touch these (AbstractServerPermissions `RootClassIDs`). */
const ROOT_CLASSES = new Set(['databases', 'keys', 'roles', 'access_providers']);

function touchesRootClass(action: Action): boolean {
  const resource = resourceOf(action);
  return resource.collection === undefined && ROOT_CLASSES.has(resource.id);
}

function evalRoles(roles: RoleSet, action: Action, run: PredicateRunner): boolean {
  const policy = roles.policy(resourceOf(action), privilegeName(action));
  if (policy === undefined) return false;
  if (policy === true) return true;
  return policy.some((predicate) => run(predicate, (arity) => predicateArgument(action, arity)));
}

/** InstancePermissions `checkBaselinePerms`: a token may read and delete its identity's own tokens. */
function baseline(tx: Transaction, instance: Ref, action: Action): boolean {
  if (action.name !== 'read' && action.name !== 'delete') return false;
  const collection = action.ref.collection;
  if (collection === undefined || collection.collection !== undefined || collection.id !== 'tokens') return false;
  const token = tx.get('#tokens', action.ref.id);
  return token !== undefined && token.fields.instance instanceof Ref && refEquals(token.fields.instance, instance);
}

/** Permissions `checkAction`. */
export function isAllowed(tx: Transaction, caller: Caller, action: Action, run: PredicateRunner): boolean {
  const rights = caller.rights;
  const unrestricted = action.name === 'unrestricted_read_index' || action.name === 'unrestricted_read_collection';
  switch (rights.kind) {
    case 'admin':
      // Admins read indexes filtered too, but every per-document check passes.
      return !unrestricted;
    case 'server':
      if (unrestricted) return false;
      return action.name === 'call' || action.name === 'read_index' || !touchesRootClass(action);
    case 'server-readonly':
      return (action.name === 'read' && !touchesRootClass(action)) || action.name === 'read_index';
    case 'internal-read':
      if (action.name === 'call') return true;
      return (action.name === 'read' || unrestricted) && !touchesRootClass(action);
    case 'none':
      return false;
    case 'roles':
      return evalRoles(rights.roles, action, run);
    case 'instance':
      return baseline(tx, rights.instance, action) || evalRoles(rights.roles, action, run);
  }
}

// Building role sets ---------------------------------------------------------------------------

/** A single object or an array of them, as roles store `privileges` and `membership`. */
function entriesOf(field: Value | undefined): ObjectValue[] {
  const items = Array.isArray(field) ? field : field === undefined || field === null ? [] : [field];
  return items.filter(isObjectValue);
}

/** The union of the named roles' privileges; roles that no longer exist add nothing. */
export function roleSetOf(tx: Transaction, roleRefs: readonly Ref[]): RoleSet {
  const table = new Map<string, PolicySet>();
  const found: Ref[] = [];
  for (const ref of roleRefs) {
    const role = tx.get('#roles', ref.id);
    if (role === undefined) continue;
    found.push(role.ref);
    for (const privilege of entriesOf(role.fields.privileges)) {
      const resource = privilege.resource;
      if (!(resource instanceof Ref) || !isObjectValue(privilege.actions)) continue;
      for (const [name, action] of Object.entries(privilege.actions)) {
        const key = `${resourceKey(resource)}|${name}`;
        const current = table.get(key);
        if (current === true) continue;
        if (action === true) table.set(key, true);
        else if (action instanceof QueryValue) table.set(key, [...(current ?? []), action]);
      }
    }
  }
  return new RoleSet(found, table);
}

/** RoleMembership.lookupRoles: every role whose membership takes this instance, evaluated now. */
export function membershipRoles(tx: Transaction, instance: Ref, run: PredicateRunner): RoleSet {
  const held: Ref[] = [];
  for (const role of tx.scan('#roles')) {
    const memberships = entriesOf(role.fields.membership).filter(
      (m) => m.resource instanceof Ref && instance.collection !== undefined && refEquals(m.resource, instance.collection),
    );
    const assigned = memberships.some((m) => m.predicate === undefined || m.predicate === null || run(m.predicate, () => instance));
    if (assigned) held.push(role.ref);
  }
  return roleSetOf(tx, held);
}

/**
 * The rights a stored `role` field gives (a key's, or a function's): 'admin', 'server',
 * 'server-readonly', 'client', or one Role ref or an array of them (doc/Key.scala). Undefined
 * when the field is absent or null: a function without a role runs with its caller's rights.
 */
export function rightsOfRole(tx: Transaction, role: Value | undefined): Rights | undefined {
  if (role === undefined || role === null) return undefined;
  if (role === 'admin') return { kind: 'admin' };
  if (role === 'server') return { kind: 'server' };
  if (role === 'server-readonly') return { kind: 'server-readonly' };
  if (typeof role === 'string') return { kind: 'none' };
  const refs = (Array.isArray(role) ? role : [role]).filter((r): r is Ref => r instanceof Ref);
  return { kind: 'roles', roles: roleSetOf(tx, refs) };
}
