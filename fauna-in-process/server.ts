/**
 * The FakeFauna server: authenticates each request as the core does (auth/Auth.scala,
 * auth/AuthScope.scala), runs it in one transaction (./evaluator.ts) and commits it, and answers
 * in the wire format (./wire.ts). Reachable as `handle()`, a `fetch` for the driver, or a nock
 * interceptor; ./http.ts serves it over loopback HTTP.
 */
import nock from 'nock';
import { EvalError, callError, notUnique } from './errors';
import { rightsOfRole, type Caller } from './authorization';
import { evaluate, rolesOfInstance, type FakeFaunaInternals } from './evaluator';
import { FORMS } from './forms';
import { Transaction, applyEntry, classKeyOf, cloneStore, collectionNameOf, isLive, ttlOf, uniqueConflict, type Store } from './storage';
import { Doc, Env, NATIVE_COLLECTIONS, Ref, type Value } from './values';
import {
  decode,
  encodeSecret,
  errorResponse,
  invalidJsonResponse,
  JSON_CONTENT_TYPE,
  parseAuthorization,
  resultResponse,
  unauthorizedResponse,
  v4DisabledResponse,
  type FakeFaunaResponse,
} from './wire';

export type { FakeFaunaResponse } from './wire';

export interface FakeFaunaOptions {
  /** The clock, epoch milliseconds; default Date.now. Moving it forward expires ttl'd documents and tokens. */
  now?: () => number;
  /** Accepted keys and their role; default: any non-empty bearer that is not a minted secret is an admin key. */
  secrets?: Record<string, 'admin' | 'server'>;
  /**
   * How long, on this fake's clock, the background build of an index over more than 128
   * documents takes (default 1500 ms). Until then the index is `active: false` and `Match` on it
   * answers 400 `instance not found`.
   */
  indexBuildMs?: number;
  /**
   * How long a token record stays cached (default 0: no cache). The core caches token records,
   * so a deleted token (Logout) keeps authenticating until its cache entry expires while its
   * instance document lives; the instance is read uncached on every request.
   */
  tokenCacheMs?: number;
  /**
   * How long a key record stays cached (default 0: no cache). The core authenticates a key
   * through its key cache (doc/Key.scala `forKeyLike`: the cached record, refused only when that
   * record says deleted), refreshed every `cache_key_ttl_seconds` (CoreConfig.scala, default 60)
   * and invalidated by the node that sees the delete: a deleted key may authenticate elsewhere
   * until its entry expires. This is that worst case.
   */
  keyCacheMs?: number;
  /** Every authenticated request answers 410 `permission denied`, as the core does with `allow_v4_queries` off. */
  fqlV4Disabled?: boolean;
}

export interface FakeFaunaRequest {
  body: string;
  authorization?: string;
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

const DEFAULT_INDEX_BUILD_MS = 1500;

export class FakeFauna {
  readonly stats: FakeFaunaStats = { requests: 0, writes: 0, writesByCollection: {} };
  readonly requests: unknown[] = [];
  /** A key this fake accepts as admin, for seeding schema. */
  readonly adminSecret: string;
  readonly fetch: typeof globalThis.fetch;

  private store: Store = new Map();
  private readonly now: () => number;
  private readonly keySecrets: Record<string, 'admin' | 'server'> | undefined;
  private readonly indexBuildMs: number;
  private readonly tokenCacheMs: number;
  private readonly keyCacheMs: number;
  private readonly fqlV4Disabled: boolean;
  /** Index name -> when its background build ends (microseconds). */
  private readonly indexBuilds = new Map<string, number>();
  /** Token id -> the token record as first read and when (ms), while `tokenCacheMs` > 0. */
  private readonly tokenCache: RecordCache = new Map();
  /** Key id -> the key record as first read and when (ms), while `keyCacheMs` > 0. */
  private readonly keyCache: RecordCache = new Map();
  private lastTxnMicros = 0;
  private idCounter = 0;
  private readonly tokenSecrets = new Map<string, string>(); // secret -> token id
  private readonly tokenSecretById = new Map<string, string>();
  private readonly mintedKeySecrets = new Map<string, string>(); // secret -> key id
  private held: HeldCommit[] | undefined;

  constructor(options: FakeFaunaOptions = {}) {
    this.now = options.now ?? Date.now;
    this.keySecrets = options.secrets;
    this.indexBuildMs = options.indexBuildMs ?? DEFAULT_INDEX_BUILD_MS;
    this.tokenCacheMs = options.tokenCacheMs ?? 0;
    this.keyCacheMs = options.keyCacheMs ?? 0;
    this.fqlV4Disabled = options.fqlV4Disabled ?? false;
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
      return invalidJsonResponse(this.txnTime());
    }
    this.requests.push(parsed);

    const txnMicros = this.txnTime();
    this.finishIndexBuilds(txnMicros);
    // While commits are held, each request sees the last committed state, as concurrent
    // transactions would.
    const base = this.held !== undefined ? cloneStore(this.store) : this.store;
    const tx = new Transaction(base, txnMicros);
    const caller = this.authenticate(request.authorization, tx);
    if (caller === undefined) return unauthorizedResponse(txnMicros);
    if (this.fqlV4Disabled) return v4DisabledResponse(txnMicros);

    let result: Value;
    try {
      result = evaluate({ tx, caller, forms: FORMS, fake: this.internals }, parsed, new Env(), []);
    } catch (err) {
      if (err instanceof EvalError) return errorResponse(err, txnMicros);
      throw err;
    }
    if (this.held !== undefined) {
      const held = this.held;
      return new Promise((resolve) => held.push({ tx, result, resolve }));
    }
    this.commit(tx);
    return resultResponse(result, txnMicros);
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
          // Inside a function body the core reports it as the function's failure (call error, cause).
          const error = notUnique(conflict.pos);
          resolve(errorResponse(conflict.callPos === undefined ? error : callError(conflict.callPos, error), tx.now));
        } else {
          this.commit(tx);
          resolve(resultResponse(result, tx.now));
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
    indexBuildMicros: () => this.indexBuildMs * 1000,
    startIndexBuild: (name, endMicros) => {
      this.indexBuilds.set(name, endMicros);
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

  /**
   * The caller of a request, or undefined for 401. A token authenticates while its ttl is in the
   * future and its instance document exists and is live (Auth.scala `tokenAuth`,
   * AuthScope.scala `getTokenAuth`); its roles are those whose membership takes the instance
   * now (RoleMembership.scala).
   */
  private authenticate(header: string | undefined, tx: Transaction): Caller | undefined {
    const secret = parseAuthorization(header);
    if (secret === undefined || secret === '') return undefined;
    const tokenId = this.tokenSecrets.get(secret);
    if (tokenId !== undefined) {
      const token = this.tokenRecord(tokenId, tx);
      if (token === undefined || !isLive(token, tx.now) || !(token.fields.instance instanceof Ref)) return undefined;
      const instance = token.fields.instance;
      // The instance is read uncached: deleting it ends every token of it at once.
      const owner = instance.collection === undefined ? undefined : tx.get(classKeyOf(instance.collection), instance.id);
      if (owner === undefined) return undefined;
      const roles = rolesOfInstance({ tx, forms: FORMS, fake: this.internals, caller: { rights: { kind: 'none' }, identity: instance, token: token.ref } }, instance);
      return { rights: { kind: 'instance', instance, roles }, identity: instance, token: token.ref };
    }
    const keyId = this.mintedKeySecrets.get(secret);
    if (keyId !== undefined) {
      const key = this.keyRecord(keyId, tx);
      if (key === undefined) return undefined;
      return { rights: rightsOfRole(tx, key.fields.role) ?? { kind: 'none' }, key: key.ref };
    }
    if (this.keySecrets === undefined) return { rights: { kind: 'admin' } };
    const role = this.keySecrets[secret];
    return role === undefined ? undefined : { rights: { kind: role } };
  }

  /** The token record, through the token cache when there is one (Token.getLatestCached). */
  private tokenRecord(tokenId: string, tx: Transaction): Doc | undefined {
    return throughCache(this.tokenCache, this.tokenCacheMs, tokenId, this.now(), () => tx.get('#tokens', tokenId));
  }

  /** The key record, through the key cache when there is one (Key.forKeyLike). */
  private keyRecord(keyId: string, tx: Transaction): Doc | undefined {
    return throughCache(this.keyCache, this.keyCacheMs, keyId, this.now(), () => tx.get('#keys', keyId));
  }

  /** Index builds whose time has come end: the index becomes active, as the core's build task leaves it. */
  private finishIndexBuilds(atMicros: number): void {
    for (const [name, endMicros] of this.indexBuilds) {
      if (endMicros > atMicros) continue;
      this.indexBuilds.delete(name);
      const index = this.store.get('#indexes')?.get(name);
      if (index === undefined || index.fields.active !== false) continue;
      applyEntry(this.store, { key: '#indexes', id: name, doc: new Doc(index.ref, endMicros, { ...index.fields, active: true }), pos: [] });
    }
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

type RecordCache = Map<string, { readonly record: Doc; readonly cachedAt: number }>;

/**
 * A record as the core's caches serve it (`ttlMs` 0: no cache): the copy first read, until its
 * entry is `ttlMs` old, whatever happened to the record meanwhile; then read again.
 */
function throughCache(cache: RecordCache, ttlMs: number, id: string, now: number, read: () => Doc | undefined): Doc | undefined {
  if (ttlMs <= 0) return read();
  const cached = cache.get(id);
  if (cached !== undefined && now - cached.cachedAt < ttlMs) return cached.record;
  const record = read();
  if (record === undefined) cache.delete(id);
  else cache.set(id, { record, cachedAt: now });
  return record;
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

