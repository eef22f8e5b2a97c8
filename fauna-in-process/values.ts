/** The values FQL v4 computes with, their equality and their order (the core's Literal types). */
import { EvalError, type Position } from './errors';
import { FaunaDate, FaunaTime, compareTimes } from './time';

export { FaunaDate, FaunaTime } from './time';

export const NATIVE_COLLECTIONS = [
  'collections',
  'indexes',
  'roles',
  'functions',
  'keys',
  'tokens',
  'databases',
  'access_providers',
  'credentials',
] as const;
export type NativeName = (typeof NATIVE_COLLECTIONS)[number];

export class Ref {
  constructor(
    readonly id: string,
    /** Undefined for the native collections themselves (`Collections()`, `Tokens()`…). */
    readonly collection?: Ref,
    /**
     * A name lookup (`Collection('x')`…) of a schema object that is not committed: the core
     * resolves names through its schema cache, which does not see the transaction's own writes.
     */
    readonly unresolved = false,
  ) {}
}

export type SetSpec =
  | { readonly kind: 'match'; readonly index: Ref; readonly terms: Value }
  | { readonly kind: 'documents'; readonly collection: Ref };

export class SetRef {
  constructor(readonly spec: SetSpec) {}
}

export class Closure {
  constructor(
    readonly params: string | readonly string[],
    readonly body: unknown,
    readonly env: Env,
    /** The lambda's JSON as sent, for rendering it back as `@query`. */
    readonly raw: { lambda: unknown; expr: unknown },
  ) {}
}

export class QueryValue {
  constructor(
    readonly closure: Closure,
    /** The API version it renders with: the request's (4), or an `@query` literal's own (default 2.12). */
    readonly apiVersion = '4',
  ) {}
}

/** One version of a document; immutable. `created` marks what Create just returned (201). */
export class Doc {
  constructor(
    readonly ref: Ref,
    readonly ts: number,
    readonly fields: ObjectValue,
    readonly created = false,
  ) {}
}

export class Page {
  constructor(
    readonly data: Value[],
    readonly before?: Value,
    readonly after?: Value,
  ) {}
}

export type Value =
  | null
  | boolean
  | number
  | string
  | Value[]
  | ObjectValue
  | Ref
  | FaunaTime
  | FaunaDate
  | SetRef
  | Closure
  | QueryValue
  | Doc
  | Page;
export interface ObjectValue {
  [key: string]: Value;
}

export function isObjectValue(v: unknown): v is ObjectValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

export function nativeRef(name: NativeName): Ref {
  return new Ref(name);
}

export function collectionRef(name: string): Ref {
  return new Ref(name, nativeRef('collections'));
}

/** Type.getType of a RefL: schema refs have their own names in the core's errors (ast/Type.scala). */
const REF_TYPE: Readonly<Record<string, string>> = {
  collections: 'Collection Ref',
  indexes: 'Index Ref',
  databases: 'Database Ref',
  keys: 'Key Ref',
  functions: 'User Function Ref',
};

export function typeName(v: Value): string {
  if (v === null) return 'Null';
  if (typeof v === 'boolean') return 'Boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'Double';
  if (typeof v === 'string') return 'String';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Ref) return REF_TYPE[v.collection?.collection === undefined ? (v.collection?.id ?? '') : ''] ?? 'Ref';
  if (v instanceof FaunaTime) return 'Time';
  if (v instanceof FaunaDate) return 'Date';
  if (v instanceof SetRef) return 'Set';
  if (v instanceof Closure || v instanceof QueryValue) return 'Lambda';
  if (v instanceof Page) return 'Page';
  return 'Object';
}

export function refEquals(a: Ref | undefined, b: Ref | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.id === b.id && refEquals(a.collection, b.collection);
}

export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Ref && b instanceof Ref) return refEquals(a, b);
  if (a instanceof FaunaTime && b instanceof FaunaTime) return a.nanos === b.nanos;
  if (a instanceof FaunaDate && b instanceof FaunaDate) return a.epochDay === b.epochDay;
  if (a instanceof Doc && b instanceof Doc) return refEquals(a.ref, b.ref) && a.ts === b.ts;
  if (a instanceof SetRef && b instanceof SetRef) return setSpecEquals(a.spec, b.spec);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valueEquals(x, b[i]));
  if (isObjectValue(a) && isObjectValue(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && valueEquals(a[k], b[k]));
  }
  return false;
}

function setSpecEquals(a: SetSpec, b: SetSpec): boolean {
  if (a.kind === 'documents') return b.kind === 'documents' && refEquals(a.collection, b.collection);
  return b.kind === 'match' && refEquals(a.index, b.index) && valueEquals(a.terms, b.terms);
}

/**
 * The order of index entries and of LT/GT (ast/functions/ComparisonFunctions.scala): values are
 * compared as their CBOR index terms (ext/codex/src/main/scala/cbor/CBOROrdering.scala, encoding
 * in ext/storage/src/main/scala/ir/IRValue.scala): numbers, then strings (ICU collation, ties by
 * bytes), arrays and objects (element by element, then length), tagged values in tag order (refs
 * 13, times 16, dates 17, lambdas 18), then false, true, and null last.
 */
function orderRank(v: Value): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  if (isObjectValue(v)) return 5;
  if (v instanceof Ref) return 13;
  if (v instanceof FaunaTime) return 16;
  if (v instanceof FaunaDate) return 17;
  if (v instanceof Closure || v instanceof QueryValue) return 18;
  if (v === false) return 30;
  if (v === true) return 31;
  if (v === null) return 40;
  return 20;
}

const COLLATOR = new Intl.Collator('en');

function compareStrings(a: string, b: string): number {
  const collated = COLLATOR.compare(a, b);
  if (collated !== 0) return collated;
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return Buffer.compare(x, y);
}

function compareIds(a: string, b: string): number {
  // Fauna ids are numeric strings: order by number where both are numbers.
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSequences(a: readonly Value[], b: readonly Value[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export function compareValues(a: Value, b: Value): number {
  const ra = orderRank(a);
  const rb = orderRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (a instanceof FaunaTime && b instanceof FaunaTime) return compareTimes(a, b);
  if (a instanceof FaunaDate && b instanceof FaunaDate) return a.epochDay - b.epochDay;
  if (a instanceof Ref && b instanceof Ref) {
    const byCollection = compareValues(a.collection ?? null, b.collection ?? null);
    return byCollection !== 0 ? byCollection : compareIds(a.id, b.id);
  }
  if (Array.isArray(a) && Array.isArray(b)) return compareSequences(a, b);
  if (isObjectValue(a) && isObjectValue(b)) {
    // A map's CBOR is its keys and values in order: compared pair by pair, then by size.
    const pairs = (o: ObjectValue) => Object.entries(o).flatMap(([k, v]): Value[] => [k, v]);
    return compareSequences(pairs(a), pairs(b));
  }
  return 0;
}

/** Variable bindings of Let and Lambda. */
export class Env {
  private readonly vars = new Map<string, Value>();

  constructor(private readonly parent?: Env) {}

  bind(name: string, value: Value): void {
    this.vars.set(name, value);
  }

  lookup(name: string): Value | undefined {
    return this.vars.has(name) ? this.vars.get(name) : this.parent?.lookup(name);
  }
}

export function invalidArgument(expected: string, got: Value, pos: Position): EvalError {
  return new EvalError(400, 'invalid argument', `${expected} expected, ${typeName(got)} provided.`, pos);
}

export function docAsObject(doc: Doc): ObjectValue {
  return { ref: doc.ref, ts: doc.ts, ...doc.fields };
}


/**
 * ReadAdaptor.valueAtPath (ast/functions/ReadAdaptor.scala): the value at `path`, or undefined.
 * A document's `ref`, `ts` (microseconds), `class` (its collection) and fields; a ref's `id`,
 * `collection` or `class`; a page's `data`, `before`, `after` or an element by index. With `all`
 * (Select's `all`, index fields), a string step into an array collects it from every element.
 */
export function selectPath(from: Value, path: readonly (string | number)[], all = false): Value | undefined {
  let cur: Value = from;
  for (let i = 0; i < path.length; i += 1) {
    const step = path[i];
    if (cur instanceof Doc) {
      if (step === 'class') cur = cur.ref.collection ?? null;
      else if (step === 'ref') cur = cur.ref;
      else if (step === 'ts') cur = cur.ts;
      else if (typeof step === 'string' && Object.prototype.hasOwnProperty.call(cur.fields, step)) cur = cur.fields[step];
      else return undefined;
    } else if (cur instanceof Ref) {
      if ((step === 'collection' || step === 'class') && cur.collection !== undefined) cur = cur.collection;
      else if (step === 'id' && i === path.length - 1) cur = cur.id;
      else return undefined;
    } else if (cur instanceof Page) {
      if (step === 'data') cur = cur.data;
      else if (step === 'before' && cur.before !== undefined) cur = cur.before;
      else if (step === 'after' && cur.after !== undefined) cur = cur.after;
      else if (typeof step === 'number' && step >= 0 && step < cur.data.length) cur = cur.data[step];
      else return undefined;
    } else if (Array.isArray(cur)) {
      if (typeof step === 'number') {
        if (step < 0 || step >= cur.length) return undefined;
        cur = cur[step];
      } else if (all) {
        return flattenAll(cur, path.slice(i));
      } else {
        return undefined;
      }
    } else if (isObjectValue(cur) && typeof step === 'string') {
      if (!Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
      cur = cur[step];
    } else {
      return undefined;
    }
  }
  return all && Array.isArray(cur) ? flattenAll(cur, []) : cur;
}

/** ReadAdaptor.flattenArray: the path applied to each element, arrays found spliced in. */
function flattenAll(items: readonly Value[], path: readonly (string | number)[]): Value[] {
  return items.flatMap((item): Value[] => {
    const found = selectPath(item, path, true);
    if (found === undefined) return [];
    return Array.isArray(found) ? found : [found];
  });
}
