/**
 * The store: committed document versions per collection, transactions that overlay their own
 * writes on it, index entries computed from documents, and unique-index checks.
 */
import type { Position } from './errors';
import { Doc, FaunaTime, Ref, docAsObject, isObjectValue, refEquals, selectPath, valueEquals, type Value } from './values';

/** Where a document lives: a user collection's name, or `#name` for a native collection. */
export type ClassKey = string;
export type Store = Map<ClassKey, Map<string, Doc>>;

export function classKeyOf(collection: Ref): ClassKey {
  return collection.collection === undefined ? `#${collection.id}` : collection.id;
}

export function collectionNameOf(key: ClassKey): string {
  return key.startsWith('#') ? key.slice(1) : key;
}

export function ttlOf(doc: Doc): number | undefined {
  const ttl = doc.fields.ttl;
  return ttl instanceof FaunaTime ? ttl.micros : undefined;
}

export function isLive(doc: Doc, atMicros: number): boolean {
  const ttl = ttlOf(doc);
  return ttl === undefined || ttl > atMicros;
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

  put(key: ClassKey, doc: Doc, pos: Position = []): void {
    this.overlay.set(`${key}\u0000${doc.ref.id}`, { key, id: doc.ref.id, doc, pos });
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

export function fieldPath(spec: Value): (string | number)[] {
  const field = isObjectValue(spec) ? spec.field : undefined;
  if (typeof field === 'string') return [field];
  if (Array.isArray(field)) return field.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
  return [];
}

export function indexSources(index: Doc): ClassKey[] {
  const source = index.fields.source;
  const refs = (Array.isArray(source) ? source : [source]).map((s) => (isObjectValue(s) ? s.collection : s));
  return refs.filter((r): r is Ref => r instanceof Ref).map(classKeyOf);
}

export function indexEntry(index: Doc, doc: Doc): IndexEntry {
  const whole = docAsObject(doc);
  const terms = Array.isArray(index.fields.terms) ? index.fields.terms : [];
  const values = Array.isArray(index.fields.values) ? index.fields.values : [];
  return {
    ref: doc.ref,
    terms: terms.map((t) => selectPath(whole, fieldPath(t)) ?? null),
    values: values.length === 0 ? [doc.ref] : values.map((v) => selectPath(whole, fieldPath(v)) ?? null),
  };
}

export function entries(tx: Transaction, index: Doc): IndexEntry[] {
  return indexSources(index).flatMap((key) => tx.scan(key).map((doc) => indexEntry(index, doc)));
}

/** The ref of a document that already holds `doc`'s unique index entry, if any. */
export function uniqueConflict(tx: Transaction, key: ClassKey, doc: Doc): Ref | undefined {
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
