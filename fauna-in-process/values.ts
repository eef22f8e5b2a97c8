/** The values FQL v4 computes with, their equality and their order (the core's Literal types). */
import { EvalError, type Position } from './errors';

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

export class FaunaTime {
  constructor(readonly micros: number) {}
}

export class FaunaDate {
  constructor(readonly iso: string) {}
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
  constructor(readonly closure: Closure) {}
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

export function typeName(v: Value): string {
  if (v === null) return 'Null';
  if (typeof v === 'boolean') return 'Boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'Double';
  if (typeof v === 'string') return 'String';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Ref) return 'Ref';
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
  if (a instanceof FaunaTime && b instanceof FaunaTime) return a.micros === b.micros;
  if (a instanceof FaunaDate && b instanceof FaunaDate) return a.iso === b.iso;
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

const RANK: Record<string, number> = { Null: 0, Boolean: 1, Integer: 2, Double: 2, String: 3, Array: 4, Object: 5, Ref: 6, Time: 7, Date: 8 };

function compareIds(a: string, b: string): number {
  // Fauna ids are numeric strings: order by number where both are numbers.
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareValues(a: Value, b: Value): number {
  const ra = RANK[typeName(a)] ?? 9;
  const rb = RANK[typeName(b)] ?? 9;
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof FaunaTime && b instanceof FaunaTime) return a.micros - b.micros;
  if (a instanceof FaunaDate && b instanceof FaunaDate) return a.iso < b.iso ? -1 : a.iso > b.iso ? 1 : 0;
  if (a instanceof Ref && b instanceof Ref) {
    const byCollection = compareValues(a.collection ?? null, b.collection ?? null);
    return byCollection !== 0 ? byCollection : compareIds(a.id, b.id);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return 0;
}

// Time ---------------------------------------------------------------------------------------

export function timeToIso(t: FaunaTime): string {
  const ms = Math.floor(t.micros / 1000);
  const micros = String(((t.micros % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${micros}Z`);
}

export function parseTime(iso: string, pos: Position): FaunaTime {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/.exec(iso);
  const seconds = m ? Date.parse(`${m[1]}${m[3]}`) : Number.NaN;
  if (!m || Number.isNaN(seconds)) {
    throw new EvalError(400, 'invalid argument', `Cannot cast '${iso}' to a time.`, pos);
  }
  const fraction = Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return new FaunaTime(seconds * 1000 + fraction);
}

const MICROS_PER_UNIT: Record<string, number> = {
  nanosecond: 0.001,
  microsecond: 1,
  millisecond: 1_000,
  second: 1_000_000,
  minute: 60_000_000,
  hour: 3_600_000_000,
  'half day': 43_200_000_000,
  day: 86_400_000_000,
};

export function microsPerUnit(unit: Value, pos: Position): number {
  const name = typeof unit === 'string' ? unit.replace(/s$/, '') : '';
  const micros = MICROS_PER_UNIT[name];
  if (micros === undefined) throw new EvalError(400, 'invalid argument', `Invalid time unit '${String(unit)}'.`, pos);
  return micros;
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


export function selectPath(from: Value, path: readonly (string | number)[]): Value | undefined {
  let cur: Value | undefined = from;
  for (const step of path) {
    if (cur === undefined || cur === null) return undefined;
    if (cur instanceof Doc) cur = docAsObject(cur);
    else if (cur instanceof Page) cur = { data: cur.data, ...(cur.before !== undefined ? { before: cur.before } : {}), ...(cur.after !== undefined ? { after: cur.after } : {}) };
    else if (cur instanceof Ref) cur = { id: cur.id, ...(cur.collection !== undefined ? { collection: cur.collection } : {}) };
    if (Array.isArray(cur) && typeof step === 'number') cur = cur[step];
    else if (isObjectValue(cur) && typeof step === 'string') cur = Object.prototype.hasOwnProperty.call(cur, step) ? cur[step] : undefined;
    else return undefined;
  }
  return cur;
}
