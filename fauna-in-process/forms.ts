/**
 * The FQL v4 functions by their wire name: `{"let": …, "in": …}`, `{"select": …, "from": …}`…
 * Unknown names answer 400 `invalid expression` naming the keys (./evaluator.ts).
 */
import { EvalError, type Position } from './errors';
import { rightsOfRole } from './authorization';
import { create, createSchema, deleteDoc, elementsOf, getDoc, getSetHead, setElements, setHeadReadable, update } from './documents';
import { classKeyOf } from './storage';
import {
  allowed,
  apply,
  arg,
  asBoolean,
  asName,
  asNumber,
  asObject,
  asRef,
  asTime,
  check,
  checkWriteEffect,
  closureOf,
  evaluate,
  list,
  optionalArg,
  type Args,
  type EvalContext,
  type Form,
} from './evaluator';
import {
  Closure,
  Doc,
  Env,
  FaunaDate,
  FaunaTime,
  Page,
  QueryValue,
  Ref,
  SetRef,
  compareValues,
  invalidArgument,
  isObjectValue,
  microsPerUnit,
  nativeRef,
  parseTime,
  refEquals,
  selectPath,
  timeToIso,
  valueEquals,
  type NativeName,
  type Value,
} from './values';
import { isPlainRecord, render } from './wire';
import { AUTH_FORMS } from './auth-forms';
import { VALUE_FORMS } from './value-forms';

// Forms ---------------------------------------------------------------------------------------

function schemaRefForm(native: NativeName): Form {
  return {
    optional: ['scope'],
    fn: (ctx, args, env, pos) => {
      if (optionalArg(ctx, args, 'scope', env, pos) !== undefined) {
        throw new EvalError(400, 'invalid expression', 'The fake has one database: scoped refs are not supported.', pos);
      }
      const primary = Object.keys(args).find((k) => k !== 'scope') as string;
      const name = asName(arg(ctx, args, primary, env, pos), [...pos, primary]);
      // Names resolve through the committed schema only (the core's schema cache): an object this
      // transaction created is reachable through the ref its create returned, not by name.
      return new Ref(name, nativeRef(native), ctx.tx.getCommitted(`#${native}`, name) === undefined);
    },
  };
}

function nativeSetForm(native: NativeName): Form {
  return {
    fn: (ctx, args, env, pos) => {
      const [primary] = Object.keys(args);
      if (arg(ctx, args, primary, env, pos) !== null) {
        throw new EvalError(400, 'invalid expression', 'The fake has one database: scoped refs are not supported.', pos);
      }
      return nativeRef(native);
    },
  };
}

function createForm(native: NativeName): Form {
  return {
    fn: (ctx, args, env, pos) => {
      const [primary] = Object.keys(args);
      return createSchema(ctx, native, asObject(arg(ctx, args, primary, env, pos), [...pos, primary]), pos);
    },
  };
}

function compareForm(ok: (c: number) => boolean): Form {
  return {
    fn: (ctx, args, env, pos) => {
      const [primary] = Object.keys(args);
      const values = list(arg(ctx, args, primary, env, pos));
      for (let i = 1; i < values.length; i += 1) if (!ok(compareValues(values[i - 1], values[i]))) return false;
      return true;
    },
  };
}

/** A document ref of the given native collection, e.g. `Index('x')` for is_index. */
function isSchemaRef(v: Value, native: NativeName): boolean {
  const ref = v instanceof Doc ? v.ref : v;
  return ref instanceof Ref && ref.collection?.id === native && ref.collection.collection === undefined;
}

/** IsNumber, IsTimestamp, IsRef… (ast/functions/TypeFunctions.scala). */
function typeTests(): Record<string, Form> {
  const tests: Record<string, (v: Value) => boolean> = {
    is_number: (v) => typeof v === 'number',
    is_integer: (v) => typeof v === 'number' && Number.isInteger(v),
    is_double: (v) => typeof v === 'number' && !Number.isInteger(v),
    is_boolean: (v) => typeof v === 'boolean',
    is_string: (v) => typeof v === 'string',
    is_timestamp: (v) => v instanceof FaunaTime,
    is_date: (v) => v instanceof FaunaDate,
    is_array: (v) => Array.isArray(v),
    is_object: (v) => isObjectValue(v) || v instanceof Doc || v instanceof Page,
    is_ref: (v) => v instanceof Ref,
    is_set: (v) => v instanceof SetRef,
    is_doc: (v) => v instanceof Doc,
    is_lambda: (v) => v instanceof Closure || v instanceof QueryValue,
    is_collection: (v) => isSchemaRef(v, 'collections'),
    is_index: (v) => isSchemaRef(v, 'indexes'),
    is_function: (v) => isSchemaRef(v, 'functions'),
    is_role: (v) => isSchemaRef(v, 'roles'),
    is_key: (v) => isSchemaRef(v, 'keys'),
    is_token: (v) => isSchemaRef(v, 'tokens'),
    is_database: (v) => isSchemaRef(v, 'databases'),
    is_credentials: (v) => isSchemaRef(v, 'credentials'),
  };
  return Object.fromEntries(
    Object.entries(tests).map(([name, test]): [string, Form] => [name, { fn: (ctx, args, env, pos) => test(arg(ctx, args, name, env, pos)) }]),
  );
}

function currentIdentity(ctx: EvalContext, pos: Position): Ref {
  if (ctx.caller.identity === undefined) {
    throw new EvalError(400, 'missing identity', 'Authentication does not contain an identity', pos);
  }
  return ctx.caller.identity;
}

function formatString(format: string, values: Value[]): string {
  let i = 0;
  return format.replace(/%(%|[sdfb@])/g, (_m, spec: string) => {
    if (spec === '%') return '%';
    const v = values[i++];
    if (spec === '@') return JSON.stringify(render(v ?? null));
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(render(v ?? null));
  });
}

/** TimeAdd/TimeSubtract offsets are integers (ast/functions/TimeFunctions.scala takes a LongL). */
function asInteger(v: Value, pos: Position): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidArgument('Integer', v, pos);
  return v;
}

/** IsEmpty/IsNonEmpty: arrays and pages by length, sets as `Exists` sees them (ArrayFunctions.scala). */
function isNonEmpty(ctx: EvalContext, collection: Value, pos: Position): boolean {
  if (Array.isArray(collection)) return collection.length > 0;
  if (collection instanceof Page) return collection.data.length > 0;
  return setHeadReadable(ctx, collection, [...pos, 'exists']);
}

export const FORMS: Readonly<Record<string, Form>> = {
  let: {
    optional: ['in'],
    fn: (ctx, args, env, pos) => {
      const scope = new Env(env);
      const bindings = args.let;
      const pairs: [string, unknown, Position][] = Array.isArray(bindings)
        ? bindings.flatMap((b, i) => Object.entries(b as Args).map(([k, v]): [string, unknown, Position] => [k, v, [...pos, 'let', i, k]]))
        : Object.entries(bindings as Args).map(([k, v]): [string, unknown, Position] => [k, v, [...pos, 'let', k]]);
      for (const [name, expr, at] of pairs) scope.bind(name, evaluate(ctx, expr, scope, at));
      return evaluate(ctx, args.in, scope, [...pos, 'in']);
    },
  },
  var: {
    fn: (ctx, args, env, pos) => {
      const name = asName(arg(ctx, args, 'var', env, pos), pos);
      const value = env.lookup(name);
      if (value === undefined) throw new EvalError(400, 'invalid expression', `Variable '${name}' is not defined.`, pos);
      return value;
    },
  },
  if: {
    optional: ['then', 'else'],
    fn: (ctx, args, env, pos) =>
      asBoolean(arg(ctx, args, 'if', env, pos), [...pos, 'if'])
        ? arg(ctx, args, 'then', env, pos)
        : arg(ctx, args, 'else', env, pos),
  },
  do: {
    fn: (ctx, args, env, pos) => {
      const steps = Array.isArray(args.do) ? args.do : [args.do];
      let last: Value = null;
      steps.forEach((step, i) => {
        last = evaluate(ctx, step, env, [...pos, 'do', i]);
      });
      return last;
    },
  },
  and: {
    fn: (ctx, args, env, pos) => {
      const items = Array.isArray(args.and) ? args.and : [args.and];
      return items.every((item, i) => asBoolean(evaluate(ctx, item, env, [...pos, 'and', i]), [...pos, 'and', i]));
    },
  },
  or: {
    fn: (ctx, args, env, pos) => {
      const items = Array.isArray(args.or) ? args.or : [args.or];
      return items.some((item, i) => asBoolean(evaluate(ctx, item, env, [...pos, 'or', i]), [...pos, 'or', i]));
    },
  },
  not: { fn: (ctx, args, env, pos) => !asBoolean(arg(ctx, args, 'not', env, pos), [...pos, 'not']) },
  equals: {
    fn: (ctx, args, env, pos) => {
      const values = list(arg(ctx, args, 'equals', env, pos));
      return values.every((v) => valueEquals(v, values[0]));
    },
  },
  gt: compareForm((c) => c > 0),
  gte: compareForm((c) => c >= 0),
  lt: compareForm((c) => c < 0),
  lte: compareForm((c) => c <= 0),
  is_null: { fn: (ctx, args, env, pos) => arg(ctx, args, 'is_null', env, pos) === null },
  ...typeTests(),
  is_empty: { fn: (ctx, args, env, pos) => !isNonEmpty(ctx, arg(ctx, args, 'is_empty', env, pos), pos) },
  is_nonempty: { fn: (ctx, args, env, pos) => isNonEmpty(ctx, arg(ctx, args, 'is_nonempty', env, pos), pos) },
  abort: {
    fn: (ctx, args, env, pos) => {
      throw new EvalError(400, 'transaction aborted', String(arg(ctx, args, 'abort', env, pos)), pos);
    },
  },
  add: { fn: (ctx, args, env, pos) => list(arg(ctx, args, 'add', env, pos)).reduce<number>((s, v) => s + asNumber(v, pos), 0) },
  subtract: {
    fn: (ctx, args, env, pos) => {
      const [first, ...rest] = list(arg(ctx, args, 'subtract', env, pos)).map((v) => asNumber(v, pos));
      return rest.reduce((s, v) => s - v, first);
    },
  },
  concat: {
    optional: ['separator'],
    fn: (ctx, args, env, pos) => {
      const separator = optionalArg(ctx, args, 'separator', env, pos) ?? '';
      return list(arg(ctx, args, 'concat', env, pos)).map((v) => asName(v, pos)).join(asName(separator, pos));
    },
  },
  format: {
    optional: ['values'],
    fn: (ctx, args, env, pos) =>
      formatString(asName(arg(ctx, args, 'format', env, pos), pos), 'values' in args ? list(arg(ctx, args, 'values', env, pos)) : []),
  },
  to_string: {
    fn: (ctx, args, env, pos) => {
      const v = arg(ctx, args, 'to_string', env, pos);
      if (v instanceof FaunaTime) return timeToIso(v);
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
      throw invalidArgument('Scalar', v, pos);
    },
  },
  contains_path: {
    optional: ['in'],
    fn: (ctx, args, env, pos) => {
      const path = list(arg(ctx, args, 'contains_path', env, pos)).filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
      return selectPath(arg(ctx, args, 'in', env, pos), path) !== undefined;
    },
  },
  contains_field: {
    optional: ['in'],
    fn: (ctx, args, env, pos) => selectPath(arg(ctx, args, 'in', env, pos), [asName(arg(ctx, args, 'contains_field', env, pos), pos)]) !== undefined,
  },
  select: {
    optional: ['from', 'default', 'all'],
    fn: (ctx, args, env, pos) => {
      const rawPath = arg(ctx, args, 'select', env, pos);
      const path = list(rawPath).map((p) => {
        if (typeof p !== 'string' && typeof p !== 'number') throw invalidArgument('String or Number', p, [...pos, 'select']);
        return p;
      });
      const found = selectPath(arg(ctx, args, 'from', env, pos), path);
      if (found !== undefined) return found;
      if ('default' in args) return arg(ctx, args, 'default', env, pos);
      throw new EvalError(404, 'value not found', `Value not found at path [${path.join(',')}].`, [...pos, 'from']);
    },
  },
  merge: {
    optional: ['with'],
    fn: (ctx, args, env, pos) => {
      let out = asObject(arg(ctx, args, 'merge', env, pos), [...pos, 'merge']);
      for (const patch of list(arg(ctx, args, 'with', env, pos))) {
        out = { ...out };
        for (const [k, v] of Object.entries(asObject(patch, [...pos, 'with']))) {
          if (v === null) delete out[k];
          else out[k] = v;
        }
      }
      return out;
    },
  },
  lambda: {
    optional: ['expr'],
    fn: (_ctx, args, env, pos) => closureOf(args, env, pos),
  },
  query: {
    fn: (_ctx, args, env, pos) => {
      const lambda = args.query;
      if (!isPlainRecord(lambda) || !('lambda' in lambda)) throw new EvalError(400, 'invalid expression', 'Invalid lambda.', [...pos, 'query']);
      return new QueryValue(closureOf(lambda, env, [...pos, 'query']));
    },
  },
  map: {
    optional: ['collection'],
    fn: (ctx, args, env, pos) => {
      const fn = arg(ctx, args, 'map', env, pos);
      const collection = arg(ctx, args, 'collection', env, pos);
      const mapped = (items: Value[]) => items.map((item) => apply(ctx, fn, item, [...pos, 'map']));
      if (Array.isArray(collection)) return mapped(collection);
      if (collection instanceof Page) return new Page(mapped(collection.data), collection.before, collection.after);
      throw invalidArgument('Array or Page', collection, [...pos, 'collection']);
    },
  },
  foreach: {
    optional: ['collection'],
    fn: (ctx, args, env, pos) => {
      const fn = arg(ctx, args, 'foreach', env, pos);
      const collection = arg(ctx, args, 'collection', env, pos);
      if (!Array.isArray(collection) && !(collection instanceof Page)) throw invalidArgument('Array or Page', collection, [...pos, 'collection']);
      for (const item of elementsOf(ctx, collection, pos)) apply(ctx, fn, item, [...pos, 'foreach']);
      return collection;
    },
  },
  filter: {
    optional: ['collection'],
    fn: (ctx, args, env, pos) => {
      const fn = arg(ctx, args, 'filter', env, pos);
      const collection = arg(ctx, args, 'collection', env, pos);
      const kept = (items: Value[]) => items.filter((item) => asBoolean(apply(ctx, fn, item, [...pos, 'filter']), [...pos, 'filter']));
      if (Array.isArray(collection)) return kept(collection);
      if (collection instanceof Page) return new Page(kept(collection.data), collection.before, collection.after);
      throw invalidArgument('Array or Page', collection, [...pos, 'collection']);
    },
  },
  count: { fn: (ctx, args, env, pos) => elementsOf(ctx, arg(ctx, args, 'count', env, pos), [...pos, 'count']).length },
  now: { fn: (ctx) => new FaunaTime(ctx.tx.now) },
  time: {
    fn: (ctx, args, env, pos) => {
      const iso = asName(arg(ctx, args, 'time', env, pos), [...pos, 'time']);
      return iso === 'now' ? new FaunaTime(ctx.tx.now) : parseTime(iso, [...pos, 'time']);
    },
  },
  epoch: {
    optional: ['unit'],
    fn: (ctx, args, env, pos) =>
      new FaunaTime(Math.floor(asNumber(arg(ctx, args, 'epoch', env, pos), pos) * microsPerUnit(arg(ctx, args, 'unit', env, pos), [...pos, 'unit']))),
  },
  time_add: {
    optional: ['offset', 'unit'],
    fn: (ctx, args, env, pos) => {
      const base = asTime(arg(ctx, args, 'time_add', env, pos), [...pos, 'time_add']);
      const offset = asInteger(arg(ctx, args, 'offset', env, pos), [...pos, 'offset']);
      return new FaunaTime(base.micros + Math.floor(offset * microsPerUnit(arg(ctx, args, 'unit', env, pos), [...pos, 'unit'])));
    },
  },
  time_subtract: {
    optional: ['offset', 'unit'],
    fn: (ctx, args, env, pos) => {
      const base = asTime(arg(ctx, args, 'time_subtract', env, pos), [...pos, 'time_subtract']);
      const offset = asInteger(arg(ctx, args, 'offset', env, pos), [...pos, 'offset']);
      return new FaunaTime(base.micros - Math.floor(offset * microsPerUnit(arg(ctx, args, 'unit', env, pos), [...pos, 'unit'])));
    },
  },
  time_diff: {
    optional: ['other', 'unit'],
    fn: (ctx, args, env, pos) => {
      const start = asTime(arg(ctx, args, 'time_diff', env, pos), [...pos, 'time_diff']);
      const finish = asTime(arg(ctx, args, 'other', env, pos), [...pos, 'other']);
      return Math.trunc((finish.micros - start.micros) / microsPerUnit(arg(ctx, args, 'unit', env, pos), [...pos, 'unit']));
    },
  },
  to_seconds: { fn: (ctx, args, env, pos) => Math.floor(asTime(arg(ctx, args, 'to_seconds', env, pos), pos).micros / 1_000_000) },
  to_millis: { fn: (ctx, args, env, pos) => Math.floor(asTime(arg(ctx, args, 'to_millis', env, pos), pos).micros / 1_000) },
  to_micros: { fn: (ctx, args, env, pos) => asTime(arg(ctx, args, 'to_micros', env, pos), pos).micros },
  to_time: {
    fn: (ctx, args, env, pos) => {
      const v = arg(ctx, args, 'to_time', env, pos);
      return v instanceof FaunaTime ? v : parseTime(asName(v, pos), pos);
    },
  },
  collection: schemaRefForm('collections'),
  class: schemaRefForm('collections'),
  index: schemaRefForm('indexes'),
  role: schemaRefForm('roles'),
  function: schemaRefForm('functions'),
  collections: nativeSetForm('collections'),
  classes: nativeSetForm('collections'),
  indexes: nativeSetForm('indexes'),
  roles: nativeSetForm('roles'),
  functions: nativeSetForm('functions'),
  keys: nativeSetForm('keys'),
  tokens: nativeSetForm('tokens'),
  databases: nativeSetForm('databases'),
  access_providers: nativeSetForm('access_providers'),
  ref: {
    optional: ['id'],
    fn: (ctx, args, env, pos) => {
      const collection = asRef(arg(ctx, args, 'ref', env, pos), [...pos, 'ref']);
      const id = arg(ctx, args, 'id', env, pos);
      if (typeof id !== 'string' && typeof id !== 'number') throw invalidArgument('String or Number', id, [...pos, 'id']);
      return new Ref(String(id), collection);
    },
  },
  documents: {
    fn: (ctx, args, env, pos) => new SetRef({ kind: 'documents', collection: asRef(arg(ctx, args, 'documents', env, pos), [...pos, 'documents']) }),
  },
  match: {
    optional: ['terms'],
    fn: (ctx, args, env, pos) => {
      const index = asRef(arg(ctx, args, 'match', env, pos), [...pos, 'match']);
      const terms = 'terms' in args ? arg(ctx, args, 'terms', env, pos) : [];
      // An index still being built cannot be read (SetFunctions.scala MatchFunction: IndexInactive).
      const built = index.collection?.id === 'indexes' && index.collection.collection === undefined ? ctx.tx.get('#indexes', index.id) : undefined;
      if (built?.fields.active === false) {
        throw new EvalError(400, 'instance not found', `Index '${index.id}' is not active.`, [...pos, 'index']);
      }
      return new SetRef({ kind: 'match', index, terms });
    },
  },
  exists: {
    optional: ['ts'],
    fn: (ctx, args, env, pos) => {
      const target = arg(ctx, args, 'exists', env, pos);
      if (target instanceof SetRef) return setHeadReadable(ctx, target, [...pos, 'exists']);
      const ref = asRef(target, [...pos, 'exists']);
      if (ref.collection === undefined) return true;
      const key = classKeyOf(ref.collection);
      if (ref.unresolved || ref.collection.unresolved) return false;
      if (!key.startsWith('#') && ctx.tx.get('#collections', key) === undefined) return false;
      // A document the caller may not read does not exist for it (ReadAdaptor `exists`).
      return allowed(ctx, { name: 'read', ref }) && ctx.tx.get(key, ref.id) !== undefined;
    },
  },
  get: {
    optional: ['ts'],
    fn: (ctx, args, env, pos) => {
      const target = arg(ctx, args, 'get', env, pos);
      if (target instanceof SetRef) {
        return getSetHead(ctx, target, pos);
      }
      return getDoc(ctx, asRef(target, [...pos, 'get']), pos);
    },
  },
  paginate: {
    optional: ['size', 'after', 'before', 'ts', 'events', 'sources', 'cursor'],
    fn: (ctx, args, env, pos) => {
      if (optionalArg(ctx, args, 'events', env, pos) === true) {
        throw new EvalError(400, 'invalid expression', 'The fake does not support event pagination.', pos);
      }
      const elements = setElements(ctx, arg(ctx, args, 'paginate', env, pos), [...pos, 'paginate']);
      const size = optionalArg(ctx, args, 'size', env, pos) ?? 64;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100_000) {
        throw new EvalError(400, 'invalid argument', 'Number between 1 and 100000 expected.', [...pos, 'size']);
      }
      const cursorOf = (v: Value) => (Array.isArray(v) ? v : [v]);
      const after = optionalArg(ctx, args, 'after', env, pos);
      const before = optionalArg(ctx, args, 'before', env, pos);
      let start = 0;
      let end = elements.length;
      if (after !== undefined) {
        const found = elements.findIndex((e) => compareValues(e.cursor, cursorOf(after)) >= 0);
        start = found === -1 ? elements.length : found;
        end = Math.min(elements.length, start + size);
      } else if (before !== undefined) {
        const found = elements.findIndex((e) => compareValues(e.cursor, cursorOf(before)) >= 0);
        end = found === -1 ? elements.length : found;
        start = Math.max(0, end - size);
      } else {
        end = Math.min(elements.length, size);
      }
      return new Page(
        elements.slice(start, end).map((e) => e.value),
        start > 0 ? elements[start].cursor : undefined,
        end < elements.length ? elements[end].cursor : undefined,
      );
    },
  },
  create: {
    optional: ['params'],
    fn: (ctx, args, env, pos) =>
      create(ctx, asRef(arg(ctx, args, 'create', env, pos), [...pos, 'create']), asObject(optionalArg(ctx, args, 'params', env, pos), [...pos, 'params']), pos),
  },
  update: {
    optional: ['params'],
    fn: (ctx, args, env, pos) =>
      update(ctx, asRef(arg(ctx, args, 'update', env, pos), [...pos, 'update']), asObject(optionalArg(ctx, args, 'params', env, pos), [...pos, 'params']), false, pos),
  },
  replace: {
    optional: ['params'],
    fn: (ctx, args, env, pos) =>
      update(ctx, asRef(arg(ctx, args, 'replace', env, pos), [...pos, 'replace']), asObject(optionalArg(ctx, args, 'params', env, pos), [...pos, 'params']), true, pos),
  },
  delete: { fn: (ctx, args, env, pos) => deleteDoc(ctx, asRef(arg(ctx, args, 'delete', env, pos), [...pos, 'delete']), pos) },
  create_collection: createForm('collections'),
  create_class: createForm('collections'),
  create_index: createForm('indexes'),
  create_role: createForm('roles'),
  create_function: createForm('functions'),
  create_key: createForm('keys'),
  call: {
    optional: ['arguments'],
    fn: (ctx, args, env, pos) => {
      const target = arg(ctx, args, 'call', env, pos);
      const ref = typeof target === 'string' ? new Ref(target, nativeRef('functions')) : asRef(target, [...pos, 'call']);
      if (ref.collection?.id !== 'functions') throw invalidArgument('Function Ref', ref, [...pos, 'call']);
      const fn = ref.unresolved ? undefined : ctx.tx.get('#functions', ref.id);
      if (fn === undefined) throw new EvalError(400, 'invalid ref', `Ref refers to undefined function '${ref.id}'`, [...pos, 'call']);
      const callArgs = 'arguments' in args ? arg(ctx, args, 'arguments', env, pos) : [];
      check(ctx, { name: 'call', fn: fn.ref, args: callArgs }, pos);
      // With a role the body runs with that role's rights; the identity stays the caller's (Auth.changeRole).
      const rights = rightsOfRole(ctx.tx, fn.fields.role);
      const inner: EvalContext = rights === undefined ? ctx : { ...ctx, caller: { ...ctx.caller, rights } };
      try {
        return apply(inner, fn.fields.body ?? null, callArgs, []);
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
        throw new EvalError(400, 'call error', 'Calling the function resulted in an error.', pos, [err]);
      }
    },
  },
  identity: { fn: (ctx, _args, _env, pos) => currentIdentity(ctx, pos) },
  current_identity: { fn: (ctx, _args, _env, pos) => currentIdentity(ctx, pos) },
  has_identity: { fn: (ctx) => ctx.caller.identity !== undefined },
  has_current_identity: { fn: (ctx) => ctx.caller.identity !== undefined },
  current_token: {
    fn: (ctx, _args, _env, pos) => {
      if (ctx.caller.token === undefined) throw new EvalError(400, 'invalid token', 'Token metadata is not accessible.', pos);
      return ctx.caller.token;
    },
  },
  has_current_token: { fn: (ctx) => ctx.caller.token !== undefined },
  // No permission check: a token may always end itself (AuthFunctions.scala LogoutFunction).
  logout: {
    fn: (ctx, args, env, pos) => {
      const all = asBoolean(arg(ctx, args, 'logout', env, pos), [...pos, 'logout']);
      const { identity, token } = ctx.caller;
      checkWriteEffect(ctx, pos);
      if (identity === undefined || token === undefined) return false;
      const tokens = all
        ? ctx.tx.scan('#tokens').filter((t) => t.fields.instance instanceof Ref && refEquals(t.fields.instance, identity))
        : ctx.tx.scan('#tokens').filter((t) => t.ref.id === token.id);
      for (const doc of tokens) ctx.tx.remove('#tokens', doc.ref.id);
      return true;
    },
  },
  ...VALUE_FORMS,
  ...AUTH_FORMS,
};

