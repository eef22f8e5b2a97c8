/**
 * FQL v4 functions over values that role predicates use to check a document's shape
 * (fauna/field-rules.ts): ToArray, ContainsValue, All, Any, Length; and Sum and Take, which the
 * project's functions use (fauna/login-functions.ts). Each follows the core's
 * implementation (paths under ext/model/src/main/scala/ast/functions/); what the core does and
 * this module cannot (a document or a set inside ContainsValue) is a 400 naming it.
 */
import { EvalError, type Position } from './errors';
import { setElements } from './documents';
import { arg, type EvalContext, type Form } from './evaluator';
import { Doc, Page, Ref, SetRef, docAsObject, invalidArgument, isObjectValue, typeName, valueEquals, type Value } from './values';

/** `ToArray`: an array as is, an object (or a document's fields) as `[key, value]` pairs in order (ConversionFunctions.scala ToArrayFunction). */
function toArray(v: Value, pos: Position): Value {
  if (Array.isArray(v)) return v;
  const object = v instanceof Doc ? docAsObject(v) : isObjectValue(v) ? v : undefined;
  if (object === undefined) throw new EvalError(400, 'invalid argument', `Cannot cast ${typeName(v)} to Array.`, pos);
  return Object.entries(object).map(([key, value]) => [key, value]);
}

/**
 * `ContainsValue(value, in)` (BasicFunctions.scala ContainsValueFunction): an array's elements,
 * an object's top-level values (not nested ones), a ref's id string or collection; a page
 * compares its whole `data` array (the core's own quirk) and its cursors; a scalar is refused.
 */
function containsValue(value: Value, container: Value, pos: Position): boolean {
  if (Array.isArray(container)) return container.some((item) => valueEquals(item, value));
  if (container instanceof Ref) {
    // One database here: a ref never lies in another scope, so the core's database clause is false.
    return value === container.id || (container.collection !== undefined && valueEquals(container.collection, value));
  }
  if (container instanceof Page) {
    const cursorIs = (cursor: Value | undefined) => cursor !== undefined && valueEquals(Array.isArray(cursor) ? cursor : [cursor], value);
    return valueEquals(container.data, value) || cursorIs(container.before) || cursorIs(container.after);
  }
  if (container instanceof Doc || container instanceof SetRef) {
    throw new EvalError(400, 'invalid expression', `The in-process Fauna does not support ContainsValue in a ${container instanceof Doc ? 'document' : 'set'}.`, pos);
  }
  if (isObjectValue(container)) return Object.values(container).some((item) => valueEquals(item, value));
  throw invalidArgument('Object, Array, Page, Set, or Ref', container, pos);
}

/**
 * `All`/`Any` (ReduceFunctions.scala AbstractBooleanFunction over AbstractFoldFunction): every
 * element must be a boolean (else 400 `invalid argument`), an empty array gives the seed (true
 * for All, false for Any); a page answers a page holding the one result; a set is read as
 * Paginate would read it, filtered by the caller's read rights.
 */
function booleanFold(name: 'all' | 'any'): Form {
  const seed = name === 'all';
  return {
    fn: (ctx, args, env, pos) => {
      const collection = arg(ctx, args, name, env, pos);
      const fold = (items: readonly Value[]): boolean => {
        let acc = seed;
        for (const item of items) {
          if (typeof item !== 'boolean') throw invalidArgument('Boolean', item, [...pos, name]);
          acc = name === 'all' ? acc && item : acc || item;
        }
        return acc;
      };
      if (Array.isArray(collection)) return fold(collection);
      if (collection instanceof Page) return new Page([fold(collection.data)], collection.before, collection.after);
      if (collection instanceof SetRef) return fold(setElements(ctx, collection, [...pos, name]).map((e) => e.value));
      throw invalidArgument('Array, Set, or Page', collection, [...pos, name]);
    },
  };
}

/**
 * `Sum` (ReduceFunctions.scala AbstractSumFunction): numbers added from 0, an empty array gives
 * 0; like All and Any a page answers a page holding the one result, a set is read as Paginate would.
 */
const sum: Form = {
  fn: (ctx, args, env, pos) => {
    const collection = arg(ctx, args, 'sum', env, pos);
    const add = (items: readonly Value[]): number =>
      items.reduce<number>((total, item) => {
        if (typeof item !== 'number') throw invalidArgument('Number', item, [...pos, 'sum']);
        return total + item;
      }, 0);
    if (Array.isArray(collection)) return add(collection);
    if (collection instanceof Page) return new Page([add(collection.data)], collection.before, collection.after);
    if (collection instanceof SetRef) return add(setElements(ctx, collection, [...pos, 'sum']).map((e) => e.value));
    throw invalidArgument('Array, Set, or Page', collection, [...pos, 'sum']);
  },
};

/**
 * `Take(n, array)` (ArrayFunctions.scala TakeFunction, the one API v4 uses): the first n
 * elements; Scala's `take` gives none for a negative n. A page is not taken here: it would need
 * the cursors of the elements it drops.
 */
const take: Form = {
  optional: ['collection'],
  fn: (ctx, args, env, pos) => {
    const count = arg(ctx, args, 'take', env, pos);
    if (typeof count !== 'number' || !Number.isInteger(count)) throw invalidArgument('Integer', count, [...pos, 'take']);
    const collection = arg(ctx, args, 'collection', env, pos);
    if (collection instanceof Page) {
      throw new EvalError(400, 'invalid expression', 'The in-process Fauna does not support Take of a page.', [...pos, 'collection']);
    }
    if (!Array.isArray(collection)) throw invalidArgument('Array', collection, [...pos, 'collection']);
    return collection.slice(0, Math.max(0, count));
  },
};

export const VALUE_FORMS: Readonly<Record<string, Form>> = {
  sum,
  take,
  to_array: { fn: (ctx, args, env, pos) => toArray(arg(ctx, args, 'to_array', env, pos), [...pos, 'to_array']) },
  contains_value: {
    optional: ['in'],
    fn: (ctx, args, env, pos) => containsValue(arg(ctx, args, 'contains_value', env, pos), arg(ctx, args, 'in', env, pos), [...pos, 'in']),
  },
  all: booleanFold('all'),
  any: booleanFold('any'),
  // Code points, not UTF-16 units: StringFunctions.scala LengthStringFunction counts
  // `value.codePoints`. A string iterates by code point in JavaScript.
  length: {
    fn: (ctx: EvalContext, args, env, pos) => {
      const value = arg(ctx, args, 'length', env, pos);
      if (typeof value !== 'string') throw invalidArgument('String', value, [...pos, 'length']);
      let count = 0;
      for (const _codePoint of value) count += 1;
      return count;
    },
  },
};
