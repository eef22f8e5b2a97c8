/**
 * Documents, sets and schema: reads with their permission checks (ast/functions/ReadAdaptor.scala),
 * writes with theirs (WriteAdaptor.scala), index and collection reads filtered per document
 * (set/IndexSet.scala), index builds (doc/Index.scala) and reference checks of schema documents.
 */
import { EvalError, notSupported, notUnique, permissionDenied, undefinedSchema, validationFailed, type Position, type ValidationFailure } from './errors';
import { writeCredentials } from './credentials';
import { allowed, asObject, check, checkWriteEffect, list, type EvalContext } from './evaluator';
import { classKeyOf, entries, indexSources, uniqueConflict, type ClassKey } from './storage';
import { Doc, FaunaTime, Page, QueryValue, Ref, SetRef, compareValues, invalidArgument, isObjectValue, nativeRef, valueEquals, type NativeName, type ObjectValue, type Value } from './values';

export const NATIVE_DISPLAY: Record<string, string> = {
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

export const SCHEMA_TYPE: Record<string, string> = {
  collections: 'collection',
  indexes: 'index',
  roles: 'role',
  functions: 'function',
  keys: 'key',
  databases: 'database',
  access_providers: 'access_provider',
};


// Documents -----------------------------------------------------------------------------------

/** Resolves a document ref to its class, failing the way the core does for undefined schema. */
export function docClass(ctx: EvalContext, ref: Ref, pos: Position): ClassKey {
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
export function loadDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc {
  const doc = ref.unresolved ? undefined : ctx.tx.get(docClass(ctx, ref, pos), ref.id);
  if (doc === undefined) throw notFound(ref, pos);
  return doc;
}

/** `Get(ref)`: the read permission is checked first, so a denied missing document is a 403 (ReadAdaptor `get`). */
export function getDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc {
  docClass(ctx, ref, pos);
  check(ctx, { name: 'read', ref }, pos);
  return loadDoc(ctx, ref, pos);
}

/**
 * A patch as the core applies it (ext/storage/src/main/scala/doc/Data.scala `patch`): objects
 * merge, `null` removes a field, anything else replaces; nulls inside the new values (nested
 * objects, array elements) are dropped too.
 */
function mergeFields(base: ObjectValue, patch: ObjectValue): ObjectValue {
  const out: ObjectValue = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObjectValue(v) && isObjectValue(out[k])) out[k] = mergeFields(out[k] as ObjectValue, v);
    else out[k] = withoutNullValues(v);
  }
  return out;
}

function withoutNullValues(value: Value): Value {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(withoutNullValues);
  if (isObjectValue(value)) return mergeFields({}, value);
  return value;
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
  ctx.tx.put(key, doc, pos, ctx.callPos);
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
  const failures = [...referenceFailures(ctx, fields, []), ...arityFailures(fields)];
  if (failures.length > 0) throw new EvalError(400, 'validation failed', 'document data is not valid.', pos, [], failures);
}

/** What each action's predicate must take (doc/Role.scala `Privilege.ActionFieldsConfig`). */
const PREDICATE_ARITY: Readonly<Record<string, number>> = {
  read: 1,
  write: 2,
  create: 1,
  create_with_id: 2,
  delete: 1,
  history_write: 4,
  history_read: 1,
  unrestricted_read: 1,
  call: 1,
};

/**
 * PredicateValidator (util/SharedValidators.scala): checked only where the path exists, i.e. when
 * `privileges` or `membership` is one object; in an array a wrong arity goes unnoticed until it
 * denies. `_` takes any arity.
 */
function arityFailures(fields: ObjectValue): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  const checkOne = (predicate: Value | undefined, expected: number, field: string[]) => {
    if (!(predicate instanceof QueryValue)) return;
    const params = predicate.closure.params;
    if (params === '_') return;
    const actual = typeof params === 'string' ? 1 : params.length;
    if (actual !== expected) {
      failures.push({ field, code: 'invalid arity', description: `Found lambda with arity ${actual} expected ${expected}` });
    }
  };
  const privileges = fields.privileges;
  if (isObjectValue(privileges) && isObjectValue(privileges.actions)) {
    const actions = privileges.actions;
    for (const [name, expected] of Object.entries(PREDICATE_ARITY)) checkOne(actions[name], expected, ['privileges', 'actions', name]);
  }
  if (isObjectValue(fields.membership)) checkOne(fields.membership.predicate, 1, ['membership', 'predicate']);
  return failures;
}

// Indexes and sets ----------------------------------------------------------------------------

/** Indexes over more sources than this are built in the background (doc/Index.scala `BuildSyncSize`). */
export const INDEX_BUILD_SYNC_SIZE = 128;

export interface SetElement {
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
export function setElements(ctx: EvalContext, set: Value, pos: Position): SetElement[] {
  const { elements, filtered } = readableSet(ctx, set, pos);
  return filtered ? elements.filter((e) => allowed(ctx, { name: 'read', ref: e.ref })) : elements;
}

/**
 * `Exists(set)`, `IsEmpty`, `IsNonEmpty`: the set's first entry, unfiltered, exists and the caller
 * may read it (ReadAdaptor `exists`: `snapshotHead`, then a document exists check). So an
 * unreadable first entry makes the set look empty even when later entries are readable.
 */
export function setHeadReadable(ctx: EvalContext, set: Value, pos: Position): boolean {
  const [head] = readableSet(ctx, set, pos).elements;
  return head !== undefined && allowed(ctx, { name: 'read', ref: head.ref });
}

/** `Get(set)`: the first entry, unfiltered, read with the usual check (ReadAdaptor `getSet`): 403 when unreadable. */
export function getSetHead(ctx: EvalContext, set: Value, pos: Position): Doc {
  const [head] = readableSet(ctx, set, pos).elements;
  if (head === undefined) throw new EvalError(404, 'instance not found', 'Set not found.', pos);
  return getDoc(ctx, head.ref, pos);
}

/** The set's entries in order, after the check that the caller may read the set at all. */
function readableSet(ctx: EvalContext, set: Value, pos: Position): { elements: SetElement[]; filtered: boolean } {
  if (set instanceof Ref) {
    // A native collection ref (Collections(), Tokens()…) is the set of its documents.
    if (set.collection !== undefined) throw invalidArgument('Set', set, pos);
    return readableSet(ctx, new SetRef({ kind: 'documents', collection: set }), pos);
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
  return { elements, filtered };
}

export function elementsOf(ctx: EvalContext, collection: Value, pos: Position): Value[] {
  if (Array.isArray(collection)) return collection;
  if (collection instanceof Page) return collection.data;
  return setElements(ctx, collection, pos).map((e) => e.value);
}

// Schema --------------------------------------------------------------------------------------

const SCHEMA_DEFAULTS: Partial<Record<NativeName, ObjectValue>> = {
  collections: { history_days: 30 },
  indexes: { active: true, serialized: true, partitions: 1 },
};

/**
 * What of an index definition the in-process Fauna does not evaluate: terms and values other than
 * `{field, mva}` (bindings, `reverse`, `transform`) and sources with `fields` bindings. Refused at
 * CreateIndex rather than read back in the wrong order or with the wrong entries.
 */
function refuseIndexFeatures(params: ObjectValue, pos: Position): void {
  for (const kind of ['terms', 'values'] as const) {
    const specs = params[kind];
    if (specs === undefined || specs === null) continue;
    for (const spec of Array.isArray(specs) ? specs : [specs]) {
      const keys = isObjectValue(spec) ? Object.keys(spec) : [];
      const extra = keys.filter((k) => k !== 'field' && k !== 'mva' && !(k === 'reverse' && isObjectValue(spec) && spec.reverse === false));
      if (!isObjectValue(spec) || !keys.includes('field') || extra.length > 0) {
        throw notSupported(`index ${kind} other than {field, mva} (${extra.length > 0 ? extra.join(', ') : 'no field'})`, [...pos, 'params', kind]);
      }
    }
  }
  const sources = params.source;
  for (const source of Array.isArray(sources) ? sources : [sources]) {
    if (isObjectValue(source) && source.fields !== undefined && source.fields !== null) {
      throw notSupported('index source `fields` (bindings)', [...pos, 'params', 'source']);
    }
  }
}

export function createSchema(ctx: EvalContext, native: NativeName, params: ObjectValue, pos: Position): Doc {
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
    refuseIndexFeatures(params, pos);
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

export function create(ctx: EvalContext, target: Ref, params: ObjectValue, pos: Position): Doc {
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
  writeCredentialsOf(ctx, doc.ref, params, pos);
  return new Doc(doc.ref, doc.ts, doc.fields, true);
}

/** A user document's `credentials` go to their own record, never into the document (./credentials.ts). */
function writeCredentialsOf(ctx: EvalContext, ref: Ref, params: ObjectValue, pos: Position): void {
  const credentials = params.credentials;
  if (credentials !== undefined && credentials !== null) writeCredentials(ctx, ref, credentials, [...pos, 'params', 'credentials']);
}

export function update(ctx: EvalContext, ref: Ref, params: ObjectValue, replace: boolean, pos: Position): Doc {
  checkWriteEffect(ctx, pos);
  const previous = loadDoc(ctx, ref, pos);
  const key = classKeyOf(ref.collection as Ref);
  checkTtl(params, pos);
  let fields: ObjectValue;
  if (key.startsWith('#')) {
    // Schema documents: top-level fields are replaced (Update) or reset (Replace); the name stays.
    fields = replace ? withoutNulls({ ...SCHEMA_DEFAULTS[key.slice(1) as NativeName], name: previous.fields.name ?? null, ...params }) : mergeTopLevel(previous.fields, params);
    if (typeof fields.name === 'string' && fields.name !== ref.id) {
      throw notSupported('renaming schema documents', pos);
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
  // `write` gets the whole old fields and the old ones patched with the params as written, every
  // top-level field of them included (`credentials`, unknown ones): Auth.checkWritePermission
  // checks `prevVersion.data.patch(diff)`, before the validators drop what a document does not
  // store. For Replace too (WriteAdaptor.update passes the original version; source only): what
  // the predicate sees keeps old fields the replacement leaves out.
  const after = key.startsWith('#') ? fields : mergeFields(previous.fields, params);
  check(ctx, { name: 'write', ref: previous.ref, before: previous.fields, after }, pos);
  const doc = new Doc(previous.ref, ctx.tx.now, fields);
  writeDoc(ctx, key, doc, pos);
  if (!key.startsWith('#')) writeCredentialsOf(ctx, doc.ref, params, pos);
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

export function deleteDoc(ctx: EvalContext, ref: Ref, pos: Position): Doc {
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

