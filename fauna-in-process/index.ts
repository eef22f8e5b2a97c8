/**
 * An in-process fake of a Fauna FQL v4 server, for tests, the simulate script, bench and soak.
 *
 * It evaluates the JSON the faunadb 4.8.2 driver really sends (`POST /`, the `q.wrap`ped
 * expression, `Authorization: Bearer <secret>`) and answers in the real wire format: `{"resource"}`
 * with nested `@ref`s, `@ts` times, `@query` lambdas, `@set` sets; 201 when the top-level result is
 * a newly created document; `{"errors":[{position, code, description}]}` with the status, code
 * and description text the open-source core (github.com/fauna/faunadb) gives; header `x-txn-time`.
 *
 * Behaviours taken from the core's source (ext/model/src/main/scala, ext/api/src/main/scala/api/fql1):
 * - status per error (ast/Error.scala `statusCode`): `instance not found` and `value not found`
 *   are 404, `permission denied` 403, everything else 400; 401 is `unauthorized`/"Unauthorized"
 *   with a WWW-Authenticate header and no position (APIResponse.scala).
 * - descriptions (Renderable.scala RenderError): "document is not unique.", "Document not found.",
 *   "Set not found.", "Collection already exists.", "Ref refers to undefined collection 'x'",
 *   "Value not found at path [a,b].", "No form/function found, or invalid argument keys: { k }.".
 * - a token authenticates while `ttl` is in the future (snapshot < ttl) and its `instance`
 *   document exists (auth/Auth.scala `tokenAuth`, auth/AuthScope.scala `getTokenAuth`).
 *   Token secrets have the core's shape: base64url of [126, 113, token id, scope id, 20 random
 *   bytes] ("fnE…"); keys [126, 112, key id, 20 random bytes] ("fnA…") (auth/AuthLike.scala).
 * - `Logout(false)` deletes the calling token, `Logout(true)` every token of its identity; with a
 *   key both answer false (ast/functions/AuthFunctions.scala).
 * - server keys may do anything but read or write keys, roles, databases and access providers
 *   (auth/Permissions.scala `ServerPermissions`); admin keys may do everything.
 * - stored lambdas render as `{"@query":{"api_version":"4","lambda":…,"expr":…}}`
 *   (ast/Expression.scala `renderableLiteral`). Unlike the core, the fake keeps the expr as sent
 *   rather than re-normalising it.
 *
 * Simplifications (deliberate):
 * - ABAC is NOT evaluated: role privileges and membership predicates are stored, never run. A
 *   token secret, and a key created with a custom role, act with server permissions.
 * - One database, no `At`/history/events, no credentials/`Login`, no index bindings.
 * - Expired documents (`ttl` <= transaction time) are invisible at once (the core removes them
 *   lazily; the visible effect on reads is the same).
 * - Unsupported functions answer 400 `invalid expression` naming the keys, so gaps are obvious.
 */
import { randomBytes } from 'node:crypto';
import { query as q } from 'faunadb';
import nock from 'nock';
import {
  AUTH0_JWT_BY_USER_INDEX,
  AUTH0_JWT_COLLECTION,
  USERS_BY_AUTH0_ID_INDEX,
  USERS_COLLECTION,
} from '../actions/lib/schema-names';

// ---------------------------------------------------------------------------------------------
// Values

const NATIVE_COLLECTIONS = [
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
type NativeName = (typeof NATIVE_COLLECTIONS)[number];

class Ref {
  constructor(
    readonly id: string,
    /** Undefined for the native collections themselves (`Collections()`, `Tokens()`…). */
    readonly collection?: Ref,
  ) {}
}

class FaunaTime {
  constructor(readonly micros: number) {}
}

class FaunaDate {
  constructor(readonly iso: string) {}
}

type SetSpec =
  | { readonly kind: 'match'; readonly index: Ref; readonly terms: Value }
  | { readonly kind: 'documents'; readonly collection: Ref };

class SetRef {
  constructor(readonly spec: SetSpec) {}
}

class Closure {
  constructor(
    readonly params: string | readonly string[],
    readonly body: unknown,
    readonly env: Env,
    /** The lambda's JSON as sent, for rendering it back as `@query`. */
    readonly raw: { lambda: unknown; expr: unknown },
  ) {}
}

class QueryValue {
  constructor(readonly closure: Closure) {}
}

/** One version of a document; immutable. `created` marks what Create just returned (201). */
class Doc {
  constructor(
    readonly ref: Ref,
    readonly ts: number,
    readonly fields: ObjectValue,
    readonly created = false,
  ) {}
}

class Page {
  constructor(
    readonly data: Value[],
    readonly before?: Value,
    readonly after?: Value,
  ) {}
}

type Value =
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
interface ObjectValue {
  [key: string]: Value;
}

function isObjectValue(v: unknown): v is ObjectValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function nativeRef(name: NativeName): Ref {
  return new Ref(name);
}

function collectionRef(name: string): Ref {
  return new Ref(name, nativeRef('collections'));
}

function typeName(v: Value): string {
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

function refEquals(a: Ref | undefined, b: Ref | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.id === b.id && refEquals(a.collection, b.collection);
}

function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Ref && b instanceof Ref) return refEquals(a, b);
  if (a instanceof FaunaTime && b instanceof FaunaTime) return a.micros === b.micros;
  if (a instanceof FaunaDate && b instanceof FaunaDate) return a.iso === b.iso;
  if (a instanceof Doc && b instanceof Doc) return refEquals(a.ref, b.ref) && a.ts === b.ts;
  if (a instanceof SetRef && b instanceof SetRef) return JSON.stringify(render(a)) === JSON.stringify(render(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valueEquals(x, b[i]));
  if (isObjectValue(a) && isObjectValue(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && valueEquals(a[k], b[k]));
  }
  return false;
}

const RANK: Record<string, number> = { Null: 0, Boolean: 1, Integer: 2, Double: 2, String: 3, Array: 4, Object: 5, Ref: 6, Time: 7, Date: 8 };

function compareIds(a: string, b: string): number {
  // Fauna ids are numeric strings: order by number where both are numbers.
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareValues(a: Value, b: Value): number {
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

// ---------------------------------------------------------------------------------------------
// Time

function timeToIso(t: FaunaTime): string {
  const ms = Math.floor(t.micros / 1000);
  const micros = String(((t.micros % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${micros}Z`);
}

function parseTime(iso: string, pos: Position): FaunaTime {
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

function microsPerUnit(unit: Value, pos: Position): number {
  const name = typeof unit === 'string' ? unit.replace(/s$/, '') : '';
  const micros = MICROS_PER_UNIT[name];
  if (micros === undefined) throw new EvalError(400, 'invalid argument', `Invalid time unit '${String(unit)}'.`, pos);
  return micros;
}

// ---------------------------------------------------------------------------------------------
// Errors and positions

type Position = readonly (string | number)[];

class EvalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    readonly position: Position,
  ) {
    super(`${code}: ${description}`);
  }
}

function invalidArgument(expected: string, got: Value, pos: Position): EvalError {
  return new EvalError(400, 'invalid argument', `${expected} expected, ${typeName(got)} provided.`, pos);
}

function permissionDenied(pos: Position): EvalError {
  return new EvalError(403, 'permission denied', 'Insufficient privileges to perform the action.', pos);
}

const NATIVE_DISPLAY: Record<string, string> = {
  collections: 'Collection',
  indexes: 'Index',
  roles: 'Role',
  functions: 'Function',
  keys: 'Key',
  tokens: 'Token',
  databases: 'Database',
  access_providers: 'AccessProvider',
  credentials: 'Credentials',
};

const SCHEMA_TYPE: Record<string, string> = {
  collections: 'collection',
  indexes: 'index',
  roles: 'role',
  functions: 'function',
  keys: 'key',
  databases: 'database',
  access_providers: 'access_provider',
};

// ---------------------------------------------------------------------------------------------
// Storage and transactions

/** Where a document lives: a user collection's name, or `#name` for a native collection. */
type ClassKey = string;
type Store = Map<ClassKey, Map<string, Doc>>;

function classKeyOf(collection: Ref): ClassKey {
  return collection.collection === undefined ? `#${collection.id}` : collection.id;
}

function collectionNameOf(key: ClassKey): string {
  return key.startsWith('#') ? key.slice(1) : key;
}

function ttlOf(doc: Doc): number | undefined {
  const ttl = doc.fields.ttl;
  return ttl instanceof FaunaTime ? ttl.micros : undefined;
}

function isLive(doc: Doc, atMicros: number): boolean {
  const ttl = ttlOf(doc);
  return ttl === undefined || ttl > atMicros;
}

function cloneStore(store: Store): Store {
  return new Map([...store].map(([key, docs]) => [key, new Map(docs)]));
}

/** A transaction's own write; `pos` is where in the query it happened, for a late conflict. */
interface OverlayEntry {
  readonly key: ClassKey;
  readonly id: string;
  readonly doc: Doc | null;
  readonly pos: Position;
}

/** Reads see the base store overlaid with this transaction's own writes. */
class Transaction {
  readonly overlay = new Map<string, OverlayEntry>();
  readonly writeLog: ClassKey[] = [];

  constructor(
    readonly base: Store,
    readonly now: number,
  ) {}

  getAny(key: ClassKey, id: string): Doc | undefined {
    const own = this.overlay.get(`${key}\u0000${id}`);
    if (own !== undefined) return own.doc ?? undefined;
    return this.base.get(key)?.get(id);
  }

  get(key: ClassKey, id: string): Doc | undefined {
    const doc = this.getAny(key, id);
    return doc !== undefined && isLive(doc, this.now) ? doc : undefined;
  }

  scan(key: ClassKey): Doc[] {
    const docs = new Map(this.base.get(key) ?? []);
    for (const entry of this.overlay.values()) {
      if (entry.key !== key) continue;
      if (entry.doc === null) docs.delete(entry.id);
      else docs.set(entry.id, entry.doc);
    }
    return [...docs.values()].filter((doc) => isLive(doc, this.now));
  }

  put(key: ClassKey, doc: Doc, pos: Position = []): void {
    this.overlay.set(`${key}\u0000${doc.ref.id}`, { key, id: doc.ref.id, doc, pos });
    this.writeLog.push(key);
  }

  remove(key: ClassKey, id: string): void {
    this.overlay.set(`${key}\u0000${id}`, { key, id, doc: null, pos: [] });
    this.writeLog.push(key);
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

class Env {
  private readonly vars = new Map<string, Value>();

  constructor(private readonly parent?: Env) {}

  bind(name: string, value: Value): void {
    this.vars.set(name, value);
  }

  lookup(name: string): Value | undefined {
    return this.vars.has(name) ? this.vars.get(name) : this.parent?.lookup(name);
  }
}

type AuthContext =
  | { readonly kind: 'admin' | 'server' }
  | { readonly kind: 'token'; readonly token: Ref; readonly identity: Ref };

interface EvalContext {
  readonly tx: Transaction;
  readonly auth: AuthContext;
  readonly fake: FakeFaunaInternals;
}

/** What the evaluator needs from the server it runs in. */
interface FakeFaunaInternals {
  newId(): string;
  mintTokenSecret(tokenId: string): string;
  mintKeySecret(keyId: string): string;
}

type Args = Record<string, unknown>;
interface Form {
  readonly optional?: readonly string[];
  readonly fn: (ctx: EvalContext, args: Args, env: Env, pos: Position) => Value;
}

/** Reads of keys, roles, databases and access providers need an admin key (Permissions.scala). */
const ADMIN_ONLY = new Set(['#keys', '#roles', '#databases', '#access_providers']);

function checkAccess(ctx: EvalContext, key: ClassKey, pos: Position): void {
  if (ctx.auth.kind !== 'admin' && ADMIN_ONLY.has(key)) throw permissionDenied(pos);
}

function evaluate(ctx: EvalContext, expr: unknown, env: Env, pos: Position): Value {
  if (expr === null || typeof expr === 'boolean' || typeof expr === 'number' || typeof expr === 'string') return expr;
  if (Array.isArray(expr)) return expr.map((item, i) => evaluate(ctx, item, env, [...pos, i]));
  if (typeof expr !== 'object') throw new EvalError(400, 'invalid expression', 'Invalid expression.', pos);
  const obj = expr as Args;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [tag] = keys;
    switch (tag) {
      case '@ref':
        return parseRefLiteral(obj['@ref'], pos);
      case '@ts':
        return parseTime(String(obj['@ts']), pos);
      case '@date':
        return new FaunaDate(String(obj['@date']));
      case '@set': {
        const set = evaluate(ctx, obj['@set'], env, [...pos, '@set']);
        if (!(set instanceof SetRef)) throw new EvalError(400, 'invalid expression', 'Invalid set.', pos);
        return set;
      }
      case '@query': {
        const lambda = obj['@query'] as Args;
        return new QueryValue(closureOf(lambda, new Env(), pos));
      }
      case '@obj':
      case 'object': {
        const fields = obj[tag];
        if (!isPlainRecord(fields)) throw new EvalError(400, 'invalid expression', 'Invalid object.', pos);
        const out: ObjectValue = {};
        for (const [k, v] of Object.entries(fields)) out[k] = evaluate(ctx, v, env, [...pos, tag, k]);
        return out;
      }
    }
  }
  const form = findForm(keys);
  if (form === undefined) {
    throw new EvalError(400, 'invalid expression', `No form/function found, or invalid argument keys: { ${keys.join(', ')} }.`, pos);
  }
  return form.fn(ctx, obj, env, pos);
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function findForm(keys: readonly string[]): Form | undefined {
  for (const key of keys) {
    const form = FORMS[key];
    if (form !== undefined && keys.every((k) => k === key || (form.optional ?? []).includes(k))) return form;
  }
  return undefined;
}

function parseRefLiteral(raw: unknown, pos: Position): Ref {
  if (typeof raw === 'string') {
    // Legacy path form: `collections/users/123`, `indexes/by_x`, `tokens/1`.
    const parts = raw.split('/');
    if (parts[0] === 'classes') parts[0] = 'collections';
    if (parts.length === 1 && (NATIVE_COLLECTIONS as readonly string[]).includes(parts[0])) return nativeRef(parts[0] as NativeName);
    if (parts.length === 2 && (NATIVE_COLLECTIONS as readonly string[]).includes(parts[0])) {
      return new Ref(parts[1], nativeRef(parts[0] as NativeName));
    }
    if (parts.length === 3 && parts[0] === 'collections') return new Ref(parts[2], collectionRef(parts[1]));
    throw new EvalError(400, 'invalid expression', 'Invalid ref.', pos);
  }
  if (!isPlainRecord(raw) || typeof raw.id !== 'string') throw new EvalError(400, 'invalid expression', 'Invalid ref.', pos);
  if (raw.collection === undefined) {
    if (!(NATIVE_COLLECTIONS as readonly string[]).includes(raw.id)) {
      throw new EvalError(400, 'invalid ref', `Valid native collection name expected, '${raw.id}' provided.`, pos);
    }
    return nativeRef(raw.id as NativeName);
  }
  const collection = isPlainRecord(raw.collection) && '@ref' in raw.collection ? parseRefLiteral(raw.collection['@ref'], pos) : undefined;
  if (collection === undefined) throw new EvalError(400, 'invalid expression', 'Invalid ref.', pos);
  return new Ref(raw.id, collection);
}

function closureOf(lambda: Args, env: Env, pos: Position): Closure {
  const params = lambda.lambda;
  const valid =
    typeof params === 'string' || (Array.isArray(params) && params.every((p): p is string => typeof p === 'string'));
  if (!valid || !('expr' in lambda)) throw new EvalError(400, 'invalid expression', 'Invalid lambda.', pos);
  return new Closure(params as string | string[], lambda.expr, env, { lambda: params, expr: lambda.expr });
}

function apply(ctx: EvalContext, fn: Value, arg: Value, pos: Position): Value {
  const closure = fn instanceof QueryValue ? fn.closure : fn;
  if (!(closure instanceof Closure)) throw invalidArgument('Lambda', fn, pos);
  const env = new Env(closure.env);
  if (typeof closure.params === 'string') {
    if (closure.params !== '_') env.bind(closure.params, arg);
  } else {
    const params = closure.params;
    const args = Array.isArray(arg) ? arg : params.length === 1 ? [arg] : undefined;
    if (args === undefined || args.length !== params.length) {
      throw new EvalError(
        400,
        'invalid argument',
        `Lambda expects an array with ${params.length} elements. Array contains ${Array.isArray(arg) ? arg.length : 1}.`,
        pos,
      );
    }
    params.forEach((name, i) => {
      if (name !== '_') env.bind(name, args[i]);
    });
  }
  return evaluate(ctx, closure.body, env, [...pos, 'expr']);
}

// Argument helpers ----------------------------------------------------------------------------

function arg(ctx: EvalContext, args: Args, key: string, env: Env, pos: Position): Value {
  return evaluate(ctx, args[key], env, [...pos, key]);
}

function optionalArg(ctx: EvalContext, args: Args, key: string, env: Env, pos: Position): Value | undefined {
  return key in args && args[key] !== null ? arg(ctx, args, key, env, pos) : undefined;
}

/** Varargs the driver sends as a single value when there is one, an array otherwise. */
function list(v: Value): Value[] {
  return Array.isArray(v) ? v : [v];
}

function asRef(v: Value, pos: Position): Ref {
  if (v instanceof Ref) return v;
  if (v instanceof Doc) return v.ref;
  throw invalidArgument('Ref', v, pos);
}

function asObject(v: Value | undefined, pos: Position): ObjectValue {
  if (v === undefined || v === null) return {};
  if (isObjectValue(v)) return v;
  throw invalidArgument('Object', v, pos);
}

function asBoolean(v: Value, pos: Position): boolean {
  if (typeof v !== 'boolean') throw invalidArgument('Boolean', v, pos);
  return v;
}

function asNumber(v: Value, pos: Position): number {
  if (typeof v !== 'number') throw invalidArgument('Number', v, pos);
  return v;
}

function asTime(v: Value, pos: Position): FaunaTime {
  if (!(v instanceof FaunaTime)) throw invalidArgument('Time', v, pos);
  return v;
}

function asName(v: Value, pos: Position): string {
  if (typeof v !== 'string') throw invalidArgument('String', v, pos);
  return v;
}

// Documents -----------------------------------------------------------------------------------

/** Resolves a document ref to its class, failing the way the core does for undefined schema. */
function docClass(ctx: EvalContext, ref: Ref, pos: Position): ClassKey {
  if (ref.collection === undefined) throw invalidArgument('Document Ref', ref, pos);
  const key = classKeyOf(ref.collection);
  if (!key.startsWith('#') && ctx.tx.get('#collections', key) === undefined) {
    throw new EvalError(400, 'invalid ref', `Ref refers to undefined collection '${key}'`, pos);
  }
  checkAccess(ctx, key, pos);
  return key;
}

function readDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc | undefined {
  const key = docClass(ctx, ref, pos);
  return ctx.tx.get(key, ref.id);
}

function notFound(ref: Ref, pos: Position): EvalError {
  const native = ref.collection?.collection === undefined ? NATIVE_DISPLAY[ref.collection?.id ?? ''] : undefined;
  const schemaType = ref.collection?.collection === undefined ? SCHEMA_TYPE[ref.collection?.id ?? ''] : undefined;
  if (schemaType !== undefined) {
    return new EvalError(400, 'invalid ref', `Ref refers to undefined ${schemaType} '${ref.id}'`, pos);
  }
  return new EvalError(404, 'instance not found', `${native ?? 'Document'} not found.`, pos);
}

function getDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc {
  const doc = readDoc(ctx, ref, pos);
  if (doc === undefined) throw notFound(ref, pos);
  return doc;
}

function docAsObject(doc: Doc): ObjectValue {
  return { ref: doc.ref, ts: doc.ts, ...doc.fields };
}

/** Deep merge for Update: objects merge, `null` removes a field, anything else replaces. */
function mergeFields(base: ObjectValue, patch: ObjectValue): ObjectValue {
  const out: ObjectValue = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObjectValue(v) && isObjectValue(out[k])) out[k] = mergeFields(out[k] as ObjectValue, v);
    else out[k] = v;
  }
  return out;
}

function withoutNulls(fields: ObjectValue): ObjectValue {
  return mergeFields({}, fields);
}

function checkTtl(fields: ObjectValue, pos: Position): void {
  if (fields.ttl !== undefined && !(fields.ttl instanceof FaunaTime)) {
    throw new EvalError(400, 'validation failed', 'document data is not valid.', [...pos, 'params']);
  }
}

function writeDoc(ctx: EvalContext, key: ClassKey, doc: Doc, pos: Position): void {
  checkAccess(ctx, key, pos);
  ctx.tx.put(key, doc, pos);
  const conflict = uniqueConflict(ctx.tx, key, doc);
  if (conflict !== undefined) throw notUnique(pos);
}

function notUnique(pos: Position): EvalError {
  return new EvalError(400, 'instance not unique', 'document is not unique.', pos);
}

// Indexes and sets ----------------------------------------------------------------------------

interface IndexEntry {
  readonly ref: Ref;
  readonly terms: Value[];
  readonly values: Value[];
}

function fieldPath(spec: Value): (string | number)[] {
  const field = isObjectValue(spec) ? spec.field : undefined;
  if (typeof field === 'string') return [field];
  if (Array.isArray(field)) return field.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
  return [];
}

function selectPath(from: Value, path: readonly (string | number)[]): Value | undefined {
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

function indexSources(index: Doc): ClassKey[] {
  const source = index.fields.source;
  const refs = (Array.isArray(source) ? source : [source]).map((s) => (isObjectValue(s) ? s.collection : s));
  return refs.filter((r): r is Ref => r instanceof Ref).map(classKeyOf);
}

function indexEntry(index: Doc, doc: Doc): IndexEntry {
  const whole = docAsObject(doc);
  const terms = Array.isArray(index.fields.terms) ? index.fields.terms : [];
  const values = Array.isArray(index.fields.values) ? index.fields.values : [];
  return {
    ref: doc.ref,
    terms: terms.map((t) => selectPath(whole, fieldPath(t)) ?? null),
    values: values.length === 0 ? [doc.ref] : values.map((v) => selectPath(whole, fieldPath(v)) ?? null),
  };
}

function entries(tx: Transaction, index: Doc): IndexEntry[] {
  return indexSources(index).flatMap((key) => tx.scan(key).map((doc) => indexEntry(index, doc)));
}

/** The ref of a document that already holds `doc`'s unique index entry, if any. */
function uniqueConflict(tx: Transaction, key: ClassKey, doc: Doc): Ref | undefined {
  if (!isLive(doc, tx.now)) return undefined;
  for (const index of tx.scan('#indexes')) {
    if (index.fields.unique !== true || !indexSources(index).includes(key)) continue;
    // Uniqueness covers the terms and the declared values; the implicit ref value is not part of it.
    const declared = Array.isArray(index.fields.values) && index.fields.values.length > 0;
    const mine = indexEntry(index, doc);
    for (const other of entries(tx, index)) {
      if (refEquals(other.ref, doc.ref) || !valueEquals(other.terms, mine.terms)) continue;
      if (!declared || valueEquals(other.values, mine.values)) return other.ref;
    }
  }
  return undefined;
}

interface SetElement {
  readonly value: Value;
  readonly cursor: Value[];
}

function indexDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc {
  if (ref.collection?.id !== 'indexes' || ref.collection.collection !== undefined) throw invalidArgument('Index Ref', ref, pos);
  const index = ctx.tx.get('#indexes', ref.id);
  if (index === undefined) throw new EvalError(400, 'invalid ref', `Ref refers to undefined index '${ref.id}'`, pos);
  for (const source of indexSources(index)) checkAccess(ctx, source, pos);
  return index;
}

function setElements(ctx: EvalContext, set: Value, pos: Position): SetElement[] {
  if (set instanceof Ref) {
    // A native collection ref (Collections(), Tokens()…) is the set of its documents.
    if (set.collection !== undefined) throw invalidArgument('Set', set, pos);
    return setElements(ctx, new SetRef({ kind: 'documents', collection: set }), pos);
  }
  if (!(set instanceof SetRef)) throw invalidArgument('Set', set, pos);
  const spec = set.spec;
  if (spec.kind === 'documents') {
    const key = classKeyOf(spec.collection);
    if (!key.startsWith('#') && ctx.tx.get('#collections', key) === undefined) {
      throw new EvalError(400, 'invalid ref', `Ref refers to undefined collection '${key}'`, pos);
    }
    checkAccess(ctx, key, pos);
    return ctx.tx
      .scan(key)
      .map((doc) => ({ value: doc.ref, cursor: [doc.ref] }))
      .sort((a, b) => compareValues(a.value, b.value));
  }
  const index = indexDoc(ctx, spec.index, pos);
  const termCount = Array.isArray(index.fields.terms) ? index.fields.terms.length : 0;
  const wanted = termCount <= 1 && !(Array.isArray(spec.terms) && spec.terms.length === termCount) ? [spec.terms] : list(spec.terms);
  const hasValues = Array.isArray(index.fields.values) && index.fields.values.length > 0;
  return entries(ctx.tx, index)
    .filter((entry) => termCount === 0 || valueEquals(entry.terms, wanted))
    .map((entry) => ({
      value: entry.values.length === 1 ? entry.values[0] : entry.values,
      cursor: hasValues ? [...entry.values, entry.ref] : [entry.ref],
    }))
    .sort((a, b) => compareValues(a.cursor, b.cursor));
}

function elementsOf(ctx: EvalContext, collection: Value, pos: Position): Value[] {
  if (Array.isArray(collection)) return collection;
  if (collection instanceof Page) return collection.data;
  return setElements(ctx, collection, pos).map((e) => e.value);
}

// Schema --------------------------------------------------------------------------------------

const SCHEMA_DEFAULTS: Partial<Record<NativeName, ObjectValue>> = {
  collections: { history_days: 30 },
  indexes: { active: true, serialized: true, partitions: 1 },
};

function createSchema(ctx: EvalContext, native: NativeName, params: ObjectValue, pos: Position): Doc {
  const key = `#${native}`;
  if (native === 'keys') return createKey(ctx, params, pos);
  if (native === 'roles' || native === 'databases' || native === 'access_providers') {
    if (ctx.auth.kind !== 'admin') throw permissionDenied(pos);
  } else if (ctx.auth.kind === 'token') {
    throw permissionDenied(pos);
  }
  const name = params.name;
  if (typeof name !== 'string' || name === '') {
    throw new EvalError(400, 'validation failed', `${NATIVE_DISPLAY[native] ?? 'document'} data is not valid.`, [...pos, 'params']);
  }
  if (ctx.tx.getAny(key, name) !== undefined) {
    throw new EvalError(400, 'instance already exists', `${NATIVE_DISPLAY[native]} already exists.`, pos);
  }
  if (native === 'indexes') {
    const sources = indexSources(new Doc(new Ref(name, nativeRef('indexes')), 0, params));
    if (sources.length === 0) throw new EvalError(400, 'validation failed', 'document data is not valid.', [...pos, 'params']);
    for (const source of sources) {
      if (!source.startsWith('#') && ctx.tx.get('#collections', source) === undefined) {
        throw new EvalError(400, 'invalid ref', `Ref refers to undefined collection '${source}'`, pos);
      }
    }
  }
  const doc = new Doc(new Ref(name, nativeRef(native)), ctx.tx.now, withoutNulls({ ...SCHEMA_DEFAULTS[native], ...params }));
  ctx.tx.put(key, doc);
  return new Doc(doc.ref, doc.ts, doc.fields, true);
}

function createKey(ctx: EvalContext, params: ObjectValue, pos: Position): Doc {
  if (ctx.auth.kind !== 'admin') throw permissionDenied(pos);
  if (params.role === undefined) throw new EvalError(400, 'validation failed', 'document data is not valid.', [...pos, 'params']);
  checkTtl(params, pos);
  const id = ctx.fake.newId();
  const secret = ctx.fake.mintKeySecret(id);
  const doc = new Doc(new Ref(id, nativeRef('keys')), ctx.tx.now, withoutNulls(params));
  ctx.tx.put('#keys', doc);
  return new Doc(doc.ref, doc.ts, { ...doc.fields, secret, hashed_secret: `$2a$05$fake${id}` }, true);
}

function createToken(ctx: EvalContext, params: ObjectValue, id: string, pos: Position): Doc {
  if (!(params.instance instanceof Ref)) {
    throw new EvalError(400, 'validation failed', 'document data is not valid.', [...pos, 'params']);
  }
  checkTtl(params, pos);
  const secret = ctx.fake.mintTokenSecret(id);
  const doc = new Doc(new Ref(id, nativeRef('tokens')), ctx.tx.now, withoutNulls(params));
  ctx.tx.put('#tokens', doc);
  return new Doc(doc.ref, doc.ts, { ...doc.fields, secret }, true);
}

function create(ctx: EvalContext, target: Ref, params: ObjectValue, pos: Position): Doc {
  // The target names a collection (Collection('x'), Tokens(), Keys()…) or, with Ref(…, id), the
  // document to create.
  const namesCollection =
    target.collection === undefined || (target.collection.collection === undefined && target.collection.id === 'collections');
  const collection = namesCollection ? target : (target.collection as Ref);
  const explicitId = namesCollection ? undefined : target.id;
  if (collection.collection === undefined) {
    const native = collection.id as NativeName;
    if (native === 'tokens') return createToken(ctx, params, explicitId ?? ctx.fake.newId(), pos);
    return createSchema(ctx, native, params, pos);
  }
  const key = docClass(ctx, new Ref('', collection), pos);
  if (explicitId !== undefined && ctx.tx.getAny(key, explicitId) !== undefined) {
    throw new EvalError(400, 'instance already exists', 'Document already exists.', pos);
  }
  checkTtl(params, pos);
  const fields: ObjectValue = {};
  if (params.ttl !== undefined && params.ttl !== null) fields.ttl = params.ttl;
  fields.data = withoutNulls(asObject(params.data, [...pos, 'params', 'data']));
  const doc = new Doc(new Ref(explicitId ?? ctx.fake.newId(), collection), ctx.tx.now, fields);
  writeDoc(ctx, key, doc, pos);
  return new Doc(doc.ref, doc.ts, doc.fields, true);
}

function update(ctx: EvalContext, ref: Ref, params: ObjectValue, replace: boolean, pos: Position): Doc {
  const previous = getDoc(ctx, ref, pos);
  const key = classKeyOf(ref.collection as Ref);
  if (key.startsWith('#') && key !== '#tokens' && ctx.auth.kind !== 'admin' && (ADMIN_ONLY.has(key) || ctx.auth.kind === 'token')) {
    throw permissionDenied(pos);
  }
  checkTtl(params, pos);
  let fields: ObjectValue;
  if (key.startsWith('#')) {
    // Schema documents: top-level fields are replaced (Update) or reset (Replace); the name stays.
    fields = replace ? withoutNulls({ ...SCHEMA_DEFAULTS[key.slice(1) as NativeName], name: previous.fields.name ?? null, ...params }) : mergeTopLevel(previous.fields, params);
    if (typeof fields.name === 'string' && fields.name !== ref.id) {
      throw new EvalError(400, 'invalid expression', 'The fake does not support renaming schema documents.', pos);
    }
  } else {
    const data = replace
      ? withoutNulls(asObject(params.data, [...pos, 'params', 'data']))
      : mergeFields(asObject(previous.fields.data, pos), asObject(params.data, [...pos, 'params', 'data']));
    fields = {};
    const ttl = 'ttl' in params ? params.ttl : replace ? null : previous.fields.ttl;
    if (ttl !== undefined && ttl !== null) fields.ttl = ttl;
    fields.data = data;
  }
  const doc = new Doc(previous.ref, ctx.tx.now, fields);
  writeDoc(ctx, key, doc, pos);
  return doc;
}

function mergeTopLevel(base: ObjectValue, patch: ObjectValue): ObjectValue {
  const out: ObjectValue = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (k === 'data' && isObjectValue(v) && isObjectValue(out[k])) out[k] = mergeFields(out[k] as ObjectValue, v);
    else out[k] = v;
  }
  return out;
}

function deleteDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc {
  const previous = getDoc(ctx, ref, pos);
  const key = classKeyOf(ref.collection as Ref);
  if (key.startsWith('#') && key !== '#tokens' && ctx.auth.kind !== 'admin' && (ADMIN_ONLY.has(key) || ctx.auth.kind === 'token')) {
    throw permissionDenied(pos);
  }
  checkAccess(ctx, key, pos);
  ctx.tx.remove(key, ref.id);
  if (key === '#collections') {
    // Deleting a collection deletes its documents and the indexes built on it.
    for (const doc of ctx.tx.scan(ref.id)) ctx.tx.remove(ref.id, doc.ref.id);
    for (const index of ctx.tx.scan('#indexes')) {
      if (indexSources(index).includes(ref.id)) ctx.tx.remove('#indexes', index.ref.id);
    }
  }
  return previous;
}

// Forms ---------------------------------------------------------------------------------------

function schemaRefForm(native: NativeName): Form {
  return {
    optional: ['scope'],
    fn: (ctx, args, env, pos) => {
      if (optionalArg(ctx, args, 'scope', env, pos) !== undefined) {
        throw new EvalError(400, 'invalid expression', 'The fake has one database: scoped refs are not supported.', pos);
      }
      const primary = Object.keys(args).find((k) => k !== 'scope') as string;
      return new Ref(asName(arg(ctx, args, primary, env, pos), [...pos, primary]), nativeRef(native));
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

function currentIdentity(ctx: EvalContext, pos: Position): Ref {
  if (ctx.auth.kind !== 'token') {
    throw new EvalError(400, 'missing identity', 'Authentication does not contain an identity', pos);
  }
  return ctx.auth.identity;
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

const FORMS: Record<string, Form> = {
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
  is_empty: { fn: (ctx, args, env, pos) => elementsOf(ctx, arg(ctx, args, 'is_empty', env, pos), pos).length === 0 },
  is_nonempty: { fn: (ctx, args, env, pos) => elementsOf(ctx, arg(ctx, args, 'is_nonempty', env, pos), pos).length > 0 },
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
      const offset = asNumber(arg(ctx, args, 'offset', env, pos), [...pos, 'offset']);
      return new FaunaTime(base.micros + Math.floor(offset * microsPerUnit(arg(ctx, args, 'unit', env, pos), [...pos, 'unit'])));
    },
  },
  time_subtract: {
    optional: ['offset', 'unit'],
    fn: (ctx, args, env, pos) => {
      const base = asTime(arg(ctx, args, 'time_subtract', env, pos), [...pos, 'time_subtract']);
      const offset = asNumber(arg(ctx, args, 'offset', env, pos), [...pos, 'offset']);
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
      return new SetRef({ kind: 'match', index, terms });
    },
  },
  exists: {
    optional: ['ts'],
    fn: (ctx, args, env, pos) => {
      const target = arg(ctx, args, 'exists', env, pos);
      if (target instanceof SetRef) return setElements(ctx, target, pos).length > 0;
      const ref = asRef(target, [...pos, 'exists']);
      if (ref.collection === undefined) return true;
      const key = classKeyOf(ref.collection);
      if (!key.startsWith('#') && ctx.tx.get('#collections', key) === undefined) return false;
      checkAccess(ctx, key, pos);
      return ctx.tx.get(key, ref.id) !== undefined;
    },
  },
  get: {
    optional: ['ts'],
    fn: (ctx, args, env, pos) => {
      const target = arg(ctx, args, 'get', env, pos);
      if (target instanceof SetRef) {
        const [first] = setElements(ctx, target, pos);
        if (first === undefined) throw new EvalError(404, 'instance not found', 'Set not found.', pos);
        return getDoc(ctx, asRef(first.value, pos), pos);
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
      const fn = ctx.tx.get('#functions', ref.id);
      if (fn === undefined) throw new EvalError(400, 'invalid ref', `Ref refers to undefined function '${ref.id}'`, [...pos, 'call']);
      const callArgs = 'arguments' in args ? arg(ctx, args, 'arguments', env, pos) : [];
      try {
        return apply(ctx, fn.fields.body ?? null, callArgs, []);
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
        throw new EvalError(400, 'call error', 'Calling the function resulted in an error.', pos);
      }
    },
  },
  identity: { fn: (ctx, _args, _env, pos) => currentIdentity(ctx, pos) },
  current_identity: { fn: (ctx, _args, _env, pos) => currentIdentity(ctx, pos) },
  has_identity: { fn: (ctx) => ctx.auth.kind === 'token' },
  has_current_identity: { fn: (ctx) => ctx.auth.kind === 'token' },
  current_token: {
    fn: (ctx, _args, _env, pos) => {
      if (ctx.auth.kind !== 'token') throw new EvalError(400, 'invalid token', 'Token metadata is not accessible.', pos);
      return ctx.auth.token;
    },
  },
  has_current_token: { fn: (ctx) => ctx.auth.kind === 'token' },
  logout: {
    fn: (ctx, args, env, pos) => {
      const all = asBoolean(arg(ctx, args, 'logout', env, pos), [...pos, 'logout']);
      const auth = ctx.auth;
      if (auth.kind !== 'token') return false;
      const tokens = all
        ? ctx.tx.scan('#tokens').filter((t) => t.fields.instance instanceof Ref && refEquals(t.fields.instance, auth.identity))
        : ctx.tx.scan('#tokens').filter((t) => t.ref.id === auth.token.id);
      for (const token of tokens) ctx.tx.remove('#tokens', token.ref.id);
      return true;
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Wire format out

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function renderRef(ref: Ref): Json {
  const inner: { [key: string]: Json } = { id: ref.id };
  if (ref.collection !== undefined) inner.collection = renderRef(ref.collection);
  return { '@ref': inner };
}

function renderSet(spec: SetSpec): Json {
  return spec.kind === 'documents'
    ? { documents: renderRef(spec.collection) }
    : { match: renderRef(spec.index), terms: render(spec.terms) };
}

function renderObject(fields: ObjectValue): Json {
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(fields)) out[k] = render(v);
  return Object.keys(out).some((k) => k.startsWith('@')) ? { '@obj': out } : out;
}

function render(v: Value): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(render);
  if (v instanceof Ref) return renderRef(v);
  if (v instanceof FaunaTime) return { '@ts': timeToIso(v) };
  if (v instanceof FaunaDate) return { '@date': v.iso };
  if (v instanceof SetRef) return { '@set': renderSet(v.spec) };
  if (v instanceof Closure || v instanceof QueryValue) {
    const raw = v instanceof QueryValue ? v.closure.raw : v.raw;
    return { '@query': { api_version: '4', lambda: raw.lambda as Json, expr: raw.expr as Json } };
  }
  if (v instanceof Doc) {
    const out: { [key: string]: Json } = { ref: renderRef(v.ref), ts: v.ts };
    // ttl first, data last: the order Fauna answers in.
    const { data, ttl, ...rest } = v.fields;
    if (ttl !== undefined) out.ttl = render(ttl);
    for (const [k, field] of Object.entries(rest)) out[k] = render(field);
    if (data !== undefined) out.data = render(data);
    return out;
  }
  if (v instanceof Page) {
    const out: { [key: string]: Json } = {};
    if (v.before !== undefined) out.before = render(v.before);
    if (v.after !== undefined) out.after = render(v.after);
    out.data = v.data.map(render);
    return out;
  }
  return renderObject(v);
}

/** Plain JS for test assertions: refs as {collection, id}, times as Date. */
function decode(v: Value): unknown {
  if (v instanceof Ref) return { collection: v.collection?.id ?? null, id: v.id };
  if (v instanceof FaunaTime) return new Date(Math.floor(v.micros / 1000));
  if (Array.isArray(v)) return v.map(decode);
  if (isObjectValue(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  if (v instanceof Doc || v instanceof Page || v instanceof SetRef || v instanceof Closure || v instanceof QueryValue || v instanceof FaunaDate) {
    return render(v);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// The server

export interface FakeFaunaOptions {
  /** The clock, epoch milliseconds; default Date.now. Moving it forward expires ttl'd documents and tokens. */
  now?: () => number;
  /** Accepted keys and their role; default: any non-empty bearer that is not a minted secret is an admin key. */
  secrets?: Record<string, 'admin' | 'server'>;
}

export interface FakeFaunaRequest {
  body: string;
  authorization?: string;
}

export interface FakeFaunaResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FakeFaunaDocument {
  id: string;
  /** Fauna's `ts`: microseconds since the epoch of the last write. */
  ts: number;
  data: Record<string, unknown>;
  /** Epoch milliseconds, when the document has a ttl. */
  ttl?: number;
}

export interface FakeFaunaToken {
  id: string;
  instance: { collection: string; id: string };
  /** Epoch milliseconds, when the token has a ttl. */
  ttl?: number;
  secret: string;
}

export interface FakeFaunaStats {
  requests: number;
  /** Documents created, updated or deleted by committed transactions (tokens and schema included). */
  writes: number;
  writesByCollection: Record<string, number>;
}

interface HeldCommit {
  readonly tx: Transaction;
  readonly result: Value;
  readonly resolve: (response: FakeFaunaResponse) => void;
}

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

export class FakeFauna {
  readonly stats: FakeFaunaStats = { requests: 0, writes: 0, writesByCollection: {} };
  readonly requests: unknown[] = [];
  /** A key this fake accepts as admin, for seeding schema. */
  readonly adminSecret: string;
  readonly fetch: typeof globalThis.fetch;

  private store: Store = new Map();
  private readonly now: () => number;
  private readonly keySecrets: Record<string, 'admin' | 'server'> | undefined;
  private lastTxnMicros = 0;
  private idCounter = 0;
  private readonly tokenSecrets = new Map<string, string>(); // secret -> token id
  private readonly tokenSecretById = new Map<string, string>();
  private readonly mintedKeySecrets = new Map<string, string>(); // secret -> key id
  private held: HeldCommit[] | undefined;

  constructor(options: FakeFaunaOptions = {}) {
    this.now = options.now ?? Date.now;
    this.keySecrets = options.secrets;
    const configuredAdmin = Object.entries(options.secrets ?? {}).find(([, role]) => role === 'admin')?.[0];
    this.adminSecret = configuredAdmin ?? 'fnFAKE_ADMIN_KEY';
    this.fetch = this.fetchImpl.bind(this) as typeof globalThis.fetch;
  }

  /** Answers one FQL v4 request as Fauna would. */
  async handle(request: FakeFaunaRequest): Promise<FakeFaunaResponse> {
    this.stats.requests += 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body);
    } catch {
      this.requests.push(request.body);
      return this.errorResponse(new EvalError(400, 'invalid expression', 'Request body is not valid JSON.', []), this.txnTime());
    }
    this.requests.push(parsed);

    const txnMicros = this.txnTime();
    const auth = this.authenticate(request.authorization, txnMicros);
    if (auth === undefined) {
      return {
        status: 401,
        headers: { 'content-type': JSON_CONTENT_TYPE, 'www-authenticate': 'Basic realm="Unauthorized"', 'x-txn-time': String(txnMicros) },
        body: JSON.stringify({ errors: [{ code: 'unauthorized', description: 'Unauthorized' }] }),
      };
    }

    // While commits are held, each request sees the last committed state, as concurrent
    // transactions would.
    const base = this.held !== undefined ? cloneStore(this.store) : this.store;
    const tx = new Transaction(base, txnMicros);
    let result: Value;
    try {
      result = evaluate({ tx, auth, fake: this.internals }, parsed, new Env(), []);
    } catch (err) {
      if (err instanceof EvalError) return this.errorResponse(err, txnMicros);
      throw err;
    }
    if (this.held !== undefined) {
      const held = this.held;
      return new Promise((resolve) => held.push({ tx, result, resolve }));
    }
    this.commit(tx);
    return this.resultResponse(result, txnMicros);
  }

  /** A persistent nock interceptor answering `POST <endpoint>/` through handle(). */
  intercept(endpoint: string): nock.Scope {
    const fake = this;
    return nock(endpoint)
      .persist()
      .post('/')
      .reply(async function reply(_uri, body) {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        const response = await fake.handle({ body: text, authorization: this.req.headers.authorization });
        return [response.status, response.body, response.headers] as const;
      });
  }

  /** Live (unexpired) documents of a collection, data decoded to plain JS. */
  documents(collection: string): readonly FakeFaunaDocument[] {
    const key = (NATIVE_COLLECTIONS as readonly string[]).includes(collection) ? `#${collection}` : collection;
    const at = this.nowMicros();
    return [...(this.store.get(key)?.values() ?? [])]
      .filter((doc) => isLive(doc, at))
      .map((doc) => {
        const ttl = ttlOf(doc);
        const data = key.startsWith('#') ? doc.fields : (doc.fields.data ?? {});
        return { id: doc.ref.id, ts: doc.ts, data: decode(data) as Record<string, unknown>, ...(ttl !== undefined ? { ttl: Math.floor(ttl / 1000) } : {}) };
      });
  }

  /** Live (unexpired) tokens with the secret each was minted with. */
  tokens(): readonly FakeFaunaToken[] {
    const at = this.nowMicros();
    return [...(this.store.get('#tokens')?.values() ?? [])]
      .filter((doc) => isLive(doc, at))
      .map((doc) => {
        const ttl = ttlOf(doc);
        const instance = doc.fields.instance as Ref;
        return {
          id: doc.ref.id,
          instance: { collection: instance.collection?.id ?? '', id: instance.id },
          ...(ttl !== undefined ? { ttl: Math.floor(ttl / 1000) } : {}),
          secret: this.tokenSecretById.get(doc.ref.id) ?? '',
        };
      });
  }

  /**
   * From now on, evaluate each request against the committed state but hold its commit until
   * release() is called. release() commits the held transactions in arrival order; one whose
   * unique index entries were taken meanwhile answers 400 `instance not unique` instead, as the
   * loser of two racing first logins does.
   */
  holdCommits(): () => void {
    const held: HeldCommit[] = [];
    this.held = held;
    return () => {
      if (this.held === held) this.held = undefined;
      for (const { tx, result, resolve } of held.splice(0)) {
        const replay = new Transaction(this.store, tx.now);
        for (const entry of tx.overlay.values()) replay.overlay.set(`${entry.key}\u0000${entry.id}`, entry);
        const conflict = [...tx.overlay.values()].find((e) => e.doc !== null && uniqueConflict(replay, e.key, e.doc) !== undefined);
        if (conflict !== undefined) {
          resolve(this.errorResponse(notUnique(conflict.pos), tx.now));
        } else {
          this.commit(tx);
          resolve(this.resultResponse(result, tx.now));
        }
      }
    };
  }

  // -------------------------------------------------------------------------------------------

  private readonly internals: FakeFaunaInternals = {
    newId: () => {
      this.idCounter += 1;
      return (300_000_000_000_000_000n + BigInt(this.idCounter)).toString();
    },
    mintTokenSecret: (tokenId) => {
      const secret = encodeSecret(113, [BigInt(tokenId), 1n]);
      this.tokenSecrets.set(secret, tokenId);
      this.tokenSecretById.set(tokenId, secret);
      return secret;
    },
    mintKeySecret: (keyId) => {
      const secret = encodeSecret(112, [BigInt(keyId)]);
      this.mintedKeySecrets.set(secret, keyId);
      return secret;
    },
  };

  private nowMicros(): number {
    return this.now() * 1000;
  }

  /** Transaction times never go back, even if a test's clock does; a frozen clock freezes them. */
  private txnTime(): number {
    this.lastTxnMicros = Math.max(this.lastTxnMicros, Math.floor(this.nowMicros()));
    return this.lastTxnMicros;
  }

  private authenticate(header: string | undefined, at: number): AuthContext | undefined {
    const secret = parseAuthorization(header);
    if (secret === undefined || secret === '') return undefined;
    const tokenId = this.tokenSecrets.get(secret);
    if (tokenId !== undefined) {
      const token = this.store.get('#tokens')?.get(tokenId);
      if (token === undefined || !isLive(token, at) || !(token.fields.instance instanceof Ref)) return undefined;
      const instance = token.fields.instance;
      const owner = instance.collection === undefined ? undefined : this.store.get(classKeyOf(instance.collection))?.get(instance.id);
      if (owner === undefined || !isLive(owner, at)) return undefined;
      return { kind: 'token', token: token.ref, identity: instance };
    }
    const keyId = this.mintedKeySecrets.get(secret);
    if (keyId !== undefined) {
      const key = this.store.get('#keys')?.get(keyId);
      if (key === undefined || !isLive(key, at)) return undefined;
      return { kind: key.fields.role === 'admin' ? 'admin' : 'server' };
    }
    if (this.keySecrets === undefined) return { kind: 'admin' };
    const role = this.keySecrets[secret];
    return role === undefined ? undefined : { kind: role };
  }

  private commit(tx: Transaction): void {
    // A transaction evaluated on a snapshot (held commits) applies only its own writes.
    for (const entry of tx.overlay.values()) applyEntry(this.store, entry);
    for (const key of tx.writeLog) {
      const name = collectionNameOf(key);
      this.stats.writes += 1;
      this.stats.writesByCollection[name] = (this.stats.writesByCollection[name] ?? 0) + 1;
    }
  }

  private resultResponse(result: Value, txnMicros: number): FakeFaunaResponse {
    return {
      status: result instanceof Doc && result.created ? 201 : 200,
      headers: { 'content-type': JSON_CONTENT_TYPE, 'x-txn-time': String(txnMicros) },
      body: JSON.stringify({ resource: render(result) }),
    };
  }

  private errorResponse(err: EvalError, txnMicros: number): FakeFaunaResponse {
    return {
      status: err.status,
      headers: { 'content-type': JSON_CONTENT_TYPE, 'x-txn-time': String(txnMicros) },
      body: JSON.stringify({ errors: [{ position: err.position, code: err.code, description: err.description }] }),
    };
  }

  private async fetchImpl(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortError();
    if (method !== 'POST' || url.pathname !== '/') {
      this.stats.requests += 1;
      return new Response(JSON.stringify({ errors: [{ code: 'not found', description: 'Not Found' }] }), {
        status: 404,
        headers: { 'content-type': JSON_CONTENT_TYPE },
      });
    }
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? init.body : '';
    const answer = this.handle({ body, authorization: headers.get('authorization') ?? undefined });
    const response = signal === undefined ? await answer : await raceAbort(answer, signal);
    return new Response(response.body, { status: response.status, headers: response.headers });
  }
}

function applyEntry(store: Store, entry: OverlayEntry): void {
  let docs = store.get(entry.key);
  if (docs === undefined) {
    docs = new Map();
    store.set(entry.key, docs);
  }
  if (entry.doc === null) docs.delete(entry.id);
  else docs.set(entry.id, entry.doc);
}

function parseAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) return Buffer.from(value, 'base64').toString('utf8').replace(/:$/, '');
  return undefined;
}

/** A secret in the core's binary layout (auth/AuthLike.scala), base64url: "fnE…" tokens, "fnA…" keys. */
function encodeSecret(type: number, ids: readonly bigint[]): string {
  const buf = Buffer.alloc(2 + ids.length * 8 + 20);
  buf.writeUInt8(126, 0);
  buf.writeUInt8(type, 1);
  ids.forEach((id, i) => buf.writeBigUInt64BE(id, 2 + i * 8));
  randomBytes(20).copy(buf, 2 + ids.length * 8);
  return buf.toString('base64url');
}

function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * The collections and indexes the login Action needs, created through the fake's own FQL (so
 * the writes and the wire are the real ones). The full schema, roles included, is `fauna/`'s.
 */
export async function createLoginSchema(fake: FakeFauna): Promise<void> {
  const expr = q.Do(
    q.CreateCollection({ name: USERS_COLLECTION }),
    q.CreateIndex({
      name: USERS_BY_AUTH0_ID_INDEX,
      source: q.Collection(USERS_COLLECTION),
      terms: [{ field: ['data', 'auth0_id'] }],
      unique: true,
    }),
    q.CreateCollection({ name: AUTH0_JWT_COLLECTION }),
    q.CreateIndex({ name: AUTH0_JWT_BY_USER_INDEX, source: q.Collection(AUTH0_JWT_COLLECTION), terms: [{ field: ['data', 'user'] }] }),
  );
  const response = await fake.handle({ body: JSON.stringify(expr), authorization: `Bearer ${fake.adminSecret}` });
  if (response.status !== 200 && response.status !== 201) throw new Error(`createLoginSchema failed: ${response.body}`);
}
