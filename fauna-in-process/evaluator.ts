/**
 * The FQL v4 forms: evaluates the JSON the faunadb driver sends, checking every read, write,
 * create, delete, index read and call against the caller's rights (./authorization.ts) where
 * the core does (ext/model/src/main/scala/ast/functions/ReadAdaptor.scala, WriteAdaptor.scala,
 * SetFunctions.scala, doc/LambdaWrapper.scala).
 */
import { EvalError, invalidExpression, type ValidationFailure, notUnique, permissionDenied, undefinedSchema, validationFailed, type Position } from './errors';
import { isAllowed, membershipRoles, rightsOfRole, type Action, type Caller, type RoleSet } from './authorization';
import {
  classKeyOf,
  entries,
  indexSources,
  uniqueConflict,
  type ClassKey,
  type Transaction,
} from './storage';
import {
  Closure,
  Doc,
  Env,
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
  FaunaDate,
  type NativeName,
  type ObjectValue,
  type Value,
} from './values';
import { isPlainRecord, parseRefLiteral, render } from './wire';

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

export interface EvalContext {
  readonly tx: Transaction;
  readonly caller: Caller;
  readonly fake: FakeFaunaInternals;
  /** Inside a role or membership predicate: reads only, even in a function with a role (LambdaWrapper `PredEffectLimit`). */
  readonly readOnly?: boolean;
}

/** What the evaluator needs from the server it runs in. */
export interface FakeFaunaInternals {
  newId(): string;
  mintTokenSecret(tokenId: string): string;
  mintKeySecret(keyId: string): string;
  /** How long a build of an index over more than INDEX_BUILD_SYNC_SIZE documents takes, in microseconds. */
  indexBuildMicros(): number;
  /** Records a background build of the named index, ending at `endMicros`. */
  startIndexBuild(name: string, endMicros: number): void;
}

type Args = Record<string, unknown>;
interface Form {
  readonly optional?: readonly string[];
  readonly fn: (ctx: EvalContext, args: Args, env: Env, pos: Position) => Value;
}

// Authorization ----------------------------------------------------------------------------

/**
 * Runs a role or membership predicate the way LambdaWrapper.evalPredicate does: with internal
 * read-only rights (never the caller's role, so no re-check), the caller's identity kept, and
 * any error counting as false. Only the value `true` allows.
 */
function predicateRunner(ctx: EvalContext): (predicate: Value, argument: (arity: number) => Value) => boolean {
  return (predicate, argument) => {
    const closure = predicate instanceof QueryValue ? predicate.closure : predicate;
    if (!(closure instanceof Closure)) return false;
    const arity = typeof closure.params === 'string' ? 1 : closure.params.length;
    const internal: EvalContext = { tx: ctx.tx, fake: ctx.fake, readOnly: true, caller: { ...ctx.caller, rights: { kind: 'internal-read' } } };
    try {
      return apply(internal, closure, argument(arity), []) === true;
    } catch (err) {
      if (err instanceof EvalError) return false;
      throw err;
    }
  };
}

export function allowed(ctx: EvalContext, action: Action): boolean {
  return isAllowed(ctx.tx, ctx.caller, action, predicateRunner(ctx));
}

/** Writes are refused inside predicates before any permission check (ast/Error.scala InvalidEffect). */
function checkWriteEffect(ctx: EvalContext, pos: Position): void {
  if (ctx.readOnly === true) throw invalidExpression('Write effect is not allowed in auth predicates.', pos);
}

function check(ctx: EvalContext, action: Action, pos: Position): void {
  if (!allowed(ctx, action)) throw permissionDenied(pos);
}

/** The roles a token's instance holds in this transaction (membership evaluated now). */
export function rolesOfInstance(ctx: EvalContext, instance: Ref): RoleSet {
  return membershipRoles(ctx.tx, instance, predicateRunner(ctx));
}

export function evaluate(ctx: EvalContext, expr: unknown, env: Env, pos: Position): Value {
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

function findForm(keys: readonly string[]): Form | undefined {
  for (const key of keys) {
    const form = FORMS[key];
    if (form !== undefined && keys.every((k) => k === key || (form.optional ?? []).includes(k))) return form;
  }
  return undefined;
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
  if (!key.startsWith('#') && (ref.collection.unresolved || ctx.tx.get('#collections', key) === undefined)) {
    throw undefinedSchema('collection', key, pos);
  }
  return key;
}

function notFound(ref: Ref, pos: Position): EvalError {
  const native = ref.collection?.collection === undefined ? NATIVE_DISPLAY[ref.collection?.id ?? ''] : undefined;
  const schemaType = ref.collection?.collection === undefined ? SCHEMA_TYPE[ref.collection?.id ?? ''] : undefined;
  if (schemaType !== undefined) return undefinedSchema(schemaType, ref.id, pos);
  return new EvalError(404, 'instance not found', `${native ?? 'Document'} not found.`, pos);
}

/** The live document, without a permission check: what writes read before they write. */
function loadDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc {
  const doc = ref.unresolved ? undefined : ctx.tx.get(docClass(ctx, ref, pos), ref.id);
  if (doc === undefined) throw notFound(ref, pos);
  return doc;
}

/** `Get(ref)`: the read permission is checked first, so a denied missing document is a 403 (ReadAdaptor `get`). */
function getDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc {
  docClass(ctx, ref, pos);
  check(ctx, { name: 'read', ref }, pos);
  return loadDoc(ctx, ref, pos);
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
  if (fields.ttl !== undefined && fields.ttl !== null && !(fields.ttl instanceof FaunaTime)) {
    throw validationFailed('document', [...pos, 'params']);
  }
}

function writeDoc(ctx: EvalContext, key: ClassKey, doc: Doc, pos: Position): void {
  ctx.tx.put(key, doc, pos);
  if (uniqueConflict(ctx.tx, key, doc) !== undefined) throw notUnique(pos);
}

/**
 * ReferencesValidator (util/SharedValidators.scala), run on schema documents: every document ref
 * in the new fields must be readable by the caller and exist (this transaction's writes count);
 * a name that did not resolve cannot be read. Native collection refs are not checked.
 */
function referenceFailures(ctx: EvalContext, value: Value, field: readonly string[]): ValidationFailure[] {
  if (value instanceof Ref) {
    if (value.collection === undefined) return [];
    const unreadable = { field, code: 'invalid reference', description: 'Cannot read reference.' };
    if (value.unresolved || value.collection.unresolved) return [unreadable];
    const key = classKeyOf(value.collection);
    if (!key.startsWith('#') && ctx.tx.get('#collections', key) === undefined) return [unreadable];
    if (!allowed(ctx, { name: 'read', ref: value })) return [unreadable];
    return ctx.tx.get(key, value.id) === undefined ? [{ field, code: 'invalid reference', description: 'Reference was not found.' }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => referenceFailures(ctx, item, [...field, String(i)]));
  if (isObjectValue(value)) return Object.entries(value).flatMap(([k, item]) => referenceFailures(ctx, item, [...field, k]));
  return [];
}

function checkReferences(ctx: EvalContext, fields: ObjectValue, pos: Position): void {
  const failures = referenceFailures(ctx, fields, []);
  if (failures.length > 0) throw new EvalError(400, 'validation failed', 'document data is not valid.', pos, [], failures);
}

// Indexes and sets ----------------------------------------------------------------------------

/** Indexes over more sources than this are built in the background (doc/Index.scala `BuildSyncSize`). */
export const INDEX_BUILD_SYNC_SIZE = 128;

interface SetElement {
  /** The document the entry points at: what a filtered read checks. */
  readonly ref: Ref;
  readonly value: Value;
  readonly cursor: Value[];
}

function indexDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc {
  if (ref.collection?.id !== 'indexes' || ref.collection.collection !== undefined) throw invalidArgument('Index Ref', ref, pos);
  const index = ref.unresolved ? undefined : ctx.tx.get('#indexes', ref.id);
  if (index === undefined) throw undefinedSchema('index', ref.id, pos);
  return index;
}

/**
 * The elements a read sees. An index read needs `unrestricted_read` (all entries) or `read`
 * with the terms (each entry kept only if the caller may read its document, others dropped
 * silently), else 403 (IndexSet.filteredForRead, ReadAdaptor's filtered page). A collection's
 * documents are filtered the same way unless `unrestricted_read` is granted on it
 * (DocumentsSet.filteredForRead).
 */
function setElements(ctx: EvalContext, set: Value, pos: Position): SetElement[] {
  if (set instanceof Ref) {
    // A native collection ref (Collections(), Tokens()…) is the set of its documents.
    if (set.collection !== undefined) throw invalidArgument('Set', set, pos);
    return setElements(ctx, new SetRef({ kind: 'documents', collection: set }), pos);
  }
  if (!(set instanceof SetRef)) throw invalidArgument('Set', set, pos);
  const spec = set.spec;
  let elements: SetElement[];
  let filtered: boolean;
  if (spec.kind === 'documents') {
    const key = classKeyOf(spec.collection);
    if (!key.startsWith('#') && (spec.collection.unresolved || ctx.tx.get('#collections', key) === undefined)) {
      throw undefinedSchema('collection', key, pos);
    }
    if (spec.collection.collection === undefined && SCHEMA_TYPE[spec.collection.id] !== undefined) {
      // Collections(), Keys(), Roles()…: reading the set needs read on the native collection
      // itself, then each entry is filtered (IndexSet.scala SchemaSet): 403 for a server key on Keys().
      if (!allowed(ctx, { name: 'read', ref: spec.collection })) throw permissionDenied(pos);
      filtered = true;
    } else {
      filtered = !allowed(ctx, { name: 'unrestricted_read_collection', collection: spec.collection });
    }
    elements = ctx.tx
      .scan(key)
      .map((doc) => ({ ref: doc.ref, value: doc.ref, cursor: [doc.ref] }))
      .sort((a, b) => compareValues(a.value, b.value));
  } else {
    const index = indexDoc(ctx, spec.index, pos);
    const termCount = Array.isArray(index.fields.terms) ? index.fields.terms.length : 0;
    const wanted = termCount <= 1 && !(Array.isArray(spec.terms) && spec.terms.length === termCount) ? [spec.terms] : list(spec.terms);
    const terms = termCount === 0 ? [] : wanted;
    if (allowed(ctx, { name: 'unrestricted_read_index', index: index.ref, terms })) filtered = false;
    else if (allowed(ctx, { name: 'read_index', index: index.ref, terms })) filtered = true;
    else throw permissionDenied(pos);
    const hasValues = Array.isArray(index.fields.values) && index.fields.values.length > 0;
    elements = entries(ctx.tx, index)
      .filter((entry) => termCount === 0 || valueEquals(entry.terms, wanted))
      .map((entry) => ({
        ref: entry.ref,
        value: entry.values.length === 1 ? entry.values[0] : entry.values,
        cursor: hasValues ? [...entry.values, entry.ref] : [entry.ref],
      }))
      .sort((a, b) => compareValues(a.cursor, b.cursor));
  }
  return filtered ? elements.filter((e) => allowed(ctx, { name: 'read', ref: e.ref })) : elements;
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
  checkWriteEffect(ctx, pos);
  check(ctx, { name: 'create', collection: nativeRef(native), fields: params }, pos);
  if (native === 'keys') return createKey(ctx, params, pos);
  const name = params.name;
  if (typeof name !== 'string' || name === '') throw validationFailed(NATIVE_DISPLAY[native] ?? 'document', [...pos, 'params']);
  if (ctx.tx.getAny(key, name) !== undefined) {
    throw new EvalError(400, 'instance already exists', `${NATIVE_DISPLAY[native]} already exists.`, pos);
  }
  let fields = withoutNulls({ ...SCHEMA_DEFAULTS[native], ...params });
  checkReferences(ctx, fields, pos);
  if (native === 'indexes') {
    const sources = indexSources(new Doc(new Ref(name, nativeRef('indexes')), 0, params));
    if (sources.length === 0) throw validationFailed('document', [...pos, 'params']);
    for (const source of sources) {
      if (!source.startsWith('#') && ctx.tx.get('#collections', source) === undefined) throw undefinedSchema('collection', source, pos);
    }
    // Over BuildSyncSize source documents the core builds the index in a background task: it
    // is inactive until then (WriteAdaptor.scala index create, Index.scala).
    const sourceSize = sources.reduce((n, source) => n + ctx.tx.scan(source).length, 0);
    if (sourceSize > INDEX_BUILD_SYNC_SIZE) {
      fields = { ...fields, active: false };
      ctx.fake.startIndexBuild(name, ctx.tx.now + ctx.fake.indexBuildMicros());
    }
  }
  const doc = new Doc(new Ref(name, nativeRef(native)), ctx.tx.now, fields);
  ctx.tx.put(key, doc);
  return new Doc(doc.ref, doc.ts, doc.fields, true);
}

function createKey(ctx: EvalContext, params: ObjectValue, pos: Position): Doc {
  if (params.role === undefined) throw validationFailed('document', [...pos, 'params']);
  checkReferences(ctx, params, pos);
  checkTtl(params, pos);
  const id = ctx.fake.newId();
  const secret = ctx.fake.mintKeySecret(id);
  const doc = new Doc(new Ref(id, nativeRef('keys')), ctx.tx.now, withoutNulls(params));
  ctx.tx.put('#keys', doc);
  return new Doc(doc.ref, doc.ts, { ...doc.fields, secret, hashed_secret: `$2a$05$fake${id}` }, true);
}

function createToken(ctx: EvalContext, params: ObjectValue, id: string, pos: Position): Doc {
  check(ctx, { name: 'create', collection: nativeRef('tokens'), fields: params }, pos);
  if (!(params.instance instanceof Ref)) throw validationFailed('document', [...pos, 'params']);
  checkTtl(params, pos);
  const secret = ctx.fake.mintTokenSecret(id);
  // Stored with its hash, which reads show; the create shows the plaintext secret instead, once,
  // and with only the create privilege (WriteAdaptor.scala TokenWriteConfig.write).
  const { hashed_secret: _given, ...written } = withoutNulls(params);
  const doc = new Doc(new Ref(id, nativeRef('tokens')), ctx.tx.now, { ...written, hashed_secret: `$2a$05$fake${id}` });
  ctx.tx.put('#tokens', doc);
  return new Doc(doc.ref, doc.ts, { ...written, secret }, true);
}

function create(ctx: EvalContext, target: Ref, params: ObjectValue, pos: Position): Doc {
  checkWriteEffect(ctx, pos);
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
  // The predicate gets the params as written (RoleEvalAction CreateInstance: the new version's fields).
  check(ctx, { name: 'create', collection, fields: params }, pos);
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
  checkWriteEffect(ctx, pos);
  const previous = loadDoc(ctx, ref, pos);
  const key = classKeyOf(ref.collection as Ref);
  checkTtl(params, pos);
  let fields: ObjectValue;
  if (key.startsWith('#')) {
    // Schema documents: top-level fields are replaced (Update) or reset (Replace); the name stays.
    fields = replace ? withoutNulls({ ...SCHEMA_DEFAULTS[key.slice(1) as NativeName], name: previous.fields.name ?? null, ...params }) : mergeTopLevel(previous.fields, params);
    if (typeof fields.name === 'string' && fields.name !== ref.id) {
      throw invalidExpression('The fake does not support renaming schema documents.', pos);
    }
    if (key !== '#tokens') checkReferences(ctx, fields, pos);
  } else {
    const data = replace
      ? withoutNulls(asObject(params.data, [...pos, 'params', 'data']))
      : mergeFields(asObject(previous.fields.data, pos), asObject(params.data, [...pos, 'params', 'data']));
    fields = {};
    const ttl = 'ttl' in params ? params.ttl : replace ? null : previous.fields.ttl;
    if (ttl !== undefined && ttl !== null) fields.ttl = ttl;
    fields.data = data;
  }
  // `write` gets the whole old and new fields, the new ones already patched (Auth.checkWritePermission).
  check(ctx, { name: 'write', ref: previous.ref, before: previous.fields, after: fields }, pos);
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
  checkWriteEffect(ctx, pos);
  const previous = loadDoc(ctx, ref, pos);
  const key = classKeyOf(ref.collection as Ref);
  check(ctx, { name: 'delete', ref: previous.ref }, pos);
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
  ...typeTests(),
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
      if (target instanceof SetRef) return setElements(ctx, target, pos).length > 0;
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
        const [first] = setElements(ctx, target, pos);
        if (first === undefined) throw new EvalError(404, 'instance not found', 'Set not found.', pos);
        return getDoc(ctx, first.ref, pos);
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
};
