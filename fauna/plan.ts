import { createHash } from 'node:crypto';
import { query as q, values, type Expr } from 'faunadb';
import { AuthFaunaError } from '../actions/lib/errors';
import { keyRolesLabel, type ActionKeySpec } from './roles';
import type {
  CollectionDefinition,
  IndexDefinition,
  ResolveRef,
  SchemaDefinition,
  SchemaObjectKind,
  SchemaRef,
} from './schema';

/**
 * From the schema as data to FQL: one read query that reports what the database holds, a pure
 * comparison that plans the changes, and one write query that applies them all in a transaction.
 */

// The driver exports `wrap` (plain values with Exprs inside → one Expr) but does not type it.
const wrap = (q as unknown as { wrap(value: unknown): Expr }).wrap;

/** Marks what setup:fauna maintains, and carries each role's and function's fingerprint. */
export const MANAGED_BY = 'auth0-fauna';

export const resolveByName: ResolveRef = (ref: SchemaRef): Expr => {
  switch (ref.kind) {
    case 'collection':
      return q.Collection(ref.name);
    case 'index':
      return q.Index(ref.name);
    case 'function':
      return q.Function(ref.name);
    case 'role':
      return q.Role(ref.name);
    case 'tokens':
      return q.Tokens();
  }
};

const refByName = (kind: SchemaObjectKind, name: string): Expr => resolveByName({ kind, name });

/** The definition's own fields as FQL params (no name, no data): what a role or function is. */
function definitionParams(def: SchemaDefinition, resolve: ResolveRef): Record<string, unknown> {
  switch (def.kind) {
    case 'collection':
      return def.historyDays === null ? {} : { history_days: def.historyDays };
    case 'index':
      return {
        source: resolve(def.source),
        terms: def.terms.map((field) => ({ field: [...field] })),
        ...(def.values === undefined ? {} : { values: def.values.map((field) => ({ field: [...field] })) }),
        unique: def.unique,
        // Unique-index writes must see each other, or two first logins could both create a user.
        serialized: true,
      };
    case 'function':
      // `role: null` on update removes a role someone may have added by hand.
      return { body: def.body, role: def.role === undefined ? null : resolve(def.role) };
    case 'role':
      return {
        membership: def.membership.map((m) =>
          m.predicate === undefined ? { resource: resolve(m.resource) } : { resource: resolve(m.resource), predicate: m.predicate },
        ),
        privileges: def.privileges.map((p) => ({ resource: resolve(p.resource), actions: { ...p.actions } })),
      };
  }
}

/**
 * A digest of a role's or function's definition, stored in its `data`. The server renders
 * predicates its own way, so comparing our FQL with what it returns is unreliable; comparing
 * digests of our own FQL is exact. An object edited by hand keeps its old digest: re-running
 * setup does not notice that edit (edit fauna/ instead).
 */
export function fingerprint(def: SchemaDefinition): string {
  const wire = JSON.stringify(wrap(definitionParams(def, resolveByName)));
  return createHash('sha256').update(wire).digest('hex').slice(0, 32);
}

function managedData(def: SchemaDefinition): Record<string, string> {
  return def.kind === 'role' || def.kind === 'function'
    ? { managed_by: MANAGED_BY, fingerprint: fingerprint(def) }
    : { managed_by: MANAGED_BY };
}

// ---- reading the current state -------------------------------------------------------------

/** One read: for each object, null when missing, else the fields the plan compares. */
export function buildReadStateQuery(schema: readonly SchemaDefinition[]): Expr {
  const byKind: Record<SchemaObjectKind, Record<string, Expr>> = { collection: {}, index: {}, function: {}, role: {} };
  for (const def of schema) {
    const ref = refByName(def.kind, def.name);
    const doc = q.Get(ref);
    let observed: Expr | Record<string, Expr>;
    switch (def.kind) {
      case 'collection':
        observed = q.Let({ doc }, { history_days: q.Select('history_days', q.Var('doc'), null) });
        break;
      case 'index':
        observed = q.Let(
          { doc },
          {
            source: q.Select('source', q.Var('doc')),
            terms: q.Select('terms', q.Var('doc'), []),
            values: q.Select('values', q.Var('doc'), []),
            unique: q.Select('unique', q.Var('doc'), false),
            active: q.Select('active', q.Var('doc'), true),
          },
        );
        break;
      case 'function':
      case 'role':
        observed = { fingerprint: q.Select(['data', 'fingerprint'], doc, null) };
        break;
    }
    byKind[def.kind][def.name] = q.If(q.Exists(ref), observed, null);
  }
  return wrap(byKind);
}

export interface ObservedCollection {
  readonly historyDays: number | null;
}
export interface ObservedIndex {
  readonly source: unknown;
  readonly terms: unknown;
  readonly values?: unknown;
  readonly unique: unknown;
  /** False while the core builds it in the background (a new index over > 128 documents). */
  readonly active: boolean;
}
export interface ObservedVersioned {
  readonly fingerprint: string | null;
}
export interface SchemaState {
  readonly collection: Readonly<Record<string, ObservedCollection | null>>;
  readonly index: Readonly<Record<string, ObservedIndex | null>>;
  readonly function: Readonly<Record<string, ObservedVersioned | null>>;
  readonly role: Readonly<Record<string, ObservedVersioned | null>>;
}

function unexpected(what: string): AuthFaunaError {
  return new AuthFaunaError(
    'ERR_FAUNA_UNEXPECTED_RESULT',
    `Fauna answered the schema read without ${what}; check that FAUNA_ENDPOINT is an FQL v4 endpoint`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the read query's answer against the schema it asked about. */
export function decodeState(value: unknown, schema: readonly SchemaDefinition[]): SchemaState {
  if (!isRecord(value)) throw unexpected('a state object');
  const state = { collection: {}, index: {}, function: {}, role: {} } as Record<SchemaObjectKind, Record<string, unknown>>;
  for (const def of schema) {
    const group = value[def.kind];
    if (!isRecord(group) || !(def.name in group)) throw unexpected(`${def.kind} ${def.name}`);
    const observed = group[def.name];
    if (observed === null) {
      state[def.kind][def.name] = null;
      continue;
    }
    if (!isRecord(observed)) throw unexpected(`the fields of ${def.kind} ${def.name}`);
    switch (def.kind) {
      case 'collection':
        state.collection[def.name] = {
          historyDays: typeof observed.history_days === 'number' ? observed.history_days : null,
        };
        break;
      case 'index':
        state.index[def.name] = {
          source: observed.source,
          terms: observed.terms,
          values: observed.values,
          unique: observed.unique,
          active: observed.active !== false,
        };
        break;
      case 'function':
      case 'role':
        state[def.kind][def.name] = {
          fingerprint: typeof observed.fingerprint === 'string' ? observed.fingerprint : null,
        };
        break;
    }
  }
  return state as unknown as SchemaState;
}

// ---- planning ------------------------------------------------------------------------------

export type PlanAction = 'create' | 'update' | 'unchanged' | 'conflict';

export interface PlanEntry {
  readonly definition: SchemaDefinition;
  readonly action: PlanAction;
  /** Why, for the printed plan. */
  readonly reason: string;
  /** Set on an unchanged index: true while its background build has not finished (BUILDING). */
  readonly building?: boolean;
}

function sameSource(observed: unknown, def: IndexDefinition): boolean {
  if (!(observed instanceof values.Ref)) return false;
  if (def.source.kind === 'tokens') return observed.id === 'tokens' && observed.collection === undefined;
  return observed.id === def.source.name && observed.collection?.id === 'collections';
}

/** Observed terms or values against the defined field paths (none defined: none observed). */
function sameFields(observed: unknown, defined: readonly (readonly string[])[]): boolean {
  if (!Array.isArray(observed) || observed.length !== defined.length) return false;
  return observed.every((entry: unknown, i) => {
    if (!isRecord(entry)) return false;
    // A single-field entry may come back as a string rather than a one-element path.
    const field: unknown = typeof entry.field === 'string' ? [entry.field] : entry.field;
    return Array.isArray(field) && JSON.stringify(field) === JSON.stringify(defined[i]);
  });
}

function planIndex(def: IndexDefinition, observed: ObservedIndex): PlanEntry {
  const differs: string[] = [];
  if (!sameSource(observed.source, def)) differs.push('source');
  if (!sameFields(observed.terms, def.terms)) differs.push('terms');
  if (!sameFields(observed.values ?? [], def.values ?? [])) differs.push('values');
  if ((observed.unique === true) !== def.unique) differs.push('unique');
  if (differs.length === 0) {
    return { definition: def, action: 'unchanged', reason: observed.active ? 'as defined' : BUILDING, building: !observed.active };
  }
  return {
    definition: def,
    action: 'conflict',
    reason:
      `exists with a different ${differs.join(', ')}, which Fauna cannot change in place: ` +
      `delete index ${def.name} (documents are kept) and run setup again`,
  };
}

/** The reason of an unchanged index whose background build has not finished. */
export const BUILDING = 'still building: Match on it fails until it is active';

function planCollection(def: CollectionDefinition, observed: ObservedCollection): PlanEntry {
  if (def.historyDays !== null && observed.historyDays !== def.historyDays) {
    return { definition: def, action: 'update', reason: `history_days ${observed.historyDays ?? 'default'} -> ${def.historyDays}` };
  }
  return { definition: def, action: 'unchanged', reason: 'as defined' };
}

export function planChanges(schema: readonly SchemaDefinition[], state: SchemaState): PlanEntry[] {
  return schema.map((def): PlanEntry => {
    const observed = state[def.kind][def.name];
    if (observed === null || observed === undefined) return { definition: def, action: 'create', reason: def.purpose };
    switch (def.kind) {
      case 'collection':
        return planCollection(def, observed as ObservedCollection);
      case 'index':
        return planIndex(def, observed as ObservedIndex);
      case 'function':
      case 'role': {
        const stored = (observed as ObservedVersioned).fingerprint;
        if (stored === fingerprint(def)) return { definition: def, action: 'unchanged', reason: 'as defined' };
        return {
          definition: def,
          action: 'update',
          reason: stored === null ? 'exists but was not made by setup:fauna; replacing it' : 'definition changed',
        };
      }
    }
  });
}

// ---- writing -------------------------------------------------------------------------------

function createExpr(def: SchemaDefinition, resolve: ResolveRef): Expr {
  const params = { name: def.name, ...definitionParams(def, resolve), data: managedData(def) };
  switch (def.kind) {
    case 'collection':
      return q.CreateCollection(params);
    case 'index':
      return q.CreateIndex(params);
    case 'function':
      return q.CreateFunction(params);
    case 'role':
      return q.CreateRole(params);
  }
}

function updateExpr(def: SchemaDefinition, resolve: ResolveRef): Expr {
  return q.Update(refByName(def.kind, def.name), { ...definitionParams(def, resolve), data: managedData(def) });
}

/** What the write query answers: how many schema objects it wrote and the keys it created. */
export interface ApplyResult {
  readonly changes: number;
  readonly keys: readonly { readonly role: string; readonly id: string; readonly secret: string }[];
}

/**
 * One transaction: creates and updates in schema order, then any requested keys. An object
 * created here is referred to through the ref its create returned (see fauna/schema.ts).
 */
export function buildApplyQuery(plan: readonly PlanEntry[], keys: readonly ActionKeySpec[]): Expr {
  const bindings: Record<string, Expr>[] = [];
  const bound = new Map<string, string>();
  const resolve: ResolveRef = (ref) => {
    const variable = ref.kind === 'tokens' ? undefined : bound.get(`${ref.kind}:${ref.name}`);
    return variable === undefined ? resolveByName(ref) : q.Var(variable);
  };
  let changes = 0;
  for (const entry of plan) {
    if (entry.action !== 'create' && entry.action !== 'update') continue;
    const variable = `${entry.definition.kind}_${changes}`;
    const write = entry.action === 'create' ? createExpr(entry.definition, resolve) : updateExpr(entry.definition, resolve);
    bindings.push({ [variable]: q.Select('ref', write) });
    if (entry.action === 'create') bound.set(`${entry.definition.kind}:${entry.definition.name}`, variable);
    changes += 1;
  }
  const keyResults = keys.map((key, i) => {
    const variable = `key_${i}`;
    bindings.push({
      [variable]: q.CreateKey({
        role:
          key.roles.length === 1
            ? resolve({ kind: 'role', name: key.roles[0].name })
            : key.roles.map((role) => resolve({ kind: 'role', name: role.name })),
        data: { managed_by: MANAGED_BY, description: `auth0-fauna: ${key.usedBy}` },
      }),
    });
    return { role: keyRolesLabel(key), id: q.Select(['ref', 'id'], q.Var(variable)), secret: q.Select('secret', q.Var(variable)) };
  });
  if (bindings.length === 0) throw new Error('buildApplyQuery called with nothing to write');
  return q.Let(bindings, { changes, keys: keyResults });
}

export function isApplyResult(value: unknown): value is ApplyResult {
  if (!isRecord(value) || typeof value.changes !== 'number' || !Array.isArray(value.keys)) return false;
  return value.keys.every(
    (key: unknown) => isRecord(key) && typeof key.role === 'string' && typeof key.id === 'string' && typeof key.secret === 'string',
  );
}

// ---- waiting for index builds ----------------------------------------------------------------

/**
 * One read: `{name: active}` for each index of the schema. An index created over a collection
 * holding more than 128 documents is built in the background and answers Match with 400
 * `instance not found` until `active` is true (fauna/faunadb model/doc/Index.scala BuildSyncSize).
 */
export function buildIndexActivityQuery(schema: readonly SchemaDefinition[]): Expr {
  const indexes = schema.filter((def): def is IndexDefinition => def.kind === 'index');
  return wrap(Object.fromEntries(indexes.map((def) => [def.name, q.Select('active', q.Get(q.Index(def.name)), true)])));
}

/** The names of the indexes the activity query reports as still building. */
export function buildingIndexes(value: unknown, schema: readonly SchemaDefinition[]): string[] {
  if (!isRecord(value)) throw unexpected('the indexes');
  const names = schema.filter((def) => def.kind === 'index').map((def) => def.name);
  for (const name of names) if (typeof value[name] !== 'boolean') throw unexpected(`index ${name}'s active flag`);
  return names.filter((name) => value[name] === false);
}
