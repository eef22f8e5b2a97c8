/**
 * The wire format of FQL v4 (API version 4): request literals in, `{"resource"}` and
 * `{"errors"}` bodies out, secrets and the Authorization header. What the core renders:
 * ext/api/src/main/scala/api/fql1/APIResponse.scala, ext/model/src/main/scala/Renderable.scala.
 */
import { randomBytes } from 'node:crypto';
import { EvalError, type Position } from './errors';
import { dateToIso, timeToIso } from './time';
import {
  Closure,
  Doc,
  FaunaDate,
  FaunaTime,
  NATIVE_COLLECTIONS,
  Page,
  QueryValue,
  Ref,
  SetRef,
  isObjectValue,
  nativeRef,
  collectionRef,
  type NativeName,
  type ObjectValue,
  type SetSpec,
  type Value,
} from './values';

export interface FakeFaunaResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{"@ref": …}` as sent: the nested form, or the legacy path form (`collections/users/123`). */
export function parseRefLiteral(raw: unknown, pos: Position): Ref {
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

// Out ----------------------------------------------------------------------------------------

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

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

export function render(v: Value): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(render);
  if (v instanceof Ref) return renderRef(v);
  if (v instanceof FaunaTime) return { '@ts': timeToIso(v) };
  if (v instanceof FaunaDate) return { '@date': dateToIso(v) };
  if (v instanceof SetRef) return { '@set': renderSet(v.spec) };
  if (v instanceof Closure || v instanceof QueryValue) {
    const raw = v instanceof QueryValue ? v.closure.raw : v.raw;
    return { '@query': { api_version: v instanceof QueryValue ? v.apiVersion : '4', lambda: raw.lambda as Json, expr: raw.expr as Json } };
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
export function decode(v: Value): unknown {
  if (v instanceof Ref) return { collection: v.collection?.id ?? null, id: v.id };
  if (v instanceof FaunaTime) return new Date(Math.floor(v.micros / 1000));
  if (Array.isArray(v)) return v.map(decode);
  if (isObjectValue(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  if (v instanceof Doc || v instanceof Page || v instanceof SetRef || v instanceof Closure || v instanceof QueryValue || v instanceof FaunaDate) {
    return render(v);
  }
  return v;
}

export function resultResponse(result: Value, txnMicros: number): FakeFaunaResponse {
  return {
    status: result instanceof Doc && result.created ? 201 : 200,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-txn-time': String(txnMicros) },
    body: JSON.stringify({ resource: render(result) }),
  };
}

export function errorResponse(err: EvalError, txnMicros: number): FakeFaunaResponse {
  return {
    status: err.status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-txn-time': String(txnMicros) },
    body: JSON.stringify({ errors: [errorJson(err)] }),
  };
}

/** One error as the core renders it; a `call error` carries what failed inside the function as `cause`. */
function errorJson(err: EvalError): Json {
  const out: { [key: string]: Json } = { position: [...err.position], code: err.code, description: err.description };
  if (err.failures.length > 0) out.failures = err.failures.map((f) => ({ field: [...f.field], code: f.code, description: f.description }));
  if (err.causes.length > 0) out.cause = err.causes.map(errorJson);
  return out;
}

/** A request-level error (APIResponse.scala `ErrorResponse`): no position. */
function plainError(status: number, code: string, description: string, txnMicros: number, extra: Record<string, string> = {}): FakeFaunaResponse {
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...extra, 'x-txn-time': String(txnMicros) },
    body: JSON.stringify({ errors: [{ code, description }] }),
  };
}

/** APIResponse.Unauthorized: a missing, unknown, expired or revoked secret. */
export function unauthorizedResponse(txnMicros: number): FakeFaunaResponse {
  return plainError(401, 'unauthorized', 'Unauthorized', txnMicros, { 'www-authenticate': 'Basic realm="Unauthorized"' });
}

/** APIResponse.V4Disabled: the account's `allow_v4_queries` flag is off (FQL1Routes.scala, after authentication). */
export function v4DisabledResponse(txnMicros: number): FakeFaunaResponse {
  return plainError(
    410,
    'permission denied',
    'FQL v4 requests have been disabled for your account. Please create a ticket at https://support.fauna.com',
    txnMicros,
  );
}

export function invalidJsonResponse(txnMicros: number): FakeFaunaResponse {
  return errorResponse(new EvalError(400, 'invalid expression', 'Request body is not valid JSON.', []), txnMicros);
}

// Secrets --------------------------------------------------------------------------------------

export function parseAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) return Buffer.from(value, 'base64').toString('utf8').replace(/:$/, '');
  return undefined;
}

/** A secret in the core's binary layout (auth/AuthLike.scala), base64url: "fnE…" tokens, "fnA…" keys. */
export function encodeSecret(type: number, ids: readonly bigint[]): string {
  const buf = Buffer.alloc(2 + ids.length * 8 + 20);
  buf.writeUInt8(126, 0);
  buf.writeUInt8(type, 1);
  ids.forEach((id, i) => buf.writeBigUInt64BE(id, 2 + i * 8));
  randomBytes(20).copy(buf, 2 + ids.length * 8);
  return buf.toString('base64url');
}
