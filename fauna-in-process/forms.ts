/**
 * The FQL v4 functions by their wire name: `{"let": …, "in": …}`, `{"select": …, "from": …}`…
 * Unknown names answer 400 `invalid expression` naming the keys (./evaluator.ts).
 */
import { EvalError, callError, notSupported, type Position } from './errors';
import { rightsOfRole } from './authorization';
import { formatString, toStringValue } from './format';
import { paginate } from './pagination';
import {
  addToDate,
  addToTime,
  dateFromString,
  dateOfTime,
  parseTimeUnit,
  timeBoundsError,
  timeDiff,
  timeFromString,
  timeOfDate,
  toEpoch,
  type TimeUnit,
} from './time';
import { create, createSchema, deleteDoc, elementsOf, getDoc, getSetHead, setHeadReadable, update } from './documents';
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
  check,
  checkWriteEffect,
  closureOf,
  evaluate,
  list,
  presentArg,
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
  nativeRef,
  refEquals,
  selectPath,
  typeName,
  valueEquals,
  type NativeName,
  type ObjectValue,
  type Value,
} from './values';
import { isPlainRecord } from './wire';
import { AUTH_FORMS } from './auth-forms';
import { VALUE_FORMS } from './value-forms';

// Forms ---------------------------------------------------------------------------------------

function schemaRefForm(native: NativeName): Form {
  return {
    optional: ['scope'],
    fn: (ctx, args, env, pos) => {
      const scope = presentArg(ctx, args, 'scope', env, pos);
      if (scope === null) throw invalidArgument('Database Ref', scope, [...pos, 'scope']);
      if (scope !== undefined) throw notSupported('scoped refs (it has one database)', [...pos, 'scope']);
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
      if (arg(ctx, args, primary, env, pos) !== null) throw notSupported('scoped refs (it has one database)', [...pos, primary]);
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

/** And, Or, Do of an empty array: EmptyExpr, a parse error (Parser.scala). */
function nonEmpty(items: unknown[], name: string, pos: Position): unknown[] {
  if (items.length === 0) throw new EvalError(400, 'invalid expression', 'Expression list cannot be empty.', [...pos, name]);
  return items;
}

/** Casts.OneOrMore: one value or a non-empty array of them. */
function oneOrMore(v: Value, pos: Position): Value[] {
  const values = list(v);
  if (values.length === 0) throw new EvalError(400, 'invalid argument', 'Non-empty array expected.', pos);
  return values;
}

/** The type of a JSON literal as the parser names it (InvalidExprType). */
function jsonTypeName(raw: unknown): string {
  if (raw === null || raw === undefined) return 'Null';
  if (typeof raw === 'number') return Number.isInteger(raw) ? 'Integer' : 'Double';
  if (typeof raw === 'string') return 'String';
  if (typeof raw === 'boolean') return 'Boolean';
  return Array.isArray(raw) ? 'Array' : 'Object';
}

function compareForm(ok: (c: number) => boolean): Form {
  return {
    fn: (ctx, args, env, pos) => {
      const [primary] = Object.keys(args);
      const values = oneOrMore(arg(ctx, args, primary, env, pos), [...pos, primary]);
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

/** The native collections Casts.Identifier reads as sets of their documents. */
const NATIVE_SETS = new Set(['databases', 'keys', 'tokens', 'credentials', 'collections', 'indexes', 'functions', 'roles', 'access_providers']);

/** IsNumber, IsTimestamp, IsRef… (ast/functions/TypeCheckFunctions.scala). */
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
    // A native collection's ref (Collections(), Keys()…) is also its documents' set (Casts.Identifier).
    is_set: (v) => v instanceof SetRef || (v instanceof Ref && v.collection === undefined && NATIVE_SETS.has(v.id)),
    // Any ref, not only a document's: IsDocFunction takes a RefL or a VersionL.
    is_doc: (v) => v instanceof Ref || v instanceof Doc,
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

/** TimeAdd/TimeSubtract offsets are integers (ast/functions/TimeFunctions.scala takes a LongL). */
function asInteger(v: Value, pos: Position): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidArgument('Integer', v, pos);
  return v;
}

/**
 * Add and Subtract (NumericFunctions.scala, OneOrMore(Number)): Long arithmetic while every operand
 * is an integer, Double once one is not. A JS number cannot tell the Double 3.0 from the Long 3, so
 * a whole result of Doubles is refused, and so is integer arithmetic past 2^53.
 */
function arithmeticForm(name: 'add' | 'subtract', op: (a: number, b: number) => number): Form {
  return {
    fn: (ctx, args, env, pos) => {
      const raw = arg(ctx, args, name, env, pos);
      const operands = oneOrMore(raw, [...pos, name]).map((v, i) => asNumber(v, Array.isArray(raw) ? [...pos, name, i] : [...pos, name]));
      const result = operands.slice(1).reduce(op, operands[0]);
      const doubles = operands.some((v) => !Number.isInteger(v));
      if (doubles && Number.isInteger(result)) throw notSupported(`a whole-number Double (${name} of non-integers gives e.g. 3.0, which a JS number cannot keep apart from 3)`, pos);
      if (!doubles && !Number.isSafeInteger(result)) throw notSupported('integer arithmetic beyond 2^53', pos);
      return result;
    },
  };
}

/** Create/Update/Replace's optional `params` (Option(Casts.Object)): absent is `{}`, null is not an object. */
function paramsArg(ctx: EvalContext, args: Args, env: Env, pos: Position): ObjectValue {
  const params = presentArg(ctx, args, 'params', env, pos);
  if (params === undefined) return {};
  if (!isObjectValue(params)) throw invalidArgument('Object', params, [...pos, 'params']);
  return params;
}

/** Get and Exists at a past time (`ts`) read history, which the in-process Fauna does not keep. */
function refuseReadAt(args: Args, name: string, pos: Position): void {
  if ('ts' in args) throw notSupported(`${name}'s \`ts\` (a read at another time)`, [...pos, 'ts']);
}

/** Casts.Path: strings and integers, one or an array of them. */
function asPath(ctx: EvalContext, args: Args, key: string, env: Env, pos: Position): (string | number)[] {
  const raw = arg(ctx, args, key, env, pos);
  return list(raw).map((step, i) => {
    if (typeof step === 'string' || (typeof step === 'number' && Number.isInteger(step))) return step;
    throw invalidArgument('String or Integer', step, Array.isArray(raw) ? [...pos, key, i] : [...pos, key]);
  });
}

/** Casts.Temporal: a Time or a Date. */
function asTemporal(v: Value, pos: Position): FaunaTime | FaunaDate {
  if (v instanceof FaunaTime || v instanceof FaunaDate) return v;
  throw invalidArgument('Temporal', v, pos);
}

/** Casts.Timestamp: a Time, or a number of microseconds since the epoch. */
function asTimestamp(v: Value, pos: Position): FaunaTime {
  if (v instanceof FaunaTime) return v;
  if (typeof v === 'number' && Number.isInteger(v)) return FaunaTime.ofMicros(v);
  throw invalidArgument('Time', v, pos);
}

/** Casts.MidstUnit: `second`, `seconds`, … `half day`, `days` (MidstUnit.scala). */
function asTimeUnit(v: Value, pos: Position): TimeUnit {
  const unit = typeof v === 'string' ? parseTimeUnit(v) : undefined;
  if (unit === undefined) throw invalidArgument('Time Unit', v, pos);
  return unit;
}

/** InvalidTimeUnit: a Date moves by days only; the unit named as given. */
function dateUnitError(ctx: EvalContext, args: Args, env: Env, pos: Position): EvalError {
  return new EvalError(400, 'invalid argument', `Invalid time unit '${String(arg(ctx, args, 'unit', env, pos))}'.`, [...pos, 'unit']);
}

/** TimeAdd and TimeSubtract (TimeMathFunction): a Time by any unit, a Date by days only. */
function timeMathForm(name: 'time_add' | 'time_subtract', sign: 1 | -1): Form {
  return {
    optional: ['offset', 'unit'],
    fn: (ctx, args, env, pos) => {
      const base = asTemporal(arg(ctx, args, name, env, pos), [...pos, name]);
      const offset = sign * asInteger(arg(ctx, args, 'offset', env, pos), [...pos, 'offset']);
      const unit = asTimeUnit(arg(ctx, args, 'unit', env, pos), [...pos, 'unit']);
      if (base instanceof FaunaDate && unit !== 'day') throw dateUnitError(ctx, args, env, pos);
      const result = base instanceof FaunaTime ? addToTime(base, offset, unit) : addToDate(base, offset);
      if (result === undefined) throw timeBoundsError([...pos, 'offset']);
      return result;
    },
  };
}

/** What Casts.Identifier reads as a set: a set, or a native collection's ref. */
function isSetLike(v: Value): boolean {
  return v instanceof SetRef || (v instanceof Ref && v.collection === undefined);
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
      // Parser.scala "do": an array, not empty (parse errors, before anything runs).
      if (!Array.isArray(args.do)) throw new EvalError(400, 'invalid expression', `Array expected, ${jsonTypeName(args.do)} provided.`, [...pos, 'do']);
      const steps = nonEmpty(args.do, 'do', pos);
      let last: Value = null;
      steps.forEach((step, i) => {
        last = evaluate(ctx, step, env, [...pos, 'do', i]);
      });
      return last;
    },
  },
  and: {
    fn: (ctx, args, env, pos) => {
      const items = Array.isArray(args.and) ? nonEmpty(args.and, 'and', pos) : [args.and];
      return items.every((item, i) => asBoolean(evaluate(ctx, item, env, [...pos, 'and', i]), [...pos, 'and', i]));
    },
  },
  or: {
    fn: (ctx, args, env, pos) => {
      const items = Array.isArray(args.or) ? nonEmpty(args.or, 'or', pos) : [args.or];
      return items.some((item, i) => asBoolean(evaluate(ctx, item, env, [...pos, 'or', i]), [...pos, 'or', i]));
    },
  },
  not: { fn: (ctx, args, env, pos) => !asBoolean(arg(ctx, args, 'not', env, pos), [...pos, 'not']) },
  equals: {
    fn: (ctx, args, env, pos) => {
      const values = oneOrMore(arg(ctx, args, 'equals', env, pos), [...pos, 'equals']);
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
      throw new EvalError(400, 'transaction aborted', asName(arg(ctx, args, 'abort', env, pos), [...pos, 'abort']), pos);
    },
  },
  add: arithmeticForm('add', (a, b) => a + b),
  subtract: arithmeticForm('subtract', (a, b) => a - b),
  concat: {
    optional: ['separator'],
    fn: (ctx, args, env, pos) => {
      const strings = list(arg(ctx, args, 'concat', env, pos)).map((v, i) => asName(v, Array.isArray(args.concat) ? [...pos, 'concat', i] : [...pos, 'concat']));
      const separator = presentArg(ctx, args, 'separator', env, pos);
      return strings.join(separator === undefined ? '' : asName(separator, [...pos, 'separator']));
    },
  },
  format: {
    optional: ['values'],
    fn: (ctx, args, env, pos) =>
      formatString(asName(arg(ctx, args, 'format', env, pos), [...pos, 'format']), 'values' in args ? list(arg(ctx, args, 'values', env, pos)) : [], pos),
  },
  to_string: { fn: (ctx, args, env, pos) => toStringValue(arg(ctx, args, 'to_string', env, pos), pos) },
  contains_path: {
    optional: ['in'],
    fn: (ctx, args, env, pos) => selectPath(arg(ctx, args, 'in', env, pos), asPath(ctx, args, 'contains_path', env, pos)) !== undefined,
  },
  contains_field: {
    optional: ['in'],
    fn: (ctx, args, env, pos) => selectPath(arg(ctx, args, 'in', env, pos), [asName(arg(ctx, args, 'contains_field', env, pos), [...pos, 'contains_field'])]) !== undefined,
  },
  // With `all`, every value along the path, arrays flattened, as an array (the default unused).
  select: {
    optional: ['from', 'default', 'all'],
    fn: (ctx, args, env, pos) => {
      const path = asPath(ctx, args, 'select', env, pos);
      const from = arg(ctx, args, 'from', env, pos);
      const all = presentArg(ctx, args, 'all', env, pos);
      if (all !== undefined && asBoolean(all, [...pos, 'all'])) {
        const found = selectPath(from, path, true);
        return found === undefined ? [] : Array.isArray(found) ? found : [found];
      }
      const found = selectPath(from, path);
      if (found !== undefined) return found;
      if ('default' in args) return arg(ctx, args, 'default', env, pos);
      throw new EvalError(404, 'value not found', `Value not found at path [${path.join(',')}].`, [...pos, 'from']);
    },
  },
  // MergeFunction (ObjectFunctions.scala): each `with` object in turn, key by key through the
  // lambda (default: the right value); a null result removes the key. Documents merge as objects.
  merge: {
    optional: ['with', 'lambda'],
    fn: (ctx, args, env, pos) => {
      const asMergeable = (v: Value, at: Position): ObjectValue => (v instanceof Doc ? { ref: v.ref, ts: v.ts, ...v.fields } : asObject(v, at));
      const rawWith = arg(ctx, args, 'with', env, pos);
      const left = asMergeable(arg(ctx, args, 'merge', env, pos), [...pos, 'merge']);
      const rights = list(rawWith).map((o, i) => asMergeable(o, Array.isArray(rawWith) ? [...pos, 'with', i] : [...pos, 'with']));
      const lambda = presentArg(ctx, args, 'lambda', env, pos);
      const out: ObjectValue = { ...left };
      for (const right of rights) {
        for (const [key, value] of Object.entries(right)) {
          const merged = lambda === undefined ? value : apply(ctx, lambda, [key, out[key] ?? null, value], pos);
          if (merged === null) delete out[key];
          else out[key] = merged;
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
  // Count of a page is a page holding the count, the page's cursors kept (AbstractFoldFunction.fold).
  count: {
    fn: (ctx, args, env, pos) => {
      const collection = arg(ctx, args, 'count', env, pos);
      if (collection instanceof Page) return new Page([collection.data.length], collection.before, collection.after);
      if (!Array.isArray(collection) && !isSetLike(collection)) throw invalidArgument('Array, Set, or Page', collection, [...pos, 'count']);
      return elementsOf(ctx, collection, [...pos, 'count']).length;
    },
  },
  now: { fn: (ctx) => FaunaTime.ofMicros(ctx.tx.now) },
  time: {
    fn: (ctx, args, env, pos) => timeFromString(asName(arg(ctx, args, 'time', env, pos), [...pos, 'time']), ctx.tx.now, pos),
  },
  date: {
    fn: (ctx, args, env, pos) => dateFromString(asName(arg(ctx, args, 'date', env, pos), [...pos, 'date']), pos),
  },
  epoch: {
    optional: ['unit'],
    fn: (ctx, args, env, pos) => {
      const offset = asInteger(arg(ctx, args, 'epoch', env, pos), [...pos, 'epoch']);
      const unit = asTimeUnit(arg(ctx, args, 'unit', env, pos), [...pos, 'unit']);
      const time = addToTime(new FaunaTime(0n), offset, unit);
      if (time === undefined) throw timeBoundsError(pos);
      return time;
    },
  },
  time_add: timeMathForm('time_add', 1),
  time_subtract: timeMathForm('time_subtract', -1),
  time_diff: {
    optional: ['other', 'unit'],
    fn: (ctx, args, env, pos) => {
      const start = asTemporal(arg(ctx, args, 'time_diff', env, pos), [...pos, 'time_diff']);
      const finish = asTemporal(arg(ctx, args, 'other', env, pos), [...pos, 'other']);
      const unit = asTimeUnit(arg(ctx, args, 'unit', env, pos), [...pos, 'unit']);
      if (start instanceof FaunaTime && finish instanceof FaunaTime) {
        const diff = timeDiff(start, finish, unit);
        // A difference outside a Long overflows in the core (Instant.until): not modelled.
        if (diff > 9_223_372_036_854_775_807n || diff < -9_223_372_036_854_775_808n) throw notSupported('a TimeDiff larger than a Long', pos);
        return Number(diff);
      }
      if (start instanceof FaunaDate && finish instanceof FaunaDate) {
        if (unit !== 'day') throw dateUnitError(ctx, args, env, pos);
        return finish.epochDay - start.epochDay;
      }
      throw new EvalError(400, 'invalid argument', 'Incompatible time arguments.', [...pos, 'time_diff']);
    },
  },
  to_seconds: { fn: (ctx, args, env, pos) => toEpoch(asTimestamp(arg(ctx, args, 'to_seconds', env, pos), [...pos, 'to_seconds']), 'second') },
  to_millis: { fn: (ctx, args, env, pos) => toEpoch(asTimestamp(arg(ctx, args, 'to_millis', env, pos), [...pos, 'to_millis']), 'millisecond') },
  to_micros: { fn: (ctx, args, env, pos) => toEpoch(asTimestamp(arg(ctx, args, 'to_micros', env, pos), [...pos, 'to_micros']), 'microsecond') },
  // ToTime: a number is epoch milliseconds here (ConversionFunctions.scala), unlike ToSeconds' microseconds.
  to_time: {
    fn: (ctx, args, env, pos) => {
      const v = arg(ctx, args, 'to_time', env, pos);
      if (v instanceof FaunaTime) return v;
      if (typeof v === 'number' && Number.isInteger(v)) return FaunaTime.ofMillis(v);
      if (v instanceof FaunaDate) return timeOfDate(v);
      if (typeof v === 'string') return timeFromString(v, ctx.tx.now, pos);
      throw new EvalError(400, 'invalid argument', `Cannot cast ${typeName(v)} to Time.`, pos);
    },
  },
  to_date: {
    fn: (ctx, args, env, pos) => {
      const v = arg(ctx, args, 'to_date', env, pos);
      if (v instanceof FaunaDate) return v;
      if (v instanceof FaunaTime) return dateOfTime(v);
      if (typeof v === 'string') return dateFromString(v, pos);
      throw new EvalError(400, 'invalid argument', `Cannot cast ${typeName(v)} to Date.`, pos);
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
      refuseReadAt(args, 'Exists', pos);
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
      refuseReadAt(args, 'Get', pos);
      const target = arg(ctx, args, 'get', env, pos);
      // A native collection's ref is the set of its documents (Casts.Identifier): its first one.
      if (target instanceof SetRef || (target instanceof Ref && target.collection === undefined)) return getSetHead(ctx, target, pos);
      return getDoc(ctx, asRef(target, [...pos, 'get']), pos);
    },
  },
  paginate: {
    optional: ['size', 'after', 'before', 'ts', 'events', 'sources', 'cursor'],
    fn: (ctx, args, env, pos) => {
      // Which cursor keys may go together is the core's form table (Parser.scala): one of them.
      const cursors = ['after', 'before', 'cursor'].filter((k) => k in args);
      if (cursors.length > 1) {
        throw new EvalError(400, 'invalid expression', `No form/function found, or invalid argument keys: { ${Object.keys(args).join(', ')} }.`, pos);
      }
      const options = Object.fromEntries(
        (['after', 'before', 'cursor', 'size', 'ts', 'events', 'sources'] as const)
          .filter((k) => k in args)
          .map((k) => [k, arg(ctx, args, k, env, pos)]),
      );
      return paginate(ctx, arg(ctx, args, 'paginate', env, pos), options, pos);
    },
  },
  create: {
    optional: ['params'],
    fn: (ctx, args, env, pos) =>
      create(ctx, asRef(arg(ctx, args, 'create', env, pos), [...pos, 'create']), paramsArg(ctx, args, env, pos), pos),
  },
  update: {
    optional: ['params'],
    fn: (ctx, args, env, pos) =>
      update(ctx, asRef(arg(ctx, args, 'update', env, pos), [...pos, 'update']), paramsArg(ctx, args, env, pos), false, pos),
  },
  replace: {
    optional: ['params'],
    fn: (ctx, args, env, pos) =>
      update(ctx, asRef(arg(ctx, args, 'replace', env, pos), [...pos, 'replace']), paramsArg(ctx, args, env, pos), true, pos),
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
      const callPos = ctx.callPos ?? pos;
      const inner: EvalContext = rights === undefined ? { ...ctx, callPos } : { ...ctx, callPos, caller: { ...ctx.caller, rights } };
      try {
        return apply(inner, fn.fields.body ?? null, callArgs, []);
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
        throw callError(pos, err);
      }
    },
  },
  identity: { fn: (ctx, _args, _env, pos) => currentIdentity(ctx, pos) },
  current_identity: { fn: (ctx, _args, _env, pos) => currentIdentity(ctx, pos) },
  has_identity: { fn: (ctx) => ctx.caller.identity !== undefined },
  has_current_identity: { fn: (ctx) => ctx.caller.identity !== undefined },
  // The token's ref, or the key's when the key is a document of this database; a key from outside
  // it (the configured admin/server secrets, like the core's root key or a parent's key) has none
  // (AuthFunctions.scala CurrentTokenFunction).
  current_token: {
    fn: (ctx, _args, _env, pos) => {
      const current = ctx.caller.token ?? ctx.caller.key;
      if (current === undefined) throw new EvalError(400, 'invalid token', 'Token metadata is not accessible.', pos);
      return current;
    },
  },
  has_current_token: { fn: (ctx) => (ctx.caller.token ?? ctx.caller.key) !== undefined },
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

