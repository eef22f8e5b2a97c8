/**
 * The store: committed document versions per collection, transactions that overlay their own
 * writes on it, index entries computed from documents, and unique-index checks.
 */
import type { Position } from './errors';
import { Closure, Doc, FaunaTime, Page, QueryValue, Ref, SetRef, isObjectValue, refEquals, selectPath, valueEquals, type Value } from './values';

/** Where a document lives: a user collection's name, or `#name` for a native collection. */
export type ClassKey = string;
export type Store = Map<ClassKey, Map<string, Doc>>;

export function classKeyOf(collection: Ref): ClassKey {
  return collection.collection === undefined ? `#${collection.id}` : collection.id;
}

export function collectionNameOf(key: ClassKey): string {
  return key.startsWith('#') ? key.slice(1) : key;
}

/** The document's ttl in microseconds (floored), if it has one. */
export function ttlOf(doc: Doc): number | undefined {
  const ttl = doc.fields.ttl;
  return ttl instanceof FaunaTime ? ttl.micros : undefined;
}

/** Live while its ttl, to the nanosecond, is after `atMicros`. */
export function isLive(doc: Doc, atMicros: number): boolean {
  const ttl = doc.fields.ttl;
  return !(ttl instanceof FaunaTime) || ttl.nanos > BigInt(atMicros) * 1000n;
}

export function cloneStore(store: Store): Store {
  return new Map([...store].map(([key, docs]) => [key, new Map(docs)]));
}

/** A transaction's own write; `pos` is where in the query it happened, for a late conflict. */
export interface OverlayEntry {
  readonly key: ClassKey;
  readonly id: string;
  readonly doc: Doc | null;
  readonly pos: Position;
  /** Where the outermost `Call` was when the write happened inside a function body. */
  readonly callPos?: Position;
}

/** Reads see the base store overlaid with this transaction's own writes. */
export class Transaction {
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

  /** As committed before this transaction: what the core's schema cache sees. */
  getCommitted(key: ClassKey, id: string): Doc | undefined {
    const doc = this.base.get(key)?.get(id);
    return doc !== undefined && isLive(doc, this.now) ? doc : undefined;
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

  put(key: ClassKey, doc: Doc, pos: Position = [], callPos?: Position): void {
    this.overlay.set(`${key}\u0000${doc.ref.id}`, { key, id: doc.ref.id, doc, pos, ...(callPos === undefined ? {} : { callPos }) });
    this.writeLog.push(key);
  }

  remove(key: ClassKey, id: string): void {
    this.overlay.set(`${key}\u0000${id}`, { key, id, doc: null, pos: [] });
    this.writeLog.push(key);
  }
}

export function applyEntry(store: Store, entry: OverlayEntry): void {
  let docs = store.get(entry.key);
  if (docs === undefined) {
    docs = new Map();
    store.set(entry.key, docs);
  }
  if (entry.doc === null) docs.delete(entry.id);
  else docs.set(entry.id, entry.doc);
}

// Index entries --------------------------------------------------------------------------------

export interface IndexEntry {
  readonly ref: Ref;
  readonly terms: Value[];
  readonly values: Value[];
}

/** A term or value field of an index, as CreateIndex validated it (documents.ts). */
interface FieldSpec {
  readonly path: (string | number)[];
  /** Multi-valued: arrays give one entry per element (the default, `mva` in doc/Index.scala). */
  readonly mva: boolean;
}

export function fieldSpec(spec: Value): FieldSpec {
  const field = isObjectValue(spec) ? spec.field : undefined;
  const path = typeof field === 'string' ? [field] : Array.isArray(field) ? field.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number') : [];
  return { path, mva: !(isObjectValue(spec) && spec.mva === false) };
}

export function indexSources(index: Doc): ClassKey[] {
  const source = index.fields.source;
  const refs = (Array.isArray(source) ? source : [source]).map((s) => (isObjectValue(s) ? s.collection : s));
  return refs.filter((r): r is Ref => r instanceof Ref).map(classKeyOf);
}

/** legacyDataExtractor's flatten: scalars as they are, arrays element by element, anything else null. */
function flattenScalars(v: Value): Value[] {
  if (Array.isArray(v)) return v.flatMap(flattenScalars);
  if (isObjectValue(v) || v instanceof Doc || v instanceof Page || v instanceof SetRef || v instanceof Closure || v instanceof QueryValue) return [null];
  return [v];
}

/**
 * One field's index terms (doc/Index.scala legacyDataExtractor, repo/doc/Indexer.scala
 * extractTerms): with mva, `select_as_index` (arrays flattened, a missing field none), without
 * it the value or null; none becomes one null; duplicates once.
 */
function fieldTerms(doc: Doc, spec: FieldSpec): Value[] {
  const found = selectPath(doc, spec.path, spec.mva);
  const terms = spec.mva ? (found === undefined ? [] : flattenScalars(found)) : [found ?? null];
  if (terms.length === 0) return [null];
  return terms.filter((t, i) => terms.findIndex((u) => valueEquals(u, t)) === i);
}

/** Every combination of one term from each field; none when all are null (Indexer `isNull`). */
function combinations(fields: readonly Value[][]): Value[][] {
  if (fields.length === 0) return [[]];
  const all = fields.reduce<Value[][]>((acc, terms) => acc.flatMap((prefix) => terms.map((t) => [...prefix, t])), [[]]);
  return all.filter((combo) => !combo.every((t) => t === null));
}

/**
 * A document's entries in an index, as the core's Indexer.tuples makes them for an FQL v4 index:
 * the term combinations times the value combinations, where a combination of only nulls is left
 * out. So a document missing every term field (or every covered value) is not in the index, and
 * an array field gives an entry per element. Without declared values the value is the ref.
 */
export function indexEntries(index: Doc, doc: Doc): IndexEntry[] {
  const terms = Array.isArray(index.fields.terms) ? index.fields.terms : [];
  const values = Array.isArray(index.fields.values) ? index.fields.values : [];
  const termCombos = combinations(terms.map((t) => fieldTerms(doc, fieldSpec(t))));
  const valueCombos = values.length === 0 ? [[doc.ref]] : combinations(values.map((v) => fieldTerms(doc, fieldSpec(v))));
  return termCombos.flatMap((t) => valueCombos.map((v) => ({ ref: doc.ref, terms: t, values: v })));
}

export function entries(tx: Transaction, index: Doc): IndexEntry[] {
  return indexSources(index).flatMap((key) => tx.scan(key).flatMap((doc) => indexEntries(index, doc)));
}

/** The ref of a document that already holds `doc`'s unique index entry, if any. */
export function uniqueConflict(tx: Transaction, key: ClassKey, doc: Doc): Ref | undefined {
  if (!isLive(doc, tx.now)) return undefined;
  for (const index of tx.scan('#indexes')) {
    if (index.fields.unique !== true || !indexSources(index).includes(key)) continue;
    // Uniqueness covers the terms and the declared values; the implicit ref value is not part of it.
    const declared = Array.isArray(index.fields.values) && index.fields.values.length > 0;
    const mine = indexEntries(index, doc);
    for (const other of entries(tx, index)) {
      if (refEquals(other.ref, doc.ref)) continue;
      const clash = mine.some((entry) => valueEquals(other.terms, entry.terms) && (!declared || valueEquals(other.values, entry.values)));
      if (clash) return other.ref;
    }
  }
  return undefined;
}
