/**
 * Paginate as the core pages (ext/model/src/main/scala/ast/functions/PaginateFunction.scala,
 * ReadAdaptor.scala `paginate`/`PaginateImpl`, ast/Parser.scala `CursorParser` and the three
 * `paginate` forms): forward from `after` (inclusive) or the start, backward from `before`
 * (exclusive) or the end, `cursor: {after|before}`; a page holds at most `size` (default 64, at
 * most 100000) entries in ascending order; the cursor given comes back as the page's `before`
 * (forward) or `after` (backward), the other cursor is the next page's edge when there is one.
 * Cursors compare with the set's entries as the core's index tuples do (values then ref, a short
 * cursor before every entry it prefixes); `null` sorts after everything, so `before: null` is the
 * last page and `after: null` an empty one. Refused: `ts` (a read in the past), `events: true`,
 * `sources: true`, and a document ref as the set (its history).
 */
import { EvalError, notSupported, type Position } from './errors';
import { setElements, type SetElement } from './documents';
import { Page, Ref, compareValues, invalidArgument, isObjectValue, type Value } from './values';

/** ast/functions/ReadAdaptor.scala MaxPageSize; the default is ext/repo's DefaultPageSize. */
const MAX_PAGE_SIZE = 100_000;
const DEFAULT_PAGE_SIZE = 64;

export interface PaginateOptions {
  /** Present when the query gave it (null included): `after`, `before` and `cursor` differ. */
  readonly after?: Value;
  readonly before?: Value;
  readonly cursor?: Value;
  readonly size?: Value;
  readonly ts?: Value;
  readonly events?: Value;
  readonly sources?: Value;
}

/** CursorParser: the cursor literal as an array of values (a single value is one), as CursorL keeps it. */
function cursorValues(cursor: Value): Value[] {
  return Array.isArray(cursor) ? cursor : [cursor];
}

/** PaginateCursor's `{after: c}` / `{before: c}` / null; anything else is InvalidCursorObject. */
function cursorObject(cursor: Value, pos: Position): { readonly cursor?: Value[]; readonly ascending: boolean } {
  if (cursor === null) return { ascending: true };
  const keys = isObjectValue(cursor) ? Object.keys(cursor) : [];
  if (isObjectValue(cursor) && keys.length === 1 && (keys[0] === 'after' || keys[0] === 'before')) {
    return { cursor: cursorValues(cursor[keys[0]]), ascending: keys[0] === 'after' };
  }
  throw new EvalError(400, 'invalid argument', "Invalid cursor object. Expected an object with either 'before' or 'after' key in it.", pos);
}

export function paginate(ctx: Parameters<typeof setElements>[0], set: Value, options: PaginateOptions, pos: Position): Page {
  if (options.ts !== undefined) throw notSupported("Paginate's `ts` option (a read at another time)", [...pos, 'ts']);
  const flag = (name: 'events' | 'sources'): boolean => {
    const v = options[name];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') throw invalidArgument('Boolean', v, [...pos, name]);
    return v;
  };
  if (flag('events')) throw notSupported("Paginate's `events: true` (a set's history)", [...pos, 'events']);
  if (flag('sources')) throw notSupported("Paginate's `sources: true`", [...pos, 'sources']);
  let size = DEFAULT_PAGE_SIZE;
  if (options.size !== undefined) {
    if (typeof options.size !== 'number' || !Number.isInteger(options.size)) throw invalidArgument('Integer', options.size, [...pos, 'size']);
    size = Math.min(options.size, MAX_PAGE_SIZE);
  }
  if (set instanceof Ref && set.collection !== undefined) {
    throw notSupported('Paginate of a document ref (its history)', [...pos, 'paginate']);
  }

  let given: Value[] | undefined;
  let ascending = true;
  if (options.cursor !== undefined) {
    const parsed = cursorObject(options.cursor, [...pos, 'cursor']);
    given = parsed.cursor;
    ascending = parsed.ascending;
  } else if (options.before !== undefined) {
    given = cursorValues(options.before);
    ascending = false;
  } else if (options.after !== undefined) {
    given = cursorValues(options.after);
  }

  const elements = setElements(ctx, set, [...pos, 'paginate']);
  return ascending ? forward(elements, given, size) : backward(elements, given, size);
}

/** From the cursor (inclusive) or the start; the page's `before` is the cursor given. */
function forward(elements: readonly SetElement[], given: Value[] | undefined, size: number): Page {
  const start = given === undefined ? 0 : firstAtOrAfter(elements, given);
  const taken = elements.slice(start, start + Math.max(size, 0) + 1);
  const hasNext = size >= 0 && taken.length > size;
  const next = size === 0 ? given : hasNext ? taken[size].cursor : undefined;
  return new Page(
    taken.slice(0, Math.max(size, 0)).map((e) => e.value),
    given,
    next,
  );
}

/** Down from the cursor (exclusive) or the end; the page's `after` is the cursor given. */
function backward(elements: readonly SetElement[], given: Value[] | undefined, size: number): Page {
  const end = given === undefined ? elements.length : firstAtOrAfter(elements, given);
  const taken = elements.slice(Math.max(0, end - Math.max(size, 0) - 1), end).reverse();
  const hasNext = size > 0 && taken.length > size;
  const next = size === 0 ? given : hasNext ? taken[size - 1].cursor : undefined;
  return new Page(
    taken.slice(0, Math.max(size, 0)).reverse().map((e) => e.value),
    next,
    given,
  );
}

function firstAtOrAfter(elements: readonly SetElement[], cursor: Value[]): number {
  const found = elements.findIndex((e) => compareValues(e.cursor, cursor) >= 0);
  return found === -1 ? elements.length : found;
}
